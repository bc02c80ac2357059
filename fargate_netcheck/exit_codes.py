"""Exit codes and last-resort error handling of the command line, as Ruff's.

- 0: clean.
- 1: findings at or above the failing severity (``check``), or a collection with failures (``scan``).
- 2: usage or input error, a collection that got nothing (``collection.NothingCollected``), or an
  internal error.

Every error is one line on stderr. An internal error (a bug) says so and how to see more; its
traceback is printed only with ``--debug``, which is accepted anywhere on the command line (or
``FARGATE_NETCHECK_DEBUG=1``).
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

from fargate_netcheck.errors import InputError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
DEBUG_FLAG = "--debug"


def one_line(text: str) -> str:
    """``text`` with no control characters (a region name, a key from a file) and on one line."""
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in flat)


def run_main(app: Any, argv: list[str] | None = None) -> None:
    """Run the typer ``app`` and turn what escapes it into one line and an exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG_FLAG in args or os.environ.get("FARGATE_NETCHECK_DEBUG", "") not in ("", "0")
    args = [a for a in args if a != DEBUG_FLAG]
    try:
        app(args=args, prog_name="fargate-netcheck")
    except InputError as exc:
        print(f"fargate-netcheck: error: {one_line(str(exc))}", file=sys.stderr)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        sys.exit(EXIT_FINDINGS)
    except KeyboardInterrupt:
        print("fargate-netcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # a bug: never a bare traceback, never exit 1 (which means findings)
        if debug:
            traceback.print_exc()
        print(
            f"fargate-netcheck: internal error: {one_line(f'{type(exc).__name__}: {exc}')}; "
            "rerun with --debug for the traceback",
            file=sys.stderr,
        )
        sys.exit(EXIT_ERROR)
