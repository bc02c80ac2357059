"""A target's verdict, the summary and the exit code follow its needs: OK only when the internet
egress, the ECR pull and every need are reachable; a need nobody else explains gets NEED001."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from snapshots import healthy, region

ONLY_443 = {
    "GroupId": "sg-443",
    "GroupName": "https-only",
    "VpcId": "vpc-app",
    "IpPermissions": [],
    "IpPermissionsEgress": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ],
}


def check(capsys, tmp_path, group: str, *extra: str, fmt: str = "json"):
    snap = healthy()
    region(snap)["SecurityGroups"].append(ONLY_443)
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap))
    args = ["check", "--snapshot", str(path), "--subnet", "subnet-private", "--security-group", group]
    r = run_cli(capsys, *args, "-f", fmt, *extra)
    assert r.code in (0, 1), r.err
    return r.code, (json.loads(r.out) if fmt == "json" else r.out)


def test_a_need_on_a_closed_port_fails_the_target_though_the_internet_is_reachable(capsys, tmp_path):
    code, report = check(capsys, tmp_path, "sg-443", "--need", "db.example.com:5432")
    (target,) = report["targets"]
    assert target["internet_egress"]["verdict"] == "reachable"
    db = next(n for n in target["needs"] if n["name"] == "db.example.com")
    assert (db["verdict"], db["blocked_at"]) == ("unreachable", "sg-443")
    assert target["verdict"] == "unreachable"
    assert (report["summary"]["unreachable"], report["summary"]["unknown"]) == (1, 0)
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "NEED001"]
    assert finding["resource_id"] == "sg-443" and finding["severity"] == "error"
    assert "db.example.com:5432" in finding["message"] and "TCP 5432" in finding["remediation"]
    assert code == 1


def test_the_text_report_marks_the_target_by_its_needs(capsys, tmp_path):
    _, text = check(capsys, tmp_path, "sg-443", "--need", "db.example.com:5432", fmt="text")
    assert "1 target(s), 1 unreachable, 0 unknown" in text
    assert "[FAIL] cli:subnet-private" in text
    assert "    verdict: unreachable: 1 of 5 need(s)" in text
    assert "      [FAIL] db.example.com:5432" in text


def test_every_need_reachable_keeps_the_target_ok_and_exit_0(capsys, tmp_path):
    code, report = check(capsys, tmp_path, "sg-443", "--need", "api.partner.example")
    (target,) = report["targets"]
    assert {n["verdict"] for n in target["needs"]} == {"reachable"}
    assert target["verdict"] == "reachable"
    assert (report["summary"]["unreachable"], report["summary"]["unknown"]) == (0, 0)
    assert code == 0


def test_a_need_the_egress_already_explains_gets_no_need001(capsys, tmp_path):
    """sg-closed stops the internet egress and every need at the same group: the egress finding
    says it once, NEED001 does not repeat it per need."""
    code, report = check(capsys, tmp_path, "sg-closed")
    (target,) = report["targets"]
    assert target["internet_egress"]["blocked_at"] == "sg-closed"
    assert {n["blocked_at"] for n in target["needs"]} == {"sg-closed"}
    assert not [f for f in report["findings"] if f["rule_id"] == "NEED001"]
    assert target["verdict"] == "unreachable" and code == 1


@pytest.mark.parametrize(
    ("name", "rule"), [("dns_forward_amazonaws.json", "DNS003"), ("dns_firewall_blocks_aws.json", "DNS001")]
)
def test_an_unknown_or_blocked_need_is_an_error_and_counts_its_target(capsys, name, rule):
    from depth.examples import check_example

    code, report = check_example(capsys, name, "subnet-private", "sg-open")
    (target,) = report["targets"]
    assert target["internet_egress"]["verdict"] == "reachable"
    worst = "unknown" if rule == "DNS003" else "unreachable"
    assert target["verdict"] == worst
    assert report["summary"][worst] == 1
    assert {f["severity"] for f in report["findings"] if f["rule_id"] == rule} == {"error"}
    assert code == 1


def test_a_logs_endpoint_that_does_not_admit_the_task_is_need001(capsys, tmp_path):
    """The logs interface endpoint's group admits 10.9.0.0/16, not the task subnet: the internet is
    reachable, the ECR pull goes over it, but the logs need (private DNS: the endpoint) is stopped
    at the endpoint's group, which no egress or ECR pull finding names."""
    from endpoint_snapshots import with_endpoints

    path = tmp_path / "snap.json"
    path.write_text(json.dumps(with_endpoints("logs", ingress_cidr="10.9.0.0/16")))
    args = ["check", "--snapshot", str(path), "--subnet", "subnet-private", "--security-group", "sg-open"]
    r = run_cli(capsys, *args, "-f", "json")
    report = json.loads(r.out)
    (target,) = report["targets"]
    logs = next(n for n in target["needs"] if n["purpose"] == "CloudWatch Logs")
    assert (logs["via"], logs["verdict"]) == ("vpc-endpoint", "unreachable")
    assert target["internet_egress"]["verdict"] == "reachable" and target["verdict"] == "unreachable"
    (finding,) = [f for f in report["findings"] if f["rule_id"] == "NEED001"]
    assert (
        finding["resource_id"] == logs["blocked_at"]
        and "logs.us-east-1.amazonaws.com:443" in finding["message"]
    )
    assert r.code == 1


