"""The data behind the HTML report's path groups, drawn on demand by report.js.

Each group of walks with identical paths (``compliance.PathGroup``) becomes one JSON object: the
diagram of its first member's walk laid out as on a target card (boxes, arrows, size), its reason
and checks, and its members. The JSON is embedded as a data block (never executed), with ``<``,
``>`` and ``&`` written as ``\\u`` escapes so no string in it can close the block.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from fargate_netcheck.model import PathResult
from fargate_netcheck.report.compliance import Compliance

_UNSAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def path_data(cv: Compliance, layout: Callable[[str, PathResult], Any]) -> Markup:
    groups = []
    for g in cv.paths:
        d = layout(g.check, g.example)
        example = g.members[0]
        groups.append(
            {
                "check": g.check,
                "verdict": g.verdict._value_,
                "example": example.target.target_id,
                "w": d.width,
                "h": d.height,
                "boxes": [[b.hop_id, b.kind, b.label, b.name, b.state, b.x, b.y] for b in d.boxes],
                "arrows": [[a.points, a.state] for a in d.arrows],
                "blocked_at": g.example.blocked_at,
                "reason": g.example.reason,
                "checks": [
                    [c.status._value_, c.code._value_, c.resource_id, c.reason] for c in g.example.checks
                ],
                "members": [[m.target.target_id, m.target.subnet_id] for m in g.members],
            }
        )
    text = json.dumps(groups, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_UNSAFE))  # safe: JSON with every "<", ">" and "&" escaped
