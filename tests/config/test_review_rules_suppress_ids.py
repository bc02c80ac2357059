"""A suppression's ``resource`` and ``target`` name an id or a glob: an id holding glob characters
(Terraform addresses: ``module.vpc.aws_subnet.private[0]``, ``aws_subnet.app["a"]``) matches itself,
not only what it reads as a glob."""

from __future__ import annotations

from datetime import date

from fargate_netcheck.checks.suppressions import Suppression, apply_suppressions
from fargate_netcheck.core.model import Finding, Severity

TODAY = date(2026, 6, 1)
SUBNET = "module.vpc.aws_subnet.private[0]"
TARGET = f"terraform:aws_ecs_service.api:{SUBNET}"


def finding(resource: str = SUBNET, target: str = TARGET) -> Finding:
    return Finding("RT001", Severity.ERROR, resource, target, "no route", "fix")


def test_a_terraform_address_suppresses_its_own_findings_and_is_not_unused():
    out, extras = apply_suppressions([finding()], [Suppression("RT001", SUBNET, "accepted")], TODAY)
    assert out[0].suppressed == "accepted" and extras == []


def test_a_terraform_target_id_narrows_a_suppression_to_that_target():
    other = finding(target="terraform:aws_ecs_service.api:module.vpc.aws_subnet.private[1]")
    rule = Suppression("RT001", "module.vpc.aws_subnet.*", "accepted", target=TARGET)
    out, _ = apply_suppressions([finding(), other], [rule], TODAY)
    assert [f.suppressed for f in out] == ["accepted", None]


def test_a_for_each_key_matches_itself_only():
    keyed = 'aws_subnet.app["a"]'
    out, _ = apply_suppressions(
        [finding(keyed), finding("aws_subnet.appa")], [Suppression("RT001", keyed, "r")], TODAY
    )
    assert [f.suppressed for f in out] == ["r", None]


def test_an_indexed_address_does_not_suppress_a_resource_named_like_its_index():
    out, _ = apply_suppressions(
        [finding("aws_subnet.private0")], [Suppression("RT001", "aws_subnet.private[0]", "r")], TODAY
    )
    assert out[0].suppressed is None


def test_star_and_question_mark_stay_wildcards():
    rule = Suppression("RT001", "module.vpc.aws_subnet.private[?]", "r", target="terraform:*")
    out, _ = apply_suppressions([finding(), finding("module.vpc.aws_subnet.private[10]")], [rule], TODAY)
    assert [f.suppressed for f in out] == ["r", None]
