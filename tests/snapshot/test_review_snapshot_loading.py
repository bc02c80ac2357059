"""Review of snapshot loading: inputs AWS cannot produce, which the graph used to settle by "last
item wins" (a wrong ``reachable``), are one-line load errors; a ``null`` protocol reads as an
absent one (docs/snapshot-format.md: null is absent), never as a protocol that matches nothing."""

from __future__ import annotations

import copy
import json

import pytest
from cli_helpers import run_cli
from snapshots import healthy, item, region, trace, write

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.snapshot.store import parse_snapshot


def _refused(capsys, tmp_path, snap, *expected: str) -> None:
    path = write(snap, tmp_path / "snap.json")
    result = run_cli(capsys, "check", "--snapshot", str(path))
    assert result.code == 2, result.out
    (line,) = result.err.strip().splitlines()
    assert str(path) in line and "Traceback" not in result.err
    for text in expected:
        assert text in line, line


# -- a subnet has one route table and one network ACL; a VPC has one main table and one default ACL --
def test_two_main_route_tables_in_one_vpc_are_refused(capsys, tmp_path):
    """The isolated subnet uses the main table (local only): a second "main" table that reaches
    the internet made it ``reachable`` (the later table won)."""
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Associations"].append({"Main": True})
    _refused(capsys, tmp_path, snap, "vpc-app", "rtb-main", "rtb-private", "main route table")


def test_a_subnet_associated_with_two_route_tables_is_refused(capsys, tmp_path):
    snap = healthy()
    blackholed = copy.deepcopy(item(snap, "RouteTables", "rtb-private"))
    blackholed["RouteTableId"] = "rtb-blackhole"
    blackholed["Routes"][1]["State"] = "blackhole"
    region(snap)["RouteTables"].insert(0, blackholed)  # the NAT table, listed after it, won
    _refused(capsys, tmp_path, snap, "subnet-private", "rtb-blackhole", "rtb-private")


def test_a_subnet_associated_with_two_network_acls_is_refused(capsys, tmp_path):
    snap = healthy()
    region(snap)["NetworkAcls"].insert(
        0,
        {
            "NetworkAclId": "acl-deny",
            "VpcId": "vpc-app",
            "Associations": [{"SubnetId": "subnet-private"}],
            "Entries": [],  # denies everything (AWS's catch-all)
        },
    )
    _refused(capsys, tmp_path, snap, "subnet-private", "acl-deny", "acl-default")


def test_two_default_network_acls_for_a_subnet_without_an_association_are_refused(capsys, tmp_path):
    """A subnet without an explicit association uses its VPC's default ACL: the later of two won.
    (Two defaults where every subnet has its own ACL decide nothing, and are let through.)"""
    snap = healthy()
    region(snap)["NetworkAcls"][0]["Associations"].pop()  # subnet-isolated falls back to the default
    region(snap)["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-other",
            "VpcId": "vpc-app",
            "IsDefault": True,
            "Associations": [],
            "Entries": [],
        }
    )
    _refused(
        capsys, tmp_path, snap, "subnet-isolated", "acl-default", "acl-other", "two default network ACLs"
    )
    region(snap)["NetworkAcls"][0]["Associations"].append({"SubnetId": "subnet-isolated"})
    parse_snapshot(snap)


@pytest.mark.parametrize("kind", ["RouteTables", "NetworkAcls"])
def test_an_association_with_a_subnet_of_another_vpc_is_refused(capsys, tmp_path, kind):
    snap = healthy()
    reg = region(snap)
    reg["Vpcs"].append({"VpcId": "vpc-other", "CidrBlock": "10.1.0.0/16"})
    reg["Subnets"].append({"SubnetId": "subnet-other", "VpcId": "vpc-other", "CidrBlock": "10.1.0.0/24"})
    owner = reg[kind][1] if kind == "RouteTables" else reg[kind][0]
    owner["Associations"].append({"SubnetId": "subnet-other"})
    _refused(capsys, tmp_path, snap, "subnet-other", "vpc-other", "vpc-app")


