"""A cell is never read differently from what the clerk sees without a word at that cell, and a
warning is never hidden, whatever the flags."""

from __future__ import annotations

import json
from decimal import Decimal as D

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from builders import HEADER, project, standard_rows, write_xlsx
from gpscli import api
from gpscli.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def found(res):
    return [(i.code, i.cell) for i in res.all_issues()]


def test_a_currency_sign_in_a_wan_column_is_reported_at_its_cell_not_divided(tmp_path):
    p = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([
        project(name="甲", amount="￥120.5"), project(name="乙", amount=200), project(name="丙", amount="860000元")]))
    res = api.load([p])
    assert found(res) == [("unit-conflict", "G4"), ("unit-conflict", "G6")]
    assert "¥" in res.errors[0].message and "万元" in res.errors[0].message
    assert [r.amount for r in res.valid_records()] == [D("200")]


def test_a_unit_word_where_the_sheet_states_no_unit_is_followed(tmp_path):
    rows = standard_rows([project(name="甲", amount="860000元"), project(name="乙", amount=200)], unit_line=None)
    rows[1][6] = "金额"  # no unit anywhere: 万元 is only assumed
    res = api.load([write_xlsx(tmp_path / "昌吉市.xlsx", rows)])
    assert found(res) == []
    assert [r.amount for r in res.valid_records()] == [D("86"), D("200")]


def heading_rows(subtotal_basic=30):
    rows = [["奇台县2016年政府购买服务项目情况表"], list(HEADER)]
    rows.append(["一、基本公共服务", None, None, None, None, None, subtotal_basic])
    rows.append([1, "奇台县", "奇台县民政局", "居家养老服务", None, None, 10, None, None, 2016])
    rows.append([2, "奇台县", "奇台县环卫局", "道路保洁", None, None, 20, None, None, 2016])
    rows.append(["二、技术性服务", None, None, None, None, None, 5.5])
    rows.append([3, "奇台县", "奇台县住建局", "图纸审查", None, None, 5.5, None, None, 2016])
    rows.append(["合计", None, None, None, None, None, 35.5])
    return rows


def test_a_group_heading_with_its_subtotal_is_a_subtotal_not_a_project(tmp_path):
    res = api.load([write_xlsx(tmp_path / "奇台县.xlsx", heading_rows())])
    assert found(res) == []
    assert [(r.name, r.category, r.amount) for r in res.valid_records()] == [
        ("居家养老服务", "基本公共服务", D("10")), ("道路保洁", "基本公共服务", D("20")), ("图纸审查", "技术性服务", D("5.5"))]
    totals = sorted((t.source.row, t.amount, t.expected, t.rows) for t in res.files[0].totals)
    assert totals == [(3, D("30"), D("30"), 2), (6, D("5.5"), D("5.5"), 1), (8, D("35.5"), D("35.5"), 3)]


def test_a_group_subtotal_that_disagrees_is_a_total_mismatch_at_the_heading(tmp_path):
    res = api.load([write_xlsx(tmp_path / "奇台县.xlsx", heading_rows(subtotal_basic=31))])
    assert found(res) == [("total-mismatch", "G3")]
    assert res.warnings[0].message == "G3:分组标题「一、基本公共服务」所带的小计为 31,但下方 2 个项目之和为 30,相差 1"
    assert sum(r.amount for r in res.valid_records()) == D("35.5")


@pytest.mark.parametrize("corrected", ["阜康市(更正).xlsx", "阜康市更正版.xlsx"])  # sorting before and after
def test_a_whole_file_sent_twice_is_one_problem_listing_the_differing_cells(tmp_path, corrected):
    base = [project(jurisdiction="阜康市", name=f"项目{n}", amount=10 + n, year=2017) for n in range(5)]
    fixed = [dict(p) for p in base]
    fixed[2]["amount"] = 90  # 项目2: 12 -> 90
    write_xlsx(tmp_path / "阜康市.xlsx", standard_rows(base, title="阜康市2017年政府购买服务项目情况表"))
    write_xlsx(tmp_path / corrected, standard_rows(fixed, title="阜康市2017年政府购买服务项目情况表"))
    res = api.load([tmp_path])
    assert [(i.code, i.path.rsplit("/", 1)[-1]) for i in res.all_issues()] == [("duplicate-submission", "阜康市.xlsx")]
    message = res.errors[0].message
    assert "阜康市 有两份 2017 年报送" in message and "5 个项目相同,其中 1 个金额不同" in message
    assert "项目明细!G6 为 90" in message and "项目明细!G6 为 12" in message
    r = invoke("aggregate", tmp_path, "--format", "json", "--skip-invalid")
    assert r.exit_code == 1
    agg = json.loads(r.stdout)
    assert agg["total"] == {"count": 5, "amount": "138"}  # the corrected file only, not both


