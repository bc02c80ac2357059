"""The stateless engine: every packet, both directions, against the stateless rule groups in the
policy's priority order (rules in a group by their own priority); the first match decides with its
standard action (``aws:pass``, ``aws:drop``, ``aws:forward_to_sfe``; custom actions only add
metrics). No match: the policy's stateless default actions (``StatelessFragmentDefaultActions`` for
fragmented packets).

Over a set of packets the result is the set of actions some packet may get (``outcomes``): one
action means every packet gets it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.core.tristate import Match, all_of
from fargate_netcheck.trace.nfw.flow import TCP, Flow
from fargate_netcheck.trace.nfw.sets import AddressSet, IntervalSet, ports
from fargate_netcheck.trace.nfw.suricata_specs import RuleError

STANDARD_ACTIONS = ("aws:pass", "aws:drop", "aws:forward_to_sfe")
TCP_FLAGS = ("FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR")
# The packets of one TCP connection that the stateless engine sees, by flags.
REQUEST_FLAGS = (frozenset({"SYN"}), frozenset({"ACK"}), frozenset({"ACK", "PSH"}), frozenset({"ACK", "FIN"}))
REPLY_FLAGS = (
    frozenset({"SYN", "ACK"}),
    frozenset({"ACK"}),
    frozenset({"ACK", "PSH"}),
    frozenset({"ACK", "FIN"}),
)


@dataclass(frozen=True, slots=True)
class StatelessRule:
    where: str  # "<rule group> priority <n>", for messages
    sources: AddressSet | None  # None: any
    destinations: AddressSet | None
    source_ports: IntervalSet | None
    destination_ports: IntervalSet | None
    protocols: frozenset[int] | None
    tcp_flags: tuple[tuple[frozenset[str], frozenset[str]], ...]  # (flags set, mask); any one matches
    action: str | None  # the standard action; None: the rule names none (AWS refuses that)

    def match(self, flow: Flow, flags: frozenset[str]) -> Match:
        parts = [
            _addresses(flow.sources, self.sources),
            _addresses(flow.destinations, self.destinations),
            _ports(flow.source_ports, self.source_ports, flow.protocol),
            _ports(flow.destination_ports, self.destination_ports, flow.protocol),
            Match.YES if self.protocols is None or flow.protocol in self.protocols else Match.NO,
        ]
        if self.tcp_flags:
            parts.append(
                Match.YES
                if flow.protocol == TCP and any((flags & mask) == want for want, mask in self.tcp_flags)
                else Match.NO
            )
        return all_of(parts)


def _addresses(flow: AddressSet, rule: AddressSet | None) -> Match:
    return Match.YES if rule is None else flow.match(rule)


def _ports(flow: IntervalSet, rule: IntervalSet | None, protocol: int) -> Match:
    if rule is None:
        return Match.YES
    if protocol not in (6, 17):  # port conditions match only TCP and UDP
        return Match.NO
    return flow.match(rule)


def standard_action(actions: Iterable[str]) -> str | None:
    return next((a for a in actions if a in STANDARD_ACTIONS), None)


def parse_group(name: str, group: JsonDict) -> list[StatelessRule]:
    """The stateless rules of a ``RuleGroup`` object, in priority order."""
    source = (group.get("RulesSource") or {}).get("StatelessRulesAndCustomActions") or {}
    rules = source.get("StatelessRules") or []
    if not all(isinstance(r, dict) and isinstance(r.get("Priority", 0), int) for r in rules):
        raise RuleError(f"stateless rule group {name} has a rule without a numeric Priority")
    return [_rule(name, r) for r in sorted(rules, key=lambda r: r.get("Priority", 0))]


def _rule(name: str, rule: JsonDict) -> StatelessRule:
    definition = rule.get("RuleDefinition") or {}
    attrs = definition.get("MatchAttributes") or {}
    flags = tuple(
        (
            frozenset(f.get("Flags") or []),
            frozenset(f.get("Masks") or TCP_FLAGS),
        )
        for f in attrs.get("TCPFlags") or []
    )
    return StatelessRule(
        where=f"{name} stateless rule priority {rule.get('Priority')}",
        sources=_address_list(attrs.get("Sources")),
        destinations=_address_list(attrs.get("Destinations")),
        source_ports=_port_list(attrs.get("SourcePorts")),
        destination_ports=_port_list(attrs.get("DestinationPorts")),
        protocols=_protocols(attrs.get("Protocols")),
        tcp_flags=flags,
        action=standard_action(definition.get("Actions") or []),
    )


def _protocols(values: object) -> frozenset[int] | None:
    if not values:
        return None
    if not isinstance(values, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in values
    ):
        raise RuleError(f"Protocols {values!r} is not a list of IP protocol numbers")
    return frozenset(values)


def _address_list(entries: list[JsonDict] | None) -> AddressSet | None:
    if not entries:
        return None
    blocks = [e.get("AddressDefinition") if isinstance(e, dict) else None for e in entries]
    if not all(isinstance(b, str) for b in blocks):
        raise RuleError(f"address definitions {blocks!r} are not all CIDR blocks")
    try:
        return AddressSet.of(str(b) for b in blocks)
    except ValueError:
        raise RuleError(f"address definitions {blocks!r} are not all CIDR blocks") from None


def _port_list(entries: list[JsonDict] | None) -> IntervalSet | None:
    if not entries:
        return None
    ranges = [
        (e.get("FromPort", 0), e.get("ToPort", 65535)) if isinstance(e, dict) else (None, None)
        for e in entries
    ]
    if not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 65535 for r in ranges for n in r):
        raise RuleError(f"port ranges {ranges!r} are not all FromPort/ToPort numbers")
    return ports(ranges)


@dataclass(frozen=True, slots=True)
class Outcome:
    action: str  # a standard action, or "unknown"
    where: str


def outcomes(
    rules: list[StatelessRule], packet: Flow, flags: frozenset[str], default: Outcome
) -> list[Outcome]:
    """The actions some packet of ``packet`` (a set, with these TCP flags) may get: first match,
    else ``default``. Distinct actions, each with the first rule that gives it."""
    found: dict[str, Outcome] = {}
    for rule in rules:
        m = rule.match(packet, flags)
        if m is Match.NO:
            continue
        out = Outcome(rule.action or "unknown", rule.where)
        found.setdefault(out.action, out)
        if m is Match.YES:
            return list(found.values())
    found.setdefault(default.action, default)
    return list(found.values())


def default_outcome(policy: JsonDict, fragmented: bool) -> Outcome:
    key = "StatelessFragmentDefaultActions" if fragmented else "StatelessDefaultActions"
    action = standard_action(policy.get(key) or [])
    return Outcome(action or "unknown", f"the policy's {key}")


def evaluate_stateless(rules: list[StatelessRule], policy: JsonDict, flow: Flow) -> Outcome:
    """What the stateless engine does with ``flow`` and its replies: ``aws:drop`` when some kind of
    packet (a SYN, say) is always dropped, ``unknown`` when some may be, else ``aws:forward_to_sfe``
    when any packet goes on to the stateful engine, else ``aws:pass``."""
    default = default_outcome(policy, flow.fragmented)
    per_packet: list[list[Outcome]] = []
    for packet, flag_sets in ((flow, REQUEST_FLAGS), (flow.reply(), REPLY_FLAGS)):
        for flags in flag_sets if flow.protocol == TCP else (frozenset(),):
            per_packet.append(outcomes(rules, packet, flags, default))
    for found in per_packet:
        if len(found) == 1 and found[0].action == "aws:drop":
            return found[0]
    for found in per_packet:
        doubtful = [o for o in found if o.action in ("aws:drop", "unknown")]
        if doubtful:
            return Outcome("unknown", doubtful[0].where)
    forwarded = [o for found in per_packet for o in found if o.action == "aws:forward_to_sfe"]
    return forwarded[0] if forwarded else per_packet[0][0]
