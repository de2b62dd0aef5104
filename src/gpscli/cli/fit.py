"""Screen tables that never cut a cell: the column widths are chosen here, not by rich.

Left to itself, rich narrows the widest columns of a table wider than the screen and, when that is
not enough, every column evenly: a number in a narrowed column shows as ``9606.…``. Here each
column has a least width (a number's column: its widest number, whole; a text's: one Chinese
character, or all of it where asked) and a natural one (its widest line). The columns get their
natural widths, the widest text narrowed first (its text wraps), none below its least. When even
the least widths do not fit, :func:`table` says so (None): the caller lays the table out another
way, or prints its rows as lines (:func:`lines`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..text import inert

Cell = Text | str
TEXT_LEAST = 2  # one Chinese character
HEAD_LEAST = 4  # a number's column is as wide as two Chinese characters: 项数, 金额 whole


@dataclass
class Head:
    """A column: its header (lines), and how narrow it may be."""

    name: str
    number: bool = False  # never narrower than its widest cell, nor two characters of its header (项数, 金额)
    whole: bool = False  # a text column kept as wide as its widest line (names not wrapped)
    least: int = TEXT_LEAST  # a text column no narrower (else the rows are listed as lines): 8 keeps names readable
    style: str | None = None

    @property
    def justify(self) -> Literal["left", "right"]:
        return "right" if self.number else "left"


def text(value: object, style: str = "") -> Text:
    """A cell from the data: control characters made visible, no markup read."""
    return Text(inert(value), style=style)


def _width(cell: Cell) -> int:
    plain = cell.plain if isinstance(cell, Text) else cell
    return max((cell_len(line) for line in plain.split("\n")), default=0)


def widths(heads: list[Head], rows: list[list[Cell]], room: int) -> list[int] | None:
    """Content widths (no padding or borders) for a table of ``room`` columns, or None when the
    columns cannot be that narrow without cutting a number."""
    natural, least = [], []
    for n, h in enumerate(heads):
        body = max((_width(r[n]) for r in rows), default=0)
        head_lines = h.name.split("\n")
        nat = max(body, *(cell_len(line) for line in head_lines), 1)
        natural.append(nat)
        if h.number:
            least.append(max(body, min(cell_len(head_lines[-1]), HEAD_LEAST)))
        else:
            least.append(nat if h.whole else min(nat, h.least))
    room -= 3 * len(heads) + 1  # a space either side of each column, and the borders
    if sum(least) > room:
        return None
    out = list(natural)
    excess = sum(out) - room
    while excess > 0:  # the widest column that can give gives one cell
        n = max((n for n in range(len(out)) if out[n] > least[n]), key=lambda n: out[n])
        out[n] -= 1
        excess -= 1
    return out


def table(heads: list[Head], rows: list[list[Cell]], room: int, *, title: Cell | None = None,
          footer: list[Cell] | None = None, sections: set[int] | None = None,
          bold: set[int] | None = None) -> Table | None:
    """A rich table of ``rows`` no wider than ``room``, every cell whole (wrapped, never cut), or None.
    ``sections``: the rows before which a rule is drawn; ``bold``: the rows in bold (subtotals)."""
    measured = rows + ([footer] if footer else [])
    w = widths(heads, measured, room)
    if w is None:
        return None
    t = Table(title=_cell(title) if title else None, title_justify="left", show_footer=footer is not None)
    for n, (h, width) in enumerate(zip(heads, w)):
        t.add_column(Text(h.name), footer=_cell(footer[n]) if footer else "", justify=h.justify, style=h.style,
                     width=width, overflow="fold", no_wrap=False)
    for n, row in enumerate(rows):
        if sections and n in sections:
            t.add_section()
        t.add_row(*map(_cell, row), style="bold" if bold and n in bold else None)
    return t


def _cell(c: Cell) -> Text:
    return c if isinstance(c, Text) else Text(c)  # a str is not read as markup either


def lines(console: Console, heads: list[Head], rows: list[list[Cell]]) -> None:
    """The rows as lines of text, for a screen too narrow for any table: wrapped between words (a
    number is a word, kept whole), a text longer than a line folded."""
    console.print(Text("  ".join(h.name.replace("\n", "") for h in heads), style="bold"), soft_wrap=False)
    for row in rows:
        console.print(Text("  ").join(map(_cell, row)), soft_wrap=False, overflow="fold")
