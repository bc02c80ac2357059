"""JUnit XML for CI test-report viewers.

One ``<testsuite>`` per target source (``cli``, ``ecs-service:…``, ``deploy-config:…``), plus a
``findings`` suite for findings that belong to no target. Test cases:

- per target, one case per check: "internet egress", "ecr pull" when it was traced, and one per
  need ("need <name>:<port>": a case each, so a CI viewer lists what the task needs and which
  failed, as the text report's needs table does, and a need's history is tracked on its own);
  ``unreachable`` is a ``<failure>``; ``unknown`` is ``<skipped>`` (the tool could not decide, which
  is not a pass and not a proven failure; to gate CI on it, a rule turns it into an error finding,
  which fails below);
- per error finding, one case that fails (a suppressed one is ``<skipped>`` with its reason);
- a run that checked no target: one failing case in a ``targets`` suite (a run that saw nothing
  never passes, and a report with no failure would read as one that did);
- the ``collection`` suite: one passing case, or one failure per kind that could not be collected
  (a report without a collection section, from ``diagnose`` or ``demo``, has the suite only then).

Every suite and the root carry ``tests``/``failures``/``errors``/``skipped``/``time`` counts. A
target with a failing check case is one the summary counts ``unreachable``; one with a skipped
check case and no failing one, ``unknown``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

from fargate_netcheck.core.model import Finding, PathResult, Report, Severity, TargetResult, Verdict
from fargate_netcheck.report.escape import xml_text
from fargate_netcheck.report.gaps import NOTHING_CHECKED, collection_failures

ROOT_NAME = "fargate-netcheck"
NO_TARGET_SUITE = "findings"
COLLECTION_SUITE = "collection"
NOTHING_SUITE = "targets"


@dataclass(slots=True)
class _Case:
    name: str
    classname: str
    outcome: str  # passed | failure | skipped
    message: str = ""
    detail: tuple[str, ...] = ()  # lines; each cleaned on its own, so none can forge another
    kind: str = ""  # failure type
    file: str | None = None
    line: int | None = None


def render(report: Report) -> str:
    """The report as a JUnit XML document (UTF-8 declaration, ends in a newline)."""
    suites = _suites(report)
    root = ET.Element("testsuites", {"name": ROOT_NAME})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for name in sorted(suites):
        suite = _suite_element(name, suites[name])
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suites(report: Report) -> dict[str, list[_Case]]:
    suites: dict[str, list[_Case]] = {}
    source_of: dict[str, str] = {}
    for result in sorted(report.targets, key=lambda t: t.target.target_id):
        source = result.target.source
        source_of[result.target.target_id] = source
        suites.setdefault(source, []).extend(_target_cases(result))
    errors = [f for f in report.findings if f.severity is Severity.ERROR]
    for finding in sorted(errors, key=Finding.sort_key):
        suite = source_of.get(finding.target_id or "", NO_TARGET_SUITE)
        suites.setdefault(suite, []).append(_finding_case(finding, suite))
    if not report.targets:
        detail = (f"{len(report.active_findings())} active finding(s); see the report",)
        suites[NOTHING_SUITE] = [
            _Case("nothing checked", NOTHING_SUITE, "failure", NOTHING_CHECKED, detail, "nothing-checked")
        ]
    failed = collection_failures(report)
    if report.collection is not None:
        suites[COLLECTION_SUITE] = _collection_cases(report.collection.line(), failed)
    elif failed:  # diagnose, demo: no collection section, but what failed still fails here
        suites[COLLECTION_SUITE] = _collection_cases(f"{len(failed)} not collected", failed)
    return suites


def _collection_cases(line: str, failed: list[tuple[str, str]]) -> list[_Case]:
    """One passing case when every kind was collected, else one failure per kind that was not."""
    if not failed:
        return [_Case("collection complete", COLLECTION_SUITE, "passed", detail=(line,))]
    return [
        _Case(name, COLLECTION_SUITE, "failure", message, (line,), "collection-failed")
        for name, message in failed
    ]


def _target_cases(result: TargetResult) -> list[_Case]:
    checks = [({"ECR pull": "ecr pull"}.get(label, label), path) for label, path in result.walks()]
    target = result.target
    where = target.location
    cases = []
    for check, path in checks:
        case = _path_case(f"{target.target_id}: {check}", target.source, path)
        if where is not None:
            case.file, case.line = where.path, where.line
        cases.append(case)
    return cases


def _path_case(name: str, classname: str, path: PathResult) -> _Case:
    detail = _path_detail(path)
    if path.verdict is Verdict.UNREACHABLE:
        return _Case(name, classname, "failure", path.reason, detail, "unreachable")
    if path.verdict is Verdict.UNKNOWN:
        return _Case(name, classname, "skipped", f"unknown: {path.reason}", detail)
    return _Case(name, classname, "passed", detail=detail)


def _path_detail(path: PathResult) -> tuple[str, ...]:
    lines = [f"verdict: {path.verdict.value}", "path: " + (" -> ".join(path.path) or "(none)")]
    if path.via:
        lines.append(f"via: {path.via}")
    if path.blocked_at:
        lines.append(f"blocked at: {path.blocked_at}")
    lines.append(f"reason: {path.reason}")
    lines += [f"  [{c.status.value}] {c.code.value} {c.resource_id}: {c.reason}" for c in path.checks]
    return tuple(lines)


def _finding_case(finding: Finding, suite: str) -> _Case:
    name = f"{finding.rule_id}: {finding.resource_id}" + (
        f" ({finding.target_id})" if finding.target_id else ""
    )
    detail = (finding.message, f"Fix: {finding.remediation}")
    if finding.suppressed is not None:
        return _Case(name, suite, "skipped", f"suppressed: {finding.suppressed}", detail)
    return _Case(name, suite, "failure", finding.message, detail, finding.rule_id)


def _suite_element(name: str, cases: list[_Case]) -> ET.Element:
    failures = sum(c.outcome == "failure" for c in cases)
    skipped = sum(c.outcome == "skipped" for c in cases)
    suite = ET.Element(
        "testsuite",
        {
            "name": xml_text(name),
            "tests": str(len(cases)),
            "failures": str(failures),
            "errors": "0",
            "skipped": str(skipped),
            "time": "0",
        },
    )
    seen: dict[tuple[str, str], int] = {}
    for case in cases:
        # CI tools key test cases by class and name: two findings of one rule on one resource and
        # target (two unknown checks there) would merge into one; the second is numbered.
        n = seen[case.classname, case.name] = seen.get((case.classname, case.name), 0) + 1
        suite.append(_case_element(case if n == 1 else replace(case, name=f"{case.name} #{n}")))
    return suite


def _case_element(case: _Case) -> ET.Element:
    attrs = {"name": xml_text(case.name), "classname": xml_text(case.classname), "time": "0"}
    if case.file:
        attrs["file"] = xml_text(case.file)
        if case.line:
            attrs["line"] = str(case.line)
    element = ET.Element("testcase", attrs)
    if case.outcome == "failure":
        failure = ET.SubElement(
            element, "failure", {"message": xml_text(case.message), "type": xml_text(case.kind)}
        )
        failure.text = _text_block(case.detail)
    elif case.outcome == "skipped":
        ET.SubElement(element, "skipped", {"message": xml_text(case.message)})
        ET.SubElement(element, "system-out").text = _text_block(case.detail)
    else:
        ET.SubElement(element, "system-out").text = _text_block(case.detail)
    return element


def _text_block(lines: tuple[str, ...]) -> str:
    """The detail's own lines kept; a line break inside one (an untrusted value's) is replaced."""
    return "\n".join(xml_text(line) for line in lines)
