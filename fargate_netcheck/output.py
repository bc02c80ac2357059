"""Write a report in one or several formats: to stdout, a file, or a folder (one file per format)."""

from __future__ import annotations

import sys
from pathlib import Path

from fargate_netcheck.errors import InputError
from fargate_netcheck.model import Report
from fargate_netcheck.report import EXTENSIONS, FORMATS, writer


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


def write_report(
    report: Report, formats: list[str], output: Path | None, output_dir: Path | None
) -> list[Path]:
    """Render each format once. Returns the files written (stdout is not a file)."""
    if output is not None and len(formats) > 1:
        raise InputError("--output takes one format; use --output-dir for several")
    written: list[Path] = []
    if output_dir is not None:
        output_dir.mkdir(parents=True, exist_ok=True)
        for fmt in formats:
            path = output_dir / f"fargate-netcheck.{EXTENSIONS[fmt]}"
            path.write_text(writer(fmt)(report), encoding="utf-8")
            written.append(path)
        return written
    for fmt in formats:
        text = writer(fmt)(report)
        if output is not None:
            output.write_text(text, encoding="utf-8")
            written.append(output)
        else:
            sys.stdout.write(text)
    return written
