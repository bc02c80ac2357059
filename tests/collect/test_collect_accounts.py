"""collect_accounts() in moto: three accounts (two reachable, one refusing AssumeRole) and two regions.

moto scopes resources by the account of the access key, and an AssumeRole into
``arn:aws:iam::<id>:role/...`` returns keys of account ``<id>``: that is how each account gets its
own network here. moto lets every AssumeRole through, role or no role; ``refuse_assume_role``
answers AccessDenied for the third account, as AWS does for a role that is missing or does not
trust the caller.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ReadTimeoutError
from collect.aws_hooks import MOTO_CALLER_ACCOUNT, refuse_assume_role, throttle_first

from fargate_netcheck.collect import assume, collect_accounts
from fargate_netcheck.collect.accounts import ACCOUNT_STEPS
from fargate_netcheck.collect.ec2 import REGION_KEYS, REGION_STEPS
from fargate_netcheck.collect.need_kinds import NEED_KEYS
from fargate_netcheck.collect.session import make_session
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.progress import SilentProgress
from fargate_netcheck.graph.build import build_graph
from fargate_netcheck.snapshot.store import parse_snapshot
from fargate_netcheck.targets.subnets import audit_targets

GOOD_A, GOOD_B, NO_ROLE = "111111111111", "222222222222", "333333333333"
REGIONS = ["us-east-1", "us-west-2"]
ROLE = "NetcheckRead"


def account_client(service: str, account_id: str, region: str) -> Any:
    """A plain (unguarded) client acting in ``account_id``, to build its network."""
    sts = boto3.client("sts", region_name=region)
    arn = f"arn:aws:iam::{account_id}:role/{ROLE}"
    credentials = sts.assume_role(RoleArn=arn, RoleSessionName="builder")["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )


@pytest.fixture
def networks(moto: None) -> dict[tuple[str, str], dict[str, str]]:
    """In each good account and region: one VPC with one subnet, CIDRs telling them apart."""
    built = {}
    for a, account_id in enumerate((GOOD_A, GOOD_B)):
        for r, region in enumerate(REGIONS):
            ec2 = account_client("ec2", account_id, region)
            cidr = f"10.{10 * a + r}.0.0/16"
            vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
            subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"))["Subnet"]["SubnetId"]
            built[(account_id, region)] = {"vpc": vpc, "subnet": subnet, "cidr": cidr}
    return built


def _collect(session: boto3.Session | None = None, **options: Any) -> tuple[dict[str, Any], Any]:
    options = {"organization": False, "role_name": ROLE, "regions": REGIONS, **options}
    return collect_accounts(options.pop("accounts", [GOOD_A, GOOD_B, NO_ROLE]), session=session, **options)


def test_reachable_accounts_are_collected_and_the_refused_one_recorded(
    networks: dict[tuple[str, str], dict[str, str]],
) -> None:
    session = make_session(None)
    refused = refuse_assume_role(session.events, NO_ROLE)
    progress = SilentProgress()

    snapshot, calls = _collect(session, progress=progress)

    assert snapshot["snapshot_version"] == 1
    assert "account_id" not in snapshot and "regions" not in snapshot
    assert list(snapshot["accounts"]) == [GOOD_A, GOOD_B, NO_ROLE]
    for account_id in (GOOD_A, GOOD_B):
        account = snapshot["accounts"][account_id]
        assert "Errors" not in account
        assert list(account["regions"]) == REGIONS
        for region in REGIONS:
            body = account["regions"][region]
            assert list(body) == [*REGION_KEYS, *NEED_KEYS, "Errors"]
            assert body["Errors"] == {}
            mine = networks[(account_id, region)]
            cidrs = {v["CidrBlock"] for v in body["Vpcs"]}
            others = {n["cidr"] for key, n in networks.items() if key != (account_id, region)}
            assert mine["cidr"] in cidrs
            assert not cidrs & others  # nothing from another account or region
            assert mine["subnet"] in {s["SubnetId"] for s in body["Subnets"]}
    assert refused == [f"arn:aws:iam::{NO_ROLE}:role/{ROLE}"]
    error = snapshot["accounts"][NO_ROLE]
    assert error["regions"] == {}
    assert error["Errors"] == {
        "AssumeRole": f"AccessDenied: User: arn:aws:iam::{MOTO_CALLER_ACCOUNT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{NO_ROLE}:role/{ROLE}"
    }
    assert calls.counts["sts:AssumeRole"] == 3  # the refused one is a call made, too
    assert calls.counts["ec2:DescribeVpcs"] == 4  # two accounts x two regions
    assert progress.total == progress.done == 3 * (ACCOUNT_STEPS + len(REGIONS) * REGION_STEPS)


def test_the_loader_puts_each_account_on_its_regions_and_targets(
    networks: dict[tuple[str, str], dict[str, str]],
) -> None:
    session = make_session(None)
    refuse_assume_role(session.events, NO_ROLE)
    snapshot, _ = _collect(session)

    loaded = parse_snapshot(json.loads(json.dumps(snapshot)), "live")

    assert loaded.account_ids == (GOOD_A, GOOD_B)
    assert {(r.account_id, r.region) for r in loaded.regions} == set(networks)
    targets = {t.subnet_id: t for t in audit_targets(build_graph(loaded))}
    for (account_id, region), built in networks.items():
        assert (targets[built["subnet"]].account_id, targets[built["subnet"]].region) == (account_id, region)


def test_assume_role_names_the_role_session_and_external_id(networks: Any) -> None:
    session = make_session(None)
    seen: list[dict[str, Any]] = []
    session.events.register("before-parameter-build.sts.AssumeRole", lambda params, **_: seen.append(params))

    _collect(session, accounts=[GOOD_A], regions=REGIONS[:1], external_id="org-audit-7")

    assert seen == [
        {
            "RoleArn": f"arn:aws:iam::{GOOD_A}:role/{ROLE}",
            "RoleSessionName": "fargate-netcheck",
            "ExternalId": "org-audit-7",
        }
    ]


def test_the_callers_own_account_goes_through_the_role_too(moto: None) -> None:
    """README: the caller needs the management policy only, so its own account is read through the
    role like any other; no role there is one recorded AssumeRole failure, not 29 denied kinds."""
    session = make_session(None)
    refuse_assume_role(session.events, MOTO_CALLER_ACCOUNT)  # the role is missing in the caller's account

    snapshot, calls = _collect(session, accounts=[MOTO_CALLER_ACCOUNT, GOOD_A], regions=REGIONS[:1])

    own = snapshot["accounts"][MOTO_CALLER_ACCOUNT]
    assert own["regions"] == {}
    assert own["Errors"]["AssumeRole"].startswith("AccessDenied: ")
    assert f"arn:aws:iam::{MOTO_CALLER_ACCOUNT}:role/{ROLE}" in own["Errors"]["AssumeRole"]
    assert "Errors" not in snapshot["accounts"][GOOD_A]
    assert calls.counts["sts:AssumeRole"] == 2  # one per account, the caller's own included


def test_throttled_assume_role_is_retried_and_counted(moto: None) -> None:
    session = make_session(None)
    sent = throttle_first(session.events, "before-send.sts.AssumeRole")

    snapshot, calls = _collect(session, accounts=[GOOD_A], regions=REGIONS[:1])

    assert "Errors" not in snapshot["accounts"][GOOD_A]
    assert snapshot["accounts"][GOOD_A]["regions"]["us-east-1"]["Errors"] == {}
    assert sent() == 2
    assert calls.counts["sts:AssumeRole"] == 1  # one logical call ...
    assert calls.retries == {"sts:AssumeRole": 1}  # ... that took one retry
    assert calls.throttled == {"sts:AssumeRole": 1}


@pytest.mark.parametrize(
    ("failure", "recorded"),
    [
        ("throttled", "Throttling: Rate exceeded"),
        ("timeout", 'ReadTimeoutError: Read timeout on endpoint URL: "https://sts.amazonaws.com/"'),
    ],
)
def test_an_account_that_fails_for_good_is_recorded_and_the_run_goes_on(
    moto: None, failure: str, recorded: str
) -> None:
    from botocore.exceptions import ClientError

    session = make_session(None)
    # What is left once botocore's retries are spent: the error itself, raised for NO_ROLE only.
    final = {
        "throttled": ClientError({"Error": {"Code": "Throttling", "Message": "Rate exceeded"}}, "AssumeRole"),
        "timeout": ReadTimeoutError(endpoint_url="https://sts.amazonaws.com/"),
    }[failure]

    def fail(params: dict[str, Any], **_: Any) -> None:
        if f":{NO_ROLE}:" in params["body"]["RoleArn"]:
            raise final

    session.events.register("before-call.sts.AssumeRole", fail)

    snapshot, _ = _collect(session, accounts=[GOOD_A, NO_ROLE], regions=REGIONS[:1])

    assert snapshot["accounts"][NO_ROLE] == {"regions": {}, "Errors": {"AssumeRole": recorded}}
    assert snapshot["accounts"][GOOD_A]["regions"]["us-east-1"]["Vpcs"]


def test_a_failing_region_is_recorded_and_the_others_collected(
    networks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = assume.assumed_session

    def session_refusing_us_west_2(*args: Any, **kwargs: Any) -> boto3.Session:
        made = opened(*args, **kwargs)

        def refuse(params: dict[str, Any], **_: Any) -> Any:
            if ".us-west-2." in params["url"]:
                from botocore.exceptions import ClientError

                raise ClientError(
                    {"Error": {"Code": "OptInRequired", "Message": "region disabled"}}, "Describe"
                )

        made.events.register("before-call", refuse)  # a disabled region refuses every service
        return made

    monkeypatch.setattr(assume, "assumed_session", session_refusing_us_west_2)

    snapshot, _ = _collect(accounts=[GOOD_A])

    regions = snapshot["accounts"][GOOD_A]["regions"]
    assert regions["us-east-1"]["Errors"] == {}
    disabled = regions["us-west-2"]
    assert set(disabled) == {"Errors"}  # no kind collected: absent, not empty
    assert set(disabled["Errors"]) >= {"Vpcs", "Subnets", "RouteTables"}
    assert set(disabled["Errors"].values()) == {"OptInRequired: region disabled"}


def test_max_accounts_bounds_the_accounts_in_flight(moto: None, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    opened = assume.assumed_session
    lock = threading.Lock()
    state = {"now": 0, "most": 0}

    def counting(*args: Any, **kwargs: Any) -> boto3.Session:
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        made = opened(*args, **kwargs)

        def done(**_: Any) -> None:  # the account's last kind call is over
            with lock:
                state["now"] -= 1

        made.events.register("after-call.ec2.DescribeTransitGatewayRouteTables", done)
        return made

    monkeypatch.setattr(assume, "assumed_session", counting)
    ids = [f"{n:012d}" for n in range(100000000001, 100000000004)]

    snapshot, _ = _collect(accounts=ids, regions=REGIONS[:1], max_accounts=2, max_workers=1)

    assert list(snapshot["accounts"]) == ids
    assert state["most"] == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"accounts": ["12345"]}, r"^--accounts: '12345' is not a 12-digit AWS account id$"),
        ({"accounts": []}, r"^--accounts: no account id given \(or pass --organization\)$"),
        ({"accounts": [GOOD_A], "organization": True}, r"^--accounts and --organization: pass one of them$"),
        ({"role_name": "bad role"}, r"^--role-name: 'bad role' is not an IAM role name"),
        ({"external_id": "x"}, r"^--external-id: 2 to 1224"),
        ({"all_regions": True}, r"^--region and --all-regions: pass one of them$"),
        ({"regions": ["us-eats-1"]}, r"^us-eats-1: unknown AWS region"),
    ],
)
def test_bad_options_are_input_errors(moto: None, options: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        _collect(**options)


def test_account_ids_may_be_comma_separated_and_repeat() -> None:
    assert assume.account_ids([f"{GOOD_A}, {GOOD_B}", GOOD_A, ""]) == [GOOD_A, GOOD_B]
    assert assume.role_name("/audit/NetcheckRead/") == "audit/NetcheckRead"
