"""The data behind the HTML report's path groups, drawn on demand by report.js.

Each group of walks with identical paths (``compliance.PathGroup``) becomes a small JSON object:
its hops with the state each is drawn in (laid out as on a target card, ``html.layout_path``), the
first member's reason (and, for the first ``WITH_CHECKS`` groups, its checks), and its members.
What every box shows (kind, label, name) is written once per hop for the whole page, and the
geometry once, so 50,000 targets over thousands of distinct paths stay a few megabytes. The JSON
is embedded as a data block (never executed), with ``<``, ``>`` and ``&`` written as ``\\u``
escapes so no string in it can close the block.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from markupsafe import Markup

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.model import PathResult, TargetResult
from fargate_netcheck.core.unsafe_text import UNSAFE
from fargate_netcheck.report.compliance import Compliance

if TYPE_CHECKING:
    from fargate_netcheck.report.html import PathDiagram

WITH_CHECKS = 200  # groups whose first member's checks are embedded (the JSON report has all)
_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


_STATE = {"ok": "o", "blocked": "b", "unknown": "u", "unreached": "n"}


def path_data(
    cv: Compliance, layout: Callable[[str, PathResult], PathDiagram], geometry: list[int]
) -> Markup:
    """``targets``: [target id, subnet id] once each; ``boxes``: [hop id, kind, label, name] once
    each; per group, its boxes as indexes with one state letter each (``_STATE``), its members and
    example as target indexes."""
    boxes: dict[str, int] = {}
    box_rows: list[list[str]] = []
    targets: dict[str, int] = {}
    target_rows: list[list[str]] = []

    def target(result: TargetResult) -> int:
        t = result.target
        if t.target_id not in targets:
            targets[t.target_id] = len(target_rows)
            target_rows.append([t.target_id, t.subnet_id])
        return targets[t.target_id]

    groups = []
    for i, g in enumerate(cv.paths):
        d = layout(g.check, g.example)
        for b in d.boxes:
            if b.hop_id not in boxes:
                boxes[b.hop_id] = len(box_rows)
                box_rows.append([b.hop_id, b.kind, b.label, b.name])
        group: JsonDict = {
            "c": g.check,
            "v": g.verdict._value_,
            "via": g.via,
            "p": [boxes[b.hop_id] for b in d.boxes],
            "s": "".join(_STATE[b.state] for b in d.boxes),
            "b": g.example.blocked_at,
            "r": g.example.reason,
            "m": [target(m) for m in g.members],
        }
        if i < WITH_CHECKS:
            group["k"] = [
                [c.status._value_, c.code._value_, c.resource_id, c.reason] for c in g.example.checks
            ]
        groups.append(group)
    data = {"geometry": geometry, "boxes": box_rows, "targets": target_rows, "groups": groups}
    text = UNSAFE.sub("\ufffd", json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return Markup(text.translate(_UNSAFE))  # safe: JSON with every "<", ">" and "&" escaped
