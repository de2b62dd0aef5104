"""Text keys for matching what people type against canonical names."""

from __future__ import annotations

import difflib
import re
import unicodedata

_SPACE = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．)）]|[①-⑳])")
_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』《》*＊")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """A cell as display text: NFKC-free, whitespace collapsed and trimmed."""
    if text is None:
        return ""
    return _SPACE.sub(" ", str(text)).strip()


def key(text: object) -> str:
    """Matching key: full-width folded, no spaces, quotes or leading ordinals (一、 (一) 1.)."""
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = _SPACE.sub("", s).translate(_QUOTES)
    s = _ORDINAL.sub("", s)
    return s.lower()


_DROP_CHARS = " \t\r\n\u3000\u00a0\u200b\ufeff\"'“”‘’「」『』《》"
_DROP = re.compile(f"[{_DROP_CHARS}]")


def fold(text: str) -> str:
    """NFKC (full width folded), no spaces or quotes, lower case; several names joined by NUL fold
    as each would alone. Written with ``normalize``, ``re`` and ``lower``, each far quicker than
    ``str.translate`` on Chinese text; on a long text (a column of names joined), looking for each
    of the characters to drop is quicker still than the regular expression, which then runs only
    if one is there."""
    s = unicodedata.normalize("NFKC", text)
    if len(s) < 256 or any(map(s.__contains__, _DROP_CHARS)):
        s = _DROP.sub("", s)
    return s.lower()


def ident(text: str) -> str:
    """Identity of a name for duplicate detection (:func:`fold`): the fast path of :func:`key` for
    names (no ordinals stripped)."""
    folded = fold(text)
    return text if folded == text else folded  # the same object: pickled once, not twice


def closest(text: str, candidates: list[str], cutoff: float = 0.5) -> str | None:
    """The candidate most like ``text`` (for 'did you mean' hints), or None."""
    k = key(text)
    if not k:
        return None
    keyed = {key(c): c for c in candidates}
    hits = difflib.get_close_matches(k, list(keyed), n=1, cutoff=cutoff)
    if hits:
        return keyed[hits[0]]
    # A name that contains the text, or is contained in it (高新 -> 昌吉高新技术产业开发区).
    contains = [c for kc, c in keyed.items() if len(k) >= 2 and (k in kc or kc in k)]
    return contains[0] if len(contains) == 1 else None


def strip_illegal(text: str) -> tuple[str, bool]:
    """Remove characters XML 1.0 forbids; report whether any were removed."""
    cleaned = _ILLEGAL_XML.sub("", text)
    return cleaned, cleaned != text


# Characters that act on a terminal or reorder text instead of showing: C0 and C1 controls (ESC
# starts ANSI sequences; CR and BS overwrite; a newline forges a line), DEL, and the bidirectional
# overrides and isolates (which make "txt.exe" look like "exe.txt").
_ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _picture(m: re.Match) -> str:
    c = ord(m.group())
    if c < 0x20:
        return chr(0x2400 + c)  # ␛ ␤ ␉ ␍ ...: the control picture, one column wide
    if c == 0x7F:
        return "\u2421"  # ␡
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def inert(text: object) -> str:
    """Text from a file (a cell, a sheet or file name) as it may be shown on a terminal or written
    to a log: every control character made visible (ESC as ␛, a newline as ␤...), nothing that a
    terminal would act on, and one line stays one line."""
    s = str(text)
    if s.isprintable():
        return s
    return _ACTIVE.sub(_picture, s)
