"""Unattended use: gps init, gps run, the lock, exit statuses, atomic outputs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from gpscli.cli import app
from gpscli.outputs import atomic

runner = CliRunner()


def workspace(tmp_path, sample_dir):
    ws = tmp_path / "工作区"
    r = runner.invoke(app, ["init", str(ws)])
    assert r.exit_code == 0, r.output
    for f in sample_dir.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    return ws


def test_init_creates_a_ready_workspace_and_keeps_existing_files(tmp_path):
    ws = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    for p in ("gps.toml", "inbox", "output", "templates/政府购买服务项目填报模板.xlsx", "templates/report.docx",
              "narrative/示例.md"):
        assert (ws / p).exists(), p
    (ws / "gps.toml").write_text('data = ["inbox"]\n# mine\n', encoding="utf-8")
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    assert "# mine" in (ws / "gps.toml").read_text(encoding="utf-8")


def test_run_writes_the_period_folder_and_a_summary(tmp_path, sample_dir, monkeypatch):
    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["run", "--period", "2016Q4", "--no-report"])
    assert r.exit_code == 0, r.output
    out = ws / "output" / "2016Q4"
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    assert summary["ok"] is True and summary["exit_status"] == 0
    assert (summary["files"], summary["new_versions"], summary["rows"], summary["errors"]) == (12, 12, 55, 0)
    agg = json.loads((out / "2016年政府购买服务项目汇总.json").read_text(encoding="utf-8"))
    assert agg["total"] == {"count": 55, "amount": "16252.68"}
    assert (out / "2016年政府购买服务项目汇总表.xlsx").exists()
    assert json.loads((out / "校验结果.json").read_text(encoding="utf-8"))["ok"] is True


def test_run_with_bad_data_exits_1_annotates_and_sums_the_rest(tmp_path, sample_dir, monkeypatch):
    ws = workspace(tmp_path, sample_dir)
    write_xlsx(ws / "inbox" / "坏表.xlsx", standard_rows([project(name="新项目", amount="待定")]))
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["run", "--period", "2016", "--no-report"])
    assert r.exit_code == 1
    out = ws / "output" / "2016"
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    assert summary["errors"] == 1 and summary["exit_status"] == 1
    assert summary["problems"][0]["code"] == "invalid-amount"
    assert (out / "问题标注" / "坏表-问题标注.xlsx").exists()
    # the file with errors is recorded in the ledger but is no jurisdiction's current version
    agg = json.loads((out / "2016年政府购买服务项目汇总.json").read_text(encoding="utf-8"))
    assert agg["total"] == {"count": 55, "amount": "16252.68"}


def test_run_outside_a_workspace_is_a_usage_error():
    r = runner.invoke(app, ["run", "--period", "2016Q4"])
    assert r.exit_code == 2
    assert "gps init" in r.stderr


@pytest.mark.parametrize("bad", ["2016Q5", "去年", "16Q4"])
def test_bad_period_is_a_usage_error(tmp_path, sample_dir, monkeypatch, bad):
    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    assert runner.invoke(app, ["run", "--period", bad]).exit_code == 2


def test_a_second_run_waits_then_gives_up_clearly(tmp_path, sample_dir, monkeypatch):
    from filelock import FileLock

    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    held = FileLock(str(ws / ".gps.lock"))
    held.acquire()
    try:
        # filelock is re-entrant within a thread; hold it in another thread like another process would.
        result = {}
        t = threading.Thread(target=lambda: result.setdefault("r", runner.invoke(app, ["run", "--period", "2016", "--wait", "0.2"])))
        held.release()
        other = subprocess.Popen([sys.executable, "-c",
                                  "import filelock,time,sys; l=filelock.FileLock(sys.argv[1]); l.acquire(); print('x', flush=True); time.sleep(5)",
                                  str(ws / ".gps.lock")], stdout=subprocess.PIPE)
        assert other.stdout.readline().strip() == b"x"
        t.start()
        t.join()
        other.kill()
    finally:
        if held.is_locked:
            held.release()
    r = result["r"]
    assert r.exit_code == 1
    assert "另一个 gps 任务" in r.stderr


def test_unexpected_exception_is_exit_3_with_one_chinese_line(tmp_path, monkeypatch):
    import gpscli.api

    def boom(*a, **k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(gpscli.api, "load", boom)
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 3
    assert "内部错误(除以零)" in r.stderr and "--debug" in r.stderr
    assert "供维护者参考:ZeroDivisionError: division by zero" in r.stderr
    assert "Traceback" not in r.output
    r = runner.invoke(app, ["--debug", "validate", str(p)])
    assert isinstance(r.exception, ZeroDivisionError)


def test_interrupted_write_leaves_the_previous_file(tmp_path):
    target = tmp_path / "汇总.json"
    target.write_text("旧内容", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt):
        with atomic.atomic_open(target, "wb", force=True) as fh:
            fh.write(b"half of the new")
            raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "旧内容"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["汇总.json"]


def test_output_over_an_input_is_refused(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    before = p.read_bytes()
    r = runner.invoke(app, ["aggregate", str(p), "--out", str(p.with_suffix(".json")), "--out", str(p)])
    assert r.exit_code == 2
    assert "输入文件" in r.stderr
    assert p.read_bytes() == before


def test_real_entry_point_help_is_chinese_and_fast():
    exe = shutil.which("gps", path=os.path.dirname(sys.executable))
    assert exe, "the gps console script is installed beside the interpreter"
    r = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0
    assert "政府购买服务" in r.stdout and "validate" in r.stdout
    r = subprocess.run([exe, "validate", "--no-such-option"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 2 and "用法错误" in r.stderr


@pytest.mark.parametrize("args, words", [
    (["aggregate", ".", "--year", "二〇一六"], ["应为整数(如 2016)", "gps aggregate --help"]),
    (["aggregate", ".", "--by"], ["选项 '--by' 需要一个值", "gps aggregate --help"]),
])
def test_usage_errors_are_chinese_and_name_the_subcommand(tmp_path, args, words):
    exe = shutil.which("gps", path=os.path.dirname(sys.executable))
    r = subprocess.run([exe, *args], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert r.returncode == 2
    assert all(w in r.stderr for w in words), r.stderr
    assert "Input should" not in r.stderr and "Option" not in r.stderr


def test_limits_come_from_gps_toml(tmp_path):
    from gpscli import config

    f = tmp_path / "gps.toml"
    f.write_text('data = ["inbox"]\n[limits]\nmax_rows = 5000\nmax_uncompressed_mb = 20\nwall_seconds = 30\n'
                 'suspicious_amount = 5000\nworkers = 1\n', encoding="utf-8")
    cfg = config.load(f)
    assert (cfg.limits.max_rows, cfg.limits.max_uncompressed_bytes, cfg.limits.wall) == (5000, 20 * 1048576, 30)
    assert str(cfg.suspicious_amount) == "5000" and cfg.workers == 1
    assert cfg.data == [tmp_path / "inbox"]


def test_broken_gps_toml_is_a_usage_error(tmp_path, monkeypatch):
    (tmp_path / "gps.toml").write_text("data = [unclosed\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["aggregate"])
    assert r.exit_code == 2
    assert "gps.toml" in r.stderr


@pytest.mark.parametrize("toml,said", [
    ('negativelist = "禁止事项.csv"\n', "不认识的项「negativelist」;是否应为「negative_list」?"),
    ('[limits]\nworker = 2\n', "[limits] 中有不认识的项「worker」;是否应为「workers」?"),
    ('[deadlines]\nquarterdays = 25\n', "[deadlines] 中有不认识的项「quarterdays」;是否应为「quarter_days」?"),
])
def test_a_misspelt_setting_is_refused_not_ignored(tmp_path, monkeypatch, toml, said):
    (tmp_path / "gps.toml").write_text(toml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["aggregate"])
    assert r.exit_code == 2
    assert said in r.stderr


def test_unwritable_log_is_a_warning_not_a_crash(tmp_path):
    exe = shutil.which("gps", path=os.path.dirname(sys.executable))
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    r = subprocess.run([exe, "--log", str(tmp_path / "没有这个目录" / "gps.log"), "validate", str(p)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "无法写入日志文件" in r.stderr


def test_run_drafts_the_report_too(tmp_path, sample_dir, monkeypatch):
    import docx

    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    r = runner.invoke(app, ["run", "--period", "2016Q4"])
    assert r.exit_code == 0, r.output
    out = ws / "output" / "2016Q4"
    reports = list(out.glob("*.docx"))
    assert [p.name for p in reports] == ["2016年政府购买服务工作进展情况报告.docx"]
    text = "\n".join(p.text for p in docx.Document(reports[0]).paragraphs)
    assert "55项" in text and "16252.68万元" in text
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    assert str(reports[0]) in summary["outputs"]
