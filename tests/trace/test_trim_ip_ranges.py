"""``python -m fargate_netcheck.cli.trim_ip_ranges``: the maintainers' command that trims a download of
AWS's ip-ranges.json into the shipped copy, run as users run it (no warning, exit codes 0/2)."""

from __future__ import annotations

import json
import subprocess
import sys

from fargate_netcheck.trace.aws_ranges import parse

DOWNLOAD = {
    "syncToken": "1700000000",
    "createDate": "2026-11-30-00-00-00",
    "prefixes": [
        {
            "ip_prefix": "52.94.0.0/23",
            "region": "us-east-1",
            "service": "AMAZON",
            "network_border_group": "us-east-1",
        },
        {
            "ip_prefix": "52.94.2.0/23",
            "region": "us-east-1",
            "service": "AMAZON",
            "network_border_group": "us-east-1",
        },
        {
            "ip_prefix": "52.216.0.0/15",
            "region": "us-east-1",
            "service": "S3",
            "network_border_group": "us-east-1",
        },
        {
            "ip_prefix": "3.5.0.0/19",
            "region": "us-east-1",
            "service": "EC2",
            "network_border_group": "us-east-1",
        },
    ],
    "ipv6_prefixes": [],
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    # -W error: a RuntimeWarning from runpy (the module run twice) fails the run.
    command = [sys.executable, "-W", "error", "-m", "fargate_netcheck.cli.trim_ip_ranges", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_help_prints_usage_without_a_warning():
    done = run("--help")
    assert done.returncode == 0
    assert done.stderr.strip() == "usage: python -m fargate_netcheck.cli.trim_ip_ranges IP_RANGES_JSON OUT"


def test_a_download_is_trimmed_collapsed_and_still_names_every_service(tmp_path):
    src, out = tmp_path / "ip-ranges.json", tmp_path / "trimmed.json"
    src.write_text(json.dumps(DOWNLOAD))
    done = run(str(src), str(out))
    assert (done.returncode, done.stderr) == (0, "")
    trimmed = json.loads(out.read_text())
    assert trimmed["regions"] == {"us-east-1": {"AMAZON": ["52.94.0.0/22"], "S3": ["52.216.0.0/15"]}}
    assert trimmed["services"] == ["AMAZON", "EC2", "S3"]
    assert parse(trimmed, "trimmed").create_date == "2026-11-30-00-00-00"


def test_an_unreadable_download_is_one_line_and_exit_2(tmp_path):
    done = run(str(tmp_path / "missing.json"), str(tmp_path / "out.json"))
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "missing.json" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_wrong_arguments_are_exit_2_with_usage():
    done = run("only-one")
    assert done.returncode == 2
    assert "usage:" in done.stderr
