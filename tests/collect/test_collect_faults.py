"""One bad answer from one endpoint is one recorded failure: an answer without the list it
documents, a NextToken that never ends, an answer botocore cannot parse or whose items lack their
ids, a call past the region's deadline. Each is recorded in ``Errors`` under the kind that needs it
(so its verdicts are unknown, never "none found"), and the rest of the region is collected."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from collect.aws_hooks import _Body
from collect.stubs import queue_kinds

from fargate_netcheck.collect import _calls
from fargate_netcheck.collect._calls import TIMED_OUT, Job, paginate_tokens, run_jobs
from fargate_netcheck.collect.ec2 import KINDS, Kind, collect_region
from fargate_netcheck.collect.network_firewall import (
    FIREWALLS,
    POLICIES,
    RULE_GROUPS,
    collect_network_firewall,
)
from fargate_netcheck.collect.profiles import KIND as PROFILES
from fargate_netcheck.collect.profiles import SERVICE as PROFILES_SERVICE
from fargate_netcheck.collect.profiles import collect_profiles
from fargate_netcheck.collect.resolver import KINDS as RESOLVER_KINDS
from fargate_netcheck.collect.resolver import collect_resolver
from fargate_netcheck.collect.route53 import collect_hosted_zones
from fargate_netcheck.collect.session import client, make_session
from fargate_netcheck.core.call_settings import CallSettings

REGION = "us-east-1"
VPC = "vpc-0123456789abcdef0"
ROUTE53_NS = 'xmlns="https://route53.amazonaws.com/doc/2013-04-01/"'
ZONE = "<Name>a.internal.</Name><CallerReference>c</CallerReference><Config><PrivateZone>true</PrivateZone></Config>"
NO_ZONES = f"<ListHostedZonesResponse {ROUTE53_NS}><HostedZones/><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"


@pytest.fixture
def make_client(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Any]:
    """A guarded client of a service, one attempt per call, whose endpoint refuses connections:
    every answer a test needs is given by a hook (nothing reaches AWS)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    return lambda service: client(make_session(None), service, REGION, settings=CallSettings(max_attempts=1))


def answer_raw(made: Any, bodies: dict[str, str], headers: dict[str, str] | None = None) -> None:
    """``made`` gets ``bodies[operation]`` as a 200 answer, parsed by botocore as AWS's would be."""
    service = made.meta.service_model.service_id.hyphenize()

    def handler(request: Any, event_name: str, **_: Any) -> AWSResponse:
        body = bodies[event_name.rsplit(".", 1)[-1]]
        return AWSResponse(request.url, 200, headers or {}, _Body(body.encode()))

    for operation in bodies:
        made.meta.events.register_first(f"before-send.{service}.{operation}", handler)


# --- an answer without its list is not "none" ------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_an_ec2_answer_without_its_list_is_recorded_never_read_as_none(
    stubbed: tuple[Any, Stubber], kind: Kind
) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, {kind.key: [{}]})

    region = collect_region(ec2, max_workers=1)

    assert kind.key not in region
    assert region["Errors"] == {
        kind.key: f"UnexpectedShape: {kind.operation}: the response has no {kind.result_key}"
    }


def test_a_json_answer_without_its_list_is_recorded_for_every_kind_it_leads_to(make_client) -> None:
    nfw = make_client("network-firewall")
    with Stubber(nfw) as stubber:
        stubber.add_response("list_firewalls", {})
        items, errors = collect_network_firewall(nfw, max_workers=1)

    assert items == {}
    assert errors == dict.fromkeys(
        (FIREWALLS, POLICIES, RULE_GROUPS), "UnexpectedShape: ListFirewalls: the response has no Firewalls"
    )


def test_a_private_zone_without_its_vpcs_is_recorded_not_dropped(make_client) -> None:
    r53 = make_client("route53")
    zone = {
        "Id": "/hostedzone/Z1",
        "Name": "a.internal.",
        "CallerReference": "c",
        "Config": {"PrivateZone": True},
    }
    with Stubber(r53) as stubber:
        stubber.add_response(
            "list_hosted_zones",
            {"HostedZones": [zone], "IsTruncated": False, "Marker": "", "MaxItems": "100"},
        )
        stubber.add_response("get_hosted_zone", {"HostedZone": zone}, {"Id": "/hostedzone/Z1"})
        stubber.add_response("list_hosted_zones_by_vpc", {"HostedZoneSummaries": [], "MaxItems": "100"})
        zones, errors = collect_hosted_zones(r53, {REGION: {VPC}}, lambda _: ["x.a.internal"], 1)

    assert zones == {}
    assert errors == {"HostedZones": "UnexpectedShape: GetHostedZone: the response has no VPCs"}


