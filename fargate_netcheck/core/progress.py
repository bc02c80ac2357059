"""What a long collection shows while it runs: a progress bar on a terminal, log lines with ``-v``.

The bar (rich, imported only when one is shown) goes to stderr and only when stderr is a terminal,
``CI`` is not set and the user did not ask for quiet. Collectors see a ``ProgressSink``: they add
the steps they learn about and advance as steps finish, from any thread. ``configure_logging`` sends
the ``fargate_netcheck`` logger (each API call with its time, each retry) to stderr.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:  # rich loads only when a bar is shown
    from rich.progress import Progress, TaskID

LOGGER_NAME = "fargate_netcheck"
_HANDLER_NAME = "fargate-netcheck-stderr"
_CI_VALUES = frozenset({"1", "true", "yes"})


class ProgressSink(Protocol):
    """Where collectors report progress. Both methods must be safe to call from worker threads."""

    def add_total(self, steps: int) -> None: ...

    def advance(self, steps: int = 1) -> None: ...


class SilentProgress:
    """A sink that shows nothing (not a terminal, CI, ``--quiet``), but still counts, for tests."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self._lock = threading.Lock()

    def add_total(self, steps: int) -> None:
        with self._lock:
            self.total += steps

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self.done += steps


class _RichProgress:
    """A sink that drives one task of a rich progress bar (rich's ``advance`` is thread-safe; the
    total is kept here, under a lock, so that two threads adding steps do not lose one)."""

    def __init__(self, bar: Progress, task: TaskID) -> None:
        self._bar = bar
        self._task = task
        self._total = 0
        self._lock = threading.Lock()

    def add_total(self, steps: int) -> None:
        with self._lock:
            self._total += steps
            self._bar.update(self._task, total=self._total)

    def advance(self, steps: int = 1) -> None:
        self._bar.advance(self._task, steps)


def progress_enabled(
    *, quiet: bool = False, stream: TextIO | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """True when a bar should be drawn: not quiet, not in CI, and ``stream`` (stderr) is a terminal."""
    environ = os.environ if environ is None else environ
    if quiet or environ.get("CI", "").strip().lower() in _CI_VALUES:
        return False
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def collection_progress(
    description: str = "collecting", *, quiet: bool = False, stream: TextIO | None = None
) -> Iterator[ProgressSink]:
    """A sink for the duration of a collection: a transient rich bar on ``stream`` (stderr) when
    ``progress_enabled``, otherwise a ``SilentProgress``."""
    if not progress_enabled(quiet=quiet, stream=stream):
        yield SilentProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=sys.stderr if stream is None else stream)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _RichProgress(bar, bar.add_task(description, total=None))


# StreamHandler is generic in typeshed but not at run time; the stream property below replaces the
# attribute the base class assigns (both ignores are "unused" under some typeshed versions).
class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to whatever ``sys.stderr`` is at the time, so log lines go above a live progress bar
    (rich redirects stderr while it draws) and tests capturing stderr see them."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override,unused-ignore]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure_logging(verbosity: int) -> None:
    """``-v`` (1): INFO on the ``fargate_netcheck`` logger, i.e. each API call with its time and each
    retry; ``-vv`` (2 or more): DEBUG, and botocore's own retry decisions. 0 leaves warnings only.
    Calling it again replaces the handler it installed (never adds a second one)."""
    logger = logging.getLogger(LOGGER_NAME)
    retries = logging.getLogger("botocore.retries")
    for target in (logger, retries):
        for handler in [h for h in target.handlers if h.get_name() == _HANDLER_NAME]:
            target.removeHandler(handler)
    if verbosity <= 0:
        logger.setLevel(logging.WARNING)
        return
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.setLevel(logging.INFO if verbosity == 1 else logging.DEBUG)
    logger.addHandler(handler)
    if verbosity >= 2:
        retries.setLevel(logging.DEBUG)
        retries.addHandler(handler)
