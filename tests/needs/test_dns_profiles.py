"""Name resolution in a VPC associated with a Route 53 Profile (``dns.resolve``): the Profile's
private zones, Resolver rules and DNS Firewall rule groups apply to the VPC and are not collected,
so every name is ``unknown``, never "resolves through public DNS"."""

from __future__ import annotations

import pytest

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_decision import DnsInputs

ECR = "api.ecr.us-east-1.amazonaws.com"
VPC = "vpc-app"


def association(status: str | None = "COMPLETE", resource: str = VPC, **extra: str) -> dict:
    item = {
        "Id": "rpassoc-1",
        "ProfileId": "rp-hub",
        "ResourceId": resource,
        "OwnerId": "111122223333",
        "Name": "hub-dns",
        **extra,
    }
    if status is not None:
        item["Status"] = status
    return item


def inputs(associations: list[dict] | None, **kw) -> DnsInputs:
    return DnsInputs(vpc_id=VPC, primary_cidr="10.0.0.0/16", profile_associations=associations, **kw)


def test_a_vpc_without_a_profile_association_resolves_through_public_dns():
    decision = resolve(ECR, inputs([]))
    assert (decision.verdict, decision.answer) == (Verdict.REACHABLE, "public")


def test_a_profile_association_makes_the_name_unknown_naming_profile_and_association():
    decision = resolve(ECR, inputs([association()]))
    assert decision.verdict is Verdict.UNKNOWN
    assert decision.at == "rp-hub"
    assert not decision.missing  # the association was read: what it adds is not, which DNS003 says
    assert "VPC vpc-app uses Route 53 Profile rp-hub (association rpassoc-1, COMPLETE" in decision.reason
    assert "111122223333" in decision.reason and ECR in decision.reason


@pytest.mark.parametrize("status", ["COMPLETE", "CREATING", "UPDATING", "DELETING", None, "SOMETHING_NEW"])
def test_an_association_that_may_be_in_force_is_unknown(status):
    assert resolve(ECR, inputs([association(status)])).verdict is Verdict.UNKNOWN


@pytest.mark.parametrize("status", ["FAILED", "DELETED", "failed"])
def test_a_failed_or_deleted_association_applies_nothing(status):
    assert resolve(ECR, inputs([association(status)])).verdict is Verdict.REACHABLE


def test_another_vpcs_association_does_not_apply():
    assert resolve(ECR, inputs([association(resource="vpc-other")])).verdict is Verdict.REACHABLE


def test_the_vpc_named_by_its_arn_is_the_vpc():
    arn = f"arn:aws:ec2:us-east-1:123456789012:vpc/{VPC}"
    assert resolve(ECR, inputs([association(resource=arn)])).verdict is Verdict.UNKNOWN
    other = "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-other"
    assert resolve(ECR, inputs([association(resource=other)])).verdict is Verdict.REACHABLE


def test_the_profile_comes_before_the_vpcs_own_dns_firewall():
    """The Profile's rule groups are evaluated with the VPC's own by priority: its ALLOW may come
    first, so a BLOCK of the VPC's own does not decide either."""
    rule = {"Name": "block", "Priority": 1, "Action": "BLOCK", "FirewallDomainListId": "fdl-1"}
    decision = resolve(
        ECR,
        inputs(
            [association()],
            firewall_associations=[{"VpcId": VPC, "FirewallRuleGroupId": "frg-1", "Priority": 101}],
            firewall_groups={"frg-1": {"Id": "frg-1", "FirewallRules": [rule]}},
            domain_lists={"fdl-1": {"Id": "fdl-1", "Domains": ["*"]}},
        ),
    )
    assert decision.verdict is Verdict.UNKNOWN and "rp-hub" in decision.reason


def test_dns_support_off_still_resolves_nothing_with_a_profile():
    decision = resolve(ECR, inputs([association()], dns_support=False))
    assert decision.verdict is Verdict.UNREACHABLE and "EnableDnsSupport" in decision.reason


def test_associations_not_collected_leave_the_answer_unknown_with_the_reason():
    why = "Route53ProfileAssociations could not be collected in us-east-1: AccessDeniedException: no"
    decision = resolve(ECR, inputs(None, gaps={"Route53ProfileAssociations": why}))
    assert decision.verdict is Verdict.UNKNOWN and decision.missing
    assert decision.reason.startswith(why) and "Route 53 Profile" in decision.reason
