"""End-to-end fixtures: a moto_server on 127.0.0.1 and the installed ``fargate-netcheck`` script."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from report_schema import validate_if_report

REGION = "us-east-1"
SERVER_START_TIMEOUT = 30.0
CLI_TIMEOUT = 180.0
FAKE_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
# ``python -m moto.server`` with the Block Public Access describe calls moto lacks taught to it first:
# these tests check the demo's verdicts against a complete account. A plain, unpatched moto_server
# and fault injection are tested in test_fault_injection.py (tests/faults/).
SERVE_MOTO = (
    "import sys; from fargate_netcheck.demo import moto_bpa, moto_dns_firewall, moto_profiles; "
    "moto_bpa.install(); moto_dns_firewall.install(); moto_profiles.install(); "
    "from moto.server import main; main(sys.argv[1:])"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


def reset_moto(endpoint: str) -> None:
    """Drop every resource moto_server holds (its default VPCs come back on the next call)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST", data=b"")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start moto.server (``SERVE_MOTO``) on a free local port; yield its endpoint URL."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("moto") / "moto_server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE_MOTO, "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=_clean_environ() | FAKE_CREDENTIALS,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(f"{endpoint}/moto-api/"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"moto_server did not start on {endpoint}:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _clean_environ() -> dict[str, str]:
    """The current environment without any AWS_* variable (profiles, real keys, config files)."""
    return {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}


def _offline_env(config_dir: Path) -> dict[str, str]:
    return _clean_environ() | {
        "AWS_ACCESS_KEY_ID": "AKIABOGUSBOGUSBOGUS0",
        "AWS_SECRET_ACCESS_KEY": "bogus-secret",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": str(config_dir / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }


@pytest.fixture(scope="session")
def offline_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Bogus credentials, no endpoint, no config files: any AWS call from the CLI would fail."""
    return _offline_env(tmp_path_factory.mktemp("no-aws"))


@pytest.fixture(scope="session")
def aws_env(moto_server: str, offline_env: dict[str, str]) -> dict[str, str]:
    """Environment for the CLI: fake credentials, us-east-1, moto_server as the endpoint."""
    return offline_env | FAKE_CREDENTIALS | {"AWS_ENDPOINT_URL": moto_server}


def cli_path() -> Path:
    return Path(sys.executable).parent / "fargate-netcheck"


def run_cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the installed ``fargate-netcheck`` console script with ``args``; never raises on exit codes."""
    script = cli_path()
    if not script.exists():
        pytest.fail(f"{script} is not installed (pip install -e . in the venv)")
    result = subprocess.run(
        [str(script), *args], env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False
    )
    validate_if_report(result.stdout, f"stdout of fargate-netcheck {' '.join(args)}")
    return result


@pytest.fixture(name="run_cli", scope="session")
def _run_cli_fixture() -> Callable[[list[str], dict[str, str]], subprocess.CompletedProcess[str]]:
    return run_cli


@pytest.fixture(name="reset_moto", scope="session")
def _reset_moto_fixture(moto_server: str) -> Callable[[], None]:
    """Call it to empty moto_server before building an account."""
    return lambda: reset_moto(moto_server)
