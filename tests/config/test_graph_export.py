"""Graph export: DOT, GraphML and node-link JSON carry every node and edge with plain attributes,
read back with networkx, quote hostile tag values safely, and are deterministic."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import networkx as nx
import pytest
from snapshots import healthy, item

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.graph.export import FORMATS, export_graph, plain_graph, quote
from fargate_netcheck.snapshot.store import parse_snapshot

HOSTILE = 'evil" -> "x\\ [label="pwned"];\nnext line\x07'


def graph_of(snap=None) -> nx.DiGraph:
    return build_graph(parse_snapshot(snap or named()))


def named() -> dict:
    snap = healthy()
    item(snap, "Subnets", "subnet-public")["Tags"] = [{"Key": "Name", "Value": "public-a"}]
    item(snap, "Subnets", "subnet-private")["Tags"] = [{"Key": "Name", "Value": HOSTILE}]
    return snap


def test_plain_graph_keeps_kind_account_region_and_name_only():
    clean = plain_graph(graph_of())
    assert clean.nodes["subnet-public"] == {
        "kind": "subnet",
        "account": "123456789012",
        "region": "us-east-1",
        "name_tag": "public-a",
    }
    for _, attrs in clean.nodes(data=True):
        assert set(attrs) <= {"kind", "account", "region", "name_tag"}
    for _, _, attrs in clean.edges(data=True):
        assert all(isinstance(v, str | int | float | bool) for v in attrs.values())
    assert clean.graph == {}  # the snapshot's region data stays behind


def test_graphml_reads_back_with_the_same_nodes_edges_and_attributes():
    original = graph_of()
    text = export_graph(original, "graphml")
    back = nx.parse_graphml(text)
    assert set(back.nodes) == set(original.nodes)
    assert set(back.edges) == set(original.edges)
    assert back.nodes["subnet-public"]["name_tag"] == "public-a"
    assert back.nodes["subnet-private"]["name_tag"] == HOSTILE.replace("\x07", "\ufffd")
    assert back.nodes["nat-app"]["kind"] == "nat"
    assert back.edges["rtb-private", "nat-app"]["destinations"] == "0.0.0.0/0"
    assert back.edges["subnet-public", "rtb-public"]["explicit"] is True
    assert "item" not in back.nodes["vpc-app"]


def test_json_reads_back_with_node_link_graph():
    original = graph_of()
    data = json.loads(export_graph(original, "json"))
    back = nx.node_link_graph(data, edges="edges")
    assert back.is_directed()
    assert set(back.nodes) == set(original.nodes)
    assert set(back.edges) == set(original.edges)
    assert back.edges["subnet-public", "vpc-app"]["rel"] == "in-vpc"
    assert back.nodes["subnet-private"]["name_tag"] == HOSTILE.replace("\x07", "\ufffd")


DOT_STRING = r'"(?:[^"\\]|\\.)*"'
DOT_STATEMENT = re.compile(
    rf"^  {DOT_STRING}(?: -> {DOT_STRING})? \[{DOT_STRING}={DOT_STRING}(?:, {DOT_STRING}={DOT_STRING})*\];$"
)


def test_dot_has_every_node_and_edge_and_quotes_hostile_names():
    original = graph_of()
    text = export_graph(original, "dot")
    lines = text.splitlines()
    assert lines[0] == 'digraph "fargate-netcheck" {' and lines[-1] == "}"
    statements = [line for line in lines[1:-1] if not re.match(r"^  (graph|node|edge) \[", line)]
    # Every statement is one well-formed line: the hostile tag broke no quoting.
    for line in statements:
        assert DOT_STATEMENT.match(line), line
    for node in original.nodes:
        assert any(line.startswith(f"  {quote(node)} [") for line in statements), node
    edges = [line for line in statements if re.match(rf"^  {DOT_STRING} -> {DOT_STRING} \[", line)]
    assert len(edges) == original.number_of_edges()
    assert len(statements) == original.number_of_nodes() + original.number_of_edges()
    assert r"evil\" -> \"x\\ [label=\"pwned\"];\nnext line" in text


def test_dot_quote_escapes_backslashes_quotes_and_line_breaks():
    assert quote('a"b') == r'"a\"b"'
    assert quote("a\\") == r'"a\\"'
    assert quote("a\nb\r\nc") == r'"a\nb\r\nc"'


def test_dot_keeps_apart_ids_that_differ_only_in_their_line_break():
    assert quote("sg-a\rb") != quote("sg-a\nb")


@pytest.mark.skipif(
    shutil.which("dot") is None and not os.environ.get("CI"),
    reason="Graphviz `dot` is not installed (CI installs it, and there this test never skips)",
)
def test_graphviz_reads_the_dot_output_back_node_for_node():
    original = graph_of()
    result = subprocess.run(
        ["dot", "-Tjson"], input=export_graph(original, "dot"), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    drawn = json.loads(result.stdout)
    names = {obj["name"] for obj in drawn["objects"]}
    assert names == set(original.nodes)
    assert len(drawn["edges"]) == original.number_of_edges()
    labels = {obj["name"]: obj["label"] for obj in drawn["objects"]}
    # Graphviz unescapes \" and keeps \\ and \n as escapes for drawing: the tag is one label.
    assert (
        labels["subnet-private"]
        == r'subnet-private\nevil" -> "x\\ [label="pwned"];\nnext line' + "\ufffd" + r"\nsubnet"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_is_deterministic_whatever_the_insertion_order(fmt):
    snap = named()
    reordered = named()
    for items in reordered["regions"]["us-east-1"].values():
        if isinstance(items, list):
            items.reverse()
    first, second = export_graph(graph_of(snap), fmt), export_graph(graph_of(reordered), fmt)
    assert first == second
    assert export_graph(graph_of(snap), fmt) == first


def test_unknown_format_is_an_input_error():
    with pytest.raises(InputError, match=r"--format: 'png' is not one of dot, graphml, json"):
        export_graph(graph_of(), "png")
