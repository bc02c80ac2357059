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
from dataclasses import dataclass
from typing import Any

import networkx as nx

from fargate_netcheck.graph import successor
from fargate_netcheck.model import Check, PathResult, Target
from fargate_netcheck.trace.destination import Destination

_CIDR4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}")
# Kinds whose items name the subnets a walk may enter besides the task's own.
_VISITED_FROM = {"nat", "vpce"}


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

    def where(self, cidr: Any) -> tuple | bool:
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
    found: set[ipaddress.IPv4Network] = set()
    for node, attrs in g.nodes(data=True):
        kind = attrs.get("kind")
        if kind == "subnet" and node not in visited:
            continue
        if kind == "eni" and not g.pred[node]:
            continue
        for text in _strings(attrs.get("item") or {}, ""):
            if _CIDR4.fullmatch(text):
                try:
                    found.add(ipaddress.IPv4Network(text, strict=False))
                except ValueError:
                    continue
    return found


def _strings(value: Any, prefix: str) -> Iterator[str]:
    """Every string in a nested item that starts with ``prefix``."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            if v.startswith(prefix):
                yield v
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            stack.extend(v)


@dataclass(slots=True)
class Relabel:
    """A representative's result turned into any other group member's: its subnet id and range,
    wherever they appear as whole tokens, replaced by the member's."""

    subnet_id: str
    cidr: str | None
    _pattern: re.Pattern | None = None
    _templates: dict | None = None

    def apply(self, result: PathResult | None, subnet_id: str, cidr: str | None) -> PathResult | None:
        if result is None:
            return None
        values = {self.subnet_id: subnet_id}
        if self.cidr is not None and cidr is not None:
            values[self.cidr] = cidr
        sub = self._sub
        return PathResult(
            result.verdict,
            [sub(hop, values) for hop in result.path],
            None if result.blocked_at is None else sub(result.blocked_at, values),
            sub(result.reason, values),
            [self._check(c, values) for c in result.checks],
            result.via,
        )

    def _check(self, check: Check, values: dict[str, str]) -> Check:
        sub = self._sub
        resource_id, reason = sub(check.resource_id, values), sub(check.reason, values)
        if resource_id is check.resource_id and reason is check.reason:
            return check  # nothing of the subnet in it: shared, not copied
        return Check(check.code, check.status, resource_id, reason)

    def _sub(self, text: str, values: dict[str, str]) -> str:
        if self._pattern is None:
            tokens = [self.subnet_id] + ([self.cidr] if self.cidr else [])
            alternatives = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
            self._pattern = re.compile(rf"(?<![\w\-.])({alternatives})(?![\w\-/]|\.\d)")
            self._templates = {}
        templates = self._templates
        assert templates is not None
        parts = templates.get(text)
        if parts is None:
            parts = templates[text] = self._pattern.split(text)
        if len(parts) == 1:
            return text
        return "".join(values.get(p, p) if i % 2 else p for i, p in enumerate(parts))
