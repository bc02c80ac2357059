"""Redaction masks accounts, addresses and tag values consistently, and never changes a verdict.

Tests that compare one address with its mask use a fixed key: a keyed permutation maps an address
onto itself for one key in 2**(bits it may change), e.g. one in 256 for 10.0.0.0/16."""

from __future__ import annotations

import copy
import ipaddress
import json
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from snapshots import healthy, item

from fargate_netcheck.cli.redact import Redactor, redact_snapshot, redact_text
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, analyze
from fargate_netcheck.report.json_report import render
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets, cli_targets
from fargate_netcheck.trace.aws_ranges import shipped
from fargate_netcheck.trace.destination import Destination

ACCOUNT = "123456789012"


def synth_snapshot(**kwargs) -> dict:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(**{"vpcs": 12, "subnets_per_vpc": 12, "tgw_spokes": 2, "seed": 3, **kwargs})


def verdicts(data: dict, cli: list[tuple[str, tuple[str, ...], bool]] = ()) -> list[tuple]:
    """Per target: id, verdict, blocked_at, path and the codes of every check, in order."""
    snap = parse_snapshot(data)
    g = build_graph(snap)
    targets = audit_targets(g)
    for subnet, groups, public in cli:
        targets += cli_targets(g, [subnet], list(groups), public)
    report = analyze(snap, g, targets, AnalysisOptions())
    return [
        (
            r.target.target_id,
            r.internet_egress.verdict,
            r.internet_egress.blocked_at,
            tuple(r.internet_egress.path),
            tuple((c.code, c.status, c.resource_id) for c in r.internet_egress.checks),
        )
        for r in report.targets
    ]


def report_json(data: dict, cli: list[tuple[str, tuple[str, ...], bool]]) -> str:
    snap = parse_snapshot(data)
    g = build_graph(snap)
    targets = [t for subnet, groups, public in cli for t in cli_targets(g, [subnet], list(groups), public)]
    return render(analyze(snap, g, targets + audit_targets(g), AnalysisOptions()))


def strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in [k, *strings(v)]]
    if isinstance(node, list):
        return [s for v in node for s in strings(v)]
    return [node] if isinstance(node, str) else []


HEALTHY_CLI = [
    ("subnet-private", ("sg-open",), False),
    ("subnet-private", ("sg-closed",), False),
    ("subnet-public", ("sg-open",), False),
    ("subnet-public", ("sg-open",), True),
    ("subnet-isolated", ("sg-open",), False),
]


def test_healthy_verdicts_are_unchanged_by_redaction():
    original = healthy()
    redacted = Redactor(key=b"test").redact_snapshot(original)
    assert redacted != original
    assert verdicts(redacted, HEALTHY_CLI) == verdicts(original, HEALTHY_CLI)


def test_synthetic_account_verdicts_are_unchanged_by_redaction():
    original = synth_snapshot()
    snap = parse_snapshot(original)
    g = build_graph(snap)
    subnets = sorted(n for n, a in g.nodes(data=True) if a["kind"] == "subnet")
    cli = []
    for subnet in subnets[::7]:
        vpc = g.nodes[subnet]["item"]["VpcId"]
        groups = sorted(n for n, a in g.nodes(data=True) if a["kind"] == "sg" and a["item"]["VpcId"] == vpc)
        cli += [
            (subnet, (groups[0],), False),
            (subnet, tuple(groups[1:3]), True),
            (subnet, (groups[-1],), False),
        ]
    before = verdicts(original, cli)
    assert {v[1].value for v in before} == {"reachable", "unreachable", "unknown"}  # a varied account
    assert verdicts(Redactor().redact_snapshot(original), cli) == before


def test_partial_security_group_verdict_survives_redaction():
    """A group allowed out to one public /8 only: partial (unknown) before and after."""
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "52.0.0.0/8"}]}
    ]
    cli = [("subnet-private", ("sg-closed",), False)]
    before = verdicts(snap, cli)
    assert before[-1][1].value == "unknown"
    assert verdicts(Redactor().redact_snapshot(snap), cli) == before