def test_a_vpc_attribute_answer_without_the_attribute_is_recorded(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, {"Vpcs": [{"Vpcs": [{"VpcId": VPC, "CidrBlock": "10.0.0.0/16"}]}]})
    stubber.add_response("describe_vpc_attribute", {"VpcId": VPC})
    stubber.add_response("describe_vpc_attribute", {"VpcId": VPC, "EnableDnsHostnames": {"Value": True}})

    region = collect_region(ec2, max_workers=1)

    assert "EnableDnsSupport" not in region["Vpcs"][0]
    assert region["Errors"] == {
        "VpcAttributes": f"UnexpectedShape: DescribeVpcAttribute: {VPC}: no EnableDnsSupport Value"
    }


# --- a NextToken that never ends ---------------------------------------------------------------


def test_a_paginator_whose_tokens_never_end_is_truncated(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_calls, "MAX_PAGES", 3, raising=False)
    ec2, stubber = stubbed
    queue_kinds(stubber, {"Vpcs": [{"Vpcs": [], "NextToken": f"t{n}"} for n in range(1, 5)]})

    region = collect_region(ec2, max_workers=1)

    assert "Vpcs" not in region
    assert region["Errors"] == {
        "Vpcs": "Truncated: DescribeVpcs: more than 3 pages (a NextToken that never ends?); "
        "the items so far are not the whole list"
    }


def test_hand_paging_whose_tokens_never_end_is_truncated(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_calls, "MAX_PAGES", 3, raising=False)
    ec2, stubber = stubbed
    key = "VpcBlockPublicAccessExclusions"
    queue_kinds(stubber, {key: [{key: [], "NextToken": f"t{n}"} for n in range(1, 4)]})

    region = collect_region(ec2, max_workers=1)

    assert key not in region
    assert region["Errors"][key].startswith(
        "Truncated: DescribeVpcBlockPublicAccessExclusions: more than 3 pages"
    )


class EndlessExclusions:
    """A client whose DescribeVpcBlockPublicAccessExclusions answers a new NextToken each page
    (after ``cap`` pages it stops, so that a test of code that would never stop still ends)."""

    def __init__(self, cap: int = 300) -> None:
        self.pages, self.cap, self.lock = 0, cap, threading.Lock()

    def describe_vpc_block_public_access_exclusions(self, **_: Any) -> dict[str, Any]:
        time.sleep(0.005)
        with self.lock:
            self.pages += 1
            more = self.pages < self.cap
        return {"VpcBlockPublicAccessExclusions": [], **({"NextToken": f"t{self.pages}"} if more else {})}


def _exclusions_job(endless: EndlessExclusions, error_key: str) -> Job:
    operation, key = "DescribeVpcBlockPublicAccessExclusions", "VpcBlockPublicAccessExclusions"
    return Job(error_key, partial(paginate_tokens, endless, operation, key), lambda _: None)


def test_paging_past_the_deadline_stops_and_is_recorded_as_timed_out() -> None:
    endless = EndlessExclusions()
    errors: dict[str, str] = {}

    run_jobs([_exclusions_job(endless, "A")], errors, 1, time.monotonic() + 0.1)

    assert errors == {"A": TIMED_OUT}
    assert endless.pages < endless.cap


def test_a_worker_abandoned_at_the_deadline_stops_paging() -> None:
    endless = EndlessExclusions()
    errors: dict[str, str] = {}

    run_jobs([_exclusions_job(endless, k) for k in "AB"], errors, 2, time.monotonic() + 0.1)
    time.sleep(0.1)  # a page in flight at the deadline ends
    after_return = endless.pages
    time.sleep(0.2)

    assert errors == {"A": TIMED_OUT, "B": TIMED_OUT}
    assert endless.pages == after_return  # no worker is still paging


# --- an answer botocore cannot parse, or whose items lack their ids ----------------------------


def test_an_unparseable_list_of_firewalls_is_recorded_for_the_three_kinds(make_client) -> None:
    nfw = make_client("network-firewall")
    answer_raw(
        nfw, {"ListFirewalls": '{"Firewalls": "not-a-list"}'}, {"Content-Type": "application/x-amz-json-1.0"}
    )

    items, errors = collect_network_firewall(nfw, max_workers=1)

    assert items == {}
    assert set(errors) == {FIREWALLS, POLICIES, RULE_GROUPS}
    assert errors[FIREWALLS].startswith("UnexpectedShape: ListFirewalls: the response could not be parsed")


