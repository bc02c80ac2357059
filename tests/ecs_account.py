"""A moto account with a small network and an ECS cluster, for `check --cluster` and `diagnose`."""

from __future__ import annotations

from dataclasses import dataclass

import boto3
import pytest
from moto import mock_aws

REGION = "us-east-1"
PULL_TIMEOUT = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest: failed to do request: Head "
    '"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/latest": dial tcp 52.46.1.2:443: i/o timeout'
)
ACCESS_DENIED = (
    "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
    "unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException: "
    "User: arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/abc is not authorized to perform: "
    "secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:db"
)


@dataclass
class Account:
    ecs: object
    ec2: object
    cluster: str
    private: str
    isolated: str
    public: str
    sg: str


@pytest.fixture
def account(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        ec2 = boto3.client("ec2", region_name=REGION)
        ecs = boto3.client("ecs", region_name=REGION)
        vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
        public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
        private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        isolated = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        public_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=public)
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=public, AllocationId=eip)["NatGateway"]["NatGatewayId"]
        private_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=private)
        sg = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc)["GroupId"]
        ecs.create_cluster(clusterName="jobs")
        ecs.register_task_definition(
            family="app",
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="256",
            memory="512",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest",
                    "memory": 512,
                    "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "app"}},
                    "secrets": [
                        {"name": "DB", "valueFrom": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"}
                    ],
                }
            ],
        )
        for name, subnet in (("api", private), ("worker", isolated)):
            ecs.create_service(
                cluster="jobs",
                serviceName=name,
                taskDefinition="app",
                desiredCount=0,
                launchType="FARGATE",
                networkConfiguration={
                    "awsvpcConfiguration": {
                        "subnets": [subnet],
                        "securityGroups": [sg],
                        "assignPublicIp": "DISABLED",
                    }
                },
            )
        yield Account(ecs, ec2, "jobs", private, isolated, public, sg)


def stopped_task(account: Account, subnet: str, reason: str, group: str | None = None) -> str:
    params = {"startedBy": "test"}
    if group:
        params["group"] = group
    arn = account.ecs.run_task(
        cluster=account.cluster,
        taskDefinition="app",
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [subnet],
                "securityGroups": [account.sg],
                "assignPublicIp": "DISABLED",
            }
        },
        **params,
    )["tasks"][0]["taskArn"]
    account.ecs.stop_task(cluster=account.cluster, task=arn, reason=reason)
    return arn