def test_account_ids_are_masked_everywhere_and_consistently():
    snap = healthy()
    snap["regions"]["us-east-1"]["Vpcs"][0]["OwnerId"] = ACCOUNT
    item(snap, "SecurityGroups", "sg-open")["SecurityGroupArn"] = (
        f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-open"
    )
    redacted = Redactor().redact_snapshot(snap)
    text = json.dumps(redacted)
    assert ACCOUNT not in text
    masked = redacted["account_id"]
    assert re.fullmatch(r"\d{12}", masked) and masked != ACCOUNT
    assert redacted["regions"]["us-east-1"]["Vpcs"][0]["OwnerId"] == masked
    arn = item(redacted, "SecurityGroups", "sg-open")["SecurityGroupArn"]
    assert arn == f"arn:aws:ec2:us-east-1:{masked}:security-group/sg-open"  # only the account part changes


def test_distinct_accounts_get_distinct_masks_and_account_keys_are_masked():
    accounts = {
        f"{n:012d}": {"regions": {"us-east-1": {"Vpcs": []}}} for n in range(100000000000, 100000000050)
    }
    snap = {"snapshot_version": 1, "accounts": accounts}
    redacted = Redactor().redact_snapshot(snap)
    assert len(redacted["accounts"]) == 50
    assert not set(redacted["accounts"]) & set(accounts)
    parse_snapshot(redacted)  # still a valid multi-account snapshot


def test_addresses_keep_family_prefix_length_and_containment():
    r = Redactor(key=b"test")
    vpc, subnet, host = r.address("10.0.0.0/16"), r.address("10.0.1.0/24"), r.address("10.0.1.7")
    assert vpc.endswith("/16") and subnet.endswith("/24")
    assert vpc != "10.0.0.0/16" and host != "10.0.1.7"
    assert ipaddress.ip_network(subnet).subnet_of(ipaddress.ip_network(vpc))
    assert ipaddress.ip_address(host) in ipaddress.ip_network(subnet)
    assert r.address("10.0.1.0/24") == subnet  # the same input, the same mask
    v6 = r.address("2600:1f18:4a3:6900::/56")
    assert v6.endswith("/56") and ipaddress.ip_network(v6).version == 6 and v6 != "2600:1f18:4a3:6900::/56"
    assert r.address("0.0.0.0/0") == "0.0.0.0/0" and r.address("::/0") == "::/0"
    assert r.address("169.254.169.253") == "169.254.169.253"  # the Amazon DNS resolver stays
    assert r.address("not an address") == "not an address"


def test_every_value_holding_an_address_is_rewritten():
    """Leaf by leaf: each string holding an address differs after redaction. A fixed key, because a
    permutation maps an address onto itself now and then (1 in 2**free-bits)."""
    original = synth_snapshot(vpcs=3, subnets_per_vpc=8)
    redacted = Redactor(key=b"every-value").redact_snapshot(original)
    # special blocks (not the internet: private, documentation TEST-NETs) map onto themselves
    whole_blocks = {
        "0.0.0.0/0",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.0.2.0/24",
        "198.51.100.0/24",
        "203.0.113.0/24",
    }
    # and so do AWS's published blocks (an S3 prefix list's entries): the trace reads them as such
    whole_blocks |= {
        c for services in shipped().ranges.values() for cidrs in services.values() for c in cidrs
    }
    pairs = list(zip(strings(original), strings(redacted), strict=True))
    with_addresses = [
        (a, b) for a, b in pairs if re.search(r"\d{1,3}(?:\.\d{1,3}){3}", a) and a not in whole_blocks
    ]
    assert len(with_addresses) > 100
    assert [a for a, b in with_addresses if a == b] == []


def test_tag_values_are_masked_and_keys_stay():
    snap = healthy()
    item(snap, "Subnets", "subnet-private")["Tags"] = [
        {"Key": "Name", "Value": "payments-private-a"},
        {"Key": "Owner", "Value": "alice@example.com"},
    ]
    item(snap, "Subnets", "subnet-public")["Tags"] = [{"Key": "Name", "Value": "payments-private-a"}]
    redacted = Redactor().redact_snapshot(snap)
    tags = item(redacted, "Subnets", "subnet-private")["Tags"]
    assert [t["Key"] for t in tags] == ["Name", "Owner"]
    assert all(t["Value"].startswith("redacted-") for t in tags)
    assert tags[0]["Value"] != tags[1]["Value"]
    assert item(redacted, "Subnets", "subnet-public")["Tags"][0]["Value"] == tags[0]["Value"]
    assert "payments" not in json.dumps(redacted) and "alice" not in json.dumps(redacted)


