"""The Route 53 Profiles collector: one paginated ListProfileAssociations per region, its items
verbatim under ``Route53ProfileAssociations``, a failure under that kind in ``Errors``; read-only;
and moto, which has no route53profiles at all, taught (``demo.moto_profiles``) or not."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import backend_index

from fargate_netcheck.collect import collect
from fargate_netcheck.collect.iam import policy_document
from fargate_netcheck.collect.profiles import KIND, SERVICE, collect_profiles
from fargate_netcheck.collect.session import ReadOnlyViolation, client, is_read_only, make_session
from fargate_netcheck.core.model import Verdict
from fargate_netcheck.demo import moto_profiles
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.collection import UNSUPPORTED_PREFIX, is_failure
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.trace.dns import resolve
from fargate_netcheck.trace.dns_inputs import dns_inputs

REGION = "us-east-1"
ECR = f"api.ecr.{REGION}.amazonaws.com"
CREATED = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def association(n: int, vpc: str) -> dict[str, Any]:
    return {
        "Id": f"rpassoc-{n}",
        "ProfileId": "rp-hub",
        "ResourceId": vpc,
        "Status": "COMPLETE",
        "OwnerId": "111122223333",
        "Name": f"hub-{n}",
        "CreationTime": CREATED,
    }


@pytest.fixture
def stubbed() -> Any:
    made = client(make_session(None), SERVICE, REGION)
    with Stubber(made) as stubber:
        yield made, stubber
        stubber.assert_no_pending_responses()


def test_every_page_is_stored_verbatim_from_one_listing_for_the_region(stubbed):
    made, stubber = stubbed
    # One listing for the whole region: no ResourceId filter, the second page by its token.
    stubber.add_response(
        "list_profile_associations", {"ProfileAssociations": [association(1, "vpc-a")], "NextToken": "t"}, {}
    )
    stubber.add_response(
        "list_profile_associations", {"ProfileAssociations": [association(2, "vpc-b")]}, {"NextToken": "t"}
    )

    items, errors = collect_profiles(made)

    assert errors == {}
    assert items == {
        "Route53ProfileAssociations": [
            {**association(n, vpc), "CreationTime": CREATED.isoformat()}
            for n, vpc in ((1, "vpc-a"), (2, "vpc-b"))
        ]
    }


def test_a_denied_listing_is_recorded_under_the_kind_and_leaves_it_out(stubbed):
    made, stubber = stubbed
    stubber.add_client_error(
        "list_profile_associations", "AccessDeniedException", "not authorized", http_status_code=403
    )
    items, errors = collect_profiles(made)
    assert items == {}
    assert errors == {"Route53ProfileAssociations": "AccessDeniedException: not authorized"}


def test_a_failure_on_the_second_page_keeps_nothing_of_the_first(stubbed):
    made, stubber = stubbed
    stubber.add_response(
        "list_profile_associations", {"ProfileAssociations": [association(1, "vpc-a")], "NextToken": "t"}
    )
    stubber.add_client_error("list_profile_associations", "ThrottlingException", "slow down", 400)
    items, errors = collect_profiles(made)
    assert items == {} and errors["Route53ProfileAssociations"].startswith("ThrottlingException")


def test_an_endpoint_without_the_api_is_unsupported_and_still_a_failure(stubbed):
    """Where the service does not answer the action, no Profile is *not* assumed: the names of the
    region's VPCs stay unknown (unlike BPA, whose absence is itself the answer)."""
    made, stubber = stubbed
    stubber.add_client_error("list_profile_associations", "UnsupportedOperation", "no such API", 400)
    items, errors = collect_profiles(made)
    message = errors["Route53ProfileAssociations"]
    assert items == {} and message == f"{UNSUPPORTED_PREFIX}UnsupportedOperation: no such API"
    assert is_failure("Route53ProfileAssociations", message)


def test_an_item_without_its_id_is_an_unexpected_shape(stubbed):
    made, stubber = stubbed
    item = association(1, "vpc-a")
    del item["Id"]
    stubber.add_response("list_profile_associations", {"ProfileAssociations": [item]})
    items, errors = collect_profiles(made)
    assert items == {}
    assert errors["Route53ProfileAssociations"].startswith("UnexpectedShape: ListProfileAssociations")


def test_the_listing_is_in_the_policy_and_no_write_of_the_service_passes_the_guard():
    assert KIND.iam_action in policy_document()["Statement"][0]["Action"]
    assert is_read_only(SERVICE, "ListProfileAssociations")
    operations = client(make_session(None), SERVICE, REGION).meta.service_model.operation_names
    writes = [op for op in operations if not op.startswith(("Get", "List"))]
    assert "AssociateProfile" in writes and "DisassociateProfile" in writes
    assert not any(is_read_only(SERVICE, op) for op in writes)


def test_a_write_is_refused_before_it_is_sent(moto):
    made = client(make_session(None), SERVICE, REGION)
    sent: list[str] = []
    made.meta.events.register_first("before-send", lambda request, **_: sent.append(request.url))
    made.list_profile_associations()  # the taught moto answers: the recorder sees what leaves
    with pytest.raises(ReadOnlyViolation, match="route53profiles:AssociateProfile refused"):
        made.associate_profile(Name="x", ProfileId="rp-1", ResourceId="vpc-1")
    assert len(sent) == 1


# -- moto ----------------------------------------------------------------------------------------
def _vpcs(n: int) -> list[str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    return [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(n)]


def test_taught_moto_answers_no_profile_with_one_call_for_the_region(moto):
    assert moto_profiles.install() == []  # the suite's conftest taught it already: idempotent
    _vpcs(3)
    snapshot, calls = collect([REGION])
    body = snapshot["regions"][REGION]
    assert body["Route53ProfileAssociations"] == [] and "Route53ProfileAssociations" not in body["Errors"]
    assert calls.counts["route53profiles:ListProfileAssociations"] == 1


@pytest.fixture
def untaught(monkeypatch: pytest.MonkeyPatch, moto: None) -> None:
    """moto as it is: no route host for route53profiles (undone after the test)."""
    kept = [
        (s, p)
        for s, p in backend_index.backend_url_patterns
        if not re.match(p, "https://route53profiles.x.amazonaws.com")
    ]
    monkeypatch.setattr(backend_index, "backend_url_patterns", kept)


def test_untaught_moto_is_a_failure_and_the_names_are_unknown(untaught):
    (vpc,) = _vpcs(1)
    snapshot, _ = collect([REGION])
    body = snapshot["regions"][REGION]
    assert "Route53ProfileAssociations" not in body
    assert body["Errors"]["Route53ProfileAssociations"].startswith("404: ")
    graph = build_graph(parse_snapshot(snapshot, "moto"))
    decision = resolve(ECR, dns_inputs(graph, vpc))
    assert decision.verdict is Verdict.UNKNOWN and decision.missing
    assert "Route53ProfileAssociations could not be collected" in decision.reason


def test_teaching_through_route53resolvers_tables_leaves_route53resolver_working(moto):
    resolver = boto3.client("route53resolver", region_name=REGION)
    assert resolver.list_resolver_rules()["ResolverRules"] == []
    assert resolver.list_firewall_configs()["FirewallConfigs"] == []
    assert boto3.client(SERVICE, region_name=REGION).list_profile_associations()["ProfileAssociations"] == []
