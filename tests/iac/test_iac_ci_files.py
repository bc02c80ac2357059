"""The GitHub Action and the container image run the CLI as documented (docker and GitHub Actions
cannot run here: their files are checked for what they must do)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_action_is_composite_installs_checks_and_uploads_sarif():
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    scripts = "\n".join(s.get("run", "") for s in steps)
    assert 'pip install --quiet "${GITHUB_ACTION_PATH}"' in scripts
    assert "fargate-netcheck" in scripts and "--format sarif" in scripts
    assert "--cloudformation" in scripts and "--terraform-plan" in scripts and "--snapshot" in scripts
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == "${{ inputs.output-dir }}/fargate-netcheck.sarif"
    # a run that verified nothing (exit 2) uploads no log: an empty one would close every open alert
    assert "steps.check.outputs.exit-code != '2'" in upload["if"]
    # the check's exit code decides the job, after the SARIF upload
    assert steps[-1]["run"] == 'exit "$CODE"'
    assert set(action["inputs"]) >= {"cloudformation", "terraform-plan", "parameters", "snapshot", "args"}


def test_action_never_interpolates_inputs_into_shell_code():
    for step in yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["steps"]:
        assert "${{ inputs." not in step.get("run", ""), step.get("name")


def test_dockerfile_runs_the_cli_as_a_non_root_user():
    text = (ROOT / "Dockerfile").read_text()
    final = text.split("\nFROM ")[-1]
    user = re.search(r"^USER (\S+)", final, re.M)
    assert user is not None and user.group(1).split(":")[0] not in ("root", "0")
    assert re.search(r'^ENTRYPOINT \["fargate-netcheck"\]', final, re.M)
    assert "pip install" in final


def test_readme_documents_the_action_and_the_image():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"uses: \S+/fargate-netcheck@v", readme)
    assert "docker run" in readme and "cdk synth" in readme and "terraform show -json" in readme