def test_resource_ids_and_the_original_document_are_untouched():
    original = synth_snapshot(vpcs=2, subnets_per_vpc=6)
    before = copy.deepcopy(original)
    redacted = redact_snapshot(original)
    assert original == before
    ids = re.compile(r"^(subnet|vpc|rtb|sg|acl|nat|igw|vpce|pcx|tgw|tgw-attach|tgw-rtb|eni|pl)-[0-9a-f]{17}$")
    assert sorted(s for s in strings(original) if ids.match(s)) == sorted(
        s for s in strings(redacted) if ids.match(s)
    )


def test_report_text_and_snapshot_share_one_mapping():
    """Redacting the report of the original gives the report of the redacted snapshot."""
    snap = healthy()
    redactor = Redactor(key=b"test")
    original_report = report_json(snap, HEALTHY_CLI)
    redacted_report = report_json(redactor.redact_snapshot(snap), HEALTHY_CLI)
    assert "10.0.1.0/24" in original_report and "10.0.1.0/24" not in redacted_report  # the NAT's ACL check
    assert ACCOUNT in original_report and ACCOUNT not in redacted_report
    assert redact_text(original_report, redactor) == redacted_report
    assert redactor.redact_report(json.loads(original_report)) == json.loads(redacted_report)


def test_text_masks_accounts_addresses_hosts_and_known_tag_values():
    r = Redactor(key=b"test")
    r.redact_snapshot({"Tags": [{"Key": "Name", "Value": "billing-db"}]})
    text = (
        f"role arn:aws:iam::{ACCOUNT}:role/deploy pulls {ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/app "
        "from ip-10-1-2-3.ec2.internal via 52.94.10.20 and 2600:1f18::7: subnet billing-db, "
        "at 2026-01-15T09:30:00Z to 10.1.0.0/16."
    )
    out = r.redact_text(text)
    for secret in (ACCOUNT, "10-1-2-3", "52.94.10.20", "2600:1f18::7", "billing-db", "10.1.0.0/16"):
        assert secret not in out
    assert out.endswith("/16.") and "2026-01-15T09:30:00Z" in out and "ec2.internal" in out
    assert r.account(ACCOUNT) in out and r.address("52.94.10.20") in out


def test_a_key_makes_the_mapping_reproducible():
    snap = synth_snapshot(vpcs=2, subnets_per_vpc=4)
    assert Redactor(key=b"k1").redact_snapshot(snap) == Redactor(key=b"k1").redact_snapshot(snap)
    assert Redactor(key=b"k1").redact_snapshot(snap) != Redactor(key=b"k2").redact_snapshot(snap)


networks4 = st.builds(
    lambda addr, length: ipaddress.ip_network((addr, length), strict=False),
    st.integers(0, 2**32 - 1),
    st.integers(0, 32),
)


@settings(max_examples=300, deadline=None)
@given(a=networks4, b=networks4)
def test_mapping_preserves_prefix_containment_and_internet_membership(a, b):
    r = Redactor(key=b"property")
    ma, mb = (ipaddress.ip_network(r.address(str(n))) for n in (a, b))
    assert (ma.prefixlen, mb.prefixlen) == (a.prefixlen, b.prefixlen)
    assert a.subnet_of(b) == ma.subnet_of(mb)
    assert a.overlaps(b) == ma.overlaps(mb)
    internet = Destination.internet(4).addresses
    assert any(a.subnet_of(n) for n in internet) == any(ma.subnet_of(n) for n in internet)
    assert any(a.overlaps(n) for n in internet) == any(ma.overlaps(n) for n in internet)


@pytest.mark.parametrize(
    ("value", "secret"),
    [
        ("10.0.0.0/33", "10.0.0.0"),  # a malformed length: the address is masked all the same
        ("2600:1f18::/129", "2600:1f18::"),
        ("300.1.1.1", None),  # not an address: left as it is
        ("1.2.3", None),
        ("12:30:45", None),
        ("fe80::1%eth0", None),  # link-local: kept
    ],
)
def test_malformed_or_odd_values(value, secret):
    out = Redactor(key=b"test").redact_text(f"value {value} end")
    assert out.startswith("value ") and out.endswith(" end")
    if secret:
        assert secret not in out
    else:
        assert out == f"value {value} end"
