"""Hostile input and faults, second round: bounded work everywhere, nothing echoed raw, nothing read
otherwise than Excel/LibreOffice show it, workers that die with their parent."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import hostile_builders as hb
from builders import HEADER, project, standard_rows, write_csv, write_xlsx
from gpscli import api
from gpscli.cli import app

runner = CliRunner()
GPS = shutil.which("gps", path=os.path.dirname(sys.executable))
ON_LINUX = sys.platform.startswith("linux")


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def codes(res):
    return [(i.code, i.cell) for i in res.all_issues()]


def only_issue(path):
    res = api.load([path])
    issues = res.all_issues()
    assert len(issues) == 1, [i.message for i in issues]
    return issues[0]


def no_internal_error(issue):
    assert "内部错误" not in issue.message and "Error" not in issue.message, issue.message


# ---- bounded work ----------------------------------------------------------------------------

def test_an_annotated_copy_is_made_under_the_reading_limits(tmp_path, monkeypatch):
    (tmp_path / "gps.toml").write_text("[limits]\nseconds = 1\nwall_seconds = 20\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    bad = write_xlsx(tmp_path / "坏.xlsx", standard_rows([project(amount="待定")]))
    monkeypatch.setenv("GPSCLI_TEST_CRASH", "annotate-spin:坏.xlsx")
    t0 = time.monotonic()
    r = invoke("validate", bad, "--annotate", tmp_path / "退回")
    assert time.monotonic() - t0 < 30
    assert r.exit_code == 1  # the data's verdict; the copy's failure is said, not a crash
    assert "无法为" in r.stderr and "生成副本时" in r.stderr and "CPU" in r.stderr
    assert not list((tmp_path / "退回").glob("*.xlsx"))


def test_an_ods_row_repeated_half_a_million_times_is_refused_before_it_is_expanded(tmp_path):
    body = hb.ods_row(list(HEADER)) + hb.ods_row(
        [1, "昌吉市", "昌吉市民政局", "养老服务", "基本公共服务", None, 10, None, None, 2016, None],
        ' table:number-rows-repeated="500000"')
    t0 = time.monotonic()
    issue = only_issue(hb.ods_content(tmp_path / "昌吉市.ods", body))
    assert time.monotonic() - t0 < 20
    assert issue.code == "unreadable-file" and "重复了 500000 次" in issue.message


def test_a_huge_rows_spanned_is_no_internal_error(tmp_path):
    cells = ('<table:table-cell office:value-type="string" table:number-rows-spanned="900000000">'
             "<text:p>昌吉市民政局</text:p></table:table-cell>")
    body = hb.ods_row(list(HEADER)) + (
        f'<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p>'
        f'</table:table-cell><table:table-cell office:value-type="string"><text:p>昌吉市</text:p></table:table-cell>'
        f'{cells}' + hb.ods_row(["养老服务", "基本公共服务", None, 10, None, None, 2016])[len("<table:table-row>"):])
    res = api.load([hb.ods_content(tmp_path / "昌吉市.ods", body)])
    for i in res.all_issues():
        no_internal_error(i)
    assert [r.amount for r in res.valid_records()] == [10]


@pytest.mark.parametrize("body, words", [
    (hb.ods_row(["项目名称", "金额"]) + hb.ods_row(["甲", 1], ' table:number-rows-repeated="0"'), "重复次数为 0"),
    (hb.ods_row(["项目名称", "金额"]) + '<table:table-row><table:table-cell>' + hb.ods_row(["乙", 2])
     + "</table:table-cell></table:table-row>", "嵌着另一行"),
])
def test_ods_rows_that_programs_count_differently_are_refused(tmp_path, body, words):
    issue = only_issue(hb.ods_content(tmp_path / "x.ods", body))
    assert issue.code == "unreadable-file" and words in issue.message


def test_issues_of_one_kind_are_bounded_per_file_and_their_rows_never_counted(tmp_path):
    rows = standard_rows([project(name=f"项目{n}", amount="待定") for n in range(2500)]
                         + [project(name=f"好项目{n}", amount=1) for n in range(10)])
    p = write_csv(tmp_path / "昌吉市.csv", rows)
    r = invoke("validate", p, "--format", "json")
    assert r.exit_code == 1
    issues = json.loads(r.stdout)["files"][0]["issues"]
    assert len(issues) == 1001
    assert issues[-1]["code"] == "invalid-amount" and "另有 1500 个同类问题" in issues[-1]["message"]
    r = invoke("aggregate", p, "--skip-invalid", "--format", "json")
    assert json.loads(r.stdout)["total"] == {"count": 10, "amount": "10"}


@pytest.mark.parametrize("amount", [1e26, 9.99e25, 1e11, 123456789012345.0])
def test_an_absurd_amount_is_an_invalid_amount_at_its_cell_never_an_overflow(tmp_path, amount, monkeypatch):
    p = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(amount=amount), project(name="乙", amount=5)]))
    res = api.load([p])
    assert codes(res) == [("invalid-amount", "G4")] and "超出合理范围" in res.errors[0].message
    r = invoke("aggregate", p, "--skip-invalid", "--format", "json")
    assert r.exit_code == 1 and json.loads(r.stdout)["total"] == {"count": 1, "amount": "5"}
    r = invoke("report", "--data", p, "--skip-invalid", "--out", tmp_path / "报告.docx")
    assert r.exit_code == 1 and (tmp_path / "报告.docx").is_file()


# ---- workers die with their parent; SIGTERM is a clean stop ------------------------------------

def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(d.name))
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            state = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(p)
    return alive


def _slow_inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    for n in range(3):
        write_xlsx(inbox / f"县{n}.xlsx", standard_rows([project(name=f"项目{n}")]))
    write_xlsx(inbox / "慢.xlsx", standard_rows([project(name="慢")]))
    return inbox


def _wait_for_children(proc: subprocess.Popen, want: int = 1, timeout: float = 20) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        if len(kids) >= want:
            time.sleep(0.5)
            return _children(proc.pid)
        time.sleep(0.05)
    raise AssertionError("no worker started")


@pytest.mark.skipif(not ON_LINUX, reason="reads /proc")
def test_workers_die_when_the_parent_is_killed(tmp_path):
    inbox = _slow_inbox(tmp_path)
    env = {**os.environ, "GPSCLI_TEST_CRASH": "sleep:慢.xlsx"}
    proc = subprocess.Popen([GPS, "validate", str(inbox)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=tmp_path)
    kids = _wait_for_children(proc)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while _alive(kids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(kids), "reading workers outlived their killed parent"


@pytest.mark.skipif(not ON_LINUX, reason="reads /proc")
def test_sigterm_stops_a_run_cleanly_with_status_143(tmp_path):
    ws = tmp_path / "ws"
    assert invoke("init", ws).exit_code == 0
    for f in _slow_inbox(tmp_path).iterdir():
        shutil.copy(f, ws / "inbox" / f.name)
    env = {**os.environ, "GPSCLI_TEST_CRASH": "sleep:慢.xlsx"}
    proc = subprocess.Popen([GPS, "run", "--period", "2016"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ws, text=True)
    kids = _wait_for_children(proc)
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    assert "已终止" in err and "Traceback" not in err
    time.sleep(0.5)
    assert not _alive(kids)
    from filelock import FileLock

    lock = FileLock(str(ws / ".gps.lock"))
    lock.acquire(timeout=1)  # released
    lock.release()
    # no outputs, no half-made folder; only the summary of the interruption (atomically written)
    assert [p.name for p in (ws / "output").iterdir()] == ["2016"]
    assert sorted(p.name for p in (ws / "output" / "2016").iterdir()) == [".gps-outputs.json", "运行摘要.json"]
    summary = json.loads((ws / "output" / "2016" / "运行摘要.json").read_text(encoding="utf-8"))
    assert (summary["status"], summary["interrupted_by"], summary["exit_status"]) == ("interrupted", "SIGTERM", 143)
    assert summary["outputs"] == [] and summary["previous_run"] is None
    assert "运行摘要.json 记下了这次中断" in err


# ---- a full disk ------------------------------------------------------------------------------

@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE")
def test_a_full_disk_is_exit_2_naming_the_file_and_leaves_nothing(tmp_path, sample_dir):
    import resource

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))

    target = tmp_path / "汇总表.xlsx"
    r = subprocess.run([GPS, "aggregate", str(sample_dir), "--year", "2016", "--out", str(target)],
                       capture_output=True, text=True, preexec_fn=small_files, timeout=120, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "汇总表.xlsx" in r.stderr and "无法写入" in r.stderr
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr
    assert not target.exists() and not list(tmp_path.glob(".*.tmp"))


# ---- nothing echoed raw -----------------------------------------------------------------------

ANSI = "\x1b[2J\x1b]0;pwned\x07"


def test_control_characters_from_a_file_never_reach_the_terminal_or_the_log(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox"
    rows = standard_rows([project(name=f"清扫{ANSI}", amount=f"{ANSI}5"), project(name="b\u202eexe.txt", amount="\u202e5")])
    name = "evil\x1b[31m\nfake.csv"
    write_csv(inbox / name, rows)
    log = tmp_path / "gps.log"
    env = {**os.environ, "NO_COLOR": "1"}
    for args in (["validate", str(inbox)], ["-v", "validate", str(inbox)], ["--log", str(log), "aggregate", str(inbox)]):
        r = subprocess.run([GPS, *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)
        assert r.returncode in (0, 1, 2) and "Traceback" not in r.stderr, r.stderr
        for text in (r.stdout, r.stderr):
            assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
        if "validate" in args:
            assert "␛" in r.stdout + r.stderr
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines and all(re.match(r"^\d{4}-\d\d-\d\dT", line) for line in lines)  # no forged line
    assert "\x1b" not in log.read_text(encoding="utf-8")
    ws = tmp_path / "ws"
    assert invoke("init", ws).exit_code == 0
    shutil.copy(inbox / name, ws / "inbox" / name)
    r = subprocess.run([GPS, "-v", "--log", str(log), "run", "--period", "2016"], capture_output=True, text=True,
                       cwd=ws, env=env, timeout=120)
    assert r.returncode == 1 and "\x1b" not in r.stdout + r.stderr and "␛" in r.stderr
    assert "\x1b" not in log.read_text(encoding="utf-8")
    r = subprocess.run([GPS, "validate", str(inbox), "--format", "json"], capture_output=True, text=True, env=env)
    assert "\u202e" not in r.stdout and "\\u202e" in r.stdout
    assert json.loads(r.stdout)["files"][0]["issues"]  # still the same JSON values


def test_the_issue_list_of_an_annotated_copy_holds_no_live_formula_and_no_control_character(tmp_path):
    p = tmp_path / "昌吉市.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = '=HYPERLINK("x.invalid","点")'
    for row in standard_rows([project(amount="待定")]):
        ws.append(row)
    wb.save(p)
    assert invoke("validate", p, "--annotate", tmp_path / "退回").exit_code == 1
    copy = openpyxl.load_workbook(tmp_path / "退回" / "昌吉市-问题标注.xlsx")["问题清单"]
    location = copy["B2"]
    assert location.data_type == "s" and location.value.startswith("'=HYPERLINK")

    csv = write_csv(tmp_path / "奇台县.csv", standard_rows([project(jurisdiction="奇台县", name="道路\x07清扫",
                                                                   amount="\x1b待定")]))
    r = invoke("validate", csv, "--annotate", tmp_path / "退回")
    assert r.exit_code == 1 and "无法为" not in r.stderr
    assert (tmp_path / "退回" / "奇台县-问题标注.xlsx").is_file()


# ---- nothing read differently from Excel ------------------------------------------------------

def _sheet(src: Path, tmp_path: Path, change) -> Path:
    return hb.rezip(src, tmp_path / "改.xlsx", "xl/worksheets/sheet1.xml", change)


@pytest.fixture
def shared_strings_workbook(tmp_path):
    """A workbook written with shared strings (t="s") and a number in G4, as Excel writes it."""
    p = hb.shared_strings_xlsx(tmp_path / "原.xlsx", standard_rows([project(amount=1200)]))
    import zipfile

    sheet = zipfile.ZipFile(p).read("xl/worksheets/sheet1.xml")
    assert b't="s"' in sheet and b"<v>1200</v>" in sheet
    return p


@pytest.mark.parametrize("change, words", [
    (lambda d: d.replace(b"<v>1200</v>", b"<v>12<!--x-->00</v>"), "G4 的数值中夹有 XML 注释"),
    (lambda d: d.replace(b"<v>1200</v>", b"<v>1200</v><is><t>9999</t></is>"), "G4 同时有数值和文字两个值"),
    (lambda d: re.sub(rb'(<c r="D4" t="s"><v>)\d+', rb"\1abc", d), "D4 引用的共享文字编号无效"),
    (lambda d: re.sub(rb'(<c r="D4" t="s"><v>)\d+', rb"\1-1", d), "D4 引用的共享文字编号无效"),
    (lambda d: re.sub(rb'(<c r="D4" t="s"><v>)\d+', rb"\g<1>1e3", d), "D4 引用的共享文字编号无效"),
])
def test_a_cell_read_otherwise_than_excel_shows_it_is_named(shared_strings_workbook, tmp_path, change, words):
    issue = only_issue(_sheet(shared_strings_workbook, tmp_path, change))
    assert issue.code == "unreadable-file" and words in issue.message


def test_a_number_with_spaces_around_it_is_read_as_excel_reads_it(shared_strings_workbook, tmp_path):
    p = _sheet(shared_strings_workbook, tmp_path, lambda d: d.replace(b"<v>1200</v>", b"<v> 1200 </v>"))
    res = api.load([p])
    assert codes(res) == [] and [r.amount for r in res.valid_records()] == [1200]


def test_a_visible_sheet_named_like_instructions_with_projects_is_read(tmp_path):
    rows = standard_rows([project(name="补报项目", amount=88)])
    p = write_xlsx(tmp_path / "昌吉市.xlsx", [["填报说明:金额以万元为单位"]], sheet="填报说明",
                   extra_sheets={"追加项目(补报说明)": rows})
    res = api.load([p])
    assert codes(res) == [] and [r.amount for r in res.valid_records()] == [88]


def test_a_hidden_sheet_with_projects_is_named_in_a_warning(tmp_path):
    p = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(name="甲", amount=1)]),
                   extra_sheets={"旧表": standard_rows([project(name="乙", amount=2)])}, hidden=["旧表"])
    res = api.load([p])
    assert [(i.code, i.sheet) for i in res.all_issues()] == [("hidden-sheet", "旧表")]
    assert [r.amount for r in res.valid_records()] == [1]


@pytest.mark.parametrize("sep", ["\x0c", "\x1c", "\x85", "\u2028", "\x0b"])
def test_a_csv_whose_lines_are_not_understood_says_so(tmp_path, sep):
    p = tmp_path / "昌吉市.csv"
    lines = [",".join(str(v or "") for v in row) for row in standard_rows([project(), project(name="乙")])]
    p.write_text(sep.join(lines), encoding="utf-8")
    issue = only_issue(p)
    assert issue.code == "unreadable-file" and "行分隔符" in issue.message
    no_internal_error(issue)


def test_utf16_that_is_not_utf16_is_unreadable_naming_the_encoding(tmp_path):
    p = tmp_path / "昌吉市.csv"
    p.write_bytes(b"\xff\xfe" + "项目名称,金额\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    issue = only_issue(p)
    assert issue.code == "unreadable-file" and "UTF-16" in issue.message
    no_internal_error(issue)


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_a_link_out_of_the_inbox_is_skipped_unless_named(tmp_path):
    outside = write_csv(tmp_path / "别处" / "秘密.csv", standard_rows([project(name="不该读", amount=7)]))
    inbox = tmp_path / "inbox"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([project(amount=1)]))
    (inbox / "秘密.csv").symlink_to(outside)
    (inbox / "passwd").symlink_to("/etc/passwd")
    res = api.load([inbox])
    skipped = sorted(Path(i.path).name for i in res.all_issues() if i.code == "skipped-file")
    assert skipped == ["passwd", "秘密.csv"]
    assert [r.amount for r in res.valid_records()] == [1]
    assert invoke("validate", inbox, "--annotate", tmp_path / "退回").exit_code == 0
    assert not (tmp_path / "退回").exists() or not list((tmp_path / "退回").iterdir())
    named = api.load([inbox / "秘密.csv"])  # given on the command line: read
    assert [r.amount for r in named.valid_records()] == [7]


def test_a_zip_with_a_flipped_version_byte_names_the_reason(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    data = bytearray(p.read_bytes())
    at = data.find(b"PK\x01\x02")
    data[at + 6] = 0x63
    p.write_bytes(bytes(data))
    issue = only_issue(p)
    assert issue.code == "unreadable-file" and "版本" in issue.message
    no_internal_error(issue)
