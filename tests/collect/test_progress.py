"""progress.py: a bar only on a terminal (not in CI, not when quiet), and -v logging to stderr."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest

from fargate_netcheck.core.progress import (
    LOGGER_NAME,
    SilentProgress,
    collection_progress,
    configure_logging,
    progress_enabled,
)


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "quiet", "environ", "shown"),
    [
        (FakeTerminal(), False, {}, True),
        (FakeTerminal(), False, {"CI": "false"}, True),
        (FakeTerminal(), True, {}, False),
        (FakeTerminal(), False, {"CI": "true"}, False),
        (FakeTerminal(), False, {"CI": "1"}, False),
        (io.StringIO(), False, {}, False),  # stderr redirected to a file or a pipe
    ],
)
def test_the_bar_is_shown_only_on_a_terminal_outside_ci_unless_quiet(
    stream: io.StringIO, quiet: bool, environ: dict[str, str], shown: bool
) -> None:
    assert progress_enabled(quiet=quiet, stream=stream, environ=environ) is shown


def test_not_a_terminal_gives_a_silent_sink_that_writes_nothing() -> None:
    stream = io.StringIO()
    with collection_progress(stream=stream) as sink:
        sink.add_total(3)
        sink.advance(2)
    assert isinstance(sink, SilentProgress)
    assert (sink.total, sink.done) == (3, 2)
    assert stream.getvalue() == ""


def test_a_terminal_gets_a_bar_that_counts_steps_added_as_they_are_learnt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = FakeTerminal()
    with collection_progress("collecting 2 accounts", stream=stream) as sink:
        sink.add_total(4)
        sink.add_total(2)
        for _ in range(6):
            sink.advance()
    assert not isinstance(sink, SilentProgress)
    drawn = stream.getvalue()
    assert "collecting 2 accounts" in drawn
    assert "6/6" in drawn


def test_importing_progress_does_not_import_rich() -> None:
    code = "import sys, fargate_netcheck.core.progress; print('rich' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    yield
    configure_logging(0)
    logging.getLogger(LOGGER_NAME).setLevel(logging.NOTSET)
    logging.getLogger("botocore.retries").setLevel(logging.NOTSET)


def _emit_all() -> None:
    log = logging.getLogger(f"{LOGGER_NAME}.collect")
    log.debug("a debug line")
    log.info("an info line")
    log.warning("a warning line")


def test_verbose_sends_info_to_stderr_once_however_often_configured(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(1)
    configure_logging(1)
    _emit_all()
    err = capsys.readouterr().err
    assert err.count("an info line") == 1
    assert "fargate_netcheck.collect: an info line" in err
    assert "a debug line" not in err


def test_very_verbose_adds_debug_and_botocores_retry_log(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(2)
    _emit_all()
    logging.getLogger("botocore.retries.standard").debug("Retry needed, retrying request after delay of: 0.5")
    err = capsys.readouterr().err
    assert "a debug line" in err
    assert "botocore.retries.standard: Retry needed" in err


def test_quiet_logging_installs_no_handler(restore_logging: None, capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(1)
    configure_logging(0)
    logging.getLogger(f"{LOGGER_NAME}.collect").info("an info line")
    assert "an info line" not in capsys.readouterr().err
    assert not [
        h for h in logging.getLogger(LOGGER_NAME).handlers if h.get_name() == "fargate-netcheck-stderr"
    ]
