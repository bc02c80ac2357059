"""SVC rules: a task that reads secrets at launch needs the internet or the service's endpoint."""

from __future__ import annotations

from snapshots import healthy, region

from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, analyze
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import make_target


def rule_ids(snap):
    parsed = parse_snapshot(snap)
    g = build_graph(parsed)
    target = make_target(
        g, "deploy-config:prod/etl", "subnet-isolated", ("sg-open",), needs=("secretsmanager",)
    )
    return {f.rule_id for f in analyze(parsed, g, [target], AnalysisOptions(plugins=False)).findings}


def test_secrets_without_internet_or_endpoint_is_svc001():
    assert "SVC001" in rule_ids(healthy())


def test_a_private_dns_secretsmanager_endpoint_satisfies_the_need():
    snap = healthy()
    region(snap)["VpcEndpoints"].append(
        {
            "VpcEndpointId": "vpce-sm",
            "VpcId": "vpc-app",
            "ServiceName": "com.amazonaws.us-east-1.secretsmanager",
            "VpcEndpointType": "Interface",
            "State": "available",
            "PrivateDnsEnabled": True,
            "SubnetIds": ["subnet-isolated"],
            "Groups": [{"GroupId": "sg-open"}],
        }
    )
    assert "SVC001" not in rule_ids(snap)
