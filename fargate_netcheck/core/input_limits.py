"""Size limits on every file the tool reads, so a hostile or mistaken input stays cheap.

A file over its limit is refused before it is parsed: an ``InputError`` naming the file and the
limit (exit 2), however large the file is (at most ``limit + 1`` bytes are read, so a pipe or a
device cannot stream for ever either). The limits sit far above any real input of their kind:

- YAML (deploy configs, CloudFormation templates): 10 MiB (CloudFormation itself takes 1 MB).
- A snapshot or a baseline report (JSON): 1 GiB (a 50,000-subnet organisation is far smaller).
- A Run Environment file or the configuration file: 1 MiB.
- AWS's ip-ranges.json (``--ip-ranges``): 64 MiB (the real file is under 2 MB).
"""

from __future__ import annotations

from pathlib import Path

from fargate_netcheck.core.errors import InputError

MiB = 1 << 20
YAML_LIMIT = 10 * MiB
JSON_LIMIT = 1024 * MiB
SMALL_LIMIT = 1 * MiB
IP_RANGES_LIMIT = 64 * MiB


def _shown(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit % MiB == 0 else f"{limit} bytes"


def read_limited(path: Path, what: str, limit: int, shown: str | None = None, encoding: str = "utf-8") -> str:
    """The UTF-8 text of ``path``, refused (``InputError``) past ``limit`` bytes. Missing or
    unreadable files propagate as ``OSError``/``UnicodeDecodeError`` for the caller's message."""
    name = shown or str(path)
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # let open() raise the caller's message
    if size > limit:
        raise InputError(f"{name}: the {what} is {size} bytes, over the limit of {_shown(limit)}")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{name}: the {what} is over the limit of {_shown(limit)}")
    return data.decode(encoding)
