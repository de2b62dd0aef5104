"""Check the sample workbooks against the report figures, without using gpscli.

The sample files in ``sample_data/`` must reproduce section 二 of the 2017
report of the 昌吉州 finance bureau.  This test reads them with openpyxl only
and adds amounts as ``Decimal(str(cell_value))``, so it stays an independent
check of the data even if the package's own reader has a bug.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"

HEADER = [
    "序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录",
    "金额(万元)", "购买方式", "承接主体", "年度", "备注",
]
EXPECTED_FILES = {
    "州本级-文化传媒部门.xlsx", "州本级-其他部门.xlsx", "国家农业科技园区.xlsx",
    "准东经济技术开发区.xlsx", "昌吉高新技术产业开发区.xlsx", "昌吉市.xlsx",
    "阜康市.xlsx", "呼图壁县.xlsx", "玛纳斯县.xlsx", "奇台县.xlsx",
    "吉木萨尔县.xlsx", "木垒哈萨克自治县.xlsx",
}
JURISDICTIONS = [
    "州本级", "国家农业科技园区", "准东经济技术开发区", "昌吉高新技术产业开发区",
    "昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县",
    "木垒哈萨克自治县",
]
COUNTIES = JURISDICTIONS[4:]
D = Decimal


def _read_all() -> list[dict]:
    rows = []
    files = sorted(p for p in SAMPLE_DIR.glob("*.xlsx") if not p.name.startswith("~$"))
    assert {p.name for p in files} == EXPECTED_FILES
    for path in files:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            assert wb.sheetnames == ["项目明细"], path.name
            ws = wb["项目明细"]
            values = list(ws.iter_rows(values_only=True))
        finally:
            wb.close()
        assert list(values[2][:11]) == HEADER, path.name
        for line in values[3:]:
            if line[0] is None:
                continue
            rec = dict(zip(HEADER, line[:11]))
            rec["file"] = path.name
            rows.append(rec)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return _read_all()


def _amount(rec: dict) -> Decimal:
    value = rec["金额(万元)"]
    assert isinstance(value, (int, float)) and not isinstance(value, bool), rec
    return D(str(value))


def _total(recs) -> Decimal:
    return sum((_amount(r) for r in recs), D(0))


def _year(rows, year):
    return [r for r in rows if r["年度"] == year]


def test_years_are_integers_and_only_2016_2017(rows):
    assert rows
    assert {type(r["年度"]) for r in rows} == {int}
    assert {r["年度"] for r in rows} == {2016, 2017}


def test_every_jurisdiction_reports_both_years(rows):
    assert {r["地区"] for r in rows} == set(JURISDICTIONS)
    for year in (2016, 2017):
        assert {r["地区"] for r in _year(rows, year)} == set(JURISDICTIONS), year


def test_serial_numbers_run_1_to_n_in_each_file(rows):
    by_file: dict[str, list[int]] = {}
    for r in rows:
        by_file.setdefault(r["file"], []).append(r["序号"])
    for name, nums in by_file.items():
        assert nums == list(range(1, len(nums) + 1)), name


def test_no_repeated_project_key(rows):
    keys = Counter((r["地区"], r["购买主体"], r["项目名称"], r["年度"]) for r in rows)
    dups = [k for k, n in keys.items() if n > 1]
    assert dups == []


def test_amounts_have_at_most_two_decimals(rows):
    for r in rows:
        amt = _amount(r)
        assert amt > 0 and amt.as_tuple().exponent >= -2, r


@pytest.mark.parametrize(
    "year, count, total",
    [(2016, 55, D("16252.68")), (2017, 68, D("19439.72"))],
)
def test_year_totals(rows, year, count, total):
    recs = _year(rows, year)
    assert len(recs) == count
    assert _total(recs) == total


CATEGORIES = {
    2016: {
        "基本公共服务": (45, D("14543.68")),
        "技术性服务": (8, D("1189")),
        "政府履职所需辅助性事项": (2, D("520")),
    },
    2017: {
        "基本公共服务": (47, D("12577.62")),
        "社会管理性服务": (11, D("5379.6")),
        "行业管理与协调性服务": (1, D("786")),
        "技术性服务": (6, D("222.5")),
        "政府履职所需辅助性事项": (2, D("274")),
        "其他适合由社会力量承担的服务事项": (1, D("200")),
    },
}


@pytest.mark.parametrize("year", [2016, 2017])
def test_category_counts_and_amounts(rows, year):
    recs = _year(rows, year)
    expected = CATEGORIES[year]
    assert {r["一级目录"] for r in recs} == set(expected)
    for cat, (count, amount) in expected.items():
        sel = [r for r in recs if r["一级目录"] == cat]
        assert (len(sel), _total(sel)) == (count, amount), cat


@pytest.mark.parametrize(
    "region, amount",
    [
        ("国家农业科技园区", D("2090")),
        ("准东经济技术开发区", D("530")),
        ("昌吉高新技术产业开发区", D("1461")),
        ("州本级", D("2978.88")),
    ],
)
def test_2016_jurisdiction_amounts(rows, region, amount):
    assert _total(r for r in _year(rows, 2016) if r["地区"] == region) == amount


def test_2016_counties_total(rows):
    assert _total(r for r in _year(rows, 2016) if r["地区"] in COUNTIES) == D("9192.8")


def test_2016_zhou_named_projects_present(rows):
    zhou = [_amount(r) for r in _year(rows, 2016) if r["地区"] == "州本级"]
    for amount in (D("470.6"), D("1100"), D("50"), D("460")):
        assert amount in zhou, amount
    # the four named projects plus the rest make up the 州本级 total
    rest = sum(zhou, D(0)) - (D("470.6") + D("1100") + D("50") + D("460"))
    assert rest == D("898.28")


def test_2016_zone_breakdowns(rows):
    y16 = _year(rows, 2016)
    zd = sorted(_amount(r) for r in y16 if r["地区"] == "准东经济技术开发区")
    assert zd == [D("110"), D("150"), D("270")]
    hitech = [r for r in y16 if r["地区"] == "昌吉高新技术产业开发区"]
    assert _total(r for r in hitech if r["一级目录"] == "基本公共服务") == D("1315")
    assert _total(r for r in hitech if r["一级目录"] == "技术性服务") == D("146")
