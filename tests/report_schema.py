"""Every JSON report the tests make is validated against the schema the package ships
(fargate_netcheck/report/report.schema.json, docs/report-format.md).

Three nets, installed by tests/conftest.py for the whole suite:

- in-process: every JSON report rendered (``json_report.chunks``, which ``render``, ``write_report``,
  the CLI and the demo all go through) is validated once its last chunk is out;
- files: after each test, every report the test left under its ``tmp_path`` (written by a CLI
  subprocess with ``-o``/``--output-dir``, say);
- stdout of the e2e CLI runs (tests/e2e/conftest.py calls ``validate_if_report``).

A report is recognised by its ``report_version`` and ``tool`` keys, so a hand-made partial baseline
(written to test the baseline loader's errors) is not mistaken for one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from fargate_netcheck.report.schema import report_schema

MAX_FILE_BYTES = 50_000_000


@cache
def validator() -> Draft202012Validator:
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def assert_valid_report(report: Any, where: str = "report") -> None:
    errors = sorted(validator().iter_errors(report), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in errors[:10]]
        raise AssertionError(f"{where} does not match the report schema:\n" + "\n".join(lines))


def is_report(data: Any) -> bool:
    return isinstance(data, dict) and "report_version" in data and "tool" in data


def validate_if_report(text: str, where: str) -> None:
    try:
        data = json.loads(text)
    except ValueError:
        return
    if is_report(data):
        assert_valid_report(data, where)


def validate_reports_under(folder: Path) -> int:
    """Validate every JSON report file under ``folder``; how many there were."""
    count = 0
    for path in folder.rglob("*.json"):
        if path.is_file() and path.stat().st_size <= MAX_FILE_BYTES:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            if is_report(data):
                assert_valid_report(data, str(path))
                count += 1
    return count


def checked_chunks(chunks: Iterator[str]) -> Iterator[str]:
    """Pass ``chunks`` through, then validate the whole text they made."""
    parts: list[str] = []
    for chunk in chunks:
        parts.append(chunk)
        yield chunk
    assert_valid_report(json.loads("".join(parts)), "a rendered JSON report")
