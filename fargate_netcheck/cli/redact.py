"""Redact a snapshot or a report before sharing it, without changing what the analysis concludes.

What is masked, consistently (one ``Redactor``: the same input always gives the same mask, in the
snapshot, the report and any text):

- account ids (any standalone 12-digit number: ``OwnerId``, Block Public Access's ``AwsAccountId``,
  ARNs such as an exclusion's ``ResourceArn``, ``accounts`` keys, ECR hosts) become other 12-digit
  numbers;
- IPv4 and IPv6 addresses and CIDR blocks (also ``ip-10-0-1-5`` / ``ec2-54-1-2-3`` host names)
  become other addresses of the same family; a CIDR keeps its prefix length;
- tag values (``Tags[].Value``, ECS ``tags[].value``) become ``redacted-<hash>``; keys stay.

Resource ids (``subnet-…``, ``sg-…``) stay: they are how a reader correlates the report with the
snapshot, and they say nothing about the account by themselves.

Addresses are mapped by a keyed, prefix-preserving permutation of the address tree (as Crypto-PAn
does): bit *i* of the output is bit *i* of the input, flipped or not by a keyed hash of the bits
above it. Two addresses sharing their first *n* bits map to two addresses sharing their first *n*
bits, so a CIDR's mask length, containment, overlap and longest-prefix routing all survive. The
blocks the analysis treats as "not the internet" (``trace.destination``) are fixed as blocks: a
private address stays private (permuted inside its own block) and a public one stays public, so
every verdict of a redacted snapshot is the verdict of the original. Mapping public addresses into
a documentation range instead would change verdicts (a task allowed out to 52.0.0.0/8 only would
become one allowed nowhere on the internet). Loopback, link-local (169.254.169.253, the Amazon
DNS), multicast, reserved and AWS's ``fd00:ec2::/32`` addresses are kept as they are. AWS's
published ranges (``trace.aws_ranges``: the shipped copy, or the ``ranges`` a run reads) are fixed
as blocks too, since the trace decides the ECR, S3 and ``aws:SERVICE`` paths on them: an address
inside one stays inside it (a NAT gateway's Elastic IP is still masked, within its AWS block), one
outside all of them stays outside. Each VPC's primary IPv4 block keeps its base + 2 at base + 2
(the Amazon resolver's address, which a DHCP options set may name), when the snapshot is redacted
before any address on that path was mapped. The price of keeping those blocks in place: an
address sharing a long prefix with one of them keeps that prefix (192.0.2.0/24 keeps its first 22
bits, those of 192.0.0.0/24's neighbourhood; an address near an AWS range keeps the bits it shares
with it).

The mapping is keyed: ``Redactor()`` draws a random key (nothing can be reversed by guessing);
``Redactor(key=...)`` gives the same masks across runs, e.g. for a snapshot and a later report.
Like any random permutation it has fixed points: a VPC's /16 inside 10.0.0.0/8 maps onto itself
for one key in 256 (its second octet is the only part drawn; what lies on its resolver's path is
pinned). A tool that avoided them would leak that the mask is not the original.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.trace.destination import NOT_INTERNET_V4, NOT_INTERNET_V6

if TYPE_CHECKING:
    from fargate_netcheck.trace.aws_ranges import AwsRanges

# Blocks mapped onto themselves, address for address: nothing account-specific lives there.
_KEPT = {
    4: ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "240.0.0.0/4"),
    6: ("::/8", "fe80::/10", "ff00::/8", "fd00:ec2::/32"),
}
# Blocks mapped onto themselves as a whole, permuted inside: what the analysis must tell apart.
_FIXED = {4: tuple(NOT_INTERNET_V4), 6: (*NOT_INTERNET_V6, "fd00:ec2::/32")}
_TAG_LISTS = {"Tags": ("Key", "Value"), "TagSet": ("Key", "Value"), "tags": ("key", "value")}
_MIN_TAG_VALUE_IN_TEXT = 4  # shorter tag values ("dev", "a") are too common to replace in prose

_PATTERN = re.compile(
    r"""
    (?P<host>\b(?:ip|ec2)-\d{1,3}-\d{1,3}-\d{1,3}-\d{1,3}\b)
    | (?P<v4>(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:/\d{1,2})?(?!\.?\d))
    | (?P<account>(?<![0-9A-Za-z])\d{12}(?![0-9A-Za-z]))
    | (?P<v6>(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:/\d{1,3})?(?![\w:.]))
    """,
    re.VERBOSE | re.ASCII,
)


@dataclass(slots=True)
class _Tree:
    """The fixed points of the permutation for one address family."""

    width: int
    frozen: set[tuple[int, int]]  # (depth, prefix) nodes that never flip: strict ancestors of a fixed block
    kept: tuple[tuple[int, int], ...]  # (prefix length, prefix) of blocks kept address for address

    @classmethod
    def of(cls, version: int, ranges: AwsRanges | None = None) -> _Tree:
        """The tree of ``version`` with AWS's published ``ranges`` fixed (None: the shipped copy)."""
        frozen = set(_ancestors(version, _aws_blocks(ranges, version) if ranges else None))
        kept = tuple(
            (n.prefixlen, int(n.network_address) >> (_width(version) - n.prefixlen))
            for n in map(ipaddress.ip_network, _KEPT[version])
        )
        return cls(_width(version), frozen, kept)

    def kept_depth(self, value: int) -> int:
        """Depth from which ``value`` is inside a kept block (no more flips), else the full width."""
        for length, prefix in self.kept:
            if value >> (self.width - length) == prefix:
                return length
        return self.width


