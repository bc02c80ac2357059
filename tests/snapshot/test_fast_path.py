"""The fast item check agrees with the detailed one. On plain JSON values it says "fits" exactly when
``validate_item`` passes; on unusual values (a str subclass) it may say "no" and leave the verdict to
``validate_item``, never the other way round. Messages and the reference and duplicate checks keep
their exact wording."""

from __future__ import annotations

import copy
import ipaddress
import re
from collections import OrderedDict
from enum import IntEnum
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from snapshots import healthy, item, region

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.fast_check import _IPV6_CIDR, IPV4_CIDR, ItemChecker
from fargate_netcheck.snapshot.schema import (
    CIDR4,
    CIDR6,
    DICT,
    FIELD_SPECS,
    ID_FIELDS,
    STR,
    TAG_SPEC,
    OneOf,
    validate_item,
)
from fargate_netcheck.snapshot.store import parse_snapshot

FAST = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Valid, but not all in the form the fast path recognises without ipaddress.
V4 = ["10.0.0.0/16", "0.0.0.0/0", "10.0.0.1/24", "10.0.0.0", "10.0.0.0/016", "10.0.0.0/255.255.0.0"]
V6 = ["::/0", "2600:1f18:abc:de00::/56", "2001:db8::1/128", "::ffff:1.2.3.4/128", "1:2:3:4:5:6:7:8/64"]
ODD = [
    None, True, False, 0, -1, 70000, 1.5, "", "x", "pl-1", [], ["x"], [1], {}, {"From": 1}, *V4, *V6,
    "010.0.0.0/8", "10.0.0.0/33", "10.0.0.0/16\n", "::/129", "fe80::1%eth0/64", "\u0661\u0660.0.0.0/8",
]  # fmt: skip
ACL_ENTRY = {"RuleNumber": 100, "RuleAction": "allow", "Egress": True, "CidrBlock": "0.0.0.0/0"}


class Text(str):
    """A str subclass: the fast path says "not sure", the detailed path accepts it."""


class Number(IntEnum):
    ONE = 1


def valid_value(expected: Any) -> st.SearchStrategy[Any]:
    """A value ``validate_item`` accepts for a field of type ``expected``, in plain JSON types."""
    if isinstance(expected, tuple):
        inner = st.text(max_size=3) if expected[1] is STR else valid_value(expected[1])
        return inner if expected[0] is DICT else st.lists(inner, max_size=3)
    if isinstance(expected, dict):
        return st.fixed_dictionaries({}, optional={k: valid_value(v) for k, v in expected.items()})
    if isinstance(expected, str):  # a CIDR
        return st.sampled_from({CIDR4: V4, CIDR6: V6}.get(expected, V4 + V6))
    if isinstance(expected, OneOf):
        return st.sampled_from(sorted(expected))
    return {
        int: st.integers(-1, 70000),
        bool: st.booleans(),
        dict: st.just({"From": 1, "To": 2, "State": "associated"}),
    }.get(expected, st.text(max_size=3))


def full_value(expected: Any) -> Any:
    """A valid value with every optional field present and every list one element long."""
    if isinstance(expected, tuple):
        inner = "s" if expected[1] is STR else full_value(expected[1])
        return inner if expected[0] is DICT else [inner]
    if isinstance(expected, dict):
        return {k: full_value(v) for k, v in expected.items()}
    if isinstance(expected, str):  # a CIDR
        return V6[0] if expected == CIDR6 else V4[0]
    if isinstance(expected, OneOf):
        return sorted(expected)[0]
    return {int: 5, bool: True, dict: {"From": 1, "To": 2, "State": "associated"}}.get(expected, "s")


def full_item(kind: str) -> dict[str, Any]:
    found = full_value({**TAG_SPEC, **FIELD_SPECS.get(kind, {})})
    if kind == "NetworkAcls":
        found["Entries"] = [{**found["Entries"][0], **ACL_ENTRY}, dict(ACL_ENTRY)]  # all fields; the least
    return found


def places(doc: Any, path: tuple = ()) -> list[tuple]:
    """Every path in ``doc`` below the top: where one value can be replaced or deleted."""
    found = [path] if path else []
    children = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in children:
        found += places(value, (*path, key))
    return found


def with_fault(doc: dict[str, Any], path: tuple, value: Any, delete: bool) -> dict[str, Any]:
    doc = copy.deepcopy(doc)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(value)
    return doc


def agree(kind: str, found: dict[str, Any]) -> bool:
    try:
        validate_item(kind, found, "here")
        valid = True
    except InputError:
        valid = False
    return ItemChecker().fits(kind, found) == valid


