"""VPC Block Public Access in the snapshot: collected in every region (against moto with the gap
filler, and call by call under Stubber), declared in the IAM policy, and checked by the loader."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from botocore import xform_name
from botocore.stub import Stubber
from collect.aws_hooks import MOTO_CALLER_ACCOUNT
from collect.stubs import empty_response, queue_kinds
from snapshots import healthy, region, write

from fargate_netcheck.collect import collect
from fargate_netcheck.collect.ec2 import EC2_REGION_KEYS, KINDS, collect_region
from fargate_netcheck.collect.iam import policy_document
from fargate_netcheck.collect.session import is_read_only
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.demo import moto_bpa
from fargate_netcheck.snapshot.store import load_snapshot, parse_snapshot

REGION = "us-east-1"
OPTIONS = "VpcBlockPublicAccessOptions"
EXCLUSIONS = "VpcBlockPublicAccessExclusions"
BPA_KEYS = (OPTIONS, EXCLUSIONS)
SUBNET = {
    "SubnetId": "subnet-0123456789abcdef0",
    "VpcId": "vpc-0123456789abcdef0",
    "CidrBlock": "10.0.0.0/24",
}
WHEN = datetime(2024, 11, 20, 10, 11, 12, tzinfo=UTC)


def _exclusion(n: int, resource: str) -> dict[str, Any]:
    return {
        "ExclusionId": f"vpcbpa-exclude-{n:017x}",
        "InternetGatewayExclusionMode": "allow-egress" if n % 2 else "allow-bidirectional",
        "ResourceArn": f"arn:aws:ec2:{REGION}:{MOTO_CALLER_ACCOUNT}:{resource}",
        "State": "create-complete",
        "CreationTimestamp": WHEN,
        "LastUpdateTimestamp": WHEN,
        "Tags": [{"Key": "Name", "Value": f"exclusion-{n}"}],
    }


def _as_json(value: Any) -> Any:
    """What the collector stores: datetimes as ISO 8601 strings, everything else verbatim."""
    return json.loads(json.dumps(value, default=lambda d: d.isoformat()))


def _bpa_snapshot() -> dict[str, Any]:
    snap = healthy()
    region(snap)[OPTIONS] = [
        {**moto_bpa.fresh_options(MOTO_CALLER_ACCOUNT, REGION), "InternetGatewayBlockMode": "block-ingress"}
    ]
    region(snap)[EXCLUSIONS] = _as_json([_exclusion(1, "subnet/subnet-public")])
    return snap


# -- against moto, taught the BPA describes by the `moto` fixture ------------------------------


def test_moto_scan_records_bpa_off_and_no_exclusions_without_errors(moto: None) -> None:
    snapshot, calls = collect([REGION, "eu-west-1"])

    for name, body in snapshot["regions"].items():
        assert body[OPTIONS] == [moto_bpa.fresh_options(MOTO_CALLER_ACCOUNT, name)]
        assert body[OPTIONS][0]["InternetGatewayBlockMode"] == "off"
        assert body[EXCLUSIONS] == []
        assert not set(BPA_KEYS) & set(body["Errors"])
    assert calls.counts["ec2:DescribeVpcBlockPublicAccessOptions"] == 2  # one per region
    assert calls.counts["ec2:DescribeVpcBlockPublicAccessExclusions"] == 2
    assert parse_snapshot(snapshot, "moto").regions[0].collected(OPTIONS)


# -- call by call, under Stubber ------------------------------------------------------------------


def test_stubbed_blocking_options_and_two_pages_of_exclusions_are_collected_verbatim_in_order(
    stubbed: tuple[Any, Stubber],
) -> None:
    ec2, stubber = stubbed
    options = {
        "AwsAccountId": MOTO_CALLER_ACCOUNT,
        "AwsRegion": REGION,
        "State": "update-complete",
        "InternetGatewayBlockMode": "block-bidirectional",
        "Reason": "set by the security team",
        "LastUpdateTimestamp": WHEN,
        "ManagedBy": "account",
        "ExclusionsAllowed": "allowed",
    }
    first = [_exclusion(1, "vpc/vpc-0123456789abcdef0"), _exclusion(2, "subnet/subnet-0123456789abcdef0")]
    second = [_exclusion(3, "subnet/subnet-0123456789abcdef1")]
    for kind in KINDS:
        operation = xform_name(kind.operation)
        if kind.key == OPTIONS:
            stubber.add_response(operation, {OPTIONS: copy.deepcopy(options)}, {})
        elif kind.key == EXCLUSIONS:
            page = {EXCLUSIONS: copy.deepcopy(first), "NextToken": "page-2"}
            stubber.add_response(operation, page, {"MaxResults": 1000})
            stubber.add_response(
                operation, {EXCLUSIONS: copy.deepcopy(second)}, {"MaxResults": 1000, "NextToken": "page-2"}
            )
        else:
            stubber.add_response(operation, empty_response(kind))

    body = collect_region(ec2, max_workers=1)

    assert body[OPTIONS] == [_as_json(options)]
    assert body[OPTIONS][0]["LastUpdateTimestamp"] == "2024-11-20T10:11:12+00:00"
    assert body[EXCLUSIONS] == _as_json(first + second)
    assert [e["ExclusionId"] for e in body[EXCLUSIONS]] == [e["ExclusionId"] for e in first + second]
    assert body["Errors"] == {}
    assert list(body) == [*EC2_REGION_KEYS, "Errors"]  # NetworkInterfaces too: no route names an ENI


@pytest.mark.parametrize("key", BPA_KEYS)
@pytest.mark.parametrize("code", ["AccessDenied", "UnauthorizedOperation"])
def test_stubbed_denied_bpa_call_is_recorded_the_key_absent_and_the_rest_collected(
    stubbed: tuple[Any, Stubber], key: str, code: str
) -> None:
    ec2, stubber = stubbed
    queue_kinds(stubber, {"Subnets": [{"Subnets": [dict(SUBNET)]}]}, deny=key, deny_code=code)
    operation = next(kind.operation for kind in KINDS if kind.key == key)

    body = collect_region(ec2, max_workers=1)

    assert body["Errors"] == {key: f"{code}: not authorized to perform ec2:{operation}"}
    assert key not in body
    assert set(EC2_REGION_KEYS) - set(body) == {key}
    assert body["Subnets"] == [SUBNET]
    (other,) = set(BPA_KEYS) - {key}
    assert body[other] == ([moto_bpa.fresh_options(MOTO_CALLER_ACCOUNT, REGION)] if other == OPTIONS else [])


def test_stubbed_exclusions_token_that_repeats_is_an_error_not_an_endless_loop(
    stubbed: tuple[Any, Stubber],
) -> None:
    ec2, stubber = stubbed
    looping = {EXCLUSIONS: [_exclusion(1, "vpc/vpc-0123456789abcdef0")], "NextToken": "again"}
    queue_kinds(stubber, {EXCLUSIONS: [looping, looping]})

    body = collect_region(ec2, max_workers=1)

    assert EXCLUSIONS not in body
    assert body["Errors"] == {
        EXCLUSIONS: "Truncated: DescribeVpcBlockPublicAccessExclusions: NextToken 'again' came back twice after 2 items"
    }


def test_botocore_without_the_bpa_operations_records_unsupported_and_sends_nothing(
    stubbed: tuple[Any, Stubber], monkeypatch: pytest.MonkeyPatch
) -> None:
    ec2, stubber = stubbed
    model = ec2.meta.service_model
    older = [name for name in model.operation_names if "BlockPublicAccess" not in name]
    monkeypatch.setitem(model.__dict__, "operation_names", older)  # a botocore from before Nov 2024
    for kind in KINDS:
        if kind.key not in BPA_KEYS:
            stubber.add_response(xform_name(kind.operation), empty_response(kind))

    body = collect_region(ec2, max_workers=1)

    assert not set(BPA_KEYS) & set(body)
    assert body["Errors"] == {
        key: f"Unsupported: ec2:Describe{key} is not in this botocore's model: upgrade boto3"
        for key in BPA_KEYS
    }


# -- policy and loader ----------------------------------------------------------------------------


def test_iam_policy_allows_both_bpa_actions_and_the_guard_lets_them_through() -> None:
    actions = policy_document()["Statement"][0]["Action"]
    shipped = json.loads((Path(__file__).resolve().parents[2] / "policy" / "iam-policy.json").read_text())
    for action in ("ec2:DescribeVpcBlockPublicAccessOptions", "ec2:DescribeVpcBlockPublicAccessExclusions"):
        assert action in actions
        assert action in shipped["Statement"][0]["Action"]
        assert is_read_only(*action.split(":"))


def test_snapshot_with_bpa_keys_loads(tmp_path: Path) -> None:
    snapshot = load_snapshot(write(_bpa_snapshot(), tmp_path / "bpa.json"))

    (loaded,) = snapshot.regions
    assert loaded.collected(OPTIONS) and loaded.collected(EXCLUSIONS)
    assert loaded.items[OPTIONS][0]["InternetGatewayBlockMode"] == "block-ingress"
    assert loaded.items[EXCLUSIONS][0]["ResourceArn"].endswith(":subnet/subnet-public")


@pytest.mark.parametrize(
    ("key", "field", "value", "expected"),
    [
        (
            OPTIONS,
            "InternetGatewayBlockMode",
            3,
            "us-east-1: InternetGatewayBlockMode must be a str, found int",
        ),
        (OPTIONS, "ExclusionsAllowed", True, "us-east-1: ExclusionsAllowed must be a str, found bool"),
        (
            EXCLUSIONS,
            "ResourceArn",
            ["arn"],
            "vpcbpa-exclude-00000000000000001: ResourceArn must be a str, found list",
        ),
        (EXCLUSIONS, "ExclusionId", None, "VpcBlockPublicAccessExclusions[0]: missing ExclusionId"),
        (OPTIONS, "AwsRegion", 1, "VpcBlockPublicAccessOptions[0]: missing AwsRegion"),
    ],
)
def test_malformed_bpa_item_is_a_one_line_input_error_naming_the_item(
    tmp_path: Path, key: str, field: str, value: Any, expected: str
) -> None:
    snap = _bpa_snapshot()
    region(snap)[key][0][field] = value
    path = write(snap, tmp_path / "bad.json")

    with pytest.raises(InputError) as raised:
        load_snapshot(path)

    message = str(raised.value)
    assert message == f"{path}: {MOTO_CALLER_ACCOUNT}/{REGION}: {expected}"
    assert "\n" not in message


def test_unknown_bpa_like_key_is_still_an_error_with_a_suggestion() -> None:
    snap = _bpa_snapshot()
    region(snap)["VpcBlockPublicAccessOption"] = region(snap).pop(OPTIONS)

    with pytest.raises(InputError, match=r"unknown key 'VpcBlockPublicAccessOption' \(did you mean '"):
        parse_snapshot(snap, "snap")
