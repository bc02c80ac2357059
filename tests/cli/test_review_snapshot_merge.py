"""Review of ``merge``: a fault only the merged document has (an id in two shards' regions of one
account) names the shards it came from, not the output file (which is never written); the merged
``collected_at`` is the oldest shard's by time, not by spelling."""

from __future__ import annotations

import copy

import pytest
from snapshots import healthy, write

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.merge import merge, merge_files


def _shard(account_id: str, regions: dict, collected_at: str | None = "2026-11-26T00:00:00Z") -> dict:
    doc: dict = {"snapshot_version": 1, "accounts": {account_id: {"regions": regions}}}
    if collected_at is not None:
        doc["collected_at"] = collected_at
    return doc


def test_an_id_in_two_shards_regions_names_the_shards_not_the_unwritten_output(tmp_path):
    body = healthy()["regions"]["us-east-1"]
    a = write(_shard("111111111111", {"us-east-1": body}), tmp_path / "east.json")
    b = write(_shard("111111111111", {"us-west-2": copy.deepcopy(body)}), tmp_path / "west.json")
    out = tmp_path / "merged.json"
    with pytest.raises(InputError) as caught:
        merge_files([a, b], out)
    message = str(caught.value)
    assert not out.exists()
    assert "merged.json" not in message, message
    assert "duplicate id vpc-app" in message
    assert (
        f"111111111111/us-east-1 is from {a}" in message and f"111111111111/us-west-2 is from {b}" in message
    )
    assert "\n" not in message


@pytest.mark.parametrize(
    ("stamps", "oldest"),
    [
        # 08:00 at +09:00 is 23:00 UTC the day before: older, though it sorts later as text.
        (("2026-11-26T00:00:00Z", "2026-11-26T08:00:00+09:00"), "2026-11-26T08:00:00+09:00"),
        (("2026-11-26T00:00:00Z", "2026-11-25T23:59:59Z"), "2026-11-25T23:59:59Z"),
        (("2026-11-26T00:00:00Z", "2026-11-26T00:00:00.500000Z"), "2026-11-26T00:00:00Z"),
    ],
)
def test_the_merged_collected_at_is_the_oldest_by_time(stamps, oldest):
    body = {"Vpcs": []}
    shards = [(f"s{i}", _shard(f"{i}" * 12, {"us-east-1": body}, at)) for i, at in enumerate(stamps, 1)]
    assert merge(shards)["collected_at"] == oldest


@pytest.mark.parametrize("other", ["yesterday", None])
def test_a_shard_whose_age_is_not_known_leaves_the_merged_age_unknown(other):
    """The data is as old as its oldest part: a shard without a stamp (or with one that is no date)
    may be older than every stamp given, so the merged snapshot says nothing (it said 2030)."""
    body = {"Vpcs": []}
    shards = [
        ("a", _shard("1" * 12, {"us-east-1": body}, other)),
        ("b", _shard("2" * 12, {}, "2030-01-01T00:00:00Z")),
    ]
    assert "collected_at" not in merge(shards)
