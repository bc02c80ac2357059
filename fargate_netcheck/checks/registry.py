"""Load rules (the built-in pack, a user's folders, installed plugins) in one way, pick the ones a
run selects, and run them into findings.

A rule source is a Python file whose module defines ``Rule`` objects at top level, or an entry point
in the group ``fargate_netcheck.rules`` that loads a module, a Rule, or an iterable of Rules.
Duplicate ids are an error, whoever defines them.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from fargate_netcheck.checks.codes import code_matches
from fargate_netcheck.checks.per_group import Groups
from fargate_netcheck.checks.suppressions import SUPPRESSION_WARNINGS
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Finding, RuleInfo, Severity
from fargate_netcheck.core.resources import rules_dir
from fargate_netcheck.rules_api import Hit, Rule, RuleContext

ENTRY_POINT_GROUP = "fargate_netcheck.rules"
BUILT_IN = "built-in"  # the origin of the rules of the built-in pack


def load_rules(extra_dirs: Iterable[Path] = (), *, plugins: bool = True) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for path in [rules_dir(), *extra_dirs]:
        origin = BUILT_IN if path == rules_dir() else str(path)
        for found in rules_from_dir(path, origin):
            _add(rules, found)
    if plugins:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            try:
                loaded = ep.load()
            except Exception as exc:  # a broken plugin is the user's input error, not our crash
                raise InputError(f"rule plugin {ep.name} ({ep.value}): cannot load: {exc}") from None
            for found in _rules_in(loaded, f"plugin {ep.name}"):
                _add(rules, found)
    return dict(sorted(rules.items()))


def rules_from_dir(path: Path, origin: str) -> list[Rule]:
    if not path.is_dir():
        raise InputError(f"{path}: rules folder not found")
    found: list[Rule] = []
    for file in sorted(path.glob("*.py")):
        if file.name.startswith("_"):
            continue
        found.extend(_rules_in(_import_file(file), origin))
    return found


def _import_file(file: Path) -> ModuleType:
    # A private module name per file: user folders never shadow each other or real packages.
    digest = hashlib.sha1(str(file.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"fargate_netcheck_rules_{digest}_{file.stem}", file)
    if spec is None or spec.loader is None:
        raise InputError(f"{file}: cannot load as a rule module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise InputError(f"{file}: cannot load rules: {type(exc).__name__}: {exc}") from None
    return module


def _rules_in(obj: object, origin: str) -> list[Rule]:
    if isinstance(obj, Rule):
        candidates = [obj]
    elif isinstance(obj, ModuleType):
        candidates = [v for v in vars(obj).values() if isinstance(v, Rule)]
    elif isinstance(obj, Iterable):
        candidates = list(obj)
    else:
        candidates = []
    out = []
    for candidate in candidates:
        if not isinstance(candidate, Rule):
            raise InputError(f"{origin}: {candidate!r} is not a fargate_netcheck Rule")
        out.append(replace(candidate, origin=origin))
    return out


def _add(rules: dict[str, Rule], rule: Rule) -> None:
    if rule.id in rules:
        raise InputError(
            f"duplicate rule id {rule.id}: defined by {rules[rule.id].origin} and by {rule.origin}"
        )
    rules[rule.id] = rule


@dataclass(frozen=True, slots=True)
class Selection:
    """Ruff-style selection: ids or prefixes (``checks/codes.py``). ``select`` replaces the default
    (all); ``extend_select`` adds; ``ignore`` removes; ``severity`` overrides a rule's default
    severity."""

    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict, compare=False)  # code -> "file:line: key"

    def pick(self, rules: dict[str, Rule]) -> list[Rule]:
        """The selected rules. A code that names none of them, nor a suppression warning (SUP001,
        SUP002: configuration warnings selected like rules), is an ``InputError``."""
        known = (*rules, *SUPPRESSION_WARNINGS)
        for code in (*self.select, *self.extend_select, *self.ignore, *self.severity):
            if not any(code_matches(rule_id, code) for rule_id in known):
                where = f"{self.origins[code]}: " if code in self.origins else ""
                raise InputError(f"{where}unknown rule id or prefix {code!r} (see `fargate-netcheck rules`)")
        return sorted((r for r in rules.values() if self.keeps(r.id)), key=lambda r: r.id)

    def keeps(self, rule_id: str) -> bool:
        """Whether findings of ``rule_id`` are selected: by ``select`` (all when empty) or
        ``extend_select``, and not ignored."""
        chosen = not self.select or _matches(rule_id, self.select) or _matches(rule_id, self.extend_select)
        return chosen and not _matches(rule_id, self.ignore)

    def severity_of(self, rule: Rule | RuleInfo) -> Severity:
        best = max((c for c in self.severity if code_matches(rule.id, c)), key=len, default=None)
        return self.severity[best] if best else rule.severity


def _matches(rule_id: str, codes: Iterable[str]) -> bool:
    return any(code_matches(rule_id, code) for code in codes)


def run_rules(rules: list[Rule], ctx: RuleContext, selection: Selection | None = None) -> list[Finding]:
    """Every rule's hits as findings, duplicates dropped, in ``Finding.sort_key`` order. A
    ``per_target`` rule runs once per group of targets that share a walk (``per_group``). Sorted rule
    by rule: a rule's findings share its id and severity, so only the rest of the key is compared
    (an audit has hundreds of thousands), and findings equal in all of it by their remediation.

    A rule that is not built-in (a ``--rules-dir`` folder, a plugin) and raises, or yields what is
    not a ``Hit`` of strings, keeps the hits it gave and adds an error finding naming its origin
    and the exception (``_rule_failed``): what it checks was not verified, which is no pass, and
    the other rules still run. A built-in rule that raises is a bug (an internal error)."""
    selection = selection or Selection()
    groups = Groups.of(ctx) if any(r.per_target for r in rules) else None
    by_rule: list[tuple[int, str, list[Finding]]] = []
    failures: list[Finding] = []
    for rule in rules:
        severity = selection.severity_of(rule)
        findings: set[Finding] = set()
        try:
            for hit in _hits(rule, ctx, groups):
                findings.add(
                    Finding(
                        rule_id=rule.id,
                        severity=severity,
                        resource_id=hit.resource_id,
                        target_id=hit.target_id,
                        message=hit.message,
                        remediation=hit.remediation or rule.remediation,
                    )
                )
        except Exception as exc:
            if rule.origin == BUILT_IN:
                raise
            failures.append(_rule_failed(rule, exc))
        ordered = sorted(findings, key=_within_rule)
        by_rule.append((-severity.rank, rule.id, ordered))
    by_rule.sort(key=lambda r: (r[0], r[1]))
    out = [f for _, _, ordered in by_rule for f in ordered]
    if failures:  # (rare: the whole key, rather than merging into the rules' lists)
        out = sorted([*out, *failures], key=lambda f: (*f.sort_key(), f.remediation))
    return out


def _hits(rule: Rule, ctx: RuleContext, groups: Groups | None) -> Iterator[Hit]:
    """The rule's hits (spread over its groups' members, for a ``per_target`` rule); a rule that is
    not built-in has each hit checked before anything reads it."""
    context = groups.context if rule.per_target and groups else ctx
    hits: Iterable[Hit] = rule.check(context)
    if rule.origin != BUILT_IN:
        hits = _checked(hits)
    return groups.spread(hits) if rule.per_target and groups else iter(hits)


def _checked(hits: Iterable[Hit]) -> Iterator[Hit]:
    for hit in hits:
        if not (
            isinstance(hit, Hit)
            and isinstance(hit.resource_id, str)
            and isinstance(hit.message, str)
            and isinstance(hit.target_id, str | None)
            and isinstance(hit.remediation, str | None)
        ):
            raise TypeError(f"yielded {_short(repr(hit))}, not a Hit of strings")
        yield hit


def _rule_failed(rule: Rule, exc: Exception) -> Finding:
    return Finding(
        rule_id=rule.id,
        severity=Severity.ERROR,
        resource_id=rule.id,
        target_id=None,
        message=(
            f"rule {rule.id} ({rule.origin}) failed: {type(exc).__name__}: {_short(str(exc))}; "
            "what it checks was not verified"
        ),
        remediation=f"Fix the rule's code, or leave it out (--ignore {rule.id}) until it is fixed.",
    )


def _short(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _within_rule(f: Finding) -> tuple:
    return (f.target_id or "", f.resource_id, f.message, f.remediation)


def rule_info(rule: Rule, selection: Selection | None = None) -> RuleInfo:
    severity = (selection or Selection()).severity_of(rule)
    return RuleInfo(rule.id, rule.name, rule.title, severity, rule.docs, rule.remediation)
