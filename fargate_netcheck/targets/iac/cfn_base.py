"""What every CloudFormation resource handler reads: evaluated properties (an unknown one recorded
against the snapshot kind it leaves unknown), ids, tags, and where a resource is written."""

from __future__ import annotations

import ipaddress
import re
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
_CIDR_SUFFIXES = ("CidrBlock", "CidrIp", "CidrIpv6")
# Properties whose value is a list (of ids, rules, entries): a string there is not split into ids.
_LIST_PROPERTIES = frozenset(
    {
        "SubnetIds",
        "SecurityGroupIds",
        "RouteTableIds",
        "Entries",
        "SecurityGroupIngress",
        "SecurityGroupEgress",
        "DomainNameServers",
        "NtpServers",
        "NetbiosNameServers",
        "Tags",
    }
)
# Boolean properties: true or false (YAML's or the text CloudFormation passes), nothing read as false.
_BOOL_PROPERTIES = frozenset(
    {
        "EnableDnsSupport",
        "EnableDnsHostnames",
        "MapPublicIpOnLaunch",
        "PrivateDnsEnabled",
        "AmazonProvidedIpv6CidrBlock",
        "Blackhole",
        "Egress",
    }
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
        where = self.where(logical)
        if name.endswith(_CIDR_SUFFIXES) and name not in _BOOL_PROPERTIES:
            check_cidr(value, f"{where}: {name}{self.origin(props[name])}", ipv6="Ipv6" in name)
        if name in _LIST_PROPERTIES:
            return as_list(value, where, name, ids=name.endswith("Ids"))
        if name in _BOOL_PROPERTIES:
            return as_bool(value, where, name)
        if name.endswith(_SCALAR_SUFFIXES) and isinstance(value, (list, dict)):
            raise InputError(f"{where}: {name} must be a string, found {type(value).__name__}")
        return value

    def origin(self, node: Any) -> str:
        """`` (from parameter P, FILE:LINE)`` for the parameters ``node`` refers to, so a bad value
        is traced to where it is given, not only where it is used."""
        declared = self.ev.t.section("Parameters")
        names = [n for n in dict.fromkeys(_referenced(node)) if n in declared]
        return "".join(f" (from parameter {n}, {self.ev.t.where(n, declared)})" for n in names)

    def rid(self, logical: str) -> str:
        return self.ev.resource_id(logical)

    def tags(self, props: JsonDict) -> list[dict[str, str]]:
        tags = self.ev.value(props.get("Tags") or [])
        if not isinstance(tags, list):
            return []  # tags name nothing the checks read
        return [
            {"Key": str(t["Key"]), "Value": str(t["Value"])}
            for t in tags
            if isinstance(t, dict) and not first_unknown(t) and "Key" in t and "Value" in t
        ]


def as_bool(value: Any, where: str = "", name: str = "") -> bool:
    """``true``/``false`` as CloudFormation reads them (YAML booleans or their text, any case);
    None (an unknown value, recorded elsewhere) is False. Anything else is bad input, never a
    default."""
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise InputError(f"{where}: {name} must be true or false, found {value!r}")


def as_list(value: Any, where: str, name: str, ids: bool = False) -> list[Any]:
    """A list property; with ``ids``, a list of id strings. A string is never split into characters."""
    if not isinstance(value, list):
        raise InputError(f"{where}: {name} must be a list, found {_shown(value)}")
    if ids and not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {name} must be a list of ids, found {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    return " ".join(repr(value).split())[:80]


def check_cidr(value: Any, what: str, ipv6: bool) -> None:
    """A CIDR block of its family (what the snapshot's checks want), else an InputError naming
    ``what``: the resource, the property and where its value comes from."""
    try:
        net = ipaddress.ip_network(value, strict=False) if isinstance(value, str) else None
    except ValueError:
        net = None
    if net is None or (net.version == 6) != ipv6:
        raise InputError(f"{what}: {_shown(value)} is not an IPv{6 if ipv6 else 4} CIDR block")


def _referenced(node: Any) -> list[str]:
    """The names ``node`` refers to with ``Ref`` or ``${Name}`` in ``Fn::Sub``."""
    if isinstance(node, list):
        return [n for item in node for n in _referenced(item)]
    if not isinstance(node, dict):
        return []
    out: list[str] = []
    for key, value in node.items():
        if key == "Ref" and isinstance(value, str):
            out.append(value)
        elif key == "Fn::Sub":
            text = value[0] if isinstance(value, list) and value else value
            out += re.findall(r"\$\{([^}!.][^}.]*)\}", text) if isinstance(text, str) else []
            out += _referenced(value[1:] if isinstance(value, list) else [])
        else:
            out += _referenced(value)
    return out
