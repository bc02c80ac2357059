"""Same snapshot, same bytes: two CLI runs give identical reports (even under different hash seeds),
and a snapshot is written all or nothing (an interrupted write leaves no half file and no temp file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from report_schema import validate_if_report
from snapshots import healthy, write

from fargate_netcheck.core import files
from fargate_netcheck.core.errors import InputError
from fargate_netcheck.snapshot.store import load_snapshot, write_snapshot

CLI = [sys.executable, "-c", "from fargate_netcheck.cli.app import main; main()"]


def synth_small() -> dict:
    bench = Path(__file__).resolve().parents[2] / "benchmarks"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    import synth

    return synth.generate(4, 12, tgw_spokes=1, seed=7)


SNAPSHOTS = {"healthy": healthy, "synth": synth_small}


def run(tmp_path: Path, hash_seed: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    result = subprocess.run([*CLI, *args], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr.decode()
    validate_if_report(result.stdout.decode(), f"stdout of {' '.join(args)}")
    return result


@pytest.mark.parametrize(
    ("name", "targets"),
    [
        ("healthy", ()),
        ("healthy", ("--subnet", "subnet-private", "--security-group", "sg-open")),
        ("synth", ()),
    ],
    ids=["healthy-audit", "healthy-cli-target", "synth-audit"],
)
def test_two_runs_give_byte_identical_json(tmp_path, name, targets):
    snap = write(SNAPSHOTS[name](), tmp_path / "snap.json")
    first = run(tmp_path, "1", "check", "--snapshot", str(snap), "-f", "json", *targets).stdout
    second = run(tmp_path, "2", "check", "--snapshot", str(snap), "-f", "json", *targets).stdout
    assert json.loads(first)["targets"]
    assert first == second


def test_every_report_format_is_byte_identical_across_runs(tmp_path):
    snap = write(synth_small(), tmp_path / "snap.json")
    outputs = []
    for seed in ("3", "4"):
        out = tmp_path / f"out-{seed}"
        run(tmp_path, seed, "check", "--snapshot", str(snap), "-f", "json,text,sarif,junit,markdown,html",
            "--output-dir", str(out))  # fmt: skip
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == 6
    assert {name for name in outputs[0] if outputs[0][name] != outputs[1][name]} == set()


def _half_then_interrupt(chunks, out) -> None:
    """The copy into the new file: half of the text stored, then the process is interrupted."""
    text = "".join(chunks)
    out.write(text[: len(text) // 2])
    out.flush()
    raise KeyboardInterrupt


def test_interrupted_write_leaves_no_half_file_and_no_temp_file(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "copy_text", _half_then_interrupt)
    target = tmp_path / "snap.json"
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(healthy(), target)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_the_previous_snapshot(tmp_path, monkeypatch):
    target = tmp_path / "snap.json"
    write_snapshot(healthy(), target)
    before = target.read_bytes()
    monkeypatch.setattr(files, "copy_text", _half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_snapshot(synth_small(), target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failing_rename_or_sync_leaves_nothing_behind(tmp_path, monkeypatch, failing):
    def boom(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(InputError, match=r"snap\.json: cannot write the snapshot: No space left on device$"):
        write_snapshot(healthy(), tmp_path / "snap.json")
    assert list(tmp_path.iterdir()) == []


def test_a_complete_write_round_trips_and_leaves_one_file(tmp_path):
    data = synth_small()
    target = tmp_path / "snap.json"
    write_snapshot(data, target)
    assert [p.name for p in tmp_path.iterdir()] == ["snap.json"]
    assert load_snapshot(target).raw == data
