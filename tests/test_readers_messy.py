"""Issue #6: the workbooks counties really send, read exactly as if typed into the template.

Every file is built in code by :mod:`messy_builders`, which also states the records each must
give; figures are compared as ``Decimal`` and every record's amount cell is checked.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

import messy_builders as mb
from gpscli import api

D = Decimal


def load(*paths, **kw):
    return api.load([str(p) for p in paths], workers=1, **kw)


def codes(res) -> list[tuple]:
    return [(i.code, i.sheet, i.cell) for i in res.all_issues()]


def check(path, wants, **kw):
    """Load one variant; no issue at all; exactly the records wanted, in order."""
    res = load(path, **kw)
    assert codes(res) == [], [i.message for i in res.all_issues()]
    assert mb.projection(res.valid_records()) == mb.wanted(wants, default_sheet=path.stem)
    return res


def sheets(res, n: int = 0) -> dict:
    return {s.name: s for s in res.files[n].sheets}


# ---- formats ---------------------------------------------------------------------------------

def test_xlsx_title_notes_synonym_header_and_yuan(tmp_path):
    path, wants = mb.v_xlsx_title_synonyms_yuan(tmp_path)
    res = check(path, wants)
    s = sheets(res)["汇总表"]
    assert s.used and s.header_rows == (4,)
    assert (s.unit, s.unit_from) == ("元", "表头「预算金额（元）」(F4)")
    assert s.jurisdiction_from == "填报单位行「填报单位:奇台县财政局 填报日期:2017年3月5日」"
    assert s.year_from == "标题行「奇台县2016年度政府购买服务项目汇总表」"
    assert s.columns == {"seq": "A", "unit": "B", "name": "C", "category": "D", "subcategory": "E", "amount": "F",
                         "method": "G", "supplier": "H", "note": "I"}
    assert [(t.kind, t.amount, t.expected, t.rows) for t in res.files[0].totals] == [("合计", D("682.14321"), D("682.14321"), 3)]


def test_xlsm(tmp_path):
    path, wants = mb.v_xlsm(tmp_path)
    res = check(path, wants)
    assert res.files[0].format == "xlsx"


def test_legacy_xls_with_two_row_merged_header(tmp_path):
    path, wants = mb.v_xls_two_row_header(tmp_path)
    res = check(path, wants)
    s = sheets(res)["项目明细"]
    assert res.files[0].format == "xls"
    assert s.header_rows == (3, 4)
    assert s.columns["category"] == "D" and s.columns["subcategory"] == "E" and s.columns["amount"] == "F"
    assert (s.unit, s.unit_from) == ("万元", "表头上方「单位:万元 填报日期:2017-03-01」")
    assert s.year_from == "「年度」列(G列),空白处取自标题行「呼图壁县2016年政府购买服务项目表」"


def test_summary_sheets_are_not_project_lists(tmp_path):
    rows = [list(mb.HEADER), mb.row(1, "昌吉市", "昌吉市文化馆", "公益电影放映", "基本公共服务", None, 20, 2016)]
    by_place = [["序号", "地区", "金额(万元)"], [1, "昌吉市", 20], ["合计", None, 20]]
    by_category = [["序号", "一级目录", "二级目录", "金额(万元)"], [1, "基本公共服务", None, 20]]
    path = mb.write_xlsx(tmp_path / "汇总.xlsx", rows, extra_sheets={"按地区汇总": by_place, "按目录汇总": by_category})
    res = load(path)
    assert codes(res) == [] and len(res.valid_records()) == 1
    assert [(s.name, s.used, s.reason) for s in res.files[0].sheets][1:] == [
        ("按地区汇总", False, "没有可识别的表头"), ("按目录汇总", False, "没有可识别的表头")]


def test_ods_sheets_used_and_skipped(tmp_path):
    path, wants = mb.v_ods_sheets(tmp_path)
    res = check(path, wants)
    assert res.files[0].format == "ods"
    got = {s.name: (s.used, s.reason) for s in res.files[0].sheets}
    assert got["2016年"] == (True, "") and got["2017年"] == (True, "")
    assert got["填报说明"][0] is False and "说明" in got["填报说明"][1]
    assert got["下拉列表"][0] is False and "隐藏" in got["下拉列表"][1]
    assert sheets(res)["2016年"].year_from == "工作表名「2016年」"
    assert sheets(res)["2017年"].year_from == "工作表名「2017年」"


@pytest.mark.parametrize("encoding", list(mb.CSV_JURISDICTIONS))
def test_csv_encodings_detected(tmp_path, encoding):
    path, wants = mb.v_csv(tmp_path, encoding)
    if encoding in ("gbk", "gb18030"):
        with pytest.raises(UnicodeDecodeError):
            path.read_bytes().decode("utf-8")
    if encoding == "utf-8-sig":
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    res = check(path, wants)
    assert res.files[0].format == "csv"


def test_html_table_named_xls(tmp_path):
    path, wants = mb.v_html_as_xls(tmp_path)
    res = check(path, wants)
    s = res.files[0].sheets[0]
    assert res.files[0].format == "html"
    assert s.header_rows == (3, 4)
    assert (s.unit, s.unit_from) == ("元", "表头上方「单位:元」")
    assert s.jurisdiction_from == "标题行「阜康市2016年度政府购买服务项目明细表」"


def test_tab_separated_gbk_named_xls(tmp_path):
    path, wants = mb.v_tsv_gbk_as_xls(tmp_path)
    res = check(path, wants)
    assert res.files[0].format == "csv"


def test_wps_wrong_dimension_reads_every_row(tmp_path):
    path, wants = mb.v_wps_dimension(tmp_path)
    import zipfile

    assert b'<dimension ref="A1:A1"/>' in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    check(path, wants)


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_cell_references_of_data_starting_at_c5(tmp_path, fmt):
    path, wants = mb.v_offset_c5(tmp_path, fmt)
    res = check(path, wants)
    s = sheets(res)["项目明细"]
    assert s.header_rows == (6,)
    assert s.columns == {"jurisdiction": "C", "unit": "D", "name": "E", "category": "F", "amount": "G", "year": "H"}
    rec = res.valid_records()[0]
    assert rec.cells == {"jurisdiction": "C7", "unit": "D7", "name": "E7", "category": "F7", "amount": "G7", "year": "H7"}
    assert rec.source.row == 7


# ---- formulas --------------------------------------------------------------------------------

def test_formula_cached_values_are_used(tmp_path):
    path, wants = mb.v_formulas_cached(tmp_path)
    res = check(path, wants)
    assert [(t.amount, t.expected) for t in res.files[0].totals] == [(D("120.8"), D("120.8"))]


def _formula_book(tmp_path, cell_xml: str):
    rows = [list(mb.HEADER),
            mb.row(1, "昌吉市", "昌吉市民政局", "养老服务补贴评估", "基本公共服务", "养老服务", 0, 2016),
            mb.row(2, "昌吉市", "昌吉市民政局", "社区服务", "基本公共服务", None, 5, 2016)]
    path = mb.write_xlsx(tmp_path / "公式.xlsx", rows)
    return mb.set_cell_xml(path, "G2", cell_xml)


def test_formula_without_cached_value_is_an_error_at_its_cell(tmp_path):
    path = _formula_book(tmp_path, '<c r="G2"><f>SUM(G3:G3)</f><v></v></c>')
    res = load(path)
    assert codes(res) == [("formula-without-value", "项目明细", "G2")]
    assert res.all_issues()[0].message == "G2:金额(万元)是公式,但文件中没有保存计算结果,无法计入"
    assert [r.name for r in res.valid_records()] == ["社区服务"]


def test_formula_written_by_openpyxl_is_an_error(tmp_path):
    rows = [list(mb.HEADER),
            mb.row(1, "昌吉市", "昌吉市民政局", "养老服务补贴评估", "基本公共服务", None, "=SUM(G3:G3)", 2016),
            mb.row(2, "昌吉市", "昌吉市民政局", "社区服务", "基本公共服务", None, 5, 2016)]
    res = load(mb.write_xlsx(tmp_path / "公式.xlsx", rows))
    assert codes(res) == [("formula-without-value", "项目明细", "G2")]


@pytest.mark.parametrize("error", ["#DIV/0!", "#REF!", "#N/A"])
def test_cached_formula_error_is_an_error_at_its_cell(tmp_path, error):
    path = _formula_book(tmp_path, f'<c r="G2" t="e"><f>1/0</f><v>{error}</v></c>')
    res = load(path)
    assert codes(res) == [("formula-error", "项目明细", "G2")]
    assert res.all_issues()[0].message == f"G2:金额(万元)的公式结果是错误值 {error},无法计入"
    assert res.all_issues()[0].value == error
    assert sum(r.amount for r in res.valid_records()) == D(5)


# ---- layouts ---------------------------------------------------------------------------------

def test_jurisdiction_alias_and_year_only_in_title(tmp_path):
    path, wants = mb.v_title_zhundong(tmp_path)
    res = check(path, wants)
    s = sheets(res)["Sheet1"]
    assert s.jurisdiction_from == s.year_from == "标题行「准东开发区2016年政府购买服务项目计划表」"
    assert (s.unit, s.unit_from) == ("万元", "表头「金额(万元)」(D2)")


def test_jurisdiction_only_in_unit_line_and_date_is_not_the_year(tmp_path):
    path, wants = mb.v_unit_line_only(tmp_path)
    res = check(path, wants)
    s = sheets(res)["明细"]
    assert s.jurisdiction_from.startswith("填报单位行「填报单位:州直各部门(盖章)")
    assert s.year_from == "标题行「2016年度政府购买服务项目汇总表」"
    assert s.unit == "元" and s.unit_from.startswith("表头上方「填报单位:州直各部门(盖章)")


def test_rows_of_several_years_keep_their_own(tmp_path):
    path, wants = mb.v_several_years(tmp_path)
    res = check(path, wants)
    assert res.years() == [2015, 2016, 2017, 2018]


def test_sections_totals_blank_rows_and_notes(tmp_path):
    path, wants = mb.v_sections_totals_notes(tmp_path)
    res = check(path, wants)
    totals = [(t.kind, t.source.row, t.amount, t.expected, t.rows) for t in res.files[0].totals]
    assert sorted(totals, key=lambda t: t[1]) == [
        ("合计", 3, D("362.5"), D("362.5"), 3),
        ("小计", 9, D("250.5"), D("250.5"), 2),
        ("小计", 13, D("112"), D("112"), 1),
    ]
    assert res.files[0].skipped_rows == 0


def test_wrong_totals_are_warnings_never_counted(tmp_path):
    rows = [["玛纳斯县2016年政府购买服务项目表"], ["序号", "购买主体", "项目名称", "一级目录", "金额(万元)"],
            [1, "玛纳斯县民政局", "甲项目", "基本公共服务", 10],
            [2, "玛纳斯县民政局", "乙项目", "基本公共服务", 20.5],
            ["小 计", None, None, None, 30],
            [3, "玛纳斯县民政局", "丙项目", "基本公共服务", 1],
            ["合计", None, None, None, 31.5],
            ["总计", None, None, None, 31.5]]
    res = load(mb.write_xlsx(tmp_path / "t.xlsx", rows))
    assert codes(res) == [("total-mismatch", "项目明细", "E5")]
    assert res.all_issues()[0].message == "E5:小计行金额为 30,但上方 2 个项目之和为 30.5,相差 -0.5"
    assert sum(r.amount for r in res.valid_records()) == D("31.5")


def test_merged_unit_cells_over_projects(tmp_path):
    rows = [list(mb.HEADER),
            mb.row(1, "昌吉市", "昌吉市文化馆", "公益电影放映", "基本公共服务", "公共文化", 12, 2016),
            mb.row(2, None, None, "群众文化培训", "基本公共服务", "公共文化", 8, 2016),
            mb.row(3, None, None, "非遗保护宣传", "基本公共服务", "公共文化", 5, 2016)]
    path = mb.write_xlsx(tmp_path / "合并.xlsx", rows, merges=["B2:B4", "C2:C4"])
    res = load(path)
    assert codes(res) == []
    assert [(r.jurisdiction, r.unit, r.name, r.amount) for r in res.valid_records()] == [
        ("昌吉市", "昌吉市文化馆", "公益电影放映", D(12)), ("昌吉市", "昌吉市文化馆", "群众文化培训", D(8)),
        ("昌吉市", "昌吉市文化馆", "非遗保护宣传", D(5))]


def test_merged_amount_over_projects_is_an_error(tmp_path):
    rows = [list(mb.HEADER),
            mb.row(1, "昌吉市", "昌吉市文化馆", "公益电影放映", "基本公共服务", None, 20, 2016),
            mb.row(2, "昌吉市", "昌吉市文化馆", "群众文化培训", "基本公共服务", None, None, 2016)]
    res = load(mb.write_xlsx(tmp_path / "合并金额.xlsx", rows, merges=["G2:G3"]))
    assert codes(res) == [("invalid-amount", "项目明细", "G3")]
    assert "G2:G3" in res.all_issues()[0].message


def test_template_rows_holding_only_a_sequence_number_are_blank(tmp_path):
    rows = [list(mb.HEADER), mb.row(1, "昌吉市", "昌吉市文化馆", "公益电影放映", "基本公共服务", None, 20, 2016)]
    rows += [[n] for n in range(2, 30)] + [[None, "昌吉市", None, None, None, None, None, None, None, 2016]]
    res = load(mb.write_xlsx(tmp_path / "模板.xlsx", rows))
    assert codes(res) == [] and len(res.valid_records()) == 1


# ---- values ----------------------------------------------------------------------------------

def test_amount_and_category_spellings(tmp_path):
    path, wants = mb.v_values_and_categories(tmp_path)
    check(path, wants)


@pytest.mark.parametrize("header,unit_line", [("金额(元)", None), ("预算金额（元）", None), ("金额", "单位:元"),
                                              ("金额（单位:元）", None), ("金额/元", None)])
def test_amounts_in_yuan_are_converted_exactly(tmp_path, header, unit_line):
    rows = [["昌吉市2016年政府购买服务项目情况表"]] + ([[unit_line]] if unit_line else []) + [list(mb.HEADER)]
    rows[-1][6] = header
    rows += [mb.row(1, "昌吉市", "昌吉市民政局", "甲", "基本公共服务", None, 4706000.00, 2016),
             mb.row(2, "昌吉市", "昌吉市民政局", "乙", "基本公共服务", None, "1,250.50", 2016),
             mb.row(3, "昌吉市", "昌吉市民政局", "丙", "基本公共服务", None, "860000元", 2016)]
    res = load(mb.write_xlsx(tmp_path / "元.xlsx", rows))
    assert codes(res) == []
    assert [r.amount for r in res.valid_records()] == [D("470.6"), D("0.12505"), D("86")]
    assert res.files[0].sheets[0].unit == "元"


def test_uninterpretable_values_are_errors_with_their_cells(tmp_path):
    rows = [list(mb.HEADER),
            mb.row(1, "昌吉市", "昌吉市民政局", "甲", "基本公共服务", None, "待定", 2016),
            mb.row(2, "昌吉市", "昌吉市民政局", "乙", "基本公共服务", None, "12,50", 2016),
            mb.row(3, "昌吉市", "昌吉市民政局", "丙", "基本公共服务", None, 5, "去年"),
            mb.row(4, "昌吉县", "昌吉市民政局", "丁", "基本公共服务", None, 5, 2016),
            mb.row(5, "昌吉市", "昌吉市民政局", "戊", "公共服务类别", None, 5, 2016),
            mb.row(6, "昌吉市", "昌吉市民政局", "己", "01 社会管理性服务", None, 5, 2016),
            mb.row(7, "昌吉市", None, "庚", "基本公共服务", None, None, 2016),
            mb.row(8, "昌吉市", "昌吉市民政局", "辛", "基本公共服务", None, True, 2016)]
    res = load(mb.write_xlsx(tmp_path / "错.xlsx", rows))
    assert codes(res) == [
        ("invalid-amount", "项目明细", "G2"), ("invalid-amount", "项目明细", "G3"), ("invalid-year", "项目明细", "J4"),
        ("unknown-jurisdiction", "项目明细", "B5"), ("unknown-category", "项目明细", "E6"),
        ("unknown-category", "项目明细", "E7"), ("missing-value", "项目明细", "C8"), ("missing-value", "项目明细", "G8"),
        ("invalid-amount", "项目明细", "G9")]
    messages = [i.message for i in res.all_issues()]
    assert messages[0] == "G2:金额“待定”不是数字,无法计入"
    assert messages[1] == "G3:金额“12,50”中千分位分隔符的位置不对,无法计入"
    assert messages[2] == "J4:年度“去年”不是年份"
    assert res.valid_records() == []
    assert res.files[0].skipped_rows == 8


@pytest.mark.parametrize("value", [2016, 2016.0, "2016", "2016.0", "2016年", "2016年度", "２０１６"])
def test_year_spellings(tmp_path, value):
    rows = [list(mb.HEADER), mb.row(1, "昌吉市", "昌吉市民政局", "甲", "基本公共服务", None, 1, value)]
    res = load(mb.write_csv(tmp_path / "y.csv", rows) if isinstance(value, str) else mb.write_xlsx(tmp_path / "y.xlsx", rows))
    assert codes(res) == [] and res.valid_records()[0].year == 2016


# ---- the corpus ------------------------------------------------------------------------------

def test_corpus_validates_without_errors_and_totals_are_exact(tmp_path):
    corpus = mb.all_variants(tmp_path)
    res = load(tmp_path)
    assert [i.message for i in res.errors] == []
    assert [i for i in res.warnings if i.code != "skipped-file"] == []
    # Totals computed here, from the figures the builders state, without gpscli.
    want_total: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    want_rows = 0
    for _, wants in corpus:
        for w in wants:
            want_total[(w.jurisdiction, w.year)] += w.amount
            want_rows += 1
    got_total: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for r in res.valid_records():
        got_total[(r.jurisdiction, r.year)] += r.amount
    assert len(res.valid_records()) == want_rows
    assert dict(got_total) == dict(want_total)
    grand = sum(want_total.values(), D(0))
    assert sum((r.amount for r in res.valid_records()), D(0)) == grand
    if hasattr(api, "aggregate"):
        for year in sorted({y for _, y in want_total}):
            table = api.aggregate(res, year)
            assert table.total.amount == sum((v for (_, y), v in want_total.items() if y == year), D(0))
    # Every file's records, file by file, exactly.
    by_path = {f.path: f for f in res.files}
    for path, wants in corpus:
        f = by_path[str(path)]
        assert mb.projection(f.records) == mb.wanted(wants, default_sheet=path.stem), path.name


def test_xls_cached_formula_error_is_an_error_at_its_cell(tmp_path):
    """calamine reads a cached #DIV/0! in .xls as ''; the BIFF pre-flight scan flags it."""
    import struct

    import xlwt

    from builders import project, standard_rows
    from gpscli import api

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目明细")
    for i, row in enumerate(standard_rows([project()])):
        for j, v in enumerate(row):
            if v is not None and not (i == 3 and j == 6):
                ws.write(i, j, v)
    ws.write(3, 6, xlwt.Formula("1/0"))
    p = tmp_path / "阜康市.xls"
    wb.save(str(p))
    raw = bytearray(p.read_bytes())
    # xlwt stores the formula's cached result as the number 0: make it the error #DIV/0! (code 0x07).
    pos = raw.find(struct.pack("<H", 0x0006))
    while pos != -1:
        length = struct.unpack_from("<H", raw, pos + 2)[0]
        if length >= 20 and struct.unpack_from("<HH", raw, pos + 4) == (3, 6):
            raw[pos + 10:pos + 18] = bytes([2, 0, 0x07, 0, 0, 0, 0xFF, 0xFF])
            break
        pos = raw.find(struct.pack("<H", 0x0006), pos + 1)
    assert pos != -1
    p.write_bytes(bytes(raw))
    res = api.load([p])
    assert [(i.code, i.cell) for i in res.all_issues()] == [("formula-error", "G4")]
    assert "#DIV/0!" in res.all_issues()[0].message
