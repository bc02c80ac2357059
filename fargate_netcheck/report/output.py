"""Write a report in one or several formats: to stdout, a file, or a folder (one file per format).

Reports are streamed (``report.stream``): the JSON of a large audit is tens of megabytes, and going
chunk by chunk keeps neither the whole text nor its UTF-8 bytes in memory. A file is written beside
its destination and renamed over it once complete, so a reader (or a CI step after a crash or a
Ctrl-C) never sees half a report, and a failed run leaves the previous report in place.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.files import copy_text, write_text
from fargate_netcheck.core.model import Report
from fargate_netcheck.report import EXTENSIONS, FORMATS, stream


def parse_formats(values: list[str]) -> list[str]:
    formats: list[str] = []
    for value in values:
        for fmt in value.split(","):
            fmt = fmt.strip().lower()
            if fmt == "md":
                fmt = "markdown"
            if fmt not in FORMATS:
                raise InputError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
            if fmt not in formats:
                formats.append(fmt)
    return formats


def check_report_paths(formats: list[str], output: Path | None, output_dir: Path | None) -> None:
    """Refuse, before any work, report destinations that could not be written."""
    from fargate_netcheck.report.paths import check_folder, check_writable

    if output is not None and len(formats) > 1:
        raise InputError("--output takes one format; use --output-dir for several")
    if output is not None and output_dir is not None:
        raise InputError("--output and --output-dir: choose one (a file, or a folder of one file per format)")
    if output is not None:
        check_writable(output, "report")
    if output_dir is not None:
        check_folder(output_dir, "report")


def check_destination(formats: list[str], output_dir: Path | None, folder_option: bool = True) -> None:
    """Several formats need a folder: on one stream (or in one file) the documents could not be told
    apart or parsed. Checked before any work is done, and again when writing. ``folder_option``:
    whether the command has ``--output-dir`` to suggest."""
    if output_dir is None and len(formats) > 1:
        how = "use --output-dir DIR for" if folder_option else "run once per format:"
        raise InputError(f"one stream takes one format; {how} {', '.join(formats)}")


def write_report(
    report: Report, formats: list[str], output: Path | None, output_dir: Path | None
) -> list[Path]:
    """Render each format once. Returns the files written (stdout is not a file)."""
    check_destination(formats, output_dir)
    written: list[Path] = []
    if output_dir is not None:
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"{output_dir}: cannot create the report folder: {exc.strerror or exc}"
            ) from None
        for fmt in formats:
            path = output_dir / f"fargate-netcheck.{EXTENSIONS[fmt]}"
            write_file(path, stream(fmt)(report))
            written.append(path)
        return written
    for fmt in formats:
        chunks = stream(fmt)(report)
        if output is not None:
            write_file(output, chunks)
            written.append(output)
        else:
            copy_text(chunks, sys.stdout)
    return written


def write_file(path: Path, chunks: Iterable[str]) -> None:
    """Write the report to ``path`` all or nothing (``core.files.write_text``)."""
    write_text(path, chunks, "the report")