def suspicious_inbox(tmp_path):
    inbox = tmp_path / "收件箱"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([
        project(name="道路保洁", amount=120), project(name="绿化养护", amount=3500000),
        project(name="待定项目", amount="待定")]))
    return inbox


def test_skip_invalid_still_shows_warnings_and_the_outputs_carry_them(tmp_path):
    inbox = suspicious_inbox(tmp_path)
    xlsx, js = tmp_path / "汇总表.xlsx", tmp_path / "汇总.json"
    r = invoke("aggregate", inbox, "--skip-invalid", "--out", xlsx, "--out", js)
    assert r.exit_code == 1
    assert "单个项目金额异常大" in r.stderr and "G5" in r.stderr
    d = json.loads(js.read_text(encoding="utf-8"))
    assert [(w["code"], w["cell"]) for w in d["warnings"]] == [("suspicious-amount", "G5")]
    assert [(s["code"], s["cell"]) for s in d["skipped"]] == [("invalid-amount", "G6")]
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(xlsx)["问题"].iter_rows(min_row=2)]
    assert [(r[1], r[3], r[4], r[7]) for r in rows] == [
        ("项目明细!G6", "未纳入汇总", "金额不是数字", "invalid-amount"),
        ("项目明细!G5", "已计入,请核实", "单个项目金额异常大", "suspicious-amount")]
    r = invoke("-q", "aggregate", inbox, "--skip-invalid")
    assert "单个项目金额异常大" in r.stderr  # -q hides progress, never a warning


def test_the_report_marks_rows_left_out_and_amounts_to_check(tmp_path):
    inbox = suspicious_inbox(tmp_path)
    out = tmp_path / "报告.docx"
    r = invoke("report", "--data", inbox, "--year", "2016", "--skip-invalid", "--out", out)
    assert r.exit_code == 1, r.output
    assert "单个项目金额异常大" in r.stderr
    paragraphs = docx.Document(out).paragraphs
    text = "\n".join(p.text for p in paragraphs)
    assert "【本稿未纳入1处有错误的数据" in text and "G6" in text
    assert "【以下金额有待核实" in text and "G5" in text
    assert "3500000万元【金额有待核实】" in text
    assert "3500000万元；" not in text and "3500000万元。" not in text  # never as an ordinary figure
    marked = next(p for p in paragraphs if p.text.startswith("【以下金额有待核实"))
    assert all(run.font.highlight_color is not None for run in marked.runs if run.text.strip())


def test_a_clean_report_has_no_review_marks(tmp_path, sample_dir):
    out = tmp_path / "报告.docx"
    assert invoke("report", "--data", sample_dir, "--year", "2016", "--out", out).exit_code == 0
    text = "\n".join(p.text for p in docx.Document(out).paragraphs)
    assert "有待核实" not in text and "本稿未纳入" not in text


@pytest.mark.parametrize("fmt", ["xlsx-hidden", "xlsx-filtered", "xls", "ods"])
def test_a_hidden_project_row_is_counted_and_said_at_its_row_in_every_format(tmp_path, fmt):
    import hidden_builders as hb

    rows = standard_rows([project(name="道路保洁", amount=120), project(name="已取消的项目", amount=999)])
    path = tmp_path / f"昌吉市.{fmt.split('-')[0]}"
    if fmt == "xlsx-hidden":
        hb.xlsx(path, rows, hidden_rows=[4])
    elif fmt == "xlsx-filtered":
        hb.xlsx(path, rows, filter_ref="A3:K5", filtered_rows=[4])
    elif fmt == "xls":
        hb.xls(path, rows, hidden_rows=[4])
    else:
        hb.ods(path, rows, row_visibility={4: "filter"})
    r = invoke("validate", path, "--format", "json")
    assert r.exit_code == 0, r.output  # a warning: the row is counted
    issues = json.loads(r.stdout)["files"][0]["issues"]
    assert [(i["code"], i["cell"]) for i in issues] == [("hidden-row", "D5")]
    assert "已取消的项目" in issues[0]["message"] and "已计入" in issues[0]["message"]


def test_the_run_summary_lists_every_warning(tmp_path, sample_dir, monkeypatch):
    ws = tmp_path / "ws"
    assert invoke("init", ws).exit_code == 0
    write_xlsx(ws / "inbox" / "昌吉市.xlsx", standard_rows([project(name="道路保洁", amount=120),
                                                            project(name="绿化养护", amount=3500000)]))
    monkeypatch.chdir(ws)
    r = invoke("run", "--period", "2016")
    assert r.exit_code == 0, r.output
    assert "suspicious-amount" in r.stderr or "3500000" in r.stderr
    summary = json.loads((ws / "output" / "2016" / "运行摘要.json").read_text(encoding="utf-8"))
    assert [(w["code"], w["cell"]) for w in summary["warning_list"]] == [("suspicious-amount", "G5")]
    assert summary["warnings"] == 1
