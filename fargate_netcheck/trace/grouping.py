"""Decide each distinct question once: targets whose verdicts depend on the same inputs share a trace.

An account audit asks the same question thousands of times: subnets of one VPC share a route
table, an ACL, the task's security groups and its public-IP choice, so their walks differ only in
the subnet's own id and address range. ``Grouper.key`` names everything a walk reads about its
target, *as inputs* (the subnet's VPC, AZ, owner, route table and how it is associated, ACL, IPv6
presence, where its range sits among every address range the snapshot names; the task's groups,
public IP and what is known of them); targets with the same key get the same verdict. The first
target of a group is traced; the others get its result re-labelled (``Relabel``): the subnet id and
its range substituted, token by token, in the path and every check, so each target keeps its own
evidence, byte for byte what its own walk would have written (tests/trace/test_grouping.py proves
it on the fuzzed snapshots).

What is not grouped (``key`` is None, the target is traced alone): a subnet the walk may visit
again as something else (it holds a NAT gateway, an endpoint, a transit gateway attachment or a
route-target interface), one a Block Public Access exclusion names, one whose range equals or
strictly contains a range the snapshot names (reasons would then name pieces of it), and IPv6
walks of dual-stack subnets (their range is the source).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import overload

import networkx as nx

from fargate_netcheck.core.model import Check, CheckCode, PathResult, Status, Target
from fargate_netcheck.graph.build import successor
from fargate_netcheck.snapshot.parse import Network
from fargate_netcheck.trace.destination import Destination

_CIDR4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}")
# Kinds whose items name the subnets a walk may enter besides the task's own.
_VISITED_FROM = {"nat", "vpce"}
# A string of a result with the re-labelled tokens cut out: text parts, and indexes into the
# member's values (0: its subnet id, 1: its range).
_Template = str | tuple[str | int, ...]
# A check's compiled form: the check itself when it names neither token, else its fields as templates.
_CheckTemplate = Check | tuple[CheckCode, Status, _Template, _Template]
_Compiled = tuple[list[_Template], _Template | None, _Template, list[_CheckTemplate]]


class Grouper:
    """The grouping key of each target over one graph (see the module docstring)."""

    def __init__(self, graph: nx.DiGraph, destinations: tuple[Destination, ...]) -> None:
        self.graph = graph
        self._ipv6 = any(d.version == 6 for d in destinations)
        self._alone = _visited_subnets(graph)
        self._bounds = _Boundaries(_named_ranges(graph, self._alone))

    def key(self, target: Target) -> tuple | None:
        g = self.graph
        subnet_id = target.subnet_id
        attrs = g.nodes.get(subnet_id)
        if attrs is None or attrs.get("kind") != "subnet" or subnet_id in self._alone:
            return None
        item = attrs.get("item") or {}
        has_ipv6 = bool(item.get("Ipv6CidrBlockAssociationSet"))
        if has_ipv6 and self._ipv6:
            return None
        cidr = attrs.get("cidr")
        where = None if cidr is None else self._bounds.where(cidr)
        if where is False:
            return None
        rtb = successor(g, subnet_id, "uses-route-table")
        explicit = g.edges[subnet_id, rtb].get("explicit") if rtb is not None else None
        return (
            attrs.get("account"),
            attrs.get("region"),
            item.get("VpcId"),
            item.get("AvailabilityZone"),
            item.get("OwnerId"),
            rtb,
            explicit,
            successor(g, subnet_id, "uses-nacl"),
            successor(g, subnet_id, "in-vpc"),
            has_ipv6,
            cidr is None,
            where,
            target.security_group_ids,
            target.assign_public_ip,
            target.evaluate_security_groups,
            target.security_groups_known,
        )


class _Boundaries:
    """Every IPv4 range the snapshot names (routes, ACL and security-group rules, prefix lists,
    VPC blocks...), indexed by prefix length, to say where a subnet's range sits among them."""

    def __init__(self, ranges: set[ipaddress.IPv4Network]) -> None:
        by_len: dict[int, set[int]] = {}
        for net in ranges:
            by_len.setdefault(net.prefixlen, set()).add(int(net.network_address))
        self._sets = by_len
        self._sorted = {p: sorted(v) for p, v in by_len.items()}
        self._lens = sorted(by_len)

    def where(self, cidr: Network) -> tuple | bool:
        """The named ranges that strictly contain ``cidr`` (its position, as far as any rule can
        tell), or False when a named range equals it or lies strictly inside it."""
        if cidr.version != 4:
            return False
        start, plen = int(cidr.network_address), cidr.prefixlen
        end = start + cidr.num_addresses - 1
        containing = []
        for p in self._lens:
            if p < plen:
                masked = start & ((0xFFFFFFFF << (32 - p)) & 0xFFFFFFFF)
                if masked in self._sets[p]:
                    containing.append((p, masked))
            else:
                values = self._sorted[p]
                i = bisect.bisect_left(values, start)
                if i < len(values) and values[i] <= end:
                    return False
        return tuple(containing)


