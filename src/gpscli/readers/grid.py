"""The common shape every reader produces: a sheet as a grid of cell values in Excel's coordinates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import islice
from typing import Any


class ReadError(Exception):
    """A file cannot be read. ``str(e)`` is a Chinese reason; becomes ``unreadable-file``."""


@lru_cache(maxsize=4096)
def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(row: int, col: int) -> str:
    """0-based (row, col) -> ``G5``."""
    return f"{col_letter(col)}{row + 1}"


class StreamedRows:
    """The rows of a big sheet, made into Python lists a window at a time from the parser's own grid.

    A sheet of hundreds of thousands of rows as Python lists costs more than the parser's grid
    itself (500,000 rows of 11 cells: about 500 MB); read window by window (:meth:`windows`), only
    the head (the title and header area) and the current window exist as lists. Any row can still be
    read, ``rows[i]``: ahead of the window by reading on, behind it by starting over (correct, and
    slow only for code that jumps back, which the readers of a sheet do not do).
    """

    __slots__ = ("_at", "_iter", "_lo", "_open", "_window", "head", "height", "width")

    def __init__(self, open_rows: Callable[[], Iterator[list[Any]]], height: int, width: int, head: int) -> None:
        self._open, self.height, self.width = open_rows, height, width
        self._iter = open_rows()
        self.head = list(islice(self._iter, head))
        self._at = len(self.head)  # the index of the row the iterator gives next
        self._lo = self._at
        self._window: list[list[Any]] = []

    def __len__(self) -> int:
        return self.height

    def __bool__(self) -> bool:
        return self.height > 0

    def _load(self, lo: int, size: int) -> None:
        """Make rows lo:lo+size the window."""
        if lo < self._at:  # behind the iterator: start over
            self._iter, self._at = self._open(), 0
        if lo > self._at:
            for _ in islice(self._iter, lo - self._at):
                pass
        self._window = list(islice(self._iter, size))
        self._lo, self._at = lo, lo + len(self._window)

    def __getitem__(self, i: int) -> list[Any]:
        if not isinstance(i, int):
            raise TypeError("StreamedRows: one row at a time, or windows()")
        if i < 0:
            i += self.height
        if not 0 <= i < self.height:
            raise IndexError(i)
        if i < len(self.head):
            return self.head[i]
        if not self._lo <= i < self._lo + len(self._window):
            self._load(i, WINDOW_ROWS)
        return self._window[i - self._lo]

    def __iter__(self) -> Iterator[list[Any]]:
        yield from self.head
        yield from islice(self._open(), len(self.head), None)

    def windows(self, begin: int, end: int, size: int) -> Iterator[tuple[int, list[list[Any]]]]:
        """(first index, rows) for rows begin:end in windows of ``size``; each becomes the window
        ``rows[i]`` reads while it is being used."""
        lo = begin
        while lo < end:
            if lo < len(self.head):
                chunk = self.head[lo:min(end, len(self.head))]
            else:
                self._load(lo, min(size, end - lo))
                chunk = self._window
            if not chunk:
                return
            yield lo, chunk
            lo += len(chunk)


WINDOW_ROWS = 4096  # rows of a streamed sheet made into lists at a time (plain.CHUNK: one pass each)


def row_windows(rows: list[list[Any]] | StreamedRows, begin: int, end: int) -> Iterator[tuple[int, list[list[Any]]]]:
    """Rows begin:end as (first index, rows): one piece for a list, windows for a streamed sheet."""
    if isinstance(rows, StreamedRows):
        yield from rows.windows(begin, end, WINDOW_ROWS)
    elif end > begin:
        yield begin, rows[begin:end]


@dataclass
class SheetGrid:
    """Cells of one sheet. ``rows[i][j]`` is the cell at absolute 0-based (row0 + i, col0 + j).

    ``flags`` marks cells whose value must not be trusted: ``formula-without-value`` or
    ``formula-error`` (the cached value is an error such as #DIV/0!, kept in ``errors``).

    ``hidden_rows`` and ``hidden_cols``: absolute 0-based indices (as ``row0``/``col0``) of the rows and
    columns the sheet hides (hidden by hand, collapsed in an outline, or filtered out by an AutoFilter),
    those inside the grid only (under ``end_row`` / ``end_col``). Read from xlsx/xlsm, xls and ods;
    always empty for xlsb, CSV and HTML.
    """

    name: str
    rows: list[list[Any]]  # or, for a big sheet, StreamedRows (see readers.excel)
    row0: int = 0
    col0: int = 0
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r1, c1, r2, c2) inclusive
    hidden: bool = False
    flags: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()

    def value(self, row: int, col: int) -> Any:
        i, j = row - self.row0, col - self.col0
        if 0 <= i < len(self.rows):
            r = self.rows[i]
            if 0 <= j < len(r):
                return r[j]
        return None

    @property
    def end_row(self) -> int:
        return self.row0 + len(self.rows)

    @cached_property
    def end_col(self) -> int:
        rows = self.rows
        if isinstance(rows, StreamedRows):
            return self.col0 + rows.width
        return self.col0 + max(map(len, rows), default=0)

    def merged_value(self, row: int, col: int) -> Any:
        """The value shown in a cell, including the top-left value of a merged range over it."""
        v = self.value(row, col)
        if v not in (None, ""):
            return v
        for r1, c1, r2, c2 in self.merged:
            if r1 <= row <= r2 and c1 <= col <= c2:
                return self.value(r1, c1)
        return v


@dataclass
class WorkbookData:
    format: str  # xlsx | xls | ods | xlsb | csv | html
    sheets: list[SheetGrid]
    encoding: str | None = None
