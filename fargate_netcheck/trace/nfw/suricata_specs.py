"""Suricata address and port specs: ``any``, lists, ranges, negation and variables, read into the
sets the firewall's flows are matched against (``addresses``, ``port_spec``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from fargate_netcheck.trace.nfw.sets import ALL_PORTS, AddressSet, IntervalSet, ports


class RuleError(ValueError):
    """A rule string this module cannot read."""


@dataclass(frozen=True, slots=True)
class Variables:
    """IP sets and port sets by name (without ``$``), e.g. HOME_NET and EXTERNAL_NET."""

    ip_sets: dict[str, list[str]] = field(default_factory=dict)
    port_sets: dict[str, list[str]] = field(default_factory=dict)


def _split_list(text: str) -> list[str]:
    """``[a, [b, c], !d]`` -> ``["a", "[b, c]", "!d"]`` (one level)."""
    inner, out, depth, cur = text[1:-1], [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += (ch == "[") - (ch == "]")
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


_S = TypeVar("_S", AddressSet, IntervalSet)


@dataclass(frozen=True, slots=True)
class _Space(Generic[_S]):
    """Addresses or ports: how a spec's atoms, variables and extremes are read."""

    what: str  # "IP set" | "port set"
    everything: Callable[[], _S]
    nothing: Callable[[], _S]
    atom: Callable[[str], _S]
    table: Callable[[Variables], dict[str, list[str]]]


def _set_spec(spec: str, variables: Variables, space: _Space[_S], depth: int = 0) -> _S:
    """``any``, ``!x``, ``[a, !b, ...]`` (the positives, less the negatives; all but the negatives
    when there are no positives), ``$VAR`` or an atom."""
    spec = spec.strip()
    if depth > 8:
        raise RuleError(f"{space.what} {spec!r} nests variables too deeply")
    if spec.lower() == "any":
        return space.everything()
    if spec.startswith("!"):
        return _set_spec(spec[1:], variables, space, depth + 1).complement()
    if spec.startswith("["):
        items = _split_list(spec)
        positive = [i for i in items if not i.startswith("!")]
        result = space.nothing() if positive else space.everything()
        for item in positive:
            result = result.union(_set_spec(item, variables, space, depth + 1))
        for item in items:
            if item.startswith("!"):
                result = (
                    result.complement().union(_set_spec(item[1:], variables, space, depth + 1)).complement()
                )
        return result
    if spec.startswith("$"):
        table = space.table(variables)
        if spec[1:] not in table:
            raise RuleError(f"{space.what} variable {spec} is not defined")
        return _set_spec("[" + ", ".join(table[spec[1:]]) + "]", variables, space, depth + 1)
    return space.atom(spec)


def _address_atom(spec: str) -> AddressSet:
    if spec.startswith("@"):
        raise RuleError(f"IP set reference {spec} is not interpreted")
    try:
        return AddressSet.of([spec])
    except ValueError:
        raise RuleError(f"address {spec!r} is not an IP address or CIDR") from None


def _port_atom(spec: str) -> IntervalSet:
    m = re.fullmatch(r"(\d*):(\d*)|(\d+)", spec)
    if not m:
        raise RuleError(f"port {spec!r} is not a port, range or list")
    if m.group(3):
        n = int(m.group(3))
        return ports([(n, n)])
    return ports([(int(m.group(1) or 0), int(m.group(2) or 65535))])


_ADDRESSES = _Space(
    "IP set", AddressSet.everything, lambda: AddressSet.of([]), _address_atom, lambda v: v.ip_sets
)
_PORTS = _Space("port set", lambda: ALL_PORTS, lambda: ports([]), _port_atom, lambda v: v.port_sets)


def addresses(spec: str, variables: Variables) -> AddressSet:
    return _set_spec(spec, variables, _ADDRESSES)


def port_spec(spec: str, variables: Variables) -> IntervalSet:
    return _set_spec(spec, variables, _PORTS)
