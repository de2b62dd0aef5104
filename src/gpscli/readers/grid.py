"""The common shape every reader produces: a sheet as a grid of cell values in Excel's coordinates."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
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
    rows: list[list[Any]]
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
        return self.col0 + max(map(len, self.rows), default=0)

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
