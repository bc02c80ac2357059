"""`--live`: a service stack's parameters name resources of the live account (collected through
moto here), and the stack is checked against them before it is deployed."""

from __future__ import annotations

import json

from ecs_account import account  # noqa: F401  (the moto account fixture)
from iac.helpers import STACKS


def test_service_stack_over_the_live_network(account, capsys):  # noqa: F811
    from cli_helpers import run_cli

    subnets = f"Subnets={account.private},{account.isolated}"
    r = run_cli(capsys, "check", "--cloudformation", str(STACKS / "service.yaml"), "--live", "--region", "us-east-1", "-q",
                "--parameter", subnets, "--parameter", f"SecurityGroups={account.sg}", "-f", "json")  # fmt: skip
    report = json.loads(r.out)
    verdicts = {t["target_id"]: t["internet_egress"]["verdict"] for t in report["targets"]}
    assert verdicts[f"cloudformation:service/Service:{account.private}"] == "reachable"
    assert verdicts[f"cloudformation:service/Service:{account.isolated}"] == "unreachable"
    assert r.code == 1
