"""``healthy()`` with VPC endpoints: interface endpoints in subnet-isolated behind sg-endpoint (which
admits TCP 443 from the VPC), and the S3 gateway endpoint on the main route table."""

from __future__ import annotations

from typing import Any

from snapshots import healthy, item, region


def interface(vpce: str, service: str, subnet: str = "subnet-isolated") -> dict[str, Any]:
    return {
        "VpcEndpointId": vpce,
        "VpcId": "vpc-app",
        "ServiceName": f"com.amazonaws.us-east-1.{service}",
        "VpcEndpointType": "Interface",
        "State": "available",
        "PrivateDnsEnabled": True,
        "SubnetIds": [subnet],
        "Groups": [{"GroupId": "sg-endpoint"}],
    }


def with_endpoints(
    *services: str, ingress_cidr: str | None = "10.0.0.0/16", s3: bool = False
) -> dict[str, Any]:
    """healthy() plus an interface endpoint ``vpce-<service>`` for each service; ``s3``: the gateway
    endpoint vpce-s3 routed from rtb-main (the isolated subnet's table)."""
    snap = healthy()
    ingress = (
        [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": ingress_cidr}]}]
        if ingress_cidr
        else []
    )
    region(snap)["SecurityGroups"].append(
        {"GroupId": "sg-endpoint", "VpcId": "vpc-app", "IpPermissions": ingress, "IpPermissionsEgress": []}
    )
    region(snap)["VpcEndpoints"] += [interface(f"vpce-{s}", s) for s in services]
    if s3:
        region(snap)["ManagedPrefixLists"].append(
            {
                "PrefixListId": "pl-s3",
                "PrefixListName": "com.amazonaws.us-east-1.s3",
                "Entries": [{"Cidr": "52.216.0.0/15"}],
            }
        )
        region(snap)["VpcEndpoints"].append(
            {
                "VpcEndpointId": "vpce-s3",
                "VpcId": "vpc-app",
                "ServiceName": "com.amazonaws.us-east-1.s3",
                "VpcEndpointType": "Gateway",
                "State": "available",
                "RouteTableIds": ["rtb-main"],
            }
        )
        item(snap, "RouteTables", "rtb-main")["Routes"].append(
            {"DestinationPrefixListId": "pl-s3", "GatewayId": "vpce-s3", "State": "active"}
        )
    return snap
