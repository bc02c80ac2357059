"""Write a report in one or several formats: to stdout, a file, or a folder (one file per format).

Reports are streamed (``report.stream``): the JSON of a large audit is tens of megabytes, and going
chunk by chunk keeps neither the whole text nor its UTF-8 bytes in memory. A file is written beside
its destination and renamed over it once complete, so a reader (or a CI step after a crash or a
Ctrl-C) never sees half a report, and a failed run leaves the previous report in place.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.model import Report
from fargate_netcheck.report import EXTENSIONS, FORMATS, stream

# Large writes to the file: fewer system calls than the default 8 KiB buffer.
_FILE_BUFFER = 1 << 20


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
    if output is not None:
        check_writable(output, "report")
    if output_dir is not None:
        check_folder(output_dir, "report")


def check_destination(formats: list[str], output_dir: Path | None) -> None:
    """Several formats need a folder: on one stream (or in one file) the documents could not be told
    apart or parsed. Checked before any work is done, and again when writing."""
    if output_dir is None and len(formats) > 1:
        raise InputError(f"one stream takes one format; use --output-dir DIR for {', '.join(formats)}")


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
            _copy(chunks, sys.stdout)
    return written


def write_file(path: Path, chunks: Iterable[str]) -> None:
    """Write UTF-8 text to ``path`` all or nothing: into a new file in the same folder (so the
    rename cannot cross filesystems), renamed over ``path`` once every chunk is in. Something that
    exists but is no regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is written in place:
    renaming over it would replace the device or pipe rather than write to it. A folder that is
    missing or not writable is an ``InputError`` naming ``path``."""
    try:
        _write_file(path, chunks)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the report: {exc.strerror or exc}") from None


def _write_file(path: Path, chunks: Iterable[str]) -> None:
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8") as out:
            _copy(chunks, out)
        return
    target = path.resolve() if path.is_symlink() else path  # replace the file, not the link to it
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with _create(temp, target) as out:
            _copy(chunks, out)
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _create(temp: Path, target: Path) -> TextIO:
    """A new file with the permissions writing ``target`` in place would have kept: the existing
    file's mode, else 0o666 less the umask (mkstemp's 0o600 would hide a shared report)."""
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if target.is_file():
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        return open(fd, "w", encoding="utf-8", buffering=_FILE_BUFFER)  # the caller closes it
    except BaseException:
        os.close(fd)
        raise


def _copy(chunks: Iterable[str], out: TextIO) -> None:
    """A chunk the stream's encoding cannot carry (a lone surrogate from a snapshot's JSON escape,
    or a terminal that is not UTF-8) is written with '?' in place of what it cannot, never lost."""
    for chunk in chunks:
        try:
            out.write(chunk)
        except UnicodeEncodeError:
            encoding = out.encoding or "utf-8"
            out.write(chunk.encode(encoding, "replace").decode(encoding))
