"""Every spreadsheet other projects collected to break their readers gets a clean result from gps.

The corpus lives beside the repository (``../shared/corpus/foreign``, see its README) and is not
copied in; the tests skip when it is absent. One run over the whole folder, then assertions.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from gpscli import api

FOREIGN = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "foreign"
REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not FOREIGN.is_dir(), reason=f"foreign corpus not present at {FOREIGN}")

_HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def corpus_run():
    files = sorted(p for p in FOREIGN.iterdir() if p.is_file() and not p.name.startswith("."))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    result = api.load([FOREIGN])
    elapsed = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    by_name = {Path(f.path).name: f for f in result.files}
    codes = Counter()
    for f in result.files:
        found = {i.code for i in f.issues} & {"unreadable-file", "no-table"}
        codes.update(found or {"read"})
    print(f"\nforeign corpus: {len(files)} files in {elapsed:.2f} s; children CPU "
          f"{after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime:.2f} s; "
          f"peak child RSS {after.ru_maxrss / 1024:.0f} MB; {dict(codes)}")
    return files, result, by_name


def test_every_file_has_a_result(corpus_run):
    files, result, by_name = corpus_run
    # Non-spreadsheet names in the folder are listed apart (ignored), never silently dropped.
    ignored = {Path(p).name for p, _why in result.ignored}
    skipped = {Path(i.path).name for i in result.issues if i.path}
    missing = [p.name for p in files if p.name not in by_name and p.name not in ignored | skipped]
    assert not missing
    assert len(by_name) >= 170


def test_no_traceback_anywhere(corpus_run):
    _files, result, _by_name = corpus_run
    for issue in result.all_issues():
        text = f"{issue.message} {issue.hint or ''}"
        assert "Traceback" not in text and "File \"" not in text, (issue.path, text)


def test_unreadable_messages_are_chinese_and_say_why(corpus_run):
    _files, result, _by_name = corpus_run
    for f in result.files:
        for issue in f.issues:
            if issue.code != "unreadable-file":
                continue
            assert _HAN.search(issue.message), (f.path, issue.message)
            reason = issue.message.split(":", 1)[-1]
            assert len(_HAN.findall(reason)) >= 4, (f.path, issue.message)  # a reason, not just a class name
            assert "Cannot detect file format" not in issue.message, (f.path, issue.message)


def test_password_protected_files_say_so(corpus_run):
    _files, _result, by_name = corpus_run
    protected = [n for n in by_name if "pass_protected" in n or n == "calamine__issue_385.xls"]
    assert protected
    for name in protected:
        messages = [i.message for i in by_name[name].issues if i.code == "unreadable-file"]
        assert messages and any(("密码" in m or "加密" in m) for m in messages), (name, messages)


@pytest.mark.parametrize("name, expected", [
    ("xlrd__biff4_no_format_no_window2.xls", "Excel 4.0 等旧格式"),
    ("calamine__pass_protected.ods", "密码"),
    ("calamine__issue_594_dos.ods", "999999999"),
    ("calamine__OOM_alloc3.xls", "OLE"),
])
def test_precise_reasons(corpus_run, name, expected):
    _files, _result, by_name = corpus_run
    if name not in by_name:
        pytest.skip(f"{name} not in this copy of the corpus")
    messages = [i.message for i in by_name[name].issues if i.code == "unreadable-file"]
    assert any(expected in m for m in messages), messages


@pytest.mark.parametrize("name", [
    "calamine__minimal_package.xlsx",  # workbook part at the package root
    "calamine__issue_530.xlsx",  # part names with backslashes
    "calamine__issue_174.xlsx",  # empty styled cells out to XFD1048576: harmless
])
def test_odd_but_valid_packages_are_read(corpus_run, name):
    _files, _result, by_name = corpus_run
    if name not in by_name:
        pytest.skip(f"{name} not in this copy of the corpus")
    f = by_name[name]
    assert not [i for i in f.issues if i.code == "unreadable-file"], [i.message for i in f.issues]
    assert f.sheets, "the sheets were read (even if none holds a project table)"


def test_cli_on_the_corpus():
    cli = REPO / "src" / "gpscli" / "cli"
    if not cli.is_dir():
        pytest.skip("the gps CLI (src/gpscli/cli/) is not there yet")
    gps = Path(sys.executable).with_name("gps")
    cmd = [str(gps)] if gps.exists() else [sys.executable, "-c", "from gpscli.cli import main; main()"]
    env = dict(os.environ, NO_COLOR="1")
    proc = subprocess.run([*cmd, "validate", str(FOREIGN), "--format", "json"], capture_output=True,
                          timeout=300, env=env, cwd=REPO)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr.decode("utf-8", "replace")[-2000:])
    out = json.loads(proc.stdout.decode("utf-8"))
    assert b"Traceback" not in proc.stderr and b"panicked" not in proc.stderr
    assert len(out["files"]) >= 170
