"""Output formats (issue #15): outputs/formats.py is the one place an aggregate output is declared.

Its records decide what `--out` accepts, what `--format` offers, how `tables.write` writes a file
and what goes to standard output.
"""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from gpscli import api
from gpscli.cli import app
from gpscli.cli.aggregate_cmd import AggFormat
from gpscli.errors import UsageError
from gpscli.outputs import tables
from gpscli.outputs.formats import OUTPUT_FORMATS, OutputFormat, for_suffix, suffix_text, suffixes

runner = CliRunner()


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_format_choices_and_help_come_from_the_records():
    assert [f.value for f in AggFormat] == ["table", *OUTPUT_FORMATS]
    assert set(OUTPUT_FORMATS) == {"json", "csv", "xlsx"}
    help_text = _flat(runner.invoke(app, ["aggregate", "--help"]).stdout)
    assert "".join(suffixes()) in help_text
    assert "、".join(["table", *OUTPUT_FORMATS]) in help_text


@pytest.mark.parametrize("name", list(OUTPUT_FORMATS))
def test_each_records_suffix_is_accepted_by_out_and_written_in_its_format(sample_dir, tmp_path, name):
    form = OUTPUT_FORMATS[name]
    for suffix in form.suffixes:
        out = tmp_path / f"汇总{suffix.upper()}"  # the suffix in any case
        r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)])
        assert r.exit_code == 0, r.output
        data = out.read_bytes()
        if name == "json":
            assert json.loads(data)["total"] == {"count": 55, "amount": "16252.68"}
        elif name == "csv":
            assert data.startswith(b"\xef\xbb\xbf") and "16252.68" in data.decode("utf-8-sig")
        else:
            assert data.startswith(b"PK\x03\x04")
        assert for_suffix(suffix) is form


@pytest.mark.parametrize("name", list(OUTPUT_FORMATS))
def test_each_records_stdout(sample_dir, name):
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--format", name])
    assert r.exit_code == 0, r.output
    if OUTPUT_FORMATS[name].binary:
        assert r.stdout_bytes.startswith(b"PK\x03\x04")
    else:  # `--format csv > 汇总.csv` is a file Excel opens: the BOM, as in --out (GPS_NO_BOM=1 drops it)
        assert "16252.68" in r.stdout and r.stdout.startswith("\ufeff") == (name == "csv")


def test_an_unregistered_suffix_is_refused_with_the_registered_ones(sample_dir, tmp_path):
    out = tmp_path / "汇总.txt"
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)])
    assert r.exit_code == 2
    assert suffix_text() in r.stderr and not out.exists()
    assert suffix_text() == ".json、.csv 或 .xlsx"


def test_a_new_record_is_all_an_output_format_needs(sample_dir, tmp_path, monkeypatch):
    written = []

    def write_md(agg, path, force):
        path.write_text(f"# {agg.year}\n合计 {agg.total.count} 项 {agg.total.amount} 万元\n", encoding="utf-8")
        written.append(path.name)

    def show_md(agg, out):
        out.write(f"合计 {agg.total.amount}")

    monkeypatch.setitem(OUTPUT_FORMATS, "md", OutputFormat("md", "Markdown", (".md", ".markdown"), write_md, show_md))
    out = tmp_path / "汇总.md"
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert written == ["汇总.md"] and "合计 55 项 16252.68 万元" in out.read_text(encoding="utf-8")
    assert suffix_text() == ".json、.csv、.xlsx、.md 或 .markdown"
    agg = api.aggregate(api.load([sample_dir]), year=2016)
    assert tables.write(agg, tmp_path / "b.markdown") == tmp_path / "b.markdown" and written[-1] == "b.markdown"
    assert tables.write(agg, tmp_path / "c.out", fmt="md").exists()


def test_tables_write_refuses_what_no_record_writes(sample_dir, tmp_path):
    agg = api.aggregate(api.load([sample_dir]), year=2016)
    with pytest.raises(UsageError, match="不支持的输出格式「docx」"):
        tables.write(agg, tmp_path / "a.docx")
    with pytest.raises(UsageError, match="不支持的输出格式「pdf」"):
        tables.write(agg, tmp_path / "a.json", fmt="pdf")
    assert tables.write(agg, tmp_path / "a.data", fmt="JSON").read_text(encoding="utf-8").startswith("{")
