"""The "Must show" example snapshots in ``data/``, for ``fargate-netcheck check --snapshot ... -f json``.

Regenerate them with ``cd tests && ../.venv/bin/python -m depth.examples``; a test keeps them in sync.
"""

from __future__ import annotations

import json
from pathlib import Path

from depth.builders import endpoints_only, endpoints_only_no_s3
from depth.needs_builders import (
    central_egress_allows_aws,
    central_egress_default_home_net,
    central_egress_default_home_net_default_order,
    central_egress_without_aws,
    dns_firewall_blocks_aws,
    endpoints_s3_own_buckets,
    forward_amazonaws_on_premises,
)
from depth.tgw_builders import tgw_egress, tgw_egress_no_return

DATA = Path(__file__).parent / "data"

EXAMPLES = {
    "endpoints_only.json": endpoints_only,
    "endpoints_only_no_s3.json": endpoints_only_no_s3,
    "tgw_egress.json": tgw_egress,
    "tgw_egress_no_return.json": tgw_egress_no_return,
    "nfw_allows_aws.json": central_egress_allows_aws,
    "nfw_without_aws.json": central_egress_without_aws,
    "nfw_default_home_net.json": central_egress_default_home_net,
    "nfw_default_home_net_default_order.json": central_egress_default_home_net_default_order,
    "s3_endpoint_own_buckets.json": endpoints_s3_own_buckets,
    "dns_firewall_blocks_aws.json": dns_firewall_blocks_aws,
    "dns_forward_amazonaws.json": forward_amazonaws_on_premises,
}


def check_example(capsys, name: str, subnet: str, group: str, *extra: str) -> tuple[int, dict]:
    """``check --snapshot data/<name> --subnet ... --security-group ... -f json`` (and ``extra``)."""
    from cli_helpers import run_cli

    args = ["check", "--snapshot", str(DATA / name), "--subnet", subnet, "--security-group", group]
    r = run_cli(capsys, *args, "-f", "json", *extra)
    assert r.code in (0, 1), r.err
    return r.code, json.loads(r.out)


def example_text(name: str) -> str:
    return json.dumps(EXAMPLES[name](), indent=1) + "\n"


def main() -> None:
    for name in EXAMPLES:
        (DATA / name).write_text(example_text(name))
        print(DATA / name)


if __name__ == "__main__":
    main()
