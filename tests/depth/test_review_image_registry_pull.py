"""The ECR pull walks the registry each image comes from (``image:`` needs from the task
definition), not always ECR of the task's region."""

from __future__ import annotations

from typing import Any

from depth.builders import endpoints_only, https_rule, interface_endpoint, nat_with_endpoints
from snapshots import region

from fargate_netcheck.collect.ecs import service_network
from fargate_netcheck.core.image_registry import image_need
from fargate_netcheck.core.model import CheckCode, TargetResult, Verdict
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.iac.task_needs import container_images
from fargate_netcheck.targets.subnets import make_target
from fargate_netcheck.trace import Destination, TraceOptions, Tracer, trace_targets

TASK = ("sg-task",)
DOCKER_HUB = "image:internet:registry-1.docker.io:443"
SOURCE = "ecs-service:jobs/worker"


def _results(
    snap: dict[str, Any], subnet: str, groups: tuple[str, ...], *needs: tuple[str, ...]
) -> list[TargetResult]:
    g = build_graph(parse_snapshot(snap))
    targets = [make_target(g, f"{SOURCE}{i}", subnet, groups, False, needs=n) for i, n in enumerate(needs)]
    options = TraceOptions(destinations=(Destination.of("0.0.0.0/0"),), ports=(443,))
    return trace_targets(g, targets, options)


def _pull(snap: dict[str, Any], subnet: str, groups: tuple[str, ...], needs: tuple[str, ...]) -> Any:
    pull = _results(snap, subnet, groups, needs)[0].ecr_pull
    assert pull is not None
    return pull


def test_docker_hub_image_behind_ecr_endpoints_without_nat_cannot_be_pulled():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, (DOCKER_HUB,))
    assert (pull.verdict, pull.via) == (Verdict.UNREACHABLE, "internet")
    assert "docker.io" in pull.reason


def test_ecr_public_is_not_served_by_the_ecr_endpoints():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, (image_need("public.ecr.aws/nginx/nginx:latest"),))
    assert (pull.verdict, pull.via) == (Verdict.UNREACHABLE, "internet")


def test_ecr_of_another_region_does_not_go_through_this_regions_endpoints():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, ("image:ecr:eu-west-1",))
    assert (pull.verdict, pull.via) == (Verdict.UNREACHABLE, "internet")
    assert "ECR of eu-west-1" in pull.reason


def test_ecr_of_another_region_with_a_cross_region_endpoint_is_unknown():
    snap = endpoints_only()
    cross = interface_endpoint("vpce-x", "vpc-private", "ecr.dkr", ["subnet-endpoints-a"], "sg-endpoints")
    cross["ServiceName"] = "com.amazonaws.eu-west-1.ecr.dkr"
    region(snap)["VpcEndpoints"].append(cross)
    # the walk of the pull itself does not guess through the cross-region endpoint...
    g = build_graph(parse_snapshot(snap))
    target = make_target(g, SOURCE, "subnet-app-a", TASK, False, needs=("image:ecr:eu-west-1",))
    walked = Tracer(g, TraceOptions()).ecr_pull(target)
    assert (walked.verdict, walked.blocked_at) == (Verdict.UNKNOWN, None)
    assert "vpce-x" in walked.reason
    # ...and eu-west-1's ECR API, which no endpoint serves here, is needed by name: no internet, so
    # the pull cannot get its auth token
    pull = _pull(snap, "subnet-app-a", TASK, ("image:ecr:eu-west-1",))
    assert pull.verdict is Verdict.UNREACHABLE and "api.ecr.eu-west-1" in pull.reason


def test_docker_hub_image_takes_the_nat_even_when_the_ecr_endpoints_refuse_the_task():
    # the endpoint group admits nothing: an ECR image could not be pulled, a Docker Hub one can (the
    # pull walk itself; the target's ECR needs by name still go to the endpoints: see the report)
    g = build_graph(parse_snapshot(nat_with_endpoints([https_rule("10.9.9.0/24")])))
    tracer = Tracer(g, TraceOptions())
    ecr = make_target(g, SOURCE, "subnet-private", ("sg-open",), False)
    hub = make_target(g, SOURCE, "subnet-private", ("sg-open",), False, needs=(DOCKER_HUB,))
    assert tracer.ecr_pull(ecr).verdict is Verdict.UNREACHABLE
    pull = tracer.ecr_pull(hub)
    assert (pull.verdict, pull.via) == (Verdict.REACHABLE, "internet")


def test_own_region_ecr_image_still_pulls_through_the_endpoints():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, ("image:ecr:us-east-1",))
    assert (pull.verdict, pull.via) == (Verdict.REACHABLE, "vpc-endpoints")
    assert "assumed" not in pull.reason


