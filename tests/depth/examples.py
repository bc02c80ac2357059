"""The "Must show" example snapshots in ``data/``, for ``fargate-netcheck check --snapshot ... -f json``.

Regenerate them with ``cd tests && ../.venv/bin/python -m depth.examples``; a test keeps them in sync.
"""

from __future__ import annotations

import json
from pathlib import Path

from depth.builders import endpoints_only, endpoints_only_no_s3
from depth.tgw_builders import tgw_egress, tgw_egress_no_return

DATA = Path(__file__).parent / "data"

EXAMPLES = {
    "endpoints_only.json": endpoints_only,
    "endpoints_only_no_s3.json": endpoints_only_no_s3,
    "tgw_egress.json": tgw_egress,
    "tgw_egress_no_return.json": tgw_egress_no_return,
}


def example_text(name: str) -> str:
    return json.dumps(EXAMPLES[name](), indent=1) + "\n"


def main() -> None:
    for name in EXAMPLES:
        (DATA / name).write_text(example_text(name))
        print(DATA / name)


if __name__ == "__main__":
    main()
