"""``merge``: shards into one snapshot; the same region twice with other data is a one-line error
(exit 2) naming the account, region and both shards; a snapshot that cannot be placed is refused."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

from snapshots import healthy, write

CLI = [sys.executable, "-c", "from fargate_netcheck.cli.app import main; main()"]


def _shard(account_id: str, regions: dict, collected_at: str, errors: dict | None = None) -> dict:
    account: dict = {"regions": regions}
    if errors is not None:
        account["Errors"] = errors
    return {"snapshot_version": 1, "collected_at": collected_at, "accounts": {account_id: account}}


def _merge(tmp_path: Path, *docs: dict) -> tuple[subprocess.CompletedProcess, Path]:
    paths = [str(write(doc, tmp_path / f"shard-{i}.json")) for i, doc in enumerate(docs)]
    out = tmp_path / "merged.json"
    done = subprocess.run(
        [*CLI, "merge", *paths, "-o", str(out)], capture_output=True, text=True, timeout=120
    )
    return done, out


def test_shards_merge_into_the_many_account_form_in_sorted_order(tmp_path):
    body = healthy()["regions"]["us-east-1"]
    b = _shard("222222222222", {"us-east-1": body}, "2026-11-26T00:05:00Z", {})
    a = _shard("111111111111", {"us-east-1": body, "eu-west-1": {"Vpcs": []}}, "2026-11-26T00:00:00Z")
    refused = _shard("333333333333", {}, "2026-11-26T00:01:00Z", {"AssumeRole": "AccessDenied: no"})
    done, out = _merge(tmp_path, b, refused, a)
    assert done.returncode == 0, done.stderr
    assert "3 shards, 3 account(s), 3 region(s)" in done.stderr
    merged = json.loads(out.read_text())
    assert merged["collected_at"] == "2026-11-26T00:00:00Z"  # the oldest shard's
    assert list(merged["accounts"]) == ["111111111111", "222222222222", "333333333333"]
    assert list(merged["accounts"]["111111111111"]["regions"]) == ["eu-west-1", "us-east-1"]
    assert merged["accounts"]["222222222222"]["Errors"] == {}
    assert merged["accounts"]["333333333333"] == {"regions": {}, "Errors": {"AssumeRole": "AccessDenied: no"}}
    check = subprocess.run(
        [*CLI, "check", "--snapshot", str(out), "-f", "json"], capture_output=True, text=True
    )
    assert check.returncode in (0, 1), check.stderr
    assert json.loads(check.stdout)["accounts"] == ["111111111111", "222222222222"]


def test_the_same_region_with_other_data_is_a_conflict_naming_both_shards(tmp_path):
    body = healthy()["regions"]["us-east-1"]
    other = copy.deepcopy(body)
    other["Vpcs"][0]["Tags"] = [{"Key": "Name", "Value": "renamed between the two scans"}]
    done, out = _merge(
        tmp_path,
        _shard("111111111111", {"us-east-1": body}, "2026-11-26T00:00:00Z"),
        _shard("111111111111", {"us-east-1": other}, "2026-11-26T00:00:00Z"),
    )
    assert done.returncode == 2 and not out.exists()
    (line,) = done.stderr.strip().splitlines()
    assert "region 111111111111/us-east-1 is also in" in line
    assert "shard-0.json" in line and "shard-1.json" in line and "Traceback" not in done.stderr


def test_an_identical_copy_of_a_region_is_accepted(tmp_path):
    body = healthy()["regions"]["us-east-1"]
    shard = _shard("111111111111", {"us-east-1": body}, "2026-11-26T00:00:00Z")
    done, out = _merge(tmp_path, shard, copy.deepcopy(shard))
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())["accounts"]["111111111111"]["regions"]["us-east-1"] == body


def test_a_single_account_snapshot_is_placed_by_its_account_id_and_one_without_is_refused(tmp_path):
    single = healthy()
    single["account_id"] = "444444444444"
    shard = _shard("111111111111", {"us-east-1": healthy()["regions"]["us-east-1"]}, "2026-11-26T00:00:00Z")
    done, out = _merge(tmp_path, single, shard)
    assert done.returncode == 0, done.stderr
    assert sorted(json.loads(out.read_text())["accounts"]) == ["111111111111", "444444444444"]
    del single["account_id"]
    done, _ = _merge(tmp_path, single, shard)
    assert done.returncode == 2 and "without account_id cannot be merged" in done.stderr


def test_a_broken_shard_is_a_one_line_input_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    good = write(healthy(), tmp_path / "good.json")
    done = subprocess.run(
        [*CLI, "merge", str(bad), str(good), "-o", str(tmp_path / "m.json")], capture_output=True, text=True
    )
    assert done.returncode == 2 and "bad.json" in done.stderr and "Traceback" not in done.stderr


def test_an_output_that_cannot_be_written_is_refused_before_reading_the_shards(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = subprocess.run(
        [*CLI, "merge", str(tmp_path / "missing-a.json"), str(tmp_path / "missing-b.json"), "-o",
         str(blocker / "merged.json")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and "cannot write the merged snapshot" in done.stderr
    assert "missing-a" not in done.stderr  # refused before any shard was read


def test_a_write_that_fails_late_is_a_one_line_error_naming_the_file(tmp_path, monkeypatch):
    import pytest

    from fargate_netcheck.core.errors import InputError
    from fargate_netcheck.snapshot import merge as merge_module

    def full_disk(data, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(merge_module, "write_snapshot", full_disk)
    a = write(_shard("111111111111", {}, "2026-11-26T00:00:00Z"), tmp_path / "a.json")
    b = write(_shard("222222222222", {}, "2026-11-26T00:00:00Z"), tmp_path / "b.json")
    with pytest.raises(
        InputError, match=r"m\.json: cannot write the merged snapshot: No space left on device"
    ):
        merge_module.merge_files([a, b], tmp_path / "m.json")


def test_a_fifo_output_is_written_to_not_replaced(tmp_path):
    """``-o`` naming a FIFO (or a device such as /dev/stdout) streams the snapshot into it; the old
    writer renamed a temporary file over it, replacing the pipe (or the device node) by a file."""
    import os
    import stat
    import threading

    body = healthy()["regions"]["us-east-1"]
    shards = [
        str(write(_shard(account, {"us-east-1": body}, "2026-11-26T00:00:00Z"), tmp_path / f"{account}.json"))
        for account in ("111111111111", "222222222222")
    ]
    fifo = tmp_path / "merged.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = subprocess.run(
        [*CLI, "merge", *shards, "-o", str(fifo)], capture_output=True, text=True, timeout=120
    )
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(json.loads(received[0])["accounts"]) == ["111111111111", "222222222222"]
