"""The README's examples, run as written: the typical session (its output lines as shown), the JSON
example on sample_data, and the scheduled tasks (cron and Windows schtasks lines: their syntax, the
command they run, and that --period auto picks the quarter the schedule is meant for)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_xlsx
from conftest import ROOT, SAMPLE
from gpscli import periods
from gpscli.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
runner = CliRunner()


def _blocks(heading: str) -> list[str]:
    """The code blocks of the README section under ``heading`` (up to the next heading of that level)."""
    level = heading.split(" ")[0]
    start = README.index(heading + "\n")
    end = README.find("\n" + level + " ", start + len(heading))
    return re.findall(r"```\n(.*?)```", README[start:end if end > 0 else None], re.S)


def _session(block: str) -> list[tuple[str, list[str]]]:
    """(command line, the output lines shown under it) for each ``$ `` line."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return steps


def _gps(line: str) -> list[str]:
    words = shlex.split(line, comments=True)
    assert words[0] == "gps", line
    return words[1:]


def _rows(text: str) -> list[tuple[str, ...]]:
    """A rich table's rows as the text of their cells, lines of a wrapped cell joined (so that the
    comparison does not depend on where a cell wraps)."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        if "│" not in line:
            continue
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if cells[0] or not rows:
            rows.append(cells)
        else:
            rows[-1] = [a + b for a, b in zip(rows[-1], cells, strict=True)]
    return [tuple(r) for r in rows]


def _fukang_late(path: Path, fixed: bool) -> None:
    """阜康市's late submission of the README: 待定 in G4 and a mistyped category in E5 (or corrected)."""
    write_xlsx(path, standard_rows([
        project(jurisdiction="阜康市", name="社区养老服务", amount=30 if fixed else "待定"),
        project(jurisdiction="阜康市", name="公共文化服务", category="基本公共服务" if fixed else "基本公共服",
                subcategory="公共文化", amount=12.5),
    ], title="阜康市2016年政府购买服务项目情况表", unit_line="填报单位:阜康市财政局    单位:万元"))


def test_the_typical_session_runs_and_prints_what_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    block = _blocks("## 一次典型的使用")[0]
    steps = _session(block)
    init, cd = steps[0][0].split("&&")
    assert runner.invoke(app, _gps(init)).exit_code == 0
    monkeypatch.chdir(tmp_path / shlex.split(cd)[1])
    for f in SAMPLE.glob("*.xlsx"):  # what the counties sent
        shutil.copy(f, Path("inbox") / f.name)
    _fukang_late(Path("inbox/阜康市-补报.xlsx"), fixed=False)
    statuses, rows_compared = [], 0
    for line, shown in steps[1:]:
        if "县里改好重报" in line:
            _fukang_late(Path("inbox/阜康市-补报.xlsx"), fixed=True)
        r = runner.invoke(app, _gps(line))
        statuses.append(r.exit_code)
        out = r.stdout
        table = "\n".join(ln for ln in shown if "│" in ln)
        assert set(_rows(table)) <= set(_rows(out)), (line, out)
        rows_compared += len(_rows(table))
        for expected in shown:
            if expected.strip() and not expected.startswith(("┏", "┃", "┡", "└", "│", "……")):
                assert expected in out.splitlines(), (line, expected, out)
    assert rows_compared == 2  # the README's two problems, G4 and E5, as printed
    assert statuses == [0, 1, 1, 0, 0]  # template; validate (errors); the annotated copy; aggregate; report
    assert Path("昌吉市填报模板.xlsx").is_file() and Path("退回/阜康市-补报-问题标注.xlsx").is_file()
    summary = json.loads(Path("汇总.json").read_text(encoding="utf-8"))
    assert summary["total"] == {"count": 57, "amount": "16295.18"}  # 55 + 阜康市's 2 late projects (30 + 12.5)
    assert Path("汇总表.xlsx").is_file()
    assert list(Path("output").glob("2016年*报告.docx"))


def test_the_json_example_on_sample_data(monkeypatch):
    monkeypatch.chdir(ROOT)
    block = next(b for b in _blocks("## 一次典型的使用") if "--format json" in b)
    ((line, shown),) = _session(block)
    r = runner.invoke(app, _gps(line))
    assert r.exit_code == 0
    printed = json.loads(r.stdout)
    readme = json.loads("\n".join(shown).replace("[...]", "null"))
    for key, value in readme.items():
        if value is not None:
            assert printed[key] == value, key
    assert set(readme) <= set(printed)


# ---- scheduled tasks ----------------------------------------------------------------------------