def test_one_image_from_docker_hub_among_ecr_images_decides_the_pull():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, ("image:ecr:us-east-1", DOCKER_HUB))
    assert pull.verdict is Verdict.UNREACHABLE
    assert CheckCode.EP_DNS in {c.code for c in pull.checks}  # the ECR walk's checks are kept


def test_a_registry_inside_the_network_is_unknown_never_reachable():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, (image_need("10.20.5.5:5000/app:1"),))
    assert pull.verdict is Verdict.UNKNOWN


def test_without_a_task_definition_the_ecr_assumption_is_stated():
    pull = _pull(endpoints_only(), "subnet-app-a", TASK, ())
    assert pull.verdict is Verdict.REACHABLE
    assert "assumed to be in Amazon ECR of us-east-1" in pull.reason


def test_targets_in_one_subnet_with_different_registries_are_not_grouped():
    ecr, hub = _results(endpoints_only(), "subnet-app-a", TASK, ("image:ecr:us-east-1",), (DOCKER_HUB,))
    assert ecr.ecr_pull is not None and hub.ecr_pull is not None
    assert (ecr.ecr_pull.verdict, hub.ecr_pull.verdict) == (Verdict.REACHABLE, Verdict.UNREACHABLE)


def test_image_references_are_placed_as_docker_reads_them():
    assert image_need("nginx:1.25") == DOCKER_HUB
    assert image_need("docker.io/library/nginx@sha256:ab") == DOCKER_HUB
    assert image_need("ghcr.io/o/app:1") == "image:internet:ghcr.io:443"
    assert image_need("quay.io/o/app") == "image:internet:quay.io:443"
    assert image_need("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1") == "image:ecr:eu-west-1"
    # a pull-through cache repository is ECR: ECR fetches the upstream image itself
    assert image_need("123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/nginx") == (
        "image:ecr:us-east-1"
    )
    for inside in ("localhost:5000/a", "registry.internal/a", "myreg:5000/a", "10.0.0.5/a"):
        assert image_need(inside).startswith("image:unknown:")
    assert image_need(None).startswith("image:unknown:")


def test_an_ecs_services_task_definition_names_its_registries():
    service = {
        "serviceArn": "arn:aws:ecs:us-east-1:1:service/jobs/worker",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-a"]}},
    }
    definition = {"containerDefinitions": [{"image": "nginx:1.25"}, {"image": "nginx:1.26"}]}
    assert service_network(service, definition, "jobs").images == (DOCKER_HUB,)
    assert service_network(service, None, "jobs").images == ()


def test_a_templates_containers_name_their_registries():
    containers = [{"Image": "public.ecr.aws/nginx/nginx:latest"}, {"image": "nginx"}]
    assert container_images(containers) == ("image:internet:public.ecr.aws:443", DOCKER_HUB)


def test_the_names_a_task_needs_follow_its_registries():
    """ECR's names are needed only by an image in ECR of the task's region (or an unknown one);
    an internet registry's host is needed on its port, and it counts toward the pull."""
    from fargate_netcheck.needs.catalog import aws_needs

    def names(*services: str) -> set[str]:
        return {n.label for n in aws_needs("us-east-1", "123456789012", services)}

    ecr = "api.ecr.us-east-1.amazonaws.com:443"
    assert ecr in names() and ecr in names("image:ecr:us-east-1", DOCKER_HUB)
    hub = names(DOCKER_HUB, "logs")
    assert ecr not in hub and {"registry-1.docker.io:443", "logs.us-east-1.amazonaws.com:443"} <= hub
    assert ecr not in names("image:ecr:eu-west-1")
    (registry,) = [n for n in aws_needs("us-east-1", None, ("image:internet:ghcr.io:443",))]
    assert registry.ecr and (registry.name, registry.port) == ("ghcr.io", 443)


def test_docker_hub_is_named_by_the_registry_host_a_pull_talks_to():
    """Docker pulls from registry-1.docker.io (the TLS name a firewall's SNI rule sees), whatever the
    image reference says: a bare name, docker.io/... or index.docker.io/...."""
    for image in ("nginx:1.25", "library/nginx", "docker.io/library/nginx:1", "index.docker.io/acme/app"):
        assert image_need(image) == DOCKER_HUB, image


def test_another_regions_ecr_is_needed_by_its_own_names():
    from fargate_netcheck.needs.catalog import aws_needs

    names = {n.name for n in aws_needs("us-east-1", "123456789012", ("image:ecr:us-west-2",))}
    assert {
        "api.ecr.us-west-2.amazonaws.com",
        "prod-us-west-2-starport-layer-bucket.s3.us-west-2.amazonaws.com",
    } <= names
    assert "api.ecr.us-east-1.amazonaws.com" not in names
