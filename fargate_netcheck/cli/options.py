"""Command-line options several commands share, declared once (where the help differs, each
command keeps its own declaration in ``cli.app``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

RegionOpt = Annotated[
    list[str], typer.Option(help="Region to collect (repeatable; default from the environment).")
]
ProfileOpt = Annotated[str | None, typer.Option(help="AWS profile.")]
ReportOutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report here (default, or -: stdout).")
]
FORMAT_NAMES = "text, json, html, sarif, junit, markdown"
FORMATS_HELP = f"{FORMAT_NAMES} (repeatable or comma-separated; several need --output-dir)."
RulesDirOpt = Annotated[list[Path], typer.Option(help="Folder of extra rule modules (repeatable).")]

# Live-collection scope, shared by `scan` and `check`.
AccountsOpt = Annotated[
    list[str],
    typer.Option(
        "--accounts", help="Account ids (comma-separated or repeated); --role-name is assumed in each."
    ),
]
OrganizationOpt = Annotated[
    bool, typer.Option("--organization", help="Every ACTIVE account of the AWS Organization.")
]
RoleNameOpt = Annotated[str, typer.Option(help="Role assumed in each account of --accounts/--organization.")]
ExternalIdOpt = Annotated[str | None, typer.Option(help="ExternalId for AssumeRole.")]
AllRegionsOpt = Annotated[bool, typer.Option("--all-regions", help="Every region each account has enabled.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
RedactOpt = Annotated[
    bool,
    typer.Option(
        "--redact", help="Mask account ids, IP addresses and tag values (consistently), for sharing."
    ),
]
VerboseOpt = Annotated[
    int, typer.Option("--verbose", "-v", count=True, help="Log each API call and retry (-vv: debug).")
]
