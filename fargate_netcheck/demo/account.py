"""Build the demo account: one VPC with a healthy path and each classic Fargate egress failure.

``build_demo_account`` takes a boto3 EC2 client, which may talk to moto in-process (``mock_aws``)
or to ``moto_server`` (through ``AWS_ENDPOINT_URL``), and returns the Fargate targets to check with
the verdict each one must get. It writes to the account, so never point it at a real one.

VPC "demo-app" (10.10.0.0/16, two AZs):

- ``public``         routes 0.0.0.0/0 to an attached IGW and hosts the healthy NAT gateway;
- ``private``        routes 0.0.0.0/0 to that NAT (the healthy private path);
- ``nat-no-igw``     routes only locally, yet hosts a second NAT gateway ("NAT in a private subnet");
- ``private-bad-nat`` routes 0.0.0.0/0 to that misplaced NAT;
- ``acl-no-replies`` routes to the healthy NAT, but its network ACL denies inbound ephemeral replies.

Two Name tags carry ``<script>alert(1)</script>`` (the closed security group and the ACL subnet):
every report must show them escaped.

VPC "demo-isolated" (10.20.0.0/16) has one subnet with no explicit route-table association: its
implicit main route table holds only the local route, while the region's default VPC main table
routes to an IGW. A tool that takes "the" main route table without filtering by VPC gets it wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fargate_netcheck.core.json_types import JsonDict

ANYWHERE = "0.0.0.0/0"
HOSTILE = "<script>alert(1)</script>"  # in two Name tags, so every report must show it escaped
HOSTILE_SG_NAME = f"{HOSTILE} closed-egress"
HOSTILE_SUBNET_NAME = f"demo-app-acl-no-replies {HOSTILE}"


@dataclass(frozen=True)
class DemoTarget:
    """One subnet a demo task may land in, and what fargate-netcheck must say about it."""

    name: str
    subnet_id: str
    security_group_ids: tuple[str, ...]
    assign_public_ip: bool
    expected: str  # "reachable" | "unreachable"
    expected_blocked_at: str | None
    story: str
    expected_path: tuple[str, ...] = ()  # the full hop list, given for reachable targets


def build_demo_account(ec2: Any, region: str) -> list[DemoTarget]:
    """Create the demo network in the account behind ``ec2`` and return its targets."""
    az_a, az_b = _two_zones(ec2, region)
    _give_default_vpc_internet(ec2)

    vpc = _vpc(ec2, "10.10.0.0/16", "demo-app")
    igw = _internet_gateway(ec2, vpc, "demo-app-igw")
    task_sg = _security_group(ec2, vpc, "demo-task", "Fargate tasks: all outbound allowed")
    closed_sg = _closed_security_group(ec2, vpc)

    public = _subnet(ec2, vpc, "10.10.0.0/24", az_a, "demo-app-public")
    public_rt = _route_table(ec2, vpc, "demo-app-public-rt", [public], {"GatewayId": igw})
    nat = _nat_gateway(ec2, public, "demo-app-nat")

    private = _subnet(ec2, vpc, "10.10.1.0/24", az_a, "demo-app-private")
    private_rt = _route_table(ec2, vpc, "demo-app-private-rt", [private], {"NatGatewayId": nat})

    nat_no_igw_subnet = _subnet(ec2, vpc, "10.10.2.0/24", az_b, "demo-app-nat-no-igw")
    _route_table(ec2, vpc, "demo-app-nat-no-igw-rt", [nat_no_igw_subnet], None)
    bad_nat = _nat_gateway(ec2, nat_no_igw_subnet, "demo-app-nat-in-private-subnet")
    bad_nat_subnet = _subnet(ec2, vpc, "10.10.3.0/24", az_b, "demo-app-private-bad-nat")
    _route_table(ec2, vpc, "demo-app-private-bad-nat-rt", [bad_nat_subnet], {"NatGatewayId": bad_nat})

    acl_subnet = _subnet(ec2, vpc, "10.10.4.0/24", az_b, HOSTILE_SUBNET_NAME)
    _route_table(ec2, vpc, "demo-app-acl-no-replies-rt", [acl_subnet], {"NatGatewayId": nat})
    acl = _acl_denying_replies(ec2, vpc, acl_subnet)

    isolated_vpc = _vpc(ec2, "10.20.0.0/16", "demo-isolated")
    isolated = _subnet(ec2, isolated_vpc, "10.20.0.0/24", az_a, "demo-isolated-implicit-main")
    isolated_sg = _security_group(ec2, isolated_vpc, "demo-isolated-task", "All outbound allowed")
    isolated_main_rt = _main_route_table(ec2, isolated_vpc)

    return [
        DemoTarget(
            name="private-via-nat",
            subnet_id=private,
            security_group_ids=(task_sg,),
            assign_public_ip=False,
            expected="reachable",
            expected_blocked_at=None,
            story="Private subnet routed to a NAT gateway in a public subnet: the healthy path.",
            expected_path=(private, private_rt, nat, public, public_rt, igw),
        ),
        DemoTarget(
            name="public-with-public-ip",
            subnet_id=public,
            security_group_ids=(task_sg,),
            assign_public_ip=True,
            expected="reachable",
            expected_blocked_at=None,
            story="Public subnet and assignPublicIp=ENABLED: the task talks to the IGW directly.",
            expected_path=(public, public_rt, igw),
        ),
        DemoTarget(
            name="public-without-public-ip",
            subnet_id=public,
            security_group_ids=(task_sg,),
            assign_public_ip=False,
            expected="unreachable",
            expected_blocked_at=igw,
            story="Public subnet but no public IP: replies from the internet have no way back.",
        ),
        DemoTarget(
            name="nat-in-private-subnet",
            subnet_id=bad_nat_subnet,
            security_group_ids=(task_sg,),
            assign_public_ip=False,
            expected="unreachable",
            expected_blocked_at=bad_nat,
            story="The NAT gateway sits in a subnet with no route to an IGW, so it cannot forward.",
        ),
        DemoTarget(
            name="closed-security-group",
            subnet_id=private,
            security_group_ids=(closed_sg,),
            assign_public_ip=False,
            expected="unreachable",
            expected_blocked_at=closed_sg,
            story="Healthy routes, but the task's security group has no egress rule at all.",
        ),
        DemoTarget(
            name="acl-denies-replies",
            subnet_id=acl_subnet,
            security_group_ids=(task_sg,),
            assign_public_ip=False,
            expected="unreachable",
            expected_blocked_at=acl,
            story="The network ACL lets 443 out but denies the ephemeral-port replies back in.",
        ),
        DemoTarget(
            name="second-vpc-implicit-main-table",
            subnet_id=isolated,
            security_group_ids=(isolated_sg,),
            assign_public_ip=True,
            expected="unreachable",
            expected_blocked_at=isolated_main_rt,
            story=(
                "No explicit association: the subnet uses its own VPC's main route table (local only),"
                " not the default VPC's main table that routes to an IGW."
            ),
        ),
    ]


def _tags(resource_type: str, name: str) -> list[JsonDict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}]}]


def _two_zones(ec2: Any, region: str) -> tuple[str, str]:
    zones = ec2.describe_availability_zones(Filters=[{"Name": "region-name", "Values": [region]}])
    names = sorted(z["ZoneName"] for z in zones["AvailabilityZones"])
    return names[0], names[1]


def _vpc(ec2: Any, cidr: str, name: str) -> str:
    vpc_id = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tags("vpc", name))["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def _subnet(ec2: Any, vpc_id: str, cidr: str, zone: str, name: str) -> str:
    subnet = ec2.create_subnet(
        VpcId=vpc_id, CidrBlock=cidr, AvailabilityZone=zone, TagSpecifications=_tags("subnet", name)
    )
    return subnet["Subnet"]["SubnetId"]


def _internet_gateway(ec2: Any, vpc_id: str, name: str) -> str:
    igw = ec2.create_internet_gateway(TagSpecifications=_tags("internet-gateway", name))
    igw_id = igw["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    return igw_id


def _nat_gateway(ec2: Any, subnet_id: str, name: str) -> str:
    """A public NAT gateway with its own Elastic IP (moto makes it ``available`` at once)."""
    eip = ec2.allocate_address(Domain="vpc", TagSpecifications=_tags("elastic-ip", f"{name}-eip"))
    nat = ec2.create_nat_gateway(
        SubnetId=subnet_id,
        AllocationId=eip["AllocationId"],
        TagSpecifications=_tags("natgateway", name),
    )
    return nat["NatGateway"]["NatGatewayId"]


def _route_table(
    ec2: Any, vpc_id: str, name: str, subnet_ids: list[str], default_route: dict[str, str] | None
) -> str:
    """A route table for ``subnet_ids``: the local route, plus 0.0.0.0/0 to ``default_route`` if given."""
    rtb = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=_tags("route-table", name))
    rtb_id = rtb["RouteTable"]["RouteTableId"]
    if default_route is not None:
        ec2.create_route(RouteTableId=rtb_id, DestinationCidrBlock=ANYWHERE, **default_route)
    for subnet_id in subnet_ids:
        ec2.associate_route_table(RouteTableId=rtb_id, SubnetId=subnet_id)
    return rtb_id


def _main_route_table(ec2: Any, vpc_id: str) -> str:
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
    )["RouteTables"]
    return tables[0]["RouteTableId"]


def _give_default_vpc_internet(ec2: Any) -> None:
    """Make the default VPC's main route table send 0.0.0.0/0 to an attached IGW (the decoy)."""
    defaults = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    if not defaults:
        return
    vpc_id = defaults[0]["VpcId"]
    attached = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    gateways = attached["InternetGateways"]
    igw_id = (
        gateways[0]["InternetGatewayId"] if gateways else _internet_gateway(ec2, vpc_id, "default-vpc-igw")
    )
    main_rt = ec2.describe_route_tables(RouteTableIds=[_main_route_table(ec2, vpc_id)])["RouteTables"][0]
    if not any(route.get("DestinationCidrBlock") == ANYWHERE for route in main_rt["Routes"]):
        ec2.create_route(
            RouteTableId=main_rt["RouteTableId"], DestinationCidrBlock=ANYWHERE, GatewayId=igw_id
        )


