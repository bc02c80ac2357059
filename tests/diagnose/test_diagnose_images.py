"""The diagnosis walks the pull to where the task's images are (its task definition's registries),
not to this region's ECR; a message that names ECR is judged on the ECR pull alone."""

from __future__ import annotations

from endpoint_snapshots import with_endpoints

from fargate_netcheck.core.task_network import TaskNetwork
from fargate_netcheck.diagnose.facts import TaskFacts, launch_needs
from fargate_netcheck.diagnose.run import report_for
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot

DOCKER_HUB = "image:internet:registry-1.docker.io:443"
ECR_HERE = "image:ecr:us-east-1"
# A pull that timed out without naming its registry (the agent's wording when the ref is not quoted).
UNNAMED = "CannotPullContainerError: pull image manifest has been retried 5 time(s): i/o timeout"
NAMED_ECR = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest: failed to do request: Head "
    '"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/latest": dial tcp '
    "10.0.2.10:443: i/o timeout"
)


def diagnosis(reason: str, needs: tuple[str, ...]):
    """A task in subnet-isolated: ECR through its endpoints (and S3's gateway), no way to the internet."""
    snap = parse_snapshot(with_endpoints("ecr.api", "ecr.dkr", s3=True), "test")
    facts = TaskFacts(None, reason, "TaskFailedToStart", [], ("subnet-isolated",), ("sg-open",), False, needs)
    return report_for(facts, snap, build_graph(snap))


def test_launch_needs_carry_the_images_registries():
    network = TaskNetwork(
        "ecs-service:jobs/worker", ("subnet-a",), (), None, uses_awslogs=True, images=(ECR_HERE, DOCKER_HUB)
    )
    assert launch_needs(network) == ("logs", ECR_HERE, DOCKER_HUB)


def test_an_unnamed_pull_of_a_docker_hub_image_is_walked_to_docker_hub():
    report = diagnosis(UNNAMED, (DOCKER_HUB,))
    d = report.diagnosis
    assert (d.cause, d.verdict) == ("network", "unreachable")
    assert "registry-1.docker.io" in d.headline
    # The same task with its image in this region's ECR pulls through the endpoints.
    assert diagnosis(UNNAMED, (ECR_HERE,)).diagnosis.verdict == "reachable"


def test_the_report_checks_the_docker_hub_pull_of_the_task():
    report = diagnosis(UNNAMED, (DOCKER_HUB,))
    (result,) = report.targets
    assert result.ecr_pull is not None
    assert result.ecr_pull.verdict.value == "unreachable"
    assert "registry-1.docker.io" in result.ecr_pull.reason


def test_a_message_naming_ecr_is_judged_on_the_ecr_pull_not_a_docker_hub_sidecar():
    d = diagnosis(NAMED_ECR, (ECR_HERE, DOCKER_HUB)).diagnosis
    assert d.verdict == "reachable", d.headline
    assert "registry-1.docker.io" not in d.headline


def test_the_task_definition_read_live_gives_the_images_registries():
    import boto3
    from moto import mock_aws

    from fargate_netcheck.diagnose.facts import take_definition

    with mock_aws():
        ecs = boto3.client("ecs", region_name="us-east-1")
        arn = ecs.register_task_definition(
            family="worker",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[
                {"name": "app", "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"},
                {"name": "proxy", "image": "nginx:1.25"},
            ],
        )["taskDefinition"]["taskDefinitionArn"]
        facts = TaskFacts(None, UNNAMED, "TaskFailedToStart", [])
        take_definition(facts, lambda: ecs, arn)
    assert facts.needs == (ECR_HERE, DOCKER_HUB)
