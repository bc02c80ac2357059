"""CIDR texts parsed once per graph build (``graph.build``): the routes, ACL entries, security-group
rules and prefix lists of a large snapshot name the same few thousand CIDRs again and again."""

from __future__ import annotations

import ipaddress
import re

from fargate_netcheck.snapshot.fast_check import IPV4_CIDR
from fargate_netcheck.snapshot.parse import Network


class Networks:
    """``ip_network(text, strict=False)``, each distinct text parsed once: a snapshot repeats the
    same CIDRs (0.0.0.0/0, a VPC's block in every table's local route, the same ACL entries in
    every VPC) thousands of times, and ``ip_network`` runs Python code per call. Networks are
    immutable, so the routes, entries and rules that name the same text may share one object.
    A dotted-quad CIDR in the form the snapshot check accepts without ``ipaddress`` (octets without
    leading zeros, a prefix of 0 to 32: ``fast_check``) is read as integers, a third faster than
    ``ip_network`` and the same network; anything else goes to ``ip_network`` (and raises its
    ``ValueError``). Made per graph build: the memo does not outlive it."""

    __slots__ = ("_dotted", "_known")

    def __init__(self) -> None:
        self._known: dict[str, Network] = {}
        self._dotted = re.compile(IPV4_CIDR).fullmatch

    def __call__(self, text: str) -> Network:
        net = self._known.get(text)
        if net is None:
            net = self._known[text] = self._parse(text)
        return net

    def _parse(self, text: str) -> Network:
        if text.__class__ is str and self._dotted(text):
            address, prefix = text.split("/")
            a, b, c, d = address.split(".")
            number = (int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d)
            return ipaddress.IPv4Network((number, int(prefix)), strict=False)
        return ipaddress.ip_network(text, strict=False)
