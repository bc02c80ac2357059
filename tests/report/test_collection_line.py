"""The collection line of text-like reports says where the data came from, without claiming a
snapshot file a run never read (infrastructure code checked alone)."""

from __future__ import annotations

from fargate_netcheck.core.collection_summary import CollectionSummary


def summary(live: bool) -> CollectionSummary:
    calls = 3 if live else None
    return CollectionSummary(live, calls, 0 if live else None, 0 if live else None, (), {})


def test_a_run_that_collected_nothing_itself_does_not_name_a_snapshot_file():
    line = summary(False).line()
    assert line.startswith("Collection (not collected by this run):") and "snapshot" not in line


def test_a_live_run_counts_its_calls():
    assert summary(True).line().startswith("Collection (live): 3 API call(s), 0 retries")
