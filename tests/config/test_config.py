"""Configuration: discovery, precedence (CLI > .fargate-netcheck.toml > pyproject.toml), every key,
and one-line errors naming the file, line and key."""

from __future__ import annotations

import re
import textwrap
from datetime import date
from pathlib import Path

import pytest

from fargate_netcheck.checks.registry import load_rules
from fargate_netcheck.cli.config import Config, find_config, load_config, to_selection
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository root (it holds .git) with a nested working folder."""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra" / "net").mkdir(parents=True)
    return tmp_path / "repo"


def test_dedicated_file_is_found_from_a_subfolder(repo):
    path = write(repo / ".fargate-netcheck.toml", 'select = ["RT"]\n')
    config = load_config(repo / "infra" / "net")
    assert config.path == path
    assert config.select == ("RT",)


def test_pyproject_table_is_found_and_other_tools_keys_are_ignored(repo):
    write(
        repo / "pyproject.toml",
        """
        [tool.ruff]
        select = ["E"]

        [tool.fargate-netcheck]
        ignore = ["sg100"]
        """,
    )
    config = load_config(repo / "infra")
    assert config.path == repo / "pyproject.toml"
    assert config.ignore == ("SG100",)
    assert config.select is None


def test_dedicated_file_wins_over_pyproject_in_the_same_folder(repo):
    write(repo / "pyproject.toml", '[tool.fargate-netcheck]\nfail-on = "info"\n')
    write(repo / ".fargate-netcheck.toml", 'fail-on = "warning"\n')
    assert load_config(repo).fail_on is Severity.WARNING


def test_nearest_folder_wins_and_pyproject_without_our_table_is_skipped(repo):
    write(repo / ".fargate-netcheck.toml", "ports = [443]\n")
    write(repo / "infra" / "pyproject.toml", '[project]\nname = "infra"\n')
    write(repo / "infra" / "net" / "pyproject.toml", "[tool.fargate-netcheck]\nports = [5432]\n")
    assert load_config(repo / "infra" / "net").ports == (5432,)
    assert load_config(repo / "infra").ports == (443,)


def test_discovery_stops_at_the_repository_root(tmp_path, repo):
    write(tmp_path / ".fargate-netcheck.toml", "ports = [8443]\n")
    assert find_config(repo / "infra") is None
    assert load_config(repo / "infra") == Config()


def test_no_configuration_means_every_value_unset(repo):
    config = load_config(repo)
    assert config.path is None
    assert (config.select, config.fail_on, config.ports, config.rules_dir) == (None, None, None, None)
    assert config.suppress == ()


def test_explicit_file_replaces_discovery(repo, tmp_path):
    write(repo / ".fargate-netcheck.toml", "ports = [443]\n")
    other = write(tmp_path / "ci.toml", "ports = [80]\n")
    assert load_config(repo, explicit=other).ports == (80,)


def test_explicit_pyproject_reads_its_tool_table(tmp_path):
    path = write(tmp_path / "elsewhere" / "pyproject.toml", "[tool.fargate-netcheck]\nmin-free-ips = 8\n")
    assert load_config(tmp_path, explicit=path).min_free_ips == 8


def test_explicit_file_that_does_not_exist_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=r"nope\.toml: configuration file not found"):
        load_config(tmp_path, explicit=tmp_path / "nope.toml")


def test_explicit_pyproject_without_our_table_is_an_input_error(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(InputError, match=r"no \[tool\.fargate-netcheck\] table"):
        load_config(tmp_path, explicit=path)


def test_every_key_is_parsed_into_typed_values(repo):
    (repo / "team_rules").mkdir()
    write(
        repo / ".fargate-netcheck.toml",
        """
        select = ["RT", "gw002"]
        extend-select = ["SG100"]
        ignore = ["ACL002"]
        severity = { SG100 = "error", GW = "Warning" }
        fail-on = "warning"
        ports = [443, 5432]
        destinations = ["0.0.0.0/0", "10.1.2.3/8"]
        min-free-ips = 16
        rules-dir = ["team_rules"]

        [[suppress]]
        rule = "gw002"
        resource = "subnet-0abc*"
        reason = "  legacy VPC, replaced in NET-12  "
        expires = 2026-12-31

        [[suppress]]
        rule = "SG"
        resource = "sg-1"
        reason = "reviewed"
        expires = "2027-01-15"
        target = "ecs-service:prod/*"
        """,
    )
    config = load_config(repo / "infra")
    assert config.select == ("RT", "GW002")
    assert config.extend_select == ("SG100",)
    assert config.ignore == ("ACL002",)
    assert config.severity == {"SG100": Severity.ERROR, "GW": Severity.WARNING}
    assert config.fail_on is Severity.WARNING
    assert config.ports == (443, 5432)
    assert config.destinations == ("0.0.0.0/0", "10.0.0.0/8")
    assert config.min_free_ips == 16
    assert config.rules_dir == ((repo / "team_rules").resolve(),)
    first, second = config.suppress
    assert (first.rule, first.resource, first.reason) == (
        "GW002",
        "subnet-0abc*",
        "legacy VPC, replaced in NET-12",
    )
    assert first.expires == date(2026, 12, 31) and first.target is None
    assert first.source == ".fargate-netcheck.toml:11"
    assert second.expires == date(2027, 1, 15) and second.target == "ecs-service:prod/*"


def test_pyproject_suppress_entries_use_the_tool_table_path(repo):
    write(
        repo / "pyproject.toml",
        """
        [tool.fargate-netcheck]
        select = ["RT"]

        [[tool.fargate-netcheck.suppress]]
        rule = "RT001"
        resource = "subnet-isolated"
        reason = "isolated on purpose"
        """,
    )
    (suppression,) = load_config(repo).suppress
    assert suppression.rule == "RT001" and suppression.source == "pyproject.toml:4"


def test_rules_dir_is_relative_to_the_configuration_file_not_the_start_folder(repo):
    (repo / "rules_here").mkdir()
    write(repo / ".fargate-netcheck.toml", 'rules-dir = ["rules_here"]\n')
    assert load_config(repo / "infra" / "net").rules_dir == ((repo / "rules_here").resolve(),)


# ---- precedence: command line > configuration file ----


def test_command_line_values_replace_configured_ones_and_extend_select_adds(repo, tmp_path):
    (repo / "r").mkdir()
    write(
        repo / ".fargate-netcheck.toml",
        """
        select = ["RT"]
        extend-select = ["GW"]
        ignore = ["RT002"]
        fail-on = "warning"
        ports = [443]
        destinations = ["0.0.0.0/0"]
        min-free-ips = 5
        rules-dir = ["r"]
        """,
    )
    config = load_config(repo)
    merged = config.merged_with_cli(
        select=["SG"],
        extend_select=["ACL"],
        ignore=["SG100"],
        fail_on=Severity.INFO,
        ports=[80],
        destinations=["10.0.0.0/8"],
        min_free_ips=0,
        rules_dir=[tmp_path],
    )
    assert merged.select == ("SG",)
    assert merged.extend_select == ("GW", "ACL")
    assert merged.ignore == ("SG100",)
    assert merged.fail_on is Severity.INFO
    assert merged.ports == (80,)
    assert merged.destinations == ("10.0.0.0/8",)
    assert merged.min_free_ips == 0  # 0 is a value given, not "unset"
    assert merged.rules_dir == (tmp_path,)


def test_options_not_given_on_the_command_line_keep_the_configured_values(repo):
    write(repo / ".fargate-netcheck.toml", 'select = ["RT"]\nfail-on = "info"\nports = [8443]\n')
    config = load_config(repo)
    merged = config.merged_with_cli(select=[], ignore=None, fail_on=None, ports=())
    assert (merged.select, merged.fail_on, merged.ports) == (("RT",), Severity.INFO, (8443,))


def test_to_selection_applies_cli_over_config_and_keeps_configured_severities(repo):
    write(
        repo / ".fargate-netcheck.toml",
        'select = ["RT"]\nextend-select = ["GW002"]\nignore = ["RT002"]\nseverity = { GW002 = "info" }\n',
    )
    rules = load_rules(plugins=False)
    config = load_config(repo)

    from_file = to_selection(config, (), (), ())
    picked = {r.id for r in from_file.pick(rules)}
    assert "RT001" in picked and "GW002" in picked
    assert "RT002" not in picked and "SG001" not in picked
    assert from_file.severity_of(rules["GW002"]) is Severity.INFO

    from_cli = to_selection(config, ("SG001",), ("GW002",), ("ACL001",))
    assert {r.id for r in from_cli.pick(rules)} == {"SG001", "ACL001"}


def test_to_selection_without_configuration_selects_everything():
    rules = load_rules(plugins=False)
    assert [r.id for r in to_selection(Config()).pick(rules)] == sorted(rules)


# ---- bad input: one-line InputError naming file, line and key (the CLI exits 2) ----


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'ports = [443]\nextend_select = ["RT"]\n',
            r":2: extend_select: unknown key \(did you mean 'extend-select'\?\)",
        ),
        ('colour = "red"\n', r":1: colour: unknown key \(known keys: select, "),
        ('select = "RT"\n', r":1: select: must be a list of rule ids or prefixes, not a string"),
        ('ignore = ["RT-1"]\n', r":1: ignore: 'RT-1' is not a rule id or prefix"),
        (
            "extend-select = [1]\n",
            r":1: extend-select: must be a list of rule ids or prefixes; 1 is an integer",
        ),
        (
            'severity = { SG100 = "fatal" }\n',
            r":1: severity.SG100: 'fatal' is not one of error, warning, info",
        ),
        ('severity = ["SG100"]\n', r":1: severity: must be a table"),
        ('fail-on = "critical"\n', r":1: fail-on: 'critical' is not one of error, warning, info"),
        ("ports = [443, 70000]\n", r":1: ports: 70000 is not a TCP port"),
        ("ports = [true]\n", r":1: ports: must be a list of TCP ports; True is a boolean"),
        ("ports = []\n", r":1: ports: must list at least one port"),
        ('destinations = ["10.0.0.0/33"]\n', r":1: destinations: '10.0.0.0/33' is not a CIDR block"),
        ("min-free-ips = -1\n", r":1: min-free-ips: must be a whole number of addresses, 0 or more, not -1"),
        ('min-free-ips = "8"\n', r":1: min-free-ips: must be a whole number"),
        ('rules-dir = ["missing"]\n', r":1: rules-dir: 'missing' is not a folder"),
        ('suppress = "all"\n', r":1: suppress: must be an array of tables"),
    ],
)
def test_bad_key_or_value_names_file_line_and_key(tmp_path, text, expected):
    path = write(tmp_path / ".fargate-netcheck.toml", text)
    with pytest.raises(InputError) as info:
        load_config(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{path}:")
    assert "\n" not in message
    assert re.search(expected, message), message


# The file holds a good entry (lines 1-4), a blank line, then the bad entry: header on line 6.
GOOD_ENTRY = '[[suppress]]\nrule = "RT001"\nresource = "subnet-1"\nreason = "ok"\n'


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ('rule = "SG100"\nresource = "sg-1"\n', r":6: suppress\[1\]: missing 'reason'"),
        (
            'rule = "SG100"\nresource = "sg-1"\nreason = "   "\n',
            r":9: suppress\[1\]\.reason: must be a non-empty",
        ),
        ('resource = "sg-1"\nreason = "r"\n', r":6: suppress\[1\]: missing 'rule'"),
        (
            'rule = "SG100"\nresource = "sg-1"\nreason = "r"\nexpires = "someday"\n',
            r":10: suppress\[1\]\.expires: must be an ISO date like 2026-12-31, not 'someday'",
        ),
        (
            'rule = "SG100"\nresource = "sg-1"\nreason = "r"\nexpires = 2026-01-01T10:00:00\n',
            r":10: suppress\[1\]\.expires: must be a date like 2026-12-31, not a date and time",
        ),
        (
            'rule = "SG100"\nresource = "sg-1"\nreason = "r"\nuntil = 2026-01-01\n',
            r":10: suppress\[1\]\.until: unknown key",
        ),
        (
            'rule = "SG 100"\nresource = "sg-1"\nreason = "r"\n',
            r":7: suppress\[1\]\.rule: 'SG 100' is not a rule id",
        ),
        (
            'rule = "SG100"\nresource = ""\nreason = "r"\n',
            r":8: suppress\[1\]\.resource: must be a non-empty string",
        ),
    ],
)
def test_bad_suppress_entry_names_the_entry_field_and_line(tmp_path, entry, expected):
    path = tmp_path / ".fargate-netcheck.toml"
    path.write_text(f"{GOOD_ENTRY}\n[[suppress]]\n{entry}")
    with pytest.raises(InputError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{path}:")
    assert re.search(expected, str(info.value)), str(info.value)


def test_line_numbers_point_into_our_pyproject_table_not_another_tools(tmp_path):
    path = write(
        tmp_path / "pyproject.toml",
        """
        [tool.ruff]
        select = ["E"]

        [tool.fargate-netcheck]
        select = "RT"
        """,
    )
    with pytest.raises(InputError, match=rf"^{path}:5: select: must be a list"):
        load_config(tmp_path)


def test_invalid_toml_is_an_input_error_naming_the_file(tmp_path):
    write(tmp_path / ".fargate-netcheck.toml", "select = [\n")
    with pytest.raises(InputError, match=r"\.fargate-netcheck\.toml: invalid TOML: "):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('select = ["RT", "ZZZ999"]\n', ":1: select: unknown rule id or prefix 'ZZZ999'"),
        ('ports = [443]\n\n[severity]\nZZ = "info"\n', ":3: severity: unknown rule id or prefix 'ZZ'"),
    ],
)
def test_an_unknown_configured_rule_code_names_the_file_and_line(tmp_path, text, expected):
    """Other bad values name the file, line and key; a code no rule has did not (it is only known
    to be unknown once the rules are loaded)."""
    path = write(tmp_path / ".fargate-netcheck.toml", text)
    with pytest.raises(InputError) as raised:
        to_selection(load_config(tmp_path, path)).pick(load_rules())
    assert str(raised.value).startswith(f"{path}{expected}")


def test_an_unknown_code_given_on_the_command_line_is_not_blamed_on_the_file(tmp_path):
    path = write(tmp_path / ".fargate-netcheck.toml", 'select = ["ZZZ999"]\n')
    with pytest.raises(InputError) as raised:
        to_selection(load_config(tmp_path, path), cli_select=["QQ1"]).pick(load_rules())
    assert str(raised.value).startswith("unknown rule id or prefix 'QQ1'")
