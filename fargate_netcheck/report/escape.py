"""Escaping for untrusted strings (AWS tags, names, descriptions, reasons) in non-HTML report formats.

HTML is escaped by jinja2's autoescape; these helpers cover Markdown, XML text and URIs.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# Characters that carry meaning inside a GFM table cell (inline text: never at a line start), each
# escaped with a backslash: emphasis, code, links and images (``[``/``]``: without them ``(``, ``)``
# and ``!`` are plain text), the cell pipe, strikethrough, math (``$``), GitHub's ``#123``
# references, and ``.``/``:`` so that no ``www.``, ``https://`` or e-mail autolink forms. Hyphens
# and ``+`` only mean something at the start of a line, so ids (``subnet-0abc…``) stay searchable.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~:$.])")
# XML 1.0 allows tab, newline, carriage return and these ranges; anything else makes a parser fail.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# GitHub reads "@name" as a mention only where "@" does not follow a letter or digit.
_MENTION = re.compile(r"(?<![0-9A-Za-z])@")
_ZERO_WIDTH_SPACE = "\u200b"
# Control characters (a terminal's ESC sequences) and bidi overrides that could reorder what a
# reader sees: none has a place in a comment; each becomes '?', as in the text report.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def markdown_text(value: object) -> str:
    """Make an untrusted string inert inline Markdown, safe inside a GFM table cell.

    HTML metacharacters become entities (no raw tag survives), Markdown punctuation is
    backslash-escaped (no emphasis, link, code span or table pipe), line breaks become spaces, and
    an ``@`` that could start a mention gets a zero-width space after it, so a tag value cannot ping
    a GitHub user or team.
    """
    text = _MENTION.sub("@" + _ZERO_WIDTH_SPACE, str(value))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return _CONTROL.sub("?", " ".join(text.split()))


def xml_text(value: object) -> str:
    """Drop the characters XML 1.0 cannot carry (ElementTree escapes ``<``, ``&`` and quotes itself)."""
    return _XML_INVALID.sub("\ufffd", str(value))


def uri_segment(value: object, empty: str = "unknown") -> str:
    """One percent-encoded URI path segment; never empty, never containing ``/``."""
    text = str(value) if value is not None else ""
    return quote(text, safe="") if text else empty


def uri_path(path: str) -> str:
    """A file path as a URI reference: forward slashes, each segment percent-encoded."""
    parts = path.replace("\\", "/").split("/")
    return "/".join(quote(part, safe=":@!$&'()*+,;=") if part else "" for part in parts) or "unknown"


def markdown_code(value: object) -> str:
    """An untrusted id as a Markdown code span, shown verbatim (no backslashes before its hyphens).

    Inside a code span Markdown is not interpreted; what is left to neutralise: a backtick (the
    span is fenced by one more backtick than the longest run inside, padded with a space), a pipe
    (escaped, as GFM tables require even inside a span), line breaks (spaces). A value holding
    ``<``, ``>`` or ``&`` is no id: it is written as escaped text (``markdown_text``) instead, so
    no renderer that reads HTML inside code spans sees a tag.
    """
    if any(c in str(value) for c in "<>&"):
        return markdown_text(value)
    text = _CONTROL.sub("?", " ".join(str(value).split())).replace("|", "\\|")
    if not text:
        return "—"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
