"""What each target needs, and --need parsing."""

from __future__ import annotations

import pytest

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Target
from fargate_netcheck.needs.catalog import Need, parse_need, target_needs


def target(source: str, needs=()) -> Target:
    return Target(
        f"{source}:subnet-1", source, "subnet-1", account_id="123456789012", region="eu-west-1", needs=needs
    )


def test_audit_target_needs_ecr_layers_and_logs():
    names = [n.name for n in target_needs(target("audit"))]
    assert names == [
        "api.ecr.eu-west-1.amazonaws.com",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
        "prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com",
        "logs.eu-west-1.amazonaws.com",
    ]


def test_task_definition_decides_logs_and_secrets():
    names = [n.name for n in target_needs(target("ecs-service:c/s", ("secretsmanager",)))]
    assert "logs.eu-west-1.amazonaws.com" not in names
    assert "secretsmanager.eu-west-1.amazonaws.com" in names


def test_cloudreactor_deploy_config_needs_its_api_and_user_needs_come_last():
    extra = (Need("xy123.snowflakecomputing.com"),)
    needs = target_needs(target("deploy-config:prod/task", ("logs",)), extra)
    assert [n.name for n in needs[-2:]] == ["api.cloudreactor.io", "xy123.snowflakecomputing.com"]


@pytest.mark.parametrize(
    ("text", "need"),
    [("api.example.com", ("api.example.com", 443)), ("DB.Example.com:5432", ("db.example.com", 5432))],
)
def test_parse_need(text, need):
    parsed = parse_need(text)
    assert (parsed.name, parsed.port) == need


@pytest.mark.parametrize(
    "bad", ["https://api.example.com", "api.example.com:0", "api.example.com:x", "-bad.example.com", ""]
)
def test_parse_need_rejects_what_is_not_host_port(bad):
    with pytest.raises(InputError, match="--need"):
        parse_need(bad)
