"""`--destination` (CIDR or aws:SERVICE[:REGION], repeatable) and `--ip-ranges FILE` on the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run_cli
from snapshots import healthy, write

DATA = Path(__file__).parent.parent / "trace" / "data"
TARGET = ("--subnet", "subnet-private", "--security-group", "sg-open")


def _json(capsys, *args):
    r = run_cli(capsys, "check", *args, *TARGET, "-f", "json")
    assert r.code in (0, 1), r.err
    return json.loads(r.out)


def test_split_destination_reports_its_pieces_in_json(capsys):
    report = _json(capsys, "--snapshot", str(DATA / "partner_range_into_peering.json"))
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "unknown"
    assert [p["verdict"] for p in egress["pieces"]] == ["reachable", "unreachable"]
    assert egress["pieces"][1] == {
        "destination": ["52.0.0.0/8"],
        "verdict": "unreachable",
        "path": ["subnet-private", "rtb-private", "pcx-partner"],
        "blocked_at": "pcx-partner",
        "reason": egress["pieces"][1]["reason"],
    }
    assert any("createDate 2026-08-22-15-17-05 (shipped copy)" in n for n in report["notes"])


def test_an_aws_service_destination_is_its_published_ranges(capsys, tmp_path):
    report = _json(
        capsys, "--snapshot", str(write(healthy(), tmp_path / "s.json")), "--destination", "aws:S3"
    )
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "reachable" and "S3 addresses in us-east-1" in egress["reason"]


def test_a_newer_ip_ranges_download_is_used_and_named(capsys, tmp_path):
    ranges = {
        "syncToken": "1",
        "createDate": "2027-01-01-00-00-00",
        "prefixes": [
            {"ip_prefix": "52.0.0.0/10", "region": "us-east-1", "service": "AMAZON"},
            {"ip_prefix": "52.0.0.0/16", "region": "us-east-1", "service": "S3"},
        ],
        "ipv6_prefixes": [],
    }
    (tmp_path / "r.json").write_text(json.dumps(ranges))
    snap = str(DATA / "partner_range_into_peering.json")
    report = _json(capsys, "--snapshot", snap, "--ip-ranges", str(tmp_path / "r.json"))
    pull = report["targets"][0]["ecr_pull"]
    assert pull["verdict"] == "unreachable" and pull["blocked_at"] == "pcx-partner"  # all of it in 52/8
    assert any("createDate 2027-01-01-00-00-00" in n for n in report["notes"])


def test_bad_ip_ranges_and_bad_service_destinations_exit_2_with_one_line(capsys, tmp_path):
    snap = str(write(healthy(), tmp_path / "s.json"))
    (tmp_path / "bad.json").write_text("{not json")
    r = run_cli(capsys, "check", "--snapshot", snap, "--ip-ranges", str(tmp_path / "bad.json"))
    assert r.code == 2 and "bad.json: not JSON" in r.err and "Traceback" not in r.err
    r = run_cli(capsys, "check", "--snapshot", snap, "--destination", "aws:S3:nowhere")
    assert r.code == 2 and "aws:SERVICE[:REGION]" in r.err


def test_ip_ranges_of_the_trimmed_shape_with_values_of_the_wrong_type_exit_2(capsys, tmp_path):
    """Regression: a service's value that was not a list crashed ('int' object is not iterable),
    and a number was read as an address (167772160 as 10.0.0.0/32)."""
    snap = str(write(healthy(), tmp_path / "s.json"))
    for value, said in (
        (5, "regions.us-east-1.AMAZON is not a list"),
        ([167772160], "167772160 is not a CIDR"),
    ):
        ranges = {"createDate": "2027-01-01-00-00-00", "regions": {"us-east-1": {"AMAZON": value}}}
        (tmp_path / "r.json").write_text(json.dumps(ranges))
        r = run_cli(capsys, "check", "--snapshot", snap, "--ip-ranges", str(tmp_path / "r.json"))
        assert r.code == 2 and said in r.err and "Traceback" not in r.err and "internal error" not in r.err


def test_destination_is_repeatable_and_the_worst_is_reported(capsys):
    snap = str(DATA / "partner_range_into_peering.json")
    report = _json(capsys, "--snapshot", snap, "--destination", "8.8.8.0/24", "--destination", "52.94.0.0/16")
    egress = report["targets"][0]["internet_egress"]
    assert (egress["verdict"], egress["blocked_at"]) == ("unreachable", "pcx-partner")


def test_an_aws_service_the_ranges_list_nowhere_is_exit_2_naming_it(capsys, tmp_path):
    snap = str(write(healthy(), tmp_path / "s.json"))
    for destination, said in (
        ("aws:NOPE", "--destination aws:NOPE: AWS ip-ranges.json createDate"),
        ("aws:S3:us-nowhere-9", "lists no region us-nowhere-9"),
    ):
        r = run_cli(capsys, "check", "--snapshot", snap, *TARGET, "--destination", destination)
        assert r.code == 2 and said in r.err, r.err
        assert r.out == "" and len(r.err.strip().splitlines()) == 1


def test_a_listed_service_the_shipped_copy_trims_is_unknown_saying_to_pass_a_download(capsys, tmp_path):
    report = _json(
        capsys, "--snapshot", str(write(healthy(), tmp_path / "s.json")), "--destination", "aws:EC2"
    )
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "unknown" and "--ip-ranges" in egress["reason"]
