"""The rule loader: built-in pack, a user's folder, duplicate ids, selection, docs."""

from __future__ import annotations

import textwrap

import pytest
from cli_helpers import run_cli

from fargate_netcheck.checks.registry import Selection, load_rules
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Severity
from fargate_netcheck.rules_api import RULE_ID

USER_RULE = """
from fargate_netcheck.rules_api import Hit, rule

@rule(
    id="{rule_id}", name="tagged-subnets", title="Subnets must carry an owner tag", severity="info",
    docs="What it checks: x. Why it matters: y. Example: z. Fix: w.",
    remediation="Tag it.",
)
def owner_tag(ctx):
    for result in ctx.results:
        yield Hit(result.target.subnet_id, "no owner tag", result.target.target_id)
"""


def write_rule(folder, rule_id="ORG001", name="org.py"):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(USER_RULE.format(rule_id=rule_id)))
    return folder


def test_builtin_pack_loads_with_documented_unique_ids():
    rules = load_rules(plugins=False)
    assert {
        "RT001",
        "RT002",
        "GW002",
        "GW005",
        "SG001",
        "SG100",
        "ACL001",
        "ACL002",
        "DATA001",
        "GW100",
    } <= set(rules)
    for rule in rules.values():
        assert RULE_ID.match(rule.id)
        for section in ("What it checks", "Why it matters", "Example", "Fix"):
            assert section in rule.docs, (rule.id, section)
        assert rule.remediation and rule.title


def test_guide_recommendation_is_a_warning_and_public_ip_behind_nat_is_info():
    rules = load_rules(plugins=False)
    assert rules["SG100"].severity is Severity.WARNING
    assert rules["GW100"].severity is Severity.INFO


def test_user_folder_loads_through_the_same_loader(tmp_path):
    rules = load_rules([write_rule(tmp_path / "mine")], plugins=False)
    assert rules["ORG001"].origin == str(tmp_path / "mine")
    assert rules["RT001"].origin == "built-in"


def test_duplicate_id_is_an_error(tmp_path):
    with pytest.raises(InputError, match="duplicate rule id RT001"):
        load_rules([write_rule(tmp_path / "mine", rule_id="RT001")], plugins=False)


def test_rule_file_that_fails_to_import_is_an_input_error(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "bad.py").write_text("raise RuntimeError('boom')\n")
    with pytest.raises(InputError, match=r"bad\.py: cannot load rules: RuntimeError: boom"):
        load_rules([folder], plugins=False)


def test_selection_by_prefix_and_ignore():
    rules = load_rules(plugins=False)
    chosen = {r.id for r in Selection(select=("GW",), ignore=("GW1",)).pick(rules)}
    assert chosen == {r for r in rules if r.startswith("GW") and not r.startswith("GW1")}
    extended = {r.id for r in Selection(select=("RT001",), extend_select=("SG",)).pick(rules)}
    assert extended == {"RT001"} | {r for r in rules if r.startswith("SG")}


def test_severity_override_takes_the_longest_matching_prefix():
    rules = load_rules(plugins=False)
    sel = Selection(severity={"SG": Severity.INFO, "SG001": Severity.WARNING})
    assert sel.severity_of(rules["SG001"]) is Severity.WARNING
    assert sel.severity_of(rules["SG002"]) is Severity.INFO


def test_rules_command_lists_ids_and_explain_prints_docs(capsys, tmp_path):
    listed = run_cli(capsys, "rules", "--rules-dir", str(write_rule(tmp_path / "mine")))
    assert listed.code == 0
    assert "GW002" in listed.out and "ORG001" in listed.out
    explained = run_cli(capsys, "explain", "gw002")
    assert explained.code == 0
    assert "What it checks" in explained.out and "assignPublicIp" in explained.out
    assert run_cli(capsys, "explain", "XX999").code == 2


def test_user_rule_runs_in_check(capsys, tmp_path):
    from snapshots import healthy, write

    snap = str(write(healthy(), tmp_path / "s.json"))
    r = run_cli(
        capsys, "check", "--snapshot", snap, "--rules-dir", str(write_rule(tmp_path / "mine")), "-f", "json"
    )
    assert '"rule_id": "ORG001"' in r.out
