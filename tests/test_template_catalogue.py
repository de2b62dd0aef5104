"""gps template, gps catalogue, gps profile, and matching names against them."""

from __future__ import annotations

import json

import openpyxl
import pytest
from typer.testing import CliRunner

from gpscli import api, catalogue, profile
from gpscli.cli import app

runner = CliRunner()

SIX = ["基本公共服务", "社会管理性服务", "行业管理与协调性服务", "技术性服务", "政府履职所需辅助性事项",
       "其他适合由社会力量承担的服务事项"]


def test_template_has_dropdowns_rules_guide_and_frozen_header(tmp_path):
    out = tmp_path / "填报模板.xlsx"
    r = runner.invoke(app, ["template", "-o", str(out), "--jurisdiction", "木垒县", "--year", "2017"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["项目明细", "填报说明", "下拉列表"]
    assert wb["下拉列表"].sheet_state == "hidden"
    ws = wb["项目明细"]
    assert ws["A1"].value == "木垒哈萨克自治县2017年政府购买服务项目情况表"
    assert [c.value for c in ws[3]] == ["序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录", "金额(万元)",
                                        "购买方式", "承接主体", "年度", "备注"]
    assert ws.freeze_panes == "A4"
    rules = {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}
    assert rules["B4:B203"][0] == "list" and "下拉列表" in rules["B4:B203"][1]
    assert rules["E4:E203"][0] == "list" and rules["F4:F203"][0] == "list" and rules["H4:H203"][0] == "list"
    assert rules["G4:G203"] == ("decimal", "0")
    assert rules["J4:J203"][0] == "whole"
    lists = wb["下拉列表"]
    assert [lists.cell(row=n, column=2).value for n in range(2, 8)] == SIX
    assert lists.cell(row=2, column=1).value == "州本级"


def test_filled_template_passes_validation(tmp_path):
    out = tmp_path / "模板.xlsx"
    assert runner.invoke(app, ["template", "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["项目明细"]
    data = [
        (1, "昌吉市", "昌吉市园林管理局", "城区绿地养护", "基本公共服务", "城市维护", 86.5, "公开招标", "某园林公司", 2017, None),
        (2, "昌吉市", "昌吉市司法局", "聘请专职调解员", "社会管理性服务", "聘请专职人员调解员服务", 40, "竞争性磋商", None, 2017, None),
    ]
    for i, row in enumerate(data):
        for j, v in enumerate(row):
            ws.cell(row=4 + i, column=1 + j, value=v)
    filled = tmp_path / "昌吉市.xlsx"
    wb.save(filled)
    r = runner.invoke(app, ["validate", str(filled), "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["summary"] == {"files": 1, "rows": 2, "errors": 0, "warnings": 0}
    res = api.load([filled])
    assert [str(x.amount) for x in res.valid_records()] == ["86.5", "40"]


def test_template_refuses_unknown_jurisdiction(tmp_path):
    r = runner.invoke(app, ["template", "-o", str(tmp_path / "t.xlsx"), "--jurisdiction", "火星县"])
    assert r.exit_code == 2
    assert "火星县" in r.stderr


def test_default_catalogue_has_the_six_categories_and_local_items():
    cat = catalogue.default()
    assert cat.category_names() == SIX
    local = {i.name: cat.top(i).name for i in cat.items if i.name in (
        "刑满释放人员过渡性就业安置", "聘请专职人员调解员服务", "聘请基层司法所司法行政辅助人员服务")}
    assert local == {"刑满释放人员过渡性就业安置": "社会管理性服务", "聘请专职人员调解员服务": "社会管理性服务",
                     "聘请基层司法所司法行政辅助人员服务": "政府履职所需辅助性事项"}


@pytest.mark.parametrize("text,expected", [
    ("基本公共服务", "基本公共服务"),
    ("  基本公共服务 ", "基本公共服务"),
    ("基本公共服务类", "基本公共服务"),
    ("\u3000基本公共服务\u3000", "基本公共服务"),
    ("０４", "技术性服务"),
    ("技术性服务事项", "技术性服务"),
    ("技术服务事项", "技术性服务"),
    ("政府履职所需辅助性服务", "政府履职所需辅助性事项"),
    ("一、基本公共服务", "基本公共服务"),
    ("（二）社会管理性服务", "社会管理性服务"),
    ("04", "技术性服务"),
    ("其他适宜由社会力量承担的公共服务事项", "其他适合由社会力量承担的服务事项"),
])
def test_category_aliases(text, expected):
    assert catalogue.default().match_category(text).name == expected


def test_category_typo_is_not_accepted_but_suggested():
    cat = catalogue.default()
    assert cat.match_category("基本公共服") is None
    assert cat.suggest("基本公共服", level=1) == "基本公共服务"


@pytest.mark.parametrize("alias,name", [
    ("州直", "州本级"), ("州级", "州本级"), ("本级", "州本级"), ("国家农业园区", "国家农业科技园区"),
    ("农业园区", "国家农业科技园区"), ("准东开发区", "准东经济技术开发区"), ("准东", "准东经济技术开发区"),
    ("高新区", "昌吉高新技术产业开发区"), ("昌吉高新区", "昌吉高新技术产业开发区"),
    ("高新技术开发区", "昌吉高新技术产业开发区"), ("木垒县", "木垒哈萨克自治县"), ("昌吉市", "昌吉市"),
])
def test_jurisdiction_aliases(alias, name):
    assert profile.default().match(alias).name == name


def test_profile_order_and_kinds():
    p = profile.default()
    assert p.names() == ["州本级", "国家农业科技园区", "准东经济技术开发区", "昌吉高新技术产业开发区", "昌吉市",
                         "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县", "木垒哈萨克自治县"]
    assert [j.kind for j in p.jurisdictions][:5] == ["本级", "园区", "园区", "园区", "县市"]
    assert p.find_in_text("准东开发区2016年政府购买服务项目表").name == "准东经济技术开发区"


def test_a_2020_style_catalogue_with_two_groups_and_three_levels(tmp_path):
    f = tmp_path / "目录2020.csv"
    f.write_text(
        "编码,名称,级别,上级编码,别名\n"
        "A,政府向社会公众提供的公共服务,1,,公共服务\n"
        "A01,公共教育,2,A,\n"
        "A0101,学前教育服务,3,A01,\n"
        "B,政府履职所需辅助性服务,1,,\n"
        "B01,法律服务,2,B,\n", encoding="gbk")
    cat = catalogue.load(f)
    assert cat.category_names() == ["政府向社会公众提供的公共服务", "政府履职所需辅助性服务"]
    leaf = cat.match("学前教育服务")
    assert leaf.level == 3 and cat.top(leaf).name == "政府向社会公众提供的公共服务"
    r = runner.invoke(app, ["catalogue", "--catalogue", str(f), "--format", "json"])
    assert r.exit_code == 0
    assert [i["name"] for i in json.loads(r.stdout)["items"]][:3] == ["政府向社会公众提供的公共服务", "公共教育", "学前教育服务"]


def test_catalogue_from_xlsx(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["编码", "名称", "上级编码"], ["1", "甲类服务", None], ["101", "甲一", "1"]):
        ws.append(row)
    wb.save(tmp_path / "c.xlsx")
    cat = catalogue.load(tmp_path / "c.xlsx")
    assert [(i.name, i.level) for i in cat.items] == [("甲类服务", 1), ("甲一", 2)]


def test_catalogue_command_tree_and_csv():
    r = runner.invoke(app, ["catalogue"])
    assert r.exit_code == 0 and "基本公共服务" in r.stdout and "城市维护" in r.stdout
    r = runner.invoke(app, ["catalogue", "--format", "csv"])
    assert r.stdout.splitlines()[0] == "\ufeff编码,名称,级别,上级编码,别名"  # `> 目录.csv` opens in Excel


def test_bad_catalogue_file_is_a_usage_error(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("foo,bar\n1,2\n", encoding="utf-8")
    r = runner.invoke(app, ["catalogue", "--catalogue", str(f)])
    assert r.exit_code == 2
    assert "名称" in r.stderr


def test_template_never_overwrites_an_existing_file(tmp_path):
    from builders import project, standard_rows, write_xlsx

    filled = write_xlsx(tmp_path / "高新区.xlsx", standard_rows([project(jurisdiction="高新区")]))
    before = filled.read_bytes()
    r = runner.invoke(app, ["template", "-o", str(filled)])
    assert r.exit_code == 2 and "--force" in r.stderr
    assert filled.read_bytes() == before
    assert runner.invoke(app, ["template", "-o", str(filled), "--force"]).exit_code == 0
