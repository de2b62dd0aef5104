"""Cells as text: what a person sees in a cell, whitespace collapsed, and the control characters
no spreadsheet or document may hold (found, and removed)."""

from __future__ import annotations

import datetime as dt
import re

from ..text import clean, strip_illegal

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cell_text(v: object) -> str:
    """A cell as display text: whitespace collapsed; 2016.0 shown as 2016, a date as 2016-05-01."""
    if v is None:
        return ""
    if type(v) is str:
        if v.isprintable() and v[:1] != " " and v[-1:] != " " and "  " not in v:
            return v  # the usual cell: nothing to collapse (isprintable: no tab, newline, U+3000, U+200B)
        s = " ".join(v.split())
        if "\u200b" in s or "\ufeff" in s:
            s = " ".join(s.replace("\u200b", " ").replace("\ufeff", " ").split())
        return s
    if type(v) is float:
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    return clean(v)


def visible_text(v: object) -> tuple[str, bool]:
    """(the cell as text without the control characters no file may hold, whether any were removed)."""
    t = cell_text(v)
    if t and not t.isprintable() and ILLEGAL.search(t):
        return strip_illegal(t)[0], True
    return t, False
