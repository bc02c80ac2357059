"""SG100 (all outbound TCP to 0.0.0.0/0): decided on the union of the groups' rules, never on
outbound rules the snapshot does not hold."""

from __future__ import annotations

from depth.harness import findings
from snapshots import healthy, item, region

TARGET = ("subnet-private", ("sg-closed",), False)


def _sg100(snap: dict) -> list:
    return list(findings(snap, TARGET, rule_ids=("SG100",)))


def _egress(snap: dict, rules: list[dict]) -> dict:
    item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"] = rules
    return snap


def _tcp(lo: int, hi: int, **dest: str) -> dict:
    rule: dict = {"IpProtocol": "tcp", "FromPort": lo, "ToPort": hi}
    if "cidr" in dest:
        rule["IpRanges"] = [{"CidrIp": dest["cidr"]}]
    if "pl" in dest:
        rule["PrefixListIds"] = [{"PrefixListId": dest["pl"]}]
    return rule


def test_outbound_rules_missing_from_the_snapshot_are_not_called_narrow():
    snap = healthy()
    del item(snap, "SecurityGroups", "sg-closed")["IpPermissionsEgress"]
    assert _sg100(snap) == []


def test_rules_that_together_allow_all_tcp_to_everywhere_pass():
    snap = _egress(
        healthy(),
        [
            _tcp(0, 32767, cidr="0.0.0.0/1"),
            _tcp(0, 65535, cidr="128.0.0.0/1"),
            _tcp(32768, 65535, cidr="0.0.0.0/1"),
        ],
    )
    assert _sg100(snap) == []


def test_a_prefix_list_holding_everywhere_counts():
    snap = _egress(healthy(), [_tcp(0, 65535, pl="pl-all")])
    region(snap)["ManagedPrefixLists"].append({"PrefixListId": "pl-all", "Entries": [{"Cidr": "0.0.0.0/0"}]})
    assert _sg100(snap) == []


def test_a_gap_in_the_ports_or_the_addresses_still_warns():
    gap_in_ports = _egress(healthy(), [_tcp(0, 442, cidr="0.0.0.0/0"), _tcp(444, 65535, cidr="0.0.0.0/0")])
    gap_in_addresses = _egress(
        healthy(), [_tcp(0, 65535, cidr="0.0.0.0/1"), _tcp(0, 65535, cidr="128.0.0.0/2")]
    )
    only_443 = _egress(healthy(), [_tcp(443, 443, cidr="0.0.0.0/0")])
    for snap in (gap_in_ports, gap_in_addresses, only_443):
        assert [f.rule_id for f in _sg100(snap)] == ["SG100"]


def test_all_traffic_to_everywhere_passes_and_no_rules_warn():
    assert [f.rule_id for f in _sg100(healthy())] == ["SG100"]
    all_out = _egress(healthy(), [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert _sg100(all_out) == []
