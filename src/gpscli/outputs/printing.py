"""How every sheet gps writes prints: on A4, one page wide, header rows on every page, page numbers.

One function, :func:`for_a4`, used by every writer (the 汇总表 workbook, gps status, the annotated
copies' 问题清单, the blank template), so that each rule of the page is set in one place.
"""

from __future__ import annotations

import math
import unicodedata

FOOTER = "第 &P 页,共 &N 页"  # &P: this page, &N: the number of pages (Excel's and WPS's codes)
# The widest a sheet's columns may be (in Excel's column-width units, about one digit each) to print
# in portrait at full size with the margins below: 210 mm less 2 × 0.4 in, at 7 pixels a unit.
PORTRAIT_COLUMNS = 100
DEFAULT_WIDTH = 8.43  # a column whose width was never set
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.3, "footer": 0.3}  # inches


def for_a4(ws, landscape: bool | None = None, title_rows: str | None = None) -> None:
    """Set up worksheet ``ws`` to print on A4: fit to one page wide (as many pages long as it
    takes), ``title_rows`` (e.g. ``"3:4"``) repeated at the top of every page, "第 1 页,共 3 页" in
    the footer. ``landscape`` None: landscape when the columns are wider than a portrait page."""
    from openpyxl.worksheet.page import PageMargins

    if landscape is None:
        landscape = columns_width(ws) > PORTRAIT_COLUMNS
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages long as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**MARGINS)
    ws.print_options.horizontalCentered = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = FOOTER


def columns_width(ws) -> float:
    """The width of the sheet's used columns, hidden ones left out."""
    from openpyxl.utils import get_column_letter

    total = 0.0
    for n in range(1, ws.max_column + 1):
        dim = ws.column_dimensions.get(get_column_letter(n))
        if dim is None:
            total += DEFAULT_WIDTH
        elif not dim.hidden:
            total += dim.width or DEFAULT_WIDTH
    return total


def text_lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide (a Chinese character takes
    two units): for the height of a row of wrapped text, which openpyxl does not compute."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, math.ceil(units / max(1.0, width - 2)))
