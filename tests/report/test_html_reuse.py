"""The HTML report lays out and draws each distinct hop box once per render and reuses it, and
streams the page in chunks. Neither may change a byte: a card drawn among many targets that share
hops must read exactly as the same card drawn alone."""

from __future__ import annotations

import dataclasses
import re

from report.sample_report import IGW, NAT, PRIVATE_SUBNET, PUBLIC_SUBNET, sample_report

from fargate_netcheck.core.model import PathResult, Report, TargetResult, Verdict
from fargate_netcheck.report import html, stream

CARD = re.compile(r'<article class="card target".*?</article>', re.S)
TARGET_ID = re.compile(r"<h3>.*?<code>(.*?)</code></h3>")


def _extra(target_id: str, subnet: str, path: PathResult) -> TargetResult:
    """A target sharing hops (and so boxes) with the sample's, in ``subnet``."""
    template = sample_report().targets[0]
    target = dataclasses.replace(template.target, target_id=target_id, subnet_id=subnet)
    return TargetResult(target, template.vpc_id, path)


def shared_hops_report() -> Report:
    """The sample plus targets that walk the same hops: one on the very same path, one blocked at
    the NAT (same hop, other state), one long enough to wrap onto a second row."""
    report = sample_report()
    nat_path = [PRIVATE_SUBNET, "rtb-0a11private", NAT, PUBLIC_SUBNET, "rtb-0a11public", IGW]
    long_path = [*nat_path, "tgw-attach-1", "tgw-rtb-1"]
    report.targets += [
        _extra("ecs-service:prod/web@a", PRIVATE_SUBNET, PathResult(Verdict.REACHABLE, nat_path, None, "ok")),
        _extra(
            "ecs-service:prod/jobs@a",
            PRIVATE_SUBNET,
            PathResult(Verdict.UNREACHABLE, nat_path, NAT, "NAT gone"),
        ),
        _extra("ecs-service:prod/long@a", PRIVATE_SUBNET, PathResult(Verdict.UNKNOWN, long_path, None, "?")),
    ]
    return report


def _cards(page: str) -> dict[str, str]:
    cards = {}
    for card in CARD.findall(page):
        match = TARGET_ID.search(card)
        assert match is not None
        cards[match.group(1)] = card
    return cards


def test_cards_drawn_with_reused_boxes_match_cards_drawn_alone():
    report = shared_hops_report()
    together = _cards(html.render(report))
    assert len(together) == len(report.targets)
    for result in report.targets:
        alone = shared_hops_report()
        alone.targets = [r for r in alone.targets if r.target.target_id == result.target.target_id]
        assert _cards(html.render(alone)) == {result.target.target_id: together[result.target.target_id]}


def test_equal_boxes_are_laid_out_once_per_render():
    shapes = html._Shapes({})
    first, second = (
        html.layout_path("internet egress", r.internet_egress, {}, shapes)
        for r in shared_hops_report().targets[-3:-1]
    )
    assert all(a is b for a, b in zip(first.boxes[:2], second.boxes[:2], strict=True))
    assert first.boxes[2] != second.boxes[2]  # the NAT: ok on one path, blocked on the other
    assert [b.state for b in second.boxes[3:]] == ["unreached"] * 3
    assert second.arrows[2].state == "unreached" and first.arrows[2].state == "ok"


def test_chunks_join_to_the_page_and_are_what_a_writer_streams(report):
    page = html.render(sample_report())
    chunks = list(html.chunks(report))
    assert "".join(chunks) == page
    assert "".join(stream("html")(sample_report())) == page
