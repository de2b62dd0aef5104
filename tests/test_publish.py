"""gps publish (issue #18): the 信息公开 table, read back from the files it writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from builders import project, register_rows, write_xlsx
from gpscli.cli import app
from gpscli.outputs.publish import COLUMNS, months_text, term_text

runner = CliRunner()

HEADER = ["序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录", "购买方式", "承接主体", "合同金额(万元)",
          "金额来源", "分年资金安排", "合同期限", "绩效评价"]
INJECTED = '=HYPERLINK("http://x","y")'
CODE = "91652301MA77XXXX1F"  # a valid 统一社会信用代码: it must not be published
NOBODY = (None,) * 13


def _register(supplier_type=None, code=None, budget=None, contract=None, paid=None, fund=None, start=None, end=None,
              term=None, signed=None, notice=None, plan=None, performance=None) -> list:
    return [supplier_type, code, budget, contract, paid, fund, start, end, term, signed, notice, plan, performance]


def _inbox(tmp_path: Path, *, bad: bool = False) -> Path:
    """One 2016 workbook of four projects and a 2017 one, with the register's columns, a 填表人 and a
    phone number under the table, and an injected formula kept as text in 项目名称 (D4)."""
    rows = register_rows([
        (project(unit="昌吉市环境卫生管理局", name="placeholder", amount=1200),
         _register("企业", CODE, 1200, 1183.3, 600, "一般公共预算", "2016-01-01", "2016-12-31", "12个月",
                   "2015-12-21", "2015-12-22", "2016年1183.3万元", "优秀")),
        (project(unit="昌吉市民政局", name="社区居家养老服务", amount=80, supplier="+SUM(1,2)"),
         _register("社会组织", start="2016-03-01", end="2016-12-31")),
        (project(unit="昌吉市文化体育广电局", name="公共文化场馆运营", amount=250.25, method="竞争性磋商"),
         _register("企业", contract=240, term="18个月", plan="2016年160万元;2017年80万元", performance="92分")),
        (project(unit="昌吉市教育局", name="校园安保服务", amount=55.5, method="单一来源采购", supplier="昌吉市安保公司"),
         _register(contract="bad" if bad else 50)),
    ])
    rows += [[], ["填表人:张三", None, "联系电话:13899990000"]]
    folder = tmp_path / "收件箱"
    path = write_xlsx(folder / "昌吉市.xlsx", rows)
    wb = openpyxl.load_workbook(path)
    cell = wb.active["D4"]
    cell.value, cell.data_type = INJECTED, "s"  # text that looks like a formula, as a clerk may type it
    wb.save(path)
    later = register_rows([(project(unit="昌吉市民政局", name="2017年养老服务", amount=99, year=2017), NOBODY)],
                          title="昌吉市2017年政府购买服务项目情况表")
    write_xlsx(folder / "昌吉市2017.xlsx", later)
    return folder


def _publish(*args: str):
    return runner.invoke(app, ["publish", *args])


def _xlsx_rows(path: Path) -> list[list]:
    ws = openpyxl.load_workbook(path)["信息公开"]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_columns_are_the_documented_ones():
    assert list(COLUMNS) == HEADER


def test_xlsx_lists_the_years_projects_with_exact_amounts_and_safe_texts(tmp_path):
    out = tmp_path / "信息公开.xlsx"
    r = _publish(str(_inbox(tmp_path)), "--year", "2016", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert r.stdout == ""  # with --out and no --format, nothing on stdout
    assert f"已写入:{out}(4 个项目)" in r.stderr
    assert "1 个项目未填合同金额" in r.stderr
    rows = _xlsx_rows(out)
    assert rows[0] == HEADER
    assert rows[1:] == [
        [1, "昌吉市", "昌吉市环境卫生管理局", "'" + INJECTED, "基本公共服务", "城市维护", "公开招标",
         "昌吉市洁城环境服务有限公司", 1183.3, "合同金额", "2016年1183.3万元", "1年(2016-01-01至2016-12-31)", "优秀"],
        [2, "昌吉市", "昌吉市民政局", "社区居家养老服务", "基本公共服务", "城市维护", "公开招标", "'+SUM(1,2)",
         80, "报送金额(未填合同金额)", None, "2016-03-01至2016-12-31", None],
        [3, "昌吉市", "昌吉市文化体育广电局", "公共文化场馆运营", "基本公共服务", "城市维护", "竞争性磋商",
         "昌吉市洁城环境服务有限公司", 240, "合同金额", "2016年160万元;2017年80万元", "18个月", "92分"],
        [4, "昌吉市", "昌吉市教育局", "校园安保服务", "基本公共服务", "城市维护", "单一来源采购", "昌吉市安保公司",
         50, "合同金额", None, None, None],
    ]
    ws = openpyxl.load_workbook(out)["信息公开"]
    assert {ws.cell(row=n, column=9).number_format for n in range(2, 6)} == {"#,##0.00"}
    assert all(ws.cell(row=n, column=c).data_type != "f" for n in range(1, 6) for c in range(1, 14))
    notes = [c.value for c in openpyxl.load_workbook(out)["说明"]["A"]]
    assert any(n.startswith("本表有 1 个项目未填合同金额,合同金额栏为其“金额”") for n in notes)


def test_nothing_beyond_the_published_fields(tmp_path):
    out = tmp_path / "信息公开.xlsx"
    assert _publish(str(_inbox(tmp_path)), "--year", "2016", "--out", str(out)).exit_code == 0
    wb = openpyxl.load_workbook(out)
    texts = " ".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    for private in ("填表人", "张三", "电话", "13899990000", CODE, "统一社会信用代码", "预算金额", "执行数", "600"):
        assert private not in texts


def test_csv_has_a_bom_exact_amounts_and_neutralised_texts(tmp_path):
    out = tmp_path / "信息公开.csv"
    r = _publish(str(_inbox(tmp_path)), "--year", "2016", "--out", str(out))
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    assert [row[8] for row in rows[1:]] == ["1183.3", "80", "240", "50"]
    assert rows[1][3] == "'" + INJECTED and rows[2][7] == "'+SUM(1,2)"
    assert [row[11] for row in rows[1:]] == ["1年(2016-01-01至2016-12-31)", "2016-03-01至2016-12-31", "18个月", ""]
    assert all(CODE not in cell for row in rows for cell in row)


def test_the_year_filter(tmp_path):
    inbox = _inbox(tmp_path)
    r = _publish(str(inbox), "--year", "2017", "--format", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("\ufeff")  # `> 公开表.csv` opens in Excel
    rows = list(csv.reader(io.StringIO(r.stdout.removeprefix("\ufeff"))))
    assert rows[0] == HEADER
    assert [(row[2], row[3], row[8]) for row in rows[1:]] == [("昌吉市民政局", "2017年养老服务", "99")]
    many = _publish(str(inbox))
    assert many.exit_code == 2
    assert "2016、2017" in many.stderr and "--year" in many.stderr
    none = _publish(str(inbox), "--year", "2015")
    assert none.exit_code == 1 and "没有 2015 年的项目" in none.stderr


def test_the_screen_table(tmp_path):
    r = _publish(str(_inbox(tmp_path)), "--year", "2016")
    assert r.exit_code == 0, r.output
    assert "2016年政府购买服务项目信息公开表" in r.stdout
    assert "1183.3" in r.stdout and "公共文化场馆运营" in r.stdout and "2017年养老服务" not in r.stdout


def test_rows_with_errors_are_not_published_unless_skipped(tmp_path):
    inbox = _inbox(tmp_path, bad=True)
    out = tmp_path / "信息公开.xlsx"
    r = _publish(str(inbox), "--year", "2016", "--out", str(out))
    assert r.exit_code == 1
    assert "未生成输出" in r.stderr and "--skip-invalid" in r.stderr
    assert not out.exists()
    skipped = _publish(str(inbox), "--year", "2016", "--out", str(out), "--skip-invalid")
    assert skipped.exit_code == 1
    assert "未纳入信息公开表的问题(1 个)" in skipped.stderr
    assert [row[3] for row in _xlsx_rows(out)[1:]] == ["'" + INJECTED, "社区居家养老服务", "公共文化场馆运营"]


def test_output_files_follow_the_conventions(tmp_path):
    inbox = _inbox(tmp_path)
    wrong = _publish(str(inbox), "--year", "2016", "--out", str(tmp_path / "x.json"))
    assert wrong.exit_code == 2 and ".xlsx 或 .csv" in wrong.stderr
    mine = tmp_path / "我的.xlsx"
    mine.write_bytes(b"a person's file")
    refused = _publish(str(inbox), "--year", "2016", "--out", str(mine))
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert mine.read_bytes() == b"a person's file"
    written = tmp_path / "信息公开.csv"
    assert _publish(str(inbox), "--year", "2016", "--out", str(written)).exit_code == 0
    again = _publish(str(inbox), "--year", "2016", "--out", str(written))  # gps's own file: replaced
    assert again.exit_code == 0, again.output
    forced = _publish(str(inbox), "--year", "2016", "--out", str(mine), "--force")
    assert forced.exit_code == 0 and mine.read_bytes().startswith(b"PK")
    into_input = _publish(str(inbox / "昌吉市.xlsx"), "--year", "2016", "--out", str(inbox / "昌吉市.xlsx"))
    assert into_input.exit_code == 2 and "输入文件" in into_input.stderr


def test_from_the_ledger(tmp_path, monkeypatch):
    inbox = _inbox(tmp_path)
    ws = tmp_path / "工作区"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    monkeypatch.chdir(ws)
    ingested = runner.invoke(app, ["ingest", str(inbox / "昌吉市.xlsx"), "--period", "2016"])
    assert ingested.exit_code == 0, ingested.output
    r = _publish("--year", "2016", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.reader(io.StringIO(r.stdout.removeprefix("\ufeff"))))
    assert [(row[3], row[8], row[11]) for row in rows[1:]] == [
        ("'" + INJECTED, "1183.3", "1年(2016-01-01至2016-12-31)"), ("社区居家养老服务", "80", "2016-03-01至2016-12-31"),
        ("公共文化场馆运营", "240", "18个月"), ("校园安保服务", "50", "")]
    assert "数据来自账本" in r.stderr
    with_paths = _publish(str(inbox), "--period", "2016")
    assert with_paths.exit_code == 2


@pytest.mark.parametrize(("months", "text"), [(12, "1年"), (24, "2年"), (18, "18个月"), (6, "6个月"),
                                              (Decimal("1.5"), "1.5个月"), (Decimal("36"), "3年")])
def test_months_text(months, text):
    assert months_text(months) == text


def test_term_text():
    start, end = dt.date(2016, 1, 1), dt.date(2016, 12, 31)
    assert term_text({"term": 12, "start": start, "end": end}) == "1年(2016-01-01至2016-12-31)"
    assert term_text({"start": start, "end": end}) == "2016-01-01至2016-12-31"
    assert term_text({"start": start}) == "2016-01-01起"
    assert term_text({"end": end}) == "至2016-12-31"
    assert term_text({}) == ""
