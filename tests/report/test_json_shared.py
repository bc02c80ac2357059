"""The JSON writer's fast paths write the bytes the encoder would. A group's walks encoded once
(report/json_shared.py): each member's JSON is the bytes of encoding its own result, whatever else
the target carries (a source location, ids JSON must escape), and the report still meets the
schema. Findings written field by field: the bytes of encoding their dicts."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from report_schema import assert_valid_report

from fargate_netcheck.core.model import Report, SourceLocation
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.report import json_report
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets
from fargate_netcheck.trace import trace_targets


def _synth(vpcs: int, subnets: int) -> dict:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(vpcs, subnets, tgw_spokes=1, seed=5)


def _both(doc: dict, edit=lambda t: t) -> tuple[str, str, int]:
    graph = build_graph(parse_snapshot(doc, "shared.json"))
    targets = [edit(t) for t in audit_targets(graph)]
    grouped = trace_targets(graph, targets)
    alone = trace_targets(graph, targets, grouped=False)
    members = sum(r.shared is not None for r in grouped)
    return (
        json_report.render(Report("0", grouped, [], {})),
        json_report.render(Report("0", alone, [], {})),
        members,
    )


def test_members_json_is_the_encoding_of_their_own_results():
    shared, alone, members = _both(_synth(2, 30))
    assert members > 40, "most subnets of a synthetic account share a walk"
    assert shared == alone
    assert_valid_report(json.loads(shared))


def test_a_source_location_sits_between_the_egress_and_the_ecr_pull_as_for_any_target():
    def located(t):
        return replace(t, source="deploy-config:prod/web", location=SourceLocation("deploy/prod.yml", 7))

    shared, alone, members = _both(_synth(1, 20), located)
    assert members > 10
    assert shared == alone
    first = json.loads(shared)["targets"][0]
    keys = list(first)
    assert keys.index("internet_egress") < keys.index("source_location") < keys.index("needs")


def test_ids_that_json_escapes_are_escaped_in_every_member():
    doc = _synth(1, 12)
    text = json.dumps(doc)
    subnets = next(iter(doc["regions"].values()))["Subnets"]
    renamed = {s["SubnetId"]: f'subnet-"é\\{i:02d}' for i, s in enumerate(subnets)}
    for old, new in renamed.items():
        text = text.replace(json.dumps(old), json.dumps(new))
    shared, alone, members = _both(json.loads(text))
    assert members > 3
    assert shared == alone
    ids = {t["subnet_id"] for t in json.loads(shared)["targets"]}
    assert ids <= set(renamed.values()) and len(ids) > 3


def test_findings_are_written_as_the_encoder_writes_their_dicts():
    from fargate_netcheck.core.model import Finding, Severity

    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    findings = [
        Finding("RT001", Severity.ERROR, "rtb-1", "audit:subnet-1", 'route "x" \\ é \u2028 \x00', "fix it"),
        Finding("DNS003", Severity.WARNING, "vpc-1", None, "m", "r", suppressed="known", baseline="new"),
        Finding("XX001", Severity.INFO, 42, None, "a plug-in's id is a number", "r"),  # type: ignore[arg-type]
    ]
    for f in findings:
        assert json_report.finding_text(f, encode) == encode(json_report.finding_dict(f))
