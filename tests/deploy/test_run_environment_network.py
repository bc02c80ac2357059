"""CloudReactor configs whose network comes from the Run Environment, and env files named by the
deployer's CONFIG_FILENAME_STEM: the CLI, the fix it gives, and where SARIF places the findings."""

from __future__ import annotations

import json

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

COMMON = """\
schema_version: 4
project_task_name_to_config:
  ingest:
    aws: {network: {subnets: [subnet-private], security_groups: [sg-open]}}
  report: {schedule: daily}
"""


@pytest.fixture
def project(tmp_path):
    vars_dir = tmp_path / "deploy_config" / "vars"
    vars_dir.mkdir(parents=True)
    (vars_dir / "common.yml").write_text(COMMON)
    (vars_dir / "staging_crstaging.yml").write_text("env_task_config: {}\n")
    write(healthy(), tmp_path / "snap.json")
    return tmp_path


def check(capsys, project, *extra):
    snap, root = str(project / "snap.json"), str(project)
    return run_cli(capsys, "check", "--snapshot", snap, "--deploy-config", root, "--env", "staging", *extra)


def test_the_stem_names_the_env_file_by_option_and_by_the_deployers_variable(capsys, project, monkeypatch):
    missing = check(capsys, project)
    assert (
        missing.code == 2
        and "staging.yml: deployment environment file for 'staging' not found" in missing.err
    )
    assert "(found: staging_crstaging; name another with --config-filename-stem)" in missing.err
    by_option = check(capsys, project, "--config-filename-stem", "staging_crstaging", "-f", "json")
    monkeypatch.setenv("CONFIG_FILENAME_STEM", "staging_crstaging")
    by_variable = check(capsys, project, "-f", "json")
    assert by_option.out == by_variable.out
    sources = {t["source"] for t in json.loads(by_option.out)["targets"]}
    assert sources == {"deploy-config:staging/ingest"}


def test_a_task_without_a_network_is_told_to_name_the_run_environment(capsys, project):
    run = check(capsys, project, "--config-filename-stem", "staging_crstaging", "-f", "json")
    (finding,) = [f for f in json.loads(run.out)["findings"] if f["rule_id"] == "CFG001"]
    assert finding["resource_id"] == "deploy-config:staging/report"
    assert "no subnets are configured (in the config, nor as Run Environment defaults)" in finding["message"]
    assert "--run-environment FILE" in finding["remediation"]
    assert "--default-subnet ID" in finding["remediation"]
    assert "literal" not in finding["remediation"]


def test_sarif_places_task_findings_in_the_snapshots_region_and_at_the_yaml_line(capsys, project):
    run = check(capsys, project, "--config-filename-stem", "staging_crstaging", "-f", "sarif")
    results = json.loads(run.out)["runs"][0]["results"]
    for result in results:
        (location,) = result["locations"]
        names = [logical.get("fullyQualifiedName") for logical in location["logicalLocations"]]
        assert names[0].startswith("123456789012/us-east-1/"), names
        assert "unknown" not in location["physicalLocation"]["artifactLocation"]["uri"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["CFG001"]["properties"]["region"] == "us-east-1"
    physical = by_rule["RS002"]["locations"][0]["physicalLocation"]  # one AZ: about the task, not a target
    assert physical == {
        "artifactLocation": {"uri": physical["artifactLocation"]["uri"]},
        "region": {"startLine": 4},
    }
    assert physical["artifactLocation"]["uri"].endswith("deploy_config/vars/common.yml")
