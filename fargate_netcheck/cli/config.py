"""Project configuration: ``[tool.fargate-netcheck]`` in ``pyproject.toml``, or the top-level keys
of ``.fargate-netcheck.toml``.

Discovery starts in a folder and walks up its parents; the first folder that holds a
``.fargate-netcheck.toml``, or a ``pyproject.toml`` with a ``[tool.fargate-netcheck]`` table, wins
(``.fargate-netcheck.toml`` first when a folder has both). The walk stops after the folder that holds
``.git`` (the repository root) or at the filesystem root. ``--config FILE`` names the file instead.

Keys (all optional)::

    select = ["RT", "GW002"]          # rule ids or prefixes to run (default: all)
    extend-select = ["ORG"]           # added to the selection
    ignore = ["SG100"]                # removed from the selection
    severity = { SG100 = "error" }    # rule id or prefix -> error | warning | info
    fail-on = "warning"               # lowest severity that makes the exit code 1
    ports = [443, 5432]
    destinations = ["0.0.0.0/0"]
    min-free-ips = 16
    rules-dir = ["netcheck_rules"]    # relative to the configuration file
    needs = ["xy12345.snowflakecomputing.com", "partner.example.com:8443"]   # HOST[:PORT], 443 default

    [[suppress]]                      # [[tool.fargate-netcheck.suppress]] in pyproject.toml
    rule = "GW002"                    # rule id or prefix
    resource = "subnet-0abc*"         # resource id or glob (`*`, `?`; the rest literal)
    reason = "legacy VPC, replaced in NET-12"   # mandatory
    expires = 2026-12-31              # optional: a TOML date or an ISO date string
    target = "ecs-service:prod/*"     # optional: glob over the target id

Precedence: a value given on the command line replaces the configured one (``select``, ``ignore``,
``fail-on``, ``ports``, ``destinations``, ``min-free-ips``, ``rules-dir``); ``extend-select`` and
``--need`` add to the configured lists (``needs`` is also accepted as ``[[needs]]`` tables with
``name`` and ``port``); ``severity`` and ``suppress`` have no command-line form. See
``Config.merged_with_cli`` and ``to_selection``.

Any unknown key or bad value is an ``InputError`` naming the file, the line (when the key can be
found in the text) and the key.
"""

from __future__ import annotations

import difflib
import ipaddress
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from fargate_netcheck.checks.registry import Selection
from fargate_netcheck.checks.suppressions import Suppression
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import SMALL_LIMIT, read_limited
from fargate_netcheck.core.model import Severity
from fargate_netcheck.needs.catalog import Need, parse_need

CONFIG_FILE = ".fargate-netcheck.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "fargate-netcheck"

_CODE = re.compile(r"^[A-Za-z]+[0-9]*$")
_SUPPRESS_KEYS = ("rule", "resource", "reason", "expires", "target")


@dataclass(frozen=True, slots=True)
class Config:
    """The configured values; ``None`` means "not set" (the built-in default applies)."""

    path: Path | None = None  # the file read; None when no configuration was found
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    severity: dict[str, Severity] | None = None
    fail_on: Severity | None = None
    ports: tuple[int, ...] | None = None
    destinations: tuple[str, ...] | None = None  # CIDR blocks, normalised
    min_free_ips: int | None = None
    rules_dir: tuple[Path, ...] | None = None  # absolute (resolved against the file's folder)
    suppress: tuple[Suppression, ...] = field(default=())
    needs: tuple[Need, ...] = field(default=())  # what every task needs besides what is derived

    def merged_with_cli(
        self,
        *,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        fail_on: Severity | None = None,
        ports: Sequence[int] | None = None,
        destinations: Sequence[str] | None = None,
        min_free_ips: int | None = None,
        rules_dir: Sequence[Path] | None = None,
        needs: Sequence[str] | None = None,
    ) -> Config:
        """This configuration with the command line's values applied. ``None`` or an empty list
        means the option was not given. A given option replaces the configured value, except
        ``extend_select``, which adds to it."""
        extended = (*(self.extend_select or ()), *(extend_select or ()))
        return replace(
            self,
            select=tuple(select) if select else self.select,
            extend_select=extended or None,
            ignore=tuple(ignore) if ignore else self.ignore,
            fail_on=fail_on if fail_on is not None else self.fail_on,
            ports=tuple(ports) if ports else self.ports,
            destinations=tuple(destinations) if destinations else self.destinations,
            min_free_ips=min_free_ips if min_free_ips is not None else self.min_free_ips,
            rules_dir=tuple(rules_dir) if rules_dir else self.rules_dir,
            needs=(*self.needs, *(parse_need(n) for n in needs or ())),
        )


def to_selection(
    config: Config,
    cli_select: Sequence[str] | None = None,
    cli_ignore: Sequence[str] | None = None,
    cli_extend: Sequence[str] | None = None,
) -> Selection:
    """The rule selection of a run: the command line's ``--select``/``--ignore`` replace the
    configured lists, ``--extend-select`` adds to the configured list; severities come from the
    configuration."""
    merged = config.merged_with_cli(select=cli_select, ignore=cli_ignore, extend_select=cli_extend)
    return Selection(
        select=merged.select or (),
        extend_select=merged.extend_select or (),
        ignore=merged.ignore or (),
        severity=dict(merged.severity or {}),
    )


