"""Timeouts, retries and the per-region deadline: set by the user, honoured by the clients; a region
whose endpoint hangs is recorded as an error within those bounds, and the run goes on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from fargate_netcheck.collect.ec2 import collect_regions
from fargate_netcheck.collect.session import client, make_session
from fargate_netcheck.core.call_settings import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, CallSettings
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.collection import TIMED_OUT_PREFIX


@pytest.fixture
def hanging_endpoint() -> Iterator[str]:
    """A TCP server on 127.0.0.1 that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_clients_bound_connect_and_read_times() -> None:
    ec2 = client(make_session(None), "ec2", "us-east-1")
    assert (ec2.meta.config.connect_timeout, ec2.meta.config.read_timeout) == (
        CONNECT_TIMEOUT_S,
        READ_TIMEOUT_S,
    )
    assert READ_TIMEOUT_S < 60  # botocore's default, which would stall a scan for minutes per call


def test_a_hanging_region_is_recorded_as_a_read_timeout(
    hanging_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", hanging_endpoint)
    settings = CallSettings(read_timeout=0.3, max_attempts=1)
    ec2 = client(make_session(None), "ec2", "us-east-1", settings=settings)
    body = collect_regions({"us-east-1": ec2}, max_workers=8)["us-east-1"]
    assert body["Errors"], body
    assert set(body) == {"Errors"}  # nothing half-collected passes for a region's data
    assert all("ReadTimeoutError" in message for message in body["Errors"].values()), body["Errors"]


def test_the_region_deadline_records_what_is_unfinished_as_timed_out(
    hanging_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", hanging_endpoint)
    settings = CallSettings(read_timeout=5, max_attempts=1, region_deadline=0.5)
    ec2 = client(make_session(None), "ec2", "us-east-1", settings=settings)
    started = time.monotonic()
    body = collect_regions({"us-east-1": ec2}, max_workers=2, deadline_s=settings.region_deadline)[
        "us-east-1"
    ]
    assert time.monotonic() - started < 4  # not the read timeout of every call in turn
    timed_out = [m for m in body["Errors"].values() if m.startswith(TIMED_OUT_PREFIX)]
    assert timed_out, body["Errors"]


def test_cli_settings_win_over_botocore_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("AWS_RETRY_MODE", "standard")
    session = make_session(None)
    assert CallSettings().retries(session) == {"mode": "standard", "total_max_attempts": 3}
    assert CallSettings(max_attempts=7).retries(session) == {"mode": "standard", "total_max_attempts": 7}
    ec2 = client(session, "ec2", "us-east-1", settings=CallSettings(connect_timeout=2, read_timeout=4))
    assert (ec2.meta.config.connect_timeout, ec2.meta.config.read_timeout) == (2, 4)
    assert ec2.meta.config.retries["total_max_attempts"] == 3


def test_without_variables_the_default_is_adaptive_with_ten_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)
    assert CallSettings().retries(make_session(None)) == {"mode": "adaptive", "total_max_attempts": 11}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [("AWS_MAX_ATTEMPTS", "many", "is not a whole number"), ("AWS_RETRY_MODE", "eager", "is not one of")],
)
def test_a_bad_botocore_variable_is_an_input_error(monkeypatch, name, value, message) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(InputError, match=message):
        CallSettings().retries(make_session(None))


@pytest.mark.parametrize("bad", [{"read_timeout": 0}, {"connect_timeout": -1}, {"max_attempts": 0}])
def test_bad_settings_are_input_errors(bad) -> None:
    with pytest.raises(InputError):
        CallSettings(**bad)