def _security_group(ec2: Any, vpc_id: str, name: str, description: str) -> str:
    """A group with AWS's default rules: no inbound, all outbound allowed."""
    group = ec2.create_security_group(
        GroupName=name,
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=_tags("security-group", name),
    )
    return group["GroupId"]


def _closed_security_group(ec2: Any, vpc_id: str) -> str:
    """A group with no egress rule at all, named with markup every report must escape."""
    group = ec2.create_security_group(
        GroupName="demo-closed-egress",
        Description="Task group whose default allow-all egress rule was revoked",
        VpcId=vpc_id,
        TagSpecifications=_tags("security-group", HOSTILE_SG_NAME),
    )
    group_id = group["GroupId"]
    ec2.revoke_security_group_egress(
        GroupId=group_id, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": ANYWHERE}]}]
    )
    return group_id


def _acl_denying_replies(ec2: Any, vpc_id: str, subnet_id: str) -> str:
    """A custom ACL on ``subnet_id``: TCP 443 out allowed, inbound TCP 1024-65535 denied."""
    acl = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=_tags("network-acl", "demo-no-replies"))
    acl_id = acl["NetworkAcl"]["NetworkAclId"]
    _acl_entry(ec2, acl_id, 100, egress=True, action="allow", ports=(443, 443))
    _acl_entry(ec2, acl_id, 100, egress=False, action="deny", ports=(1024, 65535))
    _acl_entry(ec2, acl_id, 200, egress=False, action="allow", ports=(0, 65535))
    _replace_acl_association(ec2, subnet_id, acl_id)
    return acl_id


def _acl_entry(
    ec2: Any, acl_id: str, number: int, *, egress: bool, action: str, ports: tuple[int, int]
) -> None:
    ec2.create_network_acl_entry(
        NetworkAclId=acl_id,
        RuleNumber=number,
        Protocol="6",
        RuleAction=action,
        Egress=egress,
        CidrBlock=ANYWHERE,
        PortRange={"From": ports[0], "To": ports[1]},
    )


def _replace_acl_association(ec2: Any, subnet_id: str, acl_id: str) -> None:
    current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet_id]}])
    for association in current["NetworkAcls"][0]["Associations"]:
        if association["SubnetId"] == subnet_id:
            ec2.replace_network_acl_association(
                AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl_id
            )
            return
    raise RuntimeError(f"{subnet_id}: no network ACL association to replace")
