"""Run check of 合计/小计/总计 rows (and group headings that carry a subtotal) against their projects."""

from __future__ import annotations

from ..issues import Issue, make
from ..money import display
from ..records import TotalRow


def check_total(t: TotalRow) -> Issue | None:
    if t.amount is None or t.amount == t.expected:
        return None
    return make("total-mismatch", path=t.source.path, sheet=t.source.sheet, cell=t.cell, row=t.source.row,
                column=t.cell.rstrip("0123456789") if t.cell else None, value=str(t.amount),
                what=f"分组标题「{t.heading}」所带的小计" if t.heading else f"{t.kind}行金额",
                amount=display(t.amount, 6), side="下方" if t.above else "上方", rows=t.rows,
                expected=display(t.expected, 6), diff=display(t.amount - t.expected, 6))
