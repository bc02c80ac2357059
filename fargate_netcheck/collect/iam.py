"""The least-privilege IAM policies: exactly the actions the collectors declare they call.

Each collector module declares ``IAM_ACTIONS: tuple[str, ...]``. Two principals are involved when
many accounts are read, and each gets only what it uses:

- the read policy (``policy_document``), for whoever reads an account's network: the caller in a
  single-account run, the role assumed in each account otherwise;
- the management policy (``management_policy_document``), for the caller that fans out: AssumeRole
  on the read role only, and ListAccounts for ``--organization``.

``policy/iam-policy.json`` and ``policy/iam-policy-management.json`` are the shipped copies;
regenerate them with ``python -m fargate_netcheck.collect.iam`` (a test keeps them equal).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

from fargate_netcheck.collect.assume import DEFAULT_ROLE_NAME
from fargate_netcheck.core.json_types import JsonDict

# The collector modules, in a fixed list. A module not written yet (ecs) is skipped.
COLLECTOR_MODULES: tuple[str, ...] = (
    "fargate_netcheck.collect.account",
    "fargate_netcheck.collect.ec2",
    "fargate_netcheck.collect.ecs",
    "fargate_netcheck.collect.regions",
    "fargate_netcheck.collect.network_firewall",
    "fargate_netcheck.collect.resolver",
    "fargate_netcheck.collect.profiles",
    "fargate_netcheck.collect.route53",
)
# What the caller of a many-account run does before reading anything.
MANAGEMENT_MODULES: tuple[str, ...] = (
    "fargate_netcheck.collect.assume",
    "fargate_netcheck.collect.organization",
)
ASSUME_ROLE_ACTION = "sts:AssumeRole"
POLICY_FILES: dict[str, str] = {
    "iam-policy.json": "read",
    "iam-policy-management.json": "management",
}


def declared_actions(modules: tuple[str, ...] = COLLECTOR_MODULES) -> list[str]:
    """Every action ``modules`` declare, sorted and without duplicates."""
    actions: set[str] = set()
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but one of its imports is missing: a real error
                raise
            continue
        actions.update(getattr(module, "IAM_ACTIONS", ()))
    return sorted(actions)


def policy_document() -> JsonDict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FargateNetcheckReadOnly",
                "Effect": "Allow",
                "Action": declared_actions(),
                "Resource": "*",
            }
        ],
    }


def management_policy_document(role_name: str = DEFAULT_ROLE_NAME, partition: str = "aws") -> JsonDict:
    """The caller's policy for ``--accounts``/``--organization``: assume ``role_name`` in any account
    (each account's trust policy decides who may), and list the organisation's accounts."""
    actions = declared_actions(MANAGEMENT_MODULES)
    statements: list[JsonDict] = [
        {
            "Sid": "FargateNetcheckAssumeReadRole",
            "Effect": "Allow",
            "Action": [a for a in actions if a == ASSUME_ROLE_ACTION],
            "Resource": f"arn:{partition}:iam::*:role/{role_name}",
        }
    ]
    others = [a for a in actions if a != ASSUME_ROLE_ACTION]
    if others:
        statements.append(
            {"Sid": "FargateNetcheckListAccounts", "Effect": "Allow", "Action": others, "Resource": "*"}
        )
    return {"Version": "2012-10-17", "Statement": statements}


def render_policy(which: str = "read", role_name: str = DEFAULT_ROLE_NAME) -> str:
    """A policy as shipped (2-space indent, trailing newline): ``read`` or ``management``."""
    if which == "read":
        document = policy_document()
    elif which == "management":
        document = management_policy_document(role_name)
    else:
        raise ValueError(f"unknown policy {which!r}: read or management")
    return json.dumps(document, indent=2) + "\n"


def write_policies(folder: Path) -> None:
    """Regenerate the shipped policy files in ``folder``."""
    for file_name, which in POLICY_FILES.items():
        (folder / file_name).write_text(render_policy(which), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        write_policies(Path(sys.argv[1]))
    else:
        print(render_policy(), end="")
