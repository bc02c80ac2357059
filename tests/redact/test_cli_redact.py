"""`check --redact`: the report masks account ids, addresses and tag values; verdicts are unchanged."""

from __future__ import annotations

import json

from cli_helpers import fixed_redaction_key, run_cli
from snapshots import healthy, item, write

from fargate_netcheck.cli.redact import Redactor


def test_check_redact_masks_and_keeps_verdicts(capsys, tmp_path, monkeypatch):
    key = fixed_redaction_key(monkeypatch)
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["Tags"] = [{"Key": "Name", "Value": "payments-private-secret"}]
    moved = item(Redactor(key=key).redact_snapshot(snap), "Subnets", "subnet-private")["CidrBlock"]
    assert moved != "10.0.1.0/24"  # the key moves the subnet's block
    path = str(write(snap, tmp_path / "s.json"))
    plain = run_cli(capsys, "check", "--snapshot", path, "-f", "json")
    masked = run_cli(capsys, "check", "--snapshot", path, "-f", "json", "--redact")
    assert masked.code == plain.code
    plain_report, masked_report = json.loads(plain.out), json.loads(masked.out)
    verdicts = lambda r: {t["subnet_id"]: t["internet_egress"]["verdict"] for t in r["targets"]}  # noqa: E731
    assert verdicts(plain_report) == verdicts(masked_report)
    assert "123456789012" in plain.out and "123456789012" not in masked.out
    assert "10.0.1.0/24" not in masked.out and "payments-private-secret" not in masked.out
