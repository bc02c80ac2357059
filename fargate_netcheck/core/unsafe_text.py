"""Characters no untrusted string may carry to a reader, shared by every output (reports, the
graph export): ``UNSAFE`` to replace, ``json_inert`` to escape them in JSON text."""

from __future__ import annotations

import re

# What no untrusted string may carry into a terminal, a comment or a viewer: C0 and C1 controls (a
# terminal's ESC and CSI sequences, carriage returns that forge lines), the line and paragraph
# separators, bidi marks, embeddings, overrides and isolates (which reorder what a reader sees),
# invisible characters (zero-width spaces and joiners, word joiners, the byte-order mark, Hangul
# fillers, Unicode tag characters: an id with one looks like the id without it), and lone
# surrogates (which no UTF-8 file can hold). Each becomes '?' (text, Markdown, SARIF) or U+FFFD
# (XML, HTML).
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\u3164\ud800-\udfff\ufeff\uffa0\U000e0000-\U000e007f]"
)
# The ``UNSAFE`` characters json leaves as they are (it escapes C0 controls itself; a lone surrogate
# is replaced where the text is encoded).
_UNSAFE_IN_JSON = re.compile(
    "[\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)


def json_inert(text: str) -> str:
    """JSON text with each ``UNSAFE`` character written as a ``\\u`` escape: a parser reads the same
    strings, a terminal the text is printed on gets nothing to act on, and every other character
    stays as it is (UTF-8, readable). Free for ASCII text, which most of a report is."""
    if text.isascii():
        return text
    return _UNSAFE_IN_JSON.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a surrogate pair, as JSON writes characters beyond the BMP
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"
