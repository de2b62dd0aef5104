"""Workbooks as counties really send them, built in code: legacy formats, web pages named .xls,
odd encodings, title rows, two-row headers, several sheets, totals, notes, units and typos.

Each ``variant_*`` function writes one file into a folder and returns it with the records it
must read, as :class:`Want` values (amount as ``Decimal`` in 万元, the amount's source cell).
The expected figures are stated here, by hand, independently of gpscli.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from builders import HEADER, write_csv, write_xlsx

D = Decimal


@dataclass(frozen=True)
class Want:
    """One record as it must be read."""

    jurisdiction: str
    unit: str
    name: str
    category: str
    amount: Decimal
    year: int
    cell: str  # A1 reference of the amount
    sheet: str | None = None  # None: any sheet name (CSV/HTML sheets are named after the file)


def projection(records, with_sheet: bool = True) -> list[tuple]:
    """The fields a Want states, for comparing records read with records wanted."""
    out = []
    for r in records:
        t = (r.jurisdiction, r.unit, r.name, r.category, r.amount, r.year, r.cells.get("amount"))
        out.append(t + ((r.source.sheet,) if with_sheet else ()))
    return out


def wanted(wants: Sequence[Want], default_sheet: str | None = None) -> list[tuple]:
    return [(w.jurisdiction, w.unit, w.name, w.category, w.amount, w.year, w.cell, w.sheet or default_sheet)
            for w in wants]


# ---- low-level writers -------------------------------------------------------------------------

def patch_zip(path: Path, member: str, fn: Callable[[bytes], bytes]) -> Path:
    """Rewrite one part of a zip workbook (an xlsx sheet's XML) in place."""
    with zipfile.ZipFile(path) as src:
        items = [(i, src.read(i.filename)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, fn(data) if info.filename == member else data)
    return path


def set_cell_xml(path: Path, ref: str, xml: str, sheet: int = 1) -> Path:
    """Replace the ``<c r="ref">`` element of an xlsx sheet with raw XML (a formula with or without
    a cached value, a cached error...)."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.DOTALL)

    def fn(data: bytes) -> bytes:
        new, n = pattern.subn(xml.encode("utf-8"), data, count=1)
        assert n == 1, f"cell {ref} not found"
        return new

    return patch_zip(path, f"xl/worksheets/sheet{sheet}.xml", fn)


def set_dimension(path: Path, ref: str = "A1:A1", sheet: int = 1) -> Path:
    """Record a wrong used range, as some WPS versions do."""
    def fn(data: bytes) -> bytes:
        new, n = re.subn(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), data)
        assert n == 1
        return new

    return patch_zip(path, f"xl/worksheets/sheet{sheet}.xml", fn)


def make_xlsm(path: Path, rows: Sequence[Sequence[Any]], **kw) -> Path:
    """An .xlsm (macro-enabled content type), as written by Excel for a workbook with macros."""
    write_xlsx(path, rows, **kw)
    return patch_zip(path, "[Content_Types].xml", lambda d: d.replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml"))


def write_xls_sheets(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *,
                     merges: dict[str, Sequence[tuple[int, int, int, int]]] | None = None,
                     hidden: Sequence[str] = (), start: tuple[int, int] = (0, 0)) -> Path:
    """Legacy BIFF .xls through xlwt, with merged ranges (r1, c1, r2, c2, 0-based inclusive),
    hidden sheets and an offset for the first sheet's data."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for n, (name, rows) in enumerate(sheets.items()):
        ws = wb.add_sheet(name)
        r0, c0 = start if n == 0 else (0, 0)
        merged = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in (merges or {}).get(name, ())}
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if (i, j) in merged:
                    r2, c2 = merged[(i, j)]
                    ws.write_merge(r0 + i, r0 + r2, c0 + j, c0 + c2, value)
                elif value is not None and not any(r1 <= i <= r2 and c1 <= j <= c2 for (r1, c1), (r2, c2) in merged.items()):
                    if isinstance(value, (dt.date, dt.datetime)):
                        ws.write(r0 + i, c0 + j, value, date_style)
                    else:
                        ws.write(r0 + i, c0 + j, value)
        if name in hidden:
            ws.visibility = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path


def write_ods(path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *,
              merges: dict[str, Sequence[tuple[int, int, int, int]]] | None = None,
              hidden: Sequence[str] = (), start: tuple[int, int] = (0, 0)) -> Path:
    """OpenDocument spreadsheet through odfpy: numbers as floats, dates as dates, merged ranges
    (r1, c1, r2, c2, 0-based inclusive) with covered cells, hidden sheets, an offset for the
    first sheet."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hide = Style(name="hiddentable", family="table")
    hide.addElement(TableProperties(display="false"))
    doc.automaticstyles.addElement(hide)
    for n, (name, rows) in enumerate(sheets.items()):
        table = Table(name=name, stylename=hide) if name in hidden else Table(name=name)
        r0, c0 = start if n == 0 else (0, 0)
        spans = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in (merges or {}).get(name, ())}
        covered = {(r, c) for (r1, c1), (r2, c2) in spans.items() for r in range(r1, r2 + 1)
                   for c in range(c1, c2 + 1) if (r, c) != (r1, c1)}
        for _ in range(r0):
            table.addElement(TableRow())
        width = max((len(r) for r in rows), default=0)
        for i, row in enumerate(rows):
            tr = TableRow()
            for _ in range(c0):
                tr.addElement(TableCell())
            for j in range(width):
                value = row[j] if j < len(row) else None
                if (i, j) in covered:
                    tr.addElement(CoveredTableCell())
                    continue
                kw: dict[str, Any] = {}
                if (i, j) in spans:
                    r2, c2 = spans[(i, j)]
                    kw = {"numberrowsspanned": r2 - i + 1, "numbercolumnsspanned": c2 - j + 1}
                if value is None:
                    tc = TableCell(**kw)
                elif isinstance(value, bool):
                    tc = TableCell(valuetype="boolean", booleanvalue=str(value).lower(), **kw)
                    tc.addElement(P(text=str(value).upper()))
                elif isinstance(value, (int, float)):
                    tc = TableCell(valuetype="float", value=repr(value) if isinstance(value, float) else str(value), **kw)
                    tc.addElement(P(text=str(value)))
                elif isinstance(value, (dt.date, dt.datetime)):
                    tc = TableCell(valuetype="date", datevalue=value.isoformat(), **kw)
                    tc.addElement(P(text=value.isoformat()))
                else:
                    tc = TableCell(valuetype="string", **kw)
                    tc.addElement(P(text=str(value)))
                tr.addElement(tc)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def write_html_table(path: Path, rows: Sequence[Sequence[Any]], *, before: Sequence[str] = (),
                     encoding: str = "utf-8", spans: dict[tuple[int, int], tuple[int, int]] | None = None,
                     header_rows: int = 1, numbers: dict[tuple[int, int], str] | None = None,
                     after: Sequence[str] = ()) -> Path:
    """A web page holding one table, as finance systems export it under an .xls name.

    ``before`` are paragraphs above the table (title, 填报单位 line); ``spans`` maps a cell
    (row, col) to (rowspan, colspan), the cells it covers being left out of the markup as
    HTML does; ``numbers`` gives Excel's ``x:num`` attribute (the exact value behind a
    formatted display text).
    """
    from html import escape

    spans = spans or {}
    numbers = numbers or {}
    covered = {(r + i, c + j) for (r, c), (rs, cs) in spans.items() for i in range(rs) for j in range(cs)} - set(spans)
    charset = {"gbk": "gb2312", "gb18030": "gb18030"}.get(encoding, encoding)
    parts = [f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta http-equiv="Content-Type" '
             f'content="text/html; charset={charset}"></head><body>']
    for line in before:
        parts.append(f"<p>{escape(line)}</p>")
    parts.append('<table border="1">')
    for i, row in enumerate(rows):
        parts.append("<tr>")
        tag = "th" if i < header_rows else "td"
        for j, value in enumerate(row):
            if (i, j) in covered:
                continue
            attrs = ""
            if (i, j) in spans:
                rs, cs = spans[(i, j)]
                attrs += (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            if (i, j) in numbers:
                attrs += f' x:num="{numbers[(i, j)]}"'
            text = "" if value is None else escape(str(value))
            parts.append(f"<{tag}{attrs}>{text}</{tag}>")
        parts.append("</tr>")
    parts.append("</table>")
    for line in after:
        parts.append(f"<p>{escape(line)}</p>")
    parts.append("</body></html>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\n".join(parts).encode(encoding))
    return path


def write_text(path: Path, rows: Sequence[Sequence[Any]], encoding: str, delimiter: str = ",") -> Path:
    return write_csv(path, rows, encoding=encoding, delimiter=delimiter)


# ---- the standard table, loosely -----------------------------------------------------------------

def row(seq, jur, unit, name, cat, sub, amount, year, method="公开招标", supplier="某服务有限公司", note=None) -> list:
    return [seq, jur, unit, name, cat, sub, amount, method, supplier, year, note]


TITLE = "昌吉市2016年政府购买服务项目情况表"
UNIT_LINE = "填报单位:昌吉市财政局    单位:万元"


# ---- the variants: one file each, with the records it must give ------------------------------------
# Every variant names its projects uniquely, so that the whole corpus can be loaded at once
# without duplicate-project errors.

def v_xlsx_title_synonyms_yuan(folder: Path) -> tuple[Path, list[Want]]:
    """Title and note rows above a header written with synonyms, found at row 4 by content;
    jurisdiction and year only in the title; amounts in 元 (预算金额（元）), as numbers and text;
    a 合计 row and trailing notes whose dates are not the year."""
    rows = [
        ["奇台县2016年度政府购买服务项目汇总表"],
        ["填报单位:奇台县财政局", None, None, None, "填报日期:2017年3月5日"],
        [],
        ["序号", "购买单位", "服务项目", "服务类别", "服务事项", "预算金额（元）", "采购方式", "承接单位", "备注"],
        [1, "奇台县民政局", "居家养老服务(奇台)", "基本公共服务类", "养老服务", 4706000.00, "公开招标", "奇台县夕阳红养老服务中心"],
        [2, "奇台县司法局", "法律援助服务(奇台)", "社会管理性服务", "法律援助", "1,250,000", "竞争性磋商", "新疆某律师事务所"],
        [3, "奇台县住房和城乡建设局", "城区绿化管护(奇台)", "基本公共服务", "城市维护", 865432.1, "公开招标", "奇台县绿源园林公司"],
        ["合计", None, None, None, None, 6821432.1],
        ["填表人:张三", None, "联系电话:0994-7212345", None, "填报日期:2017年3月5日"],
        ["注:本表金额以元为单位,2018年起按新目录填报。"],
    ]
    p = write_xlsx(folder / "奇台县.xlsx", rows, sheet="汇总表")
    j, y = "奇台县", 2016
    return p, [
        Want(j, "奇台县民政局", "居家养老服务(奇台)", "基本公共服务", D("470.6"), y, "F5", "汇总表"),
        Want(j, "奇台县司法局", "法律援助服务(奇台)", "社会管理性服务", D("125"), y, "F6", "汇总表"),
        Want(j, "奇台县住房和城乡建设局", "城区绿化管护(奇台)", "基本公共服务", D("86.54321"), y, "F7", "汇总表"),
    ]


def v_xlsm(folder: Path) -> tuple[Path, list[Want]]:
    """The standard template saved as a macro-enabled workbook."""
    rows = [
        ["昌吉市2016年政府购买服务项目情况表"],
        ["填报单位:昌吉市财政局    单位:万元"],
        list(HEADER),
        row(1, "昌吉市", "昌吉市教育局", "校园安保服务(xlsm)", "基本公共服务", "公共教育", 300.25, 2016),
        row(2, "昌吉市", "昌吉市审计局", "委托审计服务(xlsm)", "政府履职所需辅助性事项", None, 45, 2016),
    ]
    p = make_xlsm(folder / "昌吉市-宏.xlsm", rows)
    return p, [
        Want("昌吉市", "昌吉市教育局", "校园安保服务(xlsm)", "基本公共服务", D("300.25"), 2016, "G4", "项目明细"),
        Want("昌吉市", "昌吉市审计局", "委托审计服务(xlsm)", "政府履职所需辅助性事项", D("45"), 2016, "G5", "项目明细"),
    ]


def v_xls_two_row_header(folder: Path) -> tuple[Path, list[Want]]:
    """Legacy BIFF .xls with a two-row header: 序号/购买主体/项目名称/金额/年度 merged down two rows,
    指导目录 merged across 一级目录|二级目录; a unit line above; a date as the year."""
    rows = [
        ["呼图壁县2016年政府购买服务项目表"],
        ["单位:万元", None, None, None, None, None, "填报日期:2017-03-01"],
        ["序号", "购买主体", "项目名称", "指导目录", None, "金额", "年度"],
        [None, None, None, "一级目录", "二级目录", None, None],
        [1, "呼图壁县卫生健康委员会", "家庭医生签约服务(呼图壁)", "基本公共服务", "医疗卫生", 210.5, 2016],
        [2, "呼图壁县交通运输局", "农村客运站运营(呼图壁)", "基本公共服务", "公共交通运输", 98, dt.date(2016, 6, 30)],
        [3, "呼图壁县农业农村局", "动物疫病防控技术服务(呼图壁)", "技术性服务", "检验检疫检测", "12.75", "2016年"],
    ]
    merges = {"项目明细": [(2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 3, 2), (2, 3, 2, 4), (2, 5, 3, 5), (2, 6, 3, 6)]}
    p = write_xls_sheets(folder / "呼图壁县.xls", {"项目明细": rows}, merges=merges)
    j, s = "呼图壁县", "项目明细"
    return p, [
        Want(j, "呼图壁县卫生健康委员会", "家庭医生签约服务(呼图壁)", "基本公共服务", D("210.5"), 2016, "F5", s),
        Want(j, "呼图壁县交通运输局", "农村客运站运营(呼图壁)", "基本公共服务", D("98"), 2016, "F6", s),
        Want(j, "呼图壁县农业农村局", "动物疫病防控技术服务(呼图壁)", "技术性服务", D("12.75"), 2016, "F7", s),
    ]


def v_ods_sheets(folder: Path) -> tuple[Path, list[Want]]:
    """An .ods with an instruction sheet, two visible data sheets (the year only in each sheet's
    name), and a hidden lookup sheet that looks like a table; 购买主体 merged down over its
    projects; a blank row inside the table."""
    instructions = [["填报说明"], ["1. 金额以万元为单位;"], ["2. 项目名称 一级目录 金额 均为必填。"]]
    head = ["序号", "购买主体", "项目名称", "一级目录", "二级目录", "金额(万元)"]
    y2016 = [
        ["玛纳斯县政府购买服务项目表"],
        head,
        [1, "玛纳斯县文化体育广播电视和旅游局", "送戏下乡演出(玛纳斯)", "基本公共服务", "公共文化", 36.8],
        [2, None, "全民健身赛事承办(玛纳斯)", "基本公共服务", "公共体育", 12],
        [],
        [3, "玛纳斯县民政局", "社区社会工作服务(玛纳斯)", "社会管理性服务", "社会工作服务", 55.55],
    ]
    y2017 = [
        ["玛纳斯县政府购买服务项目表"],
        head,
        [1, "玛纳斯县民政局", "困境儿童关爱服务(玛纳斯)", "基本公共服务", "儿童福利服务", 20],
    ]
    lookup = [["项目名称", "一级目录", "金额"], ["示例项目", "基本公共服务", 1]]
    p = write_ods(folder / "玛纳斯县.ods",
                  {"填报说明": instructions, "2016年": y2016, "2017年": y2017, "下拉列表": lookup},
                  merges={"2016年": [(2, 1, 3, 1)]}, hidden=["下拉列表"])
    j = "玛纳斯县"
    return p, [
        Want(j, "玛纳斯县文化体育广播电视和旅游局", "送戏下乡演出(玛纳斯)", "基本公共服务", D("36.8"), 2016, "F3", "2016年"),
        Want(j, "玛纳斯县文化体育广播电视和旅游局", "全民健身赛事承办(玛纳斯)", "基本公共服务", D("12"), 2016, "F4", "2016年"),
        Want(j, "玛纳斯县民政局", "社区社会工作服务(玛纳斯)", "社会管理性服务", D("55.55"), 2016, "F6", "2016年"),
        Want(j, "玛纳斯县民政局", "困境儿童关爱服务(玛纳斯)", "基本公共服务", D("20"), 2017, "F3", "2017年"),
    ]


CSV_JURISDICTIONS = {"utf-8": "阜康市", "utf-8-sig": "吉木萨尔县", "gbk": "昌吉市", "gb18030": "呼图壁县"}


def v_csv(folder: Path, encoding: str) -> tuple[Path, list[Want]]:
    """CSV in one encoding (UTF-8, UTF-8 with BOM, GBK, GB18030), with a title line, values as text."""
    j = CSV_JURISDICTIONS[encoding]
    tag = encoding.upper()
    rows = [
        [f"{j}2016年政府购买服务项目表"],
        list(HEADER),
        row(1, j, f"{j}人力资源和社会保障局", f"就业技能培训({tag})", "基本公共服务", "劳动就业", "1,250.50", "2016"),
        row(2, j, f"{j}城市管理局", f"市政设施维护({tag})", "基本公共服务", "城市维护", "  86 万 ", "2016.0"),
        row(3, j, f"{j}财政局", f"财政绩效评价({tag}·“评估”)", "政府履职所需辅助性事项", "", "１２０．５", "2016年"),
    ]
    p = write_text(folder / f"{j}-{encoding}.csv", rows, encoding)
    return p, [
        Want(j, f"{j}人力资源和社会保障局", f"就业技能培训({tag})", "基本公共服务", D("1250.50"), 2016, "G3"),
        Want(j, f"{j}城市管理局", f"市政设施维护({tag})", "基本公共服务", D("86"), 2016, "G4"),
        Want(j, f"{j}财政局", f"财政绩效评价({tag}·“评估”)", "政府履职所需辅助性事项", D("120.5"), 2016, "G5"),
    ]


def v_html_as_xls(folder: Path) -> tuple[Path, list[Want]]:
    """A web page in GBK saved as .xls: title and 单位:元 in paragraphs above the table, a two-row
    header with rowspan/colspan, an x:num value behind a formatted amount, notes after it."""
    rows = [
        ["序号", "项目名称", "购买主体", "政府购买服务指导性目录", None, "预算金额", "承接主体"],
        [None, None, None, "一级目录", "二级目录", None, None],
        ["1", "残疾人康复服务(网页)", "阜康市残疾人联合会", "基本公共服务", "残疾人服务", "1,250.50", "阜康市康复中心"],
        ["2", "政府网站运维(网页)", "阜康市人民政府办公室", "政府履职所需辅助性事项", "信息化建设与管理", "386,000.00", "某科技公司"],
    ]
    spans = {(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 2), (0, 5): (2, 1), (0, 6): (2, 1)}
    p = write_html_table(folder / "阜康市-网页导出.xls", rows, before=["阜康市2016年度政府购买服务项目明细表", "单位:元"],
                         encoding="gbk", spans=spans, header_rows=2, numbers={(2, 5): "1250.5"},
                         after=["制表人:李四 审核人:王五"])
    j = "阜康市"
    return p, [
        Want(j, "阜康市残疾人联合会", "残疾人康复服务(网页)", "基本公共服务", D("0.12505"), 2016, "F5"),
        Want(j, "阜康市人民政府办公室", "政府网站运维(网页)", "政府履职所需辅助性事项", D("38.6"), 2016, "F6"),
    ]


def v_tsv_gbk_as_xls(folder: Path) -> tuple[Path, list[Want]]:
    """Tab-separated GBK text named .xls (what 'export to Excel' of some systems writes)."""
    rows = [
        ["吉木萨尔县2016年政府购买服务项目表"],
        ["地区", "购买主体", "项目名称", "一级目录", "金额(万元)", "年度"],
        ["吉木萨尔县", "吉木萨尔县林业和草原局", "护林员管护服务(制表符)", "基本公共服务", "1,030.40", "2016"],
        ["吉木萨尔县", "吉木萨尔县公安局", "辅警服务(制表符)", "社会管理性服务", "66", "2016"],
    ]
    p = write_text(folder / "吉木萨尔县-导出.xls", rows, "gbk", delimiter="\t")
    j = "吉木萨尔县"
    return p, [
        Want(j, "吉木萨尔县林业和草原局", "护林员管护服务(制表符)", "基本公共服务", D("1030.40"), 2016, "E3"),
        Want(j, "吉木萨尔县公安局", "辅警服务(制表符)", "社会管理性服务", D("66"), 2016, "E4"),
    ]


def v_wps_dimension(folder: Path) -> tuple[Path, list[Want]]:
    """An xlsx whose recorded used range is A1:A1 (WPS), with the jurisdiction as an alias (木垒县)."""
    rows = [list(HEADER)] + [
        row(n, "木垒县", "木垒县教育局", f"学生营养餐配送(第{n}批)", "基本公共服务", "公共教育", 10 + n, 2016)
        for n in range(1, 6)
    ]
    p = set_dimension(write_xlsx(folder / "木垒县.xlsx", rows))
    return p, [Want("木垒哈萨克自治县", "木垒县教育局", f"学生营养餐配送(第{n}批)", "基本公共服务", D(10 + n), 2016,
                    f"G{n + 1}", "项目明细") for n in range(1, 6)]


def v_formulas_cached(folder: Path) -> tuple[Path, list[Want]]:
    """Amounts computed by formulas saved by Excel (cached values are used), the jurisdiction as an
    alias in a column (高新区), and a 合计 row =SUM(...) with its cached value."""
    rows = [list(HEADER),
            row(1, "高新区", "昌吉高新区管委会", "园区保洁服务(公式)", "基本公共服务", "城市维护", 0, 2016),
            row(2, "高新区", "昌吉高新区管委会", "园区安保服务(公式)", "社会管理性服务", None, 0, 2016),
            ["合计", None, None, None, None, None, 0]]
    p = write_xlsx(folder / "高新区.xlsx", rows)
    set_cell_xml(p, "G2", '<c r="G2"><f>100+20.5</f><v>120.5</v></c>')
    set_cell_xml(p, "G3", '<c r="G3"><f>0.1+0.2</f><v>0.30000000000000004</v></c>')
    set_cell_xml(p, "G4", '<c r="G4"><f>SUM(G2:G3)</f><v>120.8</v></c>')
    j = "昌吉高新技术产业开发区"
    return p, [
        Want(j, "昌吉高新区管委会", "园区保洁服务(公式)", "基本公共服务", D("120.5"), 2016, "G2", "项目明细"),
        Want(j, "昌吉高新区管委会", "园区安保服务(公式)", "社会管理性服务", D("0.3"), 2016, "G3", "项目明细"),
    ]


def v_title_zhundong(folder: Path) -> tuple[Path, list[Want]]:
    """准东开发区2016年…: jurisdiction (an alias) and year only in the title."""
    rows = [
        ["准东开发区2016年政府购买服务项目计划表"],
        ["购买主体", "项目名称", "一级目录", "金额(万元)"],
        ["准东经济技术开发区管委会", "园区道路养护(准东)", "基本公共服务", 150],
        ["准东经济技术开发区管委会", "招商引资咨询(准东)", "技术性服务", 48.6],
    ]
    p = write_xlsx(folder / "准东-计划.xlsx", rows, sheet="Sheet1")
    j = "准东经济技术开发区"
    return p, [
        Want(j, "准东经济技术开发区管委会", "园区道路养护(准东)", "基本公共服务", D("150"), 2016, "D3", "Sheet1"),
        Want(j, "准东经济技术开发区管委会", "招商引资咨询(准东)", "技术性服务", D("48.6"), 2016, "D4", "Sheet1"),
    ]


def v_unit_line_only(folder: Path) -> tuple[Path, list[Want]]:
    """The jurisdiction only in the 填报单位 line (州直), the year only in the title, the unit 元
    only in the 单位 line; the 填报日期 on the same line is not the year."""
    rows = [
        ["2016年度政府购买服务项目汇总表"],
        ["填报单位:州直各部门(盖章)", None, None, "填报日期:2017年2月28日", "单位:元"],
        ["编号", "预算单位", "购买服务项目名称", "目录类别", "安排资金"],
        ["1", "州文化馆", "非遗展演活动(州直)", "基本公共服务", "4706000.00"],
        ["2", "州政务服务中心", "政务热线外包(州直)", "政府履职所需辅助性事项", 1998000],
    ]
    p = write_xlsx(folder / "州直部门.xlsx", rows, sheet="明细")
    j = "州本级"
    return p, [
        Want(j, "州文化馆", "非遗展演活动(州直)", "基本公共服务", D("470.6"), 2016, "E4", "明细"),
        Want(j, "州政务服务中心", "政务热线外包(州直)", "政府履职所需辅助性事项", D("199.8"), 2016, "E5", "明细"),
    ]


def v_several_years(folder: Path) -> tuple[Path, list[Want]]:
    """Rows of several years in one file (each keeps its own), years written as 2015, 2016.0,
    "2017年", "2016年度" and a date; the jurisdiction as an alias (农业园区)."""
    rows = [list(HEADER),
            row(1, "农业园区", "园区管委会", "农业技术推广(2015)", "技术性服务", "科研和技术推广", 20, 2015),
            row(2, "农业园区", "园区管委会", "农业技术推广(2016)", "技术性服务", "科研和技术推广", 22.5, 2016.0),
            row(3, "农业园区", "园区管委会", "农业技术推广(2017)", "技术性服务", "科研和技术推广", 25, "2017年"),
            row(4, "农业园区", "园区管委会", "农产品检测服务", "技术性服务", None, 8.08, "2016年度"),
            row(5, "农业园区", "园区管委会", "农业保险协保服务", "基本公共服务", "三农服务", 3, dt.datetime(2018, 3, 1))]
    p = write_xlsx(folder / "农业园区-多年度.xlsx", rows)
    j, s = "国家农业科技园区", "项目明细"
    return p, [
        Want(j, "园区管委会", "农业技术推广(2015)", "技术性服务", D("20"), 2015, "G2", s),
        Want(j, "园区管委会", "农业技术推广(2016)", "技术性服务", D("22.5"), 2016, "G3", s),
        Want(j, "园区管委会", "农业技术推广(2017)", "技术性服务", D("25"), 2017, "G4", s),
        Want(j, "园区管委会", "农产品检测服务", "技术性服务", D("8.08"), 2016, "G5", s),
        Want(j, "园区管委会", "农业保险协保服务", "基本公共服务", D("3"), 2018, "G6", s),
    ]


def v_values_and_categories(folder: Path) -> tuple[Path, list[Want]]:
    """Amounts with separators, unit suffixes, full-width digits and stray spaces; categories with
    类 suffix, spaces, full-width brackets and codes (typed as text or as a number)."""
    j = "阜康市"
    rows = [["阜康市2016年政府购买服务项目情况表"], list(HEADER)]
    cases = [
        ("1,250.50", "基本公共服务类", D("1250.50"), "基本公共服务"),
        ("86万元", "社会管理性 服务", D("86"), "社会管理性服务"),
        ("86 万", "（二）社会管理性服务", D("86"), "社会管理性服务"),
        ("１２０．５", "【技术性服务】", D("120.5"), "技术性服务"),
        ("\u3000120.5 ", "01", D("120.5"), "基本公共服务"),
        (33.3, 4, D("33.3"), "技术性服务"),
        ("0.05", "05 政府履职所需辅助性事项", D("0.05"), "政府履职所需辅助性事项"),
        ("0.86万元", "技术性服务(04)", D("0.86"), "技术性服务"),
        (" 7 ", "行业管理与协调性服务类", D("7"), "行业管理与协调性服务"),
    ]
    wants = []
    for n, (amount, cat, value, canonical) in enumerate(cases, start=1):
        rows.append(row(n, j, "阜康市发展和改革委员会", f"写法测试项目{n}", cat, None, amount, 2016))
        wants.append(Want(j, "阜康市发展和改革委员会", f"写法测试项目{n}", canonical, value, 2016, f"G{n + 2}", "项目明细"))
    return write_xlsx(folder / "阜康市-写法.xlsx", rows), wants


def v_offset_c5(folder: Path, fmt: str) -> tuple[Path, list[Want]]:
    """Data starting at C5 (empty rows and columns before it): cell references stay the sheet's."""
    j = {"xlsx": "昌吉市", "xls": "玛纳斯县", "ods": "奇台县"}[fmt]
    rows = [
        [f"{j}2016年政府购买服务项目表"],
        ["地区", "购买主体", "项目名称", "一级目录", "金额(万元)", "年度"],
        [j, f"{j}水利局", f"农村饮水工程运维(C5-{fmt})", "基本公共服务", 64.2, 2016],
        [j, f"{j}应急管理局", f"应急救援演练(C5-{fmt})", "社会管理性服务", 9.9, 2016],
    ]
    path = folder / f"{j}-偏移.{fmt}"
    if fmt == "xlsx":
        write_xlsx(path, rows, start="C5")
    elif fmt == "xls":
        write_xls_sheets(path, {"项目明细": rows}, start=(4, 2))
    else:
        write_ods(path, {"项目明细": rows}, start=(4, 2))
    return path, [
        Want(j, f"{j}水利局", f"农村饮水工程运维(C5-{fmt})", "基本公共服务", D("64.2"), 2016, "G7", "项目明细"),
        Want(j, f"{j}应急管理局", f"应急救援演练(C5-{fmt})", "社会管理性服务", D("9.9"), 2016, "G8", "项目明细"),
    ]


