"""The 信息公开 table of a year: one row per project, with the fields 财预〔2017〕87号 has published.

The columns, in this fixed order (:data:`COLUMNS`):

    序号, 地区, 购买主体, 项目名称, 一级目录, 二级目录, 购买方式, 承接主体, 合同金额(万元),
    分年资金安排, 合同期限, 绩效评价

* 购买服务目录 is two columns (一级目录, 二级目录), as in the submission and the 明细 sheet, so
  that the published table can be filtered by either.
* 合同金额(万元): the row's 合同金额 where the register gives one, otherwise the row's 金额 (the
  amount gps counts). The xlsx says so on its 说明 sheet, with how many rows took 金额.
* 合同期限: the stated term (``12个月``, ``2年``), followed by the contract's dates where both are
  given (``1年(2016-01-01至2016-12-31)``); without a stated term, the dates alone.
* Nothing else: no 统一社会信用代码, 预算金额, 执行数, 填表人 or telephone (the rules do not list them).

Amounts stay exact: ``Decimal`` in the rows, exact text in CSV, a number shown with two decimals
in xlsx. Every text from a submission goes through :func:`.safe.cell_text` (never a formula).
Files are written atomically and never over a file gps did not write (:mod:`.atomic`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..money import amount_str
from .atomic import atomic_open, write_bytes
from .safe import cell_text

if TYPE_CHECKING:
    from ..aggregate import Aggregation
    from ..records import ProjectRecord

COLUMNS = ("序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录", "购买方式", "承接主体", "合同金额(万元)",
           "金额来源", "分年资金安排", "合同期限", "绩效评价")
FROM_CONTRACT, FROM_AMOUNT = "合同金额", "报送金额(未填合同金额)"
AMOUNT_INDEX = COLUMNS.index("合同金额(万元)")
SUFFIXES = (".xlsx", ".csv")
SHEET, NOTES_SHEET = "信息公开", "说明"
NUM = "#,##0.00"
_WIDTHS = (6, 14, 28, 34, 20, 20, 12, 28, 14, 16, 28, 26, 14)


@dataclass(frozen=True)
class PublicRow:
    """One project as published. Texts are as the submission gave them (neutralised on writing)."""

    seq: int
    jurisdiction: str
    unit: str
    name: str
    category: str
    subcategory: str
    method: str
    supplier: str
    amount: Decimal  # 万元: 合同金额 where given, else the row's 金额
    from_contract: bool  # amount is the 合同金额 (False: the row's 金额)
    annual_plan: str
    term: str
    performance: str
    individual: bool = False  # the supplier is a person (承接主体类型 个人): a name to check before publishing

    def values(self) -> list[Any]:
        """The row in :data:`COLUMNS` order (amount a Decimal, the rest text or the 序号)."""
        return [self.seq, self.jurisdiction, self.unit, self.name, self.category, self.subcategory, self.method,
                self.supplier, self.amount, FROM_CONTRACT if self.from_contract else FROM_AMOUNT, self.annual_plan,
                self.term, self.performance]


@dataclass(frozen=True)
class Publication:
    year: int
    region: str
    rows: tuple[PublicRow, ...]

    @property
    def title(self) -> str:
        return f"{self.region}{self.year}年政府购买服务项目信息公开表"

    @property
    def amount_fallbacks(self) -> int:
        """Rows without a 合同金额, published with their 金额."""
        return sum(not r.from_contract for r in self.rows)

    @property
    def individuals(self) -> list[int]:
        """序号 of the rows whose supplier is a person."""
        return [r.seq for r in self.rows if r.individual]


def publication(agg: Aggregation) -> Publication:
    """The 信息公开 table of the records an aggregation counted (its year; the valid rows only,
    since :func:`gpscli.api.aggregate` refuses data with errors unless told to skip them), in the
    profile's order of jurisdictions, then file and row as read."""
    order = {s.jurisdiction: n for n, s in enumerate(agg.submissions)}
    records = sorted(agg.records, key=lambda r: (order.get(r.jurisdiction, len(order)), r.source.path,
                                                 r.source.sheet, r.source.row))
    return Publication(agg.year, agg.region, tuple(public_row(n, r) for n, r in enumerate(records, start=1)))


def public_row(seq: int, r: ProjectRecord) -> PublicRow:
    extra = r.extra
    contract = extra.get("contract_amount")
    amount = contract if isinstance(contract, Decimal) else r.amount
    return PublicRow(seq, r.jurisdiction, r.unit, r.name, r.category, r.subcategory or "", r.method or "",
                     r.supplier or "", amount, isinstance(contract, Decimal),
                     _text(extra.get("annual_plan")), term_text(extra), _text(extra.get("performance")),
                     extra.get("supplier_type") == "个人")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return amount_str(value)
    return str(value).strip()


