"""Input formats (issue #15): readers/formats.py is the one place a format is declared.

Its records decide which files a folder walk picks up, what `gps validate --help` and the README
list, and which reader and pre-flight a sniffed file goes to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import project, standard_rows, write_csv, write_xls, write_xlsx
from gpscli.cli import app
from gpscli.ingest import collect_paths
from gpscli.readers import SUPPORTED_SUFFIXES, formats, read_workbook
from gpscli.readers.formats import FORMATS, SUFFIXES, InputFormat
from gpscli.readers.grid import WorkbookData
from gpscli.readers.sniff import sniff_package

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_the_suffixes_are_the_records_suffixes():
    assert SUPPORTED_SUFFIXES == {s for f in FORMATS.values() for s in f.suffixes}
    assert len(SUFFIXES) == len(SUPPORTED_SUFFIXES)  # no suffix claimed by two formats
    # What gps has always looked for in a folder: the registry changed where it is said, not what.
    assert SUPPORTED_SUFFIXES == {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".txt", ".et", ".htm",
                                  ".html"}
    assert all(s == s.lower() and s.startswith(".") for s in SUFFIXES)
    assert all(f.label and re.search(r"[\u4e00-\u9fff]", f.label) for f in FORMATS.values())


def test_the_folder_walk_picks_up_exactly_the_registered_suffixes(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    for n, suffix in enumerate(SUFFIXES):
        (folder / f"表{n}{suffix.upper() if n % 2 else suffix}").write_bytes(b"x")  # any case
    for other in ("说明.pdf", "通知.docx", "图.png", "无扩展名", "表.xlsx.bak"):
        (folder / other).write_bytes(b"x")
    files, issues, ignored = collect_paths([folder])
    assert issues == []
    assert sorted(p.suffix.lower() for p in files) == sorted(SUFFIXES)
    assert sorted(Path(p).name for p, _why in ignored) == sorted(["说明.pdf", "通知.docx", "图.png", "无扩展名", "表.xlsx.bak"])


def test_a_file_reached_twice_is_read_once(tmp_path):
    """Named with its folder, or linked inside the folder: one file, read once (the first route)."""
    folder = tmp_path / "收件箱"
    folder.mkdir()
    a = folder / "昌吉市.csv"
    a.write_text("项目名称,金额\n保洁,1\n", encoding="utf-8")
    (folder / "链接.csv").symlink_to(a)
    (folder / "阜康市.csv").write_text("项目名称,金额\n保洁,2\n", encoding="utf-8")
    assert [p.name for p in collect_paths([folder])[0]] == ["昌吉市.csv", "阜康市.csv"]
    assert [p.name for p in collect_paths([folder, a])[0]] == ["昌吉市.csv", "阜康市.csv"]
    assert [p.name for p in collect_paths([a, folder])[0]] == ["昌吉市.csv", "阜康市.csv"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_validate_help_lists_the_registered_suffixes_in_order():
    r = runner.invoke(app, ["validate", "--help"])
    assert r.exit_code == 0
    assert "".join(SUFFIXES) in _flat(r.stdout)  # the help wraps lines where it likes
    assert formats.suffix_list() == " ".join(SUFFIXES)


def test_the_readme_lists_the_registered_suffixes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `gps validate PATH...`"))
    assert set(re.findall(r"\.[a-z]+\b", row.split("|")[2])) == set(SUFFIXES)


def _samples(tmp_path: Path) -> dict[str, Path]:
    from messy_builders import write_html_table, write_ods

    rows = standard_rows([project(name="甲", amount=10)])
    return {
        "xlsx": write_xlsx(tmp_path / "a.xlsx", rows),
        "xls": write_xls(tmp_path / "a.xls", rows),
        "ods": write_ods(tmp_path / "a.ods", {"项目明细": rows}),
        "text": write_csv(tmp_path / "a.csv", rows),
        "html": write_html_table(tmp_path / "a.html", rows),
    }


def test_every_sniffed_format_has_a_record_that_reads_it(tmp_path):
    for name, path in _samples(tmp_path).items():
        assert sniff_package(path, path.read_bytes()[:8192])[0] == name
        assert name in FORMATS
        book = read_workbook(path)
        assert book.sheets and any("甲" in str(v) for s in book.sheets for row in s.rows for v in row), name
    assert "xlsb" in FORMATS and FORMATS["xlsb"].preflight is not None  # the one pre-flight run before its reader


def test_the_record_decides_the_reader_and_the_preflight(tmp_path, monkeypatch):
    calls = []
    sentinel = WorkbookData("csv", [])

    def preflight(path, limits):
        calls.append(("preflight", Path(path).name))

    def read(path, fmt, limits, careful, pkg, data):
        calls.append(("read", fmt))
        return sentinel

    monkeypatch.setitem(FORMATS, "text", InputFormat("text", "测试文本", (".csv",), read, preflight=preflight))
    path = write_csv(tmp_path / "a.csv", standard_rows([project()]))
    assert read_workbook(path) is sentinel
    assert calls == [("preflight", "a.csv"), ("read", "text")]


def test_a_sniffed_format_without_a_record_is_an_unreadable_file(tmp_path, monkeypatch):
    from gpscli.readers import ReadError

    monkeypatch.delitem(FORMATS, "text")
    path = write_csv(tmp_path / "a.csv", standard_rows([project()]))
    with pytest.raises(ReadError, match="不能读取这种格式"):
        read_workbook(path)
