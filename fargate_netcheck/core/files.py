"""Writing a user's output file (a report, a snapshot): whole or not at all, and never over a device."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from fargate_netcheck.core.errors import InputError

# Large writes to the file: fewer system calls than the default 8 KiB buffer.
_FILE_BUFFER = 1 << 20


def write_text(path: Path, chunks: Iterable[str], what: str) -> None:
    """Write UTF-8 text to ``path`` all or nothing: into a new file in the same folder (so the
    rename cannot cross filesystems), flushed to disk, then renamed over ``path`` once every chunk
    is in. Something that exists but is no regular file (``/dev/null``, a FIFO, ``/dev/stdout``) is
    written in place: renaming over it would replace the device or pipe rather than write to it. A
    folder that is missing or not writable is an ``InputError`` naming ``path`` and ``what``."""
    try:
        _write_file(path, chunks)
    except OSError as exc:
        raise InputError(f"{path}: cannot write {what}: {exc.strerror or exc}") from None


def _write_file(path: Path, chunks: Iterable[str]) -> None:
    if path.exists() and not path.is_file():
        with path.open("w", encoding="utf-8") as out:
            copy_text(chunks, out)
        return
    target = path.resolve() if path.is_symlink() else path  # replace the file, not the link to it
    temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        with _create(temp, target) as out:
            copy_text(chunks, out)
            out.flush()
            os.fsync(out.fileno())
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


def copy_text(chunks: Iterable[str], out: TextIO) -> None:
    """A chunk the stream's encoding cannot carry (a lone surrogate from a snapshot's JSON escape,
    or a terminal that is not UTF-8) is written with '?' in place of what it cannot, never lost."""
    for chunk in chunks:
        try:
            out.write(chunk)
        except UnicodeEncodeError:
            encoding = out.encoding or "utf-8"
            out.write(chunk.encode(encoding, "replace").decode(encoding))
