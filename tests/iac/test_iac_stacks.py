"""Templates checked together (exports and imports), and a service stack over the live network."""

from __future__ import annotations

import json

from cli_helpers import fixed_redaction_key
from iac.helpers import FIXTURES, STACKS, verdicts

from fargate_netcheck.cli.redact import Redactor

NETWORK, NAT, SERVICE = (str(STACKS / n) for n in ("network.yaml", "nat.yaml", "service.yaml"))
LIVE = str(FIXTURES / "live.snapshot.json")
PARAMS = str(STACKS / "service-params.json")


def test_vpc_stack_and_nat_stack_together_audit_every_subnet(check_json):
    code, report, _ = check_json(
        "--cloudformation", NETWORK, "--cloudformation", NAT, "--parameter", "EnvName=staging"
    )
    assert verdicts(report) == {
        "network/PublicSubnetA": ("reachable", "public-ip"),
        "network/PublicSubnetB": ("reachable", "public-ip"),
        "network/PrivateSubnetA": ("reachable", "nat-gateway"),
        "network/PrivateSubnetB": ("reachable", "nat-gateway"),
        "network/DataSubnet": ("unreachable", "none"),
    }
    assert code == 1  # the data subnet has no way out: an error finding
    nat_a = {t["subnet_id"]: t["internet_egress"]["path"] for t in report["targets"]}[
        "network/PrivateSubnetB"
    ]
    assert "nat/NatGatewayA" in nat_a  # one NAT gateway unless HighlyAvailable: route B imports A's


def test_highly_available_condition_gives_each_zone_its_nat(check_json):
    _, report, _ = check_json("--cloudformation", NETWORK, "--cloudformation", NAT, "--parameter", "EnvName=staging",
                              "--parameter", "HighlyAvailable=true")  # fmt: skip
    paths = {t["subnet_id"]: t["internet_egress"]["path"] for t in report["targets"]}
    assert "nat/NatGatewayB" in paths["network/PrivateSubnetB"]


def test_nat_stack_alone_cannot_know_its_imports(check_json):
    code, _, err = check_json("--cloudformation", NAT)
    assert code == 2
    assert "declares no subnet and no ECS task to check" in err
    assert "Fn::ImportValue 'network-PublicSubnetA': no template given exports it" in err


def test_required_parameter_is_exit_2_naming_it(check_json):
    code, _, err = check_json("--cloudformation", NETWORK, "--cloudformation", NAT)
    assert code == 2
    assert "parameter EnvName (String) has no value" in err and "network.yaml:" in err


def test_unknown_parameter_name_is_refused(check_json):
    code, _, err = check_json(
        "--cloudformation", NETWORK, "--parameter", "EnvName=staging", "--parameter", "Typo=1"
    )
    assert code == 2 and "--parameter Typo: no template given declares" in err


def test_bare_logical_ids_name_subnets_and_groups(check_json):
    code, report, _ = check_json("--cloudformation", NETWORK, "--cloudformation", NAT, "--parameter", "EnvName=staging",
                                 "--subnet", "PrivateSubnetA", "--security-group", "AppSecurityGroup")  # fmt: skip
    assert code == 0
    (target,) = report["targets"]
    assert (target["subnet_id"], target["security_group_ids"]) == (
        "network/PrivateSubnetA",
        ["network/AppSecurityGroup"],
    )
    assert target["internet_egress"]["verdict"] == "reachable"


def test_ambiguous_bare_id_is_an_input_error(tmp_path, check_json):
    other = tmp_path / "other.yaml"
    other.write_text((STACKS / "network.yaml").read_text().replace("${AWS::StackName}", "other"))
    code, _, err = check_json("--cloudformation", NETWORK, "--cloudformation", str(other), "--parameter", "EnvName=staging",
                              "--subnet", "PrivateSubnetA")  # fmt: skip
    assert (
        code == 2 and "ambiguous" in err and "network/PrivateSubnetA" in err and "other/PrivateSubnetA" in err
    )


