"""Why did a task stop? Classify ECS's stoppedReason, stopCode and container reasons.

Message shapes follow AWS's "Amazon ECS stopped tasks error codes" and "CannotPullContainer task
errors" pages and the ``stoppedReason`` strings users report (for example
``CannotPullContainerError: ... dial tcp 52.0.0.1:443: i/o timeout`` and
``ResourceInitializationError: unable to pull secrets or registry auth: ... context deadline
exceeded``). ``PATTERNS`` is a table, ordered, first match wins: a refusal by AWS or a registry
(AccessDenied, 403, 401) comes before every network pattern, because a refused request did reach
its service. Each row says what happened and what to change; ``tests/sources`` holds the real
message shape each row was written for.

A row marked ``confirm_by_path`` (a pull killed before it finished) reads as a network failure only
when the path to the service is broken; ``diagnose`` walks that path and otherwise calls the cause
``unclear``, with both readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fargate_netcheck.targets.stop_service import DOCKER_HUB, ECR_REGISTRY, Service, named_service

CAUSES = ("network", "permissions", "capacity", "image", "other", "unclear")

_NETWORK_FIX = (
    "give the task's subnets a way to it: a route to a NAT gateway (private subnet), an internet gateway "
    "with assignPublicIp=ENABLED (public subnet), or a VPC interface endpoint with private DNS; and let the "
    "security groups and network ACLs pass outbound TCP 443 and the replies"
)


@dataclass(frozen=True)
class StopPattern:
    name: str  # a stable id for the row (tests and the printed table use it)
    cause: str
    pattern: re.Pattern[str]
    what: str  # what happened; str.format template: {service}, {action}, {endpoint}, {reason}, {registry}
    fix: str  # what to change, same fields
    confirm_by_path: bool = False


@dataclass(frozen=True)
class StopClass:
    """The classification of one stop: the row that matched, its cause and service, in words."""

    name: str
    cause: str
    service: Service | None
    what: str
    fix: str
    confirm_by_path: bool = False

    @property
    def explanation(self) -> str:
        return f"{sentence(self.what)} {sentence(self.fix)}"


def _p(name: str, cause: str, regex: str, what: str, fix: str, confirm: bool = False) -> StopPattern:
    return StopPattern(name, cause, re.compile(regex, re.IGNORECASE), what, fix, confirm)


PATTERNS: tuple[StopPattern, ...] = (
    _p(
        "access-denied",
        "permissions",
        r"AccessDenied|not authorized to perform|UnauthorizedOperation|is not authorized|Access to KMS is not allowed"
        r"|Forbidden: Forbidden",  # the AWS SDK's shape of an S3 403 on a HEAD request (no error body)
        "AWS refused the request{action} to {service}: the request reached AWS and was denied, so this is "
        "not a network problem",
        "grant the permission to the task execution role (or the task role), and check any resource policy "
        "(the secret's, the KMS key's, the ECR repository's) that denies it",
    ),
    # EFS volumes (``failed to invoke EFS utils commands to set up EFS volumes: stderr: …``): NFS on
    # TCP 2049 to a mount target inside the VPC, never the internet, so never the NAT fix.
    _p(
        "efs-unresolved",
        "network",
        r"Failed to resolve \"?fs-[0-9a-f]+\.efs\.",
        "the task could not mount its EFS file system: the file system's DNS name did not resolve in the "
        "task's VPC (no mount target there, or the VPC's DNS resolution or hostnames are off)",
        "create a mount target of the file system in each Availability Zone of the task's subnets, in "
        "the task's VPC, and turn on the VPC's DNS resolution and DNS hostnames",
    ),
    _p(
        "efs-denied",
        "permissions",
        r"mount\.nfs4?: access denied",
        "the EFS file system refused the mount: the request reached it and was denied, so this is not a "
        "network problem",
        "check the file system policy and the task role (IAM authorization), and the access point's "
        "POSIX user and root directory",
    ),
    _p(
        "efs-unreachable",
        "network",
        r"(EFS|mount\.nfs4?)[^|]{0,1024}(timed out|connection refused|no route to host|deadline exceeded)",
        "the task could not mount its EFS file system: NFS (TCP 2049) to the file system's mount target "
        "did not connect",
        "give the file system a mount target in each Availability Zone of the task's subnets, and let TCP "
        "2049 through: out from the task's security groups, in to the mount target's security group, "
        "and the network ACLs of both subnets both ways",
    ),
    _p(
        "log-group-missing",
        "other",
        r"log group does not exist|ResourceNotFoundException[^|]{0,1024}log",
        "the CloudWatch Logs log group named in the task definition does not exist (not a network problem)",
        "create the log group, or set awslogs-create-group=true and allow logs:CreateLogGroup",
    ),
    _p(
        "secret-missing",
        "other",
        r"ResourceNotFound|ParameterNotFound|invalid ssm parameters|can't find the specified secret",
        "a secret or parameter the task definition names does not exist, or is in another region "
        "({service}; not a network problem)",
        "fix the valueFrom ARNs in the task definition",
    ),
    _p(
        "subnet-full",
        "capacity",
        r"free (ip )?addresses|not enough (free )?ip|InsufficientFreeAddresses|no available ip",
        "the subnet had no free private IP address for the task's network interface",
        "use a larger subnet, add subnets to the task's configuration, or free addresses (unused ENIs)",
    ),
    _p(
        "eni-quota",
        "capacity",
        r"NetworkInterfaceLimitExceeded|maximum number of network interfaces|limit on the number of "
        r"(elastic )?network interfaces",
        "the account reached its quota of network interfaces in the region, so Fargate could not give the "
        "task one",
        "delete unused network interfaces, or request a higher 'Network interfaces per Region' quota in "
        "Service Quotas",
    ),
    _p(
        "task-quota",
        "capacity",
        r"reached the limit on the number of (tasks|vCPUs)|vCPU limit|exceeded your (account's )?"
        r"(Fargate )?(task|vCPU)|limit on the number of (concurrent )?(tasks|vCPUs)",
        "the account reached its Fargate service quota (concurrent tasks or vCPUs) in the region",
        "request a higher Fargate quota in Service Quotas (Fargate On-Demand or Spot vCPU resource count), "
        "or run fewer tasks at once",
    ),
    _p(
        "eni-provisioning",
        "capacity",
        r"network interface provision|ENI provisioning|RESOURCE:ENI|unable to attach ENI",
        "Fargate could not provision the task's network interface in time",
        "retry; this is usually transient on AWS's side, or an ENI quota or address shortage in the subnet",
    ),
    _p(
        "no-capacity",
        "capacity",
        r"Capacity is unavailable|insufficient capacity|RESOURCE:(CPU|MEMORY)|SpotInterruption"
        r"|Spot Task was interrupted",  # the stoppedReason of stopCode SpotInterruption
        "AWS had no Fargate capacity for the task at that moment (or reclaimed Fargate Spot capacity)",
        "retry, allow more availability zones (subnets), or use on-demand Fargate",
    ),
    _p(
        "dns",
        "network",
        r"no such host|server misbehaving|lookup [\w.-]+ on [\d.:]+",
        "the task could not resolve the name of {service}: DNS failed",
        "turn on DNS resolution (enableDnsSupport) in the VPC, and check that a custom DHCP option set "
        "points at a working resolver",
    ),
    _p(
        "layer-bucket-forbidden",
        "network",
        r"starport-layer-bucket[^|]{0,1024}\b403\b",
        "Amazon S3 refused the download of the image layers (403): ECR keeps them in S3, and an S3 gateway "
        "endpoint's policy that does not allow the layer bucket refuses them",
        "let the S3 gateway endpoint's policy allow s3:GetObject on arn:aws:s3:::prod-<region>-starport-"
        "layer-bucket/*, and put the gateway endpoint on the task subnet's route table",
    ),
    _p(
        "ecr-forbidden",
        "permissions",
        r"\.dkr\.ecr[^|]{0,1024}\b(403 Forbidden|401 Unauthorized|status code[^|]{0,1024}\b40[13]\b)",
        "{registry} refused the image ({status}{action}): the execution role may not pull this repository, "
        "or the repository policy (cross-account pull) does not allow it; not a network problem",
        "allow ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer to the task "
        "execution role (AmazonECSTaskExecutionRolePolicy), and for another account's repository add the "
        "role to the repository policy",
    ),
    _p(
        "registry-unauthorized",
        "permissions",
        # "failed to authorize" alone is not a refusal: the token fetch it wraps may have timed out
        r"CannotPullContainer[^|]{0,1024}(\b(401 Unauthorized|403 Forbidden)\b|failed to authorize[^|]{0,1024}unauthorized"
        r"|unauthorized: authentication required|denied: requested access to the resource is denied)",
        "{registry} refused the pull ({status}): the task has no valid credentials for it",
        "set repositoryCredentials in the container definition to a Secrets Manager secret holding the "
        "registry's username and password, and let the execution role read that secret",
    ),
    _p(
        "rate-limited",
        "image",
        r"toomanyrequests|rate limit|429 Too Many Requests",
        "{registry} refused the pull because of its rate limit (Docker Hub limits anonymous pulls per "
        "address, and all tasks behind one NAT gateway share its address)",
        "authenticate the pull (repositoryCredentials), or copy the image to Amazon ECR (or an ECR "
        "pull-through cache)",
    ),
    _p(
        "timeout",
        "network",
        r"i/o timeout|context deadline exceeded|request canceled|RequestCanceled|Client\.Timeout"
        r"|TLS handshake timeout|connection timed out|network is unreachable|no route to host"
        r"|waiting for connection|connection reset by peer|connection refused",
        "the task could not reach {service} over the network{endpoint}",
        _NETWORK_FIX,
    ),
    _p(
        "pull-killed",
        "network",
        r"pull command failed: : signal: killed|signal: killed",
        "the agent killed the pull of the registry credentials or secrets before it finished: what a pull "
        "prints when it cannot reach its endpoints in time",
        _NETWORK_FIX,
        confirm=True,
    ),
    _p(
        "image-not-found",
        "image",
        r"manifest unknown|manifest [^|]{0,1024}not found|not found: manifest|failed to resolve ref[^|]{0,1024}: not found"
        r"|repository does not exist|pull access denied|name unknown|ErrImageNotFound"
        r"|\(404\)[^|]{0,1024}\brepository\b[^|]{0,1024}\bnot found\b",
        "the image or its tag does not exist in {registry} (or the repository needs credentials the task "
        "does not have)",
        "fix the image name and tag in the task definition, or push the image",
    ),
    _p(
        "wrong-platform",
        "image",
        r"no matching manifest|does not contain descriptor matching platform|exec format error",
        "the image was built for another CPU architecture or OS than the task's runtimePlatform",
        "build the image for the task's platform (linux/amd64 or linux/arm64), or change runtimePlatform",
    ),
    _p(
        "pull-failed",
        "image",
        r"CannotPullContainerError",
        "the image could not be pulled, and the message does not say why ({reason})",
        "check the image name and tag, the execution role's ECR permissions, and the network path to the "
        "registry",
    ),
    _p(
        "out-of-memory",
        "other",
        r"OutOfMemory|killed due to memory",
        "a container ran out of memory and was killed",
        "raise the task or container memory",
    ),
    _p(
        "health-check",
        "other",
        r"failed (ELB|container) health checks",
        "the task failed its health checks and ECS replaced it",
        "check the health check, and the security groups between the load balancer and the task",
    ),
    _p(
        "essential-exited",
        "other",
        r"Essential container in task exited",
        "an essential container exited, so ECS stopped the task: the application itself ended or crashed",
        "read the container's exit code and logs; if it talks to outside services, an unreachable path can "
        "make it exit too",
    ),
    _p(
        "scaling",
        "other",
        r"Scaling activity initiated by",
        "the ECS service scheduler stopped the task (a deployment or scale-in), not a failure of the task",
        "nothing, unless the deployment itself is failing",
    ),
)

# Fallbacks by stopCode, for reasons the table does not recognise: (cause, what, fix).
STOP_CODES: dict[str, tuple[str, str, str]] = {
    "TaskFailedToStart": (
        "other",
        "the task failed to start and ECS gives no recognised reason ({reason})",
        "read the container reasons of the stopped task (or its task-state event)",
    ),
    "EssentialContainerExited": (
        "other",
        "an essential container exited, so ECS stopped the task",
        "read the container's exit code and logs",
    ),
    "ServiceSchedulerInitiated": (
        "other",
        "the ECS service scheduler stopped the task (deployment, scale-in or failed health checks)",
        "read the service's events",
    ),
    "UserInitiated": ("other", "someone (a person or an API call) stopped the task: {reason}", "nothing"),
    "SpotInterruption": (
        "capacity",
        "AWS reclaimed the Fargate Spot capacity the task ran on",
        "use on-demand Fargate for tasks that must not be interrupted",
    ),
    "TerminationNotice": (
        "capacity",
        "the task was stopped because its capacity was being retired",
        "nothing: ECS replaces service tasks",
    ),
}

_ACTION = re.compile(r"not authorized to perform:? ?([\w-]+:[\w*-]+)")
_ENDPOINT = re.compile(r"dial tcp (\[[^\]]+\]:\d+|[^\s:\[]+:\d+)")
_STATUS = re.compile(r"\b(40[13](?: Forbidden| Unauthorized)?|429 Too Many Requests)\b")


def _fields(text: str, reason: str, service: Service | None) -> dict[str, str]:
    action = _ACTION.search(text)
    endpoint = _ENDPOINT.search(text)
    status = _STATUS.search(text)
    if action is None and service is not None and service.key == ECR_REGISTRY:
        blob = re.search(r"blobs|layer", text, re.IGNORECASE)
        action_text = " (ecr:GetDownloadUrlForLayer)" if blob else " (ecr:BatchGetImage)"
    else:
        action_text = f" ({action.group(1)})" if action else ""
    registry = service.label if service is not None else "the registry"
    if service is not None and service.key == DOCKER_HUB:
        registry = "Docker Hub"
    return {
        "service": service.label if service else "the AWS service it needed",
        "registry": registry,
        "action": action_text,
        "status": status.group(1) if status else "refused",
        "endpoint": f" (connecting to {endpoint.group(1)} {_failure(text)})" if endpoint else "",
        "reason": printable(reason) or "no reason given",
    }


def _failure(text: str) -> str:
    """How the connection the message quotes failed."""
    if re.search(r"connection refused", text, re.IGNORECASE):
        return "was refused"
    if re.search(r"connection reset", text, re.IGNORECASE):
        return "was reset"
    return "timed out"


def printable(text: str) -> str:
    """Untrusted text (a reason ECS or an event file gave) on one line, its control, format and
    separator characters escaped (``\\x1b``, ``\\u202e``): quoted in a headline, it cannot break the
    line or drive a terminal."""
    flat = " ".join(text.split())
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in flat)


def classify(
    stopped_reason: str, stop_code: str | None = None, container_reasons: list[str] | None = None
) -> StopClass:
    """Classify one stop. The container reasons often carry the detail a truncated task reason lacks,
    so all are read together."""
    reasons = [r for r in (stopped_reason, *(container_reasons or [])) if r]
    text = " | ".join(reasons)
    service = named_service(text)
    fields = _fields(text, stopped_reason or text, service)
    for entry in PATTERNS:
        if entry.pattern.search(text):
            return StopClass(
                entry.name,
                entry.cause,
                service,
                entry.what.format_map(fields),
                entry.fix.format_map(fields),
                entry.confirm_by_path,
            )
    if stop_code in STOP_CODES:
        cause, what, fix = STOP_CODES[stop_code]
        return StopClass(
            f"stop-code:{stop_code}", cause, service, what.format_map(fields), fix.format_map(fields)
        )
    return StopClass(
        "unrecognised",
        "other",
        service,
        f"ECS stopped the task: {fields['reason']}; netcheck does not recognise this reason",
        "read the container reasons and logs",
    )


def classify_stop(
    stopped_reason: str, stop_code: str | None = None, container_reasons: list[str] | None = None
) -> tuple[str, str]:
    """``(cause, explanation)``; cause is one of ``CAUSES``."""
    found = classify(stopped_reason, stop_code, container_reasons)
    return found.cause, found.explanation


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else f"{text}."
