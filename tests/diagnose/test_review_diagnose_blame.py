"""Review of `diagnose`: a stopped reason read as the wrong cause, a path walked to the wrong region's
service, and hostile text in the reason."""

from __future__ import annotations

from endpoint_snapshots import with_endpoints

from fargate_netcheck.core.model import Verdict
from fargate_netcheck.diagnose.facts import TaskFacts
from fargate_netcheck.diagnose.run import report_for
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.stop_reason import classify
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Tracer
from fargate_netcheck.trace.service_path import path_to_service

ECR_EU = "123456789012.dkr.ecr.eu-central-1.amazonaws.com"
CROSS_REGION_PULL = (
    f'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "{ECR_EU}/app:v1": '
    f'failed to do request: Head "https://{ECR_EU}/v2/app/manifests/v1": dial tcp 3.120.1.1:443: i/o timeout'
)
CROSS_REGION_LOGS = (
    "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed "
    'to create Cloudwatch log stream: RequestError: send request failed caused by: Post "https://logs.eu-west-1.'
    'amazonaws.com/": dial tcp 52.95.1.1:443: i/o timeout : exit status 1'
)
DOCKER_AUTH_TIMEOUT = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
    "docker.io/library/nginx:latest: failed to authorize: failed to fetch anonymous token: Get "
    '"https://auth.docker.io/token?scope=repository%3Alibrary%2Fnginx%3Apull&service=registry.docker.io": '
    "dial tcp 3.216.34.172:443: i/o timeout"
)
REFUSED = (
    'CannotPullContainerError: failed to do request: Head "https://registry.example.com/v2/app/manifests/1": '
    "dial tcp 198.18.0.9:443: connect: connection refused"
)


def diagnose(snap: dict, reason: str, subnet: str = "subnet-isolated"):
    parsed = parse_snapshot(snap, "test")
    facts = TaskFacts(None, reason, "TaskFailedToStart", [], (subnet,), ("sg-open",), False)
    return report_for(facts, parsed, build_graph(parsed)).diagnosis


# -- the wrong cause ------------------------------------------------------------------------------
def test_a_docker_hub_token_fetch_that_timed_out_is_network_not_missing_credentials():
    found = classify(DOCKER_AUTH_TIMEOUT, "TaskFailedToStart")
    assert (found.name, found.cause) == ("timeout", "network")
    assert found.service is not None and found.service.key == "docker-hub"
    assert "3.216.34.172:443" in found.what and "repositoryCredentials" not in found.fix


def test_a_registry_that_refused_the_token_with_401_is_still_permissions():
    found = classify(
        "CannotPullContainerError: failed to resolve ref docker.io/acme/app:1: failed to authorize: failed to fetch "
        'oauth token: unexpected status from POST request to "https://auth.docker.io/token": 401 Unauthorized'
    )
    assert (found.name, found.cause) == ("registry-unauthorized", "permissions")


def test_a_refused_connection_is_a_network_failure_not_an_unexplained_pull():
    found = classify(REFUSED, "TaskFailedToStart")
    assert found.cause == "network"
    assert "198.18.0.9:443" in found.what and "refused" in found.what
    assert "timed out" not in found.what


def test_the_fargate_spot_interruption_reason_alone_is_capacity():
    """``--reason`` without ``--stop-code``: ECS's own words for a Spot interruption."""
    assert classify("Your Spot Task was interrupted.").cause == "capacity"


# -- the wrong region -----------------------------------------------------------------------------
def test_an_ecr_in_another_region_is_not_pulled_through_this_regions_endpoints():
    """The VPC's ecr endpoints and S3 gateway endpoint serve us-east-1 only: a pull from eu-central-1
    goes to the internet, which subnet-isolated has no way to."""
    d = diagnose(with_endpoints("ecr.api", "ecr.dkr", s3=True), CROSS_REGION_PULL)
    assert (d.cause, d.verdict, d.blocked_at) == ("network", "unreachable", "rtb-main")
    assert "eu-central-1" in d.explanation


def test_an_ecr_in_another_region_is_walked_to_that_regions_addresses():
    snap = with_endpoints()
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, "test", "subnet-private", ("sg-open",), False)
    result = path_to_service(Tracer(g), target, "ecr.dkr", "ECR", region="eu-central-1")
    assert "addresses in eu-central-1" in result.reason and "addresses in us-east-1" not in result.reason
    assert result.via == "internet"


def test_logs_in_another_region_do_not_go_through_this_regions_logs_endpoint():
    d = diagnose(with_endpoints("logs"), CROSS_REGION_LOGS)
    assert (d.cause, d.verdict, d.blocked_at) == ("network", "unreachable", "rtb-main")


def test_a_cross_region_endpoint_of_the_vpc_is_not_guessed_either_way():
    snap = with_endpoints("logs")
    for endpoint in snap["regions"]["us-east-1"]["VpcEndpoints"]:
        endpoint["ServiceName"] = "com.amazonaws.eu-central-1.ecr.dkr"
    d = diagnose(snap, CROSS_REGION_PULL)
    assert d.verdict == Verdict.UNKNOWN.value


def test_the_tasks_own_region_still_uses_its_endpoints():
    same = CROSS_REGION_LOGS.replace("eu-west-1", "us-east-1")
    d = diagnose(with_endpoints("logs"), same)
    assert d.verdict == "reachable"


# -- hostile text -----------------------------------------------------------------------------------
def test_control_characters_of_the_reason_never_reach_the_headline():
    hostile = "CannotPullContainerError: boom\nFAKE: all good \x1b[31mred\x1b[0m\u202e"
    d = diagnose(with_endpoints(), hostile, "subnet-private")
    for text in (d.headline, d.explanation):
        assert "\n" not in text and "\x1b" not in text and "\u202e" not in text
        assert "boom" in text
