"""Escaping for untrusted strings (AWS tags, names, descriptions, reasons) in non-HTML report formats.

HTML is escaped by jinja2's autoescape; these helpers cover Markdown, XML text and URIs.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fargate_netcheck.core.unsafe_text import UNSAFE

# Characters that carry meaning inside a GFM table cell (inline text: never at a line start), each
# escaped with a backslash: emphasis, code, links and images (``[``/``]``: without them ``(``, ``)``
# and ``!`` are plain text), the cell pipe, strikethrough, math (``$``), GitHub's ``#123``
# references, and ``.``/``:`` so that no ``www.``, ``https://`` or e-mail autolink forms. Hyphens
# and ``+`` only mean something at the start of a line, so ids (``subnet-0abc…``) stay searchable.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]#|~:$.])")
# XML 1.0 allows tab, newline, carriage return and these ranges; anything else makes a parser fail.
_XML_INVALID = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# What GitHub links in a comment's text after rendering it (so a backslash escape no longer stands
# in the way): an "@" it could read as a mention (not after a letter or digit) or as the middle of
# an e-mail autolink (GFM's: a domain with a dot after it; also what mailto: and xmpp: links
# need), and an issue reference (``#1``, ``owner/repo#1``, ``GH-1``). A zero-width space after
# each breaks the link; the text reads the same. (An emoji's ``:name:`` is left: breaking it would
# put invisible characters into every ARN a reader copies from the comment.)
_GITHUB_LINK = re.compile(
    r"(?<![0-9A-Za-z])@|@(?=[0-9A-Za-z_-]+\.[0-9A-Za-z_-])|#(?=[0-9])|(?<![0-9A-Za-z])GH(?=-[0-9])",
    re.IGNORECASE,
)
_ZERO_WIDTH_SPACE = "\u200b"
# SARIF reads "[text](target)" in a plain-text message as an embedded link; a literal bracket (and
# so a literal backslash) is written with a backslash before it (SARIF 2.1.0, 3.11.6).
_SARIF_SPECIAL = re.compile(r"([\\\[\]])")


def markdown_text(value: object) -> str:
    """Make an untrusted string inert inline Markdown, safe inside a GFM table cell.

    Line breaks become spaces and ``UNSAFE`` characters '?'; HTML metacharacters become entities
    (no raw tag survives); Markdown punctuation is backslash-escaped (no emphasis, link, code span
    or table pipe); and what GitHub would turn into a mention, an e-mail, ``mailto:`` or ``xmpp:``
    link or an issue reference gets a zero-width space (GitHub's linkers run on the
    rendered text, so they see through backslash escapes and entities, not through the space):
    a tag value can neither ping a GitHub user or team, nor link an issue, nor make a link.
    """
    text = UNSAFE.sub("?", " ".join(str(value).split()))
    text = _GITHUB_LINK.sub(lambda m: m.group() + _ZERO_WIDTH_SPACE, text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def sarif_text(value: object) -> str:
    """An untrusted string for a SARIF plain-text message: no embedded link can form, no ``UNSAFE``
    character reaches a viewer or a terminal that prints it."""
    return _SARIF_SPECIAL.sub(r"\\\1", UNSAFE.sub("?", str(value)))


def xml_text(value: object) -> str:
    """Replace the characters XML 1.0 cannot carry, and the ``UNSAFE`` ones, with U+FFFD
    (ElementTree escapes ``<``, ``&`` and quotes itself)."""
    return UNSAFE.sub("\ufffd", _XML_INVALID.sub("\ufffd", str(value)))


def uri_segment(value: object, empty: str = "unknown") -> str:
    """One percent-encoded URI path segment; never empty, never containing ``/``, never a dot
    segment (``.`` or ``..``, which a viewer resolving the reference would remove or climb)."""
    text = str(value) if value is not None else ""
    if text in (".", ".."):
        return text.replace(".", "%2E")
    return quote(text, safe="") if text else empty


def uri_path(path: str) -> str:
    """A file path as a URI reference: forward slashes, each segment percent-encoded."""
    parts = path.replace("\\", "/").split("/")
    # ``:`` is encoded too: in a first segment it would make the reference absolute, with a scheme
    # (``javascript:x``, ``C:/proj``).
    return "/".join(quote(part, safe="@!$&'()*+,;=") if part else "" for part in parts) or "unknown"


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
    text = UNSAFE.sub("?", " ".join(str(value).split())).replace("|", "\\|")
    if not text:
        return "—"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
