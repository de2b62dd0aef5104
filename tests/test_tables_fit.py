"""Tables a clerk reads: every number whole at any screen width, and issues named in Chinese.

The aggregate's screen table is a cross table when it fits and a long one when it does not; no
number is ever cut to ``9606.…``. Issue tables and the annotated copy's 问题清单 show the issue's
Chinese title; the code (unknown-category…) only with -v, and always in JSON and CSV.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from decimal import Decimal

import openpyxl
import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from conftest import SAMPLE
from gpscli import api
from gpscli.cli import app
from gpscli.cli.agg_table import print_aggregation
from gpscli.cli.validate_cmd import print_issue_table
from gpscli.codes import REGISTRY
from gpscli.issues import make
from gpscli.money import display

runner = CliRunner()
WIDTHS = (80, 100, 120, 200)
BYS = ("category", "jurisdiction", "method", "kind", "category,jurisdiction", "jurisdiction,category",
       "method,category", "kind,category", "jurisdiction,category,method")
NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample():
    return api.load([SAMPLE])


def render(agg, width: int) -> str:
    buf = io.StringIO()
    print_aggregation(Console(file=buf, width=width, color_system=None, highlight=False), agg)
    return buf.getvalue()


def shown_figures(agg) -> Counter:
    """Every 项数 and 金额 the table shows, as it writes them: each combination and the total, and
    for one or two dimensions the total of each value (a row or column total, a subtotal)."""
    figures = [f for _, f in agg.cells] + [agg.total]
    if len(agg.dimensions) == 2:
        figures += [f for d in agg.dimensions for _, f in agg.by[d]]
    return Counter(s for f in figures if f.count for s in (str(f.count), display(f.amount)))


@pytest.mark.parametrize("by", BYS)
def test_every_number_of_the_aggregate_is_shown_whole_at_any_width(sample, by):
    agg = api.aggregate(sample, year=2017, by=by)
    wanted = shown_figures(agg)
    assert display(agg.total.amount) == "19439.72"
    for width in WIDTHS:
        out = render(agg, width)
        assert "…" not in out, (by, width, out)
        assert max(cell_len(line) for line in out.splitlines()) <= width, (by, width)
        found = Counter(NUMBER.findall(out))
        missing = wanted - found
        assert not missing, (by, width, missing, out)


def test_a_cross_table_too_wide_for_the_screen_is_listed_a_combination_a_line(sample):
    agg = api.aggregate(sample, year=2017, by="jurisdiction,category")
    wide, narrow = render(agg, 200), render(agg, 120)
    assert "小计" not in wide and "逐行列出" not in wide  # the cross table: categories side by side
    assert "小计" in narrow and "按一级目录分列的表宽于 120 列,已逐行列出" in narrow and "--out 汇总表.xlsx" in narrow
    crowded = render(api.aggregate(sample, year=2017, by="category,jurisdiction"), 200)  # 11 jurisdictions
    assert "逐行列出" in crowded and "…" not in crowded


def test_on_a_screen_too_narrow_for_any_table_the_rows_are_lines_with_whole_numbers(sample):
    agg = api.aggregate(sample, year=2017, by="jurisdiction,category")
    out = render(agg, 24)
    assert "…" not in out
    assert not shown_figures(agg) - Counter(NUMBER.findall(out))


def test_the_table_of_the_cli_is_whole_when_not_on_a_terminal():
    r = invoke("aggregate", SAMPLE, "--year", "2017", "--by", "category,jurisdiction")
    assert r.exit_code == 0, r.output
    assert "…" not in r.stdout and "19439.72" in r.stdout and "12577.62" in r.stdout


def test_the_publication_table_keeps_every_amount_whole(sample):
    from gpscli.cli.publish_cmd import print_publication
    from gpscli.outputs.publish import publication

    pub = publication(api.aggregate(sample, year=2017, by="jurisdiction"))
    wanted = Counter(display(r.amount) for r in pub.rows) + Counter(str(n) for n in range(1, len(pub.rows) + 1))
    for width in (80, 120, 200):
        buf = io.StringIO()
        print_publication(Console(file=buf, width=width, color_system=None), pub)
        out = buf.getvalue()
        assert "…" not in out and max(cell_len(line) for line in out.splitlines()) <= width
        assert not wanted - Counter(NUMBER.findall(out)), width


# ---- issues in Chinese ------------------------------------------------------------------------

def bad_file(tmp_path):
    return write_xlsx(tmp_path / "阜康市.xlsx", standard_rows([
        project(jurisdiction="阜康市", amount="待定"), project(jurisdiction="阜康市", name="绿化", category="基本公共服"),
        project(jurisdiction="阜康市", name="路灯维护", amount=80)]))


def test_validate_names_issues_by_their_chinese_title_and_gives_codes_with_v(tmp_path):
    p = bad_file(tmp_path)
    r = invoke("validate", p)
    assert r.exit_code == 1
    for code in ("invalid-amount", "unknown-category"):
        assert REGISTRY[code].title in r.stdout and code not in r.stdout
    assert "代码" not in r.stdout and "问题" in r.stdout
    for args in (("-v", "validate", p), ("validate", p, "-v"), ("--verbose", "validate", p)):
        r = invoke(*args)
        assert "invalid-amount" in r.stdout and "unknown-category" in r.stdout and "代码" in r.stdout, args
        assert REGISTRY["invalid-amount"].title in r.stdout
    data = json.loads(invoke("validate", p, "--format", "json").stdout)  # scripts keep their codes
    assert [i["code"] for i in data["files"][0]["issues"]] == ["invalid-amount", "unknown-category"]


def test_aggregate_shows_the_titles_of_warnings_and_errors_and_codes_with_v(tmp_path):
    big = write_xlsx(tmp_path / "玛纳斯县.xlsx", standard_rows([project(jurisdiction="玛纳斯县", amount=1200000)]))
    r = invoke("aggregate", big)
    assert r.exit_code == 0
    assert REGISTRY["suspicious-amount"].title in r.stderr and "suspicious-amount" not in r.stderr
    assert "suspicious-amount" in invoke("-v", "aggregate", big).stderr
    r = invoke("aggregate", bad_file(tmp_path / "坏"))
    assert r.exit_code == 1
    assert REGISTRY["invalid-amount"].title in r.stderr and "invalid-amount" not in r.stderr
    csv_text = invoke("aggregate", big, "--format", "csv").stdout  # codes stay in CSV and JSON
    assert "suspicious-amount" in csv_text
    assert json.loads(invoke("aggregate", big, "--format", "json").stdout)["warnings"][0]["code"] == "suspicious-amount"


def test_the_issue_table_wraps_long_texts_and_cuts_none():
    long = "很长的说明" * 12
    issues = [make("invalid-amount", path="/收件箱/阜康市.xlsx", sheet="项目明细", cell=f"G{n}", row=n, text=long,
                   why="不是数字", unit="万元") for n in range(4, 7)]
    for width in (60, 80, 120):
        buf = io.StringIO()
        print_issue_table(Console(file=buf, width=width, color_system=None), issues, with_file=True, codes=True)
        out = buf.getvalue()
        assert "…" not in out and max(cell_len(line) for line in out.splitlines()) <= width
        body = [line for line in out.splitlines() if line.startswith("│")]
        column = [line.split("│")[6].strip() for line in body]  # 文件 位置 级别 问题 代码 说明 建议
        assert "".join(column).replace(" ", "") == "".join(i.message for i in issues).replace(" ", "")
        codes = "".join(line.split("│")[5].strip() for line in body)
        assert codes == "invalid-amount" * 3


# ---- the annotated copy -----------------------------------------------------------------------

def test_the_issue_list_of_the_annotated_copy_names_issues_in_chinese(tmp_path):
    p = bad_file(tmp_path)
    assert invoke("validate", p, "--annotate", tmp_path / "退回").exit_code == 1
    ws = openpyxl.load_workbook(tmp_path / "退回" / "阜康市-问题标注.xlsx")["问题清单"]
    assert [c.value for c in ws[1][:6]] == ["序号", "位置", "级别", "问题", "说明", "建议"]
    rows = list(ws.iter_rows(min_row=2, max_col=6, values_only=True))
    assert [r[3] for r in rows] == [REGISTRY["invalid-amount"].title, REGISTRY["unknown-category"].title]
    values = [str(v) for row in ws.iter_rows(max_col=6, values_only=True) for v in row if v is not None]
    assert not [v for v in values if any(code in v for code in REGISTRY)]


def test_a_copy_made_by_an_earlier_version_is_still_recognised(tmp_path):
    """Copies sent out before the 问题 column had the 代码 column: they come back all the same."""
    inbox = tmp_path / "inbox"
    bad_file(inbox)
    assert invoke("validate", inbox, "--annotate", inbox).exit_code == 1
    copy = inbox / "阜康市-问题标注.xlsx"
    wb = openpyxl.load_workbook(copy)
    wb["问题清单"]["D1"] = "代码"
    wb.save(copy)
    data = json.loads(invoke("validate", inbox, "--format", "json").stdout)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in data["files"]}
    assert [i["code"] for i in by_name["阜康市-问题标注.xlsx"]["issues"]] == ["skipped-file"]


# ---- the ledger's tables ----------------------------------------------------------------------

def test_status_and_history_keep_times_and_amounts_whole_on_80_columns(tmp_path, monkeypatch, request):
    from gpscli.cli import ledger_cmd, status_cmd
    from ledger_support import fill_inbox, gps, gps_json, make_workspace

    ws = make_workspace(tmp_path / "工作区", "sqlite", request)
    monkeypatch.chdir(ws)
    assert gps("ingest", str(fill_inbox(ws, SAMPLE)), "--period", "2016").exit_code == 0
    wb = openpyxl.load_workbook(SAMPLE / "奇台县.xlsx")
    wb.active["G4"] = 496  # was 486: a second version, whose history row shows 1089 → 1099
    (tmp_path / "更正").mkdir()
    wb.save(tmp_path / "更正" / "奇台县.xlsx")
    assert gps("ingest", str(tmp_path / "更正"), "--period", "2016").exit_code == 0
    status = gps_json("status", "--period", "2016")
    versions = gps_json("history")["versions"]
    for width in (80, 120):
        buf = io.StringIO()
        console = Console(file=buf, width=width, color_system=None)
        monkeypatch.setattr(status_cmd, "out", lambda console=console: console)
        monkeypatch.setattr(ledger_cmd, "out", lambda console=console: console)
        assert gps("status", "--period", "2016").exit_code == 0
        assert gps("history").exit_code == 0
        out = buf.getvalue()
        assert "…" not in out and max(cell_len(line) for line in out.splitlines()) <= width
        times = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", out)
        assert len(times) == sum(1 for x in status["jurisdictions"] if x["received_at"]) + len(versions), width
        amounts = Counter(NUMBER.findall(out))
        wanted = Counter(display(Decimal(x["amount"])) for x in status["jurisdictions"] if x["rows"])
        wanted += Counter(display(Decimal(v["amount"])) for v in versions)
        assert not wanted - amounts, width
        assert "1089 → 1099" in out and amounts["486"] and amounts["496"]  # the amount column; the change in 说明
        # names stay readable: a submitter's name whole on its line (not squeezed to a character a line)
        assert all(v["submitter"] in out for v in versions if cell_len(v["submitter"]) <= 8), width