def _need_through_endpoint(capsys, tmp_path, service: str, **endpoint) -> dict:
    from endpoint_snapshots import with_endpoints

    from fargate_netcheck.needs.endpoint_policy import DEFAULT_ENDPOINT_POLICY

    snap = with_endpoints(service, ingress_cidr="10.0.0.0/16")
    region(snap)["VpcEndpoints"][0].update({"PolicyDocument": DEFAULT_ENDPOINT_POLICY, **endpoint})
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap))
    name = f"{service}.us-east-1.amazonaws.com"
    args = ["check", "--snapshot", str(path), "--subnet", "subnet-private", "--security-group", "sg-open"]
    r = run_cli(capsys, *args, "--need", name, "-f", "json")
    (target,) = json.loads(r.out)["targets"]
    return next(n for n in target["needs"] if n["name"] == name)


@pytest.mark.parametrize("service", ["sts", "kms", "monitoring"])
def test_any_aws_service_with_a_private_dns_endpoint_resolves_to_the_endpoint(capsys, tmp_path, service):
    """AWS, CreateVpcEndpoint PrivateDnsEnabled: the service's regional public name resolves to the
    endpoint's network interfaces, whatever the service (it was read only for six)."""
    need = _need_through_endpoint(capsys, tmp_path, service)
    assert (need["via"], need["verdict"]) == ("vpc-endpoint", "reachable"), need["reason"]
    assert f"vpce-{service}" in need["path"]


def test_a_need_through_an_endpoint_with_its_own_policy_is_unknown_when_its_actions_are_not_known(
    capsys, tmp_path
):
    policy = {
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sts:GetCallerIdentity", "Resource": "*"}
        ]
    }
    need = _need_through_endpoint(capsys, tmp_path, "sts", PolicyDocument=json.dumps(policy))
    assert (need["via"], need["verdict"]) == ("vpc-endpoint", "unknown")
    assert "policy other than full access" in need["reason"]


def test_an_endpoint_service_private_dns_name_from_dns_entries_resolves_to_the_endpoint(capsys, tmp_path):
    from endpoint_snapshots import with_endpoints

    snap = with_endpoints("logs", ingress_cidr="10.9.0.0/16")  # the endpoint does not admit the task
    endpoint = region(snap)["VpcEndpoints"][0]
    endpoint["ServiceName"] = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    endpoint["DnsEntries"] = [
        {"DnsName": "vpce-0a-1b.vpce-svc-0123456789abcdef0.us-east-1.vpce.amazonaws.com"},
        {"DnsName": "db.partner.example"},
    ]
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snap))
    args = ["check", "--snapshot", str(path), "--subnet", "subnet-private", "--security-group", "sg-open"]
    r = run_cli(capsys, *args, "--need", "db.partner.example", "-f", "json")
    (target,) = json.loads(r.out)["targets"]
    need = next(n for n in target["needs"] if n["name"] == "db.partner.example")
    assert (need["via"], need["verdict"]) == ("vpc-endpoint", "unreachable"), need["reason"]
