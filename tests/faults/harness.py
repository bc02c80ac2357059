"""Start and drive the fault-injecting moto_server (tests/faults/server.py) from tests and scripts."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER = Path(__file__).with_name("server.py")
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def closed_port_endpoint() -> str:
    """An endpoint on 127.0.0.1 where nothing listens (bound, then released)."""
    return f"http://127.0.0.1:{free_port()}"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@dataclass(frozen=True, slots=True)
class FaultServer:
    endpoint: str

    def _control(self, method: str, spec: dict | None = None) -> dict:
        data = json.dumps(spec).encode() if spec is not None else None
        request = urllib.request.Request(f"{self.endpoint}/_fault", method=method, data=data)
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def arm(self, action: str, fault: str, *, times: int | None = None, delay: float = 3.0) -> None:
        self._control("POST", {"action": action, "fault": fault, "times": times, "delay": delay})

    def disarm(self) -> dict:
        return self._control("DELETE")

    def fired(self) -> int:
        return self._control("GET")["fired"]

    def reset(self) -> None:
        """Drop every resource moto holds."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST", data=b"")
        with urllib.request.urlopen(request, timeout=10):
            pass


def clean_environ() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}


@contextmanager
def fault_server(log_path: Path, *, teach_bpa: bool) -> Iterator[FaultServer]:
    """A fault-injecting moto_server subprocess on a free port of 127.0.0.1; stopped on exit."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    args = [sys.executable, str(SERVER), "--port", str(port), *(["--teach-bpa"] if teach_bpa else [])]
    env = clean_environ() | {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    with log_path.open("wb") as log:
        process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"{endpoint}/moto-api/"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"fault server did not start on {endpoint}:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield FaultServer(endpoint)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
