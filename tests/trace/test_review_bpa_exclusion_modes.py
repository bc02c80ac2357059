"""VPC Block Public Access: an exclusion whose mode in force is not known leaves the verdict open.

An exclusion being modified (``update-in-progress``) or whose modification failed (``update-failed``)
is in force in *some* mode: the one it shows, or the one it had before. One whose mode is missing or
not one AWS documents (``allow-bidirectional | allow-egress``) may let the traffic through too. None
of them proves BPA blocks: ``unknown``, never a definite ``unreachable``.

``healthy()``: subnet-private -> nat-app (in subnet-public) -> igw-app; subnet-public -> igw-app.
"""

from __future__ import annotations

from typing import Any

import pytest
from snapshots import codes, healthy, region, trace

from fargate_netcheck.core.model import CheckCode, Status, Verdict
from fargate_netcheck.snapshot.parse import BlockPublicAccess, BpaExclusion
from fargate_netcheck.trace.bpa import evaluate

ACCOUNT = "123456789012"


def _with_exclusion(mode: str, exclusion: dict[str, Any]) -> dict[str, Any]:
    snap = healthy()
    body = region(snap)
    body["VpcBlockPublicAccessOptions"] = [
        {
            "AwsAccountId": ACCOUNT,
            "AwsRegion": "us-east-1",
            "State": "update-complete",
            "InternetGatewayBlockMode": mode,
            "ExclusionsAllowed": "allowed",
        }
    ]
    body["VpcBlockPublicAccessExclusions"] = [
        {
            "ExclusionId": "exclusion-0",
            "ResourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/subnet-public",
            **exclusion,
        }
    ]
    return snap


def _setting(mode: str, *exclusions: BpaExclusion) -> BlockPublicAccess:
    by_resource: dict[str, tuple[BpaExclusion, ...]] = {}
    for e in exclusions:
        by_resource[e.resource_id] = (*by_resource.get(e.resource_id, ()), e)
    return BlockPublicAccess("us-east-1", mode, "update-complete", True, by_resource)


def _evaluate(mode: str, *exclusions: BpaExclusion) -> tuple[Status, str]:
    """BPA's verdict on traffic from subnet-a (in vpc-a) through igw-1, no NAT gateway."""
    return evaluate(_setting(mode, *exclusions), "igw-1", "subnet-a", "vpc-a", None)


@pytest.mark.parametrize("state", ["update-in-progress", "update-failed"])
def test_ingress_exclusion_being_changed_to_egress_may_still_be_bidirectional(state):
    """block-ingress ignores allow-egress, but an exclusion being changed (or whose change failed)
    may still be in force as allow-bidirectional: the public-IP task may get its replies."""
    snap = _with_exclusion(
        "block-ingress",
        {"InternetGatewayExclusionMode": "allow-egress", "State": state},
    )
    result = trace(snap, "subnet-public", public=True)
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.BPA_UNKNOWN}
    assert state in result.reason and "exclusion-0" in result.reason


@pytest.mark.parametrize("state", ["create-complete", "update-complete", "create-in-progress"])
def test_ingress_exclusion_settled_in_egress_mode_still_blocks(state):
    """Only a change of mode leaves the mode open: a settled or new allow-egress exclusion is
    allow-egress, which block-ingress ignores."""
    snap = _with_exclusion(
        "block-ingress",
        {"InternetGatewayExclusionMode": "allow-egress", "State": state},
    )
    result = trace(snap, "subnet-public", public=True)
    assert result.verdict is Verdict.UNREACHABLE
    assert codes(result) == {CheckCode.BPA_BLOCKED}


def test_exclusion_without_a_mode_is_unknown_not_blocked():
    """A hand-written exclusion with no InternetGatewayExclusionMode: its mode is missing data."""
    snap = _with_exclusion("block-bidirectional", {"State": "create-complete"})
    result = trace(snap, "subnet-private")
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.BPA_UNKNOWN}
    assert "exclusion-0" in result.reason and "mode" in result.reason


def test_exclusion_with_a_mode_aws_does_not_document_is_unknown():
    status, reason = _evaluate(
        "block-bidirectional", BpaExclusion("x", "subnet-a", "allow-everything", "create-complete")
    )
    assert status is Status.UNKNOWN
    assert "'allow-everything'" in reason


def test_an_exclusion_in_force_decides_over_another_of_the_same_resource_whose_mode_is_open():
    status, _ = _evaluate(
        "block-ingress",
        BpaExclusion("x", "subnet-a", "allow-egress", "update-in-progress"),
        BpaExclusion("y", "subnet-a", "allow-bidirectional", "create-complete"),
    )
    assert status is Status.PASS


