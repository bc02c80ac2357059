"""Route 53 Profile associations read from a snapshot, end to end (``check --snapshot -f json``): a
VPC with a Profile, a failed or missing ``Route53ProfileAssociations``, and an endpoint without the
API are all ``unknown`` for the names, never "resolves through public DNS"; the packet walks are
decided as before."""

from __future__ import annotations

import pytest
from cli_helpers import check_snapshot_json as _report
from snapshots import healthy, region

from fargate_netcheck.snapshot.collection import UNSUPPORTED_PREFIX

KIND = "Route53ProfileAssociations"
ASSOCIATION = {
    "Id": "rpassoc-489ce212f",
    "ProfileId": "rp-4987774726",
    "ResourceId": "vpc-app",
    "Status": "COMPLETE",
    "OwnerId": "111122223333",
    "Name": "hub",
}


def _needs_and_dns003(report: dict) -> tuple[dict, list[dict]]:
    (target,) = report["targets"]
    assert target["internet_egress"]["verdict"] == "reachable"  # only the names are in doubt
    return target, [f for f in report["findings"] if f["rule_id"] == "DNS003"]


def test_the_healthy_snapshot_with_no_association_is_reachable(capsys, tmp_path):
    snap = healthy()
    assert region(snap)[KIND] == []
    code, report = _report(capsys, tmp_path, snap)
    assert code == 0 and {n["verdict"] for n in report["targets"][0]["needs"]} == {"reachable"}


def test_a_vpc_with_a_profile_makes_every_need_unknown_naming_the_profile(capsys, tmp_path):
    snap = healthy()
    region(snap)[KIND] = [ASSOCIATION]
    code, report = _report(capsys, tmp_path, snap)
    target, dns003 = _needs_and_dns003(report)
    assert (code, target["verdict"]) == (1, "unknown")
    assert target["needs"] and {n["verdict"] for n in target["needs"]} == {"unknown"}
    for need in target["needs"]:
        assert "uses Route 53 Profile rp-4987774726 (association rpassoc-489ce212f" in need["reason"]
    assert dns003 and {f["resource_id"] for f in dns003} == {"rp-4987774726"}
    assert all(f["remediation"].startswith("Check what Route 53 Profile rp-4987774726") for f in dns003)


def test_a_deleted_association_changes_nothing(capsys, tmp_path):
    snap = healthy()
    region(snap)[KIND] = [{**ASSOCIATION, "Status": "DELETED"}]
    code, report = _report(capsys, tmp_path, snap)
    assert code == 0 and {n["verdict"] for n in report["targets"][0]["needs"]} == {"reachable"}


@pytest.mark.parametrize(
    "error",
    [
        "AccessDeniedException: not authorized to perform route53profiles:ListProfileAssociations",
        f"{UNSUPPORTED_PREFIX}UnsupportedOperation: not in this region",
    ],
)
def test_a_failed_or_unsupported_list_is_unknown_naming_the_failure(capsys, tmp_path, error):
    snap = healthy()
    del region(snap)[KIND]
    region(snap)["Errors"] = {KIND: error}
    code, report = _report(capsys, tmp_path, snap)
    target, dns003 = _needs_and_dns003(report)
    assert (code, target["verdict"]) == (1, "unknown")
    assert {n["verdict"] for n in target["needs"]} == {"unknown"}
    assert dns003 and all(
        f"{KIND} could not be collected in us-east-1: {error}" in f["message"] for f in dns003
    )
    assert all(f["remediation"].startswith("Collect what is missing") for f in dns003)


def test_a_region_that_lists_the_other_name_kinds_but_not_profiles_is_strict(capsys, tmp_path):
    """A snapshot of an older scan: its VPCs may use a Profile, so the names are unknown."""
    snap = healthy()
    del region(snap)[KIND]
    code, report = _report(capsys, tmp_path, snap)
    target, dns003 = _needs_and_dns003(report)
    assert (code, target["verdict"]) == (1, "unknown")
    assert dns003 and all(f"{KIND} were not collected" in f["message"] for f in dns003)
