"""`check --deploy-config`: resolved networks per task against a snapshot, with file:line."""

from __future__ import annotations

import json
import textwrap

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

COMMON = """\
schema_version: 4
project_task_name_to_config:
  ingest:
    aws:
      network:
        subnets: [subnet-public]
        security_groups: [sg-open]
  report:
    schedule: daily
  retired:
    deployed: false
    aws:
      network:
        subnets: [subnet-isolated]
"""
STAGING = """\
env_task_name_to_config:
  ingest:
    aws:
      network:
        subnets: [subnet-private]
"""
RUN_ENVIRONMENT = {
    "uuid": "re-1",
    "name": "staging",
    "infrastructure_settings": {
        "AWS": {
            "__default__": {
                "settings": {
                    "network": {
                        "subnets": ["subnet-isolated"],
                        "security_groups": ["sg-open"],
                        "assign_public_ip": False,
                    }
                }
            }
        }
    },
}


@pytest.fixture
def project(tmp_path):
    vars_dir = tmp_path / "deploy_config" / "vars"
    vars_dir.mkdir(parents=True)
    (vars_dir / "common.yml").write_text(COMMON)
    (vars_dir / "staging.yml").write_text(STAGING)
    (tmp_path / "run_environment.json").write_text(json.dumps(RUN_ENVIRONMENT, indent=2))
    write(healthy(), tmp_path / "snap.json")
    return tmp_path


def check(capsys, project, *extra):
    return run_cli(
        capsys,
        "check",
        "--snapshot",
        str(project / "snap.json"),
        "--deploy-config",
        str(project),
        "--env",
        "staging",
        "--run-environment",
        str(project / "run_environment.json"),
        "-f",
        "json",
        *extra,
    )


def test_env_file_overrides_common_and_other_tasks_inherit_the_run_environment(capsys, project):
    r = check(capsys, project)
    report = json.loads(r.out)
    by_source = {}
    for target in report["targets"]:
        by_source.setdefault(target["source"], []).append(target)
    assert set(by_source) == {
        "deploy-config:staging/ingest",
        "deploy-config:staging/report",
    }  # retired skipped
    (ingest,) = by_source["deploy-config:staging/ingest"]
    assert ingest["subnet_id"] == "subnet-private"  # staging.yml wins over common.yml's subnet-public
    assert ingest["security_group_ids"] == ["sg-open"]  # still from common.yml
    assert ingest["internet_egress"]["verdict"] == "reachable"
    assert ingest["source_location"]["path"].endswith("staging.yml")
    assert ingest["source_location"]["line"] == 5
    (report_task,) = by_source["deploy-config:staging/report"]
    assert report_task["subnet_id"] == "subnet-isolated"  # from the Run Environment
    assert report_task["internet_egress"]["verdict"] == "unreachable"
    assert r.code == 1


def test_one_task(capsys, project):
    r = check(capsys, project, "--task", "ingest")
    assert [t["source"] for t in json.loads(r.out)["targets"]] == ["deploy-config:staging/ingest"]
    assert r.code == 0


def test_jinja_where_an_id_must_be_is_a_finding(capsys, project):
    (project / "deploy_config" / "vars" / "staging.yml").write_text(
        textwrap.dedent(
            """\
            env_task_name_to_config:
              ingest:
                aws:
                  network:
                    subnets: ["{{ staging_subnet }}"]
            """
        )
    )
    r = check(capsys, project, "--task", "ingest")
    findings = json.loads(r.out)["findings"]
    assert any(f["rule_id"] == "CFG001" and "staging_subnet" in f["message"] for f in findings)


def test_broken_yaml_is_exit_2_with_file_and_line(capsys, project):
    (project / "deploy_config" / "vars" / "staging.yml").write_text("env_task_name_to_config:\n  ingest: [\n")
    r = check(capsys, project)
    assert r.code == 2
    assert "staging.yml:" in r.err and len(r.err.strip().splitlines()) == 1


def test_deploy_config_needs_env(capsys, project):
    r = run_cli(capsys, "check", "--snapshot", str(project / "snap.json"), "--deploy-config", str(project))
    assert r.code == 2 and "--deploy-config needs --env" in r.err
