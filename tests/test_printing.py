"""Issue #19, the workbook half: native charts in the 汇总表 workbook, every sheet gps writes set up
for A4, and the mark of a table cell without projects (wording.NO_FIGURE) instead of 0."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from gpscli import wording
from gpscli.cli import app
from gpscli.outputs import charts
from gpscli.outputs.printing import FOOTER
from ledger_support import fill_inbox, make_workspace

runner = CliRunner()
NO = wording.NO_FIGURE


def gps(*args) -> object:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def money(value) -> Decimal:
    return Decimal(repr(value))


def _aggregate_2016(sample_dir: Path, out: Path, *by: str) -> Path:
    r = gps("aggregate", sample_dir, "--year", "2016", *(("--by", by[0]) if by else ()), "--out", out)
    assert r.exit_code == 0, r.output
    return out


def _chart_refs(path: Path) -> dict[str, list[str]]:
    """Each chart part of the xlsx and the cell references (<c:f>) in it, in order."""
    with zipfile.ZipFile(path) as z:
        return {n: re.findall(r"<(?:c:)?f>([^<]*)</(?:c:)?f>", z.read(n).decode("utf-8"))
                for n in sorted(z.namelist()) if re.fullmatch(r"xl/charts/chart\d+\.xml", n)}


def _chart_xml(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(name).decode("utf-8")


# ---- charts -----------------------------------------------------------------------------------

def test_the_chart_sheet_holds_live_charts_on_its_own_figures(sample_dir, tmp_path):
    out = _aggregate_2016(sample_dir, tmp_path / "汇总.xlsx")
    assert _chart_refs(out) == {
        "xl/charts/chart1.xml": ["'图表'!C3", "'图表'!$A$4:$A$14", "'图表'!$C$4:$C$14"],  # by 地区
        "xl/charts/chart2.xml": ["'图表'!C26", "'图表'!$A$27:$A$29", "'图表'!$C$27:$C$29"],  # by 一级目录
    }
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总表", "图表", "明细", "报送情况"]
    ws = wb["图表"]
    assert len(ws._charts) == 2
    assert [ws[f"A{r}"].value for r in range(27, 30)] == ["基本公共服务", "技术性服务", "政府履职所需辅助性事项"]
    assert [money(ws[f"C{r}"].value) for r in range(27, 30)] == [Decimal("14543.68"), Decimal("1189"), Decimal("520")]
    assert (ws["A30"].value, ws["B30"].value, money(ws["C30"].value)) == ("合计", 55, Decimal("16252.68"))
    assert (ws["A3"].value, ws["C3"].value, ws["C26"].value) == ("地区", "金额(万元)", "金额(万元)")
    assert (ws["A4"].value, money(ws["C4"].value)) == ("州本级", Decimal("2978.88"))
    assert ws["A14"].value == "木垒哈萨克自治县" and money(ws["C14"].value) == Decimal("342")
    assert sum(money(ws[f"C{r}"].value) for r in range(4, 15)) == money(ws["C15"].value) == Decimal("16252.68")
    by_place = _chart_xml(out, "xl/charts/chart1.xml")
    assert "<barChart>" in by_place and "2016年政府购买服务金额(按地区)" in by_place and "金额(万元)" in by_place
    assert "<strRef><f>'图表'!$A$4:$A$14</f>" in by_place  # the names as text
    by_category = _chart_xml(out, "xl/charts/chart2.xml")
    assert "<pieChart>" in by_category and "2016年政府购买服务金额(按一级目录)" in by_category


def test_the_detail_rows_written_afterwards_leave_the_chart_parts_whole(sample_dir, tmp_path):
    """append_rows rewrites the 明细 sheet's XML after openpyxl saved: the drawing and its relations stay."""
    out = _aggregate_2016(sample_dir, tmp_path / "汇总.xlsx")
    with zipfile.ZipFile(out) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        types = z.read("[Content_Types].xml").decode()
        book_rels = z.read("xl/_rels/workbook.xml.rels").decode()
        book = z.read("xl/workbook.xml").decode()
        rid = re.search(r'<sheet [^>]*name="图表"[^>]*r:id="([^"]+)"', book).group(1)
        part = re.search(rf'Id="{rid}"[^>]*Target="/?(?:xl/)?([^"]+)"|Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid}"',
                         book_rels)
        sheet = "xl/" + (part.group(1) or part.group(2))
        sheet_rels = z.read(sheet.replace("worksheets/", "worksheets/_rels/") + ".rels").decode()
        drawing_rels = z.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        assert "<drawing " in z.read(sheet).decode()
    assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/drawings/drawing1.xml"} <= names
    assert "drawings/drawing1.xml" in sheet_rels
    assert "charts/chart1.xml" in drawing_rels and "charts/chart2.xml" in drawing_rels
    assert types.count("drawingml.chart+xml") == 2
    wb = openpyxl.load_workbook(out)
    assert wb["明细"].max_row == 56 and len(wb["图表"]._charts) == 2