def _schedule_lines() -> tuple[str, str]:
    blocks = _blocks("## 定时任务")
    cron = next(ln for b in blocks for ln in b.splitlines() if ln and not ln.startswith("#") and "gps" in ln
                and not ln.startswith("schtasks"))
    schtasks = next(ln for b in blocks for ln in b.splitlines() if ln.startswith("schtasks"))
    return cron, schtasks


def _run_scheduled(args: list[str], tmp_path: Path, monkeypatch, run_day: dt.date) -> Path:
    """The scheduled command run in a workspace holding sample_data, on ``run_day``."""
    ws = tmp_path / "工作区"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    for f in SAMPLE.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    monkeypatch.chdir(ws)
    real = periods.current
    monkeypatch.setattr(periods, "current", lambda today=None: real(run_day))
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return ws


def test_the_cron_line_is_valid_and_runs_the_quarter_just_ended(tmp_path, monkeypatch):
    cron, _ = _schedule_lines()
    minute, hour, day, months, weekday, command = cron.split(None, 5)
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24 and 1 <= int(day) <= 28 and weekday == "*"
    month_list = [int(m) for m in months.split(",")]
    assert month_list == [1, 4, 7, 10]
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n", "-c", command]).returncode == 0  # shell syntax
    assert "%" not in command  # cron would cut the line at an unescaped %
    for month in month_list:  # each run is about the quarter that has just ended
        ran = periods.current(dt.date(2018, month, int(day)))
        assert (ran.year, ran.quarter) == ((2017, 4) if month == 1 else (2018, (month - 1) // 3))
    cd, gps = command.split("&&")
    assert shlex.split(cd)[0] == "cd"
    words = shlex.split(gps)
    assert words[0].endswith("/gps")
    ws = _run_scheduled(words[1:], tmp_path, monkeypatch, dt.date(2018, 1, int(day)))
    assert (ws / "output" / "2017Q4" / "运行摘要.json").is_file()
    assert "2017Q4" in (ws / "gps.log").read_text(encoding="utf-8")


def _schtasks_switches(line: str) -> dict[str, str]:
    """schtasks' /Switch value pairs, quoted values unquoted (cmd's rules: no escapes inside quotes)."""
    words = re.findall(r'"[^"]*"|\S+', line)
    assert words[:2] == ["schtasks", "/Create"]
    pairs = words[2:]
    assert len(pairs) % 2 == 0, pairs
    return {pairs[i].upper(): pairs[i + 1].strip('"') for i in range(0, len(pairs), 2)}


def test_the_schtasks_line_is_the_same_in_cmd_and_powershell_and_runs_the_quarter_just_ended(tmp_path, monkeypatch):
    _, line = _schedule_lines()
    # one line (no ^ of cmd, no ` of PowerShell), and nothing PowerShell would expand inside quotes
    assert "^" not in line and "`" not in line and "$" not in line
    sw = _schtasks_switches(line)
    assert set(sw) <= {"/TN", "/SC", "/M", "/D", "/ST", "/TR", "/RU", "/MO"}
    assert sw["/SC"] == "MONTHLY" and re.fullmatch(r"\d\d:\d\d", sw["/ST"])
    months = sw["/M"].split(",")
    names = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    assert months == ["JAN", "APR", "JUL", "OCT"] and 1 <= int(sw["/D"]) <= 28
    for m in months:
        ran = periods.current(dt.date(2018, names.index(m) + 1, int(sw["/D"])))
        assert ran == (periods.Period(2017, 4) if m == "JAN" else periods.Period(2018, names.index(m) // 3))
    action = sw["/TR"]
    assert action.startswith("cmd /c ")
    cd, gps = action[len("cmd /c "):].split("&&")
    assert cd.split()[:2] == ["cd", "/d"]
    program, *args = gps.split()
    assert program.lower().endswith("\\gps.exe") and "%USERPROFILE%" in program
    ws = _run_scheduled(args, tmp_path, monkeypatch, dt.date(2018, 1, int(sw["/D"])))
    assert (ws / "output" / "2017Q4" / "运行摘要.json").is_file()
    assert "2017Q4" in (ws / "gps.log").read_text(encoding="utf-8")


def test_the_readme_installs_the_wheel_make_wheel_builds():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^wheel:", makefile, re.M)
    version = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)[1]
    wheel = f"gpscli-{version}-py3-none-any.whl"
    # as a path: pipx 1.1 (Debian 12) takes a bare file name for a package name on PyPI
    assert f"pipx install ./{wheel}" in README and f"py -m pipx install .\\{wheel}" in README
    named = set(re.findall(r"gpscli-[\d.]+-py3-none-any\.whl", README))
    assert named == {wheel}
    pytest.importorskip("hatchling")  # built and installed for real in test_install.py
