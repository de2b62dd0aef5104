"""The blank submission workbook (填报模板) counties fill in: standard layout with dropdowns."""

from __future__ import annotations

from pathlib import Path

from .catalogue import Catalogue
from .outputs.atomic import atomic_open
from .outputs.printing import for_a4, text_lines
from .profile import Profile
from .records import FIELD_LABELS, FIELDS, METHODS
from .register import BY_NAME, FUND_SOURCES, SUPPLIER_TYPES
from .register import FIELDS as REGISTER

WIDTHS = {"seq": 6, "jurisdiction": 16, "unit": 28, "name": 34, "category": 26, "subcategory": 24,
          "amount": 13, "method": 14, "supplier": 28, "year": 8, "note": 20}
REGISTER_WIDTHS = {"choice": 16, "credit-code": 22, "money": 13, "date": 13, "months": 10, "text": 22}
LISTS_SHEET = "下拉列表"


def build(path: str | Path, catalogue: Catalogue, profile: Profile, jurisdiction: str | None = None,
          year: int | None = None, rows: int = 200, force: bool = False, register: bool = False,
          methods: tuple[str, ...] = ()) -> Path:
    """Write the template to ``path`` atomically and return the path (an existing file gps did not
    write, or that was edited since, is replaced only with ``force``). ``register``: with the project
    register's columns of 财政部令第102号 (承接主体类型 ... 绩效评价) after 备注. ``methods``: 购买方式
    the bureau adds to the law's (its dropdown offers them too)."""
    # long: the template's one sheet laid out top to bottom, in the order a clerk reads it
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "项目明细"
    fields = [*FIELDS, *(f.name for f in REGISTER if register)]
    ncols = len(fields)
    last_col = get_column_letter(ncols)
    who = jurisdiction or ""
    when = f"{year}年" if year else "    年"
    ws["A1"] = f"{who}{when}政府购买服务项目情况表"
    ws.merge_cells(f"A1:{last_col}1")
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws["A2"] = f"填报单位:{who}财政局        单位:万元" if who else "填报单位:            单位:万元"
    ws.merge_cells(f"A2:{last_col}2")
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for n, f in enumerate(fields, start=1):
        c = ws.cell(row=3, column=n, value=_header(f))
        c.font = Font(name="宋体", bold=True)
        c.fill = header_fill
        c.border = border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(n)].width = WIDTHS.get(f) or REGISTER_WIDTHS[BY_NAME[f].kind]
    first, last = 4, 3 + rows
    col = {f: get_column_letter(n) for n, f in enumerate(fields, start=1)}
    # 地区 and 年度 known when the template is made for one county and year: filled in every row (a
    # row holding only them is blank to the reader, so the unused rows stay out of every count).
    prefilled = {n: v for n, v in ((FIELDS.index("jurisdiction") + 1, jurisdiction), (FIELDS.index("year") + 1, year))
                 if v}
    for r in range(first, last + 1):
        ws.cell(row=r, column=FIELDS.index("amount") + 1).number_format = "#,##0.00"
        for n in range(1, ncols + 1):
            ws.cell(row=r, column=n).border = border
        for n, v in prefilled.items():
            ws.cell(row=r, column=n, value=v)
    ws.freeze_panes = "A4"

    # Lists behind the dropdowns, on a hidden sheet.
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    columns = {
        "地区": profile.names(),
        "一级目录": catalogue.category_names(),
        "二级目录": [i.name for i in catalogue.items if i.level >= 2],
        "购买方式": [*METHODS, *(m for m in methods if m not in METHODS)],
        **({"承接主体类型": list(SUPPLIER_TYPES), "资金来源": list(FUND_SOURCES)} if register else {}),
    }
    refs = {}
    for n, (title, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(n)
        lists.cell(row=1, column=n, value=title)
        for i, v in enumerate(values, start=2):
            lists.cell(row=i, column=n, value=v)
        end = max(2, len(values) + 1)
        refs[title] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${end}"
        wb.defined_names[f"list_{n}"] = DefinedName(f"list_{n}", attr_text=refs[title])

    def dropdown(field: str, title: str, prompt: str) -> None:
        dv = DataValidation(type="list", formula1=f"={refs[title]}", allow_blank=True, showDropDown=False)
        dv.error, dv.errorTitle = f"请从下拉列表中选择{FIELD_LABELS[field]}", "输入有误"
        dv.prompt, dv.promptTitle = prompt, FIELD_LABELS[field]
        dv.showErrorMessage = True
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{col[field]}{first}:{col[field]}{last}")

    dropdown("jurisdiction", "地区", "选择本单位所属地区")
    dropdown("category", "一级目录", "选择指导性目录的一级目录")
    dropdown("subcategory", "二级目录", "选择二级目录(须属于所选一级目录)")
    dropdown("method", "购买方式", "选择购买方式")
    if register:
        dropdown("supplier_type", "承接主体类型", "选择承接主体的类型(财政部令第102号第六条)")
        dropdown("fund_source", "资金来源", "选择资金来源")
        _register_cells(ws, col, first, last)
    amount = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    amount.error, amount.errorTitle = "金额须为不小于 0 的数字,单位万元", "金额有误"
    amount.prompt, amount.promptTitle = "以万元为单位,如 120.5", "金额(万元)"
    amount.showErrorMessage = amount.showInputMessage = True
    ws.add_data_validation(amount)
    amount.add(f"{col['amount']}{first}:{col['amount']}{last}")
    yr = DataValidation(type="whole", operator="between", formula1="2000", formula2="2100", allow_blank=True)
    yr.error, yr.errorTitle = "年度须为四位数年份,如 2016", "年度有误"
    yr.showErrorMessage = True
    ws.add_data_validation(yr)
    yr.add(f"{col['year']}{first}:{col['year']}{last}")

    for_a4(ws, landscape=True, title_rows="3:3")  # one page wide; the header row on every page
    _guide(wb, catalogue, register, jurisdiction, year)
    wb.active = 0
    target = Path(path)
    with atomic_open(target, "wb", force=force) as fh:
        wb.save(fh)
    return target


GUIDE_WIDTH = 88  # 填报说明's one column: as wide as a portrait A4 page (outputs/printing.py)


def _guide(wb, catalogue: Catalogue, register: bool, jurisdiction: str | None = None, year: int | None = None) -> None:
    """The 填报说明 sheet: one wrapped line per rule, in a column that fits a portrait A4 page."""
    from openpyxl.styles import Alignment, Font

    guide = wb.create_sheet("填报说明", 1)
    guide.column_dimensions["A"].width = GUIDE_WIDTH
    lines = [
        "填报说明",
        "1. 每个政府购买服务项目填一行,从第4行开始填写,不要改动第3行表头,不要插入合并单元格。",
        "2. 必填:地区、购买主体、项目名称、一级目录、金额(万元)、年度;二级目录、购买方式、承接主体、备注选填。"
        + _prefilled_note(jurisdiction, year),
        "3. 地区、一级目录、二级目录、购买方式请从下拉列表中选择;二级目录须属于所选的一级目录。",
        "4. 金额以万元为单位,填写数字(可保留两位小数),不要填写“待定”等文字,不要把“元”填进万元列。",
        "5. 年度填写四位数年份,如 2016;同一项目不要重复填报。",
        "6. 如需合计行,请放在最后一行并在序号或项目名称列写“合计”;合计行不计入汇总,但会与明细核对。",
        "7. 填好后把本文件发送给财政局。财政局收到后逐表检查,有问题的会退回一份标注了问题的副本(问题单元格标底色、"
        "加批注,首页是“问题清单”),请在原文件中改正后重新报送。",
        f"8. 一级目录共 {len(catalogue.categories)} 类:" + "、".join(catalogue.category_names()) + "。",
        *(_REGISTER_GUIDE if register else ()),
    ]
    for i, text in enumerate(lines, start=1):
        c = guide.cell(row=i, column=1, value=text)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        if i == 1:
            c.font = Font(size=14, bold=True)
        # wrapped rows get their height here: openpyxl computes none, and WPS does not either
        guide.row_dimensions[i].height = 22 if i == 1 else 16 * text_lines(text, GUIDE_WIDTH) + 2
    for_a4(guide, landscape=False)


def _prefilled_note(jurisdiction: str | None, year: int | None) -> str:
    known = [x for x in (f"地区({jurisdiction})" if jurisdiction else "", f"年度({year})" if year else "") if x]
    return f"本表已在各行预先填好{'和'.join(known)},不用改动。" if known else ""


_REGISTER_GUIDE = (
    "9. 第12列起是财政部令第102号要求的登记信息,均为选填,知道的请填:承接主体类型(从下拉列表选择)、"
    "统一社会信用代码(18位)、预算金额、合同金额、执行数(万元)、资金来源、合同起止日期、合同期限(如 1年、18个月)、"
    "合同签订日期、公告日期、分年资金安排、绩效评价。",
    "10. 合同期限一般不超过1年;服务稳定、需连续提供且资金有保障的,最长不超过3年,超过1年的请在备注中说明理由。",
    "11. 日期填写为 2017-03-01 或 2017年3月1日;合同签订后2个工作日内应公告。",
)


def _header(field: str) -> str:
    """The header a field gets in the template: its label, amounts and terms with their unit (a bare
    number under 合同期限(月) is months; 2年 is read as written)."""
    f = BY_NAME.get(field)
    unit = {"money": "(万元)", "months": "(月)"}.get(f.kind, "") if f is not None else ""
    return f"{f.label}{unit}" if f is not None else FIELD_LABELS[field]


def _register_cells(ws, col: dict[str, str], first: int, last: int) -> None:
    """Number and date formats, and input checks, on the register's amount and date columns."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for f in REGISTER:
        letter = col[f.name]
        if f.kind == "money":
            fmt = "#,##0.00"
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error, dv.errorTitle = f"{f.label}须为不小于 0 的数字,单位万元", f"{f.label}有误"
        elif f.kind == "date":
            fmt = "yyyy-mm-dd"
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True)  # after 2000-01-01
            dv.error, dv.errorTitle = f"{f.label}须为日期,如 2017-03-01", f"{f.label}有误"
        elif f.kind == "credit-code":
            fmt = "@"
            dv = DataValidation(type="textLength", operator="equal", formula1="18", allow_blank=True)
            dv.error, dv.errorTitle = "统一社会信用代码为18位", "统一社会信用代码有误"
        else:
            continue
        dv.showErrorMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}{first}:{letter}{last}")
        for r in range(first, last + 1):
            ws[f"{letter}{r}"].number_format = fmt
