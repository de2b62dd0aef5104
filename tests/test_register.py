"""The project register of 财政部令第102号: its optional columns read, broken down, stored and reported.

(Each register problem at its cell: tests/test_validate_codes.py; the publication table: tests/test_publish.py.)
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from builders import REGISTER_HEADER, project, register_rows, standard_rows, write_xlsx
from gpscli import api
from gpscli.cli import app
from gpscli.register import SUPPLIER_TYPES, credit_code_check_char, credit_code_problem, months_between
from gpscli.report import build_context
from ledger_support import ENGINES, gps_json, make_workspace

runner = CliRunner()
D = Decimal
NEW_CODES = {"invalid-register-value", "invalid-credit-code", "refused-supplier-type", "contract-too-long",
             "unknown-supplier-type", "contract-over-one-year", "negative-list", "contract-above-budget",
             "paid-above-contract", "dates-out-of-order", "late-notice"}
PLACES = ("昌吉市", "阜康市", "呼图壁县", "玛纳斯县")


def mixed_corpus(folder: Path, seed: int = 7) -> list[tuple[str, str | None, Decimal, str | None, Decimal | None]]:
    """Four counties' files whose rows give a 承接主体类型 (or none), 购买方式, 合同期限 and 预算/执行数
    at random; returns (jurisdiction, type, amount, method, budget) of every row."""
    rng = random.Random(seed)
    made = []
    for place in PLACES:
        rows = []
        for n in range(rng.randint(5, 12)):
            kind = rng.choice([*SUPPLIER_TYPES, None])
            amount = D(rng.randint(1, 9999)) / 10
            method = rng.choice(["公开招标", "单一来源采购", "竞争性磋商"])
            budget = amount + D(rng.randint(0, 50)) if rng.random() < 0.5 else None
            paid = (budget / 2 if budget is not None else None)
            term = rng.choice(["1年", "2年", "6个月", None])
            p = project(jurisdiction=place, unit=f"{place}民政局", name=f"{place}服务项目{n}", amount=amount,
                        method=method, supplier=f"{place}服务中心{n}")
            rows.append((p, [kind, None, budget, None, paid, None, None, None, term, None, None, None, None]))
            made.append((place, kind, amount, method, budget, paid, term))
        write_xlsx(folder / f"{place}.xlsx", register_rows(rows, title=f"{place}2016年政府购买服务项目情况表"))
    return made


def test_the_sample_data_gets_no_register_issue_and_the_seed_figures(sample_dir):
    res = api.load([sample_dir])
    assert {i.code for f in res.files for i in f.issues} & NEW_CODES == set()
    agg = api.aggregate(res, 2016)
    assert (agg.total.count, agg.total.amount) == (55, D("16252.68"))
    assert agg.total.register == {}


def test_a_budget_column_alone_is_the_amount_beside_a_amount_column_it_is_the_budget(tmp_path):
    rows = [["昌吉市2016年政府购买服务项目情况表"], ["序号", "购买主体", "项目名称", "一级目录", "预算金额(万元)", "年度"],
            [1, "昌吉市民政局", "养老服务", "基本公共服务", 80, 2016]]
    res = api.load([write_xlsx(tmp_path / "a" / "昌吉市.xlsx", rows)])
    (r,) = res.valid_records()
    assert (r.amount, r.extra) == (D(80), {})
    rows[1][4:5] = ["金额(万元)", "预算金额(万元)"]
    rows[2][4:5] = [75, 80]
    res = api.load([write_xlsx(tmp_path / "b" / "昌吉市.xlsx", rows)])
    (r,) = res.valid_records()
    assert (r.amount, r.extra, r.cells["budget"]) == (D(75), {"budget": D(80)}, "F3")


def test_aggregate_by_supplier_type_equals_independent_sums_and_the_report_says_the_same(tmp_path):
    made = mixed_corpus(tmp_path / "in")
    r = runner.invoke(app, ["aggregate", str(tmp_path / "in"), "--year", "2016", "--by", "supplier_type",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    got = {x["supplier_type"]: (x["count"], D(x["amount"])) for x in json.loads(r.stdout)["by_supplier_type"]}
    want: dict[str, tuple[int, Decimal]] = {}
    for _place, kind, amount, *_ in made:
        name = kind or "(未填)"
        n, total = want.get(name, (0, D(0)))
        want[name] = (n + 1, total + amount)
    assert got == want
    assert list(got)[:-1] == [t for t in SUPPLIER_TYPES if t in got]  # in the order of 第六条, blanks last

    # The report's 社会组织 and 单一来源 figures are the same sums, and section 二 says them.
    res = api.load([tmp_path / "in"])
    agg = api.aggregate(res, 2016)
    ctx = build_context(agg, res.profile, title="t")
    social, total = want["社会组织"], sum(m[2] for m in made)
    assert agg.total.amount == total
    assert (ctx["register"].social_org.count, ctx["register"].social_org.amount) == social
    assert ctx["register"].social_org.share == (social[1] * 100 / total).quantize(D("0.01"))
    single = [m[2] for m in made if m[3] == "单一来源采购"]
    assert (ctx["register"].single_source.count, ctx["register"].single_source.amount) == (len(single), sum(single))
    multi = [m[2] for m in made if m[6] == "2年"]
    assert (ctx["register"].multi_year.count, ctx["register"].multi_year.amount) == (len(multi), sum(multi))
    both = [(m[4], m[5]) for m in made if m[4] is not None]
    bp = ctx["register"].budget_paid
    assert (bp.count, bp.budget, bp.paid) == (len(both), sum(b for b, _ in both), sum(p for _, p in both))

    out = tmp_path / "报告.docx"
    r = runner.invoke(app, ["report", "--data", str(tmp_path / "in"), "--year", "2016", "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert f"向社会组织购买服务{social[0]}项" in text
    assert f"占资金总额的{ctx['register'].social_org.share_text}" in text


def test_the_register_amounts_side_by_side_and_the_multi_year_dimension(tmp_path):
    made = mixed_corpus(tmp_path / "in", seed=3)
    r = runner.invoke(app, ["aggregate", str(tmp_path / "in"), "--year", "2016", "--by", "multi_year",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert D(data["total"]["budget"]) == sum(m[4] for m in made if m[4] is not None)
    assert D(data["total"]["paid"]) == sum(m[5] for m in made if m[5] is not None)
    by = {x["multi_year"]: x["count"] for x in data["by_multi_year"]}
    assert by == {k: v for k, v in {"一年以内": sum(m[6] in ("1年", "6个月") for m in made),
                                    "多年合同": sum(m[6] == "2年" for m in made),
                                    "(未填)": sum(m[6] is None for m in made)}.items() if v}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_ledger_keeps_the_register_fields(tmp_path, engine, request, monkeypatch):
    ws = make_workspace(tmp_path / "ws", engine, request)
    mixed_corpus(tmp_path / "in")
    folder = gps_json("aggregate", str(tmp_path / "in"), "--year", "2016", "--by", "supplier_type")
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--period", "2016"])
    assert r.exit_code == 0, r.output
    ledger = gps_json("aggregate", "--year", "2016", "--by", "supplier_type")
    assert ledger["by_supplier_type"] == folder["by_supplier_type"]
    assert ledger["total"] == folder["total"] and "budget" in ledger["total"]


def test_the_bureau_extends_the_negative_list(tmp_path, monkeypatch):
    rows = standard_rows([project(name="保安人员外包服务"), project(name="窗口劳务派遣服务")])
    write_xlsx(tmp_path / "in" / "昌吉市.xlsx", rows)
    (tmp_path / "禁止事项.csv").write_text("关键词,条款,事项\n保安人员外包,第十条,购买主体的人员招、聘用\n", encoding="gbk")
    (tmp_path / "gps.toml").write_text('negative_list = "禁止事项.csv"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["validate", "in", "--format", "json"])
    found = sorted((i["code"], i["cell"]) for f in json.loads(r.stdout)["files"] for i in f["issues"])
    assert found == [("negative-list", "D4"), ("negative-list", "D5")]


def test_the_template_with_the_register_reads_back_as_it_was_written(tmp_path):
    import openpyxl

    path = tmp_path / "模板.xlsx"
    r = runner.invoke(app, ["template", "-o", str(path), "--register", "--year", "2016", "--jurisdiction", "昌吉市"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(path)
    ws = wb["项目明细"]
    headers = [c.value for c in ws[3]]
    assert headers[11:] == [h if h != "合同期限" else "合同期限(月)" for h in REGISTER_HEADER]  # a bare number is months
    lists = {str(dv.sqref).split(":")[0][0]: dv.formula1 for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert "L" in lists and "Q" in lists  # 承接主体类型, 资金来源
    code = "91652301MA7765432"
    ws["A4"], ws["B4"], ws["C4"], ws["D4"], ws["E4"], ws["G4"], ws["J4"] = 1, "昌吉市", "昌吉市民政局", "养老服务", \
        "基本公共服务", 50, 2016
    ws["L4"], ws["M4"], ws["N4"], ws["R4"], ws["S4"] = "社会组织", code + credit_code_check_char(code), 60, \
        dt.datetime(2016, 1, 1), dt.datetime(2016, 12, 31)
    wb.save(path)
    res = api.load([path])
    assert [i.code for f in res.files for i in f.issues] == []
    (rec,) = res.valid_records()
    assert rec.extra == {"supplier_type": "社会组织", "supplier_code": code + credit_code_check_char(code),
                         "budget": D(60), "start": dt.date(2016, 1, 1), "end": dt.date(2016, 12, 31)}
    assert rec.term == 12  # from the dates


@pytest.mark.parametrize("code,why", [
    ("91350100M000100Y43", None),  # the code printed as the example of GB 32100-2015's check
    ("91350100M000100Y44", "校验位不符(按前 17 位算应为 3,实为 4),代码中很可能有输错的字符"),
    ("91350100M000100Y4", "应为 18 位,实为 17 位"),
    ("91350100M000100I43", "含有代码中不用的字符 I(不使用 I、O、Z、S、V)"),
])
def test_credit_code_check_character(code, why):
    assert credit_code_problem(code) == why


@pytest.mark.parametrize("start,end,months", [
    (dt.date(2017, 1, 1), dt.date(2017, 12, 31), 12), (dt.date(2017, 3, 15), dt.date(2019, 3, 14), 24),
    (dt.date(2017, 1, 1), dt.date(2017, 1, 15), D("0.5")), (dt.date(2016, 2, 29), dt.date(2017, 2, 28), 12),
])
def test_months_between(start, end, months):
    assert months_between(start, end) == months


def test_history_shows_a_changed_register_cell(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    monkeypatch.chdir(ws)
    first = register_rows([(project(), ["企业", None, 100, 95, None, None, None, None, "1年", None, None, None, None])])
    write_xlsx(tmp_path / "v1" / "昌吉市.xlsx", first)
    assert runner.invoke(app, ["ingest", str(tmp_path / "v1"), "--period", "2016"]).exit_code == 0
    first[3][14] = 98  # 合同金额, O4
    write_xlsx(tmp_path / "v2" / "昌吉市.xlsx", first)
    assert runner.invoke(app, ["ingest", str(tmp_path / "v2"), "--period", "2016"]).exit_code == 0
    r = runner.invoke(app, ["history", "--format", "json"])
    assert r.exit_code == 0, r.output
    changes = [c for e in json.loads(r.stdout)["versions"] for c in e.get("changes", [])]
    assert [(c["field"], c["before"], c["after"], c["cell"]) for c in changes] == [
        ("contract_amount", "95", "98", "项目明细!O4")]


def test_what_clerks_type_is_read_as_they_mean_it(tmp_path):
    """A date typed as the number 20170301, 民办非企业 and 政府性基金 in their own words, and a
    two-year contract whose reason is in 备注 (the warning asks for it: answered, not repeated)."""
    blank = [None] * 13
    a, b, c = list(blank), list(blank), list(blank)
    a[0], a[5], a[9] = "民办非企业", "政府性基金", 20170301   # L, Q, U
    b[8] = "2年"
    c[8] = "2年"
    rows = register_rows([(project(name="甲"), a), (project(name="乙", note="服务稳定,需连续提供,资金有保障"), b),
                          (project(name="丙"), c)])
    res = api.load([write_xlsx(tmp_path / "昌吉市.xlsx", rows)])
    assert [(i.code, i.cell) for f in res.files for i in f.issues] == [("contract-over-one-year", "T6")]
    first = res.valid_records()[0]
    assert first.extra == {"supplier_type": "社会组织", "fund_source": "政府性基金预算", "signed": dt.date(2017, 3, 1)}


def test_skip_invalid_says_that_every_row_had_an_error(tmp_path):
    rows = register_rows([(project(), [None, "123", *[None] * 11])])
    write_xlsx(tmp_path / "in" / "昌吉市.xlsx", rows)
    r = runner.invoke(app, ["publish", str(tmp_path / "in"), "--year", "2016", "--skip-invalid"])
    assert r.exit_code == 1
    assert "2016 年没有无误的项目行:有错误的行都未纳入(共 1 个错误)" in r.stderr


def test_publish_points_at_suppliers_who_are_persons(tmp_path):
    rows = register_rows([(project(supplier="张某"), ["个人", *[None] * 12]), (project(name="乙"), [None] * 13)])
    write_xlsx(tmp_path / "in" / "昌吉市.xlsx", rows)
    out = tmp_path / "公开.xlsx"
    r = runner.invoke(app, ["publish", str(tmp_path / "in"), "--year", "2016", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "序号 1 的承接主体是个人,公开前请核实是否应隐去姓名" in r.stderr
