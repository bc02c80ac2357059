"""Exit codes and last-resort error handling of the command line, as Ruff's.

- 0: clean.
- 1: findings at or above the failing severity (``check``), or a collection with failures (``scan``).
- 2: usage or input error, a collection that got nothing (``collection.NothingCollected``), a
  report whose reader closed the pipe before it was written whole, or an internal error.

Every error is one line on stderr. An internal error (a bug) says so and how to see more; its
traceback is printed only with ``--debug``, which is accepted anywhere on the command line (or
``FARGATE_NETCHECK_DEBUG=1``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from typing import Any, NoReturn

from fargate_netcheck.core.errors import InputError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
DEBUG_FLAG = "--debug"


def one_line(text: str) -> str:
    """``text`` with no control characters (a region name, a key from a file) and on one line."""
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in flat)


def run_main(command: Any, argv: list[str] | None = None) -> None:
    """Run the click ``command`` (the typer app) in non-standalone mode and turn what escapes it into
    one line on stderr and an exit code: click's usage errors and bad values too (``--port abc``)."""
    import typer

    args = list(sys.argv[1:] if argv is None else argv)
    debug = DEBUG_FLAG in args or os.environ.get("FARGATE_NETCHECK_DEBUG", "") not in ("", "0")
    args = [a for a in args if a != DEBUG_FLAG]
    try:
        code = command.main(args=args, prog_name="fargate-netcheck", standalone_mode=False)
    except InputError as exc:
        _fail(str(exc))
    except typer.TyperException as exc:  # click's errors as typer raises them: usage, a bad value
        if type(exc).__name__ == "NoArgsIsHelpError":  # the bare command prints its help
            exc.show()  # type: ignore[attr-defined]  # a click exception, known here by its name only
            sys.exit(EXIT_ERROR)
        ctx = getattr(exc, "ctx", None)
        _fail(exc.format_message() + (f" (see '{ctx.command_path} --help')" if ctx is not None else ""))
    except typer.Abort:
        sys.exit(130)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to the pipe
        _output_closed()
    except KeyboardInterrupt:
        print("fargate-netcheck: interrupted", file=sys.stderr)
        sys.exit(130)
    except SystemExit as exc:
        # click answers a write to a closed stdout (EPIPE) with exit 1, our "findings", after
        # wrapping sys.stdout to silence the flush at exit: that wrapper says it happened.
        if exc.code == EXIT_FINDINGS and type(sys.stdout).__name__.endswith("PacifyFlushWrapper"):
            _output_closed()
        raise
    except Exception as exc:  # a bug: never a bare traceback, never exit 1 (which means findings)
        if debug:
            traceback.print_exc()
        print(
            f"fargate-netcheck: internal error: {one_line(f'{type(exc).__name__}: {exc}')}; "
            "rerun with --debug for the traceback",
            file=sys.stderr,
        )
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


def _output_closed() -> NoReturn:
    """The reader of stdout went away (``| head``): the output was not delivered whole, which is
    no clean run and no finding."""
    with contextlib.suppress(OSError):  # stderr may be the same closed pipe
        print(
            "fargate-netcheck: error: stdout was closed before the output was written whole", file=sys.stderr
        )
    sys.exit(EXIT_ERROR)


def _fail(message: str) -> NoReturn:
    print(f"fargate-netcheck: error: {one_line(message)}", file=sys.stderr)
    sys.exit(EXIT_ERROR)