def _visited_subnets(g: nx.DiGraph) -> set[str]:
    """Subnets a walk may enter as something other than the task's own (a NAT gateway's, an
    endpoint's, a transit gateway attachment's, a route-target interface's), or an exclusion names."""
    alone: set[str] = set()
    nodes = g.nodes
    for node, attrs in nodes(data=True):
        kind = attrs.get("kind")
        if kind in _VISITED_FROM or kind == "tgw-attachment" or (kind == "eni" and g.pred[node]):
            named = _strings(attrs.get("item") or {}, "")
            alone.update(s for s in named if nodes.get(s, {}).get("kind") == "subnet")
            alone.update(v for v, d in g.succ[node].items() if d.get("rel") == "in-subnet")
            attachment = attrs.get("attachment")
            alone.update(getattr(attachment, "subnet_ids", None) or ())
    for bpa in g.graph.get("block_public_access", {}).values():
        alone.update((getattr(bpa, "exclusions", None) or {}).keys())
    return alone


def _named_ranges(g: nx.DiGraph, visited: set[str]) -> set[ipaddress.IPv4Network]:
    """IPv4 ranges anywhere in the items of the graph but its task subnets (and their interfaces)."""
    texts: set[str] = set()
    for node, attrs in g.nodes(data=True):
        kind = attrs.get("kind")
        if (kind == "subnet" and node not in visited) or (kind == "eni" and not g.pred[node]):
            continue
        texts.update(_strings(attrs.get("item") or {}, "", "/"))
    found: set[ipaddress.IPv4Network] = set()
    for text in texts:
        if _CIDR4.fullmatch(text):
            try:
                found.add(ipaddress.IPv4Network(text, strict=False))
            except ValueError:
                continue
    return found


def _strings(value: object, prefix: str, holding: str = "") -> Iterator[str]:
    """Every string in a nested item that starts with ``prefix`` and holds ``holding``."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if holding in v and v.startswith(prefix):
                yield v
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)


class Relabel:
    """A representative's result turned into any other group member's: its subnet id and range,
    wherever they appear as whole tokens, replaced by the member's. Each string of the result is
    split around those tokens once (a template); a check that holds neither is shared, not copied."""

    __slots__ = ("_compiled", "_tokens")

    def __init__(self, subnet_id: str, cidr: str | None) -> None:
        self._tokens = [subnet_id] + ([cidr] if cidr else [])
        self._compiled: dict[int, _Compiled] = {}

    @overload
    def apply(self, result: PathResult, subnet_id: str, cidr: str | None) -> PathResult: ...
    @overload
    def apply(self, result: PathResult | None, subnet_id: str, cidr: str | None) -> PathResult | None: ...
    def apply(self, result: PathResult | None, subnet_id: str, cidr: str | None) -> PathResult | None:
        if result is None:
            return None
        compiled = self._compiled.get(id(result))
        if compiled is None:
            compiled = self._compiled[id(result)] = self._compile(result)
        path, blocked_at, reason, checks = compiled
        # A member is grouped with a representative whose range was a token only if it has one too.
        values = (subnet_id,) if cidr is None else (subnet_id, cidr)
        fill = _fill
        pieces = result.pieces
        if pieces:  # each part of a split destination walked from the member's own subnet too
            pieces = [replace(p, result=self.apply(p.result, subnet_id, cidr)) for p in pieces]
        # replace(), not a new PathResult: any field the walk adds later is carried over (and the
        # equality test says whether it needs re-labelling too).
        return replace(
            result,
            path=[fill(hop, values) for hop in path],
            blocked_at=fill(blocked_at, values),
            reason=fill(reason, values),
            checks=[
                c if isinstance(c, Check) else Check(c[0], c[1], fill(c[2], values), fill(c[3], values))
                for c in checks
            ],
            pieces=pieces,
        )

    def _compile(self, result: PathResult) -> _Compiled:
        t = self._template
        checks: list[_CheckTemplate] = []
        for c in result.checks:
            resource_id, reason = t(c.resource_id), t(c.reason)
            static = resource_id.__class__ is str and reason.__class__ is str
            checks.append(c if static else (c.code, c.status, resource_id, reason))
        blocked_at = None if result.blocked_at is None else t(result.blocked_at)
        return ([t(hop) for hop in result.path], blocked_at, t(result.reason), checks)

    def _template(self, text: str) -> _Template:
        """``text`` itself when it names neither token, else its parts with the tokens as indexes
        (0: the subnet id, 1: its range). A token counts only as a whole word: not inside a longer
        id (``subnet-1`` in ``subnet-12``) or range (``10.0.1.0/24`` in ``110.0.1.0/24``)."""
        found = sorted(
            (start, -len(token), index)
            for index, token in enumerate(self._tokens)
            if token in text
            for start in _whole_words(text, token)
        )
        if not found:
            return text
        parts: list[str | int] = []
        at = 0
        for start, neg_len, index in found:
            if start < at:
                continue  # inside a longer token already taken
            parts += [text[at:start], index]
            at = start - neg_len
        parts.append(text[at:])
        return tuple(parts)


def _whole_words(text: str, token: str) -> Iterator[int]:
    start = text.find(token)
    while start >= 0:
        end = start + len(token)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        after_next = text[end + 1] if end + 1 < len(text) else " "
        if not (_is_word(before) or before in "-.") and not (
            _is_word(after) or after in "-/" or (after == "." and after_next.isdigit())
        ):
            yield start
        start = text.find(token, start + 1)


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


@overload
def _fill(template: _Template, values: tuple[str, ...]) -> str: ...
@overload
def _fill(template: _Template | None, values: tuple[str, ...]) -> str | None: ...
def _fill(template: _Template | None, values: tuple[str, ...]) -> str | None:
    if template is None or isinstance(template, str):
        return template
    return "".join([values[p] if isinstance(p, int) else p for p in template])
