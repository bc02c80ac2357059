"""The HTML report: one self-contained file (inline CSS, JS and SVG; no network), autoescaped.

This module prepares a view of the report (hop diagrams laid out as boxes and arrows, findings
grouped by severity, counts); the markup lives in ``reports/templates/report.html.j2`` and its
partials under ``html/``. The page's Content-Security-Policy allows only its own inline style and
script (by hash), so even a string that escaped escaping could not run or load anything.

The page of a large audit is over 100 MB: ``chunks`` hands it over as the template produces it, and
each distinct hop box is laid out and drawn once per render (``_Shapes``, ``_Drawing``).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from fargate_netcheck.core.model import Finding, PathResult, Report, RuleInfo, Severity, TargetResult, Verdict
from fargate_netcheck.core.resources import templates_dir
from fargate_netcheck.core.unsafe_text import UNSAFE
from fargate_netcheck.report.compliance import compliance
from fargate_netcheck.report.html_paths import path_data

# Diagram geometry (SVG user units = CSS px).
BOX_W, BOX_H = 180, 58
GAP, ROW_GAP, PAD = 38, 34, 8
PER_ROW = 5
MAX_LABEL = 26
CARD_LIMIT = 200  # above this many targets, paths are shown per group (drawn on demand), not per target
TABLE_ROWS = 50  # rows of each compliance table; FINDING_LIMIT findings per severity
FINDING_LIMIT = 200
STATIC_PATHS = 200  # path groups written into the page; report.js adds the others on request
_PIECES_PER_CHUNK = 4096  # template pieces joined per chunk: fewer writes, still small chunks
_K = TypeVar("_K")

# Kind labels by id prefix; longer prefixes first.
_HOP_KINDS = (
    ("tgw-attach-", "TGW attachment"),
    ("tgw-rtb-", "TGW route table"),
    ("subnet-", "subnet"),
    ("rtb-", "route table"),
    ("nat-", "NAT gateway"),
    ("igw-", "internet gateway"),
    ("eigw-", "egress-only IGW"),
    ("sg-", "security group"),
    ("acl-", "network ACL"),
    ("vpce-", "VPC endpoint"),
    ("pcx-", "peering connection"),
    ("tgw-", "transit gateway"),
    ("eni-", "network interface"),
    ("pl-", "prefix list"),
    ("vgw-", "VPN gateway"),
    ("vpc-", "VPC"),
    ("i-", "instance"),
)
_VERDICT_ORDER = (Verdict.UNREACHABLE, Verdict.UNKNOWN, Verdict.REACHABLE)
_SEVERITY_ORDER = (Severity.ERROR, Severity.WARNING, Severity.INFO)


@dataclass(frozen=True, slots=True)
class Box:
    hop_id: str
    kind: str
    label: str
    name: str
    state: str  # ok | blocked | unknown | unreached
    x: int
    y: int
    w: int = BOX_W
    h: int = BOX_H

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def title(self) -> str:
        return f"{self.kind} {self.hop_id}" + (f" ({self.name})" if self.name else "")


@dataclass(frozen=True, slots=True)
class Arrow:
    points: str
    state: str  # ok | unreached


@dataclass(frozen=True, slots=True)
class PathDiagram:
    check: str  # "internet egress" | "ECR pull"
    result: PathResult
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]
    width: int
    height: int

    @property
    def aria_label(self) -> str:
        return f"{self.check} path: " + " → ".join(b.hop_id for b in self.boxes)


@dataclass(frozen=True, slots=True)
class FindingView:
    finding: Finding
    index: int
    rule: RuleInfo | None

    @property
    def anchor(self) -> str:
        return f"finding-{self.index}"


@dataclass(slots=True)
class TargetCard:
    result: TargetResult
    verdict: Verdict
    diagrams: list[PathDiagram]
    findings: list[FindingView] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SeverityGroup:
    severity: Severity
    findings: tuple[FindingView, ...]

    @property
    def active(self) -> int:
        return sum(v.finding.suppressed is None for v in self.findings)

    @property
    def suppressed(self) -> int:
        return len(self.findings) - self.active


def render(report: Report) -> str:
    """The report as one self-contained HTML document (same report in, same bytes out)."""
    return "".join(chunks(report))


def chunks(report: Report) -> Iterator[str]:
    """The document in pieces, as the template produces them (joined a few thousand at a time):
    the page of a large audit is over 100 MB, and a writer that streams need not hold it."""
    env = _environment()
    pieces = env.get_template("report.html.j2").generate(_context(env, report))
    while batch := list(itertools.islice(pieces, _PIECES_PER_CHUNK)):
        yield "".join(batch)


def _context(env: Environment, report: Report) -> dict[str, Any]:
    css = _static(env, "html/report.css")
    js = _static(env, "html/report.js")
    views = _finding_views(report)
    names = _names(report)
    cv = compliance(report)
    shapes = _Shapes(names)
    many = len(report.targets) > CARD_LIMIT
    return {
        "report": report,
        "accounts": sorted(report.account_ids),
        "summary": report.summary(),
        "verdict_counts": _verdict_counts(report),
        "severity_counts": _severity_counts(report),
        "suppressed_count": sum(f.suppressed is not None for f in report.findings),
        "new_count": sum(f.baseline == "new" for f in report.findings),
        "cards": [] if many else _target_cards(report, views, names),
        "cards_omitted": len(report.targets) if many else 0,
        "card_limit": CARD_LIMIT,
        "cv": cv,
        "table_rows": TABLE_ROWS,
        "finding_limit": FINDING_LIMIT,
        "path_data": path_data(
            cv,
            lambda check, path: layout_path(check, path, names, shapes),
            [BOX_W, BOX_H, GAP, ROW_GAP, PAD, PER_ROW],
        ),
        "static_paths": STATIC_PATHS,
        "topology_omitted": many,
        "drawn": _Drawing.of(env),
        "finding_groups": _severity_groups(views),
        "resolved": sorted(report.resolved, key=Finding.sort_key),
        "errors": sorted(report.errors.items()),
        "collection_line": report.collection.line() if report.collection is not None else None,
        "topology": [] if many else list(report.topology),
        "verdicts": [v.value for v in _VERDICT_ORDER],
        "severities": [s.value for s in _SEVERITY_ORDER],
        "css": Markup(css),
        "js": Markup(js),
        "csp": _content_security_policy(css, js),
    }


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        finalize=_shown,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _shown(value: object) -> object:
    """What a template prints: autoescaped, and a plain string's ``UNSAFE`` characters (bidi
    overrides that reorder what a reader sees, controls, separators) as U+FFFD. Markup is the
    writer's own (CSS, JS, the path data: ``html_paths`` cleans that)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return UNSAFE.sub("\ufffd", value)
    return value


