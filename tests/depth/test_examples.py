"""The "Must show" example snapshots: in sync with their builders, and what `check` says about them."""

from __future__ import annotations

import pytest
from depth.examples import DATA, EXAMPLES, check_example, example_text


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_file_matches_its_builder(name):
    assert (DATA / name).read_text() == example_text(name), (
        f"tests/depth/data/{name} is stale: run `cd tests && ../.venv/bin/python -m depth.examples`"
    )


def check(capsys, name: str, subnet: str, group: str) -> tuple[int, dict]:
    return check_example(capsys, name, subnet, group)


def test_check_endpoints_only_pulls_through_endpoints_without_internet(capsys):
    code, report = check(capsys, "endpoints_only.json", "subnet-app-a", "sg-task")
    (target,) = report["targets"]
    # S3's prefix list goes to the gateway endpoint; all the rest of the internet has no route
    assert target["internet_egress"]["verdict"] == "unreachable"
    assert [p["blocked_at"] for p in target["internet_egress"]["pieces"]] == ["rtb-app", None]
    assert {k: target["ecr_pull"][k] for k in ("verdict", "via", "blocked_at")} == {
        "verdict": "reachable",
        "via": "vpc-endpoints",
        "blocked_at": None,
    }
    assert code == 1  # the internet path is still an error (RT001) for the default destination


def test_check_endpoints_only_without_s3_endpoint_names_the_route_table(capsys):
    _, report = check(capsys, "endpoints_only_no_s3.json", "subnet-app-a", "sg-task")
    ecr = report["targets"][0]["ecr_pull"]
    assert (ecr["verdict"], ecr["via"], ecr["blocked_at"]) == ("unreachable", "vpc-endpoints", "rtb-app")
    assert "EP003" in {f["rule_id"] for f in report["findings"]}


def test_check_tgw_egress_is_reachable_and_clean(capsys):
    code, report = check(capsys, "tgw_egress.json", "subnet-spoke", "sg-spoke-task")
    egress = report["targets"][0]["internet_egress"]
    assert egress["verdict"] == "reachable" and egress["path"][2:5] == [
        "tgw-1",
        "tgw-rtb-spoke",
        "tgw-attach-egress",
    ]
    assert report["targets"][0]["ecr_pull"]["via"] == "internet"
    assert code == 0


def test_check_tgw_egress_without_return_route_fails_at_the_nat_subnet_table(capsys):
    code, report = check(capsys, "tgw_egress_no_return.json", "subnet-spoke", "sg-spoke-task")
    egress = report["targets"][0]["internet_egress"]
    assert (egress["verdict"], egress["blocked_at"]) == ("unreachable", "rtb-egress-public")
    assert "TGW004" in {f["rule_id"] for f in report["findings"]}
    assert code == 1
