"""Redaction keeps the verdicts that depend on addresses the analysis reads outside the snapshot:
AWS's published ranges (the ECR/S3 image pull, ``aws:SERVICE``) and the Amazon resolver at a VPC's
base + 2 (a DHCP options set naming it)."""

from __future__ import annotations

import ipaddress
import json

from cli_helpers import run_cli
from snapshots import healthy, item, write

from fargate_netcheck.cli.redact import Redactor
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, analyze
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import cli_targets
from fargate_netcheck.trace.aws_ranges import AwsRanges, shipped

KEY = b"review-redact"


def walks(data: dict, group: str = "sg-closed") -> list[tuple[str, str, str | None]]:
    """Every walk of subnet-private with ``group``: (name, verdict, blocked_at), account masked out."""
    snap = parse_snapshot(data)
    g = build_graph(snap)
    result = analyze(snap, g, cli_targets(g, ["subnet-private"], [group], False), AnalysisOptions()).targets[
        0
    ]
    return [(str(i), p.verdict.value, p.blocked_at) for i, (_, p) in enumerate(result.walks())]


def amazon_v4(region: str = "us-east-1") -> list[str]:
    return [c for c in shipped().ranges[region]["AMAZON"] if ":" not in c]


def allowed_out_to(cidrs: list[str]) -> dict:
    snap = healthy()
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": c} for c in cidrs]}
    ]
    return snap


def preimage(redactor: Redactor, cidr: str) -> str:
    """The block that ``redactor`` masks into ``cidr``, found bit by bit (the mapping keeps prefixes)."""
    target = ipaddress.ip_network(cidr)
    want, found = int(target.network_address), 0
    for i in range(target.prefixlen):
        shift = 31 - i
        for bit in (0, 1):
            candidate = found | (bit << shift)
            masked = ipaddress.ip_network(redactor.address(f"{ipaddress.IPv4Address(candidate)}/{i + 1}"))
            if int(masked.network_address) >> shift == want >> shift:
                found = candidate
                break
    return f"{ipaddress.IPv4Address(found)}/{target.prefixlen}"


def test_a_group_allowed_out_to_aws_ranges_only_keeps_its_image_pull_verdict():
    """Masking the group's AWS blocks into other public blocks, while the trace still reads AWS's
    real ranges, turned a reachable image pull into an unreachable one."""
    snap = allowed_out_to(amazon_v4())
    before = walks(snap)
    assert before[1][1] == "reachable"  # the ECR pull
    assert walks(Redactor(key=KEY).redact_snapshot(snap)) == before


def test_blocks_masked_onto_aws_ranges_never_fake_a_reachable_image_pull():
    """The group allows the blocks the mapping sends onto AWS's ranges: before the fix, those were
    blocks outside AWS (pull unreachable) whose masks are AWS's (pull reachable)."""
    probe = Redactor(key=KEY)
    snap = allowed_out_to([preimage(probe, c) for c in amazon_v4()])
    assert walks(Redactor(key=KEY).redact_snapshot(snap)) == walks(snap)


def test_addresses_inside_and_outside_aws_ranges_stay_so_and_are_still_masked():
    r = Redactor(key=KEY)
    blocks = [ipaddress.ip_network(c) for c in amazon_v4()]
    eip = str(blocks[0].network_address + 77)  # e.g. a NAT gateway's Elastic IP
    masked = ipaddress.ip_address(r.address(eip))
    assert str(masked) != eip and masked in blocks[0]
    outside = "8.8.8.8"  # not AWS's
    assert not any(ipaddress.ip_address(r.address(outside)) in b for b in blocks)


def test_the_ranges_a_run_reads_are_the_ones_fixed():
    custom = AwsRanges("2026-01-01", "test", {"xx-test-1": {"EC2": ("45.0.0.0/16",)}})
    r = Redactor(key=KEY, ranges=custom)
    assert ipaddress.ip_network(r.address("45.0.200.0/24")).subnet_of(ipaddress.ip_network("45.0.0.0/16"))
    assert r.address("45.0.0.0/16") == "45.0.0.0/16"


def test_a_dhcp_options_set_naming_the_vpc_resolver_keeps_its_verdicts():
    """DomainNameServers 10.0.0.2 is the Amazon resolver of vpc-app (10.0.0.0/16): masked to an
    address other than the masked block's base + 2, it read as a custom DNS server (unknown)."""
    snap = healthy()
    item(snap, "DhcpOptions", "dopt-amazon")["DhcpConfigurations"][0]["Values"] = [{"Value": "10.0.0.2"}]
    before = walks(snap, "sg-open")
    assert {v for _, v, _ in before} == {"reachable"}
    for key in (KEY, b"k1", b"k2", b"k3"):
        redacted = Redactor(key=key).redact_snapshot(snap)
        assert walks(redacted, "sg-open") == before
    masked = Redactor(key=KEY).redact_snapshot(snap)["regions"]["us-east-1"]
    assert "10.0.0.2" not in json.dumps(masked["DhcpOptions"])  # masked all the same
    base = ipaddress.ip_network(masked["Vpcs"][0]["CidrBlock"]).network_address
    assert masked["DhcpOptions"][0]["DhcpConfigurations"][0]["Values"] == [{"Value": str(base + 2)}]


def test_a_custom_dns_server_never_becomes_the_vpc_resolver():
    snap = healthy()
    item(snap, "DhcpOptions", "dopt-amazon")["DhcpConfigurations"][0]["Values"] = [{"Value": "10.0.0.53"}]
    before = walks(snap, "sg-open")
    assert before[1][1] == "unknown"
    for key in (KEY, b"k1", b"k2", b"k3"):
        assert walks(Redactor(key=key).redact_snapshot(snap), "sg-open") == before


def test_an_address_masked_before_the_snapshot_keeps_its_mask():
    """``check --redact --destination`` masks the destinations first: pinning the resolver's path
    afterwards never changes a mask already given (one input, one mask)."""
    for key in (KEY, b"k1", b"k2", b"k3", b"k4", b"k5"):
        r = Redactor(key=key)
        first = [r.address(a) for a in ("10.0.0.0/24", "10.0.0.0/20", "10.0.0.2", "10.0.0.0/30")]
        r.redact_snapshot(healthy())
        assert [r.address(a) for a in ("10.0.0.0/24", "10.0.0.0/20", "10.0.0.2", "10.0.0.0/30")] == first


def test_check_redact_keeps_the_verdicts_of_a_group_allowed_out_to_aws(capsys, tmp_path):
    path = str(write(allowed_out_to(amazon_v4()), tmp_path / "s.json"))
    args = (
        "check",
        "--snapshot",
        path,
        "--subnet",
        "subnet-private",
        "--security-group",
        "sg-closed",
        "-f",
        "json",
    )
    plain, masked = run_cli(capsys, *args), run_cli(capsys, *args, "--redact")
    assert masked.code == plain.code

    def verdicts(out: str) -> list:
        t = json.loads(out)["targets"][0]
        return [t["verdict"], t["ecr_pull"]["verdict"], [n["verdict"] for n in t["needs"]]]

    assert verdicts(masked.out) == verdicts(plain.out)