def test_associations_that_are_not_in_force_do_not_count():
    """A subnet moving between tables (one association ``disassociated`` or ``disassociating``)
    and a main association that was replaced are not a second association."""
    snap = healthy()
    old = copy.deepcopy(item(snap, "RouteTables", "rtb-private"))
    old["RouteTableId"] = "rtb-old"
    old["Associations"] = [
        {"SubnetId": "subnet-private", "AssociationState": {"State": "disassociated"}},
        {"Main": True, "AssociationState": {"State": "disassociated"}},
    ]
    region(snap)["RouteTables"].append(old)
    parse_snapshot(snap)  # no error


def test_the_same_subnet_in_two_accounts_is_checked_per_account():
    """A RAM-shared subnet is listed by its owner and by each participant: one association each."""
    snap = healthy()
    body = snap["regions"]["us-east-1"]
    doc = {
        "snapshot_version": 1,
        "accounts": {"111111111111": {"regions": {"us-east-1": body}}, "222222222222": {"regions": {"us-east-1": copy.deepcopy(body)}}},
    }  # fmt: skip
    parse_snapshot(doc)


def test_a_null_association_state_is_associated_for_the_reference_check_too():
    """``{"State": null}`` reads as associated (as the graph reads it): its subnet must exist."""
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Associations"][0] = {
        "SubnetId": "subnet-gone",
        "AssociationState": {"State": None},
    }
    with pytest.raises(InputError, match="rtb-private: association SubnetId subnet-gone is not in Subnets"):
        parse_snapshot(snap)


# -- a null protocol is an absent protocol --------------------------------------------------------
_DENY_FIRST = {"RuleNumber": 50, "RuleAction": "deny", "Egress": True, "CidrBlock": "0.0.0.0/0"}


@pytest.mark.parametrize("action", ["allow", "deny"])
@pytest.mark.parametrize("protocol", ["absent", None])
def test_a_network_acl_entry_without_protocol_is_refused_naming_it(action, protocol):
    """AWS always gives ``Protocol``. Read as "all traffic", an allow entry without one allowed
    what it may not (a null was once read as a protocol named "None", which a deny never matched):
    neither reading is safe, so the entry is refused at load, naming it."""
    entry = {**_DENY_FIRST, "RuleAction": action}
    if protocol is not None:
        entry.pop("Protocol", None)
    else:
        entry["Protocol"] = None
    snap = healthy()
    region(snap)["NetworkAcls"][0]["Entries"].insert(0, entry)
    with pytest.raises(InputError) as caught:
        parse_snapshot(json.loads(json.dumps(snap)), "snap.json")
    assert "rule 50: needs Protocol" in str(caught.value)
    assert str(caught.value).startswith("snap.json: 123456789012/us-east-1: acl-")


