"""Catalogue editions by year (gps.toml [catalogue.editions]) and the crosswalk between editions.

2019 is reported under the bundled 2014 edition (six categories), 2021 under the bundled EXAMPLE
two-level tree; the bundled example crosswalk maps the first to the second and deliberately leaves
out 06 其他适合由社会力量承担的服务事项.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from gpscli import api
from gpscli import config as config_mod
from gpscli.cli import app
from gpscli.compare import build, to_dict
from gpscli.crosswalk import align
from gpscli.editions import Catalogues, parse_range

DATA = resources.files("gpscli").joinpath("data")
TOML = """data = ["inbox"]
[catalogue]
crosswalk = "对照表.csv"
[catalogue.editions]
"2014-2020" = "builtin"
"2021-" = "目录2021.csv"
"""

Y2019 = [("基本公共服务", "城市维护", 120.5), ("基本公共服务", "公共教育", 30.25), ("社会管理性服务", "社区建设", 45),
         ("技术性服务", "检验检疫检测", 12.3), ("政府履职所需辅助性事项", "法律服务", 8),
         ("其他适合由社会力量承担的服务事项", None, 5.55), ("基本公共服务", "养老服务", 60),
         ("行业管理与协调性服务", None, 3),
         ("政府向社会公众提供的公共服务", None, 10)]  # a 2021-edition category in a 2019 row: E12
Y2021 = [("政府向社会公众提供的公共服务", "城乡维护", 130), ("公共服务", "公共教育", 40.5),
         ("政府履职所需辅助性服务", "法律服务", 9.5), ("辅助性服务", "信息化服务", 20),
         ("公共服务", "社区治理服务", 50), ("政府履职所需辅助性服务", "评估和绩效评价", 6),
         ("公共服务", "养老和医疗卫生服务", 70), ("公共服务", "就业和社会保障服务", 25),
         ("技术性服务", None, 11)]  # a 2014-edition category in a 2021 row: E12


def _write_year(folder: Path, year: int, rows: list) -> Path:
    projects = [project(name=f"项目{n}", category=c, subcategory=s, amount=a, year=year)
                for n, (c, s, a) in enumerate(rows, start=1)]
    return write_xlsx(folder / f"昌吉市{year}.xlsx", standard_rows(projects, title=f"昌吉市{year}年政府购买服务项目情况表"))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copy(str(DATA.joinpath("catalogue_example_2020.csv")), tmp_path / "目录2021.csv")
    shutil.copy(str(DATA.joinpath("crosswalk_example_2014_to_2020.csv")), tmp_path / "对照表.csv")
    (tmp_path / "gps.toml").write_text(TOML, encoding="utf-8")
    _write_year(tmp_path / "inbox", 2019, Y2019)
    _write_year(tmp_path / "inbox", 2021, Y2021)
    # a short sheet (read row by row, not column-wise): each row against its own year's edition
    write_xlsx(tmp_path / "inbox" / "昌吉市补报.xlsx", standard_rows(
        [project(name="补报一", category="公共服务", subcategory=None, amount=1, year=2019),
         project(name="补报二", category="公共服务", subcategory="公共教育", amount=2, year=2021),
         project(name="补报三", category="基本公共服务", subcategory=None, amount=3, year=2021)], title=None))
    return tmp_path


def _load(workspace: Path) -> api.Result:
    cfg = config_mod.load(workspace / "gps.toml")
    return api.load(cfg.data, **cfg.load_options())


def test_ranges_read_as_a_clerk_writes_them():
    assert parse_range("2014-2020") == (2014, 2020)
    assert parse_range("2021-") == (2021, None)
    assert parse_range("-2013") == (None, 2013)
    assert parse_range("２０１９年") == (2019, 2019)
    assert parse_range("2014至2020") == (2014, 2020)
    with pytest.raises(ValueError, match="写法有误"):
        parse_range("二〇一四")
    with pytest.raises(ValueError, match="晚于"):
        parse_range("2021-2014")


def test_each_year_is_validated_against_its_own_edition(workspace):
    res = _load(workspace)
    assert isinstance(res.catalogues, Catalogues)
    found = [i.message for i in res.errors]
    cells = sorted((i.code, Path(i.path).name, i.cell) for i in res.errors)
    assert cells == [("unknown-category", "昌吉市2019.xlsx", "E12"), ("unknown-category", "昌吉市2021.xlsx", "E12"),
                     ("unknown-category", "昌吉市补报.xlsx", "E3"), ("unknown-category", "昌吉市补报.xlsx", "E5")], found
    by_cell = {(Path(i.path).name, i.cell): i for i in res.errors}
    wrong_2019 = by_cell[("昌吉市2019.xlsx", "E12")]
    assert "不在 2019 年适用的目录" in wrong_2019.message
    assert "2021年起" in (wrong_2019.hint or "")
    wrong_2021 = by_cell[("昌吉市2021.xlsx", "E12")]
    assert "不在 2021 年适用的目录" in wrong_2021.message and "2014—2020年" in (wrong_2021.hint or "")
    # the valid rows carry the names of their own edition
    assert {r.category for r in res.valid_records() if r.year == 2021} == {"政府向社会公众提供的公共服务", "政府履职所需辅助性服务"}
    assert "基本公共服务" in {r.category for r in res.valid_records() if r.year == 2019}


def test_comparison_across_editions_uses_the_newer_categories(workspace):
    res = _load(workspace)
    later = api.aggregate(res, year=2021, by="category", skip_invalid=True)
    earlier = api.aggregate(res, year=2019, by="category", skip_invalid=True)
    assert [v for v, _f in later.by["category"]] == ["政府向社会公众提供的公共服务", "政府履职所需辅助性服务"]
    aligned = align(earlier, 2021, res.catalogues)
    by = dict(aligned.aggregation.by["category"])
    assert (by["政府向社会公众提供的公共服务"].count, by["政府向社会公众提供的公共服务"].amount) == (4, Decimal("255.75"))
    assert (by["政府履职所需辅助性服务"].count, by["政府履职所需辅助性服务"].amount) == (3, Decimal("23.3"))
    # unmapped: kept under its own name with its figures, and said
    assert (by["其他适合由社会力量承担的服务事项"].count, by["其他适合由社会力量承担的服务事项"].amount) == (1, Decimal("5.55"))
    assert [(u.value, u.figure.amount) for u in aligned.unmapped] == [("其他适合由社会力量承担的服务事项", Decimal("5.55"))]
    assert aligned.aggregation.total.amount == earlier.total.amount == Decimal("284.6")
    assert "在对照表中没有对应的新目录" in aligned.messages()[0]
    from gpscli.periods import Period

    later.comparison = build("previous-year", Period(2019), earlier, aligned)
    d = json.loads(json.dumps(to_dict(later)))
    rows = {r["category"]: r for r in d["by_category"]}
    assert rows["政府向社会公众提供的公共服务"]["previous_amount"] == "255.75"
    assert rows["政府向社会公众提供的公共服务"]["amount"] == "317.5"  # with 补报二
    assert rows["其他适合由社会力量承担的服务事项"]["previous_amount"] == "5.55"
    assert d["unmapped"] == [{"dimension": "category", "value": "其他适合由社会力量承担的服务事项", "count": 1,
                              "amount": "5.55"}]


def test_same_edition_needs_no_crosswalk(workspace):
    res = _load(workspace)
    agg = api.aggregate(res, year=2019, by="category", skip_invalid=True)
    assert align(agg, 2020, res.catalogues).aggregation is agg


def test_report_compares_in_the_newer_categories(workspace, tmp_path):
    from gpscli.report import write_report

    res = _load(workspace)
    outcome = write_report(res, 2021, out=tmp_path / "r.docx", skip_invalid=True)
    assert outcome.context["prev_year"] is None  # 2019 is two years before 2021: no 同比
    # 2020 rows (2014 edition) against 2021: the crosswalk applies
    _write_year(workspace / "inbox", 2020, Y2019[:-1])
    res2 = _load(workspace)
    outcome = write_report(res2, 2021, out=tmp_path / "r2.docx", skip_invalid=True)
    prev = outcome.context["prev_year"]
    names = {line.name: line.amount for line in prev.categories}
    assert names["政府向社会公众提供的公共服务"] == Decimal("255.75")
    assert names["其他适合由社会力量承担的服务事项"] == Decimal("5.55")
    assert any("没有对应的新目录" in w for w in outcome.warnings)


def test_one_catalogue_for_all_years_still_works(workspace):
    # --catalogue (or catalogue = "...") overrides the editions: one catalogue for every year
    r = CliRunner().invoke(app, ["validate", str(workspace / "inbox" / "昌吉市2021.xlsx"),
                                 "--catalogue", str(workspace / "目录2021.csv")])
    assert r.exit_code == 1, r.output  # only the 技术性服务 row is wrong under the 2021 catalogue
    assert "E12" in r.output and "不在 2021 年" not in r.output


def test_gps_catalogue_lists_the_editions(workspace):
    r = CliRunner().invoke(app, ["catalogue"])
    assert r.exit_code == 0, r.output
    assert "2014—2020年:内置目录" in r.stdout and "2021年起:" in r.stdout
    r = CliRunner().invoke(app, ["catalogue", "--year", "2021", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert [i["name"] for i in json.loads(r.stdout)["items"] if i["level"] == 1] == [
        "政府向社会公众提供的公共服务", "政府履职所需辅助性服务"]


@pytest.mark.parametrize(("editions", "said"), [
    ('"2014-2020" = "builtin"\n"2019-" = "目录2021.csv"\n', "年度重叠(2019年)"),
    ('"2014-2020" = "builtin"\n"2021-" = "没有这个文件.csv"\n', "目录文件不存在"),
    ('"2014到" = "builtin"\n"二〇二一" = "目录2021.csv"\n', "写法有误"),
])
def test_bad_editions_are_refused_in_chinese(workspace, editions, said):
    (workspace / "gps.toml").write_text(
        TOML.split("[catalogue.editions]")[0] + "[catalogue.editions]\n" + editions, encoding="utf-8")
    r = CliRunner().invoke(app, ["validate"])
    assert r.exit_code == 2, r.output
    assert said in r.stderr and "Traceback" not in r.output


def test_unmapped_without_crosswalk_is_said(workspace):
    (workspace / "gps.toml").write_text(TOML.replace('crosswalk = "对照表.csv"\n', ""), encoding="utf-8")
    res = _load(workspace)
    earlier = api.aggregate(res, year=2019, by="category", skip_invalid=True)
    aligned = align(earlier, 2021, res.catalogues)
    assert aligned.no_crosswalk and len(aligned.unmapped) == 6
    assert "没有配置目录对照表" in aligned.messages()[0]


def test_aggregate_compare_from_the_ledger_crosswalks(tmp_path):
    shutil.copy(str(DATA.joinpath("catalogue_example_2020.csv")), tmp_path / "目录2021.csv")
    shutil.copy(str(DATA.joinpath("crosswalk_example_2014_to_2020.csv")), tmp_path / "对照表.csv")
    (tmp_path / "gps.toml").write_text(TOML, encoding="utf-8")
    _write_year(tmp_path / "in20", 2020, Y2019[:-1])
    _write_year(tmp_path / "in21", 2021, Y2021[:-1])
    runner = CliRunner()
    for folder, year in (("in20", "2020"), ("in21", "2021")):
        r = runner.invoke(app, ["ingest", folder, "--period", year])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["aggregate", "--period", "2021", "--by", "category", "--compare", "previous-year",
                            "--format", "json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)["compare"]
    rows = {x["category"]: (x["previous_amount"], x["amount"]) for x in d["by_category"]}
    assert rows == {"政府向社会公众提供的公共服务": ("255.75", "315.5"), "政府履职所需辅助性服务": ("23.3", "35.5"),
                    "其他适合由社会力量承担的服务事项": ("5.55", "0")}
    assert d["unmapped"][0]["value"] == "其他适合由社会力量承担的服务事项"
    r = runner.invoke(app, ["aggregate", "--period", "2021", "--by", "category", "--compare", "previous-year"])
    assert "在对照表中没有对应的新目录" in r.stderr
