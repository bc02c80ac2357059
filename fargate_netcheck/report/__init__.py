"""Report writers. Every writer takes the same ``Report`` and returns text; a writer whose module
also has ``chunks(report)`` can hand that text over piece by piece (``stream``), so a large report
is written without holding all of it."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable

from fargate_netcheck.core.model import Report

FORMATS = ("text", "json", "html", "sarif", "junit", "markdown")
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "html": "html",
    "sarif": "sarif",
    "junit": "xml",
    "markdown": "md",
}


_MODULES = {
    "json": "json_report",
    "text": "text",
    "html": "html",
    "sarif": "sarif",
    "junit": "junit",
    "markdown": "markdown",
}


def writer(fmt: str) -> Callable[[Report], str]:
    """The render function of a format, imported only when that format is asked for."""
    render: Callable[[Report], str] = importlib.import_module(
        f"fargate_netcheck.report.{_MODULES[fmt]}"
    ).render
    return render


def stream(fmt: str) -> Callable[[Report], Iterable[str]]:
    """The format's text as chunks that join to exactly what ``writer(fmt)`` returns: its module's
    ``chunks`` when it has one, else the whole text as a single chunk."""
    module = importlib.import_module(f"fargate_netcheck.report.{_MODULES[fmt]}")
    chunks: Callable[[Report], Iterable[str]] | None = getattr(module, "chunks", None)
    if chunks is not None:
        return chunks
    render: Callable[[Report], str] = module.render
    return lambda report: (render(report),)
