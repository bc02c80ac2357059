"""Report writers. Every writer takes the same ``Report`` and returns text."""

from __future__ import annotations

from collections.abc import Callable

from fargate_netcheck.model import Report

FORMATS = ("text", "json", "html", "sarif", "junit", "markdown")
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "html": "html",
    "sarif": "sarif",
    "junit": "xml",
    "markdown": "md",
}


def writer(fmt: str) -> Callable[[Report], str]:
    """The render function of a format, imported only when that format is asked for."""
    import importlib

    module = {
        "json": "json_report",
        "text": "text",
        "html": "html",
        "sarif": "sarif",
        "junit": "junit",
        "markdown": "markdown",
    }[fmt]
    return importlib.import_module(f"fargate_netcheck.report.{module}").render