def test_service_stack_with_existing_ids_checked_against_the_live_network(check_json):
    code, report, _ = check_json("--snapshot", LIVE, "--cloudformation", SERVICE, "--parameters", PARAMS)
    assert code == 0
    targets = {t["target_id"]: t for t in report["targets"]}
    assert set(targets) == {
        "cloudformation:service/Service:subnet-0a1b2c3d4e5f60011",
        "cloudformation:service/Service:subnet-0a1b2c3d4e5f60012",
        "cloudformation:service/NightlyReport#report:subnet-0a1b2c3d4e5f60011",
        "cloudformation:service/HourlySync:subnet-0a1b2c3d4e5f60011",
        "cloudformation:service/HourlySync:subnet-0a1b2c3d4e5f60012",
    }
    assert all(t["internet_egress"]["verdict"] == "reachable" for t in targets.values())
    assert targets["cloudformation:service/Service:subnet-0a1b2c3d4e5f60011"]["source_location"] == {
        "path": SERVICE,
        "line": 49,
    }


def test_service_needs_come_from_its_task_definition(tmp_path):
    from pathlib import Path

    from fargate_netcheck.snapshot.store import load_snapshot
    from fargate_netcheck.targets.iac.command import IacOptions, build_iac_snapshot

    result = build_iac_snapshot(
        IacOptions(templates=(Path(SERVICE),), parameter_files=(Path(PARAMS),)),
        lambda: load_snapshot(Path(LIVE)),
    )
    service = next(n for n in result.networks if n.source == "cloudformation:service/Service")
    assert service.uses_awslogs and service.secrets_from == ("secretsmanager", "ssm")
    assert service.assign_public_ip is False


def test_service_stack_over_a_plan_that_removes_the_nat(check_json):
    code, report, _ = check_json("--snapshot", LIVE, "--cloudformation", SERVICE, "--parameters", PARAMS,
                                 "--terraform-plan", str(FIXTURES / "nat-removal.plan.json"))  # fmt: skip
    assert code == 1
    assert {t["internet_egress"]["verdict"] for t in report["targets"]} == {"unreachable"}


def test_checking_code_never_imports_boto3():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from fargate_netcheck.cli.app import main\n"
        f"sys.argv = ['fargate-netcheck', 'check', '--cloudformation', {NETWORK!r}, '--parameter', 'EnvName=staging',"
        " '-f', 'json', '-o', '/dev/null']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'boto3 imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_existing_ids_without_a_snapshot_are_unknown_never_missing(check_json):
    code, report, _ = check_json("--cloudformation", SERVICE, "--parameters", PARAMS, "--region", "eu-west-1")
    assert code == 1
    assert {t["internet_egress"]["verdict"] for t in report["targets"]} == {"unknown"}
    gap = report["collection_errors"]["-/eu-west-1/Subnets"]
    assert gap.startswith("subnet-0a1b2c3d4e5f60011, subnet-0a1b2c3d4e5f60012 not created by the code given")
    assert gap.endswith("pass --snapshot FILE or --live to check the live network")


def test_redact_masks_the_codes_addresses_too(check_json, monkeypatch):
    key = fixed_redaction_key(monkeypatch)
    assert not Redactor(key=key).address("10.50.0.0/16").startswith("10.50.")  # the key moves the VPC
    code, report, _ = check_json("--cloudformation", NETWORK, "--cloudformation", NAT, "--parameter", "EnvName=staging",
                                 "--redact")  # fmt: skip
    assert code == 1
    assert len(report["targets"]) == 5
    # A private address stays in 10.0.0.0/8, and the VPC's /16 lands on 10.50.0.0/16 for one random
    # key in 256: the key is fixed, to one that moves it. None of the code's blocks (the
    # unredacted report names these) may be left.
    text = json.dumps(report)
    code = [
        "10.50.0.0/16",
        *(f"10.50.{i}.0/24" for i in range(5)),
        *(f"10.50.{i * 16}.0/20" for i in range(5)),
    ]
    assert not [c for c in code if c in text]
