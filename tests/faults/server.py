"""moto_server behind a WSGI middleware that breaks one chosen EC2 action in one chosen way.

Run as a script (the e2e fixture starts it on 127.0.0.1 and a free port)::

    python tests/faults/server.py --port 5000 [--teach-bpa]

moto itself is left as it is (plain: it answers the VPC Block Public Access describes with an HTML
500, as any emulator lacking them might); ``--teach-bpa`` answers them as a fresh account does
(fargate_netcheck.demo.moto_bpa), for tests that need a complete picture.

The fault is chosen at run time, so one server serves a whole matrix: ``POST /_fault`` with JSON
``{"action": "DescribeNatGateways", "fault": "html-500", "times": null, "delay": 3}`` arms it,
``DELETE /_fault`` disarms it, ``GET /_fault`` says how often it fired. Faults (``FAULTS``):

- ``html-500``: a proxy's HTML error page, status 500.
- ``not-xml-200``: status 200 with a body that is not XML.
- ``connection-closed``: the status line and part of the answer, then the connection is closed.
- ``slow``: the real answer, ``delay`` seconds late (longer than the client's read timeout).
- ``throttled``: EC2's ``RequestLimitExceeded`` for the first ``times`` requests, then the answer.
- ``access-denied``: EC2's ``UnauthorizedOperation`` (403), as for a missing IAM permission.
- ``unsupported``: ``InvalidAction`` (400), as an endpoint lacking the action answers.

Every other request goes to moto untouched. ``times`` (None: every request) limits any fault.
"""

from __future__ import annotations

import argparse
import io
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

StartResponse = Callable[..., Any]

FAULTS = (
    "html-500",
    "not-xml-200",
    "connection-closed",
    "slow",
    "throttled",
    "access-denied",
    "unsupported",
)
HTML_500 = (
    b"<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n"
    b"<h1>Internal Server Error</h1><p>The proxy could not complete your request.</p>\n"
)


def ec2_error(code: str, message: str) -> bytes:
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><Response><Errors><Error><Code>{code}</Code>"
        f"<Message>{message}</Message></Error></Errors><RequestID>fault-injected</RequestID></Response>"
    ).encode()


@dataclass(slots=True)
class Fault:
    action: str
    fault: str
    times: int | None = None  # None: every matching request
    delay: float = 3.0
    fired: int = 0


class FaultInjector:
    """WSGI middleware: ``app`` (moto) with at most one armed ``Fault``."""

    def __init__(self, app: Callable[[dict[str, Any], StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.fault: Fault | None = None
        self.fired = 0
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/_fault":
            return self._control(environ, start_response)
        body = _read_body(environ)
        action = (parse_qs(body.decode("utf-8", "replace")).get("Action") or [""])[0]
        fault = self._take(action)
        if fault is None:
            return self.app(environ, start_response)
        return self._inject(fault, environ, start_response)

    def _take(self, action: str) -> Fault | None:
        with self.lock:
            fault = self.fault
            if fault is None or fault.action != action:
                return None
            if fault.times is not None and fault.fired >= fault.times:
                return None
            fault.fired += 1
            self.fired += 1
            return fault

    def _inject(
        self, fault: Fault, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        kind = fault.fault
        if kind == "html-500":
            return _answer(start_response, "500 INTERNAL SERVER ERROR", "text/html", HTML_500)
        if kind == "not-xml-200":
            return _answer(start_response, "200 OK", "text/plain", b"OK: request accepted\n")
        if kind == "connection-closed":
            return _close_mid_answer(environ, start_response, fault.action)
        if kind == "slow":
            time.sleep(fault.delay)
            return self.app(environ, start_response)
        if kind == "throttled":
            return _answer(
                start_response,
                "503 SERVICE UNAVAILABLE",
                "text/xml",
                ec2_error("RequestLimitExceeded", "Request limit exceeded."),
            )
        if kind == "access-denied":
            return _answer(
                start_response,
                "403 FORBIDDEN",
                "text/xml",
                ec2_error(
                    "UnauthorizedOperation",
                    f"You are not authorized to perform this operation ({fault.action}).",
                ),
            )
        if kind == "unsupported":
            return _answer(
                start_response,
                "400 BAD REQUEST",
                "text/xml",
                ec2_error("InvalidAction", f"The action {fault.action} is not valid for this web service."),
            )
        raise ValueError(f"unknown fault {kind!r}")

    def _control(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD")
        with self.lock:
            if method == "POST":
                spec = json.loads(_read_body(environ) or b"{}")
                if spec.get("fault") not in FAULTS:
                    return _answer(start_response, "400 BAD REQUEST", "text/plain", b"unknown fault")
                self.fault = Fault(
                    spec["action"], spec["fault"], spec.get("times"), float(spec.get("delay", 3.0))
                )
            elif method == "DELETE":
                self.fault = None
            state = {"fired": self.fault.fired if self.fault else 0, "total": self.fired}
        return _answer(start_response, "200 OK", "application/json", json.dumps(state).encode())


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request body; ``wsgi.input`` is replaced so moto reads it again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _answer(start_response: StartResponse, status: str, content_type: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def _close_mid_answer(environ: dict[str, Any], start_response: StartResponse, action: str) -> list[bytes]:
    """Promise a long answer, send its start, and close the connection (werkzeug's raw socket)."""
    sock: socket.socket = environ["werkzeug.socket"]
    head = f'<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>x</requestId>'
    sock.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: 4096\r\n\r\n"
        + head.encode()
    )
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    raise ConnectionAbortedError("fault injected: connection closed mid-answer")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--teach-bpa",
        action="store_true",
        help="answer the BPA describes, the DNS Firewall lists and the Route 53 Profile associations as a fresh account (a complete picture)",
    )
    args = parser.parse_args(argv)
    if args.teach_bpa:
        from fargate_netcheck.demo import moto_bpa, moto_dns_firewall, moto_profiles

        moto_bpa.install()
        moto_dns_firewall.install()
        moto_profiles.install()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import run_simple

    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, FaultInjector(app), threaded=True)


if __name__ == "__main__":
    sys.exit(main())