def _static(env: Environment, name: str) -> str:
    """A CSS/JS file from the template folder, verbatim (not rendered: it is code, not a template)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    if "</" in source:
        raise ValueError(f"{name}: inline CSS/JS must not contain '</'")
    return source


def _content_security_policy(css: str, js: str) -> str:
    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    return f"default-src 'none'; style-src {digest(css)}; script-src {digest(js)}; img-src data:"


def hop_kind(hop_id: str) -> str:
    """What a hop id names, for a reader ("route table" for rtb-…)."""
    if hop_id == "local":
        return "VPC local"
    for prefix, label in _HOP_KINDS:
        if hop_id.startswith(prefix):
            return label
    return "hop"


def _shorten(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def layout_path(
    check: str, result: PathResult, names: dict[str, str], shapes: _Shapes | None = None
) -> PathDiagram:
    """Boxes per hop, left to right, wrapping every PER_ROW hops; the blocking hop marked.
    ``shapes`` (made from the same ``names``) shares boxes and arrows between the diagrams of one
    render."""
    shapes = shapes if shapes is not None else _Shapes(names)
    hops = list(result.path)
    if result.blocked_at and result.blocked_at not in hops:
        hops.append(result.blocked_at)
    stop = hops.index(result.blocked_at) if result.blocked_at else None
    last_state = {"reachable": "ok", "unreachable": "blocked", "unknown": "unknown"}[result.verdict.value]
    boxes = []
    for i, hop in enumerate(hops):
        if stop is not None and i == stop:
            state = last_state if result.verdict is not Verdict.REACHABLE else "ok"
        elif stop is not None and i > stop:
            state = "unreached"
        elif stop is None and i == len(hops) - 1 and result.verdict is Verdict.UNKNOWN:
            state = "unknown"
        else:
            state = "ok"
        boxes.append(shapes.box(hop, i, state))
    arrows = [shapes.arrow(a, b, i) for i, (a, b) in enumerate(itertools.pairwise(boxes), start=1)]
    cols = min(len(boxes), PER_ROW)
    rows = -(-len(boxes) // PER_ROW)
    width = 2 * PAD + cols * (BOX_W + GAP) - GAP if boxes else 0
    height = 2 * PAD + rows * (BOX_H + ROW_GAP) - ROW_GAP if boxes else 0
    return PathDiagram(check, result, tuple(boxes), tuple(arrows), width, height)


@dataclass(slots=True)
class _Shapes:
    """The boxes and arrows laid out so far in one render, reused by what determines them: an audit
    walks the same route tables and gateways from every subnet behind them (at 10,000 subnets,
    ~110,000 boxes of which ~12,000 differ), and a reused box is drawn only once (``_Drawing``)."""

    names: dict[str, str]
    boxes: dict[tuple[str, int, str], Box] = field(default_factory=dict)
    arrows: dict[tuple[int, bool], Arrow] = field(default_factory=dict)

    def box(self, hop: str, i: int, state: str) -> Box:
        """The box of ``hop`` drawn ``i``-th on a path, in ``state``."""
        key = (hop, i, state)
        box = self.boxes.get(key)
        if box is None:
            row, col = divmod(i, PER_ROW)
            x, y = PAD + col * (BOX_W + GAP), PAD + row * (BOX_H + ROW_GAP)
            name = _shorten(self.names.get(hop, ""))
            box = self.boxes[key] = Box(hop, hop_kind(hop), _shorten(hop), name, state, x, y)
        return box

    def arrow(self, a: Box, b: Box, i: int) -> Arrow:
        """The arrow into the ``i``-th box ``b`` from ``a``: fixed by the position and ``b``'s state."""
        key = (i, b.state == "unreached")
        arrow = self.arrows.get(key)
        if arrow is None:
            arrow = self.arrows[key] = _arrow(a, b)
        return arrow


