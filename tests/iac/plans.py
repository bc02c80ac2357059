"""Terraform plan JSON, written the way ``terraform show -json PLANFILE`` writes it (HashiCorp's
documented JSON output format: ``planned_values``, ``resource_changes``, ``prior_state``,
``configuration`` with each expression's ``references``), for a small but real-shaped
configuration: a ``./modules/vpc`` module (public and private subnets with ``count``, one NAT gateway
per AZ) and a Fargate service in the root module that takes ``module.vpc.private_subnets``.

``terraform plan`` cannot run here (providers cannot be downloaded), so the tests build plans with
this helper; ``fixtures/*.plan.json`` are its output, kept in step by a test.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from snapshots import with_name_resolution

PROVIDER = "registry.terraform.io/hashicorp/aws"
AZS = ("eu-west-1a", "eu-west-1b")


def ref(*refs: str) -> dict[str, Any]:
    return {"references": list(refs)}


def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


class PlanBuilder:
    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []
        self.planned: dict[str, list[dict[str, Any]]] = {}
        self.prior: dict[str, list[dict[str, Any]]] = {}
        self.config: dict[str, Any] = {"resources": [], "module_calls": {}}

    def resource(
        self,
        address: str,
        values: dict[str, Any],
        *,
        unknown: dict[str, Any] | None = None,
        actions: tuple[str, ...] = ("create",),
        before: dict[str, Any] | None = None,
    ) -> None:
        module, rtype, name, index = _parse(address)
        entry = {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_name": PROVIDER,
        }
        if module:
            entry["module_address"] = module
        if index is not None:
            entry["index"] = index
        deleting = actions == ("delete",)
        after = None if deleting else values
        self.changes.append(
            {
                **entry,
                "change": {
                    "actions": list(actions),
                    "before": before,
                    "after": after,
                    "after_unknown": {} if deleting else (unknown or {}),
                    "before_sensitive": False if before is None else {},
                    "after_sensitive": False if deleting else {},
                },
            }
        )
        if not deleting:
            planned = {k: v for k, v in entry.items() if k != "module_address"}
            self.planned.setdefault(module, []).append(
                {**planned, "schema_version": 0, "values": values, "sensitive_values": {}}
            )
        if before is not None:
            self.prior.setdefault(module, []).append(
                {
                    **{k: v for k, v in entry.items() if k != "module_address"},
                    "schema_version": 0,
                    "values": before,
                    "sensitive_values": {},
                }
            )

    def configure(self, module: str, address: str, expressions: dict[str, Any], count: Any = None) -> None:
        rtype, name = address.split(".")
        block = {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_config_key": "aws",
            "expressions": expressions,
            "schema_version": 0,
        }
        if count is not None:
            block["count_expression"] = count
        self._module(module)["resources"].append(block)

    def module_call(
        self, name: str, source: str, expressions: dict[str, Any], outputs: dict[str, Any]
    ) -> None:
        self.config["module_calls"][name] = {
            "source": source,
            "expressions": expressions,
            "module": {
                "outputs": {k: {"expression": v} for k, v in outputs.items()},
                "resources": [],
                "module_calls": {},
            },
        }

    def _module(self, module: str) -> dict[str, Any]:
        config = self.config
        for part in [p for p in module.split(".") if p != "module"] if module else []:
            config = config["module_calls"][part]["module"]
        return config

    def to_json(self) -> str:
        def tree(modules: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
            root: dict[str, Any] = {"resources": modules.get("", [])}
            children = [{"address": m, "resources": r} for m, r in sorted(modules.items()) if m]
            if children:
                root["child_modules"] = children
            return root

        plan = {
            "format_version": "1.2",
            "terraform_version": "1.9.8",
            "variables": {"region": {"value": "eu-west-1"}},
            "planned_values": {"root_module": tree(self.planned)},
            "resource_changes": self.changes,
            "configuration": {
                "provider_config": {
                    "aws": {
                        "name": "aws",
                        "full_name": PROVIDER,
                        "expressions": {"region": ref("var.region")},
                    }
                },
                "root_module": self.config,
            },
            "timestamp": "2026-11-30T12:00:00Z",
            "applyable": True,
            "complete": True,
            "errored": False,
        }
        if self.prior:
            plan["prior_state"] = {
                "format_version": "1.0",
                "terraform_version": "1.9.8",
                "values": {"root_module": tree(self.prior)},
            }
        return json.dumps(plan, indent=2) + "\n"


def _parse(address: str) -> tuple[str, str, str, Any]:
    parts = address.split(".")
    module = ".".join(parts[:-2])
    rtype, name = parts[-2], parts[-1]
    index = None
    if "[" in name:
        name, key = name[:-1].split("[")
        index = int(key) if key.isdigit() else json.loads(key)
    return module, rtype, name, index


CONTAINERS = json.dumps(
    [
        {
            "name": "app",
            "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.4.2",
            "essential": True,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": "/ecs/app",
                    "awslogs-region": "eu-west-1",
                    "awslogs-stream-prefix": "app",
                },
            },
            "secrets": [
                {
                    "name": "DB_PASSWORD",
                    "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                }
            ],
        }
    ]
)


def _vpc_module_config(b: PlanBuilder, nat: bool) -> None:
    b.module_call(
        "vpc",
        "./modules/vpc",
        {"cidr": const("10.20.0.0/16"), "azs": const(list(AZS)), "enable_nat_gateway": const(nat)},
        {
            "vpc_id": ref("aws_vpc.this.id", "aws_vpc.this"),
            "private_subnets": ref("aws_subnet.private"),
            "public_subnets": ref("aws_subnet.public"),
        },
    )
    m = "module.vpc"
    b.configure(m, "aws_vpc.this", {"cidr_block": ref("var.cidr"), "enable_dns_hostnames": const(True)})
    for tier in ("public", "private"):
        b.configure(
            m,
            f"aws_subnet.{tier}",
            {
                "vpc_id": ref("aws_vpc.this.id", "aws_vpc.this"),
                "cidr_block": ref("var.cidr", "count.index"),
                "availability_zone": ref("var.azs", "count.index"),
            },
            count=ref("var.azs"),
        )
    b.configure(m, "aws_internet_gateway.this", {"vpc_id": ref("aws_vpc.this.id", "aws_vpc.this")})
    b.configure(m, "aws_eip.nat", {"domain": const("vpc")}, count=ref("var.enable_nat_gateway", "var.azs"))
    b.configure(
        m,
        "aws_nat_gateway.this",
        {
            "allocation_id": ref("aws_eip.nat", "count.index"),
            "subnet_id": ref("aws_subnet.public", "count.index"),
        },
        count=ref("var.enable_nat_gateway", "var.azs"),
    )
    b.configure(m, "aws_route_table.public", {"vpc_id": ref("aws_vpc.this.id", "aws_vpc.this")})
    b.configure(
        m,
        "aws_route.public_internet",
        {
            "route_table_id": ref("aws_route_table.public.id", "aws_route_table.public"),
            "destination_cidr_block": const("0.0.0.0/0"),
            "gateway_id": ref("aws_internet_gateway.this.id", "aws_internet_gateway.this"),
        },
    )
    b.configure(
        m, "aws_route_table.private", {"vpc_id": ref("aws_vpc.this.id", "aws_vpc.this")}, count=ref("var.azs")
    )
    b.configure(
        m,
        "aws_route.private_nat",
        {
            "route_table_id": ref("aws_route_table.private", "count.index"),
            "destination_cidr_block": const("0.0.0.0/0"),
            "nat_gateway_id": ref("aws_nat_gateway.this", "count.index"),
        },
        count=ref("var.enable_nat_gateway", "var.azs"),
    )
    for tier in ("public", "private"):
        table = "aws_route_table.public.id" if tier == "public" else "aws_route_table.private"
        b.configure(
            m,
            f"aws_route_table_association.{tier}",
            {
                "subnet_id": ref("aws_subnet." + tier, "count.index"),
                "route_table_id": ref(table, "count.index"),
            },
            count=ref("var.azs"),
        )


def _service_config(b: PlanBuilder) -> None:
    b.configure(
        "",
        "aws_security_group.app",
        {
            "name": const("app"),
            "vpc_id": ref("module.vpc.vpc_id", "module.vpc"),
            "egress": const(
                [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]}]
            ),
        },
    )
    b.configure(
        "",
        "aws_ecs_task_definition.app",
        {"family": const("app"), "container_definitions": const(CONTAINERS)},
    )
    b.configure(
        "",
        "aws_ecs_service.app",
        {
            "name": const("app"),
            "launch_type": const("FARGATE"),
            "task_definition": ref("aws_ecs_task_definition.app.arn", "aws_ecs_task_definition.app"),
            "network_configuration": [
                {
                    "subnets": ref("module.vpc.private_subnets", "module.vpc"),
                    "security_groups": ref("aws_security_group.app.id", "aws_security_group.app"),
                    "assign_public_ip": const(False),
                }
            ],
        },
    )


def _egress(port_from: int, port_to: int, proto: str = "tcp") -> dict[str, Any]:
    return {
        "from_port": port_from,
        "to_port": port_to,
        "protocol": proto,
        "cidr_blocks": ["0.0.0.0/0"],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "security_groups": [],
        "self": False,
        "description": "",
    }


def create_plan(nat: bool = True, extra: Callable[[PlanBuilder], None] | None = None) -> str:
    """A first apply: the module builds the VPC, the root module the service; ids unknown until apply.
    ``extra`` adds resources of a test's own."""
    b = PlanBuilder()
    _vpc_module_config(b, nat)
    _service_config(b)
    m = "module.vpc"
    b.resource(
        f"{m}.aws_vpc.this",
        {
            "cidr_block": "10.20.0.0/16",
            "enable_dns_support": True,
            "enable_dns_hostnames": True,
            "tags": {"Name": "app"},
        },
        unknown={
            "id": True,
            "arn": True,
            "default_security_group_id": True,
            "default_network_acl_id": True,
            "main_route_table_id": True,
            "default_route_table_id": True,
        },
    )
    for tier, offset in (("public", 0), ("private", 10)):
        for i, az in enumerate(AZS):
            b.resource(
                f"{m}.aws_subnet.{tier}[{i}]",
                {
                    "cidr_block": f"10.20.{offset + i}.0/24",
                    "availability_zone": az,
                    "map_public_ip_on_launch": False,
                    "tags": {"Name": f"{tier}-{az}"},
                },
                unknown={"id": True, "vpc_id": True, "arn": True},
            )
    b.resource(
        f"{m}.aws_internet_gateway.this", {"tags": None}, unknown={"id": True, "vpc_id": True, "arn": True}
    )
    b.resource(
        f"{m}.aws_route_table.public", {"tags": None}, unknown={"id": True, "vpc_id": True, "route": True}
    )
    b.resource(
        f"{m}.aws_route.public_internet",
        {"destination_cidr_block": "0.0.0.0/0"},
        unknown={"id": True, "route_table_id": True, "gateway_id": True},
    )
    for i, _ in enumerate(AZS):
        if nat:
            b.resource(
                f"{m}.aws_eip.nat[{i}]",
                {"domain": "vpc"},
                unknown={"id": True, "public_ip": True, "allocation_id": True},
            )
            b.resource(
                f"{m}.aws_nat_gateway.this[{i}]",
                {"connectivity_type": "public"},
                unknown={"id": True, "allocation_id": True, "subnet_id": True},
            )
        b.resource(
            f"{m}.aws_route_table.private[{i}]",
            {"tags": None},
            unknown={"id": True, "vpc_id": True, "route": True},
        )
        if nat:
            b.resource(
                f"{m}.aws_route.private_nat[{i}]",
                {"destination_cidr_block": "0.0.0.0/0"},
                unknown={"id": True, "route_table_id": True, "nat_gateway_id": True},
            )
        for tier in ("public", "private"):
            b.resource(
                f"{m}.aws_route_table_association.{tier}[{i}]",
                {"gateway_id": None},
                unknown={"id": True, "subnet_id": True, "route_table_id": True},
            )
    b.resource(
        "aws_security_group.app",
        {"name": "app", "ingress": [], "egress": [_egress(443, 443)], "tags": None},
        unknown={"id": True, "vpc_id": True, "arn": True},
    )
    b.resource(
        "aws_ecs_task_definition.app",
        {"family": "app", "container_definitions": CONTAINERS},
        unknown={"arn": True, "id": True, "revision": True},
    )
    b.resource(
        "aws_ecs_service.app",
        {"name": "app", "launch_type": "FARGATE", "network_configuration": [{"assign_public_ip": False}]},
        unknown={
            "id": True,
            "task_definition": True,
            "network_configuration": [{"subnets": True, "security_groups": True}],
        },
    )
    if extra is not None:
        extra(b)
    return b.to_json()


