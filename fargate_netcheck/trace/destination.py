"""What a walk is trying to reach.

The default destination, "the internet", is routed as 0.0.0.0/0 but filtered as the *public*
address space: a network ACL that denies 10.0.0.0/8, or a security group that allows only the VPC
range, says nothing about (or nothing for) the internet. A destination given by the user is
routed and filtered as exactly that block.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fargate_netcheck.parse import Network, within

# Non-global ranges (IANA special-purpose registries) that are never "the internet".
NOT_INTERNET_V4 = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
NOT_INTERNET_V6 = ["::/8", "fc00::/7", "fe80::/10", "ff00::/8"]


@dataclass(frozen=True, slots=True)
class Destination:
    network: Network  # what route choice matches against
    addresses: tuple[Network, ...]  # what security groups and ACLs must let through
    label: str

    @property
    def version(self) -> int:
        return self.network.version

    def __str__(self) -> str:
        return self.label

    @classmethod
    def of(cls, cidr: str | Network) -> Destination:
        net = ipaddress.ip_network(cidr, strict=False) if isinstance(cidr, str) else cidr
        if net.prefixlen == 0:
            return cls.internet(net.version)
        return cls(net, (net,), str(net))

    @classmethod
    def internet(cls, version: int = 4) -> Destination:
        everything = ipaddress.ip_network("0.0.0.0/0" if version == 4 else "::/0")
        excluded = [ipaddress.ip_network(c) for c in (NOT_INTERNET_V4 if version == 4 else NOT_INTERNET_V6)]
        pieces = [everything]
        for block in excluded:
            pieces = [p for piece in pieces for p in _without(piece, block)]
        return cls(everything, tuple(sorted(pieces)), f"the internet ({everything})")


def _without(piece: Network, block: Network) -> list[Network]:
    if not piece.overlaps(block):
        return [piece]
    if within(piece, block):
        return []
    return list(piece.address_exclude(block))  # type: ignore[arg-type]  # same version: overlaps
