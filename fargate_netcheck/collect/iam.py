"""The least-privilege IAM policy: exactly the actions the collectors declare they call.

Each collector module declares ``IAM_ACTIONS: tuple[str, ...]``. ``policy/iam-policy.json`` is the
shipped copy of ``policy_document()``; regenerate it with
``python -m fargate_netcheck.collect.iam > policy/iam-policy.json`` (a test keeps them equal).
"""

from __future__ import annotations

import importlib
import json
from typing import Any

# The collector modules, in a fixed list. A module not written yet (ecs) is skipped.
COLLECTOR_MODULES: tuple[str, ...] = (
    "fargate_netcheck.collect.account",
    "fargate_netcheck.collect.ec2",
    "fargate_netcheck.collect.ecs",
)


def declared_actions() -> list[str]:
    """Every action the collector modules declare, sorted and without duplicates."""
    actions: set[str] = set()
    for name in COLLECTOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # the module exists but one of its imports is missing: a real error
                raise
            continue
        actions.update(getattr(module, "IAM_ACTIONS", ()))
    return sorted(actions)


def policy_document() -> dict[str, Any]:
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


def render_policy() -> str:
    """The policy as shipped: 2-space indent, trailing newline."""
    return json.dumps(policy_document(), indent=2) + "\n"


if __name__ == "__main__":
    print(render_policy(), end="")