def test_one_chart_for_each_dimension_of_by(sample_dir, tmp_path):
    out = _aggregate_2016(sample_dir, tmp_path / "三维.xlsx", "kind,category,method")
    refs = _chart_refs(out)
    assert len(refs) == 3
    ws = openpyxl.load_workbook(out)["图表"]
    starts = [int(ref[0].split("!C")[1]) for ref in refs.values()]
    assert [b.id for b in ws.row_breaks.brk] == [s - 1 for s in starts[1:]]  # a page for each chart
    heads = [ref[0] for ref in refs.values()]  # each series named by its table's 金额 header
    assert all(ws[h.split("!")[1]].value == "金额(万元)" for h in heads)
    labels = [ws["A" + h.split("!C")[1]].value for h in heads]
    assert labels == ["地区类别", "一级目录", "购买方式"]
    for ref in refs.values():  # every table's 合计 is the whole year's
        last = int(ref[2].rsplit("$", 1)[1])
        assert ws[f"A{last + 1}"].value == "合计" and money(ws[f"C{last + 1}"].value) == Decimal("16252.68")


def test_a_dimension_with_too_many_values_gets_its_table_and_no_chart(sample_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "MAX_BARS", 5)
    out = _aggregate_2016(sample_dir, tmp_path / "汇总.xlsx")
    assert list(_chart_refs(out).values()) == [["'图表'!C17", "'图表'!$A$18:$A$20", "'图表'!$C$18:$C$20"]]
    ws = openpyxl.load_workbook(out)["图表"]
    assert ws["E3"].value == "地区共 11 个,未作图(见左表)" and money(ws["C15"].value) == Decimal("16252.68")


# ---- the mark of a cell without projects ------------------------------------------------------

def test_a_category_a_jurisdiction_did_not_buy_shows_the_mark_not_a_zero(sample_dir, tmp_path):
    out = _aggregate_2016(sample_dir, tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)["汇总表"]
    assert ws["A6"].value == "国家农业科技园区"
    assert [ws.cell(row=6, column=c).value for c in range(2, 10)] == [8, 2090, NO, NO, NO, NO, 8, 2090]
    assert ws["D6"].alignment.horizontal == "center"
    total = [ws.cell(row=16, column=c).value for c in range(1, 10)]  # totals stay numbers
    assert total[0] == "合计" and total[1::2] == [45, 8, 2, 55]
    assert [money(v) for v in total[2::2]] == [Decimal("14543.68"), Decimal("1189"), Decimal("520"), Decimal("16252.68")]
    assert all(isinstance(ws.cell(row=r, column=c).value, (int, float)) or ws.cell(row=r, column=c).value == NO
               for r in range(5, 17) for c in range(2, 10))


def test_the_screen_table_shows_the_same_mark(sample_dir):
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016"])
    assert r.exit_code == 0, r.output
    line = next(x for x in r.stdout.splitlines() if "国家农业科技园区" in x)
    cells = [c.strip() for c in line.strip("│ ").split("│")]
    assert cells == ["国家农业科技园区", "8", "2090", NO, NO, NO, NO, "8", "2090"]
    total = next(x for x in r.stdout.splitlines() if x.startswith("│ 合计"))
    assert NO not in total and "16252.68" in total


# ---- every sheet prints on A4 -----------------------------------------------------------------

def _assert_a4(wb, expected: dict[str, tuple[str, str | None]]) -> None:
    """Every visible sheet of ``wb`` is in ``expected`` (orientation, print title rows) and is set
    up so: A4, one page wide, as many long as it takes, page numbers in the footer."""
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible == list(expected)
    for name, (orientation, titles) in expected.items():
        ws = wb[name]
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
            orientation, 9, 1, 0), name  # 9: A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, name
        assert ws.print_title_rows == titles, name
        assert ws.oddFooter.center.text == FOOTER == "第 &P 页,共 &N 页", name
        assert ws.page_margins.left == ws.page_margins.right == 0.4, name


