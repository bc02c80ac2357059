"""Unit tests of what a failed call becomes: its Errors text, the run that saw nothing, exit codes,
input limits and output paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from fargate_netcheck.collect._calls import Job, UnexpectedShape, error_text, items_of, run_jobs
from fargate_netcheck.collect.session import CallFailure
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import read_limited
from fargate_netcheck.report.paths import check_writable, rescue
from fargate_netcheck.snapshot.collection import (
    UNSUPPORTED_PREFIX,
    collected_anything,
    is_failure,
    nothing_collected,
)


def client_error(code: str, status: int = 400) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Op"
    )


@pytest.mark.parametrize("code", ["InvalidAction", "UnsupportedOperation", "NotImplemented"])
def test_unimplemented_actions_get_the_unsupported_prefix(code):
    assert error_text(client_error(code)).startswith(f"{UNSUPPORTED_PREFIX}{code}: ")


def test_http_501_is_unsupported_and_an_html_500_is_not():
    assert error_text(client_error("501", 501)).startswith(UNSUPPORTED_PREFIX)
    assert not error_text(client_error("500", 500)).startswith(UNSUPPORTED_PREFIX)


def test_unsupported_bpa_is_no_failure_but_unsupported_nat_gateways_is():
    message = f"{UNSUPPORTED_PREFIX}InvalidAction: m"
    assert not is_failure("VpcBlockPublicAccessOptions", message)
    assert is_failure("NatGateways", message)
    assert is_failure("VpcBlockPublicAccessOptions", "ResponseParserError: not XML")


def test_every_failure_of_a_job_is_recorded_and_the_others_stored():
    stored: list[object] = []

    def fail(exc: BaseException):
        def fetch():
            raise exc

        return fetch

    jobs = [
        Job("Parser", fail(ResponseParserError("not XML")), stored.append),
        Job("Socket", fail(ConnectionResetError("reset")), stored.append),
        Job("Shape", lambda: items_of({"Vpcs": "oops"}, "Vpcs", "DescribeVpcs"), stored.append),
        Job("Store", lambda: {}, lambda response: response["missing"]),
        Job("Fine", lambda: [1], stored.append),
    ]
    errors: dict[str, str] = {}
    assert run_jobs(jobs, errors, max_workers=1) == {"Parser", "Socket", "Shape", "Store"}
    assert stored == [[1]]
    assert errors["Parser"].startswith("ResponseParserError")
    assert errors["Shape"] == "UnexpectedShape: DescribeVpcs: Vpcs is not a list"
    assert errors["Store"].startswith("UnexpectedShape: the response lacks")


def test_a_bug_in_a_job_is_not_swallowed():
    with pytest.raises(ZeroDivisionError):
        run_jobs([Job("Bug", lambda: 1 / 0, print)], {}, max_workers=1)


def test_items_of_refuses_a_response_that_is_no_object():
    with pytest.raises(UnexpectedShape):
        items_of(["a"], "Vpcs", "DescribeVpcs")


def test_nothing_collected_names_the_cause_and_the_endpoint():
    failures = [
        CallFailure("caller", "sts:GetCallerIdentity", "http://127.0.0.1:9", "EndpointConnectionError", "x"),
        CallFailure("-/us-east-1", "ec2:DescribeVpcs", "http://127.0.0.1:9", "EndpointConnectionError", "x"),
    ]
    assert str(nothing_collected(failures)) == (
        "could not reach http://127.0.0.1:9 (EndpointConnectionError): nothing was collected"
    )
    expired = [CallFailure("caller", "sts:GetCallerIdentity", "https://sts", "ExpiredToken", "expired")]
    assert (
        str(nothing_collected(expired))
        == "https://sts refused the credentials (ExpiredToken: expired): nothing was collected"
    )


def test_an_empty_account_is_something_collected():
    assert collected_anything({"regions": {"us-east-1": {"Vpcs": [], "Errors": {}}}}, ("Vpcs",))
    assert not collected_anything({"regions": {"us-east-1": {"Errors": {"Vpcs": "x"}}}}, ("Vpcs",))
    assert not collected_anything(
        {"accounts": {"1": {"regions": {}, "Errors": {"AssumeRole": "x"}}}}, ("Vpcs",)
    )


def test_a_file_over_its_limit_is_refused_naming_file_and_limit(tmp_path):
    big = tmp_path / "big.yml"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(
        InputError, match=r"big.yml: the YAML file is 2048 bytes, over the limit of 1024 bytes"
    ):
        read_limited(big, "YAML file", 1024)
    assert read_limited(big, "YAML file", 4096) == "x" * 2048


def test_output_paths_are_checked_and_a_failed_write_is_rescued(tmp_path, monkeypatch):
    with pytest.raises(InputError, match=r"folder .* does not exist"):
        check_writable(tmp_path / "missing" / "x.json", "snapshot")
    with pytest.raises(InputError, match="is a folder"):
        check_writable(tmp_path, "snapshot")
    monkeypatch.chdir(tmp_path)

    def write(data: str, path: Path) -> None:
        path.write_text(data)

    with pytest.raises(InputError, match="the collection was saved to") as caught:
        rescue(tmp_path / "gone" / "x.json", "{}", write)
    saved = Path(str(caught.value).rsplit(" ", 1)[-1])
    assert saved.parent == tmp_path and saved.read_text() == "{}"


def test_an_internal_error_is_one_line_and_exit_2_with_a_traceback_only_with_debug(tmp_path):
    script = (
        "import typer, sys\n"
        "from fargate_netcheck.cli.exit_codes import run_main\n"
        "app = typer.Typer(pretty_exceptions_enable=False)\n"
        "@app.command()\n"
        "def boom() -> None:\n"
        "    raise KeyError('oops')\n"
        "run_main(typer.main.get_command(app), sys.argv[1:])\n"
    )
    plain = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert plain.returncode == 2
    assert plain.stderr.splitlines() == [
        "fargate-netcheck: internal error: KeyError: 'oops'; rerun with --debug for the traceback"
    ]
    debug = subprocess.run(
        [sys.executable, "-c", script, "--debug"], capture_output=True, text=True, check=False
    )
    assert debug.returncode == 2 and "Traceback" in debug.stderr
