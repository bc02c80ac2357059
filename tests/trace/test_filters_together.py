"""Filters that each block part of the destination, and together all of it: ``unreachable``.

Each filter on the path decides a set of addresses: the task's security groups let the request out
to some of them; each network ACL leg that faces the destination lets the request out, or the
replies in (on some port of the ephemeral range), for some of them. An address one of them blocks
for every port is never reached, so when those addresses add up to the whole destination nothing
is (ACL003); while one address may pass every filter on some port, the verdict stays ``unknown``.

``healthy()``: subnet-private (acl-default, allow all) -> nat-app in subnet-public -> igw-app.
"""

from __future__ import annotations

import json

from cli_helpers import run_cli
from snapshots import acl_entries, custom_acl, healthy, item, trace, write

from fargate_netcheck.core.model import CheckCode, Status, Verdict

LOW, HIGH = "0.0.0.0/1", "128.0.0.0/1"
ALLOW_REST = ((1000, True, "allow", "0.0.0.0/0", "-1", None), (1000, False, "allow", "0.0.0.0/0", "-1", None))


def sg_to(*cidrs: str) -> dict:
    """healthy() with sg-open's egress cut down to TCP 443 to ``cidrs``."""
    snap = healthy()
    item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": c} for c in cidrs]}
    ]
    return snap


def acl(snap: dict, subnet: str, *entries) -> dict:
    custom_acl(snap, subnet, acl_entries(*entries, *ALLOW_REST))
    return snap


def together(result):
    return [c for c in result.checks if c.code is CheckCode.NACL_JOINTLY_DENIED]


def test_a_group_and_an_acl_that_block_halves_block_everything():
    snap = acl(sg_to(LOW), "subnet-private", (100, True, "deny", LOW, "-1", None))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE, result.reason
    (check,) = together(result)
    assert check.status is Status.FAIL and check.resource_id == "acl-subnet-private"
    assert "sg-open" in check.reason and "acl-subnet-private" in check.reason
    high = "sg-open blocks 84 of its blocks, from 128.0.0.0 to 223.255.255.255"  # the internet's high half
    low = "(request out) blocks 19 of its blocks, from 1.0.0.0 to 126.255.255.255"  # and its low half
    assert high in check.reason and low in check.reason


def test_the_replies_one_acl_drops_count_with_the_requests_a_group_blocks():
    snap = acl(sg_to(LOW), "subnet-private", (100, False, "deny", LOW, "-1", None))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE, result.reason
    assert together(result)


def test_two_acls_on_the_path_each_blocking_half():
    snap = acl(healthy(), "subnet-private", (100, True, "deny", LOW, "-1", None))
    acl(snap, "subnet-public", (100, True, "deny", HIGH, "-1", None))
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNREACHABLE, result.reason
    (check,) = together(result)
    assert "acl-subnet-private" in check.reason and "acl-subnet-public" in check.reason


def test_what_is_left_between_them_is_still_unknown():
    snap = acl(sg_to(LOW), "subnet-private", (100, True, "deny", "0.0.0.0/2", "-1", None))
    result = trace(snap, "subnet-private")  # 64.0.0.0/2 passes both
    assert result.verdict is Verdict.UNKNOWN
    assert not together(result)


def test_replies_allowed_on_some_ports_are_not_blocked_addresses():
    """The lower half takes replies only on 32768-65535: a task that picks such a port gets them, so
    the lower half is not blocked for every port, and the verdict stays unknown."""
    snap = acl(
        sg_to(LOW),
        "subnet-private",
        (100, False, "allow", LOW, "6", (32768, 65535)),
        (110, False, "deny", LOW, "-1", None),
    )
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN, result.reason
    assert not together(result)


def test_a_group_whose_rest_is_not_known_counts_for_nothing():
    """A rule naming another group may reach addresses the snapshot cannot list: its group outcome
    is unknown for that reason, and says nothing about which addresses are blocked."""
    snap = acl(sg_to(LOW), "subnet-private", (100, True, "deny", LOW, "-1", None))
    item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"].append(
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListIds": [{"PrefixListId": "pl-gone"}]}
    )
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert not together(result)


def test_acl003_reports_it(capsys, tmp_path):
    snap = acl(sg_to(LOW), "subnet-private", (100, True, "deny", LOW, "-1", None))
    path = write(snap, tmp_path / "snap.json")
    r = run_cli(
        capsys, "check", "--snapshot", str(path), "--subnet", "subnet-private", "--security-group", "sg-open",
        "-f", "json",
    )  # fmt: skip
    assert r.code == 1, r.err
    report = json.loads(r.out)
    assert report["targets"][0]["internet_egress"]["verdict"] == "unreachable"
    assert any(f["rule_id"] == "ACL003" for f in report["findings"])