def v_sections_totals_notes(folder: Path) -> tuple[Path, list[Want]]:
    """A 合计 row right under the header, section headings giving the category, 小计 rows, blank
    rows inside the table, a 其中 row, a page header repeated, and trailing notes with dates."""
    head = ["序号", "地区", "购买主体", "项目名称", "一级目录", "金额(万元)", "年度"]
    j = "吉木萨尔县"
    rows = [
        ["吉木萨尔县2016年政府购买服务项目表"],
        head,
        ["合计", None, None, None, None, 362.5, None],
        ["一、基本公共服务"],
        [1, j, "吉木萨尔县教育局", "课后服务(分节)", None, 100, 2016],
        [None, None, None, "其中:中央资金", None, 60, None],
        [],
        [2, j, "吉木萨尔县卫健委", "妇幼健康服务(分节)", None, 150.5, 2016],
        ["小计", None, None, None, None, 250.5, None],
        ["二、社会管理性服务"],
        head,
        [3, j, "吉木萨尔县司法局", "人民调解服务(分节)", None, 112, 2016],
        ["小计", None, None, None, None, 112, None],
        [],
        ["单位负责人:赵六", None, "填表人:钱七", None, "联系电话:13800000000"],
        ["2017年3月1日"],
    ]
    p = write_xlsx(folder / "吉木萨尔县-分节.xlsx", rows)
    s = "项目明细"
    return p, [
        Want(j, "吉木萨尔县教育局", "课后服务(分节)", "基本公共服务", D("100"), 2016, "F5", s),
        Want(j, "吉木萨尔县卫健委", "妇幼健康服务(分节)", "基本公共服务", D("150.5"), 2016, "F8", s),
        Want(j, "吉木萨尔县司法局", "人民调解服务(分节)", "社会管理性服务", D("112"), 2016, "F12", s),
    ]


def all_variants(folder: Path) -> list[tuple[Path, list[Want]]]:
    """The whole corpus, one file per variant, into ``folder``."""
    out = [
        v_xlsx_title_synonyms_yuan(folder), v_xlsm(folder), v_xls_two_row_header(folder), v_ods_sheets(folder),
        *(v_csv(folder, enc) for enc in CSV_JURISDICTIONS), v_html_as_xls(folder), v_tsv_gbk_as_xls(folder),
        v_wps_dimension(folder), v_formulas_cached(folder), v_title_zhundong(folder), v_unit_line_only(folder),
        v_several_years(folder), v_values_and_categories(folder),
        *(v_offset_c5(folder, fmt) for fmt in ("xlsx", "xls", "ods")), v_sections_totals_notes(folder),
    ]
    return out
