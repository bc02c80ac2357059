"""A live collection with ``--redact``: the snapshot names each account by its mask, the call log by
its real id; the collection section must still count each region's calls."""

from __future__ import annotations

from snapshots import healthy

from fargate_netcheck.cli.redact import Redactor
from fargate_netcheck.snapshot.collection import summarize
from fargate_netcheck.snapshot.store import parse_snapshot


class Calls:
    by_where = {"123456789012/us-east-1": [7, 1, 0]}
    total = 7
    total_retries = 1
    total_throttled = 0


def test_a_redacted_live_collection_counts_each_regions_calls():
    redactor = Redactor()
    snap = parse_snapshot(redactor.redact_snapshot(healthy()), "live")
    (region,) = summarize(snap, Calls(), redactor.account).regions
    assert region.account == redactor.account("123456789012") != "123456789012"
    assert (region.calls, region.retries) == (7, 1)
