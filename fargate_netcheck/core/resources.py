"""Where the package's data folders live: inside an installed wheel, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _locate(builtin_name: str, checkout_relative: str) -> Path:
    installed = _PACKAGE_DIR / "_builtin" / builtin_name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent / checkout_relative


def templates_dir() -> Path:
    """The jinja2 report templates: `<pkg>/_builtin/templates` from a wheel, else `reports/templates`."""
    return _locate("templates", "reports/templates")


def rules_dir() -> Path:
    """The built-in rule pack: `<pkg>/_builtin/rules` from a wheel, else `<checkout>/rules`."""
    return _locate("rules", "rules")


def policy_dir() -> Path:
    """The shipped IAM policies (generated from what the collectors declare, ``collect.iam``; a test
    keeps them equal): `<pkg>/_builtin/policy` from a wheel, else `<checkout>/policy`. Read from
    here, printing a policy imports no collector, so no boto3."""
    return _locate("policy", "policy")