def test_every_sheet_of_the_summary_workbook_prints_on_a4(sample_dir, tmp_path):
    wb = openpyxl.load_workbook(_aggregate_2016(sample_dir, tmp_path / "汇总.xlsx"))
    _assert_a4(wb, {"汇总表": ("landscape", "$3:$4"), "图表": ("landscape", None), "明细": ("landscape", "$1:$1"),
                    "报送情况": ("portrait", "$1:$1")})
    one = openpyxl.load_workbook(_aggregate_2016(sample_dir, tmp_path / "一维.xlsx", "category"))
    assert (one["汇总表"].page_setup.orientation, one["汇总表"].print_title_rows) == ("portrait", "$2:$2")


def test_the_issues_sheet_prints_on_a4(tmp_path):
    rows = standard_rows([project(name="甲", amount=10), project(name="乙", amount="待定")])
    out = tmp_path / "o.xlsx"
    r = gps("aggregate", write_xlsx(tmp_path / "a.xlsx", rows), "--skip-invalid", "--out", out)
    assert r.exit_code == 1, r.output
    wb = openpyxl.load_workbook(out)
    _assert_a4(wb, {"汇总表": ("portrait", "$3:$4"),  # one jurisdiction, one category: narrow
                    "图表": ("landscape", None), "明细": ("landscape", "$1:$1"),
                    "报送情况": ("portrait", "$1:$1"), "问题": ("landscape", "$1:$1")})


def test_the_ledger_workbooks_print_on_a4(tmp_path, sample_dir, request, monkeypatch):
    """来源版本 (aggregate from the ledger) and gps status's xlsx."""
    root = make_workspace(tmp_path / "工作区", "sqlite", request)
    monkeypatch.chdir(root)
    assert gps("ingest", fill_inbox(root, sample_dir), "--period", "2016").exit_code == 0
    r = gps("aggregate", "--year", "2016", "--out", root / "汇总.xlsx")
    assert r.exit_code == 0, r.output
    _assert_a4(openpyxl.load_workbook(root / "汇总.xlsx"), {
        "汇总表": ("landscape", "$3:$4"), "图表": ("landscape", None), "明细": ("landscape", "$1:$1"),
        "报送情况": ("portrait", "$1:$1"), "来源版本": ("landscape", "$2:$2")})
    r = gps("status", "--period", "2016", "--out", root / "报送情况.xlsx")
    assert r.exit_code == 0, r.output
    _assert_a4(openpyxl.load_workbook(root / "报送情况.xlsx"), {"报送情况": ("landscape", "$1:$2")})


def test_the_annotated_copy_prints_its_issue_list_on_a4(tmp_path):
    src = write_xlsx(tmp_path / "阜康市.xlsx", standard_rows([project(jurisdiction="阜康市", amount="待定")]))
    assert gps("validate", src, "--annotate", tmp_path / "标注").exit_code == 1
    wb = openpyxl.load_workbook(tmp_path / "标注" / "阜康市-问题标注.xlsx")
    setup = wb["问题清单"].page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
    assert wb["问题清单"].print_title_rows == "$1:$1" and wb["问题清单"].oddFooter.center.text == FOOTER
    assert wb["项目明细"].page_setup.fitToWidth is None  # the county's own sheet is left as it came


@pytest.mark.parametrize("register", [False, True])
def test_the_blank_template_prints_on_a4(tmp_path, register):
    out = tmp_path / "模板.xlsx"
    r = gps("template", "-o", out, *(["--register"] if register else []))
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    _assert_a4(wb, {"项目明细": ("landscape", "$3:$3"), "填报说明": ("portrait", None)})
    guide = wb["填报说明"]
    assert guide.column_dimensions["A"].width <= 100  # as wide as a portrait page
    assert all(c.alignment.wrap_text for c in guide["A"])
    line8 = next(c for c in guide["A"] if str(c.value).startswith("8. "))
    assert guide.row_dimensions[line8.row].height >= 16 * 2  # the long line of categories wraps, and shows
    assert wb["项目明细"].max_column == (24 if register else 11)
