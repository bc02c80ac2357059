"""The values of a configuration file, each checked as it is read (``config._parse`` calls them):
rule codes, severities, ports, destinations, needs, rules folders, suppressions. A bad value is an
``InputError`` naming the file, the line (when the key can be found in the text) and the key."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from fargate_netcheck.checks.suppressions import Suppression
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Severity
from fargate_netcheck.needs.catalog import Need, parse_need

_CODE = re.compile(r"^[A-Za-z]+[0-9]*$")
_SUPPRESS_KEYS = ("rule", "resource", "reason", "expires", "target")


@dataclass(frozen=True, slots=True)
class Where:
    """The file being parsed, to point error messages at a key (and its line, when found)."""

    path: Path
    text: str
    base: int = 0  # the line our table starts on (in a pyproject.toml)

    def line_of(self, key: str, after: int = 0) -> int | None:
        """The first line (1-based) from line ``after`` on that assigns ``key`` or opens a table
        named ``key``: a cheap text search, good enough to point a user at the spot."""
        name = re.escape(key.split(".")[-1])
        pattern = re.compile(rf"^\s*(?:\[\[?[^\]]*\b{name}\]\]?|[\"']?{name}[\"']?\s*=)")
        for number, line in enumerate(self.text.splitlines(), start=1):
            if number >= max(after, self.base) and pattern.match(line):
                return number
        return None

    def error(self, key: str, problem: str, after: int = 0) -> InputError:
        return InputError(f"{self.place(key, after)}: {key}: {problem}")

    def place(self, key: str, after: int = 0) -> str:
        """``file:line`` of ``key`` (``file`` when its line is not found)."""
        # "severity.SG100" may sit in an inline table: then point at the "severity" line.
        line = self.line_of(key, after) or self.line_of(key.split(".")[0], after)
        return f"{self.path}:{line}" if line else str(self.path)


_T = TypeVar("_T")


def _list(key: str, value: object, where: Where, kind: type[_T], kind_name: str) -> list[_T]:
    if not isinstance(value, list):
        raise where.error(key, f"must be a list of {kind_name}, not {_type(value)}")
    out: list[_T] = []
    for item in value:
        if not isinstance(item, kind) or isinstance(item, bool):
            raise where.error(key, f"must be a list of {kind_name}; {item!r} is {_type(item)}")
        out.append(item)
    return out


def _codes(key: str, value: object, where: Where) -> tuple[str, ...]:
    codes = _list(key, value, where, str, "rule ids or prefixes")
    for code in codes:
        if not _CODE.match(code):
            raise where.error(key, f"{code!r} is not a rule id or prefix (like 'RT' or 'RT001')")
    return tuple(c.upper() for c in codes)


def _severity(key: str, value: object, where: Where) -> Severity:
    try:
        if isinstance(value, str):
            return Severity(value.lower())
    except ValueError:
        pass
    raise where.error(key, f"{value!r} is not one of error, warning, info")


def _severities(key: str, value: object, where: Where) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise where.error(key, f"must be a table of rule id or prefix = severity, not {_type(value)}")
    out: dict[str, Severity] = {}
    for code, severity in value.items():
        if not _CODE.match(code):
            raise where.error(f"{key}.{code}", "is not a rule id or prefix (like 'RT' or 'RT001')")
        out[code.upper()] = _severity(f"{key}.{code}", severity, where)
    return out


def _fail_on(key: str, value: object, where: Where) -> Severity:
    return _severity(key, value, where)


def _ports(key: str, value: object, where: Where) -> tuple[int, ...]:
    ports = _list(key, value, where, int, "TCP ports")
    if not ports:
        raise where.error(key, "must list at least one port")
    for port in ports:
        if not 1 <= port <= 65535:  # port 0 is reserved: nothing connects to it
            raise where.error(key, f"{port} is not a TCP port (1-65535)")
    return tuple(ports)


def _destinations(key: str, value: object, where: Where) -> tuple[str, ...]:
    cidrs = _list(key, value, where, str, "CIDR blocks")
    if not cidrs:
        raise where.error(key, "must list at least one CIDR block")
    out = []
    for cidr in cidrs:
        if cidr.startswith("aws:"):  # a service's published ranges, checked with the command line's
            out.append(cidr)
            continue
        try:
            out.append(str(ipaddress.ip_network(cidr, strict=False)))
        except ValueError:
            raise where.error(key, f"{cidr!r} is not a CIDR block") from None
    return tuple(out)


def _needs(key: str, value: object, where: Where) -> tuple[Need, ...]:
    """``["host[:port]", ...]`` or ``[[needs]]`` tables of ``name`` (and ``port``)."""
    if not isinstance(value, list):
        raise where.error(key, f"must be a list of HOST[:PORT] strings or tables, not {_type(value)}")
    out = []
    for entry in value:
        if isinstance(entry, dict) and set(entry) <= {"name", "port"} and isinstance(entry.get("name"), str):
            port = entry.get("port", 443)
            if not isinstance(port, int) or isinstance(port, bool):
                raise where.error(key, f"port of {entry['name']!r} must be a number")
            text = f"{entry['name']}:{port}"
        elif isinstance(entry, str):
            text = entry
        else:
            raise where.error(key, f"{entry!r} is not HOST[:PORT] or a table with name (and port)")
        try:
            out.append(parse_need(text, "need"))
        except InputError as exc:
            raise where.error(key, str(exc)) from None
    return tuple(out)


def _min_free_ips(key: str, value: object, where: Where) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise where.error(key, f"must be a whole number of addresses, 0 or more, not {value!r}")
    return value


def _rules_dirs(key: str, value: object, where: Where) -> tuple[Path, ...]:
    dirs = [value] if isinstance(value, str) else _list(key, value, where, str, "folder paths")
    out = []
    for entry in dirs:
        folder = (where.path.parent / entry).resolve()
        if not folder.is_dir():
            raise where.error(key, f"{entry!r} is not a folder (looked for {folder})")
        out.append(folder)
    return tuple(out)


def _suppressions(key: str, value: object, where: Where) -> tuple[Suppression, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise where.error(key, "must be an array of tables ([[suppress]] entries)")
    headers = _suppress_header_lines(where)
    return tuple(
        _suppression(f"{key}[{n}]", entry, where, headers[n] if n < len(headers) else 0)
        for n, entry in enumerate(value)
    )


def _suppress_header_lines(where: Where) -> list[int]:
    header = re.compile(r"^\s*\[\[\s*(?:tool\.\s*\"?fargate-netcheck\"?\s*\.\s*)?suppress\s*\]\]")
    return [n for n, line in enumerate(where.text.splitlines(), start=1) if header.match(line)]


def _suppression(key: str, entry: dict[str, Any], where: Where, header: int) -> Suppression:
    def fail(field_name: str, problem: str) -> InputError:
        line = where.line_of(field_name, after=header) if field_name else header or None
        place = f"{where.path}:{line}" if line else str(where.path)
        return InputError(f"{place}: {key}{'.' + field_name if field_name else ''}: {problem}")

    for name in entry:
        if name not in _SUPPRESS_KEYS:
            raise fail(name, f"unknown key (known keys: {', '.join(_SUPPRESS_KEYS)})")
    for name in ("rule", "resource", "reason"):
        if name not in entry:
            raise fail("", f"missing {name!r}")
    for name in ("rule", "resource", "reason", "target"):
        if name in entry and (not isinstance(entry[name], str) or not entry[name].strip()):
            raise fail(name, f"must be a non-empty string, not {entry[name]!r}")
    if not _CODE.match(entry["rule"]):
        raise fail("rule", f"{entry['rule']!r} is not a rule id or prefix (like 'RT' or 'RT001')")
    return Suppression(
        rule=entry["rule"].upper(),
        resource=entry["resource"],
        reason=entry["reason"].strip(),
        expires=_expiry(entry.get("expires"), fail),
        target=entry.get("target"),
        source=f"{where.path.name}:{header}" if header else where.path.name,
    )


def _expiry(value: object, fail: Callable[[str, str], InputError]) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):  # a TOML datetime: the date is what matters, but say so
        raise fail("expires", f"must be a date like 2026-12-31, not a date and time ({value})")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise fail("expires", f"must be an ISO date like 2026-12-31, not {value!r}")


def _type(value: object) -> str:
    names = {dict: "a table", list: "a list", str: "a string", bool: "a boolean", int: "an integer"}
    return names.get(type(value), f"a {type(value).__name__}")


# key -> its parser (key, value, where) -> the value ``Config`` holds
PARSERS: dict[str, Callable[[str, Any, Where], Any]] = {
    "select": _codes,
    "extend-select": _codes,
    "ignore": _codes,
    "severity": _severities,
    "fail-on": _fail_on,
    "ports": _ports,
    "destinations": _destinations,
    "min-free-ips": _min_free_ips,
    "rules-dir": _rules_dirs,
    "suppress": _suppressions,
    "needs": _needs,
}
