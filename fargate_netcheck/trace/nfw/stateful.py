"""The stateful engine: a firewall policy's stateful rule groups in its rule order.

- Rule groups: Suricata ``RulesString``, 5-tuple ``StatefulRules`` (turned into the same rule text)
  and domain lists (``RulesSourceList``), whose generated rules are the ones AWS documents: for each
  target type (``TLS_SNI`` -> ``tls.sni``, ``HTTP_HOST`` -> ``http.host``) one rule per domain
  (``.example.com`` matches the domain and its subdomains: ``dotprefix; endswith``) from
  ``$HOME_NET`` to ``$EXTERNAL_NET`` on established to-server traffic; an ``ALLOWLIST`` passes them
  and then drops every other TLS/HTTP flow of that type; ``DENYLIST`` / ``REJECTLIST`` /
  ``ALERTLIST`` drop / reject / alert them.
- ``HOME_NET``: the rule group's own variable, else the policy's ``PolicyVariables``, else the CIDR
  of the firewall's VPC; ``EXTERNAL_NET`` is everything else unless the group defines it.
- ``DEFAULT_ACTION_ORDER``: pass rules first, then drop, reject, alert, across all groups;
  unmatched traffic passes. ``STRICT_ORDER``: groups by priority, rules as written, the first pass
  / drop / reject decides; unmatched packets meet the policy's ``StatefulDefaultActions``
  (``aws:drop_strict`` drops them all, ``aws:drop_established`` only established ones, so TCP
  handshakes pass; ``aws:alert_*`` only log).
- A flow is seen as four packets: the SYN and SYN-ACK (not established, no application layer yet),
  then the client's first TLS/HTTP message and the server's reply (established, with SNI/Host). A
  pass rule that matches a packet passes the whole flow; a drop drops it (Suricata's behaviour).
"""

from __future__ import annotations

from dataclasses import dataclass

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.tristate import Match
from fargate_netcheck.trace.nfw.flow import Flow
from fargate_netcheck.trace.nfw.sets import AddressSet
from fargate_netcheck.trace.nfw.suricata import (
    HOST_UNKNOWN,
    Packet,
    StatefulRule,
    parse_rule,
    parse_rules_string,
)
from fargate_netcheck.trace.nfw.suricata_specs import RuleError, Variables, addresses

_ORDER = {"pass": 0, "unknown": 0, "drop": 1, "reject": 2, "alert": 3}
_BUFFER_OF = {"TLS_SNI": ("tls", "tls.sni"), "HTTP_HOST": ("http", "http.host")}
_LIST_ACTION = {"ALLOWLIST": "pass", "DENYLIST": "drop", "REJECTLIST": "reject", "ALERTLIST": "alert"}


@dataclass(frozen=True, slots=True)
class GroupRules:
    """One stateful rule group, ready to evaluate."""

    name: str
    rules: tuple[StatefulRule | str, ...]  # a str: a line that could not be read
    variables: Variables
    domain_list: bool = False
    drop_to_alert: bool = False  # the policy's Override {Action: DROP_TO_ALERT}


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # pass | drop | continue | unknown
    where: str
    group: str | None = None  # the rule group that decides; None: the policy's default action
    host: bool = False  # an unknown that only the flow's host name (TLS SNI, HTTP Host) would decide


def variable_sets(table: object, where: str) -> dict[str, list[str]]:
    """``{"NAME": {"Definition": [...]}, ...}`` (IPSets, PortSets, RuleVariables) as lists of strings."""
    if not isinstance(table, dict):
        raise RuleError(f"{where} is not an object of variables")
    out = {}
    for name, value in table.items():
        definition = value.get("Definition") if isinstance(value, dict) else None
        if not isinstance(definition, list) or not all(isinstance(d, str) for d in definition):
            raise RuleError(f"{where}.{name} has no list of strings under Definition")
        out[str(name)] = list(definition)
    return out


def rule_variables(group: JsonDict, home_net: list[str]) -> Variables:
    """``HOME_NET`` (the group's, else ``home_net``), ``EXTERNAL_NET`` and the group's other sets."""
    declared = group.get("RuleVariables") or {}
    if not isinstance(declared, dict):
        raise RuleError("RuleVariables is not an object")
    ip_sets = variable_sets(declared.get("IPSets") or {}, "RuleVariables.IPSets")
    port_sets = variable_sets(declared.get("PortSets") or {}, "RuleVariables.PortSets")
    ip_sets.setdefault("HOME_NET", list(home_net))
    ip_sets.setdefault("EXTERNAL_NET", ["!$HOME_NET"])
    return Variables(ip_sets, port_sets)


def group_rules(item: JsonDict, home_net: list[str], drop_to_alert: bool = False) -> GroupRules:
    """A ``NetworkFirewallRuleGroups`` item (DescribeRuleGroup: ``RuleGroup`` and the response
    fields) as rules. Raises ``RuleError`` when the group holds no stateful rules it can read."""
    name = item.get("RuleGroupName") or item.get("RuleGroupArn", "?")
    group = item.get("RuleGroup") or {}
    source = group.get("RulesSource") or {}
    variables = rule_variables(group, home_net)
    if source.get("RulesString") is not None:
        return GroupRules(
            name, tuple(parse_rules_string(source["RulesString"])), variables, False, drop_to_alert
        )
    if source.get("StatefulRules") is not None:
        rules = tuple(_five_tuple(r) for r in source["StatefulRules"])
        return GroupRules(name, rules, variables, False, drop_to_alert)
    if source.get("RulesSourceList") is not None:
        return GroupRules(
            name, tuple(domain_list_rules(source["RulesSourceList"])), variables, True, drop_to_alert
        )
    raise RuleError(f"rule group {name} holds no stateful rules that were collected")


