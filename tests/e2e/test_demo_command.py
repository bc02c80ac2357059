"""`fargate-netcheck demo`, installed and offline: the README's first command. It builds its account in
an embedded moto, prints the text report and writes the JSON, HTML and (asked) Markdown reports."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from report_schema import assert_valid_report

pytestmark = [pytest.mark.e2e]


def test_demo_writes_every_report_it_is_asked_for_without_aws(
    run_cli: Callable[[list[str], dict[str, str]], CompletedProcess[str]],
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    out = {name: tmp_path / name for name in ("report.json", "report.html", "demo.md")}
    args = ["demo", "-o", str(out["report.json"]), "--html", str(out["report.html"])]
    result = run_cli([*args, "--markdown", str(out["demo.md"])], offline_env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("fargate-netcheck ") and "7 target(s), 5 unreachable" in result.stdout
    report = json.loads(out["report.json"].read_text(encoding="utf-8"))
    assert_valid_report(report, "demo report.json")
    assert report["summary"]["targets"] == 7 and report["summary"]["unreachable"] == 5
    markdown = out["demo.md"].read_text(encoding="utf-8")
    assert markdown.startswith("## fargate-netcheck report")
    assert "**:x: 7 targets checked: 5 unreachable" in markdown
    assert "`demo:nat-in-private-subnet:subnet-" in markdown  # ids in code spans, hyphens unescaped
    assert out["report.html"].read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    assert f"wrote {out['report.json']}, {out['report.html']}, {out['demo.md']}" in result.stderr


def test_demo_sends_nothing_to_an_endpoint_the_users_aws_config_names(
    run_cli: Callable[[list[str], dict[str, str]], CompletedProcess[str]],
    offline_env: dict[str, str],
    tmp_path: Path,
) -> None:
    """The demo builds its account with Create* calls: a profile's endpoint_url, an
    AWS_ENDPOINT_URL_EC2 or dual-stack endpoints must not take them past moto (a red-team pass saw
    them arrive at a local server)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    seen: list[object] = []
    done = threading.Event()

    def accept() -> None:
        while not done.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            seen.append(conn.recv(200))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
    config = tmp_path / "config"
    config.write_text(f"[default]\nendpoint_url = {endpoint}\n[profile other]\nendpoint_url = {endpoint}\n")
    env = offline_env | {
        "AWS_CONFIG_FILE": str(config),
        "AWS_DEFAULT_PROFILE": "other",
        "AWS_ENDPOINT_URL_EC2": endpoint,
        "AWS_USE_DUALSTACK_ENDPOINT": "true",
        "TEST_SERVER_MODE": "true",
    }
    try:
        result = run_cli(["demo", "-o", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html")], env)
    finally:
        done.set()
        thread.join()
        listener.close()
    assert result.returncode == 0, result.stderr
    assert seen == []


def test_a_demo_request_to_any_host_but_aws_standard_endpoints_is_refused() -> None:
    from types import SimpleNamespace

    from fargate_netcheck.core.errors import InputError
    from fargate_netcheck.demo.runner import _refuse_leaving

    _refuse_leaving(SimpleNamespace(url="https://ec2.us-east-1.amazonaws.com/"))
    for url in ("http://127.0.0.1:5000/", "https://ec2.us-east-1.api.aws/", "https://amazonaws.com.evil/"):
        with pytest.raises(InputError, match="refused a request"):
            _refuse_leaving(SimpleNamespace(url=url))
