"""The 图表 sheet of the 汇总表 workbook: the amounts by each dimension of --by, as native Excel charts.

Each dimension gets a small table on the sheet (名称, 项数, 金额(万元), then 合计) and a chart whose
series and category labels reference that table's cells, so the chart stays a live chart a clerk can
restyle or re-colour in Excel or WPS, and stays right for any --by: the 汇总表 sheet's own layout
(a crosstab for two dimensions, a listing otherwise) has no contiguous range per dimension.
一级目录 is a pie (shares of the whole, when there are few categories); every other dimension a bar
chart, one bar per value, in the order of the 汇总表. A dimension with more values than a chart can
show legibly (purchasing units, say) gets its table and a note instead of a chart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .. import wording
from ..aggregate import DIMENSIONS, Aggregation, Figure
from .printing import for_a4
from .safe import cell_text

NUM = "#,##0.00"
MAX_BARS = 40  # more values than this: the table without a chart
MAX_SLICES = 8  # 一级目录 with more categories than this: bars rather than a pie
CHART_COLUMN = "E"  # the charts stand right of the tables (A:C)
ROW_CM = 0.53  # a row of the default height, in centimetres
AMOUNT_HEADER = "金额(万元)"


def chart_sheet(wb, agg: Aggregation, index: int) -> None:
    """Add the 图表 sheet at position ``index`` of ``wb``: a table and a chart per dimension of --by."""
    from openpyxl.styles import Font

    ws = wb.create_sheet(wording.CHART_SHEET, index)
    ws["A1"] = cell_text(f"{agg.region}{agg.year}年政府购买服务项目金额图表")
    ws["A1"].font = Font(name="宋体", bold=True, size=14)
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 14
    from openpyxl.worksheet.pagebreak import Break

    row = 3
    for n, dim in enumerate(agg.dimensions):
        if n:  # printed, each dimension's table and chart on a page of its own: no chart cut in two
            ws.row_breaks.append(Break(id=row - 1))
        row = _block(ws, agg, dim, row)
    for_a4(ws, landscape=True)


def _block(ws, agg: Aggregation, dim: str, top: int) -> int:
    """One dimension's table from row ``top``, and its chart beside it; returns the next free row."""
    from openpyxl.styles import Font

    label = DIMENSIONS[dim]
    values = agg.by[dim]
    bold = Font(name="宋体", bold=True)
    for c, head in enumerate((label, wording.TABLE_COUNT, AMOUNT_HEADER), start=1):
        ws.cell(row=top, column=c, value=head).font = bold
    for r, (name, f) in enumerate(values, start=top + 1):
        _figure_row(ws, r, cell_text(name), f)
    total_row = top + len(values) + 1
    _figure_row(ws, total_row, wording.TOTAL, Figure(sum(f.count for _, f in values),
                                                     sum((f.amount for _, f in values), Decimal(0))))
    for c in range(1, 4):
        ws.cell(row=total_row, column=c).font = bold
    if not values:
        return total_row + 2
    if len(values) > MAX_BARS:
        ws.cell(row=top, column=5, value=f"{label}共 {len(values)} 个,未作图(见左表)")
        return total_row + 2
    chart, height_cm = _chart(ws, agg, dim, top, top + len(values))
    ws.add_chart(chart, f"{CHART_COLUMN}{top}")
    return top + max(len(values) + 2, int(height_cm / ROW_CM) + 1) + 1


def _figure_row(ws, r: int, name: str, f: Figure) -> None:
    from openpyxl.styles import Alignment

    ws.cell(row=r, column=1, value=name)
    if f.count == 0:  # no project: the mark, not a zero (公文 tables leave no cell unexplained)
        for c in (2, 3):
            ws.cell(row=r, column=c, value=wording.NO_FIGURE).alignment = Alignment(horizontal="center")
        return
    ws.cell(row=r, column=2, value=f.count)
    ws.cell(row=r, column=3, value=float(f.amount)).number_format = NUM


def _chart(ws, agg: Aggregation, dim: str, header: int, last: int):
    """The chart of the amounts in C(header+1):C(last), labelled by A(header+1):A(last); and its height."""
    from openpyxl.chart import BarChart, PieChart, Reference
    from openpyxl.chart.data_source import AxDataSource, StrRef

    label = DIMENSIONS[dim]
    n = last - header
    amounts = Reference(ws, min_col=3, min_row=header, max_row=last)  # with its header: the series' name
    names = Reference(ws, min_col=1, min_row=header + 1, max_row=last)
    chart: BarChart | PieChart
    if dim == "category" and n <= MAX_SLICES:
        chart = PieChart()
        chart.dataLabels = _labels(percent=True)
        height = 9.0
    else:
        chart = BarChart()
        chart.type = "bar"  # horizontal: long Chinese names read across
        chart.x_axis.title = label
        chart.y_axis.title = AMOUNT_HEADER
        chart.x_axis.scaling.orientation = "maxMin"  # the first value on top, as in the table
        chart.y_axis.crosses = "max"  # and the amount axis at the bottom
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.y_axis.numFmt = "#,##0"
        chart.legend = None
        chart.dataLabels = _labels(percent=False)
        height = max(7.5, 0.75 * n + 3)  # room for every name: LibreOffice and WPS skip names that crowd
    chart.add_data(amounts, titles_from_data=True)
    for series in chart.series:  # the names as text (set_categories would call them numbers)
        series.cat = AxDataSource(strRef=StrRef(f=str(names)))
    chart.title = cell_text(f"{agg.year}年政府购买服务金额(按{label})")
    chart.width, chart.height = 18, height
    return chart, height


def _labels(percent: bool) -> Any:
    """Data labels with the value (bars) or the share (a pie) only: every other part said off, as
    LibreOffice and WPS take a part left unsaid as shown (the series and category names beside every bar)."""
    from openpyxl.chart.label import DataLabelList

    return DataLabelList(showVal=not percent, showPercent=percent, showSerName=False, showCatName=False,
                         showLegendKey=False, showLeaderLines=False)
