"""Hidden rows and columns of an xlsx sheet, from its XML (calamine does not report them).

A clerk does not see a hidden row (hidden by hand, or by an AutoFilter) nor a hidden column; gps
reads them and says so at their place, so it must know which they are.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .bytescan import ROW_ATTR_R, TAG_REST, num
from .bytescan import find as led_find

if TYPE_CHECKING:
    from .xlsx_scan import SheetScan

_HIDDEN = b"hidden"
_HIDDEN_TRUE = re.compile(rb"""(?:^|\s)hidden\s*=\s*["']\s*(?:1|true)\s*["']""")
_ROW_START = re.compile(rb"<(?:[\w.-]+:)?row(?=[\s/>])" + TAG_REST)
_COL_START = re.compile(rb"<(?:[\w.-]+:)?col(?=[\s/>])" + TAG_REST)
_ATTR_MIN = re.compile(rb"""(?:^|\s)min\s*=\s*["']\s*(\d+)""")
_ATTR_MAX = re.compile(rb"""(?:^|\s)max\s*=\s*["']\s*(\d+)""")
_TAG_REACH = 1024  # how far from the word "hidden" its tag may start and end
_ONE_BY_ONE = 32  # hidden rows read word by word before judging: a quarter of the rows hidden? then one pass
_PREFIX = re.compile(rb"(?:[\w.-]+:)?")


def hidden_cells(data: bytes, scan: SheetScan) -> None:
    """Hidden rows and columns of a sheet, into ``scan`` as 0-based ranges.

    A row is hidden by ``hidden="1"`` (or ``"true"``) on its ``<row>`` tag, also when an AutoFilter
    hid it; a column by a ``<col min=".." max=".." hidden="1">`` covering it (in ``<cols>``, before
    ``<sheetData>``). Most sheets hide nothing and never hold the word "hidden": one fast search
    (led by its rarest letter in this sheet) says so. Otherwise the ``<col>`` tags are read, and
    each "hidden" inside sheetData is taken back to its tag: a ``<row>`` tag gives its r="". A row
    without r="" follows the previous one, as calamine places it: then, and when rows are hidden by
    the hundred (an AutoFilter), every row tag is read in one pass instead (:func:`_hidden_rows_bulk`).
    """
    end = len(data)
    rare = _rare_letter(data)
    at = led_find(data, _HIDDEN, rare, 0, end)
    if at < 0:
        return
    body = data.find(b"sheetData")
    if body < 0:
        body = end
    if at < body:
        for m in _COL_START.finditer(data, 0, body):
            a = m.group(1)
            if _HIDDEN in a and _HIDDEN_TRUE.search(a):
                lo, hi = _ATTR_MIN.search(a), _ATTR_MAX.search(a)
                if lo and hi:
                    first, last = max(num(lo.group(1)) - 1, 0), num(hi.group(1)) - 1
                    if first <= last:
                        scan.hidden_cols.append((first, last))
        at = led_find(data, _HIDDEN, rare, body, end)
    close = data.rfind(b"sheetData>")  # </sheetData>: what follows (autoFilter's hiddenButton...) holds no row
    _hidden_rows(data, body, close if close > body else end, at, rare, scan.hidden_rows)


def _hidden_rows(data: bytes, body: int, end: int, at: int, rare: int, rows: list[tuple[int, int]]) -> None:
    """Hidden rows of sheetData (from ``body`` to ``end``), from each word "hidden" on (the first at
    ``at``): a visible row costs nothing; a hidden row, its tag found and read (inline: a filtered
    sheet hides thousands). After _ONE_BY_ONE hidden rows, if a quarter of the rows so far were
    hidden, the rest would cost more word by word than all row tags in one pass: then that."""
    find, rfind, startswith, hidden_in = data.find, data.rfind, data.startswith, _HIDDEN_TRUE.search
    found = 0
    while 0 <= at < end:
        after = at + 6  # len(_HIDDEN)
        # The tag around the word: from the "<" before it to the ">" after it, none in between (each
        # looked for within _TAG_REACH: a hostile file full of the word costs memchr steps, no more).
        lt = rfind(b"<", max(at - _TAG_REACH, 0), at)
        gt = find(b">", after, min(after + _TAG_REACH, end))
        if lt >= 0 and gt >= 0 and find(b">", lt, at) < 0:
            after = gt + 1
            q = find(b'"', lt + 8, at) if startswith(b'<row r="', lt) else -1
            digits = data[lt + 8:q] if q > 0 else b""
            if digits.isdigit():  # the usual form, read without a regex
                row = _row_index(digits) if hidden_in(data, at - 1, gt) else -2  # none before `at`
            else:
                row = _hidden_row(data, lt, gt)
            if row >= -1:
                found += 1
                if row < 0 or (found == _ONE_BY_ONE and found * 4 >= data.count(b"row ", body, at)):
                    rows.clear()  # rows placed by position, or many rows hidden: one pass over them all
                    _hidden_rows_bulk(data, body, end, rows, found)
                    return
                if rows and rows[-1][1] == row - 1:
                    rows[-1] = (rows[-1][0], row)  # a block of hidden rows: one range
                else:
                    rows.append((row, row))
        at = find(_HIDDEN, after, end) if rare < 0 else led_find(data, _HIDDEN, rare, after, end)


def _hidden_row(data: bytes, lt: int, gt: int) -> int:
    """The tag from ``lt`` to ``gt``, which holds the word "hidden": the 0-based row it hides; -1 for
    a hidden row without r=""; -2 if it is no row tag or does not hide its row."""
    m = _ROW_START.match(data, lt, gt + 1)
    if m is None or not _HIDDEN_TRUE.search(a := m.group(1)):
        return -2
    r = ROW_ATTR_R.search(a)
    return -1 if r is None else _row_index(r.group(1))


def _row_index(digits: bytes) -> int:
    """0-based row of r="digits"; -2 for r="0" (no such row)."""
    n = num(digits) - 1
    return n if n >= 0 else -2


def _hidden_rows_bulk(data: bytes, body: int, end: int, rows: list[tuple[int, int]], least: int) -> None:
    """Hidden rows of sheetData (``body`` at its name, to ``end``) in one pass, under the prefix of
    <sheetData> (<x:row> in <x:sheetData>). One C-level search gives the r="" of every hidden row
    tag; a visible row costs a few regex steps. Only if a hidden row tag does not start with its r="",
    or the search finds fewer than the ``least`` hidden rows already met (row tags under another
    prefix), is every row tag placed as calamine places it (a row without r="" follows the previous)."""
    lt = data.rfind(b"<", max(body - 64, 0), body)
    prefix = data[lt + 1:body] if lt >= 0 else b""
    hidden, every = _row_patterns(prefix if _PREFIX.fullmatch(prefix) else None)
    found = hidden.findall(data, body, end) if hidden is not None else [b""]
    if len(found) >= least and all(found):  # every hidden row tag starts with its r="" (as writers put it)
        first = last = -2
        for digits in found:
            row = int(digits) - 1 if len(digits) <= 15 else _row_index(digits)
            if row == last + 1:
                last = row  # a block of hidden rows: one range
                continue
            if first >= 0:
                rows.append((first, last))
            first = last = row
        if first >= 0:
            rows.append((first, last))
        return
    row = -1
    for m in every.finditer(data, body, end):
        a = m.group(1)
        r = ROW_ATTR_R.search(a)
        row = num(r.group(1)) - 1 if r else row + 1
        if _HIDDEN in a and _HIDDEN_TRUE.search(a):
            _add_index(rows, row)


@lru_cache(maxsize=16)
def _row_patterns(prefix: bytes | None) -> tuple[re.Pattern | None, re.Pattern]:
    """For row tags under ``prefix`` (None: an odd one, any prefix): hidden row tags, giving their r=""
    if it comes first (possessive: a visible row fails in one go, no backtracking), and every row tag."""
    if prefix is None:
        return None, _ROW_START
    tag = b"<" + re.escape(prefix) + b"row(?=[\\s/>])"
    hidden = re.compile(tag + rb'''(?:\s+r\s*=\s*"(\d+)")?+(?:[^>h]++|(?<!\s)h|h(?!idden))*+'''
                        rb'''hidden\s*=\s*["']\s*(?:1|true)\s*["']''')
    return hidden, re.compile(tag + TAG_REST)


def _add_index(ranges: list[tuple[int, int]], i: int) -> None:
    """Add index ``i``, extending the last range when it follows it (a filtered block of rows)."""
    if i < 0:
        return
    if ranges and ranges[-1][1] == i - 1:
        ranges[-1] = (ranges[-1][0], i)
    else:
        ranges.append((i, i))


def _rare_letter(data: bytes) -> int:
    """Which letter of "hidden" leads the search (an index for :func:`_find`): h, d or i, the first
    absent from 2 KB in the middle of the sheet (one memchr each). Writers differ: h is in every
    ht="" and customHeight, d in Excel's x14ac:dyDescent on every row, i in customHeight and
    inlineStr. If all three are there, each is met at least once a window: the plain search (-1)."""
    mid = len(data) // 2
    for i in (0, 2, 1):
        if data.find(_HIDDEN[i:i + 1], mid, mid + 2048) < 0:
            return i
    return -1
