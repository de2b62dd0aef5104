"""gps aggregate: the seed's figures, dimensions, order, exact money, outputs."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from gpscli import api
from gpscli.cli import app

runner = CliRunner()


def run_json(*args):
    r = runner.invoke(app, ["aggregate", *map(str, args), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def amounts(entries, key):
    return {e[key]: (e["count"], e["amount"]) for e in entries}


def test_2016_matches_the_seed_report(sample_dir):
    d = run_json(sample_dir, "--year", "2016")
    assert d["year"] == 2016 and d["unit"] == "万元"
    assert d["total"] == {"count": 55, "amount": "16252.68"}
    assert amounts(d["by_category"], "category") == {
        "基本公共服务": (45, "14543.68"), "技术性服务": (8, "1189"), "政府履职所需辅助性事项": (2, "520")}
    j = amounts(d["by_jurisdiction"], "jurisdiction")
    assert j["国家农业科技园区"][1] == "2090"
    assert j["准东经济技术开发区"][1] == "530"
    assert j["昌吉高新技术产业开发区"][1] == "1461"
    assert j["州本级"][1] == "2978.88"
    counties = ["昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县", "木垒哈萨克自治县"]
    assert sum(Decimal(j[c][1]) for c in counties) == Decimal("9192.8")


def test_2017_matches_the_seed_report(sample_dir):
    d = run_json(sample_dir, "--year", "2017")
    assert d["total"] == {"count": 68, "amount": "19439.72"}
    assert amounts(d["by_category"], "category") == {
        "基本公共服务": (47, "12577.62"), "社会管理性服务": (11, "5379.6"), "行业管理与协调性服务": (1, "786"),
        "技术性服务": (6, "222.5"), "政府履职所需辅助性事项": (2, "274"), "其他适合由社会力量承担的服务事项": (1, "200")}


def test_the_four_named_prefecture_projects(sample_dir):
    res = api.load([sample_dir])
    named = sorted(r.amount for r in res.valid_records() if r.year == 2016 and r.jurisdiction == "州本级"
                   and r.amount in (Decimal("470.6"), Decimal("1100"), Decimal("50"), Decimal("460")))
    assert named == [Decimal("50"), Decimal("460"), Decimal("470.6"), Decimal("1100")]
    assert sum(named) == Decimal("2080.6")


def test_json_shape(sample_dir):
    d = run_json(sample_dir, "--year", "2016")
    assert list(d) == ["year", "unit", "dimensions", "total", "by_jurisdiction", "by_category", "cells",
                       "submissions", "sources", "skipped", "warnings"]
    assert d["dimensions"] == ["jurisdiction", "category"]
    assert d["cells"][0] == {"jurisdiction": "州本级", "category": "基本公共服务", "count": 7, "amount": "2820.88"}
    assert len(d["sources"]) == 12 and all(len(s["sha256"]) == 64 for s in d["sources"])
    assert sum(s["rows"] for s in d["sources"]) == 55
    assert d["skipped"] == [] and d["warnings"] == []
    assert {s["status"] for s in d["submissions"]} == {"已报送"}


def test_order_is_profile_then_catalogue_not_alphabetical(sample_dir):
    d = run_json(sample_dir, "--year", "2017")
    assert [e["jurisdiction"] for e in d["by_jurisdiction"]] == [
        "州本级", "国家农业科技园区", "准东经济技术开发区", "昌吉高新技术产业开发区", "昌吉市", "阜康市", "呼图壁县",
        "玛纳斯县", "奇台县", "吉木萨尔县", "木垒哈萨克自治县"]
    assert [e["category"] for e in d["by_category"]] == [
        "基本公共服务", "社会管理性服务", "行业管理与协调性服务", "技术性服务", "政府履职所需辅助性事项",
        "其他适合由社会力量承担的服务事项"]


@pytest.mark.parametrize("dim", ["jurisdiction", "category", "subcategory", "unit", "method"])
def test_by_each_dimension_sums_to_the_total(sample_dir, dim):
    d = run_json(sample_dir, "--year", "2016", "--by", dim)
    assert d["dimensions"] == [dim]
    assert sum(e["count"] for e in d[f"by_{dim}"]) == 55
    assert sum(Decimal(e["amount"]) for e in d[f"by_{dim}"]) == Decimal("16252.68")


def test_method_order_follows_the_law(tmp_path):
    rows = standard_rows([project(name="甲", method="询价"), project(name="乙", method="公开招标"),
                          project(name="丙", method="委托")])
    d = run_json(write_xlsx(tmp_path / "a.xlsx", rows), "--by", "method")
    assert [e["method"] for e in d["by_method"]] == ["公开招标", "询价", "委托"]


def test_several_years_without_year_is_a_usage_error(sample_dir):
    r = runner.invoke(app, ["aggregate", str(sample_dir)])
    assert r.exit_code == 2
    assert "2016、2017" in r.stderr


def test_yuan_are_converted_exactly(tmp_path):
    rows = standard_rows([project(name="甲", amount=4706000), project(name="乙", amount="1,250.50")],
                         unit_line="填报单位:昌吉市财政局   单位:元")
    rows[2][6] = "金额(元)"
    d = run_json(write_xlsx(tmp_path / "a.xlsx", rows))
    assert d["total"]["amount"] == "470.72505"  # 470.6 + 0.12505


def test_float_drift_never_reaches_a_total(tmp_path):
    values = [470.6, 1100, 50, 460, 0.1, 0.2, 333.33, 12.07, 8.8, 1.1, 2.2, 99.99]
    rows = standard_rows([project(name=f"项目{n}", amount=v) for n, v in enumerate(values)])
    d = run_json(write_xlsx(tmp_path / "a.xlsx", rows))
    assert d["total"]["amount"] == "2538.39"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2), min_size=1, max_size=30),
       st.integers(min_value=1, max_value=4))
def test_exact_money_property(tmp_path_factory, amounts_list, nfiles):
    folder = tmp_path_factory.mktemp("prop")
    jurs = ["昌吉市", "阜康市", "奇台县", "玛纳斯县"]
    for f in range(nfiles):
        mine = [project(jurisdiction=jurs[f], name=f"项目{n}", amount=str(a))
                for n, a in enumerate(amounts_list) if n % nfiles == f]
        if mine:
            write_xlsx(folder / f"{jurs[f]}.xlsx", standard_rows(mine))
    res = api.load([folder], workers=1)
    agg = api.aggregate(res, 2016)
    assert agg.total.amount == sum(amounts_list)
    assert agg.total.count == len(amounts_list)


def test_duplicate_file_is_counted_once(tmp_path):
    a = write_xlsx(tmp_path / "in" / "昌吉市.xlsx", standard_rows([project(amount=10)]))
    shutil.copy(a, tmp_path / "in" / "昌吉市(1).xlsx")
    d = run_json(tmp_path / "in")
    assert d["total"] == {"count": 1, "amount": "10"}
    # The "(1)" download copy is the one ignored, whatever the order the files are read in.
    assert [(s["path"].rsplit("/", 1)[-1], s["ignored"]) for s in d["sources"]] == [
        ("昌吉市(1).xlsx", True), ("昌吉市.xlsx", False)]


def test_duplicate_project_refuses_to_aggregate(tmp_path):
    write_xlsx(tmp_path / "in" / "a.xlsx", standard_rows([project(amount=10)]))
    write_xlsx(tmp_path / "in" / "b.xlsx", standard_rows([project(amount=11)]))
    out = tmp_path / "汇总.xlsx"
    r = runner.invoke(app, ["aggregate", str(tmp_path / "in"), "--out", str(out)])
    assert r.exit_code == 1
    assert "同一项目重复填报" in r.stderr and "duplicate-project" not in r.stderr  # the title; the code with -v
    assert not out.exists()


def test_skip_invalid_counts_the_rest_lists_the_skipped_and_exits_1(tmp_path):
    rows = standard_rows([project(name="甲", amount=10), project(name="乙", amount="待定"), project(name="丙", amount=5)])
    p = write_xlsx(tmp_path / "a.xlsx", rows)
    xlsx, js, cs = tmp_path / "o.xlsx", tmp_path / "o.json", tmp_path / "o.csv"
    r = runner.invoke(app, ["aggregate", str(p), "--skip-invalid", "--out", str(xlsx), "--out", str(js), "--out", str(cs)])
    assert r.exit_code == 1
    d = json.loads(js.read_text(encoding="utf-8"))
    assert d["total"] == {"count": 2, "amount": "15"}
    assert [(s["code"], s["cell"]) for s in d["skipped"]] == [("invalid-amount", "G5")]
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    assert [c.value for c in wb["问题"][2]][1:5] == ["项目明细!G5", "错误", "未纳入汇总", "金额不是数字"]
    assert wb["问题"]["H1"].value == "代码" and wb["问题"]["H2"].value == "invalid-amount"
    assert "未纳入汇总" in cs.read_text(encoding="utf-8-sig")


def test_xlsx_reads_back_with_merged_header_and_number_formats(sample_dir, tmp_path):
    import openpyxl

    out = tmp_path / "汇总.xlsx"
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总表", "图表", "明细", "报送情况"]
    ws = wb["汇总表"]
    assert ws["A1"].value == "昌吉回族自治州2016年政府购买服务项目汇总表"
    assert "B3:C3" in {str(m) for m in ws.merged_cells.ranges}
    assert (ws["B3"].value, ws["B4"].value, ws["C4"].value) == ("基本公共服务", "项数", "金额")
    assert ws["A5"].value == "州本级" and ws["C5"].number_format == "#,##0.00"
    last = 5 + 11
    assert ws.cell(row=last, column=1).value == "合计"
    assert ws.cell(row=last, column=8).value == 55
    assert Decimal(repr(ws.cell(row=last, column=9).value)) == Decimal("16252.68")
    assert ws.freeze_panes == "B5"
    detail = wb["明细"]
    assert detail.max_row == 56
    assert sum(Decimal(repr(detail.cell(row=n, column=7).value)) for n in range(2, 57)) == Decimal("16252.68")
    # Rows after the second are written by outputs/xlsx_rows.py: same formats, filter and frozen header.
    assert {detail.cell(row=n, column=7).number_format for n in range(2, 57)} == {"#,##0.00"}
    assert detail.freeze_panes == "A2" and detail.auto_filter.ref == "A1:M56"
    assert detail["A56"].value == 55 and detail["J56"].value == 2016 and detail["M3"].value.startswith("G")


def test_xlsx_detail_rows_keep_every_character(tmp_path):
    import openpyxl

    names = ["甲&乙<丙>", " 前后空格 ", "引号\"和'", "第三行以后 & 也一样"]
    projects = [project(name=n, amount=1 + k) for k, n in enumerate(names)]
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows(projects))
    out = tmp_path / "o.xlsx"
    r = runner.invoke(app, ["aggregate", str(p), "--out", str(out)])
    assert r.exit_code == 0, r.output
    detail = openpyxl.load_workbook(out)["明细"]
    assert [detail.cell(row=n, column=4).value for n in range(2, 6)] == [n.strip() for n in names]  # read trimmed
    assert [detail.cell(row=n, column=7).value for n in range(2, 6)] == [1, 2, 3, 4]


def test_csv_has_a_bom_and_one_line_per_cell(sample_dir, tmp_path):
    out = tmp_path / "汇总.csv"
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)])
    assert r.exit_code == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["年度", "地区", "一级目录", "项数", "金额(万元)"]
    assert rows[-1] == ["2016", "合计", "", "55", "16252.68"]


def test_submission_status_lists_who_has_not_sent(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    d = run_json(p)
    status = {s["jurisdiction"]: s["status"] for s in d["submissions"]}
    assert status["昌吉市"] == "已报送" and status["奇台县"] == "未报送" and len(status) == 11
    r = runner.invoke(app, ["aggregate", str(p)])
    assert "未报送" in r.stdout and "奇台县" in r.stdout


def test_formula_injection_is_neutralised_in_csv_and_xlsx(tmp_path):
    import openpyxl

    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project(unit="+SUM(1,2)", name="-攻击")]))
    out_csv, out_xlsx = tmp_path / "o.csv", tmp_path / "o.xlsx"
    r = runner.invoke(app, ["aggregate", str(p), "--by", "unit", "--out", str(out_csv), "--out", str(out_xlsx)])
    assert r.exit_code == 0, r.output
    assert "'+SUM(1,2)" in out_csv.read_text(encoding="utf-8-sig")
    wb = openpyxl.load_workbook(out_xlsx)
    assert wb["汇总表"]["A3"].value == "'+SUM(1,2)"
    assert wb["明细"]["D2"].value == "'-攻击"


def test_warnings_are_shown_by_aggregate_with_the_file(tmp_path):
    p = write_xlsx(tmp_path / "玛纳斯县.xlsx", standard_rows([project(jurisdiction="玛纳斯县", amount=1200000)]))
    r = runner.invoke(app, ["aggregate", str(p)])
    assert r.exit_code == 0
    assert "单个项目金额异常大" in r.stderr and "玛纳斯县.xlsx" in r.stderr


def test_a_year_without_rows_is_not_a_silent_zero(sample_dir):
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2015"])
    assert r.exit_code == 1
    assert "没有 2015 年的项目" in r.stderr and "2016、2017" in r.stderr
    assert "未生成汇总" not in r.stderr  # no empty table of errors above the one message


def test_year_question_comes_before_data_errors(tmp_path):
    rows = standard_rows([project(name="甲", year=2016), project(name="乙", year=2017),
                          project(name="丙", year=2017, amount="待定")])
    r = runner.invoke(app, ["aggregate", str(write_xlsx(tmp_path / "a.xlsx", rows))])
    assert r.exit_code == 2


def test_rounding_note_when_amounts_have_more_than_two_decimals(tmp_path):
    import openpyxl

    rows = standard_rows([project(name="甲", amount=123456), project(name="乙", amount=70055)],
                         unit_line="填报单位:玛纳斯县财政局  单位:元")
    rows[2][6] = "金额(元)"
    p = write_xlsx(tmp_path / "玛纳斯县.xlsx", rows)
    out = tmp_path / "o.xlsx"
    r = runner.invoke(app, ["aggregate", str(p), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "可能相差 0.01" in r.stdout
    ws = openpyxl.load_workbook(out)["汇总表"]
    assert any("可能相差 0.01" in str(c.value) for row in ws.iter_rows() for c in row if c.value)
    d = run_json(p)
    assert d["total"]["amount"] == "19.3511"  # exact: 12.3456 + 7.0055


def test_a_county_whose_file_could_not_be_read_is_not_called_unsent(tmp_path):
    write_xlsx(tmp_path / "in" / "昌吉市.xlsx", standard_rows([project()]))
    (tmp_path / "in" / "吉木萨尔县.xlsx").write_bytes(b"PK\x03\x04 a Word file renamed")
    r = runner.invoke(app, ["aggregate", str(tmp_path / "in"), "--skip-invalid", "--format", "json"])
    assert r.exit_code == 1
    status = {s["jurisdiction"]: s["status"] for s in json.loads(r.stdout)["submissions"]}
    assert (status["昌吉市"], status["吉木萨尔县"], status["奇台县"]) == ("已报送", "有文件但未读出数据", "未报送")


def test_results_do_not_depend_on_the_number_of_workers(sample_dir):
    """Issue #7: the same JSON, and the same issues in the same order, with 1, 2 or 3 workers."""
    from gpscli.outputs.tables import to_json

    outputs = []
    for workers in (1, 2, 3):
        res = api.load([sample_dir], workers=workers)
        outputs.append((to_json(api.aggregate(res, year=2016)), to_json(api.aggregate(res, year=2017)),
                        [(i.path, i.cell, i.code, i.message) for i in res.all_issues()]))
    assert outputs[0] == outputs[1] == outputs[2]
    assert '"amount": "16252.68"' in outputs[0][0]


def test_json_counts_each_source_from_the_columns_without_making_records(sample_dir, monkeypatch):
    """The per-file row counts of the JSON come from the columns (made records cost seconds at 5,000 files)."""
    from gpscli.outputs import tables
    from gpscli.records import RecordBatch

    res = api.load([sample_dir])
    agg = api.aggregate(res, year=2016)

    def refuse(self):
        raise AssertionError("records made")

    monkeypatch.setattr(RecordBatch, "records", refuse)
    d = tables.to_dict(agg)
    assert sum(s["rows"] for s in d["sources"]) == 55


def test_workers_follow_the_cpus_this_process_may_use(monkeypatch):
    from gpscli import ingest

    monkeypatch.setattr(ingest.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert ingest.usable_cpus() == 1
