"""Sets of addresses of one IP family: a union of CIDR blocks held as sorted, disjoint integer
intervals, so route partitions, set differences and "is all of it allowed" are integer arithmetic,
not ``ipaddress`` object comparisons (which run Python code per call).

Intervals are closed (``lo``..``hi``), sorted, and never overlap or touch: two touching intervals
are merged, so equal sets have equal representations (and hash alike).
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from fargate_netcheck.snapshot.parse import Network

Interval = tuple[int, int]
_WIDTH = {4: 32, 6: 128}
# An IPv4 block as ``ipaddress`` writes it (no leading zeros, a prefix length): read as integers
# without building an ``ipaddress`` object. Any other text goes through ``ipaddress``.
_IPV4_CIDR = re.compile(
    r"(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})/(0|[1-9]\d?)"
)


def ipv4_block(text: str) -> tuple[int, int] | None:
    """(address, prefix length) of an IPv4 CIDR block written the way ``ipaddress`` writes one
    (host bits may be set); None for any other text (which ``ipaddress`` must then judge)."""
    m = _IPV4_CIDR.fullmatch(text)
    if m is None:
        return None
    a, b, c, d, length = (int(x) for x in m.groups())
    if a > 255 or b > 255 or c > 255 or d > 255 or length > 32:
        return None
    return (a << 24) | (b << 16) | (c << 8) | d, length


@dataclass(frozen=True, slots=True)
class AddressSet:
    version: int
    intervals: tuple[Interval, ...]
    # hashed once, when first used as a key (the per-table partition caches, looked up for every
    # walk of an audit); most sets a partition makes along the way never are
    _hash: int | None = field(default=None, init=False, repr=False, compare=False)
    # its CIDR blocks as text, made on first use: reasons and labels quote the same sets again and again
    _cidrs: tuple[str, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __hash__(self) -> int:
        found = self._hash
        if found is None:
            found = hash((self.version, self.intervals))
            object.__setattr__(self, "_hash", found)
        return found

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def of(cls, networks: Iterable[Network | str], version: int | None = None) -> AddressSet:
        """The union of ``networks`` (all of one family; ``version`` for an empty union)."""
        spans: list[Interval] = []
        for net in networks:
            block = ipv4_block(net) if isinstance(net, str) else None
            if block is not None and version in (None, 4):
                version = 4
                host = (1 << (32 - block[1])) - 1
                first = block[0] & ~host
                spans.append((first, first | host))
                continue
            n = ipaddress.ip_network(net, strict=False) if isinstance(net, str) else net
            if version is None:
                version = n.version
            elif n.version != version:
                raise ValueError(f"{n} is IPv{n.version}, not IPv{version}")
            first = int(n.network_address)
            spans.append((first, first | ((1 << (n.max_prefixlen - n.prefixlen)) - 1)))
        return cls(version or 4, merge(spans))

    @classmethod
    def everything(cls, version: int) -> AddressSet:
        return cls(version, ((0, (1 << _WIDTH[version]) - 1),))

    @classmethod
    def empty(cls, version: int) -> AddressSet:
        return cls(version, ())

    # -- queries --------------------------------------------------------------------------------
    def __bool__(self) -> bool:
        return bool(self.intervals)

    @property
    def size(self) -> int:
        """How many addresses."""
        return sum(hi - lo + 1 for lo, hi in self.intervals)

    def first(self) -> int:
        return self.intervals[0][0] if self.intervals else -1

    def issubset(self, other: AddressSet) -> bool:
        return self.version == other.version and not (self - other)

    def overlaps(self, lo: int, hi: int) -> bool:
        """Whether any of the addresses ``lo``..``hi`` is in the set (found by bisection)."""
        intervals = self.intervals
        i = bisect_left(intervals, lo, key=_end)  # the first interval ending at or after lo
        return i < len(intervals) and intervals[i][0] <= hi

    def contains_address(self, value: int) -> bool:
        return any(lo <= value <= hi for lo, hi in self.intervals)

    # -- set algebra (same family; another family is disjoint) ------------------------------------
    def __and__(self, other: AddressSet) -> AddressSet:
        if other.version != self.version:
            return AddressSet.empty(self.version)
        out: list[Interval] = []
        a, b = self.intervals, other.intervals
        i = j = 0
        while i < len(a) and j < len(b):
            lo = max(a[i][0], b[j][0])
            hi = min(a[i][1], b[j][1])
            if lo <= hi:
                out.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return AddressSet(self.version, tuple(out))

    def within(self, lo: int, hi: int) -> AddressSet:
        """The part of this set inside one interval."""
        out = [(max(a, lo), min(b, hi)) for a, b in self.intervals if a <= hi and lo <= b]
        return AddressSet(self.version, tuple(out))

    def __or__(self, other: AddressSet) -> AddressSet:
        if other.version != self.version:
            raise ValueError("cannot unite address sets of two families")
        return AddressSet(self.version, merge([*self.intervals, *other.intervals]))

    def __sub__(self, other: AddressSet) -> AddressSet:
        if other.version != self.version or not other.intervals:
            return self
        out: list[Interval] = []
        b = other.intervals
        j = 0
        for lo, hi in self.intervals:
            while j < len(b) and b[j][1] < lo:
                j += 1
            k = j
            cur = lo
            while k < len(b) and b[k][0] <= hi:
                if b[k][0] > cur:
                    out.append((cur, b[k][0] - 1))
                cur = max(cur, b[k][1] + 1)
                k += 1
            if cur <= hi:
                out.append((cur, hi))
        return AddressSet(self.version, tuple(out))

    # -- as CIDR blocks -------------------------------------------------------------------------
    def networks(self) -> tuple[Network, ...]:
        """The fewest CIDR blocks whose union is this set, in address order."""
        make = ipaddress.IPv4Network if self.version == 4 else ipaddress.IPv6Network
        return tuple(make((start, length)) for start, length in self.blocks())

    def blocks(self) -> list[tuple[int, int]]:
        """(first address, prefix length) of each block of ``networks()``."""
        width = _WIDTH[self.version]
        out: list[tuple[int, int]] = []
        for lo, hi in self.intervals:
            while lo <= hi:
                # the largest aligned block starting at lo that fits in [lo, hi]
                size = (lo & -lo).bit_length() - 1 if lo else width
                while lo + (1 << size) - 1 > hi:
                    size -= 1
                out.append((lo, width - size))
                lo += 1 << size
        return out

    def cidrs(self) -> list[str]:
        """The blocks of ``networks()`` as text (a new list each call: the text is made once)."""
        found = self._cidrs
        if found is None:
            found = tuple(str(n) for n in self.networks())
            object.__setattr__(self, "_cidrs", found)
        return list(found)

    def __str__(self) -> str:
        return ", ".join(self.cidrs()) or "no addresses"

    def summary(self, limit: int = 4) -> str:
        """The first ``limit`` blocks by name, then how many more: for a reason a person reads."""
        cidrs = self.cidrs()
        if not cidrs:
            return "no addresses"
        more = len(cidrs) - limit
        return ", ".join(cidrs[:limit]) + (f" (+{more} more blocks)" if more > 0 else "")


def merge(spans: list[Interval]) -> tuple[Interval, ...]:
    """``spans`` (sorted here, in place) as sorted intervals that neither overlap nor touch."""
    if not spans:
        return ()
    spans.sort()
    out = [spans[0]]
    for lo, hi in spans[1:]:
        last_lo, last_hi = out[-1]
        if lo <= last_hi + 1:
            if hi > last_hi:
                out[-1] = (last_lo, hi)
        else:
            out.append((lo, hi))
    return tuple(out)


def cut(intervals: list[Interval], lo: int, hi: int) -> list[Interval]:
    """Remove ``lo``..``hi`` from the sorted, disjoint ``intervals`` (in place); return what was
    removed (the part of them inside it), in order. Found by bisection: a partition cuts each
    route's block out of a set of thousands of intervals (AWS's ranges of a region)."""
    i = bisect_left(intervals, lo, key=_end)  # the first interval ending at or after lo
    j = bisect_right(intervals, hi, lo=i, key=_start)  # past the last one starting at or before hi
    if i >= j:
        return []
    inside = intervals[i:j]
    first_lo, last_hi = inside[0][0], inside[-1][1]
    kept: list[Interval] = []
    if first_lo < lo:
        kept.append((first_lo, lo - 1))
        inside[0] = (lo, inside[0][1])
    if last_hi > hi:
        kept.append((hi + 1, last_hi))
        inside[-1] = (inside[-1][0], hi)
    intervals[i:j] = kept
    return inside


def _start(interval: Interval) -> int:
    return interval[0]


def _end(interval: Interval) -> int:
    return interval[1]
