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
route-target interface, or part of an IPv4 destination: walks enter it through its ACL), one a
Block Public Access exclusion names, one whose range equals or
strictly contains a range the snapshot names (reasons would then name pieces of it), and IPv6
walks of dual-stack subnets, which IPv4 walks take too where DNS64 may be on (their range is the
source).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

import networkx as nx

from fargate_netcheck.core.model import Check, NeedResult, PathResult, Target
from fargate_netcheck.graph.build import successor
from fargate_netcheck.snapshot.parse import Network, span_of
from fargate_netcheck.trace.destination import Destination
from fargate_netcheck.trace.dns64 import dns64_matters
from fargate_netcheck.trace.table_classes import table_classes

_CIDR4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}")
# Kinds whose items name the subnets a walk may enter besides the task's own.
_VISITED_FROM = {"nat", "vpce"}
# A string of a result with the re-labelled tokens cut out: text parts, and indexes into the
# member's labels (0: its subnet id, 1: its range, 2: its route table id).
_Template = str | tuple[str | int, ...]


class Grouper:
    """The grouping key of each target over one graph (see the module docstring)."""

    def __init__(self, graph: nx.DiGraph, destinations: tuple[Destination, ...]) -> None:
        self.graph = graph
        self._ipv6 = any(d.version == 6 for d in destinations)
        self._alone = _visited_subnets(graph) | _holding_destinations(graph, destinations)
        self._bounds = _Boundaries(_named_ranges(graph, self._alone))
        self._tables = table_classes(graph, self._alone)

    def shared_table(self, rtb: str | None) -> bool:
        """Whether targets behind ``rtb`` may share a walk with targets behind another table (so
        re-labelling must substitute its id)."""
        return rtb in self._tables

    def key(self, target: Target) -> tuple | None:
        g = self.graph
        subnet_id = target.subnet_id
        attrs = g.nodes.get(subnet_id)
        if attrs is None or attrs.get("kind") != "subnet" or subnet_id in self._alone:
            return None
        item = attrs.get("item") or {}
        has_ipv6 = bool(item.get("Ipv6CidrBlockAssociationSet"))
        if has_ipv6 and (self._ipv6 or dns64_matters(item)):  # an IPv6 walk's source is its range
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
            None if rtb is None else self._tables.get(rtb, rtb),
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
        end = start + (1 << (32 - plen)) - 1  # not num_addresses: it caches two objects on every range
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


