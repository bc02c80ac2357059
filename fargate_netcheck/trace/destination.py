"""What a walk is trying to reach: a set of addresses of one family, with a name for reasons.

Route tables partition the set (``routing.partition``), security groups and network ACLs must let
all of it through (they reason over ``addresses``), and the verdict holds only when every piece
of it arrives. "The internet" is the globally routable space: ``ipaddress``'s ``is_global`` (no
private, shared CGNAT 100.64.0.0/10, benchmarking, documentation or reserved block), less
multicast, which TCP never reaches. For IPv6 the special-purpose blocks of the IANA registry are
left out the same way.

A destination named by an AWS service (``aws:S3``, ``aws:AMAZON:us-east-1``) is resolved per
target region by ``aws_ranges`` when a walk starts (``service`` says which).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from fargate_netcheck.snapshot.addresses import AddressSet
from fargate_netcheck.snapshot.parse import Network
from fargate_netcheck.trace.aws_ranges import service_names

if TYPE_CHECKING:
    from fargate_netcheck.trace.aws_ranges import AwsRanges

# Non-global ranges (IANA special-purpose registries) that are never "the internet".
NOT_INTERNET_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
    "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
NOT_INTERNET_V6 = [
    "::/8", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16", "3fff::/20",
    "fc00::/7", "fe80::/10", "ff00::/8",
]  # fmt: skip
MAX_SHOWN = 4  # blocks quoted by name in a label before it summarises


@dataclass(frozen=True, slots=True)
class Destination:
    space: AddressSet  # what route tables partition and filters must let through
    label: str
    service: str | None = None  # "aws:S3[:region]": resolved per target region (see aws_ranges)
    whole: str | None = None  # for a piece of a split destination: the destination it is part of
    given: tuple[Network, ...] = field(default=(), compare=False)  # blocks to filter, when not ``space``'s
    # Addresses of hosts outside every VPC (the internet, an AWS service's published ranges): a
    # route that keeps part of them inside a VPC (``local``, a peer's range) never reaches them.
    outside: bool = False
    _memo: dict = field(default_factory=dict, compare=False, repr=False)  # derived once, on first use

    @property
    def addresses(self) -> tuple[Network, ...]:
        """What security groups and ACLs must let through: ``space`` as CIDR blocks (computed once:
        a destination object serves every walk of a run)."""
        if self.given:
            return self.given
        found = self._memo.get("addresses")
        if found is None:
            found = self._memo["addresses"] = self.space.networks()
        return found

    @property
    def cidrs(self) -> tuple[str, ...]:
        found = self._memo.get("cidrs")
        if found is None:
            found = self._memo["cidrs"] = tuple(self.space.cidrs())
        return found

    def within(self, inside: AddressSet) -> AddressSet:
        """``space & inside``, once per set asked about."""
        key = ("and", inside)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self.space & inside
        return found

    @property
    def version(self) -> int:
        return self.space.version

    @property
    def any_route(self) -> str:
        """The default route of this family: 0.0.0.0/0 or ::/0."""
        return "0.0.0.0/0" if self.version == 4 else "::/0"

    def __str__(self) -> str:
        return self.label

    @classmethod
    def of(cls, cidr: str | Network) -> Destination:
        """A CIDR block, or several (comma-separated, one family); a /0 means the internet."""
        if isinstance(cidr, str) and "," in cidr:
            nets = [ipaddress.ip_network(c.strip(), strict=False) for c in cidr.split(",") if c.strip()]
            space = AddressSet.of(nets)
            return cls(space, ", ".join(str(n) for n in nets))
        net = ipaddress.ip_network(cidr, strict=False) if isinstance(cidr, str) else cidr
        if net.prefixlen == 0:
            return cls.internet(net.version)
        return cls(AddressSet.of([net]), str(net))

    @classmethod
    def of_networks(cls, networks: tuple[Network, ...], label: str) -> Destination:
        """Blocks possibly of both families (a prefix list's entries): filtered as given; routed by
        the family of the first."""
        same = [n for n in networks if n.version == networks[0].version]
        return cls(AddressSet.of(same), label, given=tuple(networks))

    @classmethod
    def internet(cls, version: int = 4) -> Destination:
        return _internet(version)

    @property
    def service_region(self) -> str | None:
        """``us-east-1`` of ``aws:S3:us-east-1``; None: the target's region."""
        parts = (self.service or "").split(":")
        return parts[2] if len(parts) > 2 and parts[2] else None

    @classmethod
    def aws(cls, service: str, region: str | None = None) -> Destination:
        """A service's addresses, per AWS's published ranges, resolved when a walk starts."""
        name = f"aws:{service}" + (f":{region}" if region else "")
        return cls(AddressSet.empty(4), name, service=name, outside=True)

    def piece(self, space: AddressSet, by: str | None = None) -> Destination:
        """The part ``space`` of this destination, named after it (or, when it is many blocks, after
        ``by``: the route that carries it)."""
        if space == self.space:
            return self
        whole = self.whole or self.label
        label = describe_part(space, self.space, whole, by)
        return Destination(space, label, self.service, whole, outside=self.outside)

    def is_internet(self) -> bool:
        return self.space.issubset(internet_space(self.version))


@cache
def internet_space(version: int) -> AddressSet:
    excluded = AddressSet.of(NOT_INTERNET_V4 if version == 4 else NOT_INTERNET_V6)
    return AddressSet.everything(version) - excluded


@cache
def _internet(version: int) -> Destination:
    label = f"the internet ({'0.0.0.0/0' if version == 4 else '::/0'})"
    return Destination(internet_space(version), label, outside=True)


def describe_part(part: AddressSet, whole_space: AddressSet, whole: str, by: str | None = None) -> str:
    """``52.0.0.0/8 of the internet (0.0.0.0/0)``; ``the internet (0.0.0.0/0) except 52.0.0.0/8``
    when what is left out is the shorter to say; else the part ``by`` a route's destination
    (``the part of ECR and S3 addresses in us-east-1 routed by 52.0.0.0/8``), else how many blocks."""
    shown = part.cidrs()
    if len(shown) <= MAX_SHOWN:
        return f"{', '.join(shown)} of {whole}"
    rest = (whole_space - part).cidrs()
    if len(rest) <= MAX_SHOWN:
        return f"{whole} except {', '.join(rest)}"
    if by:
        return f"the part of {whole} routed by {by} ({len(shown)} blocks)"
    return f"{len(shown)} blocks of {whole} ({', '.join(shown[:MAX_SHOWN])}, ...)"


def resolve_service(destination: Destination, region: str, ranges: AwsRanges) -> Destination | None:
    """``aws:SERVICE[:REGION]`` as an address set, from ``ranges`` (``ECR+S3``: both an image pull's)."""
    service = (destination.service or "").split(":")[1].upper()
    names = service_names(service)
    space: AddressSet | None = None
    for name in names:
        more = ranges.service_space(name, region)
        if more is None:
            return None
        space = more if space is None else space | more
    if space is None:
        return None
    label = " and ".join(names) + f" addresses in {region}"
    return Destination(space, label, outside=True)
