"""Reading a plan resource's values for the snapshot: unknown values recorded against the kind
they leave unknown (the snapshot's ``Errors``), lists and single values as the caller needs them."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.network import Network
from fargate_netcheck.targets.iac.terraform_plan import Instance, Plan
from fargate_netcheck.targets.iac.values import first_unknown


class TfValues:
    def __init__(self, plan: Plan, net: Network, overlay: bool) -> None:
        self.plan, self.net, self.overlay = plan, net, overlay
        self.kept: dict[tuple[str, str], JsonDict] = {}  # an updated item's associations, kept

    def v(self, kind: str, inst: Instance, *path: Any, default: Any = None) -> Any:
        value = self.plan.value(inst, *path)
        unknown = first_unknown(value)
        if unknown is not None:
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
            reason = (
                unknown.reason
                if unknown.reason.startswith(inst.address)
                else f"{inst.address}{where}: {unknown.reason}"
            )
            self.net.unknown(kind, reason)
            return None
        return default if value is None else value

    def one(self, kind: str, inst: Instance, *path: Any) -> Any:
        value = self.v(kind, inst, *path)
        if isinstance(value, list):
            if len(value) == 1:
                return value[0]
            self.net.unknown(kind, f"{inst.address}: {path[-1]} resolves to several values {value}")
            return None
        return value

    def many(self, kind: str, inst: Instance, *path: Any) -> list[Any]:
        value = self.v(kind, inst, *path, default=[])
        return [] if value is None else value if isinstance(value, list) else [value]

    def inline(self, kind: str, inst: Instance, block: str) -> list[Any]:
        """Inline blocks (``route``, ``ingress``, ...): when the code writes none, the attribute is
        computed from the separate rule resources, which the plan applies on their own."""
        if self.plan.value(inst, block) is not None and not first_unknown(self.plan.value(inst, block)):
            return self.many(kind, inst, block)
        return self.many(kind, inst, block) if self.plan.expression(inst, block) is not None else []

    def add(self, kind: str, inst: Instance, item: JsonDict) -> None:
        item = {k: v for k, v in item.items() if v is not None}
        from fargate_netcheck.snapshot.schema import ID_FIELDS

        item.update(self.kept.pop((kind, item[ID_FIELDS[kind]]), {}))
        self.net.add(kind, item)

    def tags(self, inst: Instance) -> list[dict[str, str]]:
        tags = (inst.after or {}).get("tags_all") or (inst.after or {}).get("tags") or {}
        return (
            [{"Key": str(k), "Value": str(v)} for k, v in sorted(tags.items())]
            if isinstance(tags, dict)
            else []
        )
