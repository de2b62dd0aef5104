"""gps never destroys what it did not write or what a person edited, and says so in Chinese
(exit 2) when it cannot write."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_xls, write_xlsx
from gpscli.cli import app

runner = CliRunner()
REPORT = "2016年政府购买服务工作进展情况报告.docx"
TABLE = "2016年政府购买服务项目汇总表.xlsx"
TABLE_JSON = "2016年政府购买服务项目汇总.json"


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def workspace(tmp_path, sample_dir):
    ws = tmp_path / "工作区"
    assert invoke("init", ws).exit_code == 0
    for f in sample_dir.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    return ws


def summary_of(out):
    return json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))


def test_a_second_run_keeps_a_persons_files_and_an_edited_draft(tmp_path, sample_dir, monkeypatch):
    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    assert invoke("run", "--period", "2016Q4").exit_code == 0
    out = ws / "output" / "2016Q4"
    memo = out / "局长批示.docx"
    memo.write_bytes(b"the director's note")
    edited = out / "报告(科长修改稿).docx"
    edited.write_bytes(b"the section chief's version")
    draft = out / REPORT
    draft.write_bytes(draft.read_bytes() + b"edited in Word")  # a person changed gps's draft
    draft_bytes = draft.read_bytes()
    os.makedirs(out / "我的文件夹")
    (out / "我的文件夹" / "笔记.txt").write_text("笔记", encoding="utf-8")

    r = invoke("run", "--period", "2016Q4")
    assert r.exit_code == 0, r.output
    assert memo.read_bytes() == b"the director's note"
    assert edited.read_bytes() == b"the section chief's version"
    assert draft.read_bytes() == draft_bytes
    assert (out / "我的文件夹" / "笔记.txt").read_text(encoding="utf-8") == "笔记"
    new_draft = out / "2016年政府购买服务工作进展情况报告(2).docx"
    assert new_draft.is_file()
    s = summary_of(out)
    assert str(new_draft) in s["outputs"] and str(draft) not in s["outputs"]
    assert any("已保留" in m and "(2).docx" in m for m in s["messages"])
    assert sorted(s["kept"]) == sorted(str(p) for p in (memo, edited, draft, out / "我的文件夹" / "笔记.txt"))
    # gps's own outputs of the first run were replaced, not doubled
    assert sorted(p.name for p in out.glob("*汇总表*.xlsx")) == [TABLE]


def test_a_failed_run_keeps_the_last_good_outputs(tmp_path, sample_dir, monkeypatch):
    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    assert invoke("run", "--period", "2016").exit_code == 0
    out = ws / "output" / "2016"
    good = {name: (out / name).read_bytes() for name in (TABLE, TABLE_JSON, REPORT)}

    template = ws / "templates" / "report.docx"
    working = template.read_bytes()
    template.write_bytes(b"not a docx any more")  # the report step fails; the tables do not
    assert invoke("run", "--period", "2016").exit_code == 1
    assert (out / TABLE).read_bytes() != b"" and not (out / REPORT).exists()
    assert (out / "上次成功" / REPORT).read_bytes() == good[REPORT]
    s = summary_of(out)
    assert s["exit_status"] == 1
    assert s["last_good"] == [str(out / "上次成功" / REPORT)]
    assert str(out / "校验结果.json") in s["outputs"] and not any("上次成功" in p for p in s["outputs"])

    # A second failure still has it; a good run replaces it.
    assert invoke("run", "--period", "2016").exit_code == 1
    assert (out / "上次成功" / REPORT).read_bytes() == good[REPORT]
    template.write_bytes(working)
    assert invoke("run", "--period", "2016").exit_code == 0
    assert (out / REPORT).is_file() and not (out / "上次成功").exists()


def test_the_next_run_clears_what_a_killed_run_left(tmp_path, sample_dir, monkeypatch):
    ws = workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    assert invoke("run", "--period", "2016", "--no-report").exit_code == 0
    out = ws / "output" / "2016"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # What a run killed while writing leaves: its staging folder, a temporary file inside it.
    stale = ws / "output" / ".2016.gps-new-0123456789ab"
    stale.mkdir()
    (stale / ".运行摘要.json.x1y2.tmp").write_bytes(b"half")
    (stale / ".gps-outputs.json").write_text("{}", encoding="utf-8")
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # one generation
    assert invoke("run", "--period", "2016", "--no-report").exit_code == 0
    assert not stale.exists()
    assert [p.name for p in (ws / "output").iterdir()] == ["2016"]


def test_report_never_overwrites_an_edited_draft(tmp_path, sample_dir):
    out = tmp_path / "out"
    args = ["report", "--year", "2016", "--data", sample_dir, "--out"]
    assert invoke(*args, out / REPORT).exit_code == 0
    assert invoke(*args, out / REPORT).exit_code == 0  # its own, unchanged: replaced
    (out / REPORT).write_bytes(b"edited")
    r = invoke(*args, out / REPORT)
    assert r.exit_code == 2 and "--force" in r.stderr and REPORT in r.stderr
    assert (out / REPORT).read_bytes() == b"edited"
    assert invoke(*args, out / REPORT, "--force").exit_code == 0
    assert (out / REPORT).read_bytes() != b"edited"


def test_report_to_the_default_place_writes_beside_an_edited_draft(tmp_path, sample_dir, monkeypatch):
    (tmp_path / "gps.toml").write_text(f'data = ["{sample_dir.as_posix()}"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert invoke("report", "--year", "2016").exit_code == 0
    (tmp_path / "output" / REPORT).write_bytes(b"edited")
    r = invoke("report", "--year", "2016")
    assert r.exit_code == 0, r.output
    second = tmp_path / "output" / "2016年政府购买服务工作进展情况报告(2).docx"
    assert r.stdout.strip() == str(second) and second.is_file()
    assert "另存为" in r.stderr
    assert (tmp_path / "output" / REPORT).read_bytes() == b"edited"


def test_aggregate_out_refuses_a_file_it_did_not_write(tmp_path, sample_dir):
    target = tmp_path / "汇总表.xlsx"
    target.write_bytes(b"somebody's workbook")
    r = invoke("aggregate", sample_dir, "--year", "2016", "--out", target)
    assert r.exit_code == 2 and "--force" in r.stderr
    assert target.read_bytes() == b"somebody's workbook"
    assert invoke("aggregate", sample_dir, "--year", "2016", "--out", target, "--force").exit_code == 0
    assert invoke("aggregate", sample_dir, "--year", "2016", "--out", target).exit_code == 0  # now gps's own


def unwritable_cases(tmp_path, sample_dir):
    blocker = tmp_path / "不是文件夹.txt"
    blocker.write_text("a file where a folder is expected", encoding="utf-8")
    bad = blocker / "子目录"
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "gps.toml").write_text(f'data = ["{sample_dir.as_posix()}"]\noutput = "{bad.as_posix()}"\n',
                                 encoding="utf-8")
    return bad, ws, [
        (["aggregate", sample_dir, "--year", "2016", "--out", bad / "汇总.xlsx"], None),
        (["aggregate", sample_dir, "--year", "2016", "--out", bad / "汇总.json"], None),
        (["report", "--year", "2016", "--data", sample_dir, "--out", bad / REPORT], None),
        (["template", "-o", bad / "模板.xlsx"], None),
        (["init", bad / "工作区"], None),
        (["validate", sample_dir / "奇台县.xlsx", "--annotate", bad], "annotate"),
        (["run", "--period", "2016"], ws),
        (["report", "--year", "2016"], ws),
    ]


def test_every_command_that_writes_says_which_file_cannot_be_written(tmp_path, sample_dir, monkeypatch):
    bad, ws, cases = unwritable_cases(tmp_path, sample_dir)
    broken = tmp_path / "坏.xlsx"  # a file with an issue, so that --annotate has something to write
    write_xlsx(broken, standard_rows([project(amount="待定")]))
    for args, how in cases:
        if how == "annotate":
            args = ["validate", broken, "--annotate", bad]
        if how is ws:
            monkeypatch.chdir(ws)
        else:
            monkeypatch.chdir(tmp_path)
        r = invoke(*args)
        assert r.exit_code == 2, (args, r.output)
        assert "不是文件夹" in r.stderr and "不是文件夹.txt" in r.stderr, (args, r.stderr)
        assert "内部错误" not in r.stderr and "Error" not in r.stderr, (args, r.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["不是文件夹.txt", "ws", "坏.xlsx"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_folder_is_a_usage_error_naming_the_file(tmp_path, sample_dir):
    ro = tmp_path / "只读"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        r = invoke("aggregate", sample_dir, "--year", "2016", "--out", ro / "汇总.xlsx")
        assert r.exit_code == 2 and "没有写入权限" in r.stderr and "汇总.xlsx" in r.stderr
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)


def test_a_full_disk_is_a_usage_error_and_leaves_nothing(tmp_path, sample_dir, monkeypatch):
    import errno

    from gpscli.outputs import atomic

    real = atomic.os.fsync

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full)
    target = tmp_path / "汇总.xlsx"
    r = invoke("aggregate", sample_dir, "--year", "2016", "--out", target)
    monkeypatch.setattr(atomic.os, "fsync", real)
    assert r.exit_code == 2 and "磁盘空间已满" in r.stderr and "汇总.xlsx" in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_annotated_copies_of_files_with_one_name_do_not_overwrite_each_other(tmp_path):
    inbox = tmp_path / "收件箱"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([project(amount="待定")]))
    write_xls(inbox / "昌吉市.xls", standard_rows([project(name="另一个项目", amount="待定")]))
    write_xlsx(inbox / "甲" / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县", amount="一百")]))
    write_xlsx(inbox / "乙" / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县", name="乙", amount="二百")]))
    out = tmp_path / "退回"
    r = invoke("validate", inbox, "--annotate", out)
    assert r.exit_code == 1
    assert sorted(p.name for p in out.glob("*.xlsx")) == [
        "奇台县(乙)-问题标注.xlsx", "奇台县(甲)-问题标注.xlsx", "昌吉市(xls)-问题标注.xlsx", "昌吉市(xlsx)-问题标注.xlsx"]
    import openpyxl

    values = {p.name: openpyxl.load_workbook(p)["项目明细"]["G4"].value for p in out.glob("*.xlsx")}
    assert values == {"奇台县(乙)-问题标注.xlsx": "二百", "奇台县(甲)-问题标注.xlsx": "一百",
                      "昌吉市(xls)-问题标注.xlsx": "待定", "昌吉市(xlsx)-问题标注.xlsx": "待定"}
    # A copy a person edited in the return folder is not overwritten by the next round.
    edited = out / "昌吉市(xlsx)-问题标注.xlsx"
    edited.write_bytes(edited.read_bytes() + b" ")
    kept = edited.read_bytes()
    assert invoke("validate", inbox, "--annotate", out).exit_code == 1
    assert edited.read_bytes() == kept
    assert (out / "昌吉市(xlsx)-问题标注(2).xlsx").is_file()


def test_a_corrected_copy_sent_back_under_the_countys_name_is_read(tmp_path):
    import openpyxl

    first = tmp_path / "第一轮"
    write_xlsx(first / "奇台县.xlsx", standard_rows([project(jurisdiction="奇台县", amount="待定")]))
    assert invoke("validate", first, "--annotate", tmp_path / "退回").exit_code == 1
    copy = tmp_path / "退回" / "奇台县-问题标注.xlsx"

    back = tmp_path / "收件箱"
    back.mkdir()
    shutil.copy(copy, back / "奇台县.xlsx")  # sent back unchanged, under the county's own name
    data = json.loads(invoke("validate", back, "--format", "json").stdout)
    assert [i["code"] for i in data["files"][0]["issues"]] == ["skipped-file"]
    assert data["files"][0]["rows"] == 0

    wb = openpyxl.load_workbook(copy)
    wb["项目明细"]["G4"] = 746
    wb.save(back / "奇台县.xlsx")  # corrected in the copy and sent back
    r = invoke("aggregate", back, "--year", "2016", "--format", "json")
    assert r.exit_code == 0, r.output
    agg = json.loads(r.stdout)
    assert agg["total"] == {"count": 1, "amount": "746"}
    assert [s["status"] for s in agg["submissions"] if s["jurisdiction"] == "奇台县"] == ["已报送"]


def test_a_file_held_open_in_excel_is_a_usage_error_and_the_old_file_stays(tmp_path, sample_dir, monkeypatch):
    """On Windows a workbook open in Excel/WPS cannot be replaced (the rename fails with a sharing
    violation, PermissionError): simulated here, where files are never locked."""
    import errno

    from gpscli.outputs import atomic

    target = tmp_path / "汇总表.xlsx"
    assert invoke("aggregate", sample_dir, "--year", "2016", "--out", target).exit_code == 0
    before = target.read_bytes()
    real = atomic.os.replace

    def locked(src, dst):
        if str(dst) == str(target):
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
        return real(src, dst)

    monkeypatch.setattr(atomic.os, "replace", locked)
    r = invoke("aggregate", sample_dir, "--year", "2016", "--out", target)
    assert r.exit_code == 2
    assert "汇总表.xlsx" in r.stderr and "正被 Excel/WPS/Word 打开" in r.stderr
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gps-outputs.json", "汇总表.xlsx"]  # no temporary file
    monkeypatch.setattr(atomic.os, "replace", real)
    assert invoke("aggregate", sample_dir, "--year", "2016", "--out", target).exit_code == 0  # still gps's own