@pytest.mark.parametrize("field", ["IpPermissionsEgress", "IpPermissions"])
@pytest.mark.parametrize("protocol", ["absent", None])
def test_a_security_group_rule_without_protocol_is_refused_naming_it(field, protocol):
    """Read as "all traffic", an egress rule without ``IpProtocol`` passed a task whose group
    allows only, say, UDP 53: AWS always gives it, so a rule without one is bad input."""
    snap = healthy()
    group = item(snap, "SecurityGroups", "sg-open")
    group[field] = [{"IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    if protocol is None:
        group[field][0]["IpProtocol"] = None
    with pytest.raises(InputError) as caught:
        parse_snapshot(json.loads(json.dumps(snap)), "snap.json")
    assert f"sg-open: {field} rule 1 needs IpProtocol" in str(caught.value)


def test_a_security_group_rule_without_protocol_exits_2_on_the_command_line(capsys, tmp_path):
    snap = healthy()
    del item(snap, "SecurityGroups", "sg-open")["IpPermissionsEgress"][0]["IpProtocol"]
    path = write(snap, tmp_path / "snap.json")
    run = run_cli(capsys, "check", "--snapshot", str(path), "--subnet", "subnet-private")
    assert run.code == 2
    assert run.err.count("\n") == 1 and "needs IpProtocol" in run.err and "Traceback" not in run.err


def test_a_route_with_a_null_state_and_origin_reads_as_absent():
    from fargate_netcheck.snapshot.parse import parse_route

    route = parse_route(
        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": None, "Origin": None}
    )
    assert route is not None and (route.state, route.origin) == ("active", "CreateRoute")


def test_the_association_check_runs_on_a_live_collection_too():
    """The same check runs on a live collection (``parse_snapshot``): one message, no crash."""
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Associations"].append({"Main": True})
    with pytest.raises(InputError) as caught:
        parse_snapshot(json.loads(json.dumps(snap)), "live collection")
    assert str(caught.value).startswith("live collection: 123456789012/us-east-1: ")


# -- a prefix list entry is a CIDR: a malformed one is refused, a missing one leaves the list unknown ----
def _blackholed_prefix_list(cidrs: list[object]) -> dict:
    """subnet-private's NAT default route, and a prefix-list route (both halves of the internet,
    as ``cidrs``) to a blackhole: the internet is unreachable when the entries read as written."""
    snap = healthy()
    region(snap)["ManagedPrefixLists"] = [{"PrefixListId": "pl-1", "Entries": [{"Cidr": c} for c in cidrs]}]
    item(snap, "RouteTables", "rtb-private")["Routes"].append(
        {"DestinationPrefixListId": "pl-1", "GatewayId": "igw-gone", "State": "blackhole"}
    )
    return snap


def test_the_blackholed_prefix_list_route_blocks_when_its_entries_read():
    assert trace(_blackholed_prefix_list(["0.0.0.0/1", "128.0.0.0/1"]), "subnet-private").verdict is (
        Verdict.UNREACHABLE
    )


@pytest.mark.parametrize("bad", ["128.0.0.0/33", "128.0.0.0/1 ", "internet", 7])
def test_a_prefix_list_entry_that_is_not_a_cidr_is_refused_at_load(capsys, tmp_path, bad):
    """It was skipped: with both entries malformed the blackhole route matched nothing and the
    NAT route made the internet ``reachable``."""
    _refused(capsys, tmp_path, _blackholed_prefix_list(["0.0.0.0/1 ", bad]), "pl-1", "Entries[0]: Cidr")


def test_a_prefix_list_entry_without_a_cidr_leaves_the_list_unknown_not_smaller():
    """An entry with no ``Cidr`` (an IaC value known only after apply) covers addresses nobody
    knows: the list reads as "entries not known", so what it routes is ``unknown``, never
    ``reachable`` past it."""
    for missing in ({"Cidr": None}, {}):
        snap = _blackholed_prefix_list([])
        region(snap)["ManagedPrefixLists"][0]["Entries"].append(missing)
        result = trace(snap, "subnet-private")
        assert result.verdict is Verdict.UNKNOWN, result.reason


# -- values of the wrong type inside objects the table left unchecked ------------------------------
@pytest.mark.parametrize(
    ("mutate", "fault"),
    [
        # ``true`` was read as port 1: a TCP entry "From true" allowed 443.
        (lambda s: region(s)["NetworkAcls"][0]["Entries"][0].update(Protocol="6", PortRange={"From": True, "To": 65535}),
         "acl-default: Entries[0]: PortRange: From must be an integer"),
        # a State that is not a string dropped the association silently (the subnet fell to the main table)
        (lambda s: item(s, "RouteTables", "rtb-public")["Associations"][0].update(AssociationState={"State": 5}),
         "rtb-public: Associations[0]: AssociationState: State must be a str"),
    ],
)  # fmt: skip
def test_a_nested_value_of_the_wrong_type_is_refused_by_both_checks(capsys, tmp_path, mutate, fault):
    from fargate_netcheck.snapshot.fast_check import ItemChecker

    snap = healthy()
    mutate(snap)
    kind, owner = ("NetworkAcls", "acl-default") if fault.startswith("acl") else ("RouteTables", "rtb-public")
    assert not ItemChecker().fits(kind, item(snap, kind, owner))  # the fast path agrees
    _refused(capsys, tmp_path, snap, fault)
