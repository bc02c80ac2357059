"""Fuzzing: mutated snapshots through the whole offline pipeline end in a report or an InputError.

Mutations of valid snapshots (``healthy()`` and a small synthetic account): deleted keys, values of
another type, corrupt CIDRs, odd integers, dropped and duplicated items, random or cross-kind ids,
renamed keys, nested garbage, and truncated or corrupted JSON text. Run with
``--hypothesis-show-statistics`` to see how many examples ran and how each ended.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from fuzz.mutations import BASES, FUZZ, mutated, nodes, set_field
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from snapshots import healthy

from fargate_netcheck.cli.app import main
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.pipeline import AnalysisOptions, analyze
from fargate_netcheck.report.json_report import render
from fargate_netcheck.snapshot.store import load_snapshot, parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets, cli_targets


def run_offline(doc: Any) -> str | None:
    """parse -> graph -> audit targets + command-line targets -> analyze -> JSON. None on InputError."""
    try:
        snapshot = parse_snapshot(doc, "fuzz.json")
        graph = build_graph(snapshot)
        targets = audit_targets(graph)
        subnets = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "subnet")
        groups = sorted(n for n, a in graph.nodes(data=True) if a.get("kind") == "sg")
        if subnets:
            targets += cli_targets(graph, subnets[:1], groups[:1], False)
            targets += cli_targets(graph, subnets[-1:], groups[-2:], True)
        text = render(analyze(snapshot, graph, targets, AnalysisOptions(plugins=False), with_topology=True))
    except InputError as exc:
        assert str(exc), "an InputError says what is wrong"  # one line on the terminal: see the CLI test
        event("outcome: InputError")
        return None
    event("outcome: report")
    return text


@FUZZ
@given(data=st.data())
def test_mutated_snapshot_ends_in_a_report_or_an_input_error(data):
    doc = mutated(data)
    text = run_offline(doc)
    if text is not None:
        assert json.loads(text)["report_version"] == 1


@FUZZ
@given(data=st.data())
def test_one_field_of_another_type_ends_in_a_report_or_an_input_error(data):
    base = data.draw(st.sampled_from(sorted(BASES)), label="base")
    note(f"base: {base}")
    doc = set_field(data, copy.deepcopy(BASES[base]), nodes(BASES[base]))
    run_offline(doc)


@FUZZ
@given(data=st.data())
def test_truncated_or_corrupted_json_text_ends_in_a_report_or_an_input_error(data):
    text = json.dumps(BASES[data.draw(st.sampled_from(sorted(BASES)), label="base")], indent=1)
    at = data.draw(st.integers(0, len(text) - 1), label="at")
    op = data.draw(st.sampled_from(["truncate", "replace", "insert", "delete"]), label="op")
    char = data.draw(st.sampled_from('{}[]",:0-9 \\\x00ée') | st.characters(), label="char")
    text = {
        "truncate": text[:at],
        "replace": text[:at] + char + text[at + 1 :],
        "insert": text[:at] + char + text[at:],
        "delete": text[:at] + text[at + 1 :],
    }[op]
    event(f"text: {op}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snap.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            doc = load_snapshot(path).raw
        except InputError:
            event("outcome: InputError at load")
            return
    run_offline(doc)


ALL_FORMATS = "json,text,sarif,junit,markdown,html"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cli_on_a_mutated_snapshot_exits_0_1_or_2_without_a_traceback(data):
    doc = mutated(data, max_mutations=2)
    with tempfile.TemporaryDirectory() as tmp, contextlib.chdir(tmp):
        Path("snap.json").write_text(json.dumps(doc, default=repr))
        argv, out, err = sys.argv, io.StringIO(), io.StringIO()
        sys.argv = [
            "fargate-netcheck",
            "check",
            "--snapshot",
            "snap.json",
            "-f",
            ALL_FORMATS,
            "--output-dir",
            "out",
        ]
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            sys.argv = argv
    event(f"exit code {code}")
    assert code in (0, 1, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().startswith("fargate-netcheck: error: ") and err.getvalue().count("\n") == 1


def _broken_files() -> dict[str, str]:
    snap = healthy()
    snap["regions"]["us-east-1"]["Subnets"][0]["CidrBlock"] = 42
    text = json.dumps(healthy())
    hostile = healthy()  # a region name that would break the one-line message and colour the terminal
    hostile["regions"]["us-east-1\n\x1b[31mFAKE"] = hostile["regions"].pop("us-east-1")
    hostile["regions"]["us-east-1\n\x1b[31mFAKE"]["Vpcs"][0]["CidrBlock"] = "10.0.0.0/33"
    return {
        "control-characters": json.dumps(hostile),
        "truncated": text[: len(text) // 3],
        "wrong-type": json.dumps(snap),
        "not-an-object": "[]",
        "binary": "\x00\x01\x02",
    }


@pytest.mark.parametrize("name", sorted(_broken_files()))
def test_installed_cli_prints_one_line_and_no_traceback_on_broken_files(tmp_path, name):
    path = tmp_path / f"{name}.json"
    path.write_text(_broken_files()[name])
    cmd = [
        sys.executable,
        "-c",
        "from fargate_netcheck.cli.app import main; main()",
        "check",
        "--snapshot",
        str(path),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert "\x1b" not in result.stderr  # untrusted text never reaches the terminal raw
