"""A subnet or group named on the command line that is not in the snapshot, when an account could not
be read at all (AssumeRole refused): it may live there, so its verdict is unknown, never "no such
subnet" (an input error) and never a pass."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

READ, UNREAD = "111111111111", "222222222222"
REFUSED = "AccessDenied: not authorized to perform sts:AssumeRole"


def _two_accounts(tmp_path, *, refused: bool) -> str:
    unread = {"Errors": {"AssumeRole": REFUSED}, "regions": {}} if refused else {"regions": {}}
    snap = {
        "snapshot_version": 1,
        "collected_at": "2026-12-01T00:00:00Z",
        "accounts": {READ: {"regions": healthy()["regions"]}, UNREAD: unread},
    }
    return str(write(snap, tmp_path / "two.json"))


@pytest.mark.parametrize("flag", ["--subnet", "--security-group"])
def test_an_id_missing_while_an_account_was_unreadable_is_unknown_not_an_input_error(capsys, tmp_path, flag):
    path = _two_accounts(tmp_path, refused=True)
    args = ["--subnet", "subnet-elsewhere"] if flag == "--subnet" else ["--subnet", "subnet-private"]
    args += ["--security-group", "sg-elsewhere"] if flag == "--security-group" else []
    r = run_cli(capsys, "check", "--snapshot", path, *args, "-f", "json")
    assert r.code == 1, r.err
    report = json.loads(r.out)
    if flag == "--subnet":
        (target,) = report["targets"]
        assert target["internet_egress"]["verdict"] == "unknown"
        assert (
            UNREAD in target["internet_egress"]["reason"] and REFUSED in target["internet_egress"]["reason"]
        )
    assert any(f["rule_id"] == "DATA002" for f in report["findings"])
    assert report["summary"]["unknown"] == 1 and report["summary"]["unreachable"] == 0


def test_an_id_missing_when_every_account_was_read_is_still_an_input_error(capsys, tmp_path):
    path = _two_accounts(tmp_path, refused=False)
    r = run_cli(capsys, "check", "--snapshot", path, "--subnet", "subnet-elsewhere")
    assert r.code == 2
    assert "unknown subnet subnet-elsewhere" in r.err
