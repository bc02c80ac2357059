"""The needs of a target: each a host name and port, with the AWS service behind it (if any) and
what that service's VPC endpoint policy must allow.

Derived from what is known of the task:

- always the image pull from ECR: its API (``api.ecr.<region>.amazonaws.com``), the registry
  (``<account>.dkr.ecr.<region>.amazonaws.com``; the task's own account: a registry elsewhere is
  named with ``--need``) and the image layers on S3 (``prod-<region>-starport-layer-bucket``);
- CloudWatch Logs when the task definition uses the awslogs driver, Secrets Manager / SSM when it
  reads secrets from them; when no task definition is known (a subnet audit, ``--subnet``), Logs
  is assumed needed, as nearly every Fargate task logs with awslogs;
- CloudReactor's API (``api.cloudreactor.io``) for tasks from a CloudReactor deployment config;
- the user's own: ``--need HOST[:PORT]`` (port 443 by default) and ``needs`` in the configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.image_registry import IMAGE_NEED
from fargate_netcheck.core.model import Target
from fargate_netcheck.needs.endpoint_policy import NoneOf, Ref, Request

CLOUDREACTOR_API = "api.cloudreactor.io"
DEFAULT_PORT = 443
# Sources whose targets carry the task definition's log driver and secrets.
_DEFINITION_SOURCES = ("ecs-service:", "deploy-config:", "task:", "cloudformation:", "terraform:")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True, slots=True)
class Need:
    name: str
    port: int = DEFAULT_PORT
    service: str | None = None  # the VPC endpoint service ("ecr.api", "s3", ...) that can carry it
    purpose: str = "declared need"
    ecr: bool = False  # part of the image pull (summarised by ``ecr_pull``)
    host_known: bool = True  # False when the name holds a placeholder (an unknown account)

    @property
    def label(self) -> str:
        return f"{self.name}:{self.port}"


def aws_suffix(region: str) -> str:
    return "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"


def partition(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    return "aws-us-gov" if region.startswith("us-gov-") else "aws"


def starport_bucket(region: str) -> str:
    return f"prod-{region}-starport-layer-bucket"


def aws_needs(region: str, account: str | None, services: tuple[str, ...]) -> list[Need]:
    """The names a task of ``region`` needs: ECR's (API, registry, layers) when its images are in
    ECR of ``region`` or not known (no ``image:`` need), each internet registry's host on its port
    (``image:internet:``), and the services named."""
    sfx = aws_suffix(region)
    images = [s for s in services if s.startswith(IMAGE_NEED)]
    needs = _ecr_needs(region, account, sfx) if not images or f"{IMAGE_NEED}ecr:{region}" in images else []
    for image in images:
        kind, _, where = image.removeprefix(IMAGE_NEED).partition(":")
        host, _, port = where.rpartition(":")
        if kind == "internet" and host and port.isdigit():
            needs.append(Need(host, int(port), purpose="image registry", ecr=True))
        elif kind == "ecr" and where and where != region:  # another region's ECR: its names, by name
            needs += [n for n in _ecr_needs(where, None, aws_suffix(where)) if n.host_known]
    labels = {"logs": "CloudWatch Logs", "secretsmanager": "Secrets Manager", "ssm": "SSM Parameter Store"}
    needs += [Need(f"{s}.{region}.{sfx}", service=s, purpose=labels[s]) for s in services if s in labels]
    return needs


def _ecr_needs(region: str, account: str | None, sfx: str) -> list[Need]:
    registry = f"{account or '<account>'}.dkr.ecr.{region}.{sfx}"
    return [
        Need(f"api.ecr.{region}.{sfx}", service="ecr.api", purpose="ECR API (auth token)", ecr=True),
        Need(registry, service="ecr.dkr", purpose="ECR registry", ecr=True, host_known=account is not None),
        Need(
            f"{starport_bucket(region)}.s3.{region}.{sfx}",
            service="s3",
            purpose="ECR image layers (S3)",
            ecr=True,
        ),
    ]


def needed_names(region: str, account_id: str | None, extra: tuple[str, ...] = ()) -> list[str]:
    """Every name a task in ``region`` may need (the AWS services it can use, CloudReactor's API,
    and ``extra``): the names whose private hosted zone records are collected. The registry's name
    holds the account id: not known (GetCallerIdentity failed), it is no name to look up, and a zone
    covering it leaves it ``unknown`` (never "no record")."""
    services = ("logs", "secretsmanager", "ssm")
    known = [n.name for n in aws_needs(region, account_id, services) if n.host_known]
    return [*known, CLOUDREACTOR_API, *extra]


def target_needs(target: Target, extra: tuple[Need, ...] = ()) -> list[Need]:
    """Everything ``target`` needs, in a fixed order, without duplicates (name and port)."""
    return needs_of(*needs_key(target), extra)


def needs_key(target: Target) -> tuple[str, str | None, tuple[str, ...], bool]:
    """All of ``target`` that its needs depend on: targets with the same key need the same."""
    region = target.region or "us-east-1"
    if target.source.startswith(_DEFINITION_SOURCES):
        services = tuple(dict.fromkeys(target.needs))
    else:
        services = ("logs",)
    return region, target.account_id, services, target.source.startswith("deploy-config:")


def needs_of(
    region: str, account: str | None, services: tuple[str, ...], cloudreactor: bool, extra: tuple[Need, ...]
) -> list[Need]:
    needs = aws_needs(region, account, services)
    if cloudreactor:
        needs.append(Need(CLOUDREACTOR_API, purpose="CloudReactor API"))
    needs += extra
    return list({(n.name, n.port): n for n in needs}.values())


def policy_request(need: Need, region: str, account: str | None, vpc_id: str, vpce: str) -> Request | None:
    """What the VPC endpoint's policy must allow for ``need`` (None: not an AWS service need)."""
    part = partition(region)
    acct = account or ""
    table = {
        "ecr.api": (("ecr:GetAuthorizationToken",), Ref("*"), True),
        "ecr.dkr": (
            ("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
            Ref(f"arn:{part}:ecr:{region}:{acct}:repository/", open_tail=True),
            True,
        ),
        "s3": (("s3:GetObject",), Ref(f"arn:{part}:s3:::{starport_bucket(region)}/", open_tail=True), False),
        "logs": (
            ("logs:CreateLogStream", "logs:PutLogEvents"),
            Ref(f"arn:{part}:logs:{region}:{acct}:log-group:", open_tail=True),
            True,
        ),
        "secretsmanager": (
            ("secretsmanager:GetSecretValue",),
            Ref(f"arn:{part}:secretsmanager:{region}:{acct}:secret:", open_tail=True),
            True,
        ),
        "ssm": (
            ("ssm:GetParameters",),
            Ref(f"arn:{part}:ssm:{region}:{acct}:parameter/", open_tail=True),
            True,
        ),
    }
    if need.service not in table:
        return None
    actions, resource, own = table[need.service]
    context: dict[str, str | NoneOf] = {
        "aws:SourceVpce": vpce,
        "aws:SourceVpc": vpc_id,
        "aws:SecureTransport": "true",
    }
    if account:
        context["aws:PrincipalAccount"] = account
        # The task's own registry, log groups, secrets, parameters; the layer bucket is AWS's.
        context["aws:ResourceAccount"] = account if own else NoneOf(frozenset({account}))
    # AmazonEC2ContainerRegistryPullOnly, AWS's policy for pulling, grants no BatchCheckLayerAvailability
    maybe = ("ecr:BatchCheckLayerAvailability",) if need.service == "ecr.dkr" else ()
    return Request(actions, resource, account, context, maybe)


def parse_need(text: str, where: str = "--need") -> Need:
    """``HOST[:PORT]`` as given to ``--need`` or in the configuration's ``needs``."""
    raw = text.strip()
    host, sep, port_text = raw.rpartition(":") if ":" in raw else (raw, "", "")
    if not sep:
        host = raw
    port = DEFAULT_PORT
    if sep:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise InputError(f"{where} {text!r}: the port must be a number from 1 to 65535")
        port = int(port_text)
    name = host.lower().rstrip(".")
    if "/" in name or not name or len(name) > 253 or not all(_LABEL.match(p) for p in name.split(".")):
        raise InputError(f"{where} {text!r}: expected a host name like api.example.com, optionally :PORT")
    return Need(name, port)
