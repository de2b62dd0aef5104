"""gps aggregate's table on the screen: every number whole, whatever the width.

Two dimensions make a cross table (rows by the first, a 项数 and a 金额 column for each value of the
second, totals both ways) when it fits the screen; when it does not, the same figures are listed a
combination a line, with a subtotal for each value of the first dimension and the totals of the
second (and a note that says so). One or three and more dimensions are listed a combination a line.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from .. import wording
from ..aggregate import DIMENSIONS
from ..text import inert
from .fit import Cell, Head, lines, table, text


def print_aggregation(console: Console, agg) -> None:
    title = Text(f"{agg.region}{agg.year}年政府购买服务项目汇总(项、万元)")
    room = console.width
    shown = _crosstab(agg, room, title) if len(agg.dimensions) == 2 else None
    note = None
    if shown is None:
        heads, rows, footer, sections, bold = _long(agg) if len(agg.dimensions) == 2 else _listing(agg)
        shown = table(heads, rows, room, title=title, footer=footer, sections=sections, bold=bold)
        if len(agg.dimensions) == 2:
            note = (f"按{DIMENSIONS[agg.dimensions[1]]}分列的表宽于 {room} 列,已逐行列出;"
                    "分列的表可用 --out 汇总表.xlsx 输出")
        if shown is None:  # narrower than any table: lines the terminal wraps
            console.print(title)
            lines(console, heads, [*rows, footer])
    if shown is not None:
        console.print(shown)
    if note:
        console.print(Text(note, style="dim"))
    from ..outputs.tables import ROUNDING_NOTE, has_sub_fen_display

    if has_sub_fen_display(agg):
        console.print(ROUNDING_NOTE, style="dim")
    console.print(text(submissions_line(agg)))


def figure(f) -> list[Cell]:
    """项数 and 金额 as the table shows them: a figure of no project (a category a jurisdiction did
    not buy) shows the mark wording.NO_FIGURE, as the 汇总表 workbook does."""
    from ..money import display

    if f is None or f.count == 0:
        return [wording.NO_FIGURE, wording.NO_FIGURE]
    return [str(f.count), display(f.amount)]


def _crosstab(agg, room: int, title: Text):
    """The cross table, or None when it is wider than ``room`` (the row names kept whole)."""
    row_dim, col_dim = agg.dimensions
    cols = [name for name, _ in agg.by[col_dim]]
    cells = dict(agg.cells)
    heads = [Head(DIMENSIONS[row_dim], whole=True)]
    for c in cols:  # a newline in a name from the data made visible, not a header line
        heads += [Head(f"{inert(c)}\n项数", number=True), Head("金额", number=True)]
    heads += [Head(f"{wording.TOTAL}\n项数", number=True, style="bold"), Head("金额", number=True, style="bold")]
    rows: list[list[Cell]] = []
    for rv, f in agg.by[row_dim]:
        row: list[Cell] = [text(rv)]
        for c in cols:
            row += figure(cells.get((rv, c)))
        rows.append(row + figure(f))
    by_col = dict(agg.by[col_dim])
    footer: list[Cell] = [wording.TOTAL]
    for c in cols:
        footer += figure(by_col[c])
    footer += figure(agg.total)
    return table(heads, rows, room, title=title, footer=footer)


def _long(agg):
    """The two dimensions a combination a line: a section for each value of the first, with its
    subtotal (小计), then the totals of each value of the second; 合计 last."""
    row_dim, col_dim = agg.dimensions
    heads = [Head(DIMENSIONS[row_dim]), Head(DIMENSIONS[col_dim]), Head(wording.TABLE_COUNT, number=True),
             Head("金额", number=True)]
    of: dict[str, list] = {}
    for (rv, cv), f in agg.cells:
        of.setdefault(rv, []).append((cv, f))
    rows: list[list[Cell]] = []
    sections: set[int] = set()
    bold: set[int] = set()
    for rv, f in agg.by[row_dim]:
        if rows:
            sections.add(len(rows))
        mine = of.get(rv, [])
        for n, (cv, cf) in enumerate(mine):
            rows.append([text(rv) if n == 0 else "", text(cv), *figure(cf)])
        bold.add(len(rows))
        rows.append(["" if mine else text(rv), "小计", *figure(f)])
    sections.add(len(rows))
    for n, (cv, f) in enumerate(agg.by[col_dim]):
        rows.append([f"按{DIMENSIONS[col_dim]}" if n == 0 else "", text(cv), *figure(f)])
    footer: list[Cell] = [wording.TOTAL, "", *figure(agg.total)]
    return heads, rows, footer, sections, bold


def _listing(agg):
    """One or three and more dimensions: a line for each combination, then 合计."""
    dims = agg.dimensions
    heads = [*(Head(DIMENSIONS[d]) for d in dims), Head(wording.TABLE_COUNT, number=True), Head("金额", number=True)]
    rows: list[list[Cell]] = [[*(text(v) for v in key), *figure(f)] for key, f in agg.cells]
    footer: list[Cell] = [wording.TOTAL, *[""] * (len(dims) - 1), *figure(agg.total)]
    return heads, rows, footer, set(), set()


def submissions_line(agg) -> str:
    missing = [s.jurisdiction for s in agg.submissions if not s.submitted and not s.unread and not s.zero]
    unread = [s.jurisdiction for s in agg.submissions if not s.submitted and s.unread]
    zero = [s.jurisdiction for s in agg.submissions if not s.submitted and s.zero]
    done = len(agg.submissions) - len(missing) - len(unread) - len(zero)
    line = f"报送情况:{done}/{len(agg.submissions)} 个地区有 {agg.year} 年数据"
    if zero:
        line += f";零报告:{'、'.join(zero)}"
    if unread:
        line += f";有文件但未读出数据:{'、'.join(unread)}"
    return line + (f";未报送:{'、'.join(missing)}" if missing else "。")