def _arrow(a: Box, b: Box) -> Arrow:
    state = "unreached" if b.state == "unreached" else "ok"
    if a.y == b.y:
        mid = a.y + BOX_H // 2
        return Arrow(f"{a.x + BOX_W},{mid} {b.x - 3},{mid}", state)
    turn = a.y + BOX_H + ROW_GAP // 2
    points = f"{a.cx},{a.y + BOX_H} {a.cx},{turn} {b.cx},{turn} {b.cx},{b.y - 3}"
    return Arrow(points, state)


@dataclass(slots=True)
class _Drawing:
    """The inside of a diagram's ``<svg>``: its arrows, then its boxes, each drawn by its macro in
    html/_path.html.j2 the first time it is met in a render and reused after (``_Shapes`` makes
    equal boxes common). Jinja escapes each of the ~17 values it prints into a box: at 10,000
    subnets, drawing ~12,000 distinct boxes instead of ~110,000 was most of the render's time."""

    arrow: Callable[[Arrow], str]
    hop_box: Callable[[Box], str]
    arrows: dict[Arrow, str] = field(default_factory=dict)
    boxes: dict[Box, str] = field(default_factory=dict)

    @classmethod
    def of(cls, env: Environment) -> _Drawing:
        # Jinja's TemplateModule holds the template's exported macros as attributes it does not declare.
        macros = vars(env.get_template("html/_path.html.j2").module)
        return cls(macros["arrow"], macros["hop_box"])

    def __call__(self, d: PathDiagram) -> Markup:
        arrows = [_once(self.arrows, a, self.arrow) for a in d.arrows]
        boxes = [_once(self.boxes, b, self.hop_box) for b in d.boxes]
        return Markup("".join(arrows + boxes))  # each macro's output is already escaped markup


