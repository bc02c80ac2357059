"""Stopped-task messages in the shapes ECS prints them (stoppedReason and container reasons), each with
the classifier row it was written for, the expected cause and service, and words the explanation
must hold. Written by hand from AWS's "stopped tasks error codes" and "CannotPullContainer task
errors" pages and the shapes users report; ids and addresses are made up.

Run ``python tests/stop_messages.py`` to print the table: message -> row -> cause -> service.
"""

from __future__ import annotations

from typing import NamedTuple

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
ROLE = "arn:aws:sts::123456789012:assumed-role/ecsTaskExecutionRole/3f2a"


class Message(NamedTuple):
    row: str  # the PATTERNS row (or "stop-code:…") it must match
    text: str
    cause: str
    service: str | None  # stop_service key
    words: tuple[str, ...] = ()


_EFS = "ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: "

MESSAGES: list[Message] = [
    # -- EFS volumes: NFS to a mount target inside the VPC, never the internet ----------------------
    Message(
        "efs-unreachable",
        _EFS + "mount.nfs4: Connection timed out : unsuccessful EFS utils command execution; code: 32",
        "network",
        "efs",
        ("mount target", "2049"),
    ),
    Message(
        "efs-unresolved",
        _EFS
        + 'Failed to resolve "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com" - check that your file system '
        "ID is correct, and ensure that the VPC has an EFS mount target for this file system ID.",
        "network",
        "efs",
        ("did not resolve", "DNS"),
    ),
    Message(
        "efs-denied",
        _EFS
        + "b'mount.nfs4: access denied by server while mounting 127.0.0.1:/' : unsuccessful EFS utils command "
        "execution; code: 32",
        "permissions",
        "efs",
        ("file system policy",),
    ),
    # -- network: timeouts to each service ------------------------------------------------------
    Message(
        "timeout",
        f'CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "{ECR}/app:v42": '
        f'failed to do request: Head "https://{ECR}/v2/app/manifests/v42": dial tcp 52.46.1.2:443: i/o timeout',
        "network",
        "ecr.dkr",
        ("Amazon ECR registry", "52.46.1.2:443", "NAT gateway"),
    ),
    Message(
        "timeout",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request "
        'failed caused by: Post "https://api.ecr.us-east-1.amazonaws.com/": dial tcp 3.0.0.9:443: i/o timeout',
        "network",
        "ecr.api",
        ("registry authentication", "3.0.0.9:443"),
    ),
    Message(
        "timeout",
        "CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: "
        'failed to do request: Get "https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/'
        'a1b2-c3d4/5e6f?X-Amz-Algorithm=AWS4-HMAC-SHA256": dial tcp 52.216.10.8:443: i/o timeout',
        "network",
        "s3-layers",
        ("ECR image layers",),
    ),
    Message(
        "timeout",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret "
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf from secrets manager: RequestCanceled: "
        "request context canceled caused by: context deadline exceeded",
        "network",
        "secretsmanager",
        ("Secrets Manager",),
    ),
    Message(
        "timeout",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request "
        "context canceled caused by: context deadline exceeded",
        "network",
        "ssm",
        ("SSM Parameter Store",),
    ),
    Message(
        "timeout",
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
        "failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post "
        '"https://logs.us-east-1.amazonaws.com/": context deadline exceeded : exit status 1',
        "network",
        "logs",
        ("CloudWatch Logs",),
    ),
    Message(
        "timeout",
        "ResourceInitializationError: failed to download env files: file download command: non empty error stream: "
        "service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context "
        "deadline exceeded",
        "network",
        "s3-env-files",
        ("environment files",),
    ),
    Message(
        "timeout",
        'CannotPullContainerError: failed to do request: Head "https://registry-1.docker.io/v2/library/python/'
        'manifests/3.12-slim": dial tcp 54.196.99.49:443: i/o timeout',
        "network",
        "docker-hub",
        ("Docker Hub", "54.196.99.49:443"),
    ),
    Message(
        "dns",
        "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: "
        "killed; dial tcp: lookup api.ecr.us-east-1.amazonaws.com on 10.0.0.2:53: no such host",
        "network",
        "ecr.api",
        ("DNS", "enableDnsSupport"),
    ),
    Message(
        "pull-killed",
        "ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed",
        "network",
        None,
        ("killed",),
    ),
    Message(
        "layer-bucket-forbidden",
        "CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: "
        "unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/abc/def: "
        "403 Forbidden",
        "network",
        "s3-layers",
        ("gateway endpoint", "starport"),
    ),
    # -- permissions: refusals -----------------------------------------------------------------
    Message(
        "access-denied",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: "
        f"User: {ROLE} is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no "
        "identity-based policy allows the ecr:GetAuthorizationToken action status code: 400",
        "permissions",
        "ecr.api",
        ("ecr:GetAuthorizationToken", "not a network problem"),
    ),
    Message(
        "access-denied",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db from secrets manager: AccessDeniedException: "
        f"User: {ROLE} is not authorized to perform: secretsmanager:GetSecretValue on resource: "
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db because no identity-based policy allows the "
        "secretsmanager:GetSecretValue action",
        "permissions",
        "secretsmanager",
        ("secretsmanager:GetSecretValue", "Secrets Manager"),
    ),
    Message(
        "access-denied",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret "
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:db from secrets manager: AccessDeniedException: "
        "Access to KMS is not allowed",
        "permissions",
        "secretsmanager",
        ("KMS key",),
    ),
    Message(
        "access-denied",
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
        "failed to create Cloudwatch log stream: AccessDeniedException: User: "
        f"{ROLE} is not authorized to perform: logs:CreateLogStream on resource: "
        "arn:aws:logs:us-east-1:123456789012:log-group:/ecs/app:log-stream:ecs/app/1a2b : exit status 1",
        "permissions",
        "logs",
        ("logs:CreateLogStream",),
    ),
    Message(
        "access-denied",
        "ResourceInitializationError: failed to download env files: file download command: non empty error stream: "
        "AccessDenied: Access Denied status code: 403, request id: 7QW1, host id: abc=",
        "permissions",
        "s3-env-files",
        ("environment files",),
    ),
    Message(
        "access-denied",
        "ResourceInitializationError: failed to download env files: file download command: non empty error stream: "
        "Forbidden: Forbidden status code: 403, request id: 9D2K, host id: xyz=",
        "permissions",
        "s3-env-files",
        ("environment files", "not a network problem"),
    ),
    Message(
        "ecr-forbidden",
        f"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref {ECR}/app:v3: "
        f"pulling from host {ECR} failed with status code [manifests v3]: 403 Forbidden",
        "permissions",
        "ecr.dkr",
        ("ecr:BatchGetImage", "repository policy", ECR),
    ),
    Message(
        "ecr-forbidden",
        f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {ECR}/app:v3: "
        f"pulling from host {ECR} failed with status code [manifests v3]: 401 Unauthorized",
        "permissions",
        "ecr.dkr",
        ("401 Unauthorized", "execution role"),
    ),
    Message(
        "registry-unauthorized",
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
        "registry.example.com/team/app:1.2: failed to authorize: failed to fetch anonymous token: unexpected "
        "status from GET request to https://registry.example.com/token?scope=repository%3Ateam%2Fapp%3Apull: "
        "401 Unauthorized",
        "permissions",
        "registry",
        ("registry.example.com", "repositoryCredentials"),
    ),
    # -- capacity and quotas ----------------------------------------------------------------------
    Message(
        "task-quota",
        "You've reached the limit on the number of tasks you can run concurrently. For more information, see the "
        "Troubleshooting section of the Amazon ECS Developer Guide.",
        "capacity",
        None,
        ("quota", "Service Quotas"),
    ),
    Message(
        "task-quota",
        "You've reached the limit on the number of vCPUs you can run concurrently",
        "capacity",
        None,
        ("vCPU",),
    ),
    Message(
        "eni-quota",
        "ResourceInitializationError: failed to provision ENI: NetworkInterfaceLimitExceeded: The maximum number of "
        "network interfaces has been reached.",
        "capacity",
        None,
        ("network interfaces", "quota"),
    ),
    Message(
        "subnet-full",
        "ResourceInitializationError: failed to configure ENI: insufficient free addresses in subnet",
        "capacity",
        None,
        ("free private IP address",),
    ),
    Message(
        "eni-provisioning",
        "Timeout waiting for network interface provisioning to complete.",
        "capacity",
        None,
        ("network interface",),
    ),
    Message(
        "no-capacity",
        "Capacity is unavailable at this time. Please try again later or in a different availability zone",
        "capacity",
        None,
        ("availability zones",),
    ),
    # -- image --------------------------------------------------------------------------------------
    Message(
        "rate-limited",
        "CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref "
        "docker.io/library/nginx:1.27: unexpected status from HEAD request to https://registry-1.docker.io/v2/"
        "library/nginx/manifests/1.27: 429 Too Many Requests - Server message: toomanyrequests: You have reached "
        "your pull rate limit. You may increase the limit by authenticating and upgrading: "
        "https://www.docker.com/increase-rate-limit",
        "image",
        "docker-hub",
        ("Docker Hub", "rate limit", "ECR"),
    ),
    Message(
        "image-not-found",
        f"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {ECR}/app:v9: "
        f"{ECR}/app:v9: not found",
        "image",
        "ecr.dkr",
        ("tag",),
    ),
    Message(
        "image-not-found",
        "CannotPullContainerError: Error response from daemon: pull access denied for example/app, repository does "
        "not exist or may require 'docker login'",
        "image",
        "docker-hub",
        ("does not exist",),
    ),
    Message(
        "rate-limited",
        "CannotPullContainerError: Error response from daemon: toomanyrequests: You have reached your pull rate "
        "limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit",
        "image",
        "docker-hub",
        ("Docker Hub", "rate limit"),
    ),
    Message(
        "image-not-found",
        f"CannotPullContainerError: API error (404): repository {ECR}/app not found: does not exist or no pull access",
        "image",
        "ecr.dkr",
        ("does not exist",),
    ),
    Message(
        "wrong-platform",
        "CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/arm64/v8'",
        "image",
        "image-registry",
        ("architecture",),
    ),
    Message(
        "pull-failed",
        "CannotPullContainerError: failed to extract layer sha256:9f3a: write /var/lib/containerd/x: no space left "
        "on device",
        "image",
        "image-registry",
        ("image name",),
    ),
    # -- other ----------------------------------------------------------------------------------------
    Message(
        "log-group-missing",
        "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: "
        "failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not "
        "exist. : exit status 1",
        "other",
        "logs",
        ("log group", "not a network problem"),
    ),
    Message(
        "secret-missing",
        "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
        "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: "
        "/prod/db-password",
        "other",
        "ssm",
        ("valueFrom",),
    ),
    Message(
        "out-of-memory",
        "OutOfMemoryError: Container killed due to memory usage",
        "other",
        None,
        ("memory",),
    ),
    Message(
        "essential-exited",
        "Essential container in task exited",
        "other",
        None,
        ("exit code",),
    ),
    Message(
        "health-check",
        "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:"
        "targetgroup/app/0a1b2c)",
        "other",
        None,
        ("health check",),
    ),
    Message(
        "scaling",
        "Scaling activity initiated by (deployment ecs-svc/1234567890123456789)",
        "other",
        None,
        ("scheduler",),
    ),
]


def print_table() -> None:
    from fargate_netcheck.targets.stop_reason import classify

    for message in MESSAGES:
        found = classify(message.text, "TaskFailedToStart")
        text = message.text if len(message.text) <= 110 else f"{message.text[:60]} … {message.text[-45:]}"
        service = found.service.key if found.service else "-"
        print(f"{found.cause:<12} {found.name:<23} {service:<15} {text}")


if __name__ == "__main__":
    print_table()
