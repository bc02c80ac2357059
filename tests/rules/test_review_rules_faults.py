"""A user's or plugin's rule that raises, or yields something that is not a ``Hit``, is a rule that
failed: an error finding under its id naming its origin and the exception (so the run is never a
pass on checks that were not made), while every other rule still runs and the report is written.
A built-in rule that raises is a bug: still an internal error (exit 2)."""

from __future__ import annotations

import json
import textwrap

import pytest
from cli_helpers import run_cli
from snapshots import healthy, write

from fargate_netcheck.checks.registry import Selection, load_rules, run_rules
from fargate_netcheck.core.model import Severity
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.rules_api import Hit, Rule, RuleContext, rule
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import cli_targets
from fargate_netcheck.trace import TraceOptions, trace_targets

DOCS = "What it checks: x. Why it matters: y. Example: z. Fix: w."

RULES = f'''
from fargate_netcheck.rules_api import Hit, rule

@rule(id="ORG001", name="tags", title="t", severity="info", docs="{DOCS}", remediation="r")
def tags(ctx):
    for result in ctx.results:
        yield Hit(result.target.subnet_id, "seen", result.target.target_id)
    raise KeyError("Tags")

@rule(id="ORG002", name="shape", title="t", severity="warning", docs="{DOCS}", remediation="r",
      per_target=True)
def shape(ctx):
    yield ("subnet-private", "not a Hit")

@rule(id="ORG003", name="fine", title="t", severity="warning", docs="{DOCS}", remediation="r")
def fine(ctx):
    for result in ctx.results:
        yield Hit(result.target.subnet_id, "checked", result.target.target_id)
'''


def context(subnet: str = "subnet-private", group: str = "sg-open") -> RuleContext:
    g = build_graph(parse_snapshot(healthy(), "s.json"))
    results = trace_targets(g, cli_targets(g, [subnet], [group], False), TraceOptions())
    return RuleContext(results=results, graph=g)


def user_rule(fn, rule_id="ORG009", origin="/rules", per_target=False) -> Rule:
    made = rule(
        id=rule_id, name="n", title="t", severity="info", docs=DOCS, remediation="r", per_target=per_target
    )(fn)
    return Rule(**{**{f: getattr(made, f) for f in made.__dataclass_fields__}, "origin": origin})


def test_a_user_rule_that_raises_is_an_error_finding_and_keeps_its_hits():
    def broken(ctx):
        yield Hit("subnet-private", "first", "cli:subnet-private")
        raise ZeroDivisionError("division by zero")

    findings = run_rules([user_rule(broken)], context())
    failed = [f for f in findings if f.severity is Severity.ERROR]
    assert len(failed) == 1 and failed[0].rule_id == "ORG009"
    assert "/rules" in failed[0].message and "ZeroDivisionError: division by zero" in failed[0].message
    assert [f.message for f in findings if f.severity is Severity.INFO] == ["first"]


@pytest.mark.parametrize("per_target", [False, True])
def test_a_rule_yielding_something_else_than_a_hit_is_an_error_finding(per_target):
    def wrong(ctx):
        yield "subnet-private"

    (failed,) = run_rules([user_rule(wrong, per_target=per_target)], context())
    assert failed.severity is Severity.ERROR and "not a Hit" in failed.message


def test_a_rule_returning_none_is_an_error_finding():
    (failed,) = run_rules([user_rule(lambda ctx: None)], context())
    assert failed.severity is Severity.ERROR and "TypeError" in failed.message


def test_other_rules_still_run_and_the_order_is_the_report_order():
    def broken(ctx):
        raise RuntimeError("boom")

    rules = [*Selection(select=("RT", "SG")).pick(load_rules(plugins=False)), user_rule(broken)]
    findings = run_rules(rules, context("subnet-isolated"))
    assert {f.rule_id for f in findings} >= {"RT001", "ORG009"}
    keys = [(*f.sort_key(), f.remediation) for f in findings]
    assert keys == sorted(keys)


def test_a_built_in_rule_that_raises_is_still_an_internal_error():
    def broken(ctx):
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):
        run_rules([user_rule(broken, origin="built-in")], context())


def test_check_reports_a_failing_rule_runs_the_others_and_exits_1(capsys, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "org.py").write_text(textwrap.dedent(RULES))
    snap = str(write(healthy(), tmp_path / "s.json"))
    run = run_cli(
        capsys, "check", "--snapshot", snap, "--subnet", "subnet-private", "--security-group", "sg-open",
        "--rules-dir", str(folder), "-f", "json",
    )  # fmt: skip
    assert run.code == 1, run.err
    findings = json.loads(run.out)["findings"]
    by_rule = {(f["rule_id"], f["severity"]) for f in findings}
    assert {("ORG001", "error"), ("ORG001", "info"), ("ORG002", "error"), ("ORG003", "warning")} <= by_rule
    (keyerror,) = [f for f in findings if f["rule_id"] == "ORG001" and f["severity"] == "error"]
    assert "KeyError: 'Tags'" in keyerror["message"] and str(folder) in keyerror["message"]
