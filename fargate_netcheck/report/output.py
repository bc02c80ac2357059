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


STDOUT = Path("-")  # ``--output -``: standard output, as Unix tools read it (not a file named "-")


def to_file(output: Path | None) -> Path | None:
    """The file ``--output`` names; ``None`` for standard output (not given, or ``-``)."""
    return None if output is None or output == STDOUT else output


def check_report_paths(formats: list[str], output: Path | None, output_dir: Path | None) -> None:
    """Refuse, before any work, report destinations that could not be written: the file, or in the
    folder each format's file (one that cannot be written would leave the others as a partial result)."""
    from fargate_netcheck.report.paths import check_folder, check_writable

    output = to_file(output)
    if output is not None and len(formats) > 1:
        raise InputError("--output takes one format; use --output-dir for several")
    if output is not None and output_dir is not None:
        raise InputError("--output and --output-dir: choose one (a file, or a folder of one file per format)")
    if output is not None:
        check_writable(output, "report")
    if output_dir is not None:
        check_folder(output_dir, "report")
        for fmt in formats:
            check_writable(output_dir / report_name(fmt), "report")


def check_report_files(named: dict[str, Path | None]) -> None:
    """Each report file (option -> path; ``None``: not asked for) can be written, and no two options
    name one file (the last format written would silently replace the others). Before any work."""
    from fargate_netcheck.report.paths import check_writable

    seen: dict[Path, str] = {}
    for option, path in named.items():
        if path is None:
            continue
        check_writable(path, "report")
        first = seen.setdefault(path.resolve(), option)
        if first != option:
            raise InputError(f"{path}: named by {first} and {option}; give each report its own file")


def report_name(fmt: str) -> str:
    """The file name of ``fmt`` in ``--output-dir``."""
    return f"fargate-netcheck.{EXTENSIONS[fmt]}"


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
    output = to_file(output)
    written: list[Path] = []
    if output_dir is not None:
        try:
            output_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(
                f"{output_dir}: cannot create the report folder: {exc.strerror or exc}"
            ) from None
        for fmt in formats:
            path = output_dir / report_name(fmt)
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
