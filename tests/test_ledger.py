"""The ledger, on SQLite and on PostgreSQL: ingest, state, history, corrections, locks, status."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time

import openpyxl
import pytest

from builders import project, standard_rows, write_xlsx
from ledger_support import ENGINES, fill_inbox, gps, gps_json, make_workspace


@pytest.fixture(params=ENGINES)
def ws(request, tmp_path, monkeypatch):
    root = make_workspace(tmp_path / "工作区", request.param, request)
    monkeypatch.chdir(root)
    return root


def _ingest(*args: str):
    r = gps("ingest", *args)
    assert r.exit_code == 0, r.output
    return r


def _total(*args: str) -> dict:
    return gps_json("aggregate", *args)["total"]


def _corrected_qitai(tmp_path, sample_dir, delta: int = 10, name: str = "奇台县.xlsx"):
    """奇台县's file with the first 2016 amount (G4, 486) raised by ``delta``."""
    wb = openpyxl.load_workbook(sample_dir / "奇台县.xlsx")
    ws = wb.active
    assert ws["J4"].value == 2016 and ws["G4"].value == 486
    ws["G4"].value = 486 + delta
    folder = tmp_path / f"更正{delta}"
    folder.mkdir()
    wb.save(folder / name)
    return folder


def test_figures_come_from_the_ledger_after_the_inbox_is_gone(ws, sample_dir):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    _ingest(str(inbox), "--period", "2017")
    shutil.rmtree(inbox)
    out = gps_json("aggregate", "--year", "2016")
    assert out["total"] == {"count": 55, "amount": "16252.68"}
    assert _total("--year", "2017") == {"count": 68, "amount": "19439.72"}
    assert out["ledger"]["period"] == "2016" and out["ledger"]["as_of"] is None
    sources = {s["path"]: s for s in out["sources"]}
    assert len(sources) == 12
    qitai = sources["奇台县.xlsx"]
    assert (qitai["version"], qitai["submitter"], qitai["rows"]) == (1, "奇台县", 4)
    assert len(qitai["sha256"]) == 64
    by_jur = {x["jurisdiction"]: x for x in out["by_jurisdiction"]}
    assert by_jur["州本级"] == {"jurisdiction": "州本级", "count": 8, "amount": "2978.88"}


def test_the_same_bytes_again_make_no_new_version(ws, sample_dir):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    again = gps_json("ingest", str(inbox), "--period", "2016")
    assert {f["status"] for f in again["files"]} == {"known"} and again["ok"] is True
    qitai = next(f for f in again["files"] if f["path"].endswith("奇台县.xlsx"))
    assert (qitai["jurisdiction"], qitai["version"], qitai["rows"], qitai["amount"]) == ("奇台县", 1, 4, "1089")
    assert len(gps_json("history")["versions"]) == 12