def months_text(months: int | Decimal) -> str:
    """12 -> 1年, 24 -> 2年, 18 -> 18个月, 1.5 -> 1.5个月."""
    if months > 0 and months % 12 == 0:
        return f"{amount_str(Decimal(months) / 12)}年"
    return f"{amount_str(Decimal(months))}个月"


def term_text(extra: Mapping[str, object]) -> str:
    """合同期限 as published: the stated term, then the contract's dates where both are given."""
    term, start, end = extra.get("term"), extra.get("start"), extra.get("end")
    stated = months_text(term) if isinstance(term, int | Decimal) and not isinstance(term, bool) else ""
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        dates = f"{start.isoformat()}至{end.isoformat()}"
        return f"{stated}({dates})" if stated else dates
    if stated:
        return stated
    if isinstance(start, dt.date):
        return f"{start.isoformat()}起"
    if isinstance(end, dt.date):
        return f"至{end.isoformat()}"
    return ""


def _cells(row: PublicRow) -> list[Any]:
    """A row for a file: texts neutralised (never a formula), the amount left for the writer."""
    return [cell_text(v) if isinstance(v, str) else v for v in row.values()]


# ---- csv --------------------------------------------------------------------------------------

def to_csv(pub: Publication) -> str:
    """The header, then one line per project; amounts as exact decimal text (万元). UTF-8 with a
    BOM, so that Excel opens it in Chinese (strip the BOM for a pipe)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in pub.rows:
        cells = _cells(row)
        cells[AMOUNT_INDEX] = amount_str(row.amount)
        w.writerow(cells)
    return "\ufeff" + buf.getvalue()


# ---- xlsx -------------------------------------------------------------------------------------

def write_xlsx(pub: Publication, path: Path, force: bool = False) -> None:
    with atomic_open(path, "wb", force=force) as fh:
        fh.write(xlsx_bytes(pub))


def xlsx_bytes(pub: Publication) -> bytes:
    """The 信息公开 sheet (header in row 1, a project a row, amounts shown with two decimals, frozen
    header, a filter, A4 landscape) and a 说明 sheet on where the figures come from."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from .xlsx_rows import append_rows

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(list(COLUMNS))
    for c in ws[1]:
        c.font = Font(name="宋体", bold=True, size=11)
        c.fill = PatternFill("solid", fgColor="F2F2F2")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    rows = [_xlsx_cells(r) for r in pub.rows]
    if rows:  # the first row through openpyxl, for its styles; the rest by append_rows (fast)
        ws.append(rows[0])
        for c in ws[2]:
            c.font = Font(name="宋体", size=11)
            c.alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row=2, column=AMOUNT_INDEX + 1).number_format = NUM
    for n, width in enumerate(_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    ws.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _notes_sheet(wb, pub)
    buf = io.BytesIO()
    wb.save(buf)
    return append_rows(buf.getvalue(), SHEET, rows[1:], max(0, len(rows) - 1), first_row=3, width=len(COLUMNS))


def _xlsx_cells(row: PublicRow) -> list[Any]:
    cells = _cells(row)
    cells[AMOUNT_INDEX] = float(row.amount)  # xlsx stores numbers as doubles; shown with two decimals
    return cells


def notes(pub: Publication) -> list[str]:
    """What the 说明 sheet says: the table, and where its 合同金额 comes from."""
    lines = [f"{pub.title}:{len(pub.rows)} 个项目,金额单位为万元。",
             "合同金额:取报送表的“合同金额”栏;未填合同金额的项目,填的是报送表的“金额”栏。"]
    if pub.amount_fallbacks:
        lines.append(f"本表有 {pub.amount_fallbacks} 个项目未填合同金额,合同金额栏为其“金额”(金额来源栏写明"
                     f"“{FROM_AMOUNT}”)。")
    if pub.individuals:
        lines.append(f"序号 {'、'.join(map(str, pub.individuals))} 的承接主体是个人,公开前请核实是否应隐去姓名。")
    lines.append("合同期限:报送表的“合同期限”,有合同起止日期的并列日期;未填期限的只列起止日期。")
    return lines


def _notes_sheet(wb, pub: Publication) -> None:
    ws = wb.create_sheet(NOTES_SHEET)
    for line in notes(pub):
        ws.append([cell_text(line)])
    ws.column_dimensions["A"].width = 100


# ---- files ------------------------------------------------------------------------------------

def write(pub: Publication, path: Path, force: bool = False) -> Path:
    """Write the table in the format its suffix names (.xlsx or .csv), atomically; an existing file
    gps did not write (or that was edited since) is replaced only with ``force``."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(pub, path, force=force)
    elif suffix == ".csv":
        from .safe import csv_bom

        write_bytes(path, csv_bom(to_csv(pub)).encode("utf-8"), force=force)
    else:
        from ..errors import UsageError

        raise UsageError(f"信息公开表的扩展名应为 {suffix_text()}:{path}")
    return path


def suffix_text(suffixes: Sequence[str] = SUFFIXES) -> str:
    return " 或 ".join(suffixes)
