"""How ``--help`` groups and labels the options of every command: one table, by option name.

An option named in ``PANEL_OF`` is shown in that panel, whatever command declares it, so a new
command that takes ``--region`` places it without a word here; a new option needs one line below
(tests/cli/test_help_panels.py fails while an option has no panel). ``METAVAR_OF`` names what a
value option takes; a flag (``--audit``, ``-v``) shows no value label at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from typer.core import TyperArgument, TyperGroup, TyperOption

TARGETS = "Targets"
SNAPSHOT = "Snapshot & collection"
CHECKS = "Checks"
OUTPUT = "Output"
POLICY = "Policy"
STOPPED = "Stopped task"  # diagnose: what the failed launch left behind
GENERAL = "General"  # --version, --help
PANELS = (STOPPED, TARGETS, SNAPSHOT, CHECKS, OUTPUT, POLICY, GENERAL)

# Option (parameter name) -> panel.
PANEL_OF: dict[str, str] = {
    # Stopped task (diagnose): the error it left
    "reason": STOPPED,
    "event": STOPPED,
    "stop_code": STOPPED,
    # Targets: which task placements are checked
    "subnet": TARGETS,
    "security_group": TARGETS,
    "assign_public_ip": TARGETS,
    "cluster": TARGETS,
    "service": TARGETS,
    "deploy_config": TARGETS,
    "env": TARGETS,
    "task": TARGETS,
    "config_filename_stem": TARGETS,
    "run_environment": TARGETS,
    "default_subnet": TARGETS,
    "default_security_group": TARGETS,
    "default_assign_public_ip": TARGETS,
    "audit": TARGETS,
    # Snapshot & collection: where the network description comes from
    "snapshot": SNAPSHOT,
    "region": SNAPSHOT,
    "profile": SNAPSHOT,
    "accounts": SNAPSHOT,
    "organization": SNAPSHOT,
    "role_name": SNAPSHOT,
    "external_id": SNAPSHOT,
    "all_regions": SNAPSHOT,
    "quiet": SNAPSHOT,
    "verbose": SNAPSHOT,
    "redact": SNAPSHOT,
    "offline": SNAPSHOT,
    # infrastructure code: the network (and tasks) as they will be
    "cloudformation": SNAPSHOT,
    "parameter": SNAPSHOT,
    "parameters": SNAPSHOT,
    "stack_name": SNAPSHOT,
    "terraform_plan": SNAPSHOT,
    "account": SNAPSHOT,
    "live": SNAPSHOT,
    # how collection calls AWS: timeouts, retries, a deadline per account and region
    "connect_timeout": SNAPSHOT,
    "read_timeout": SNAPSHOT,
    "max_attempts": SNAPSHOT,
    "region_deadline": SNAPSHOT,
    # Checks: what is checked
    "port": CHECKS,
    "destination": CHECKS,
    "ip_ranges": CHECKS,
    "need": CHECKS,
    "select": CHECKS,
    "extend_select": CHECKS,
    "ignore": CHECKS,
    "rules_dir": CHECKS,
    "min_free_ips": CHECKS,
    # Output: what is written where
    "format": OUTPUT,
    "output": OUTPUT,
    "output_dir": OUTPUT,
    "html": OUTPUT,
    "markdown": OUTPUT,
    "management": OUTPUT,
    "version": GENERAL,
    "debug": GENERAL,
    "install_completion": GENERAL,
    "show_completion": GENERAL,
    # Policy: what fails the run
    "fail_on": POLICY,
    "fail_on_new": POLICY,
    "baseline": POLICY,
    "config": POLICY,
}

# Option (parameter name) -> what its value is, in place of a type label such as <list[str]>.
METAVAR_OF: dict[str, str] = {
    "subnet": "ID",
    "security_group": "ID",
    "cluster": "NAME",
    "service": "NAME",
    "deploy_config": "DIR",
    "env": "NAME",
    "task": "NAME",
    "reason": "TEXT",
    "event": "FILE",
    "stop_code": "CODE",
    "config_filename_stem": "STEM",
    "run_environment": "FILE",
    "default_subnet": "ID",
    "default_security_group": "ID",
    "snapshot": "FILE",
    "cloudformation": "FILE",
    "parameter": "KEY=VALUE",
    "parameters": "FILE",
    "stack_name": "NAME",
    "terraform_plan": "FILE",
    "account": "ID",
    "region": "REGION",
    "profile": "NAME",
    "accounts": "IDS",
    "role_name": "NAME",
    "external_id": "ID",
    "port": "PORT",
    "destination": "CIDR|aws:SERVICE",
    "ip_ranges": "FILE",
    "need": "HOST[:PORT]",
    "connect_timeout": "SECONDS",
    "read_timeout": "SECONDS",
    "max_attempts": "N",
    "region_deadline": "SECONDS",
    "select": "CODES",
    "extend_select": "CODES",
    "ignore": "CODES",
    "rules_dir": "DIR",
    "min_free_ips": "N",
    "format": "FORMATS",
    "output": "FILE",
    "output_dir": "DIR",
    "html": "FILE",
    "markdown": "FILE",
    "fail_on": "SEVERITY",
    "baseline": "FILE",
    "config": "FILE",
}


def arrange(command: Any) -> Any:
    """Put every option of ``command`` and of its subcommands in its panel, label values with
    their metavar and flags with nothing; ``command`` is changed in place and returned."""
    # Panels appear in the order of their first option: Targets first, then as PANELS lists them.
    command.params.sort(key=lambda p: PANELS.index(PANEL_OF[p.name]) if p.name in PANEL_OF else -1)
    for param in command.params:
        if isinstance(param, TyperArgument):  # its name says what it is: TASK, RULE
            param.display_type_rich = _no_label  # type: ignore[method-assign]
        if not isinstance(param, TyperOption) or param.name == "help":
            continue
        panel = PANEL_OF.get(param.name or "")
        if panel is not None:
            param.rich_help_panel = panel
        if param.is_flag or param.count:
            param.metavar = ""  # a flag takes no value: no <bool> or <int> label
            param.show_default = param.show_default and not param.count  # not "[default: 0]" for -v
        elif param.metavar is None and param.name in METAVAR_OF:
            param.metavar = METAVAR_OF[param.name]
    command.format_help = partial(_format_help, command, command.format_help)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            arrange(sub)
    return command


def _no_label(ctx: Any) -> None:
    return None


def _plain_help(command: Any) -> None:
    """The help texts of ``command``, its options and its subcommands are plain text, not rich
    markup ("[tool.fargate-netcheck]"): escaped once, when help is first drawn, so that a run
    that draws no help does not import rich (typer's help is drawn by rich)."""
    if getattr(command, "_plain_help", False):
        return
    from rich.markup import escape

    command._plain_help = True
    if command.help:
        command.help = escape(command.help)
    for param in command.params:
        help_text = getattr(param, "help", None)
        if help_text:
            param.help = escape(help_text)
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            _plain_help(sub)


def _format_help(command: Any, format_help: Callable[..., None], ctx: Any, formatter: Any) -> None:
    """Typer's help, with each negative flag under its positive one (``--audit / --no-audit``)
    rather than in a column of its own: at 80 columns that column cut names short. Only the help
    text changes: parsing has already read the options when ``--help`` prints."""
    _plain_help(command)
    help_option = command.get_help_option(ctx)  # made on first use (and kept): placed here
    if help_option is not None:
        help_option.metavar, help_option.rich_help_panel = "", GENERAL
    folded = [(p, p.opts, p.secondary_opts) for p in command.params if getattr(p, "secondary_opts", None)]
    try:
        for param, opts, secondary in folded:
            param.opts, param.secondary_opts = [" / ".join([*opts, *secondary])], []
        format_help(ctx, formatter)
    finally:
        for param, opts, secondary in folded:
            param.opts, param.secondary_opts = opts, secondary


def unplaced(command: Any, path: str = "") -> list[str]:
    """``command --option`` of every option that has no panel (``--help`` has none by design)."""
    name = f"{path} {command.name}".strip()
    missing = [
        f"{name} --{(p.name or '').replace('_', '-')}"
        for p in command.params
        if isinstance(p, TyperOption) and p.name != "help" and getattr(p, "rich_help_panel", None) is None
    ]
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            missing += unplaced(sub, name)
    return missing