# The network after the first apply, as a later plan (and `scan`) sees it.
LIVE = {
    "vpc": "vpc-0a1b2c3d4e5f60001",
    "igw": "igw-0a1b2c3d4e5f60001",
    "rtb_public": "rtb-0a1b2c3d4e5f60001",
    "public": ("subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"),
    "private": ("subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"),
    "nat": ("nat-0a1b2c3d4e5f60001", "nat-0a1b2c3d4e5f60002"),
    "rtb_private": ("rtb-0a1b2c3d4e5f60011", "rtb-0a1b2c3d4e5f60012"),
    "sg": "sg-0a1b2c3d4e5f60001",
}


def _route(cidr: str, **target: str) -> dict[str, Any]:
    """One element of aws_route_table's ``route`` set, every attribute present as the provider writes it."""
    keys = (
        "cidr_block",
        "ipv6_cidr_block",
        "destination_prefix_list_id",
        "gateway_id",
        "nat_gateway_id",
        "transit_gateway_id",
        "vpc_peering_connection_id",
        "egress_only_gateway_id",
        "network_interface_id",
        "vpc_endpoint_id",
        "carrier_gateway_id",
        "local_gateway_id",
        "core_network_arn",
    )
    return {k: "" for k in keys} | {"cidr_block": cidr} | target