def test_a_correction_supersedes_keeps_history_and_as_of(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    time.sleep(1.1)  # --as-of is to the second
    before = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    time.sleep(1.1)
    _ingest(str(_corrected_qitai(tmp_path, sample_dir)), "--period", "2016")
    assert _total("--year", "2016") == {"count": 55, "amount": "16262.68"}
    assert _total("--year", "2016", "--as-of", before) == {"count": 55, "amount": "16252.68"}

    versions = gps_json("history", "--jurisdiction", "奇台县", "--year", "2016")["versions"]
    assert [(v["version"], v["amount"], v["current"]) for v in versions] == [(1, "1089", False), (2, "1099", True)]
    assert versions[1]["amount_before"] == "1089"
    assert versions[1]["changes"] == [{"kind": "changed", "unit": "奇台县环境卫生管理站", "name": "县城环境卫生清扫保洁",
                                       "field": "amount", "before": "486", "after": "496", "cell": "项目明细!G4"}]
    table = gps("history", "--jurisdiction", "奇台县")
    assert table.exit_code == 0 and "项目明细!G4" in table.stdout and "486 → 496" in table.stdout


def test_a_locked_period_needs_a_reason_and_records_a_correction(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    assert gps("lock", "--period", "2016").exit_code == 0
    corrected = _corrected_qitai(tmp_path, sample_dir)
    refused = gps("ingest", str(corrected), "--period", "2016")
    assert refused.exit_code == 1
    assert "已锁定" in refused.stderr and "--reason" in refused.stderr and "Traceback" not in refused.output
    assert _total("--year", "2016")["amount"] == "16252.68"
    _ingest(str(corrected), "--period", "2016", "--reason", "县城保洁合同金额更正")
    assert _total("--year", "2016")["amount"] == "16262.68"
    versions = gps_json("history", "--jurisdiction", "奇台县")["versions"]
    assert versions[0]["kind"] == "首报"
    assert (versions[-1]["kind"], versions[-1]["reason"], versions[-1]["version"]) == ("更正", "县城保洁合同金额更正", 2)
    assert gps("unlock", "--period", "2016").exit_code == 0
    again = _corrected_qitai(tmp_path, sample_dir, delta=20)
    _ingest(str(again), "--period", "2016")  # unlocked: no reason needed
    assert _total("--year", "2016")["amount"] == "16272.68"


def _quarter_with_a_zero_report_and_a_missing_county(ws, sample_dir, tmp_path):
    """2017Q4: the sample's counties, 木垒 with an empty template (a 零报告), 奇台县 with nothing."""
    inbox = fill_inbox(ws, sample_dir)
    for name in ("奇台县.xlsx", "木垒哈萨克自治县.xlsx"):
        (inbox / name).unlink()
    zero = tmp_path / "零报告"
    zero.mkdir(exist_ok=True)
    assert gps("template", "-o", str(zero / "木垒哈萨克自治县.xlsx")).exit_code == 0
    _ingest(str(inbox), "--period", "2017Q4")
    r = gps("ingest", str(zero), "--period", "2017Q4")
    assert r.exit_code == 0, r.output
    return r


def test_status_tells_reported_zero_missing_and_overdue(ws, sample_dir, tmp_path):
    r = _quarter_with_a_zero_report_and_a_missing_county(ws, sample_dir, tmp_path)
    assert "零报告" in r.stderr

    st = gps_json("status", "--period", "2017Q4")
    assert st["period"] == "2017Q4" and st["deadline"] == "2018-01-25"  # gps init sets quarter_days = 25
    lines = {x["jurisdiction"]: x for x in st["jurisdictions"]}
    assert set(lines["昌吉市"]) >= {"jurisdiction", "status", "version", "received_at", "rows", "amount", "errors", "overdue"}
    assert (lines["昌吉市"]["status"], lines["昌吉市"]["rows"], lines["昌吉市"]["version"]) == ("已报送", 9, 1)
    assert lines["昌吉市"]["amount"] == "4270"
    assert lines["昌吉市"]["overdue"] is True  # received long after 2018-01-25
    assert (lines["木垒哈萨克自治县"]["status"], lines["木垒哈萨克自治县"]["rows"]) == ("零报告", 0)
    assert (lines["奇台县"]["status"], lines["奇台县"]["overdue"], lines["奇台县"]["version"]) == ("未报送", True, None)
    assert lines["州本级"]["submitters"] == ["州本级-其他部门", "州本级-文化传媒部门"]
    remind = gps("status", "--period", "2017Q4", "--remind")
    assert remind.exit_code == 0 and "奇台县" in remind.stdout and "催报通知" in remind.stdout
    assert "逾期未报" in remind.stdout

    summary = gps_json("aggregate", "--period", "2017Q4")
    by = {s["jurisdiction"]: s["status"] for s in summary["submissions"]}
    assert (by["木垒哈萨克自治县"], by["奇台县"]) == ("零报告", "未报送")


def test_status_before_the_deadline_is_not_overdue(ws, sample_dir):
    for asked in (("status", "--period", "2016"), ("history",)):  # no ledger yet: no data (1), said, not an empty table
        r = gps(*asked)
        assert r.exit_code == 1 and "还没有" in r.stderr and "gps ingest" in r.stderr
    _ingest(str(fill_inbox(ws, sample_dir)), "--period", "2016")
    year = dt.date.today().year + 1  # a period that has not ended yet
    st = gps_json("status", "--period", f"{year}Q1")
    assert {x["status"] for x in st["jurisdictions"]} == {"未报送"}
    assert not any(x["overdue"] for x in st["jurisdictions"])


def test_a_file_with_errors_is_recorded_but_not_current(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    bad = tmp_path / "退回"
    bad.mkdir()
    write_xlsx(bad / "昌吉市.xlsx", standard_rows([project(amount="待定"), project(name="另一个项目", amount=5)]))
    r = gps("ingest", str(bad), "--period", "2016")
    assert r.exit_code == 1
    assert "不作为当前版本" in r.stderr and "G4" in r.stderr
    assert _total("--year", "2016")["amount"] == "16252.68"
    versions = gps_json("history", "--jurisdiction", "昌吉市", "--year", "2016")["versions"]
    assert [(v["version"], v["accepted"], v["errors"], v["current"]) for v in versions] == [
        (1, True, 0, True), (2, False, 1, False)]
    line = {x["jurisdiction"]: x for x in gps_json("status", "--period", "2016")["jurisdictions"]}["昌吉市"]
    assert (line["status"], line["errors"], line["version"]) == ("已报送", 1, 1)  # version 1 is current
    remind = gps("status", "--period", "2016", "--remind")
    assert "昌吉市" in remind.stdout and "按问题标注改正后重新报送" in remind.stdout


def test_files_of_another_year_only_are_not_a_zero_report(ws, tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    write_xlsx(folder / "昌吉市.xlsx", standard_rows([project(year=2017)]))
    r = gps("ingest", str(folder), "--period", "2016")
    assert r.exit_code == 1
    assert "没有一个是 2016 年的" in r.stderr


def test_compare_with_the_previous_year_from_the_ledger(ws, sample_dir):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    _ingest(str(inbox), "--period", "2017")
    shutil.rmtree(inbox)
    out = gps_json("aggregate", "--year", "2017", "--compare", "previous-year")
    c = out["compare"]
    assert (c["kind"], c["label"], c["period"]) == ("previous-year", "同比", "2016")
    assert c["total"] == {"count": 55, "amount": "16252.68"}
    assert c["change"] == {"count": 13, "amount": "3187.04", "percent": "19.61"}
    cats = {x["category"]: x for x in c["by_category"]}
    assert (cats["技术性服务"]["previous_count"], cats["技术性服务"]["previous_amount"]) == (8, "1189")
    assert (cats["技术性服务"]["count"], cats["技术性服务"]["amount"]) == (6, "222.5")
    screen = gps("aggregate", "--year", "2017", "--compare", "previous-year")
    assert "增长 19.61%" in screen.stdout
    ring = gps_json("aggregate", "--year", "2017", "--compare", "previous-period")["compare"]
    assert ring["period"] == "2016" and ring["change"]["percent"] == "19.61"  # a year's previous period is the year before


def test_report_from_the_ledger_without_the_files(ws, sample_dir):
    from docx import Document

    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    shutil.rmtree(inbox)
    r = gps("report", "--year", "2016", "-o", "报告.docx")
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in Document(str(ws / "报告.docx")).paragraphs)
    assert "55项" in text and "16252.68万元" in text
    assert "2017年计划" in text and "19439.72万元" in text  # the plan rows of the 2016 files


def test_run_records_the_inbox_and_writes_from_the_ledger(ws, sample_dir):
    fill_inbox(ws, sample_dir)
    r = gps("run", "--period", "2016Q4", "--no-report")
    assert r.exit_code == 0, r.output
    out = ws / "output" / "2016Q4"
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    assert (summary["files"], summary["new_versions"], summary["rows"]) == (12, 12, 55)
    assert json.loads((out / "报送情况.json").read_text(encoding="utf-8"))["period"] == "2016Q4"
    assert (out / "报送情况.xlsx").is_file()
    again = gps("run", "--period", "2016Q4", "--no-report")
    assert again.exit_code == 0
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    assert (summary["new_versions"], summary["rows"]) == (0, 55)
    # the next quarter's run does not take the files left in the inbox for new submissions
    nxt = gps("run", "--period", "2017Q1", "--no-report")
    assert nxt.exit_code == 1  # no 2017 rows recorded for 2017Q1: nothing to aggregate
    st = json.loads((ws / "output" / "2017Q1" / "报送情况.json").read_text(encoding="utf-8"))
    assert {x["status"] for x in st["jurisdictions"]} == {"未报送"}


def test_sums_by_the_database_equal_sums_of_the_rows(ws, sample_dir, tmp_path):
    """JSON to the screen is summed by the database; with an xlsx 明细 asked for, from the rows: the same figures."""
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2017")
    for by in ("jurisdiction,category", "kind,method", "subcategory"):
        summed = gps_json("aggregate", "--year", "2017", "--by", by)
        r = gps("aggregate", "--year", "2017", "--by", by, "--out", str(tmp_path / f"{by}.xlsx"),
                "--out", str(tmp_path / f"{by}.json"))
        assert r.exit_code == 0, r.output
        from_rows = json.loads((tmp_path / f"{by}.json").read_text(encoding="utf-8"))
        assert summed == from_rows
    sheet = openpyxl.load_workbook(tmp_path / "subcategory.xlsx")["来源版本"]  # which versions the figures stand on
    assert "2017年各报送单位的当前版本" in sheet["A1"].value
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 12 and ("奇台县", "奇台县", "2017", 1) == rows[[r[0] for r in rows].index("奇台县")][:4]
    assert all(len(r[6]) == 64 for r in rows)


def test_an_amount_finer_than_a_fen_stays_exact_in_the_ledger(ws, tmp_path):
    folder = tmp_path / "报送"
    folder.mkdir()
    write_xlsx(folder / "昌吉市.xlsx", standard_rows([project(amount="0.1234567"), project(name="二", amount="0.3")]))
    r = gps("ingest", str(folder), "--period", "2016")
    assert r.exit_code == 0, r.output
    assert "分以下" in r.stderr and "G4" in r.stderr
    out = gps_json("aggregate", "--year", "2016")
    assert out["total"] == {"count": 2, "amount": "0.4234567"}  # not 0.423457: the text is kept exactly
    assert out["warnings"][0]["code"] == "amount-below-fen"
    line = {x["jurisdiction"]: x for x in gps_json("status", "--period", "2016")["jurisdictions"]}["昌吉市"]
    assert line["amount"] == "0.423457"  # the integer fen the database sums, rounded half-up


def test_a_quarter_is_compared_with_the_quarter_before(ws, sample_dir, tmp_path):
    """环比 from the ledger: 2017Q3 (all twelve files) against 2017Q2 (without 奇台县 and 阜康市)."""
    from docx import Document

    inbox = fill_inbox(ws, sample_dir)
    q2 = tmp_path / "二季度"
    q2.mkdir()
    for f in inbox.iterdir():
        if f.name not in ("奇台县.xlsx", "阜康市.xlsx"):
            shutil.copy(f, q2 / f.name)
    _ingest(str(q2), "--period", "2017Q2")
    _ingest(str(inbox), "--period", "2017Q3")
    assert _total("--period", "2017Q2") == {"count": 56, "amount": "16071.72"}
    ring = gps_json("aggregate", "--period", "2017Q3", "--compare", "previous-period")["compare"]
    assert (ring["period"], ring["total"]["count"], ring["change"]) == (
        "2017Q2", 56, {"count": 12, "amount": "3368", "percent": "20.96"})
    r = gps("report", "--period", "2017Q3", "-o", "三季度.docx")
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in Document(str(ws / "三季度.docx")).paragraphs)
    assert "与2017年第二季度（56项、16071.72万元）相比，项目数增加12项，资金增长20.96%" in text


def test_a_corrected_file_under_another_name_is_not_counted_twice(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    renamed = _corrected_qitai(tmp_path, sample_dir, name="奇台县(二次更正).xlsx")
    _ingest(str(renamed), "--period", "2016")  # the same submitter: version 2 supersedes version 1
    assert _total("--year", "2016") == {"count": 55, "amount": "16262.68"}
    # a name that reads as another unit: refused, since its projects are 奇台县's current ones
    other = _corrected_qitai(tmp_path, sample_dir, delta=20, name="奇台县_财政局.xlsx")
    r = gps("ingest", str(other), "--period", "2016", "--format", "json")
    assert r.exit_code == 1
    out = json.loads(r.stdout)
    assert out["files"][0]["submitter"] == "奇台县-财政局" and out["files"][0]["accepted"] is False
    assert out["issues"][0]["code"] == "same-projects-as-other-submitter"
    assert "「奇台县」" in out["issues"][0]["message"] and "--submitter 奇台县" in out["issues"][0]["hint"]
    assert _total("--year", "2016") == {"count": 55, "amount": "16262.68"}
    again = gps("ingest", str(other), "--period", "2016")  # the same refused bytes: said so, still exit 1
    assert again.exit_code == 1 and "未采用" in again.stderr
    # said to be 奇台县's, the same bytes become its next version, and nothing waits for a correction
    _ingest(str(other), "--period", "2016", "--submitter", "奇台县")
    assert _total("--year", "2016") == {"count": 55, "amount": "16272.68"}
    line = {x["jurisdiction"]: x for x in gps_json("status", "--period", "2016")["jurisdictions"]}["奇台县"]
    assert (line["status"], line["version"], line["errors"]) == ("已报送", 3, 0)


def test_a_quarter_is_compared_with_the_same_quarter_a_year_before_only(ws, sample_dir, tmp_path):
    """A quarter's draft compares with last year's same quarter from the ledger, never with the
    whole of last year that the quarter's files happen to list."""
    from docx import Document

    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2017Q1")

    def text() -> str:
        r = gps("report", "--period", "2017Q1", "-o", "一季度.docx", "--force")
        assert r.exit_code == 0, r.output
        return "\n".join(p.text for p in Document(str(ws / "一季度.docx")).paragraphs)

    assert "与2016年" not in text()  # the 2016 rows of the 2017 files are not 2016Q1
    _ingest(str(inbox), "--period", "2016Q1")
    draft = text()
    assert "与2016年第一季度（55项、16252.68万元）相比，项目数增加13项，资金增长19.61%" in draft
    assert "第四季度" not in draft  # no 环比 of a first quarter: year-to-date figures start again


def test_a_zero_report_that_supersedes_projects_is_pointed_out(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    blank = tmp_path / "空白"
    blank.mkdir()
    assert gps("template", "-o", str(blank / "木垒哈萨克自治县.xlsx")).exit_code == 0
    r = gps("ingest", str(blank), "--period", "2016")
    assert r.exit_code == 0
    assert "此前的当前版本有 3 个项目" in r.stderr and "零报告" in r.stderr
    assert _total("--year", "2016") == {"count": 52, "amount": "15910.68"}


def test_the_original_files_come_back_out_of_the_ledger(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    _ingest(str(inbox), "--period", "2016")
    _ingest(str(_corrected_qitai(tmp_path, sample_dir)), "--period", "2016")
    shutil.rmtree(inbox)
    r = gps("history", "--jurisdiction", "奇台县", "--save", "取出")
    assert r.exit_code == 0, r.output
    out = ws / "取出"
    first, second = out / "奇台县-2016-第1版-奇台县.xlsx", out / "奇台县-2016-第2版-奇台县.xlsx"
    assert first.read_bytes() == (sample_dir / "奇台县.xlsx").read_bytes()
    assert second.read_bytes() == (tmp_path / "更正10" / "奇台县.xlsx").read_bytes()
    first.write_bytes(b"a clerk's own notes")  # a person's file now: never written over
    assert gps("history", "--jurisdiction", "奇台县", "--save", "取出").exit_code == 0
    assert first.read_bytes() == b"a clerk's own notes"
    assert (out / "奇台县-2016-第1版-奇台县(2).xlsx").read_bytes() == (sample_dir / "奇台县.xlsx").read_bytes()


def test_a_partial_quarter_names_who_has_not_reported_and_the_trend_comes_from_earlier_years(ws, sample_dir, tmp_path):
    """A draft of 2017Q4 from the ledger: 木垒 sent a 零报告, 奇台县 nothing yet; 2016 is in the ledger."""
    import zipfile

    from docx import Document

    from gpscli.report import charts

    _ingest(str(fill_inbox(ws, sample_dir)), "--period", "2016")
    _quarter_with_a_zero_report_and_a_missing_county(ws, sample_dir, tmp_path)
    r = gps("report", "--period", "2017Q4", "-o", "四季度.docx")
    assert r.exit_code == 0, r.output
    text = "\n".join(p.text for p in Document(str(ws / "四季度.docx")).paragraphs)
    assert "木垒哈萨克自治县报送了零报告" in text and "奇台县尚未报送" in text
    assert "以上数字不含截至成文日尚未报送2017年第四季度情况的奇台县。" in text
    if charts.find_cjk_font() is not None:  # the trend: 2016 from the ledger, then this draft's figures
        assert "图3 2016—2017年政府购买服务项目资金" in text
        with zipfile.ZipFile(ws / "四季度.docx") as z:
            assert len([n for n in z.namelist() if n.startswith("word/media/")]) == 3


def _qitai_addendum(tmp_path, ws=None):
    """奇台县 sending only its new projects, as a “补报” beside the file already recorded."""
    folder = tmp_path / "补报"
    rows = standard_rows([project(jurisdiction="奇台县", unit="奇台县民政局", name="补报新增项目甲", amount="20.5"),
                          project(jurisdiction="奇台县", unit="奇台县民政局", name="补报新增项目乙", amount="12.25")],
                         title="奇台县2016年政府购买服务项目情况表", unit_line="填报单位:奇台县财政局    单位:万元")
    write_xlsx(folder / "奇台县-补报.xlsx", rows)
    return folder


def test_a_new_version_that_drops_projects_is_warned_of(ws, sample_dir, tmp_path):
    """Reports are cumulative: a county's new file replaces its earlier one whole, so one with only the
    new projects would silently drop the others; ingest says so, whatever the flags, and in --log."""
    inbox = fill_inbox(ws, sample_dir)
    before = gps_json("ingest", str(inbox), "--period", "2016")
    qitai = next(f for f in before["files"] if f["jurisdiction"] == "奇台县")
    r = gps("-q", "--log", str(ws / "gps.log"), "ingest", str(_qitai_addendum(tmp_path)), "--period", "2016")
    assert r.exit_code == 0, r.output
    said = (f"奇台县 2016 第 2 版取代第 1 版:第 1 版的 {qitai['rows']} 个项目({qitai['amount']} 万元)中有 "
            f"{qitai['rows']} 个不在新版本中,新版本 2 个项目、32.75 万元;如果这是补报新增的项目,请让该地区把全部项目填在同一个表里重报")
    assert said in r.stderr
    assert said in (ws / "gps.log").read_text(encoding="utf-8")
    again = gps("history", "--jurisdiction", "奇台县", "--format", "json")
    assert again.exit_code == 0


def test_run_warns_of_a_new_version_that_drops_projects(ws, sample_dir, tmp_path):
    inbox = fill_inbox(ws, sample_dir)
    assert gps("run", "--period", "2016Q4", "--no-report").exit_code == 0
    shutil.copy(_qitai_addendum(tmp_path) / "奇台县-补报.xlsx", inbox)
    r = gps("-q", "run", "--period", "2016Q4", "--no-report")
    assert "第 2 版取代第 1 版" in r.stderr and "个不在新版本中,新版本 2 个项目、32.75 万元" in r.stderr
    assert "[" not in r.stderr.split("第 2 版取代")[0].splitlines()[-1]
    summary = json.loads((ws / "output" / "2016Q4" / "运行摘要.json").read_text(encoding="utf-8"))
    assert any("奇台县-补报.xlsx" in m and "第 2 版取代第 1 版" in m for m in summary["messages"])
