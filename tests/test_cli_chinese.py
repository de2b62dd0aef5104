"""A CLI a clerk can use without help (issue #20): every help page and every kind of usage error
in Chinese, help columns aligned in display cells, option names never split across lines, and the
global options accepted before or after the command.

The English check is a regex over the output: an ASCII word is allowed only when it is something
the clerk types or reads on purpose (an option, a metavariable, a command, a choice, an issue
code, a gps.toml key, a file name or path) or one of the few proper terms in ``TERMS``.
"""

from __future__ import annotations

import re
import shutil
import sys

import pytest
import typer.main
from typer.testing import CliRunner

from gpscli import config, periods
from gpscli.aggregate import DIMENSION_REGISTRY
from gpscli.cli import app, main
from gpscli.cli.zh import cells
from gpscli.codes import REGISTRY
from gpscli.readers.formats import SUFFIXES

runner = CliRunner()
ROOT = typer.main.get_command(app)

# Proper terms a Chinese clerk reads as they are: the program, the programs and encodings the help
# names (Word, Excel, WPS; UTF-8, GBK), the ledger's databases, and the shell words of the crontab
# example in `gps run --help`; HTTPS and nginx, the reverse proxy `gps serve --help` points to.
TERMS = {"gps", "Word", "Excel", "WPS", "UTF-8", "GBK", "PostgreSQL", "SQLite", "crontab", "cd", "HTTPS", "nginx"}


def commands(command=ROOT, path=()):
    """Every command and sub-command of the app, as the words typed after gps."""
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from commands(sub, (*path, name))


def _params(command=ROOT):
    yield from command.params
    for sub in getattr(command, "commands", {}).values():
        yield from _params(sub)


def _known_words() -> set[str]:
    words = set(TERMS)
    words |= {name for path in commands() for name in path}
    for param in _params():
        choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or []
        words |= {str(getattr(c, "value", c)) for c in choices}
    words |= set(REGISTRY)  # issue codes, shown on purpose
    words |= {d.name for d in DIMENSION_REGISTRY.values()}  # --by's values
    words |= {k for table, keys in config.KEYS.items() for k in (table, *keys) if k}  # gps.toml's keys
    words |= {"editions", "crosswalk", "builtin", "year"}  # [catalogue] keys, {year} in a title
    words |= {"inbox", "output", "narrative", "templates"}  # the folders gps init makes
    words |= set(periods.AUTO)  # --period auto: a value typed, like a choice
    return words


KNOWN = _known_words()
EXTENSIONS = {s.lstrip(".") for s in SUFFIXES} | {"toml", "json", "csv", "xlsx", "docx", "md", "log", "lock", "sqlite"}
OPTION_NAMES = {o for p in _params() for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}


def english(text: str) -> list[str]:
    """The ASCII words in ``text`` a clerk should not have to read."""
    text = re.sub(r"<[^<>\n]*>", " ", text)  # metavariables: <路径>, <text|json>
    found = []
    text = re.sub(r"「[^「」\n]*」", " ", text)  # what the clerk typed or wrote, quoted back
    for token in re.findall(r"[A-Za-z0-9_.\-/\\:@{}+%$*=&|~]+", text):
        token = token.strip(":").rstrip(".").strip("{}")
        if not re.search(r"[A-Za-z]{2,}", token):
            continue  # numbers, periods (2017Q4), cells (A1), single letters of a cron line
        if token.startswith("-") or "/" in token or "\\" in token:
            continue  # an option, a path
        if re.fullmatch(r"[\w.-]*\.[A-Za-z0-9]{1,5}", token) and token.rsplit(".", 1)[1].lower() in EXTENSIONS:
            continue  # a file name or extension
        if token in KNOWN or token.lower() in {k.lower() for k in KNOWN}:
            continue
        found.append(token)
    return found


def _help(path, width):
    r = runner.invoke(app, [*path, "--help"], prog_name="gps", terminal_width=width)
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.mark.parametrize("path", list(commands()), ids=lambda p: " ".join(p) or "gps")
def test_every_help_page_is_chinese(path):
    text = _help(path, 80)
    assert english(text) == [], text


