"""``python -m fargate_netcheck.cli.trim_ip_ranges IP_RANGES_JSON OUT``: trim a download of AWS's
ip-ranges.json into the copy the package ships (``data/aws-ip-ranges.json``; see
``trace.aws_ranges.trim``). A module of its own, outside the ``trace`` package: that package imports
``aws_ranges`` itself, and running a module the package has already imported with ``-m`` runs a
second copy of it (Python warns so)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

USAGE = "usage: python -m fargate_netcheck.cli.trim_ip_ranges IP_RANGES_JSON OUT"


def main(argv: list[str]) -> int:
    from fargate_netcheck.core.errors import InputError
    from fargate_netcheck.trace.aws_ranges import trim

    if len(argv) != 2 or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 0 if argv[:1] in (["-h"], ["--help"]) else 2
    src, dst = map(Path, argv)
    try:
        trimmed = trim(json.loads(src.read_text(encoding="utf-8")))
    except (OSError, ValueError, InputError) as exc:
        print(f"{src}: {exc}", file=sys.stderr)
        return 2
    dst.write_text(json.dumps(trimmed, separators=(",", ":")) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
