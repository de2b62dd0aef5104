"""Every phrase the report side writes is spelt once, in gpscli/wording.py (issue #15): the report
modules, the default template's builder, the profile and gps run use it instead of a copy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gpscli import wording

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "gpscli"
FILES = [*sorted((SRC / "report").glob("*.py")), SRC / "runner.py", SRC / "profile.py", ROOT / "templates" / "build_templates.py"]
PHRASES = [wording.REPORT_NAME, "项目汇总表", "项目汇总.json", "分地区汇总表", wording.COUNTY_GROUP_NAME,
           wording.COUNTY_LABEL, wording.UNVERIFIED_MARK, "【请在此填写", "财政局", wording.RISE, wording.FALL,
           wording.FLAT, "减少"]


def strings(path: Path) -> list[tuple[int, str]]:
    """The string constants of a module that are not docstrings (comments are not in the tree)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            docstrings.add(id(body[0].value))
    return [(n.lineno, n.value) for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_phrase_is_spelt_outside_wording(path):
    found = [(line, phrase) for line, text in strings(path) for phrase in PHRASES if phrase in text]
    assert found == [], f"{path.name}: use gpscli.wording instead of {found}"


def test_the_phrases_as_the_seed_report_writes_them():
    assert wording.report_title(2016) == "2016年政府购买服务工作进展情况报告"
    assert wording.report_filename(2016) == "2016年政府购买服务工作进展情况报告.docx"
    assert wording.table_filename(2016) == "2016年政府购买服务项目汇总表.xlsx"
    assert wording.table_json_filename(2016) == "2016年政府购买服务项目汇总.json"
    assert wording.table_title(2016, "昌吉回族自治州") == "昌吉回族自治州2016年政府购买服务项目汇总表"
    assert wording.annex_title(2016, "昌吉州") == "2016年昌吉州政府购买服务项目分地区汇总表"
    assert [wording.count_change_text(n) for n in (13, -2, 0)] == ["增加13项", "减少2项", "持平"]
    assert wording.group_name("县") == "各县"


def test_gps_run_and_the_report_name_their_files_from_wording():
    from gpscli.report import DEFAULT_TITLE, default_filename

    assert DEFAULT_TITLE == wording.REPORT_TITLE and default_filename(2017) == wording.report_filename(2017)
