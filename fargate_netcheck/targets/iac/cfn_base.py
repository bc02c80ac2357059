"""What every CloudFormation resource handler reads: evaluated properties (an unknown one recorded
against the snapshot kind it leaves unknown), ids, tags, and where a resource is written."""

from __future__ import annotations

from typing import Any

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.json_types import JsonDict
from fargate_netcheck.targets.iac.cfn_intrinsics import NO_VALUE, Evaluator
from fargate_netcheck.targets.iac.network import Network
from fargate_netcheck.targets.iac.values import first_unknown

# Properties whose value is one id, CIDR or name: anything else is a template CloudFormation refuses.
_SCALAR_SUFFIXES = (
    "Id",
    "CidrBlock",
    "CidrIp",
    "CidrIpv6",
    "AvailabilityZone",
    "ConnectivityType",
    "ServiceName",
    "Arn",
)


class CfnBase:
    def __init__(self, ev: Evaluator, net: Network) -> None:
        self.ev = ev
        self.net = net
        self.active: set[str] = set()  # logical ids whose Condition holds

    # -- property access -----------------------------------------------------------------------
    def where(self, logical: str) -> str:
        return f"{self.ev.resource_id(logical)} ({self.ev.t.where(logical, self.ev.resources)})"

    def get(self, kind: str, logical: str, props: JsonDict, name: str, default: Any = None) -> Any:
        """The evaluated property; an unknown value is recorded against ``kind`` and returns None.
        A property that is absent or evaluates to ``AWS::NoValue`` (removed, as CloudFormation
        removes it) returns ``default``."""
        if name not in props:
            return default
        value = self.ev.value(props[name])
        if value is NO_VALUE:
            return default
        unknown = first_unknown(value)
        if unknown is not None:
            self.net.unknown(
                kind, f"{self.where(logical)}: {name} is not known before deployment ({unknown.reason})"
            )
            return None
        if name.endswith(_SCALAR_SUFFIXES) and isinstance(value, (list, dict)):
            raise InputError(f"{self.where(logical)}: {name} must be a string, found {type(value).__name__}")
        return value

    def rid(self, logical: str) -> str:
        return self.ev.resource_id(logical)

    def tags(self, props: JsonDict) -> list[dict[str, str]]:
        tags = self.ev.value(props.get("Tags") or [])
        return [
            {"Key": str(t["Key"]), "Value": str(t["Value"])}
            for t in tags
            if isinstance(t, dict) and not first_unknown(t) and "Key" in t and "Value" in t
        ]


def as_bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
