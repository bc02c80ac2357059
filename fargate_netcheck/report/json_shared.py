"""The JSON of a group's walks encoded once, each member's filled in by substitution.

Targets that ask the same question share a walk (``trace/grouping.py``): a member's result is the
group's, with the traced subnet's id and range re-labelled as the member's own. Encoding those
results target by target is most of the cost of writing an audit's report (about 16 kB of JSON per
target, nine tenths of it the same within a group). Here the group's walks are re-labelled once
with placeholders instead of its subnet id, range and route table id (``GroupWalks.relabelled``, exactly what the
trace gives each member), encoded once, and split around the placeholders; a member's text is those
parts joined with its own labels, JSON-escaped. Substitution commutes with everything between
the re-labelling and the text (string concatenation and JSON string escaping), and the placeholders
carry a per-process random nonce, so no other text can hold them: the bytes are those of encoding
the member's own result (tests/report/test_json_shared.py proves it on the fuzzed snapshots).
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any

from fargate_netcheck.core.model import NeedResult, PathResult, TargetResult, worst_verdict
from fargate_netcheck.report.hosting import walks_egress_mode

_NONCE = secrets.token_hex(8)
# NUL characters keep the placeholders out of anything a walk writes; JSON escapes them as \u0000.
_PLACEHOLDERS = tuple(f"\x00{_NONCE}:{label}\x00" for label in ("subnet", "cidr", "route-table"))
_ENCODED = [json.dumps(p)[1:-1] for p in _PLACEHOLDERS]
_SPLIT = re.compile("(" + "|".join(re.escape(e) for e in _ENCODED) + ")")

Template = tuple[str | int, ...]  # text parts, and the index of a label (GroupWalks) between them
PathJson = Callable[[PathResult], dict[str, Any]]
NeedJson = Callable[[NeedResult], dict[str, Any]]


class SharedJson:
    """Per render: each group's walks as JSON templates, built the first time a member is written."""

    __slots__ = ("_encode", "_need_json", "_path_json", "_templates")

    def __init__(self, encode: Callable[[Any], str], path_json: PathJson, need_json: NeedJson) -> None:
        self._encode = encode
        self._path_json = path_json
        self._need_json = need_json
        self._templates: dict[int, tuple[str, Template, Template]] = {}

    def walks(self, result: TargetResult) -> tuple[str, Template, Template, tuple[str, ...]] | None:
        """The member's ``verdict`` and ``egress_mode`` members, the template of its
        ``internet_egress`` value and of the rest of its object after them (``ecr_pull`` when set,
        ``needs``, the closing brace), and its labels as the templates' values (``fill``), as
        ``_target`` and the encoder would write them; None when ``result`` is no group member. The
        verdict and mode read only verdicts, check codes and statuses, which re-labelling leaves
        alone: one of each per group."""
        shared = result.shared
        if shared is None:
            return None
        walks, labels = shared
        templates = self._templates.get(id(walks))
        if templates is None:
            templates = self._templates[id(walks)] = self._compile(walks)
        values = tuple("" if label is None else encode_basestring(label)[1:-1] for label in labels)
        return templates[0], templates[1], templates[2], values

    def _compile(self, walks: Any) -> tuple[str, Template, Template]:
        # ``walks`` stays alive in the members' results while the report is written, so its id
        # names it for the whole render.
        egress, ecr, needs = walks.relabelled(*_PLACEHOLDERS)
        encode = self._encode
        rest = f', "ecr_pull": {encode(self._path_json(ecr))}' if ecr is not None else ""
        rest += f', "needs": {encode([self._need_json(n) for n in needs])}}}'
        walked = [egress, *([ecr] if ecr is not None else []), *(n.result for n in needs)]
        verdict, mode = worst_verdict(walked)._value_, walks_egress_mode(egress, ecr)
        verdicts = f'"verdict": {encode(verdict)}, "egress_mode": {encode(mode)}'
        return verdicts, _template(encode(self._path_json(egress))), _template(rest)


def _template(text: str) -> Template:
    parts = _SPLIT.split(text)  # text, placeholder, text, ... (the placeholders at odd indexes)
    return tuple(_ENCODED.index(p) if i % 2 else p for i, p in enumerate(parts))


def fill(parts: list[str], template: Template, values: tuple[str, ...]) -> None:
    """Append to ``parts`` the text of ``template`` with ``values`` in place (one join per target)."""
    parts.extend([values[p] if isinstance(p, int) else p for p in template])
