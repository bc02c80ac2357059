"""``--redact`` on VPC Block Public Access items: the account (``AwsAccountId``, inside
``ResourceArn``, in prose) and exclusion tag values are masked like everywhere else; the settings
the trace reads, the ids and the timestamps stay, and the redacted snapshot still loads."""

from __future__ import annotations

import json
import re

from snapshots import healthy, region

from fargate_netcheck.cli.redact import Redactor
from fargate_netcheck.snapshot.store import parse_snapshot

ACCOUNT = "123456789012"
ARN = f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/subnet-public"


def _bpa_snapshot() -> dict:
    snap = healthy()
    region(snap)["VpcBlockPublicAccessOptions"] = [
        {
            "AwsAccountId": ACCOUNT,
            "AwsRegion": "us-east-1",
            "State": "update-complete",
            "InternetGatewayBlockMode": "block-bidirectional",
            "Reason": f"set by {ACCOUNT}",
            "LastUpdateTimestamp": "2024-11-20T10:11:12+00:00",
            "ManagedBy": "account",
            "ExclusionsAllowed": "allowed",
        }
    ]
    region(snap)["VpcBlockPublicAccessExclusions"] = [
        {
            "ExclusionId": "vpcbpa-exclude-0123456789abcdef0",
            "InternetGatewayExclusionMode": "allow-egress",
            "ResourceArn": ARN,
            "State": "create-complete",
            "CreationTimestamp": "2024-11-20T10:11:12.123000+00:00",
            "Tags": [{"Key": "Name", "Value": "payments-egress-exclusion"}],
        }
    ]
    return snap


def test_bpa_accounts_and_exclusion_tags_are_masked_consistently_and_the_rest_stays() -> None:
    original = _bpa_snapshot()
    redactor = Redactor(key=b"bpa")

    redacted = redactor.redact_snapshot(original)

    text = json.dumps(redacted)
    assert ACCOUNT not in text
    assert "payments-egress-exclusion" not in text
    masked = redacted["account_id"]
    assert re.fullmatch(r"\d{12}", masked) and masked != ACCOUNT
    (options,) = region(redacted)["VpcBlockPublicAccessOptions"]
    (exclusion,) = region(redacted)["VpcBlockPublicAccessExclusions"]
    assert options["AwsAccountId"] == masked
    assert options["Reason"] == f"set by {masked}"
    assert exclusion["ResourceArn"] == f"arn:aws:ec2:us-east-1:{masked}:subnet/subnet-public"
    assert exclusion["Tags"] == [{"Key": "Name", "Value": redactor.tag_value("payments-egress-exclusion")}]
    kept = ("AwsRegion", "State", "InternetGatewayBlockMode", "LastUpdateTimestamp", "ExclusionsAllowed")
    before = region(original)["VpcBlockPublicAccessOptions"][0]
    assert {k: options[k] for k in kept} == {k: before[k] for k in kept}
    before = region(original)["VpcBlockPublicAccessExclusions"][0]
    kept = ("ExclusionId", "InternetGatewayExclusionMode", "State", "CreationTimestamp")
    assert {k: exclusion[k] for k in kept} == {k: before[k] for k in kept}
    assert region(original)["VpcBlockPublicAccessOptions"][0]["AwsAccountId"] == ACCOUNT  # a copy
    # A report quoting the ARN is masked with the same mapping; the redacted snapshot still loads.
    assert redactor.redact_text(f"excluded by {ARN}") == f"excluded by {exclusion['ResourceArn']}"
    assert parse_snapshot(redacted, "redacted").regions[0].collected("VpcBlockPublicAccessExclusions")
