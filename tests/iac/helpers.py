"""Paths and small helpers the infrastructure-as-code tests share."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
STACKS = FIXTURES / "stacks"


def verdicts(report: dict) -> dict[str, tuple[str, str]]:
    """subnet id -> (verdict, egress_mode)."""
    return {t["subnet_id"]: (t["internet_egress"]["verdict"], t["egress_mode"]) for t in report["targets"]}
