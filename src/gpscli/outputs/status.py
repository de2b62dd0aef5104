"""报送情况 (gps status, gps run) as an xlsx workbook that prints on A4."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..ledger.status import Status

HEADERS = ("地区", "状态", "版本", "收到时间", "项目数", "金额(万元)", "错误", "报送单位")


def status_xlsx(st: Status) -> bytes:
    """The 报送情况 sheet as an xlsx workbook."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    from ..outputs.safe import cell_text
    from ..periods import local_text
    from .printing import for_a4

    wb = Workbook()
    ws = wb.active
    ws.title = "报送情况"
    deadline = f"(截止 {st.deadline.isoformat()})" if st.deadline else ""
    ws.append([f"{st.period.text}政府购买服务项目报送情况{deadline}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(list(HEADERS))
    for c in ws[2]:
        c.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FFC7CE")
    for x in st.lines:
        ws.append([cell_text(x.jurisdiction), x.shown_status, x.version, local_text(x.received_at),
                   x.rows if x.counted else None, x.amount if x.rows else None, x.errors or None,
                   cell_text("、".join(x.submitters))])
        ws.cell(row=ws.max_row, column=6).number_format = "0.00"
        if x.needs_reminder:
            ws.cell(row=ws.max_row, column=2).fill = red
    for letter, width in zip("ABCDEFGH", (24, 16, 6, 18, 8, 12, 6, 30)):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A3"
    for_a4(ws, landscape=True, title_rows="1:2")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
