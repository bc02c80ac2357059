"""Export the network graph for other tools: Graphviz DOT, GraphML, or node-link JSON.

Only plain attributes leave: per node ``kind``, ``account``, ``region`` and the ``Name`` tag (as
``name_tag``; ``name`` itself means the node id to Graphviz); per edge the scalar attributes (``rel``, ``explicit``, ``state``, ...; lists such as a
route's ``destinations`` are joined with ", "). The verbatim AWS items and the parsed views the trace
uses stay behind. Output is deterministic: nodes and edges sorted, attributes in a fixed order.
Strings come from AWS (tag values are user-written), so DOT quoting escapes quotes, backslashes
and line breaks, and control characters are replaced in every format.
"""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.unsafe_text import json_inert

FORMATS = ("dot", "graphml", "json")
NODE_ATTRIBUTES = ("kind", "account", "region")
# What XML 1.0 cannot carry (C0 controls but tab and line breaks, U+FFFE/U+FFFF, lone surrogates),
# and what could make a viewer show something else: C1 controls, bidi characters, invisible ones
# (as core/unsafe_text.py's ``UNSAFE``).
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028\u2029"
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ud800-\udfff\ufeff\uffa0\ufffe\uffff"
    "\U000e0000-\U000e007f]"
)


def export_graph(graph: nx.DiGraph, fmt: str) -> str:
    """The graph as text in ``fmt`` (dot, graphml or json)."""
    clean = plain_graph(graph)
    if fmt == "dot":
        return _dot(clean)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(clean)) + "\n"
    if fmt == "json":
        data = nx.node_link_data(clean, edges="edges")
        return json_inert(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n"
    raise InputError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")


def plain_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy with sorted nodes and edges and only str/int/float/bool attributes."""
    out = nx.DiGraph()
    for node in sorted(graph.nodes, key=str):
        attrs = graph.nodes[node]
        kept: dict[str, str | int | float] = {
            key: _text(attrs[key]) for key in NODE_ATTRIBUTES if attrs.get(key) is not None
        }
        name = name_tag(attrs.get("item"))
        if name is not None:
            kept["name_tag"] = _text(name)
        out.add_node(_text(str(node)), **kept)
    for source, target in sorted(graph.edges, key=lambda e: (str(e[0]), str(e[1]))):
        attrs = graph.edges[source, target]
        kept = {}
        for key in sorted(attrs):
            value = _scalar(attrs[key])
            if value is not None:
                kept[key] = value
        out.add_edge(_text(str(source)), _text(str(target)), **kept)
    return out


def name_tag(item: object) -> str | None:
    if not isinstance(item, dict):
        return None
    for tag in item.get("Tags") or []:
        value = tag.get("Value") if isinstance(tag, dict) and tag.get("Key") == "Name" else None
        if isinstance(value, str):
            return value
    return None


def _scalar(value: object) -> str | int | float | bool | None:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple) and all(isinstance(v, str | int | float) for v in value):
        return _text(", ".join(str(v) for v in value))
    return None  # dicts, parsed objects, None: not exported


def _text(value: str) -> str:
    return _CONTROL.sub("\ufffd", value)


def _dot(graph: nx.DiGraph) -> str:
    lines = [
        'digraph "fargate-netcheck" {',
        "  graph [rankdir=LR];",
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node, attrs in graph.nodes(data=True):
        label = "\n".join(
            part for part in (node, attrs.get("name_tag"), attrs.get("kind")) if isinstance(part, str)
        )
        lines.append(f"  {quote(node)} [{_dot_attrs({'label': label, **attrs})}];")
    for source, target, attrs in graph.edges(data=True):
        extra = {"label": attrs["rel"]} if isinstance(attrs.get("rel"), str) else {}
        lines.append(f"  {quote(source)} -> {quote(target)} [{_dot_attrs({**extra, **attrs})}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_attrs(attrs: dict[str, Any]) -> str:
    return ", ".join(f"{quote(str(key))}={quote(_dot_value(value))}" for key, value in attrs.items())


def _dot_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, a line feed as ``\\n`` and a
    carriage return as ``\\r`` (each a line break in a label; two ids that differ in one stay two)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\r", "\\r") + '"'
