"""The fast path of snapshot validation: a yes/no "certainly valid?" per item.

On a large snapshot, ``snapshot.schema.validate_item`` (which names every fault) would cost more
than reading the JSON. ``ItemChecker`` compiles the same field table once and answers the common
all-valid case cheaply; on a "no" the loader runs ``validate_item``, which alone decides what is
accepted and what the message says.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.snapshot.schema import CIDR4, CIDR6, CIDR_ANY, DICT, FIELD_SPECS, STR, TAG_SPEC, OneOf
from fargate_netcheck.snapshot.schema_needs import NFW_SYNC_STATE

# The CIDRs the fast path accepts without ipaddress (a strict subset of what ipaddress accepts, so
# the verdict is the same): a dotted quad without leading zeros, or IPv6 written in full or ending in
# "::", each with a decimal prefix in range. Anything else is left to ipaddress.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])"
IPV4_CIDR = rf"{_OCTET}(?:\.{_OCTET}){{3}}/(?:3[0-2]|[12][0-9]|[0-9])"
_HEXTET = "[0-9a-fA-F]{1,4}"
_IPV6_CIDR = (
    rf"(?:{_HEXTET}(?::{_HEXTET}){{7}}|(?:{_HEXTET}:){{1,7}}:|::)/(?:12[0-8]|1[01][0-9]|[1-9][0-9]|[0-9])"
)
_FAMILY = {CIDR4: 4, CIDR6: 6, CIDR_ANY: 0}  # 0: either family
_SYNC_STATE_KEY = "NetworkFirewalls: SyncStates[]"  # the compiled spec of one SyncState, not a kind

# A field spec compiled for the fast path: (scalars, cidrs, lists, objects, choices). scalars:
# (field, exact class); cidrs: (field, IP version or 0 for either); lists: (field, leaf, sub), see
# _compile; objects: (field, compiled spec); choices: (field, the strings allowed).
_Compiled = tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]]


class ItemChecker:
    """A fast yes/no "certainly valid?" for items, for one load; ``validate_item`` says what is wrong.

    ``validate_item`` formats a message path for every nested value it visits, calls a function per
    field and parses every CIDR with ipaddress: on a large snapshot that costs more than reading the
    JSON. This checker uses exact-class tests (stricter than isinstance: a str subclass is a "no"),
    compiled field specs and memoised CIDR verdicts, and builds no strings. On a "no" the caller runs
    ``validate_item``, which raises the message or accepts an unusual but valid value, so accepted
    inputs and messages are exactly ``validate_item``'s. Made per load: nothing runs at import time
    and the memo does not outlive the load.
    """

    __slots__ = ("_ipv4", "_ipv6", "_specs", "_versions")

    def __init__(self) -> None:
        self._specs: dict[str, _Compiled] = {}
        self._versions: dict[str, int] = {}  # CIDR text -> 4, 6, or 0 when not a CIDR
        self._ipv4 = re.compile(IPV4_CIDR).fullmatch
        self._ipv6 = re.compile(_IPV6_CIDR).fullmatch

    def fits(self, kind: str, item: JsonDict) -> bool:
        """True when ``validate_item(kind, item, ...)`` certainly passes."""
        spec = self._specs.get(kind)
        if spec is None:
            spec = self._specs[kind] = _compile({**TAG_SPEC, **FIELD_SPECS.get(kind, {})})
        if item.__class__ is not dict or not self._fits(item, spec):
            return False
        if kind == "NetworkFirewalls":
            return self._sync_states_fit(item)
        if kind == "SecurityGroups":
            return _sg_protocols_fit(item)
        return kind != "NetworkAcls" or _acl_entries_fit(item)

    def _sync_states_fit(self, firewall: JsonDict) -> bool:
        """``_check_sync_states``' rule, answered yes/no; FirewallStatus and SyncStates are already
        known to be plain dicts or None."""
        spec = self._specs.get(_SYNC_STATE_KEY)
        if spec is None:
            spec = self._specs[_SYNC_STATE_KEY] = _compile(NFW_SYNC_STATE)
        states = (firewall.get("FirewallStatus") or {}).get("SyncStates") or {}
        for state in states.values():
            if state is not None and (state.__class__ is not dict or not self._fits(state, spec)):
                return False
        return True

    def _fits(self, obj: dict[str, Any], spec: _Compiled) -> bool:
        scalars, cidrs, lists, objects, choices = spec
        get = obj.get
        for name, allowed in choices:
            value = get(name)
            if value is not None and (value.__class__ is not str or value not in allowed):
                return False
        for name, cls in scalars:
            value = get(name)
            if value.__class__ is not cls and value is not None:
                return False
        for name, family in cidrs:
            value = get(name)
            if value is not None and not self._is_cidr(value, family):
                return False
        for name, leaf, sub in lists:
            value = get(name)
            if value.__class__ is not list:
                if value is None:
                    continue
                return False
            if leaf is not None:
                if not _leaves_fit(value, leaf):
                    return False
            elif sub is not None:
                for element in value:
                    if element.__class__ is not dict or not self._fits(element, sub):
                        return False
            else:  # a list of ids
                for element in value:
                    if element.__class__ is not str:
                        return False
        for name, sub in objects:
            value = get(name)
            if value is not None and (value.__class__ is not dict or not self._fits(value, sub)):
                return False
        return True

    def _is_cidr(self, value: object, family: int) -> bool:
        if value.__class__ is not str:
            return False
        version = self._versions.get(value)
        if version is None:
            version = self._versions[value] = self._version(value)
        return version != 0 and (family == 0 or version == family)

    def _version(self, text: str) -> int:
        if self._ipv4(text):
            return 4
        if self._ipv6(text):
            return 6
        try:
            return ipaddress.ip_network(text, strict=False).version
        except Exception:  # whatever it is, _check_cidr meets it again and reports it
            return 0


def _leaves_fit(elements: list[Any], scalars: tuple[tuple[str, type], ...]) -> bool:
    """A list of small objects of scalar fields only (tags, associations), without recursion."""
    for element in elements:
        if element.__class__ is not dict:
            return False
        get = element.get
        for name, cls in scalars:
            value = get(name)
            if value.__class__ is not cls and value is not None:
                return False
    return True


def _compile(spec: dict[str, Any]) -> _Compiled:
    """Group a field table by the test each field needs, so the fast path runs one tight loop per test.

    A list's elements are checked as leaves (``scalars`` of a spec with only scalar fields), by
    recursion (a compiled spec), or as strings (neither)."""
    scalars: list[tuple[str, type]] = []
    cidrs: list[tuple[str, int]] = []
    lists: list[tuple[str, Any, _Compiled | None]] = []
    objects: list[tuple[str, _Compiled]] = []
    choices: list[tuple[str, OneOf]] = []
    for name, expected in spec.items():
        if isinstance(expected, OneOf):
            choices.append((name, expected))
        elif isinstance(expected, tuple) and expected[0] is DICT:
            objects.append((name, _compile(expected[1])))
        elif isinstance(expected, tuple) and expected[1] is STR:
            lists.append((name, None, None))
        elif isinstance(expected, tuple):
            sub = _compile(expected[1])
            leaf = sub[0] if not any(sub[1:]) else None
            lists.append((name, leaf, None if leaf is not None else sub))
        elif isinstance(expected, str):
            cidrs.append((name, _FAMILY[expected]))
        else:
            scalars.append((name, expected))
    return tuple(scalars), tuple(cidrs), tuple(lists), tuple(objects), tuple(choices)


def _acl_entries_fit(acl: JsonDict) -> bool:
    """``_check_acl_entry``'s rules, answered yes/no; entries are already known to be plain dicts."""
    for entry in acl.get("Entries") or ():
        ports = entry.get("PortRange")
        if (
            entry.get("RuleNumber").__class__ is not int
            or entry.get("RuleAction") not in ("allow", "deny")
            or entry.get("Egress").__class__ is not bool
            or entry.get("Protocol").__class__ is not str
            or (entry.get("CidrBlock") is None and entry.get("Ipv6CidrBlock") is None)
            or (
                ports is not None
                and not (isinstance(ports.get("From"), int) and isinstance(ports.get("To"), int))
            )
        ):
            return False
    return True


def _sg_protocols_fit(group: JsonDict) -> bool:
    """``_check_sg_protocols``' rule, answered yes/no; the rules are already known to be plain dicts."""
    return all(
        rule.get("IpProtocol").__class__ is str
        for field in ("IpPermissionsEgress", "IpPermissions")
        for rule in group.get(field) or ()
    )
