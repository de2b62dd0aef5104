"""A CLI a clerk can use without help: what the user sees on the screen and in the files."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from gpscli.cli import app

runner = CliRunner()
BOM = b"\xef\xbb\xbf"


# ---- --period auto ----------------------------------------------------------------------------

@pytest.mark.parametrize(("today", "period"), [
    ("2027-01-05", "2026Q4"),  # the quarter just ended
    ("2026-12-31", "2026Q4"),  # its last day counts: a run at 23:30 on 31 December is about Q4
    ("2026-12-30", "2026Q3"),
    ("2026-03-31", "2026Q1"),
    ("2026-03-30", "2025Q4"),
    ("2026-04-25", "2026Q1"),  # the reporting deadline: still the quarter just ended
    ("2026-07-01", "2026Q2"),
])
def test_period_auto_is_the_latest_quarter_ended_by_today(today, period):
    from gpscli.periods import Period

    assert Period.parse("auto", today=dt.date.fromisoformat(today)).label == period
    assert Period.parse(" AUTO ", today=dt.date.fromisoformat(today)).label == period
    assert Period.parse("自动", today=dt.date.fromisoformat(today)).label == period


def test_run_period_auto_says_which_quarter(tmp_path, monkeypatch):
    from gpscli.periods import current

    ws = _workspace(tmp_path)
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["run", "--period", "auto", "--no-report"])
    label = current().label
    assert f"--period auto:{current().text}({label})" in r.stderr
    assert (ws / "output" / label / "运行摘要.json").exists()


def test_ingest_and_status_accept_period_auto(tmp_path, monkeypatch):
    from gpscli.periods import current

    ws = _workspace(tmp_path)
    write_xlsx(ws / "inbox" / "昌吉市.xlsx", standard_rows([project(jurisdiction="昌吉市", year=current().year)]))
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["ingest", "inbox", "--period", "auto", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["period"] == current().label
    r = runner.invoke(app, ["status", "--period", "auto", "--format", "json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["period"] == current().label


# ---- gps run's bookkeeping --------------------------------------------------------------------

def _workspace(tmp_path):
    ws = tmp_path / "工作区"
    r = runner.invoke(app, ["init", str(ws)])
    assert r.exit_code == 0, r.output
    return ws


def test_failed_run_names_what_it_wrote_and_who_has_not_submitted(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    write_xlsx(ws / "inbox" / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县", amount="待定")]))
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["-v", "run", "--period", "2016", "--no-report"])
    assert r.exit_code == 1
    summary = json.loads((ws / "output" / "2016" / "运行摘要.json").read_text(encoding="utf-8"))
    assert summary["status"] == "failed" and summary["ok"] is False
    assert "奇台县" in summary["not_submitted"] and "昌吉市" in summary["not_submitted"]
    assert "未生成输出" not in r.stderr
    said = "未生成汇总表:账本中还没有 2016 年的项目(各地尚未报送无误的表格)。本次写出了:校验结果.json、" \
           "问题标注/奇台县-问题标注.xlsx、报送情况.xlsx、报送情况.json、运行摘要.json"
    assert said in r.stderr and said in summary["messages"]
    assert "  错误:" in r.stderr and "[invalid-amount]" in r.stderr  # -v: each problem with its level


def test_run_v_lines_say_error_or_warning(monkeypatch):
    from gpscli.cli.common import STATE
    from gpscli.cli.run_cmd import _problem_line

    base = {"path": "a.xlsx", "sheet": "项目明细", "cell": "G4", "code": "x", "message": "m"}
    monkeypatch.setattr(STATE, "verbose", True)  # the code (for the README's table) only with -v
    assert _problem_line({**base, "severity": "error"}) == "  错误:a.xlsx 项目明细!G4 [x] m"
    assert _problem_line({**base, "severity": "warning"}) == "  警告:a.xlsx 项目明细!G4 [x] m"
    monkeypatch.setattr(STATE, "verbose", False)
    assert _problem_line({**base, "severity": "warning"}) == "  警告:a.xlsx 项目明细!G4 m"


def test_run_warnings_carry_no_english_code_without_v(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    write_xlsx(ws / "inbox" / "昌吉市.xlsx", standard_rows([project(name="道路保洁", amount=120),
                                                            project(name="绿化养护", amount=3500000)]))
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["--log", "gps.log", "run", "--period", "2016", "--no-report"])
    assert r.exit_code == 0, r.output
    log = (ws / "gps.log").read_text(encoding="utf-8")
    for shown in (r.stderr, log):
        assert "  警告:" in shown and "G5" in shown
        assert "suspicious-amount" not in shown and "[" not in shown.split("  警告:")[1].splitlines()[0]


def test_unknown_by_dimension_lists_the_chinese_names(tmp_path):
    f = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project()]))
    r = runner.invoke(app, ["aggregate", str(f), "--year", "2016", "--by", "县"])
    assert r.exit_code == 2
    assert "可用:地区(jurisdiction)、一级目录(category)、二级目录(subcategory)" in r.stderr


def test_an_unwritable_log_is_said_in_chinese(tmp_path):
    f = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project()]))
    r = runner.invoke(app, ["--log", str(tmp_path / "没有这个目录" / "gps.log"), "validate", str(f)])
    assert r.exit_code == 0, r.output
    assert "无法写入日志文件" in r.stderr and "所在文件夹不存在" in r.stderr
    assert "No such file" not in r.stderr


def test_a_clean_run_leaves_no_annotation_folder(tmp_path, monkeypatch, sample_dir):
    import shutil

    ws = _workspace(tmp_path)
    for f in sample_dir.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    monkeypatch.chdir(ws)
    assert runner.invoke(app, ["run", "--period", "2016", "--no-report"]).exit_code == 0
    assert not (ws / "output" / "2016" / "问题标注").exists()
    summary = json.loads((ws / "output" / "2016" / "运行摘要.json").read_text(encoding="utf-8"))
    assert summary["status"] == "ok" and "interrupted_by" not in summary


def test_a_run_whose_copies_all_fail_leaves_no_empty_folder(tmp_path, monkeypatch):
    import gpscli.runner

    ws = _workspace(tmp_path)
    write_xlsx(ws / "inbox" / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县", amount="待定")]))

    def none_made(files, place, failed, limits=None):
        place("奇台县-问题标注.xlsx")  # the place is asked for (its folder made), then the copy fails
        failed(files[0], "测试")
        return []

    monkeypatch.setattr(gpscli.runner, "write_all", none_made)
    monkeypatch.chdir(ws)
    assert runner.invoke(app, ["run", "--period", "2016", "--no-report"]).exit_code == 1
    assert not (ws / "output" / "2016" / "问题标注").exists()


@pytest.mark.parametrize(("signal_name", "status", "said"), [
    ("SIGINT", 130, "已中断(Ctrl+C)"), ("SIGTERM", 143, "已终止(收到结束信号 SIGTERM)")])
def test_an_interrupted_run_leaves_a_summary_saying_so(tmp_path, monkeypatch, sample_dir, signal_name, status, said):
    import shutil

    import gpscli.runner
    from gpscli.cli.common import Terminated

    ws = _workspace(tmp_path)
    for f in sample_dir.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    monkeypatch.chdir(ws)
    assert runner.invoke(app, ["run", "--period", "2016", "--no-report"]).exit_code == 0
    out = ws / "output" / "2016"
    before = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))

    def stop(*a, **k):
        raise Terminated() if signal_name == "SIGTERM" else KeyboardInterrupt()

    monkeypatch.setattr(gpscli.runner, "_write_outputs", stop)
    r = runner.invoke(app, ["run", "--period", "2016", "--no-report"])
    assert r.exit_code == status
    assert said in r.stderr and "运行摘要.json 记下了这次中断" in r.stderr
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    assert (summary["status"], summary["interrupted_by"], summary["exit_status"]) == ("interrupted", signal_name, status)
    assert summary["outputs"] == [] and summary["previous_run"]["run_id"] == before["run_id"]
    assert "本次运行被中断" in summary["messages"][-1]
    assert (out / "2016年政府购买服务项目汇总表.xlsx").exists()  # the previous run's outputs, untouched
    assert not list(ws.glob("output/.2016.gps-*"))
    monkeypatch.undo()
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["run", "--period", "2016", "--no-report"])  # the next run: the summary is gps's own
    assert r.exit_code == 0, r.output
    assert "运行摘要(2)" not in r.stderr
    assert json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))["status"] == "ok"


def test_a_waiting_run_says_whom_it_waits_for(tmp_path, monkeypatch):
    import subprocess
    import sys

    ws = _workspace(tmp_path)
    code = ("import sys, time; from pathlib import Path; from gpscli import workspace\n"
            "with workspace.locked(Path(sys.argv[1]), 0, what='gps run --period 2016Q4'):\n"
            "    print('x', flush=True); time.sleep(20)\n")
    other = subprocess.Popen([sys.executable, "-c", code, str(ws)], stdout=subprocess.PIPE)
    try:
        assert other.stdout.readline().strip() == b"x"
        monkeypatch.chdir(ws)
        r = runner.invoke(app, ["run", "--period", "2016", "--wait", "0.3"])
    finally:
        other.kill()
        other.wait()
    assert r.exit_code == 1
    assert f"另一个 gps 任务(进程 {other.pid}," in r.stderr and "的 gps run --period 2016Q4)正在使用工作区,等待它结束" in r.stderr
    assert "本次未运行" in r.stderr
    assert not (ws / ".gps.lock.json").exists() or "pid" in (ws / ".gps.lock.json").read_text(encoding="utf-8")


def test_the_lock_note_goes_with_the_lock(tmp_path):
    from gpscli import workspace

    with workspace.locked(tmp_path, 0, what="gps run --period 2016"):
        note = json.loads((tmp_path / workspace.LOCK_INFO).read_text(encoding="utf-8"))
        assert note["what"] == "gps run --period 2016"
        assert workspace.holder(tmp_path).endswith("的 gps run --period 2016)")
    assert not (tmp_path / workspace.LOCK_INFO).exists() and workspace.holder(tmp_path) == ""


# ---- small inconsistencies --------------------------------------------------------------------

def test_strict_does_not_say_passed_when_it_fails(tmp_path):
    f = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(amount="200000")]))  # suspicious-amount
    r = runner.invoke(app, ["validate", str(f), "--strict"])
    assert r.exit_code == 1
    assert "全部通过" not in r.stdout and "没有错误,但有 1 个警告(--strict 时视为不通过)" in r.stdout
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 0 and "全部通过" in r.stdout


@pytest.mark.parametrize("args", [
    ["validate", "{d}"], ["validate", "{d}", "--format", "json"], ["aggregate", "{d}"], ["aggregate", "{d}", "--year", "2016"],
    ["report", "--data", "{d}", "--year", "2016"], ["publish", "{d}", "--year", "2016"]])
def test_no_data_found_is_exit_1_everywhere(tmp_path, args):
    empty = tmp_path / "收件箱"
    empty.mkdir()
    (empty / "说明.pdf").write_bytes(b"%PDF-1.4")
    r = runner.invoke(app, [a.format(d=empty) for a in args])
    assert r.exit_code == 1, r.output
    assert "没有找到报送表格" in r.stderr and "略过了 1 个不是表格的文件" in r.stderr
    assert "全部通过" not in r.output


def test_no_year_in_the_data_is_exit_1_not_a_usage_error(tmp_path):
    from gpscli import api
    from gpscli.errors import DataError

    f = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([]))  # a zero report: files, no rows
    with pytest.raises(DataError):
        api.aggregate(api.load([f]))
    r = runner.invoke(app, ["aggregate", str(f)])
    assert r.exit_code == 1 and "没有可汇总的项目" in r.stderr


def test_ingest_of_an_empty_inbox_and_run_say_no_tables(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["ingest", "inbox", "--period", "2016"])
    assert r.exit_code == 1 and "没有找到报送表格" in r.stderr
    r = runner.invoke(app, ["run", "--period", "2016", "--no-report"])
    assert r.exit_code == 1 and "中没有找到报送表格" in r.stderr


def test_validate_interrupted_speaks_of_no_outputs(tmp_path, monkeypatch):
    import gpscli.api

    def stop(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(gpscli.api, "load", stop)
    f = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    r = runner.invoke(app, ["validate", str(f)])
    assert r.exit_code == 130
    assert "已中断(Ctrl+C)" in r.stderr and "输出文件" not in r.stderr


def test_validate_annotate_makes_no_empty_folder(tmp_path):
    f = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project()]))
    r = runner.invoke(app, ["validate", str(f), "--annotate", str(tmp_path / "退回")])
    assert r.exit_code == 0
    assert not (tmp_path / "退回").exists()
    bad = write_xlsx(tmp_path / "阜康市.xlsx", standard_rows([project(jurisdiction="阜康市", amount="待定")]))
    assert runner.invoke(app, ["validate", str(bad), "--annotate", str(tmp_path / "退回")]).exit_code == 1
    assert [p.name for p in (tmp_path / "退回").iterdir() if not p.name.startswith(".")] == ["阜康市-问题标注.xlsx"]


def test_profile_names_the_prefecture_once():
    r = runner.invoke(app, ["profile"])
    assert r.exit_code == 0
    first = r.stdout.splitlines()[0]
    assert first == "昌吉回族自治州(内置地区名单)"


def test_v_calls_the_filing_unit_line_by_its_name(tmp_path):
    rows = standard_rows([project(jurisdiction=None)], title="2016年政府购买服务项目表", unit_line="填报单位:奇台县财政局")
    f = write_xlsx(tmp_path / "a.xlsx", rows)
    r = runner.invoke(app, ["validate", str(f), "-v"])
    assert "空白处取自填报单位行「填报单位:奇台县财政局」" in r.stdout and "年度来自「年度」列" in r.stdout


def test_template_for_one_county_and_year_fills_both_and_validates(tmp_path):
    import openpyxl

    path = tmp_path / "昌吉市填报模板.xlsx"
    r = runner.invoke(app, ["template", "-o", str(path), "--jurisdiction", "昌吉市", "--year", "2017", "--rows", "20"])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(path)
    ws = wb["项目明细"]
    header = [c.value for c in ws[3]]
    jur, year = header.index("地区") + 1, header.index("年度") + 1
    assert {ws.cell(row=n, column=jur).value for n in range(4, 24)} == {"昌吉市"}
    assert {ws.cell(row=n, column=year).value for n in range(4, 24)} == {2017}
    guide = "\n".join(str(c.value) for c in wb["填报说明"]["A"])
    assert "本表已在各行预先填好地区(昌吉市)和年度(2017)" in guide
    assert "gps validate" not in guide and "发送给财政局" in guide
    blank = runner.invoke(app, ["validate", str(path), "--format", "json"])  # the unused rows are no projects
    assert json.loads(blank.stdout)["summary"]["rows"] == 0
    ws.cell(row=4, column=header.index("购买主体") + 1, value="昌吉市民政局")
    ws.cell(row=4, column=header.index("项目名称") + 1, value="居家养老服务")
    ws.cell(row=4, column=header.index("一级目录") + 1, value="基本公共服务")
    ws.cell(row=4, column=header.index("金额(万元)") + 1, value=12.5)
    wb.save(path)
    r = runner.invoke(app, ["aggregate", str(path), "--format", "json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout.removeprefix("\ufeff"))
    assert data["year"] == 2017 and data["total"] == {"count": 1, "amount": "12.5"}
    assert data["by_jurisdiction"][0]["jurisdiction"] == "昌吉市"


def test_template_without_county_keeps_the_columns_blank(tmp_path):
    import openpyxl

    path = tmp_path / "模板.xlsx"
    assert runner.invoke(app, ["template", "-o", str(path), "--rows", "10"]).exit_code == 0
    wb = openpyxl.load_workbook(path)
    assert all(c.value is None for c in wb["项目明细"]["B"][3:])
    assert "预先填好" not in "\n".join(str(c.value) for c in wb["填报说明"]["A"])


# ---- CSV for people -----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["catalogue", "--format", "csv"], ["profile", "--format", "csv"],
                                  ["aggregate", "{sample}", "--year", "2016", "--format", "csv"],
                                  ["publish", "{sample}", "--year", "2016", "--format", "csv"]])
def test_csv_on_stdout_has_the_bom_unless_gps_no_bom(args, sample_dir, monkeypatch):
    argv = [a.format(sample=sample_dir) for a in args]
    r = runner.invoke(app, argv)
    assert r.exit_code == 0, r.output
    assert r.stdout_bytes.startswith(BOM) and not r.stdout_bytes.startswith(BOM * 2)
    monkeypatch.setenv("GPS_NO_BOM", "1")
    r = runner.invoke(app, argv)
    assert r.exit_code == 0 and not r.stdout_bytes.startswith(BOM)
    monkeypatch.setenv("GPS_NO_BOM", "0")
    assert runner.invoke(app, argv).stdout_bytes.startswith(BOM)


def test_csv_files_follow_the_same_switch(sample_dir, tmp_path, monkeypatch):
    out = tmp_path / "汇总.csv"
    assert runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(BOM)
    monkeypatch.setenv("GPS_NO_BOM", "1")
    assert runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)]).exit_code == 0
    assert not out.read_bytes().startswith(BOM) and b"16252.68" in out.read_bytes()


# ---- gps profile --format toml --------------------------------------------------------------------

def test_profile_toml_reads_back_identically(tmp_path, monkeypatch):
    from gpscli import profile

    r = runner.invoke(app, ["profile", "--format", "toml"])
    assert r.exit_code == 0, r.output
    (tmp_path / "地区.toml").write_text(r.stdout, encoding="utf-8")
    (tmp_path / "gps.toml").write_text('profile = "地区.toml"\n', encoding="utf-8")
    built_in, read = profile.default(), profile.load(tmp_path / "地区.toml")
    assert (read.name, read.short_name, read.bureau, read.kinds, read.jurisdictions) == (
        built_in.name, built_in.short_name, built_in.bureau, built_in.kinds, built_in.jurisdictions)
    monkeypatch.chdir(tmp_path)  # gps reads it through gps.toml and writes the same file again
    again = runner.invoke(app, ["profile", "--format", "toml"])
    assert again.exit_code == 0 and again.stdout == r.stdout
    js = runner.invoke(app, ["profile", "--format", "json"]).stdout
    monkeypatch.chdir(tmp_path.parent)
    (tmp_path.parent / "gps.toml").unlink(missing_ok=True)
    assert json.loads(js)["jurisdictions"] == json.loads(runner.invoke(app, ["profile", "--format", "json"]).stdout)["jurisdictions"]


def test_profile_toml_of_an_edited_profile_with_quotes(tmp_path):
    from gpscli import profile

    src = tmp_path / "p.toml"
    src.write_text('name = "某州"\n[[kinds]]\nname = "县"\nreport = "group"\n\n'
                   '[[jurisdictions]]\nname = "甲县"\nkind = "县"\naliases = ["甲\\"县\\"", "甲\\\\县"]\n', encoding="utf-8")
    p = profile.load(src)
    (tmp_path / "q.toml").write_text(profile.to_toml(p), encoding="utf-8")
    q = profile.load(tmp_path / "q.toml")
    assert (q.name, q.kinds, q.jurisdictions) == (p.name, p.kinds, p.jurisdictions)


def test_a_mistyped_revoke_names_the_option_typed(tmp_path, monkeypatch):
    ws = _workspace(tmp_path)
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["serve", "--revoke", "奇台"])
    assert r.exit_code == 2, r.output
    said = " ".join(r.stderr.split())
    assert "--revoke「奇台」不在地区名单中,是否应为「奇台县」?可用:" in said.replace(" ", "")
    assert "--jurisdiction" not in said and "?;" not in said
    r = runner.invoke(app, ["history", "--jurisdiction", "火星"])
    assert "?;" not in r.stderr and ";可用" not in r.stderr


def test_a_refused_aggregate_lists_the_warnings_after_the_errors(tmp_path):
    inbox = tmp_path / "inbox"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([project(name="道路保洁", amount=120),
                                                   project(name="绿化养护", amount=3500000)]))
    write_xlsx(inbox / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县", amount="待定")]))
    for asked in (["aggregate", str(inbox)], ["report", "--data", str(inbox), "-o", str(tmp_path / "r.docx")],
                  ["publish", str(inbox)]):
        r = runner.invoke(app, [*asked, "--year", "2016"])
        assert r.exit_code == 1, r.output
        errors, warnings = r.stderr.find("错误(未生成"), r.stderr.find("警告(1 个")
        assert -1 < errors < warnings, r.stderr
        assert "3500000" in r.stderr[warnings:] or "昌吉市" in r.stderr[warnings:]


@pytest.mark.parametrize("command", [["aggregate", "--year", "2016"], ["publish", "--year", "2016"]])
def test_an_output_named_after_a_file_of_the_input_folder_is_refused_as_an_input(tmp_path, monkeypatch, command):
    """Said at once, not "加 --force 覆盖" first and "是输入文件之一" only after --force."""
    monkeypatch.chdir(tmp_path)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_xlsx(inbox / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县")]))
    before = (inbox / "奇台县.xlsx").read_bytes()
    for extra in ([], ["--force"]):
        r = runner.invoke(app, [command[0], "inbox", *command[1:], "--out", "inbox/奇台县.xlsx", *extra])
        assert r.exit_code == 2
        assert "是输入文件之一" in r.output and "--force" not in r.output
    assert (inbox / "奇台县.xlsx").read_bytes() == before


def test_the_reminder_asks_to_report_only_those_with_nothing_and_to_correct_those_with_errors():
    from gpscli.cli.status_cmd import reminders
    from gpscli.ledger.status import ERRORS, MISSING, SUBMITTED, Line, Status
    from gpscli.periods import Period

    st = Status(Period(2017, 4), dt.date(2018, 1, 25), [
        Line("木垒哈萨克自治县", MISSING),
        Line("呼图壁县", SUBMITTED, version=1, rows=5, errors=2, overdue=True),  # a later file has errors
        Line("奇台县", ERRORS, version=1, errors=1),
        Line("昌吉市", SUBMITTED, version=1, rows=9),
    ])
    ask, fix = reminders(st)
    assert ask.startswith("催报通知:请木垒哈萨克自治县尽快报送2017年第四季度") and "呼图壁县" not in ask
    assert fix.startswith("更正通知:呼图壁县、奇台县报送的") and "(报送期限:2018-01-25)" in fix
    assert "昌吉市" not in ask + fix
