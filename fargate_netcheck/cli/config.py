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
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fargate_netcheck.checks.registry import Selection
from fargate_netcheck.checks.suppressions import Suppression
from fargate_netcheck.cli.config_values import PARSERS, Where
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import SMALL_LIMIT, read_limited
from fargate_netcheck.core.model import Severity
from fargate_netcheck.needs.catalog import Need, parse_need

CONFIG_FILE = ".fargate-netcheck.toml"
PYPROJECT = "pyproject.toml"
TOOL_TABLE = "fargate-netcheck"


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
    # "select", "extend-select", "ignore", "severity" -> "file:line" where the key is set (messages)
    places: dict[str, str] = field(default_factory=dict, compare=False)

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
    # Where each configured code is written, for the message that names one no rule has.
    origins: dict[str, str] = {}
    for key, codes, replaced in (
        ("select", config.select, bool(cli_select)),
        ("extend-select", config.extend_select, False),
        ("ignore", config.ignore, bool(cli_ignore)),
        ("severity", tuple(config.severity or ()), False),
    ):
        if key in config.places and not replaced:
            origins.update({code: f"{config.places[key]}: {key}" for code in codes or ()})
    return Selection(
        select=merged.select or (),
        extend_select=merged.extend_select or (),
        ignore=merged.ignore or (),
        severity=dict(merged.severity or {}),
        origins=origins,
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
        return _parse(data, Where(path, text))
    table = data.get("tool", {}).get(TOOL_TABLE)
    if not isinstance(table, dict):
        raise InputError(f"{path}: no [tool.{TOOL_TABLE}] table")
    # Other tools' keys (ruff's `select`, say) come first in a pyproject: search from our table on.
    header = re.compile(r"^\s*\[\s*tool\s*\.\s*[\"']?fargate-netcheck[\"']?\s*[\].]")
    lines = text.splitlines()
    base = next((n for n, line in enumerate(lines, start=1) if header.match(line)), 0)
    return _parse(table, Where(path, text, base))


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


def _parse(table: dict[str, Any], where: Where) -> Config:
    parsers = PARSERS
    values: dict[str, Any] = {}
    places: dict[str, str] = {}  # where the codes are written, for messages about one (to_selection)
    for key, value in table.items():
        parser = parsers.get(key)
        if parser is None:
            close = difflib.get_close_matches(key, parsers, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(parsers)})"
            raise where.error(key, f"unknown key{hint}")
        values[key.replace("-", "_")] = parser(key, value, where)
        if key in ("select", "extend-select", "ignore", "severity"):
            places[key] = where.place(key)
    return Config(path=where.path, places=places, **values)
