"""Writing reports: streamed to stdout or a file, same bytes as the rendered text; a file is
replaced whole or not at all, keeps its permissions, and a device such as /dev/null is written to
rather than replaced."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_helpers import run_cli
from report.sample_report import sample_report
from snapshots import healthy, write

from fargate_netcheck.report import json_report, writer
from fargate_netcheck.report.output import write_file, write_report


def test_stdout_gets_the_rendered_text(capsys, report):
    assert write_report(report, ["json"], None, None) == []
    assert capsys.readouterr().out == json_report.render(sample_report())


def test_output_file_holds_the_rendered_bytes_and_no_temp_file_remains(tmp_path, report):
    out = tmp_path / "r.json"
    out.write_text("old report", encoding="utf-8")
    assert write_report(report, ["json"], out, None) == [out]
    assert out.read_bytes() == json_report.render(sample_report()).encode("utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_output_dir_writes_every_format(tmp_path, report):
    written = write_report(report, ["json", "text", "markdown"], None, tmp_path / "out")
    assert [p.name for p in written] == [
        "fargate-netcheck.json",
        "fargate-netcheck.txt",
        "fargate-netcheck.md",
    ]
    for path, fmt in zip(written, ["json", "text", "markdown"], strict=True):
        assert path.read_text(encoding="utf-8") == writer(fmt)(sample_report())
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


def failing_chunks() -> Iterator[str]:
    yield "{\n  half a report"
    raise RuntimeError("render failed")


def test_a_failed_render_leaves_the_previous_file_and_no_temp_file(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError, match="render failed"):
        write_file(out, failing_chunks())
    assert out.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_a_failed_render_creates_no_file(tmp_path):
    with pytest.raises(RuntimeError):
        write_file(tmp_path / "r.json", failing_chunks())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_replacing_a_file_keeps_its_mode_and_a_new_file_follows_the_umask(tmp_path):
    kept = tmp_path / "kept.json"
    kept.write_text("x", encoding="utf-8")
    kept.chmod(0o640)
    write_file(kept, ["{}\n"])
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640

    umask = os.umask(0o022)
    try:
        write_file(tmp_path / "new.json", ["{}\n"])
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_a_symlink_is_kept_and_its_file_replaced(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_file(link, ["new", " text"])
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new text"


@pytest.mark.skipif(not Path(os.devnull).exists(), reason="needs a null device")
def test_the_null_device_is_written_to_not_replaced(report):
    before = Path(os.devnull).stat()
    write_report(report, ["json"], Path(os.devnull), None)
    after = Path(os.devnull).stat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_a_report_into_a_missing_folder_is_one_line_and_exit_2(tmp_path, capsys):
    snap = write(healthy(), tmp_path / "snap.json")
    out = tmp_path / "no-such-folder" / "report.json"
    result = run_cli(capsys, "check", "--snapshot", str(snap), "-f", "json", "-o", str(out))
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"fargate-netcheck: error: {out}: cannot write the report: folder {out.parent} does not exist"
    ]


def test_an_output_dir_that_cannot_be_made_is_one_line_and_exit_2(tmp_path, capsys):
    snap = write(healthy(), tmp_path / "snap.json")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run_cli(capsys, "check", "--snapshot", str(snap), "--output-dir", str(blocker / "reports"))
    assert result.code == 2
    assert "cannot create the report folder" in result.err
    assert "Traceback" not in result.err