@pytest.mark.parametrize(
    ("subnet_mode", "subnet_state", "vpc_mode"),
    [
        ("allow-egress", "create-complete", "allow-bidirectional"),  # the subnet's may win: blocked
        ("allow-bidirectional", "update-complete", "allow-egress"),  # the VPC's may win: blocked
        ("allow-egress", "update-in-progress", "allow-bidirectional"),  # the subnet's mode is open
    ],
)
def test_a_subnet_and_its_vpc_excluded_in_modes_that_disagree_is_unknown(subnet_mode, subnet_state, vpc_mode):
    """AWS documents exclusions of subnets and of VPCs, not which one applies to a subnet that has
    both: where one lets the traffic through and the other may not, the verdict is not known."""
    status, reason = _evaluate(
        "block-ingress",
        BpaExclusion("x", "subnet-a", subnet_mode, subnet_state),
        BpaExclusion("y", "vpc-a", vpc_mode, "create-complete"),
    )
    assert status is Status.UNKNOWN
    assert "AWS does not document which of a subnet's and its VPC's exclusions applies" in reason


def test_a_subnet_and_its_vpc_excluded_in_modes_that_agree_decide():
    # block-bidirectional: both modes let egress through, whichever applies.
    status, _ = _evaluate(
        "block-bidirectional",
        BpaExclusion("x", "subnet-a", "allow-egress", "create-complete"),
        BpaExclusion("y", "vpc-a", "allow-bidirectional", "update-complete"),
    )
    assert status is Status.PASS
    # A deleted exclusion of the VPC is no rival.
    status, _ = _evaluate(
        "block-ingress",
        BpaExclusion("x", "subnet-a", "allow-bidirectional", "create-complete"),
        BpaExclusion("y", "vpc-a", "allow-egress", "delete-complete"),
    )
    assert status is Status.PASS


def test_disagreeing_exclusions_through_the_whole_trace():
    snap = _with_exclusion(
        "block-ingress", {"InternetGatewayExclusionMode": "allow-bidirectional", "State": "create-complete"}
    )
    region(snap)["VpcBlockPublicAccessExclusions"].append(
        {
            "ExclusionId": "exclusion-1",
            "ResourceArn": f"arn:aws:ec2:us-east-1:{ACCOUNT}:vpc/vpc-app",
            "InternetGatewayExclusionMode": "allow-egress",
            "State": "create-complete",
        }
    )
    result = trace(snap, "subnet-public", public=True)
    assert result.verdict is Verdict.UNKNOWN
    assert codes(result) == {CheckCode.BPA_UNKNOWN}
    assert "exclusion-0" in result.reason and "exclusion-1" in result.reason


def test_an_exclusion_gone_for_good_stays_ignored_whatever_its_mode():
    status, _ = _evaluate("block-bidirectional", BpaExclusion("x", "subnet-a", "", "delete-complete"))
    assert status is Status.FAIL


# -- a region that describes half of BPA -----------------------------------------------------------
# docs/snapshot-format.md: only a region with *neither* BPA key is read as BPA off; a missing key
# means "not collected", never "none exist".
def _options_missing(exclusions: list[dict[str, Any]] | None, error: str | None = None) -> dict[str, Any]:
    snap = healthy()
    body = region(snap)
    if exclusions is not None:
        body["VpcBlockPublicAccessExclusions"] = exclusions
    if error is not None:
        body["Errors"] = {"VpcBlockPublicAccessExclusions": error}
    return snap


@pytest.mark.parametrize(
    ("exclusions", "error"),
    [([], None), (None, "AccessDenied: no")],
    ids=["exclusions-collected", "exclusions-failed"],
)
def test_options_missing_beside_its_exclusions_is_unknown_not_bpa_off(exclusions, error):
    for result in (trace(_options_missing(exclusions, error), "subnet-private"),
                   trace(_options_missing(exclusions, error), "subnet-public", public=True)):  # fmt: skip
        assert result.verdict is Verdict.UNKNOWN
        assert codes(result) == {CheckCode.BPA_UNKNOWN}
        assert "VpcBlockPublicAccessOptions" in result.reason and "not in the snapshot" in result.reason


def test_a_region_with_neither_bpa_key_is_still_read_as_off():
    result = trace(healthy(), "subnet-private")
    assert result.verdict is Verdict.REACHABLE
