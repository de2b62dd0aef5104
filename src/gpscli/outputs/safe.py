"""Neutralise text from submissions before it goes into files other programs will open."""

from __future__ import annotations

from ..text import strip_illegal

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def cell_text(value: str) -> str:
    """Text for a CSV or xlsx cell: never a formula (OWASP: prefix = + - @ tab CR with ')."""
    value, _ = strip_illegal(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value