def _five_tuple(rule: JsonDict) -> StatefulRule | str:
    h = rule.get("Header") or {}
    options = "; ".join(
        f"{o.get('Keyword')}:{','.join(o.get('Settings') or [])}"
        if o.get("Settings")
        else str(o.get("Keyword"))
        for o in rule.get("RuleOptions") or []
    )
    arrow = "<>" if str(h.get("Direction", "FORWARD")).upper() == "ANY" else "->"
    text = (
        f"{str(rule.get('Action', '')).lower()} {str(h.get('Protocol', '')).lower()} {h.get('Source')} "
        f"{h.get('SourcePort')} {arrow} {h.get('Destination')} {h.get('DestinationPort')} ({options};)"
    )
    try:
        return parse_rule(text)
    except RuleError:
        return text


def domain_list_rules(source_list: JsonDict) -> list[StatefulRule]:
    kind = str(source_list.get("GeneratedRulesType", "")).upper()
    action = _LIST_ACTION.get(kind, "unknown")
    lines = []
    for target_type in source_list.get("TargetTypes") or []:
        proto, buffer = _BUFFER_OF.get(target_type, ("unknown", "unknown"))
        for domain in source_list.get("Targets") or []:
            how = "dotprefix; endswith" if domain.startswith(".") else "startswith; endswith"
            quoted = domain.replace("\\", "\\\\").replace('"', '\\"').replace(";", "\\;")
            lines.append(
                f'{action} {proto} $HOME_NET any -> $EXTERNAL_NET any ({buffer}; content:"{quoted}"; nocase; '
                f'{how}; flow:to_server, established; msg:"{kind} {domain}";)'
            )
    if kind == "ALLOWLIST":
        for target_type in source_list.get("TargetTypes") or []:
            proto, _ = _BUFFER_OF.get(target_type, ("unknown", "unknown"))
            lines.append(
                f"drop {proto} $HOME_NET any -> $EXTERNAL_NET any (flow:to_server, established; "
                f'msg:"not matching any {target_type} allowlisted domain";)'
            )
    return [parse_rule(line) for line in lines]


def _packets(flow: Flow) -> tuple[Packet, ...]:
    return (
        Packet(True, False, None),
        Packet(False, False, None),
        Packet(True, True, flow.app),
        Packet(False, True, flow.app),
    )


def _ordered(groups: list[GroupRules], strict: bool) -> list[tuple[GroupRules, StatefulRule | str]]:
    pairs = [(g, r) for g in groups for r in g.rules]
    if strict:
        return pairs
    return sorted(
        pairs, key=lambda p: _ORDER.get(p[1].action if isinstance(p[1], StatefulRule) else "unknown", 0)
    )


def _packet_steps(
    ordered: list[tuple[GroupRules, StatefulRule | str]],
    flow: Flow,
    packet: Packet,
    defaults: list[str],
) -> list[Step]:
    steps: dict[str, Step] = {}
    for group, rule in ordered:
        if isinstance(rule, str):
            steps.setdefault(
                "unknown", Step("unknown", f"rule group {group.name}: rule not understood: {rule}")
            )
            continue
        match, why = rule.match(flow, packet, group.variables)
        if match is Match.NO:
            continue
        action = "alert" if group.drop_to_alert and rule.action in ("drop", "reject") else rule.action
        if action == "alert":
            continue
        where = f"rule group {group.name}: {rule.text}"
        if why is not None or action == "unknown":
            host = why == HOST_UNKNOWN and action != "unknown"
            # kept apart: a doubt the host name decides must not hide one it does not
            steps.setdefault(
                "unknown-host" if host else "unknown",
                Step("unknown", f"{where} ({why or rule.problem})", group.name, host),
            )
            continue
        kind = "pass" if action == "pass" else "drop"
        steps.setdefault(kind, Step(kind, where, group.name))
        if match is Match.YES:
            return list(steps.values())
    steps.setdefault("end", _default_step(defaults, packet))
    return list(steps.values())


def _default_step(defaults: list[str], packet: Packet) -> Step:
    for action in defaults:
        where = f"the policy's stateful default action {action}"
        if action == "aws:drop_strict" or (action == "aws:drop_established" and packet.established):
            return Step("drop", where)
        if action not in ("aws:drop_established", "aws:alert_strict", "aws:alert_established"):
            return Step("unknown", f"{where} (not interpreted)")
    return Step("continue", "no stateful rule decides")


def evaluate_stateful(groups: list[GroupRules], flow: Flow, strict: bool, defaults: list[str]) -> list[Step]:
    """The possible fates of ``flow``: each a ``pass``, ``drop`` or ``unknown`` step naming where it
    is decided (``continue`` at the end: no rule decided and nothing dropped it)."""
    ordered = _ordered(groups, strict)
    fates: dict[str, Step] = {}
    for packet in _packets(flow):
        steps = _packet_steps(ordered, flow, packet, defaults if strict else [])
        for step in steps:
            if step.kind != "continue":
                fates.setdefault(f"{step.kind}-host" if step.host else step.kind, step)
        if all(step.kind != "continue" for step in steps):
            return list(fates.values())
    fates.setdefault("continue", Step("continue", "no stateful rule drops it"))
    return list(fates.values())


def outside_home_net(group: GroupRules, sources: AddressSet) -> str | None:
    """For a domain list: why its rules never see ``sources`` (outside its HOME_NET), if so."""
    try:
        home = addresses("$HOME_NET", group.variables)
    except RuleError:
        return None
    if sources.match(home) is Match.YES:
        return None
    defined = ", ".join(group.variables.ip_sets.get("HOME_NET", [])) or "(empty)"
    return (
        f"the traffic's source is outside HOME_NET ({defined}) of domain list rule group {group.name}, "
        "so its domain rules never match it"
    )
