"""Transit gateway records that disagree, or say nothing, are not read as the permissive one.

DescribeTransitGatewayAttachments and DescribeTransitGatewayVpcAttachments are two calls (and
GetTransitGatewayRouteTableAssociations a third, per table): made while an attachment or an
association changes, they can disagree. Whichever of them is right, the verdict is not known; and
AWS always gives a transit gateway's, an attachment's and an association's ``State``, so a record
without one is not known either. Each case was ``reachable`` (or, for a missing attachment State,
``unreachable``) before.
"""

from __future__ import annotations

from typing import Any

import pytest
from depth.harness import result
from depth.tgw_builders import tgw_egress
from snapshots import item

from fargate_netcheck.core.model import CheckCode, Status, Verdict

TASK = ("sg-spoke-task",)


def egress(snap: dict[str, Any]):
    return result(snap, "subnet-spoke", TASK).internet_egress


def unknown_checks(r) -> list[tuple[CheckCode, str, str]]:
    return [(c.code, c.resource_id, c.reason) for c in r.checks if c.status is Status.UNKNOWN]


def test_the_consistent_account_is_reachable():
    assert egress(tgw_egress()).verdict is Verdict.REACHABLE


@pytest.mark.parametrize("att", ["tgw-attach-spoke", "tgw-attach-egress"])
def test_a_vpc_attachment_record_deleting_while_the_other_says_available_is_unknown(att):
    snap = tgw_egress()
    item(snap, "TransitGatewayVpcAttachments", att)["State"] = "deleting"
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    [(code, resource, reason)] = unknown_checks(r)
    assert (code, resource) == (CheckCode.TGW_NO_ATTACHMENT, att)
    assert "available in DescribeTransitGatewayAttachments of 111111111111/us-east-1" in reason
    assert "deleting in DescribeTransitGatewayVpcAttachments of 111111111111/us-east-1" in reason


def test_two_accounts_that_read_the_attachment_differently_make_it_unknown():
    """The spoke account's scan saw the attachment available; the network account's (another
    shard, scanned later) saw it deleting."""
    snap = tgw_egress()
    regions = snap["regions"]
    network_view = dict(item(snap, "TransitGatewayAttachments", "tgw-attach-spoke"), State="deleting")
    both = {
        "snapshot_version": 1,
        "accounts": {
            "111111111111": {"regions": regions},
            "222222222222": {"regions": {"us-east-1": {"TransitGatewayAttachments": [network_view]}}},
        },
    }
    r = egress(both)
    assert r.verdict is Verdict.UNKNOWN
    [(code, resource, reason)] = unknown_checks(r)
    assert (code, resource) == (CheckCode.TGW_NO_ATTACHMENT, "tgw-attach-spoke")
    assert "deleting in DescribeTransitGatewayAttachments of 222222222222/us-east-1" in reason


def test_an_attachment_without_state_is_unknown_not_unreachable():
    snap = tgw_egress()
    del item(snap, "TransitGatewayVpcAttachments", "tgw-attach-spoke")["State"]
    del item(snap, "TransitGatewayAttachments", "tgw-attach-spoke")["State"]
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    assert "has no State" in r.reason


def test_a_transit_gateway_without_state_is_unknown_not_available():
    snap = tgw_egress()
    del item(snap, "TransitGateways", "tgw-1")["State"]
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    [(code, resource, _)] = unknown_checks(r)
    assert (code, resource) == (CheckCode.TGW_NOT_AVAILABLE, "tgw-1")


def _table_association(snap: dict[str, Any], table: str, att: str) -> dict[str, Any]:
    assocs = item(snap, "TransitGatewayRouteTables", table)["Associations"]
    return next(a for a in assocs if a["TransitGatewayAttachmentId"] == att)


@pytest.mark.parametrize(
    ("att", "table"), [("tgw-attach-spoke", "tgw-rtb-spoke"), ("tgw-attach-egress", "tgw-rtb-egress")]
)
def test_a_table_that_lists_the_association_disassociated_while_the_attachment_says_associated_is_unknown(
    att, table
):
    """The egress attachment's association decides the way back: the same doubt applies there."""
    snap = tgw_egress()
    _table_association(snap, table, att)["State"] = "disassociated"
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    [(code, resource, reason)] = unknown_checks(r)
    assert (code, resource) == (CheckCode.TGW_NOT_ASSOCIATED, att)
    assert "disagree" in reason and table in reason


@pytest.mark.parametrize("state", ["associating", "disassociating", None])
def test_an_association_in_change_or_without_state_is_unknown(state):
    snap = tgw_egress()
    association = item(snap, "TransitGatewayAttachments", "tgw-attach-spoke")["Association"]
    if state is None:
        del association["State"]
    else:
        association["State"] = state
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    [(code, resource, reason)] = unknown_checks(r)
    assert (code, resource) == (CheckCode.TGW_NOT_ASSOCIATED, "tgw-attach-spoke")
    assert f"as {state or 'no State'}" in reason


def test_a_table_association_without_state_is_unknown():
    snap = tgw_egress()
    del _table_association(snap, "tgw-rtb-spoke", "tgw-attach-spoke")["State"]
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    assert [c[0] for c in unknown_checks(r)] == [CheckCode.TGW_NOT_ASSOCIATED]


def test_two_tables_that_both_claim_the_attachment_are_unknown():
    """AWS associates an attachment with one route table: two claims are two moments of a move."""
    snap = tgw_egress()
    item(snap, "TransitGatewayRouteTables", "tgw-rtb-egress")["Associations"].append(
        dict(_table_association(snap, "tgw-rtb-spoke", "tgw-attach-spoke"))
    )
    r = egress(snap)
    assert r.verdict is Verdict.UNKNOWN
    [(code, resource, _)] = unknown_checks(r)
    assert (code, resource) == (CheckCode.TGW_NOT_ASSOCIATED, "tgw-attach-spoke")


def test_an_attachment_every_record_shows_disassociated_stays_unreachable():
    """The control: records that agree it is not associated are a definite answer."""
    snap = tgw_egress()
    del item(snap, "TransitGatewayAttachments", "tgw-attach-spoke")["Association"]
    _table_association(snap, "tgw-rtb-spoke", "tgw-attach-spoke")["State"] = "disassociated"
    r = egress(snap)
    assert r.verdict is Verdict.UNREACHABLE
    assert r.blocked_at == "tgw-attach-spoke"
    assert any(c.code is CheckCode.TGW_NOT_ASSOCIATED and c.status is Status.FAIL for c in r.checks)
