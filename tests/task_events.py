"""EventBridge "ECS Task State Change" events as an EventBridge rule archives them (hand-written, in
the shape AWS documents; ids and addresses are made up)."""

from __future__ import annotations

import copy
from typing import Any

CLUSTER_ARN = "arn:aws:ecs:us-east-1:123456789012:cluster/jobs"
TASK_ARN = "arn:aws:ecs:us-east-1:123456789012:task/jobs/7d1e0b6f7c9a4a0e9a3b5c2d1e0f9a8b"
PULL_TIMEOUT = (
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "
    "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:2026.11.29: failed to do request: Head "
    '"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/worker/manifests/2026.11.29": dial tcp '
    "52.46.1.2:443: i/o timeout"
)


def task_event(
    status: str = "STOPPED",
    *,
    task_arn: str = TASK_ARN,
    subnet: str | None = "subnet-isolated",
    private_ip: str = "10.0.2.37",
    reason: str = "Task failed to start",
    container_reason: str | None = PULL_TIMEOUT,
    group: str = "service:worker",
    time: str = "2026-11-30T02:14:07Z",
    version: int = 4,
) -> dict[str, Any]:
    details = [
        {"name": "networkInterfaceId", "value": "eni-0a1b2c3d4e5f60718"},
        {"name": "macAddress", "value": "0e:12:34:56:78:9a"},
        {"name": "privateDnsName", "value": f"ip-{private_ip.replace('.', '-')}.ec2.internal"},
        {"name": "privateIPv4Address", "value": private_ip},
    ]
    if subnet:
        details.insert(0, {"name": "subnetId", "value": subnet})
    detail: dict[str, Any] = {
        "attachments": [
            {
                "id": "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
                "type": "eni",
                "status": "DELETED" if status == "STOPPED" else "ATTACHED",
                "details": details,
            }
        ],
        "availabilityZone": "us-east-1b",
        "clusterArn": CLUSTER_ARN,
        "containers": [
            {
                "containerArn": "arn:aws:ecs:us-east-1:123456789012:container/jobs/7d1e/0b6f",
                "lastStatus": status,
                "name": "worker",
                "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:2026.11.29",
                "taskArn": task_arn,
                "networkInterfaces": [{"attachmentId": "1f2e3d4c", "privateIpv4Address": private_ip}],
                "cpu": "0",
            }
        ],
        "cpu": "256",
        "createdAt": "2026-11-30T02:11:58.411Z",
        "desiredStatus": "STOPPED",
        "group": group,
        "launchType": "FARGATE",
        "lastStatus": status,
        "memory": "512",
        "platformVersion": "1.4.0",
        "taskArn": task_arn,
        "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/worker:17",
        "version": version,
    }
    if status == "STOPPED":
        detail.update(
            stopCode="TaskFailedToStart",
            stoppedAt="2026-11-30T02:14:06.902Z",
            stoppedReason=reason,
            stoppingAt="2026-11-30T02:14:01.113Z",
        )
        if container_reason:
            detail["containers"][0]["reason"] = container_reason
    return {
        "version": "0",
        "id": "3b1f6f0e-8a0c-4b5e-9d2f-7a6c5e4d3c2b",
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": "123456789012",
        "time": time,
        "region": "us-east-1",
        "resources": [task_arn],
        "detail": copy.deepcopy(detail),
    }