def _sections(text: str):
    """The lines of each options/arguments section of a help page."""
    current = None
    for line in text.splitlines():
        if re.fullmatch(r"(参数|选项|全局选项):", line):
            current = []
            yield current
        elif not line.strip():
            current = None
        elif current is not None:
            current.append(line)


def _description_column(line: str) -> int | None:
    """Where an option row's description starts, in display cells (None: it starts on the next line)."""
    m = re.match(r"^(  \S.*?)( {2,})(\S)", line)
    return cells(m.group(1)) + len(m.group(2)) if m else None


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("path", list(commands()), ids=lambda p: " ".join(p) or "gps")
def test_help_columns_line_up_and_no_option_name_is_split(path, width):
    text = _help(path, width)
    columns = set()
    for lines in _sections(text):
        for line in lines:
            if line.startswith("  ") and not line.startswith("   "):
                column = _description_column(line)
                if column is not None:
                    columns.add(column)
            else:  # a description's continuation line
                columns.add(len(line) - len(line.lstrip(" ")))
    assert len(columns) <= 1, (columns, text)  # Chinese and ASCII metavariables alike
    for line in text.splitlines():
        assert cells(line) <= width, line
        assert not re.search(r"[A-Za-z]-$", line), line  # no word broken at a hyphen
    for name in re.findall(r"(?<![\w-])--?[A-Za-z][\w-]*", text):
        assert name in OPTION_NAMES, (name, text)  # a cut option name would not be one


def test_commands_are_listed_in_the_order_of_the_work():
    text = _help((), 120)
    listed = re.findall(r"^  ([a-z]+)  ", text.split("命令:")[-1], re.M)
    order = ["init", "template", "validate", "aggregate", "ingest", "status", "report", "run"]
    assert [c for c in listed if c in order] == order
    workflow = text.split("常用流程")[1].split("退出状态")[0]
    assert "gps init" in workflow and "gps run" in workflow


def test_ranges_and_defaults_read_in_chinese():
    assert "[范围:2000–2100]" in _help(("validate",), 120)
    assert "[默认:60;不小于 0]" in _help(("run",), 120)