def nat_removal_plan() -> str:
    """A later plan, `enable_nat_gateway = false`: the NAT gateways and the private tables' NAT
    routes are deleted; everything else is unchanged (no-op, with its real ids)."""
    b = PlanBuilder()
    _vpc_module_config(b, nat=False)
    _service_config(b)
    m, live = "module.vpc", LIVE
    vpc = {
        "id": live["vpc"],
        "cidr_block": "10.20.0.0/16",
        "enable_dns_support": True,
        "enable_dns_hostnames": True,
        "default_security_group_id": "sg-0a1b2c3d4e5f6d000",
        "main_route_table_id": "rtb-0a1b2c3d4e5f6d000",
    }
    b.resource(f"{m}.aws_vpc.this", vpc, actions=("no-op",), before=vpc)
    for tier, offset in (("public", 0), ("private", 10)):
        for i, az in enumerate(AZS):
            s = {
                "id": live[tier][i],
                "vpc_id": live["vpc"],
                "cidr_block": f"10.20.{offset + i}.0/24",
                "availability_zone": az,
            }
            b.resource(f"{m}.aws_subnet.{tier}[{i}]", s, actions=("no-op",), before=s)
    for i, _ in enumerate(AZS):
        nat = {"id": live["nat"][i], "subnet_id": live["public"][i], "connectivity_type": "public"}
        b.resource(f"{m}.aws_nat_gateway.this[{i}]", None, actions=("delete",), before=nat)  # type: ignore[arg-type]
        route = {
            "id": f"r-{live['rtb_private'][i]}1080289494",
            "route_table_id": live["rtb_private"][i],
            "destination_cidr_block": "0.0.0.0/0",
            "nat_gateway_id": live["nat"][i],
        }
        b.resource(f"{m}.aws_route.private_nat[{i}]", None, actions=("delete",), before=route)  # type: ignore[arg-type]
    igw = {"id": live["igw"], "vpc_id": live["vpc"]}
    b.resource(f"{m}.aws_internet_gateway.this", igw, actions=("no-op",), before=igw)
    public = {
        "id": live["rtb_public"],
        "vpc_id": live["vpc"],
        "route": [_route("0.0.0.0/0", gateway_id=live["igw"])],
    }
    b.resource(f"{m}.aws_route_table.public", public, actions=("no-op",), before=public)
    route = {
        "id": f"r-{live['rtb_public']}1080289494",
        "route_table_id": live["rtb_public"],
        "destination_cidr_block": "0.0.0.0/0",
        "gateway_id": live["igw"],
    }
    b.resource(f"{m}.aws_route.public_internet", route, actions=("no-op",), before=route)
    for i, _ in enumerate(AZS):
        # the table's computed `route` lists the routes in the table now, the NAT route included
        table = {
            "id": live["rtb_private"][i],
            "vpc_id": live["vpc"],
            "route": [_route("0.0.0.0/0", nat_gateway_id=live["nat"][i])],
        }
        b.resource(f"{m}.aws_route_table.private[{i}]", table, actions=("no-op",), before=table)
        eip = {"id": f"eipalloc-0a1b2c3d4e5f6000{i}", "domain": "vpc"}
        b.resource(f"{m}.aws_eip.nat[{i}]", None, actions=("delete",), before=eip)  # type: ignore[arg-type]
        for tier in ("public", "private"):
            table_id = live["rtb_public"] if tier == "public" else live["rtb_private"][i]
            assoc = {
                "id": f"rtbassoc-{live[tier][i][-5:]}",
                "subnet_id": live[tier][i],
                "route_table_id": table_id,
                "gateway_id": "",
            }
            b.resource(
                f"{m}.aws_route_table_association.{tier}[{i}]", assoc, actions=("no-op",), before=assoc
            )
    sg = {
        "id": live["sg"],
        "name": "app",
        "vpc_id": live["vpc"],
        "ingress": [],
        "egress": [_egress(443, 443)],
    }
    b.resource("aws_security_group.app", sg, actions=("no-op",), before=sg)
    td = {
        "id": "app",
        "arn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/app:1",
        "family": "app",
        "container_definitions": CONTAINERS,
    }
    b.resource("aws_ecs_task_definition.app", td, actions=("no-op",), before=td)
    svc = {
        "id": "arn:aws:ecs:eu-west-1:123456789012:service/main/app",
        "name": "app",
        "launch_type": "FARGATE",
        "task_definition": td["arn"],
        "network_configuration": [
            {"subnets": list(live["private"]), "security_groups": [live["sg"]], "assign_public_ip": False}
        ],
    }
    b.resource("aws_ecs_service.app", svc, actions=("no-op",), before=svc)
    return b.to_json()


