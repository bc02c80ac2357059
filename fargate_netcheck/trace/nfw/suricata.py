"""Suricata-compatible stateful rules: the common shapes parsed, the rest quoted as not interpreted.

Understood: ``pass|drop|reject|alert`` on ``ip``, ``tcp`` (and ``tcp-pkt``, ``tcp-stream``), ``tls``,
``http`` (and ``http1``), on transports other than TCP and on Suricata's other application protocols
(which never match a TLS or HTTP flow); a protocol keyword Suricata does not list may match any flow
(``unknown``). Addresses and ports with lists, ranges, negation and variables,
``->`` and ``<>``; options ``tls.sni`` / ``http.host`` (and the older ``tls_sni`` / ``http_host``)
with ``content`` and its ``nocase``, ``startswith``, ``endswith``, ``dotprefix`` modifiers, ``flow``
(direction and ``established`` / ``not_established`` / ``stateless``), and the informational
``msg``, ``sid``, ``rev``, ``gid``, ``priority``, ``classtype``, ``reference``, ``metadata``.
Anything else (``pcre``, ``flowbits``, ``ja3``, ``depth``, IP set references ``@...``, unknown
variables) makes the rule *not interpreted*: wherever its header may match a flow, the flow's
verdict is ``unknown`` with the rule quoted, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fargate_netcheck.core.tristate import Match, all_of
from fargate_netcheck.trace.nfw.flow import TCP, Flow
from fargate_netcheck.trace.nfw.suricata_specs import RuleError, Variables, addresses, port_spec

HOST_UNKNOWN = "the flow's host name is unknown"
UNKNOWN_APP = "unknown"  # Flow.app of a flow whose application protocol is not known
ACTIONS = {"pass": "pass", "drop": "drop", "reject": "reject", "alert": "alert"}
ACTIONS.update({"rejectsrc": "reject", "rejectdst": "reject", "rejectboth": "reject"})
_INFO = {"msg", "sid", "rev", "gid", "priority", "classtype", "reference", "metadata", "target", "noalert"}
_MODIFIERS = {"nocase", "startswith", "endswith", "dotprefix", "fast_pattern"}
_BUFFERS = {"tls.sni": "tls", "http.host": "http"}
_LEGACY_BUFFERS = {"tls_sni": "tls.sni", "http_host": "http.host"}
_FLOW = {
    "to_server",
    "from_client",
    "to_client",
    "from_server",
    "established",
    "not_established",
    "stateless",
}
# What each header protocol matches on a TCP flow: any (None), or one detected application protocol.
_PROTOCOLS_ON_TCP = {
    "ip": None,
    "tcp": None,
    "tcp-pkt": None,
    "tcp-stream": None,
    "tls": "tls",
    "http": "http",
    "http1": "http",
}
# Suricata's other transports: never a TCP flow.
_TRANSPORTS = frozenset(["udp", "udp-pkt", "icmp", "icmpv4", "icmpv6", "sctp"])
# Suricata's other application protocols (its "Protocol" list, 7.0): never the TLS or HTTP its
# detection finds on a flow to 443 or 80; on any other port the flow's protocol is not known.
_OTHER_PROTOCOLS = frozenset(
    [
        "http2",
        "ftp",
        "ftp-data",
        "smb",
        "dns",
        "dcerpc",
        "dhcp",
        "ssh",
        "smtp",
        "imap",
        "pop3",
        "modbus",
        "dnp3",
        "enip",
        "nfs",
        "ike",
        "krb5",
        "bittorrent-dht",
        "ntp",
        "rfb",
        "rdp",
        "snmp",
        "tftp",
        "sip",
        "mqtt",
        "pgsql",
        "telnet",
        "quic",
        "websocket",
        "ldap",
    ]
)


@dataclass(frozen=True, slots=True)
class Content:
    buffer: str  # "tls.sni" | "http.host"
    value: str
    negated: bool = False
    nocase: bool = False
    startswith: bool = False
    endswith: bool = False
    dotprefix: bool = False

    def matches(self, host: str) -> bool:
        value, text = self.value, host
        if self.nocase or self.buffer == "http.host":  # Suricata lowercases http.host
            value, text = value.lower(), text.lower()
        if self.dotprefix:
            text = "." + text
        if self.startswith and self.endswith:
            hit = text == value
        elif self.startswith:
            hit = text.startswith(value)
        elif self.endswith:
            hit = text.endswith(value)
        else:
            hit = value in text
        return hit != self.negated


@dataclass(frozen=True, slots=True)
class Packet:
    """One packet of a flow, as the stateful engine sees it."""

    to_server: bool
    established: bool
    app: str | None  # the application protocol, once detected


@dataclass(frozen=True, slots=True)
class StatefulRule:
    action: str  # pass | drop | reject | alert
    protocol: str
    source: str
    source_ports: str
    bidirectional: bool
    destination: str
    destination_ports: str
    contents: tuple[Content, ...]
    flow: frozenset[str]
    text: str  # the rule as written, for messages
    problem: str | None = None  # why the rule is not interpreted

    def match(self, flow: Flow, packet: Packet, variables: Variables) -> tuple[Match, str | None]:
        """Does this rule match the packet (a set of packets)? With the reason when it cannot tell."""
        # Only TCP flows are evaluated: udp, icmp and other transports never match them.
        if flow.protocol != TCP or self.protocol in _TRANSPORTS:
            return Match.NO, None
        if self.protocol not in _PROTOCOLS_ON_TCP and self.protocol not in _OTHER_PROTOCOLS:
            header, _ = self._header(flow, packet, variables)
            if header is Match.NO:
                return header, None
            return Match.MAYBE, f"protocol {self.protocol!r} is not one Suricata lists"
        app = _PROTOCOLS_ON_TCP.get(self.protocol, self.protocol)
        if app is not None and packet.app != app:
            if packet.app != UNKNOWN_APP:
                return Match.NO, None
            header, _ = self._header(flow, packet, variables)
            if header is Match.NO:
                return header, None
            return Match.MAYBE, f"the flow's application protocol is not known (is it {self.protocol}?)"
        header, why = self._header(flow, packet, variables)
        if header is Match.NO:
            return header, None
        if self.problem:
            return Match.MAYBE, self.problem
        if why:
            return Match.MAYBE, why
        flow_match = self._flow(packet)
        content, doubt = self._contents(flow, packet)
        result = all_of([header, flow_match, content])
        if content is not Match.MAYBE or result is Match.NO:
            return result, None
        # only the host name leaves it open when everything else matches every packet
        if doubt is None and header is Match.YES:
            return result, HOST_UNKNOWN
        return result, doubt or f"{HOST_UNKNOWN}, and only part of the flow's addresses or ports match"

    def _header(self, flow: Flow, packet: Packet, variables: Variables) -> tuple[Match, str | None]:
        try:
            src, dst = addresses(self.source, variables), addresses(self.destination, variables)
            sport, dport = (
                port_spec(self.source_ports, variables),
                port_spec(self.destination_ports, variables),
            )
        except RuleError as exc:
            return Match.MAYBE, str(exc)
        fwd = (flow.sources, flow.source_ports, flow.destinations, flow.destination_ports)
        rev = (flow.destinations, flow.destination_ports, flow.sources, flow.source_ports)
        seen = fwd if packet.to_server else rev
        orientations = [seen, (seen[2], seen[3], seen[0], seen[1])] if self.bidirectional else [seen]
        result = Match.NO
        for s, sp, d, dp in orientations:
            result = result | all_of([s.match(src), sp.match(sport), d.match(dst), dp.match(dport)])
        return result, None

    def _flow(self, packet: Packet) -> Match:
        f = self.flow
        if ({"to_server", "from_client"} & f and not packet.to_server) or (
            {"to_client", "from_server"} & f and packet.to_server
        ):
            return Match.NO
        if ("established" in f and not packet.established) or ("not_established" in f and packet.established):
            return Match.NO
        return Match.YES

    def _contents(self, flow: Flow, packet: Packet) -> tuple[Match, str | None]:
        if not self.contents:
            return Match.YES, None
        if packet.app == UNKNOWN_APP:
            return Match.MAYBE, "the flow's application protocol is not known (is it TLS or HTTP?)"
        if any(_BUFFERS[c.buffer] != packet.app for c in self.contents):
            return Match.NO, None
        if flow.host is None:
            return Match.MAYBE, None
        return (Match.YES if all(c.matches(flow.host) for c in self.contents) else Match.NO), None


# -- parsing --------------------------------------------------------------------------------------
def _header_tokens(text: str) -> list[str]:
    tokens, depth, cur = [], 0, ""
    for ch in text:
        if ch.isspace() and depth == 0:
            if cur:
                tokens.append(cur)
                cur = ""
            continue
        depth += (ch == "[") - (ch == "]")
        cur += ch
    if cur:
        tokens.append(cur)
    return tokens


def _options(text: str) -> list[tuple[str, str | None]]:
    """``k1:v1; k2; ...`` -> [(k1, v1), (k2, None)]; ``\\;`` and quoted ``;`` stay in values."""
    out, cur, quoted, escaped = [], "", False, False
    for ch in text:
        if escaped:
            cur += ch
            escaped = False
        elif ch == "\\":
            cur += ch
            escaped = True
        elif ch == '"':
            quoted = not quoted
            cur += ch
        elif ch == ";" and not quoted:
            if cur.strip():
                out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    pairs = []
    for opt in out:
        key, sep, value = opt.partition(":")
        pairs.append((key.strip().lower(), value.strip() if sep else None))
    return pairs


def _content_value(raw: str) -> tuple[str, bool]:
    negated = raw.startswith("!")
    raw = raw[1:].strip() if negated else raw
    if len(raw) < 2 or raw[0] != '"' or raw[-1] != '"':
        raise RuleError(f"content {raw!r} is not a quoted string")
    body = raw[1:-1]
    body = re.sub(r"\|([0-9A-Fa-f ]+)\|", lambda m: bytes.fromhex(m.group(1)).decode("latin-1"), body)
    return re.sub(r"\\(.)", r"\1", body), negated


def parse_rule(text: str) -> StatefulRule:
    """One Suricata rule line. A header that cannot be read raises ``RuleError``; options that
    cannot be interpreted leave the rule with a ``problem``."""
    text = text.strip()
    open_at = text.find("(")
    if open_at < 0 or not text.endswith(")"):
        raise RuleError("no options in parentheses")
    head = _header_tokens(text[:open_at])
    if len(head) != 7 or head[4] not in ("->", "<>"):
        raise RuleError("the header is not 'action protocol source port -> destination port'")
    action = ACTIONS.get(head[0].lower())
    problem: str | None = None if action else f"action {head[0]!r} is not interpreted"
    contents: list[Content] = []
    flow: set[str] = set()
    sticky: str | None = None
    for key, value in _options(text[open_at + 1 : -1]):
        if key in _INFO:
            continue
        if key in _BUFFERS:
            sticky = key
        elif key in _LEGACY_BUFFERS and contents:
            contents[-1] = replace(contents[-1], buffer=_LEGACY_BUFFERS[key])
        elif key == "content" and value is not None:
            raw, negated = _content_value(value)
            contents.append(Content(sticky or "", raw, negated))
        elif key in _MODIFIERS and contents:
            contents[-1] = _modified(contents[-1], key)
        elif key == "flow" and value is not None:
            words = {w.strip().lower() for w in value.split(",")}
            unknown = words - _FLOW
            if unknown:
                problem = problem or f"flow:{value} is not interpreted"
            flow |= words & _FLOW
        else:
            problem = problem or f"option {key!r} is not interpreted"
    if any(c.buffer not in _BUFFERS for c in contents):
        problem = problem or "content outside tls.sni / http.host is not interpreted"
    return StatefulRule(
        action=action or "unknown",
        protocol=head[1].lower(),
        source=head[2],
        source_ports=head[3],
        bidirectional=head[4] == "<>",
        destination=head[5],
        destination_ports=head[6],
        contents=tuple(contents),
        flow=frozenset(flow),
        text=text,
        problem=problem,
    )


def _modified(content: Content, modifier: str) -> Content:
    """``content`` with one of ``_MODIFIERS`` on (``fast_pattern`` only tunes Suricata's matcher)."""
    match modifier:
        case "nocase":
            return replace(content, nocase=True)
        case "startswith":
            return replace(content, startswith=True)
        case "endswith":
            return replace(content, endswith=True)
        case "dotprefix":
            return replace(content, dotprefix=True)
    return content


def parse_rules_string(text: str) -> list[StatefulRule | str]:
    """Every rule of a ``RulesString`` (one per line; ``#`` comments and blank lines skipped). A line
    that cannot be read stays as its text: it can match any flow (never interpreted)."""
    out: list[StatefulRule | str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            out.append(parse_rule(line))
        except RuleError:
            out.append(line)
    return out