def _once(done: dict[_K, str], key: _K, make: Callable[[_K], str]) -> str:
    value = done.get(key)
    if value is None:
        value = done[key] = make(key)
    return value


def _names(report: Report) -> dict[str, str]:
    names: dict[str, str] = {}
    for vpc in report.topology:
        names |= vpc.names()
    return names


def _worst(results: list[PathResult]) -> Verdict:
    verdicts = {r.verdict for r in results}
    return next(v for v in _VERDICT_ORDER if v in verdicts)


def _target_cards(report: Report, views: list[FindingView], names: dict[str, str]) -> list[TargetCard]:
    by_target: dict[str, list[FindingView]] = {}
    for view in views:
        if view.finding.target_id is not None:
            by_target.setdefault(view.finding.target_id, []).append(view)
    shapes = _Shapes(names)
    cards = []
    for result in sorted(report.targets, key=lambda t: t.target.target_id):
        checks = result.walks()[: 2 if result.ecr_pull is not None else 1]  # drawn; needs are a table
        diagrams = [
            layout_path(label, part, names, shapes)
            for name, path in checks
            for label, part in [
                (name, path),
                *((f"{name}, part {p.label()}", p.result) for p in path.pieces or ()),
            ]
        ]
        cards.append(TargetCard(result, result.verdict, diagrams, by_target.get(result.target.target_id, [])))
    order = {v: i for i, v in enumerate(_VERDICT_ORDER)}
    return sorted(cards, key=lambda c: (order[c.verdict], c.result.target.target_id))


def _finding_views(report: Report) -> list[FindingView]:
    ordered = sorted(report.findings, key=Finding.sort_key)
    return [FindingView(f, i, report.rules.get(f.rule_id)) for i, f in enumerate(ordered, start=1)]


def _severity_groups(views: list[FindingView]) -> list[SeverityGroup]:
    groups = []
    for severity in _SEVERITY_ORDER:
        members = tuple(v for v in views if v.finding.severity is severity)
        groups.append(SeverityGroup(severity, members))
    return groups


def _verdict_counts(report: Report) -> list[tuple[str, int, int, int, int]]:
    """Per verdict, targets counted by: their own verdict (what the summary counts), the internet
    egress, the ECR pull, and the worst of their needs."""
    rows = []
    for verdict in _VERDICT_ORDER:
        own = sum(t.verdict is verdict for t in report.targets)
        egress = sum(t.internet_egress.verdict is verdict for t in report.targets)
        ecr = sum(t.ecr_pull is not None and t.ecr_pull.verdict is verdict for t in report.targets)
        needs = sum(bool(t.needs) and _worst([n.result for n in t.needs]) is verdict for t in report.targets)
        rows.append((verdict.value, own, egress, ecr, needs))
    return rows


def _severity_counts(report: Report) -> list[tuple[str, int, int]]:
    """(severity, active count, suppressed count) per severity."""
    rows = []
    for severity in _SEVERITY_ORDER:
        of_severity = [f for f in report.findings if f.severity is severity]
        suppressed = sum(f.suppressed is not None for f in of_severity)
        rows.append((severity.value, len(of_severity) - suppressed, suppressed))
    return rows