def _usage(monkeypatch, capsys, *args) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["gps", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    return exit_.value.code, capsys.readouterr().err


@pytest.mark.parametrize("args, said", [
    (["validate", "--bogus"], "没有 --bogus 这个选项"),
    (["ingest"], "缺少参数「路径」"),
    (["lock"], "缺少必填的选项 --period / -p"),
    (["validate", "-f", "xml", "x"], "--format / -f 的取值无效:「xml」不是可选的值;可选:text、json"),
    (["aggregate", "--year", "1900"], "--year / -y 的取值无效:应不小于 2000"),
    (["aggregate", "--year", "abc"], "应为整数"),
    (["run", "--wait", "abc"], "--wait 的取值无效:应为数字"),
    (["lock", "--period", "2017Q4", "extra"], "多余的参数「extra」"),
    (["init", "a", "b"], "多余的参数「b」"),
    (["valdate"], "没有「valdate」这个命令;是否想用 validate?"),
    (["db", "upgade"], "没有「upgade」这个命令"),
    (["validate", "-y"], "需要一个值"),
    (["run", "--period", "2017Q4", "--log"], "需要一个值"),
    (["validate", "--strict=yes", "x"], "不接受取值"),
    (["-q"], "缺少命令"),
])
def test_usage_errors_are_chinese(monkeypatch, capsys, tmp_path, args, said):
    monkeypatch.chdir(tmp_path)
    code, text = _usage(monkeypatch, capsys, *args)
    assert code == 2 and said in text, text
    assert "用法错误" in text and "--help」查看用法" in text
    assert english(text) == [], text


@pytest.mark.parametrize("toml, said", [
    ('data = "收件箱\n', "第 1 行第 12 列"),
    ('data = ["收件箱",\n', "文件末尾"),
    ('output = "甲"\noutput = "乙"\n', "第 2 行第 13 列"),
    ("[report]\n[report]\n", "表 [report] 出现了两次"),
    ("output = 输出\n", "值写得不对"),
    ('output = "甲" "乙"\n', "多余的内容"),
    ('data = "D:\\收件箱"\n', "反斜杠"),
    ("[report\n", "缺少右方括号"),
    ("中文 = 1\n", "无法识别这一行"),
    ("data = 5\n", "data 应是路径或路径列表"),
    ('[limits]\nworkers = "多"\n', "[limits] workers 应是不小于 0 的数字"),
])
def test_a_bad_gps_toml_is_said_in_chinese(monkeypatch, capsys, tmp_path, toml, said):
    (tmp_path / "gps.toml").write_text(toml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, text = _usage(monkeypatch, capsys, "validate", "x")
    assert code == 2 and said in text, text
    assert english(text.replace(str(tmp_path), "")) == [], text


def test_an_unknown_toml_message_still_gives_line_and_column():
    assert config.toml_error("Something new (at line 3, column 4)", "a\nb\nc = ?\n") == "第 3 行第 4 列(该行:「c = ?」):格式有误"
    assert config.toml_error("Illegal character '\\n' (at line 1, column 17)").startswith("第 1 行第 17 列:")


def _workspace(tmp_path, sample_dir):
    ws = tmp_path / "工作区"
    assert runner.invoke(app, ["init", str(ws)]).exit_code == 0
    for f in sample_dir.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    return ws


@pytest.mark.parametrize("args", [
    ["run", "--period", "2016Q4", "--no-report", "--log", "gps.log"],
    ["--log", "gps.log", "run", "--period", "2016Q4", "--no-report"],
])
def test_global_options_work_before_or_after_the_command(tmp_path, sample_dir, monkeypatch, args):
    ws = _workspace(tmp_path, sample_dir)
    monkeypatch.chdir(ws)
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    assert "本期汇总 55 个项目" in (ws / "gps.log").read_text(encoding="utf-8")


def test_quiet_verbose_and_debug_after_the_command(sample_dir):
    from gpscli.cli.common import STATE

    r = runner.invoke(app, ["validate", str(sample_dir), "-q", "--debug"])
    assert r.exit_code == 0 and STATE.quiet and STATE.debug
    assert runner.invoke(app, ["validate", str(sample_dir)]).exit_code == 0
    assert not STATE.quiet and not STATE.debug
    r = runner.invoke(app, ["-q", "status", "--period", "2016", "--debug"])  # the root's -q is not undone
    assert STATE.quiet and STATE.debug
    r = runner.invoke(app, ["report", "--year", "2016", "-v"])
    assert STATE.verbose
    assert runner.invoke(app, ["validate", "--", "-q"]).exit_code == 2  # after --, -q is a path
    assert not STATE.quiet


def test_a_commands_help_lists_the_global_options():
    text = _help(("run",), 120)
    globals_ = text.split("全局选项:")[1]
    for name in ("--config", "--quiet", "--verbose", "--log", "--debug"):
        assert name in globals_
    validate = _help(("validate",), 120)  # validate's own -v/--verbose stays its own
    assert "--verbose" not in validate.split("全局选项:")[1] and "--verbose" in validate.split("全局选项:")[0]


def test_config_after_the_command_and_on_a_sub_command(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, text = _usage(monkeypatch, capsys, "validate", "x", "--config", "缺失.toml")
    assert code == 2 and "找不到配置文件:缺失.toml" in text
    assert runner.invoke(app, ["init", "ws", "-q"]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    for args, log in ((["db", "--log", "a.log", "upgrade"], "a.log"), (["db", "upgrade", "--log", "b.log"], "b.log")):
        assert runner.invoke(app, args).exit_code == 0
        assert "账本" in (tmp_path / "ws" / log).read_text(encoding="utf-8")
