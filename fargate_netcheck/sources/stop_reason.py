"""Why did a task stop? Classify ECS's stoppedReason, stopCode and container reasons.

Message shapes follow AWS's "Amazon ECS stopped tasks error codes" and "CannotPullContainer task
errors" pages and the ``stoppedReason`` strings users report (for example
``CannotPullContainerError: ... dial tcp 52.0.0.1:443: i/o timeout`` and
``ResourceInitializationError: unable to pull secrets or registry auth: ... context deadline
exceeded``). The table is ordered and the first match wins: a refusal by AWS (AccessDenied) comes
before every network pattern, because a refused request did reach AWS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CAUSES = ("network", "permissions", "capacity", "image", "other")

_NETWORK_FIX = (
    "Give the task's subnets a path to it: a route to a NAT gateway (private subnet), or an internet "
    "gateway with assignPublicIp=ENABLED (public subnet), or VPC interface endpoints; and let the "
    "security groups and network ACLs pass outbound TCP 443 and the replies."
)


@dataclass(frozen=True)
class StopPattern:
    cause: str
    pattern: re.Pattern[str]
    explanation: str  # str.format template: {service}, {action}, {endpoint}, {reason}


def _p(cause: str, regex: str, explanation: str) -> StopPattern:
    return StopPattern(cause, re.compile(regex, re.IGNORECASE), explanation)


PATTERNS: tuple[StopPattern, ...] = (
    _p(
        "permissions",
        r"AccessDenied|not authorized to perform|UnauthorizedOperation|is not authorized",
        "AWS refused the request{action}: the task execution role (or the task role) lacks permission "
        "to read {service}. This is not a network problem: the request reached AWS and was denied. "
        "Grant the permission, or check a resource policy (secret, KMS key, ECR repository) that denies it.",
    ),
    _p(
        "other",
        r"log group does not exist|ResourceNotFoundException.*log",
        "The CloudWatch Logs log group named in the task definition does not exist. Create it, or set "
        "awslogs-create-group=true and allow logs:CreateLogGroup. Not a network problem.",
    ),
    _p(
        "other",
        r"ResourceNotFound|ParameterNotFound|invalid ssm parameters|can't find the specified secret",
        "A secret or parameter the task definition names does not exist (or is in another region): "
        "{service}. Check the valueFrom ARNs. Not a network problem.",
    ),
    _p(
        "capacity",
        r"free (ip )?addresses|not enough (free )?ip|InsufficientFreeAddresses|no available ip",
        "The subnet has no free private IP addresses left; every Fargate task needs one for its network "
        "interface. Use a larger subnet, add subnets, or free addresses (unused ENIs).",
    ),
    _p(
        "capacity",
        r"network interface provision|ENI provisioning|RESOURCE:ENI|unable to attach ENI",
        "Fargate could not provision the task's network interface in time. This is usually transient "
        "on AWS's side, or an ENI quota or IP shortage in the subnet; retry, and check free addresses.",
    ),
    _p(
        "capacity",
        r"Capacity is unavailable|insufficient capacity|RESOURCE:(CPU|MEMORY)|SpotInterruption",
        "AWS had no capacity to run the task at that moment (or reclaimed Fargate Spot capacity). "
        "Retry, allow more availability zones, or use on-demand Fargate.",
    ),
    _p(
        "network",
        r"no such host|server misbehaving|lookup [\w.-]+ on [\d.:]+",
        "The task could not resolve the name of {service}: DNS failed. Check that the VPC has DNS "
        "resolution (enableDnsSupport) on, and that a custom DHCP option set points at a working resolver.",
    ),
    _p(
        "network",
        r"starport-layer-bucket[^|]*\b403\b",
        "Amazon S3 refused the download of the image layers (403). ECR keeps layers in S3; with VPC "
        "endpoints the S3 gateway endpoint's policy must allow the ECR layer bucket, and the subnet's route "
        "table must carry the gateway endpoint.",
    ),
    _p(
        "network",
        r"i/o timeout|context deadline exceeded|request canceled|RequestCanceled|Client\.Timeout"
        r"|TLS handshake timeout|connection timed out|network is unreachable|no route to host"
        r"|waiting for connection",
        "The task could not reach {service} over the network{endpoint}. " + _NETWORK_FIX,
    ),
    _p(
        "image",
        r"manifest unknown|manifest .*not found|not found: manifest|failed to resolve ref.*: not found"
        r"|repository does not exist|pull access denied|name unknown|ErrImageNotFound",
        "The image (or its tag) does not exist in the registry, or the repository needs credentials "
        "the task does not have. Check the image name and tag in the task definition.",
    ),
    _p(
        "image",
        r"no matching manifest|does not contain descriptor matching platform|exec format error",
        "The image was built for another CPU architecture or OS than the task's runtimePlatform. "
        "Build it for the task's platform (e.g. linux/amd64 or linux/arm64).",
    ),
    _p(
        "image",
        r"toomanyrequests|rate limit",
        "The registry refused the pull because of its rate limit (Docker Hub's anonymous limit is common). "
        "Authenticate the pull or copy the image to ECR.",
    ),
    _p(
        "image",
        r"CannotPullContainerError",
        "The image could not be pulled, and the message does not say why ({reason}). Check the image "
        "name and tag, the execution role's ECR permissions, and the network path to the registry.",
    ),
    _p(
        "other",
        r"OutOfMemory|killed due to memory",
        "A container ran out of memory and was killed. Raise the task or container memory.",
    ),
    _p(
        "other",
        r"failed (ELB|container) health checks",
        "The task failed its health checks and ECS replaced it. Check the health check and the "
        "security groups between the load balancer and the task.",
    ),
    _p(
        "other",
        r"Essential container in task exited",
        "An essential container exited, so ECS stopped the task: the application itself ended or "
        "crashed (see its exit code and logs). If it talks to outside services, an unreachable path can "
        "make it exit too; check the task's network.",
    ),
    _p(
        "other",
        r"Scaling activity initiated by",
        "The ECS service scheduler stopped the task (a deployment or scale-in), not a failure of the task.",
    ),
)

# Fallbacks by stopCode, for reasons the table does not recognise.
STOP_CODES: dict[str, tuple[str, str]] = {
    "TaskFailedToStart": (
        "other",
        "The task failed to start and ECS gives no recognised reason ({reason}).",
    ),
    "EssentialContainerExited": (
        "other",
        "An essential container exited, so ECS stopped the task; check the container's exit code and logs.",
    ),
    "ServiceSchedulerInitiated": (
        "other",
        "The ECS service scheduler stopped the task (deployment, scale-in or failed health checks).",
    ),
    "UserInitiated": ("other", "Someone (a person or an API call) stopped the task: {reason}."),
    "SpotInterruption": ("capacity", "AWS reclaimed the Fargate Spot capacity the task ran on."),
    "TerminationNotice": ("capacity", "The task was stopped because its capacity was being retired."),
}

# What the message was fetching, for the explanation; first match wins.
_SERVICES: tuple[tuple[str, str], ...] = (
    (r"ecr registry auth|api\.ecr\.|ecr:GetAuthorizationToken", "Amazon ECR (registry authentication)"),
    (r"\.dkr\.ecr\.|ecr:BatchGetImage|ecr:GetDownloadUrlForLayer|\becr\b", "Amazon ECR (the image)"),
    (r"starport-layer-bucket|\.s3[.-]|s3\.amazonaws", "Amazon S3 (ECR image layers)"),
    (r"secrets ?manager|secretsmanager|from asm|\basm\b", "AWS Secrets Manager"),
    (r"\bssm\b|parameter store", "SSM Parameter Store"),
    (r"logger|log stream|cloudwatch|logs:|\blogs\.", "CloudWatch Logs"),
    (r"docker\.io|registry-1\.docker", "Docker Hub"),
    (r"\befs\b|\bnfs4?\b", "Amazon EFS"),
    (r"kms", "AWS KMS"),
    (r"CannotPullContainerError", "the image registry"),
)


def _service(text: str) -> str:
    for regex, name in _SERVICES:
        if re.search(regex, text, re.IGNORECASE):
            return name
    return "the AWS service it needed"


def _fields(text: str, reason: str) -> dict[str, str]:
    action = re.search(r"not authorized to perform:? ?([\w-]+:[\w*-]+)", text)
    endpoint = re.search(r"dial tcp (\[[^\]]+\]:\d+|[^\s:\[]+:\d+)", text)
    return {
        "service": _service(text),
        "action": f" ({action.group(1)})" if action else "",
        "endpoint": f" (connecting to {endpoint.group(1)} timed out)" if endpoint else "",
        "reason": reason or "no reason given",
    }


def classify_stop(
    stopped_reason: str, stop_code: str | None = None, container_reasons: list[str] | None = None
) -> tuple[str, str]:
    """``(cause, explanation)``; cause is one of ``CAUSES``. The container reasons often carry the
    detail a truncated task reason lacks, so all are read together."""
    reasons = [r for r in (stopped_reason, *(container_reasons or [])) if r]
    text = " | ".join(reasons)
    fields = _fields(text, stopped_reason or text)
    for entry in PATTERNS:
        if entry.pattern.search(text):
            return entry.cause, entry.explanation.format_map(fields)
    if stop_code in STOP_CODES:
        cause, template = STOP_CODES[stop_code]
        return cause, template.format_map(fields)
    return "other", f"ECS stopped the task: {fields['reason']}. netcheck does not recognise this reason."
