"""Read a user's JSON file (snapshot, Run Environment, baseline report) with one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

from fargate_netcheck.core.errors import InputError
from fargate_netcheck.core.input_limits import JSON_LIMIT, read_limited


def read_json(path: Path, what: str = "file", limit: int = JSON_LIMIT) -> tuple[object, str]:
    """``(data, text)`` of ``path``; any problem is an InputError naming the file (and line:column).
    A file over ``limit`` bytes is refused before it is parsed (``input_limits``)."""
    try:
        text = read_limited(path, what, limit)
    except FileNotFoundError:
        raise InputError(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the {what}: {exc}") from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except ValueError as exc:  # a number past Python's digit limit (int_max_str_digits)
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None