def live_snapshot() -> dict[str, Any]:
    """`scan` of the account after the first apply: the module's VPC with its NAT gateways, and what
    a scan reads of name resolution (Amazon DNS, no Resolver rules, DNS Firewall or private zones),
    so the ECR and Logs needs are decided, not unknown."""
    snap = _live_snapshot()
    with_name_resolution(snap["regions"]["eu-west-1"])
    return snap


def _live_snapshot() -> dict[str, Any]:
    live = LIVE
    local = {
        "DestinationCidrBlock": "10.20.0.0/16",
        "GatewayId": "local",
        "State": "active",
        "Origin": "CreateRouteTable",
    }

    def table(
        rtb: str, subnets: tuple[str, ...], route: dict[str, Any] | None, main: bool = False
    ) -> dict[str, Any]:
        assocs = [
            {
                "Main": False,
                "RouteTableAssociationId": f"rtbassoc-{s[-5:]}",
                "RouteTableId": rtb,
                "SubnetId": s,
                "AssociationState": {"State": "associated"},
            }
            for s in subnets
        ]
        if main:
            assocs.append(
                {
                    "Main": True,
                    "RouteTableAssociationId": "rtbassoc-main",
                    "RouteTableId": rtb,
                    "AssociationState": {"State": "associated"},
                }
            )
        routes = [local] + ([{**route, "State": "active", "Origin": "CreateRoute"}] if route else [])
        return {"RouteTableId": rtb, "VpcId": live["vpc"], "Associations": assocs, "Routes": routes}

    subnets = [
        {
            "SubnetId": sid,
            "VpcId": live["vpc"],
            "CidrBlock": f"10.20.{offset + i}.0/24",
            "AvailabilityZone": AZS[i],
            "AvailableIpAddressCount": 251,
            "MapPublicIpOnLaunch": False,
            "State": "available",
        }
        for tier, offset in (("public", 0), ("private", 10))
        for i, sid in enumerate(live[tier])
    ]
    acl_entries = [
        {"RuleNumber": n, "Protocol": "-1", "RuleAction": a, "Egress": e, "CidrBlock": "0.0.0.0/0"}
        for n, a in ((100, "allow"), (32767, "deny"))
        for e in (True, False)
    ]
    return {
        "snapshot_version": 1,
        "collected_at": "2026-11-30T11:00:00Z",
        "account_id": "123456789012",
        "regions": {
            "eu-west-1": {
                "Vpcs": [
                    {
                        "VpcId": live["vpc"],
                        "CidrBlock": "10.20.0.0/16",
                        "EnableDnsSupport": True,
                        "EnableDnsHostnames": True,
                    }
                ],
                "Subnets": subnets,
                "RouteTables": [
                    table("rtb-0a1b2c3d4e5f6d000", (), None, main=True),
                    table(
                        live["rtb_public"],
                        live["public"],
                        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": live["igw"]},
                    ),
                    *(
                        table(
                            live["rtb_private"][i],
                            (live["private"][i],),
                            {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": live["nat"][i]},
                        )
                        for i in range(2)
                    ),
                ],
                "InternetGateways": [
                    {
                        "InternetGatewayId": live["igw"],
                        "Attachments": [{"VpcId": live["vpc"], "State": "available"}],
                    }
                ],
                "NatGateways": [
                    {
                        "NatGatewayId": live["nat"][i],
                        "SubnetId": live["public"][i],
                        "VpcId": live["vpc"],
                        "State": "available",
                        "ConnectivityType": "public",
                    }
                    for i in range(2)
                ],
                "EgressOnlyInternetGateways": [],
                "SecurityGroups": [
                    {
                        "GroupId": "sg-0a1b2c3d4e5f6d000",
                        "GroupName": "default",
                        "VpcId": live["vpc"],
                        "IpPermissions": [],
                        "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
                    },
                    {
                        "GroupId": live["sg"],
                        "GroupName": "app",
                        "VpcId": live["vpc"],
                        "IpPermissions": [],
                        "IpPermissionsEgress": [
                            {
                                "IpProtocol": "tcp",
                                "FromPort": 443,
                                "ToPort": 443,
                                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                            }
                        ],
                    },
                ],
                "NetworkAcls": [
                    {
                        "NetworkAclId": "acl-0a1b2c3d4e5f6d000",
                        "VpcId": live["vpc"],
                        "IsDefault": True,
                        "Associations": [{"SubnetId": s["SubnetId"]} for s in subnets],
                        "Entries": acl_entries,
                    }
                ],
                "VpcEndpoints": [],
                "ManagedPrefixLists": [],
                "VpcPeeringConnections": [],
                "NetworkInterfaces": [],
                "TransitGateways": [],
                "TransitGatewayAttachments": [],
                "TransitGatewayVpcAttachments": [],
                "TransitGatewayRouteTables": [],
            }
        },
    }