def _holding_destinations(g: nx.DiGraph, destinations: tuple[Destination, ...]) -> set[str]:
    """Subnets that hold part of a destination: a walk to it enters them through their ACLs."""
    spaces = [d.space for d in destinations if d.version == 4 and d.service is None]
    return {
        node
        for node, attrs in g.nodes(data=True)
        if attrs.get("kind") == "subnet"
        and (cidr := attrs.get("cidr")) is not None
        and any(space.overlaps(*span_of(cidr)[1:]) for space in spaces)
    }


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
    """A representative's result turned into any other group member's: its subnet id, range and
    route table id (``table_classes``), wherever they appear as whole tokens, replaced by the
    member's. Each result is compiled once
    into a maker (``_maker``): its strings split around those tokens into format strings, the
    fields that hold neither token kept as they are, so making a member's copy formats only what
    names the subnet. A check that holds neither token is shared, not copied."""

    __slots__ = ("_makers", "_tokens", "labels")

    def __init__(self, subnet_id: str, cidr: str | None, rtb: str | None = None) -> None:
        self.labels = (subnet_id, cidr, rtb)  # the traced member's
        self._tokens = [(i, t) for i, t in enumerate(self.labels) if t]
        self._makers: dict[int, Callable[..., PathResult]] = {}

    def apply(self, result: PathResult | None, *labels: str | None) -> PathResult | None:
        """``result`` as the member with these ``labels`` (subnet id, range, route table id) has it."""
        if result is None:
            return None
        make = self._makers.get(id(result))  # the group keeps ``result`` alive: its id is stable
        if make is None:
            make = self._makers[id(result)] = self._maker(result)
        return make(*labels)

    def need(self, need: NeedResult, *labels: str | None) -> NeedResult:
        """``need`` walked from the member's subnet: its result re-labelled, the rest as it is."""
        return _copy(need, result=self.apply(need.result, *labels))

    def _maker(self, result: PathResult) -> Callable[..., PathResult]:
        """A function of the member's labels to its copy of ``result``: every field
        copied (a field the walk adds later is carried over, and the equality test says whether it
        needs re-labelling too), the path, ``blocked_at``, reason, checks and pieces re-labelled."""
        t = self._format
        cls = result.__class__
        get, names = _fields_of(cls)
        base = list(get(result))
        at_path, at_blocked, at_reason, at_checks, at_pieces = (
            names.index(n) for n in ("path", "blocked_at", "reason", "checks", "pieces")
        )
        path = [t(hop) for hop in result.path]
        blocked = None if result.blocked_at is None else t(result.blocked_at)
        blocked = None if blocked.__class__ is str else blocked  # None: kept as it is
        reason = t(result.reason)
        reason = None if reason.__class__ is str else reason
        # Checks that name no token are shared; the others are made anew at their positions,
        # each of their two texts either kept (str) or formatted.
        checks = list(result.checks)
        relabelled: list[tuple[int, Any, Any, Any, Any]] = []
        for i, c in enumerate(checks):
            resource_id, why = t(c.resource_id), t(c.reason)
            if resource_id.__class__ is not str or why.__class__ is not str:
                relabelled.append((i, c.code, c.status, resource_id, why))
        hops = [(i, h) for i, h in enumerate(path) if h.__class__ is not str]
        static_path = [h if h.__class__ is str else None for h in path]
        pieces = result.pieces
        apply = self.apply

        def make(*labels: str | None) -> PathResult:
            args = base.copy()
            new_path = static_path.copy()
            for i, hop in hops:
                new_path[i] = hop(*labels)
            args[at_path] = new_path
            if blocked is not None:
                args[at_blocked] = blocked(*labels)
            if reason is not None:
                args[at_reason] = reason(*labels)
            new_checks = checks.copy()
            for i, code, status, resource_id, why in relabelled:
                new_checks[i] = Check(
                    code,
                    status,
                    resource_id if resource_id.__class__ is str else resource_id(*labels),
                    why if why.__class__ is str else why(*labels),
                )
            args[at_checks] = new_checks
            if pieces:  # each part of a split destination walked from the member's own subnet too
                args[at_pieces] = [_copy(p, result=apply(p.result, *labels)) for p in pieces]
            return cls(*args)

        return make

    @staticmethod
    def fill(template: _Template, labels: tuple[str | None, ...]) -> str:
        """The text of ``template`` (from ``template``) with a member's ``labels`` in place."""
        if isinstance(template, str):
            return template
        return "".join(p if isinstance(p, str) else labels[p] or "" for p in template)

    def _format(self, text: str) -> Any:
        """``text`` itself when it names no token, else a function of the member's labels to
        ``text`` with them in place of the traced member's."""
        parts = self.template(text)
        if parts.__class__ is str:
            return parts
        return "".join(
            f"{{{p}}}" if isinstance(p, int) else p.replace("{", "{{").replace("}", "}}") for p in parts
        ).format

    def template(self, text: str) -> _Template:
        """``text`` itself when it names no token, else its parts with the tokens as indexes
        (0: the subnet id, 1: its range, 2: its route table id). A token counts only as a whole word: not inside a longer
        id (``subnet-1`` in ``subnet-12``) or range (``10.0.1.0/24`` in ``110.0.1.0/24``)."""
        found = sorted(
            (start, -len(token), index)
            for index, token in self._tokens
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


_T = TypeVar("_T")
_GETTERS: dict[type, tuple[Callable[[Any], tuple], tuple[str, ...]]] = {}


def _copy(item: _T, **changes: Any) -> _T:
    """``dataclasses.replace`` for the result classes, four times faster (a large audit copies
    hundreds of thousands of them): every field read at once, the changed ones substituted, and the
    class called positionally, so a field added later is carried over as ``replace`` would."""
    cls = item.__class__
    get, names = _fields_of(cls)
    return cls(*[changes.get(n, v) for n, v in zip(names, get(item), strict=True)])


def _fields_of(cls: Any) -> tuple[Callable[[Any], tuple], tuple[str, ...]]:
    """A reader of every field of the dataclass ``cls`` at once, and the fields' names in order."""
    getter = _GETTERS.get(cls)
    if getter is None:
        names = tuple(f.name for f in fields(cls))
        getter = _GETTERS[cls] = (attrgetter(*names), names)
    return getter