def _width(version: int) -> int:
    return 32 if version == 4 else 128


def _aws_blocks(ranges: AwsRanges, version: int) -> tuple[str, ...]:
    """Every block of every service in every region of ``ranges``, of one family."""
    found = {c for services in ranges.ranges.values() for cidrs in services.values() for c in cidrs}
    return tuple(sorted(c for c in found if (":" in c) == (version == 6)))


@cache
def _ancestors(version: int, aws: tuple[str, ...] | None) -> frozenset[tuple[int, int]]:
    """The (depth, prefix) nodes that never flip: the strict ancestors of every fixed block (the
    kept and not-internet blocks, and AWS's published ranges: ``aws``, None for the shipped copy)."""
    if aws is None:
        from fargate_netcheck.trace.aws_ranges import shipped

        aws = _aws_blocks(shipped(), version)
    width = _width(version)
    frozen: set[tuple[int, int]] = set()
    for cidr in (*_FIXED[version], *_KEPT[version], *aws):
        net = ipaddress.ip_network(cidr)
        top = int(net.network_address) >> (width - net.prefixlen)
        frozen.update((i, top >> (net.prefixlen - i)) for i in range(net.prefixlen))
    return frozenset(frozen)


def _vpc_blocks(node: object) -> Iterator[str]:
    """The primary IPv4 block of every VPC in a snapshot (either form) or any JSON document."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "Vpcs" and isinstance(v, list):
                yield from (
                    str(vpc["CidrBlock"]) for vpc in v if isinstance(vpc, dict) and vpc.get("CidrBlock")
                )
            else:
                yield from _vpc_blocks(v)
    elif isinstance(node, list):
        for v in node:
            yield from _vpc_blocks(v)


@dataclass
class Redactor:
    """One consistent mapping. Use the same instance for a snapshot and the reports made from it.
    ``ranges``: the AWS ranges the analysis will read (None: the shipped copy), fixed as blocks."""

    key: bytes = field(default_factory=lambda: os.urandom(32))
    ranges: AwsRanges | None = field(default=None, repr=False)
    _trees: dict[int, _Tree] = field(default_factory=dict, repr=False)
    _flips: dict[tuple[int, int, int], int] = field(default_factory=dict, repr=False)
    _addresses: dict[str, str] = field(default_factory=dict, repr=False)
    _accounts: dict[str, str] = field(default_factory=dict, repr=False)
    _account_masks: set[str] = field(default_factory=set, repr=False)
    _tag_values: dict[str, str] = field(default_factory=dict, repr=False)
    _tag_pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._trees = {v: _Tree.of(v, self.ranges) for v in (4, 6)}

    # -- whole documents --------------------------------------------------------------------------
    def redact_snapshot(self, data: JsonDict) -> JsonDict:
        """A redacted deep copy of a snapshot (or any JSON document); ``data`` is left untouched."""
        self.pin_resolvers(_vpc_blocks(data))
        return self._walk(data, prose=False)

    def pin_resolvers(self, blocks: Iterable[str]) -> None:
        """Keep base + 2 of each IPv4 block at base + 2 of its mask (the Amazon resolver of a VPC
        whose primary block it is): the host bits on its path never flip. A path that an address
        mapped already went through with a flip stays as it is (one input, one mask, first)."""
        tree = self._trees[4]
        for cidr in blocks:
            try:
                net = ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                continue
            if net.version != 4 or net.prefixlen > 30:
                continue
            resolver = int(net.network_address) + 2
            for i in range(net.prefixlen, tree.width):
                node = (i, resolver >> (tree.width - i))
                if self._flips.get((4, *node)) != 1:
                    tree.frozen.add(node)

    def redact_report(self, data: object) -> Any:
        """A redacted deep copy of a JSON report: as a snapshot, plus the tag values met so far
        wherever they appear in messages (report prose quotes Name tags)."""
        return self._walk(data, prose=True)

    def redact_text(self, text: str) -> str:
        """Any text (a rendered report, a log): accounts, addresses and the tag values met so far."""
        if self._tag_values and len(text) >= _MIN_TAG_VALUE_IN_TEXT:
            text = self._tag_regex().sub(lambda m: self._tag_values[m.group(0)], text)
        return _PATTERN.sub(self._replace, text)

    # -- single values --------------------------------------------------------------------------
    def account(self, account_id: str) -> str:
        """A 12-digit account id -> another, distinct for distinct inputs."""
        if account_id not in self._accounts:
            n = 0
            while True:
                digest = self._hash(b"account", f"{n}:{account_id}".encode())
                mask = f"{int.from_bytes(digest[:8], 'big') % 10**12:012d}"
                if mask not in self._account_masks:
                    break
                n += 1
            self._accounts[account_id] = mask
            self._account_masks.add(mask)
        return self._accounts[account_id]

    def address(self, value: str) -> str:
        """An IPv4/IPv6 address or CIDR block -> its mask (prefix length kept); anything else as is."""
        if value in self._addresses:
            return self._addresses[value]
        addr, slash, length = value.partition("/")
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return value
        if slash and not (length.isdigit() and int(length) <= ip.max_prefixlen):
            return f"{self.address(addr)}/{length}"  # a malformed length: the address is masked all the same
        prefix = int(length) if slash else ip.max_prefixlen
        tree = self._trees[ip.version]
        raw = int(ip)
        mapped = self._permute(raw, ip.version, tree)
        host_bits = tree.width - prefix
        if slash and raw & ((1 << host_bits) - 1) == 0:
            mapped &= ~((1 << host_bits) - 1)  # a network address stays a network address
        out = str(ipaddress.IPv6Address(mapped) if ip.version == 6 else ipaddress.IPv4Address(mapped))
        self._addresses[value] = f"{out}/{length}" if slash else out
        return self._addresses[value]

    def tag_value(self, value: str) -> str:
        if value not in self._tag_values:
            self._tag_values[value] = f"redacted-{self._hash(b'tag', value.encode()).hex()[:12]}"
            self._tag_pattern = None
        return self._tag_values[value]

    # -- internals ------------------------------------------------------------------------------
    def _walk(self, node: object, prose: bool) -> Any:
        if isinstance(node, dict):
            out = {}
            for k, v in node.items():
                key = _PATTERN.sub(self._replace, k) if isinstance(k, str) else k
                out[key] = self._tags(v, *_TAG_LISTS[k], prose) if k in _TAG_LISTS else self._walk(v, prose)
            return out
        if isinstance(node, list):
            return [self._walk(v, prose) for v in node]
        if isinstance(node, str):
            return self.redact_text(node) if prose else _PATTERN.sub(self._replace, node)
        return node

    def _tags(self, tags: object, key_field: str, value_field: str, prose: bool) -> Any:
        if not isinstance(tags, list):
            return self._walk(tags, prose)
        out = []
        for tag in tags:
            if isinstance(tag, dict) and isinstance(tag.get(value_field), str):
                masked = self._walk(tag, prose)
                masked[value_field] = self.tag_value(tag[value_field])
                if key_field in tag:
                    masked[key_field] = tag[key_field]  # keys stay as they are
                out.append(masked)
            else:
                out.append(self._walk(tag, prose))
        return out

    def _replace(self, match: re.Match[str]) -> str:
        text = match.group(0)
        if match.lastgroup == "account":
            return self.account(text)
        if match.lastgroup == "host":
            kind, *octets = text.split("-")
            masked = self.address(".".join(octets))
            return f"{kind}-{masked.replace('.', '-')}" if masked != ".".join(octets) else text
        if match.lastgroup == "v6" and text.endswith(":") and not text.endswith("::"):
            stripped = text.rstrip(":")  # "fe80::1:" at the end of a clause
            return self.address(stripped) + text[len(stripped) :]
        return self.address(text)

    def _permute(self, value: int, version: int, tree: _Tree) -> int:
        out = value
        width = tree.width
        for i in range(tree.kept_depth(value)):
            prefix = value >> (width - i)
            if (i, prefix) in tree.frozen:
                continue
            node = (version, i, prefix)
            flip = self._flips.get(node)
            if flip is None:
                flip = self._hash(b"ip", f"{version}/{i}/{prefix}".encode())[0] & 1
                self._flips[node] = flip
            if flip:
                out ^= 1 << (width - 1 - i)
        return out

    def _hash(self, purpose: bytes, data: bytes) -> bytes:
        return hashlib.blake2b(data, key=self.key[:64], person=purpose[:16], digest_size=16).digest()

    def _tag_regex(self) -> re.Pattern[str]:
        if self._tag_pattern is None:
            values = sorted(
                (v for v in self._tag_values if len(v) >= _MIN_TAG_VALUE_IN_TEXT), key=len, reverse=True
            )
            alternatives = "|".join(map(re.escape, values)) or r"(?!x)x"
            self._tag_pattern = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")
        return self._tag_pattern


def redact_snapshot(data: JsonDict, redactor: Redactor | None = None) -> JsonDict:
    """Redact a snapshot with ``redactor`` (a fresh random one if none): see ``Redactor``."""
    return (redactor or Redactor()).redact_snapshot(data)


def redact_text(text: str, redactor: Redactor) -> str:
    """Redact text with the mapping ``redactor`` used for the snapshot the text comes from."""
    return redactor.redact_text(text)
