"""The accounts of an AWS Organization: ListAccounts, from the management account or a delegated
administrator (the caller's own credentials, before any role is assumed)."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.collect._calls import COLLECT_ERRORS, error_text, objects, paginate
from fargate_netcheck.core.errors import InputError

# Actions of the caller that fans out to the accounts (see iam.MANAGEMENT_MODULES), not of the read role.
OPERATION = "ListAccounts"
IAM_ACTIONS: tuple[str, ...] = (f"organizations:{OPERATION}",)


def active_accounts(organizations_client: Any) -> list[str]:
    """Ids of the organisation's ACTIVE accounts (suspended or closing ones are skipped), sorted.
    A caller that may not list them is an ``InputError``: without the list there is nothing to do."""
    try:  # an account listed without its id is a malformed answer, not one to skip or crash on
        accounts = objects(paginate(organizations_client, OPERATION, "Accounts"), OPERATION, "Accounts", "Id")
    except COLLECT_ERRORS as exc:
        raise InputError(f"--organization: organizations:ListAccounts failed: {error_text(exc)}") from None
    # ``State`` replaces the deprecated ``Status``; either says ACTIVE for a usable account.
    return sorted({a["Id"] for a in accounts if (a.get("State") or a.get("Status")) == "ACTIVE"})
