"""Sets of addresses and ports as sorted integer intervals, and the three-valued match they give.

A flow is a *set* of packets (any address of the task subnet, any ephemeral port, any address of
the destination): a rule matches all of them (``YES``), none (``NO``) or some (``MAYBE``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from fargate_netcheck.core.tristate import Match

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_TOP = {4: 2**32 - 1, 6: 2**128 - 1}


Interval = tuple[int, int]


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    out: list[list[int]] = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


@dataclass(frozen=True, slots=True)
class IntervalSet:
    """A set of integers in [0, top], as merged intervals."""

    intervals: tuple[Interval, ...]
    top: int

    @classmethod
    def of(cls, intervals: Iterable[Interval], top: int) -> IntervalSet:
        return cls(_merge(intervals), top)

    def complement(self) -> IntervalSet:
        out, start = [], 0
        for lo, hi in self.intervals:
            if lo > start:
                out.append((start, lo - 1))
            start = hi + 1
        if start <= self.top:
            out.append((start, self.top))
        return IntervalSet(tuple(out), self.top)

    def union(self, other: IntervalSet) -> IntervalSet:
        return IntervalSet.of((*self.intervals, *other.intervals), self.top)

    def intersects(self, other: IntervalSet) -> bool:
        i = j = 0
        a, b = self.intervals, other.intervals
        while i < len(a) and j < len(b):
            if a[i][1] < b[j][0]:
                i += 1
            elif b[j][1] < a[i][0]:
                j += 1
            else:
                return True
        return False

    def within(self, other: IntervalSet) -> bool:
        """Every member of this set is in ``other``."""
        return not self.intersects(other.complement())

    def empty(self) -> bool:
        return not self.intervals

    def match(self, rule: IntervalSet) -> Match:
        """How a rule's set matches this (the flow's) set."""
        if self.empty() or not self.intersects(rule):
            return Match.NO
        return Match.YES if self.within(rule) else Match.MAYBE


@dataclass(frozen=True, slots=True)
class AddressSet:
    """IPv4 and IPv6 addresses."""

    v4: IntervalSet
    v6: IntervalSet

    @classmethod
    def of(cls, networks: Iterable[Network | str]) -> AddressSet:
        parts: dict[int, list[Interval]] = {4: [], 6: []}
        for net in networks:
            n = ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net
            parts[n.version].append((int(n.network_address), int(n.broadcast_address)))
        return cls(IntervalSet.of(parts[4], _TOP[4]), IntervalSet.of(parts[6], _TOP[6]))

    @classmethod
    def everything(cls) -> AddressSet:
        return cls.of(["0.0.0.0/0", "::/0"])

    def complement(self) -> AddressSet:
        return AddressSet(self.v4.complement(), self.v6.complement())

    def union(self, other: AddressSet) -> AddressSet:
        return AddressSet(self.v4.union(other.v4), self.v6.union(other.v6))

    def minus(self, other: AddressSet) -> AddressSet:
        return self.complement().union(other).complement()

    def empty(self) -> bool:
        return self.v4.empty() and self.v6.empty()

    def match(self, rule: AddressSet) -> Match:
        if self.empty():
            return Match.NO
        hit = self.v4.intersects(rule.v4) or self.v6.intersects(rule.v6)
        if not hit:
            return Match.NO
        return Match.YES if self.v4.within(rule.v4) and self.v6.within(rule.v6) else Match.MAYBE

    def networks(self) -> list[Network]:
        out: list[Network] = []
        for version, iset in ((4, self.v4), (6, self.v6)):
            cls = ipaddress.IPv4Address if version == 4 else ipaddress.IPv6Address
            for lo, hi in iset.intervals:
                out.extend(ipaddress.summarize_address_range(cls(lo), cls(hi)))
        return out


def ports(intervals: Iterable[Interval]) -> IntervalSet:
    return IntervalSet.of(intervals, 65535)


ALL_PORTS = ports([(0, 65535)])