def test_the_fast_check_agrees_with_validate_item_on_every_single_fault():
    """Every field at every depth of a full item of every kind: each odd value, and deleted."""
    disagree = []
    for kind in sorted(ID_FIELDS):
        base = full_item(kind)
        assert agree(kind, base)
        for path in places(base):
            faults = [(value, False) for value in ODD] + ([(None, True)] if isinstance(path[-1], str) else [])
            for value, delete in faults:
                if kind == "NetworkAcls" and path == ("Entries",) and value is None:
                    continue  # known: validate_item raises TypeError on a null Entries
                if not agree(kind, with_fault(base, path, value, delete)):
                    disagree.append((kind, path, "deleted" if delete else value))
    assert not disagree, disagree[:10]


@st.composite
def some_faults(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A valid item of a drawn kind (optional fields drawn), with up to three odd values or deletions."""
    kind = draw(st.sampled_from(sorted(ID_FIELDS)))
    found = draw(valid_value({**TAG_SPEC, **FIELD_SPECS.get(kind, {})}))
    if kind == "NetworkAcls" and "Entries" in found:
        found["Entries"] = [{**ACL_ENTRY, **entry} for entry in found["Entries"]]
    for _ in range(draw(st.integers(0, 3))):
        spots = places(found)
        if not spots:
            break
        path = draw(st.sampled_from(spots))
        delete = isinstance(path[-1], str) and draw(st.booleans())
        found = with_fault(found, path, draw(st.sampled_from(ODD)), delete)
    return kind, found


@FAST
@given(some_faults())
def test_the_fast_check_agrees_with_validate_item_on_plain_values(case):
    kind, found = case
    # Known: a null Entries makes validate_item raise TypeError, not InputError; not this test's topic.
    assume(not (kind == "NetworkAcls" and "Entries" in found and found["Entries"] is None))
    assert agree(kind, found)


def test_plain_valid_items_take_the_fast_path():
    for body in healthy()["regions"].values():
        checker = ItemChecker()
        assert all(checker.fits(kind, it) for kind, items in body.items() for it in items)


def _version(text: str) -> int:
    try:
        return ipaddress.ip_network(text, strict=False).version
    except ValueError:
        return 0


_OCTET = st.one_of(st.integers(0, 300).map(str), st.sampled_from(["00", "01", "007", "", " 1", "\u0661"]))
_PREFIX = st.one_of(
    st.integers(-1, 140).map(str), st.sampled_from(["", "016", "\u0661", "32\n", "255.0.0.0"])
)
_HEXTET = st.one_of(st.from_regex(r"\A[0-9a-fA-F]{0,5}\Z"), st.sampled_from(["g", "0"]))
_CIDR_TEXT = st.one_of(
    st.builds(lambda o, p: ".".join(o) + "/" + p, st.lists(_OCTET, min_size=3, max_size=5), _PREFIX),
    st.builds(lambda h, j, p: j.join(h) + "/" + p, st.lists(_HEXTET, min_size=1, max_size=10), st.sampled_from([":", "::"]), _PREFIX),
    st.builds(lambda a, b, p: ":".join(a) + "::" + ":".join(b) + "/" + p, st.lists(_HEXTET, max_size=8), st.lists(_HEXTET, max_size=8), _PREFIX),
    st.text(alphabet="0123456789abcdef.:/% \n", max_size=40),
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_CIDR_TEXT)
def test_the_cidr_shortcuts_accept_only_what_ipaddress_accepts(text):
    if re.fullmatch(IPV4_CIDR, text):
        assert _version(text) == 4
    if re.fullmatch(_IPV6_CIDR, text):
        assert _version(text) == 6


@pytest.mark.parametrize(
    "text", ["10.0.0.0/16", "0.0.0.0/0", "::/0", "2600:1f18:abc:de00::/56", "1:2:3:4:5:6:7:8/128"]
)
def test_common_cidrs_skip_ipaddress(text):
    assert re.fullmatch(IPV4_CIDR, text) or re.fullmatch(_IPV6_CIDR, text)


def test_unusual_but_valid_values_still_load():
    snap = healthy()
    subnet = item(snap, "Subnets", "subnet-private")
    subnet["CidrBlock"] = Text("10.0.1.0/24")
    subnet["AvailableIpAddressCount"] = Number.ONE
    region(snap)["Vpcs"][0] = OrderedDict(region(snap)["Vpcs"][0])
    parse_snapshot(snap)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda s: item(s, "Subnets", "subnet-private").update(CidrBlock="10.0.1.0/99"),
            "s.json: 123456789012/us-east-1: subnet-private: CidrBlock: '10.0.1.0/99' is not a CIDR block",
        ),
        (
            lambda s: item(s, "Subnets", "subnet-private").update(CidrBlock="::/0"),
            "s.json: 123456789012/us-east-1: subnet-private: CidrBlock: '::/0' is not an IPv4 CIDR block",
        ),
        (
            lambda s: item(s, "Subnets", "subnet-private").update(AvailableIpAddressCount=True),
            "s.json: 123456789012/us-east-1: subnet-private: AvailableIpAddressCount must be an integer, found True",
        ),
        (
            lambda s: item(s, "RouteTables", "rtb-private")["Routes"][1].update(DestinationCidrBlock=7),
            "s.json: 123456789012/us-east-1: rtb-private: Routes[1]: DestinationCidrBlock must be a CIDR string, found 7",
        ),
        (
            lambda s: item(s, "NetworkAcls", "acl-default")["Entries"][2].pop("Egress"),
            "s.json: 123456789012/us-east-1: acl-default: rule 100: Egress must be true or false",
        ),
        (
            lambda s: item(s, "RouteTables", "rtb-private")["Routes"][1].update(State="Blackhole"),
            "s.json: 123456789012/us-east-1: rtb-private: Routes[1]: State must be one of active, blackhole, "
            "found 'Blackhole'",
        ),
        (
            lambda s: item(s, "NatGateways", "nat-app").update(ConnectivityType="Private"),
            "s.json: 123456789012/us-east-1: nat-app: ConnectivityType must be one of private, public, "
            "found 'Private'",
        ),
        (
            lambda s: item(s, "Vpcs", "vpc-app").update(Tags=[{"Key": "Name", "Value": 3}]),
            "s.json: 123456789012/us-east-1: vpc-app: Tags[0]: Value must be a str, found int",
        ),
    ],
)
def test_messages_name_the_item_and_field(mutate, message):
    snap = healthy()
    mutate(snap)
    with pytest.raises(InputError) as raised:
        parse_snapshot(snap, "s.json")
    assert str(raised.value) == message


def test_the_first_fault_in_an_item_is_reported():
    snap = healthy()
    item(snap, "Subnets", "subnet-private").update(Tags="x", VpcId=5)  # Tags are checked first
    with pytest.raises(InputError, match=r"subnet-private: Tags must be a list$"):
        parse_snapshot(snap)


def test_duplicate_in_another_region_names_where_the_first_is():
    snap = healthy()
    snap["regions"]["eu-west-1"] = {"Vpcs": [dict(region(snap)["Vpcs"][0])]}
    with pytest.raises(InputError) as raised:
        parse_snapshot(snap, "s.json")
    assert str(raised.value) == (
        "s.json: 123456789012/us-east-1: Vpcs[0]: duplicate id vpc-app (also at 123456789012/eu-west-1: Vpcs[0])"
    )


def test_inactive_owners_may_point_at_missing_subnets():
    snap = healthy()
    item(snap, "RouteTables", "rtb-private")["Associations"].append(
        {"SubnetId": "subnet-gone", "AssociationState": {"State": "disassociated"}}
    )
    region(snap)["NatGateways"].append(
        {"NatGatewayId": "nat-old", "SubnetId": "subnet-gone", "State": "deleted"}
    )
    parse_snapshot(snap)
    region(snap)["NatGateways"][-1]["State"] = "available"
    with pytest.raises(InputError) as raised:
        parse_snapshot(snap, "s.json")
    assert (
        str(raised.value) == "s.json: 123456789012/us-east-1: nat-old: SubnetId subnet-gone is not in Subnets"
    )


def test_a_missing_vpc_is_reported_before_a_missing_subnet():
    snap = healthy()
    item(snap, "NetworkAcls", "acl-default")["Associations"][0]["SubnetId"] = "subnet-gone"
    item(snap, "SecurityGroups", "sg-closed")["VpcId"] = "vpc-gone"
    with pytest.raises(InputError, match="sg-closed: VpcId vpc-gone is not in Vpcs"):
        parse_snapshot(snap)


def test_references_are_not_checked_against_kinds_not_collected():
    snap = healthy()
    del region(snap)["Vpcs"]
    item(snap, "Subnets", "subnet-private")["VpcId"] = "vpc-elsewhere"
    parse_snapshot(snap)
