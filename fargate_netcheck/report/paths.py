"""Where a run writes, checked before it makes its first API call, and a collection that cannot be
written after all kept rather than lost.

A scan of an organisation takes minutes and many API calls: finding out at the end that
``--output`` names a missing folder would throw all of it away. ``check_writable`` refuses such a
path at once (exit 2, before any call). If the write still fails later (the folder was removed, the
disk filled up), ``rescue`` saves the collection in the working directory (else the temporary
folder) and names it in the error.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from fargate_netcheck.core.errors import InputError

_D = TypeVar("_D")  # what rescue writes (a snapshot document)


def check_writable(path: Path, what: str) -> None:
    """``path`` can be written as a ``what`` (its folder exists and is writable; it is no folder).
    A device or pipe that exists (``/dev/stdout``) is fine when writable."""
    if path.is_dir():
        raise InputError(f"{path}: is a folder; name the {what} file to write")
    if path.exists() and not path.is_file():
        if not os.access(path, os.W_OK):
            raise InputError(f"{path}: cannot write the {what}: permission denied")
        return
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{path}: cannot write the {what}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InputError(f"{path}: cannot write the {what}: permission denied")


def write_text(path: Path, text: str, what: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (``core.files.write_text``: a failure leaves
    the previous file, never half a new one); a failure is an InputError naming the file (exit 2)."""
    from fargate_netcheck.core import files

    files.write_text(path, [text], f"the {what}")


def check_folder(folder: Path, what: str) -> None:
    """``folder`` exists or can be created, and is writable."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create the {what} folder: {exc.strerror or exc}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"{folder}: cannot write the {what} folder: permission denied")


def rescue(path: Path, data: _D, write: Callable[[_D, Path], None]) -> Path:
    """``write(data, path)``; when that fails, write to a new file in the working directory (else
    the temporary folder) and raise an ``InputError`` naming both. Returns ``path`` on success."""
    try:
        write(data, path)
        return path
    except (OSError, InputError) as exc:
        problem = getattr(exc, "strerror", None) or str(exc)
    name = f"fargate-netcheck-snapshot-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{os.getpid()}.json"
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        saved = folder / name
        try:
            write(data, saved)
        except (OSError, InputError):
            continue
        raise InputError(
            f"{path}: cannot write the snapshot ({problem}); the collection was saved to {saved}"
        )
    raise InputError(
        f"{path}: cannot write the snapshot ({problem}), nor a copy in {Path.cwd()} or the temp folder"
    )
