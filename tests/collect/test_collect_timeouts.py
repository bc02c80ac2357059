"""A region whose endpoint hangs is recorded as an error within the client's time bounds, and the
rest of the snapshot is still written."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from fargate_netcheck.collect import session as session_module
from fargate_netcheck.collect.ec2 import collect_regions
from fargate_netcheck.collect.session import CONNECT_TIMEOUT_S, READ_TIMEOUT_S, client, make_session


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
    monkeypatch.setattr(session_module, "READ_TIMEOUT_S", 0.3)
    monkeypatch.setattr(session_module, "RETRIES", {"mode": "standard", "max_attempts": 1})
    monkeypatch.setenv("AWS_ENDPOINT_URL", hanging_endpoint)
    ec2 = client(make_session(None), "ec2", "us-east-1")
    body = collect_regions({"us-east-1": ec2}, max_workers=8)["us-east-1"]
    assert body["Errors"], body
    assert set(body) == {"Errors"}  # nothing half-collected passes for a region's data
    assert all("ReadTimeoutError" in message for message in body["Errors"].values()), body["Errors"]