def find_config(start: Path) -> Path | None:
    """The configuration file that applies to ``start`` (a folder or a file in it), if any."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        if (candidate / CONFIG_FILE).is_file():
            return candidate / CONFIG_FILE
        pyproject = candidate / PYPROJECT
        if pyproject.is_file() and TOOL_TABLE in _read_toml(pyproject)[1].get("tool", {}):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def load_config(start: Path, explicit: Path | None = None) -> Config:
    """The configuration for a run from ``start``: the ``explicit`` file (``--config``) when given,
    else the discovered one; an empty ``Config`` when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise InputError(f"{explicit}: configuration file not found")
        path = explicit
    else:
        found = find_config(start)
        if found is None:
            return Config()
        path = found
    text, data = _read_toml(path)
    if path.name != PYPROJECT:
        return _parse(data, _Where(path, text))
    table = data.get("tool", {}).get(TOOL_TABLE)
    if not isinstance(table, dict):
        raise InputError(f"{path}: no [tool.{TOOL_TABLE}] table")
    # Other tools' keys (ruff's `select`, say) come first in a pyproject: search from our table on.
    header = re.compile(r"^\s*\[\s*tool\s*\.\s*[\"']?fargate-netcheck[\"']?\s*[\].]")
    lines = text.splitlines()
    base = next((n for n, line in enumerate(lines, start=1) if header.match(line)), 0)
    return _parse(table, _Where(path, text, base))


def _read_toml(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = read_limited(path, "configuration file", SMALL_LIMIT)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: invalid TOML: nested too deeply") from None


@dataclass(frozen=True, slots=True)
class _Where:
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
        # "severity.SG100" may sit in an inline table: then point at the "severity" line.
        line = self.line_of(key, after) or self.line_of(key.split(".")[0], after)
        place = f"{self.path}:{line}" if line else str(self.path)
        return InputError(f"{place}: {key}: {problem}")


def _parse(table: dict[str, Any], where: _Where) -> Config:
    parsers = {
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
    values: dict[str, Any] = {}
    for key, value in table.items():
        parser = parsers.get(key)
        if parser is None:
            close = difflib.get_close_matches(key, parsers, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(parsers)})"
            raise where.error(key, f"unknown key{hint}")
        values[key.replace("-", "_")] = parser(key, value, where)
    return Config(path=where.path, **values)


_T = TypeVar("_T")


def _list(key: str, value: object, where: _Where, kind: type[_T], kind_name: str) -> list[_T]:
    if not isinstance(value, list):
        raise where.error(key, f"must be a list of {kind_name}, not {_type(value)}")
    out: list[_T] = []
    for item in value:
        if not isinstance(item, kind) or isinstance(item, bool):
            raise where.error(key, f"must be a list of {kind_name}; {item!r} is {_type(item)}")
        out.append(item)
    return out


def _codes(key: str, value: object, where: _Where) -> tuple[str, ...]:
    codes = _list(key, value, where, str, "rule ids or prefixes")
    for code in codes:
        if not _CODE.match(code):
            raise where.error(key, f"{code!r} is not a rule id or prefix (like 'RT' or 'RT001')")
    return tuple(c.upper() for c in codes)


def _severity(key: str, value: object, where: _Where) -> Severity:
    try:
        if isinstance(value, str):
            return Severity(value.lower())
    except ValueError:
        pass
    raise where.error(key, f"{value!r} is not one of error, warning, info")


def _severities(key: str, value: object, where: _Where) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise where.error(key, f"must be a table of rule id or prefix = severity, not {_type(value)}")
    out: dict[str, Severity] = {}
    for code, severity in value.items():
        if not _CODE.match(code):
            raise where.error(f"{key}.{code}", "is not a rule id or prefix (like 'RT' or 'RT001')")
        out[code.upper()] = _severity(f"{key}.{code}", severity, where)
    return out


def _fail_on(key: str, value: object, where: _Where) -> Severity:
    return _severity(key, value, where)


def _ports(key: str, value: object, where: _Where) -> tuple[int, ...]:
    ports = _list(key, value, where, int, "TCP ports")
    if not ports:
        raise where.error(key, "must list at least one port")
    for port in ports:
        if not 1 <= port <= 65535:  # port 0 is reserved: nothing connects to it
            raise where.error(key, f"{port} is not a TCP port (1-65535)")
    return tuple(ports)


def _destinations(key: str, value: object, where: _Where) -> tuple[str, ...]:
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


def _needs(key: str, value: object, where: _Where) -> tuple[Need, ...]:
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


def _min_free_ips(key: str, value: object, where: _Where) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise where.error(key, f"must be a whole number of addresses, 0 or more, not {value!r}")
    return value


def _rules_dirs(key: str, value: object, where: _Where) -> tuple[Path, ...]:
    dirs = [value] if isinstance(value, str) else _list(key, value, where, str, "folder paths")
    out = []
    for entry in dirs:
        folder = (where.path.parent / entry).resolve()
        if not folder.is_dir():
            raise where.error(key, f"{entry!r} is not a folder (looked for {folder})")
        out.append(folder)
    return tuple(out)


def _suppressions(key: str, value: object, where: _Where) -> tuple[Suppression, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise where.error(key, "must be an array of tables ([[suppress]] entries)")
    headers = _suppress_header_lines(where)
    return tuple(
        _suppression(f"{key}[{n}]", entry, where, headers[n] if n < len(headers) else 0)
        for n, entry in enumerate(value)
    )


def _suppress_header_lines(where: _Where) -> list[int]:
    header = re.compile(r"^\s*\[\[\s*(?:tool\.\s*\"?fargate-netcheck\"?\s*\.\s*)?suppress\s*\]\]")
    return [n for n, line in enumerate(where.text.splitlines(), start=1) if header.match(line)]


def _suppression(key: str, entry: dict[str, Any], where: _Where, header: int) -> Suppression:
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