@pytest.mark.parametrize(
    ("bodies", "recorded"),
    [
        pytest.param(
            {
                "ListHostedZones": f"<ListHostedZonesResponse {ROUTE53_NS}><HostedZones><HostedZone><Id>/hostedzone/Z1</Id>{ZONE}"
                "<ResourceRecordSetCount>many</ResourceRecordSetCount></HostedZone></HostedZones>"
                "<IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"
            },
            "UnexpectedShape: ListHostedZones: the response could not be parsed (ValueError: ",
            id="a-count-that-is-no-number",
        ),
        pytest.param(
            {
                "ListHostedZones": f"<ListHostedZonesResponse {ROUTE53_NS}><HostedZones><HostedZone>{ZONE}</HostedZone>"
                "</HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesResponse>"
            },
            "UnexpectedShape: ListHostedZones: HostedZones[0] has no Id",
            id="a-zone-without-its-id",
        ),
        pytest.param(
            {
                "ListHostedZones": NO_ZONES,
                "ListHostedZonesByVPC": f"<ListHostedZonesByVPCResponse {ROUTE53_NS}><HostedZoneSummaries>"
                "<HostedZoneSummary><Name>hub.internal.</Name><Owner><OwningAccount>999999999999</OwningAccount>"
                "</Owner></HostedZoneSummary></HostedZoneSummaries><MaxItems>100</MaxItems></ListHostedZonesByVPCResponse>",
            },
            "UnexpectedShape: ListHostedZonesByVPC: HostedZoneSummaries[0] has no HostedZoneId",
            id="a-summary-without-its-zone-id",
        ),
    ],
)
def test_a_malformed_zone_listing_is_recorded_as_hosted_zones(
    make_client, bodies: dict[str, str], recorded: str
) -> None:
    r53 = make_client("route53")
    answer_raw(r53, bodies)

    zones, errors = collect_hosted_zones(r53, {REGION: {VPC}}, lambda _: [], 1)

    assert zones == {}
    assert list(errors) == ["HostedZones"] and errors["HostedZones"].startswith(recorded)


def test_a_parse_error_of_any_type_is_recorded_not_raised(make_client) -> None:
    """botocore raises RuntimeError for a timestamp it cannot place (here: infinity)."""
    profiles = make_client(PROFILES_SERVICE)
    answer_raw(
        profiles, {"ListProfileAssociations": '{"ProfileAssociations": [{"Id": "a", "CreationTime": 1e400}]}'}
    )

    items, errors = collect_profiles(profiles)

    assert items == {}
    assert errors[PROFILES.key].startswith(
        "UnexpectedShape: ListProfileAssociations: the response could not be parsed (RuntimeError: "
    )


def _routes_to(target: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    table = {"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", **target}]}
    return {"RouteTables": [{"RouteTables": [table]}]}


def test_an_eni_without_its_id_is_recorded_and_the_region_collected(stubbed: tuple[Any, Stubber]) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, _routes_to({"NetworkInterfaceId": "eni-1"}))
    stubber.add_response("describe_network_interfaces", {"NetworkInterfaces": [{"Status": "in-use"}]})

    region = collect_region(ec2, max_workers=1)

    assert "NetworkInterfaces" not in region and "Instances" not in region
    assert region["Errors"] == {
        "NetworkInterfaces": "UnexpectedShape: DescribeNetworkInterfaces: NetworkInterfaces[0] has no NetworkInterfaceId"
    }
    assert region["RouteTables"][0]["RouteTableId"] == "rtb-1"


def test_an_instance_without_its_id_is_recorded_and_the_region_collected(
    stubbed: tuple[Any, Stubber],
) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, _routes_to({"InstanceId": "i-1"}))
    stubber.add_response("describe_network_interfaces", {"NetworkInterfaces": []})
    stubber.add_response(
        "describe_instances", {"Reservations": [{"Instances": [{"State": {"Name": "running"}}]}]}
    )

    region = collect_region(ec2, max_workers=1)

    assert "Instances" not in region and region["NetworkInterfaces"] == []
    assert region["Errors"] == {
        "Instances": "UnexpectedShape: DescribeInstances: Instances[0] has no InstanceId"
    }


# --- the region's deadline covers the need kinds ----------------------------------------------


def _timed_out(keys: Any) -> dict[str, str]:
    return dict.fromkeys(keys, TIMED_OUT)


@pytest.mark.parametrize(
    ("service", "collect", "recorded"),
    [
        ("network-firewall", collect_network_firewall, _timed_out((FIREWALLS, POLICIES, RULE_GROUPS))),
        ("route53resolver", collect_resolver, _timed_out(k.key for k in RESOLVER_KINDS)),
        (PROFILES_SERVICE, collect_profiles, _timed_out([PROFILES.key])),
        (
            "route53",
            lambda made, workers, deadline_s: collect_hosted_zones(
                made, {REGION: {VPC}}, lambda _: [], workers, deadline_s
            ),
            _timed_out(["HostedZones"]),
        ),
    ],
    ids=["network-firewall", "resolver", "profiles", "route53"],
)
def test_calls_unfinished_at_the_deadline_are_recorded_as_timed_out(
    make_client, service: str, collect: Callable[..., Any], recorded: dict[str, str]
) -> None:
    made = make_client(service)

    def slow(**_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        time.sleep(1.0)
        return AWSResponse("http://127.0.0.1:9", 200, {}, None), {}

    made.meta.events.register_first("before-call", slow)
    started = time.monotonic()

    items, errors = collect(made, 8, deadline_s=0.2)

    assert time.monotonic() - started < 0.8  # not the slow call's time
    assert errors == recorded
    assert items == {}
