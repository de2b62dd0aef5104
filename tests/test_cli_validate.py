"""gps validate through the CLI: JSON shape, exit statuses, --strict, --annotate."""

from __future__ import annotations

import hashlib
import json

from typer.testing import CliRunner

from builders import project, standard_rows, write_csv, write_xlsx
from gpscli.cli import app

runner = CliRunner()
ISSUE_KEYS = ["severity", "code", "sheet", "cell", "row", "column", "value", "message", "hint"]


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def mixed_inbox(tmp_path):
    inbox = tmp_path / "收件箱"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([project()]))
    write_xlsx(inbox / "阜康市.xlsx", standard_rows([project(jurisdiction="阜康市", unit="阜康市教育局", amount="待定")]))
    write_csv(inbox / "子目录" / "奇台县.csv", standard_rows([project(jurisdiction="奇台县", amount=0)]), encoding="gb18030")
    (inbox / "说明.docx").write_bytes(b"not a spreadsheet")
    (inbox / "坏.xlsx").write_bytes(b"PK\x03\x04garbage")
    return inbox


def test_json_shape_and_exit_status_on_a_mixed_folder(tmp_path):
    r = invoke("validate", mixed_inbox(tmp_path), "--format", "json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert list(data) == ["ok", "summary", "files"]
    assert data["ok"] is False
    assert data["summary"] == {"files": 4, "rows": 3, "errors": 2, "warnings": 1}
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in data["files"]}
    assert set(by_name) == {"坏.xlsx", "奇台县.csv", "昌吉市.xlsx", "阜康市.xlsx"}
    for f in data["files"]:
        assert list(f) == ["path", "ok", "rows", "issues"]
        for i in f["issues"]:
            assert list(i) == ISSUE_KEYS
    assert by_name["昌吉市.xlsx"] == {"path": by_name["昌吉市.xlsx"]["path"], "ok": True, "rows": 1, "issues": []}
    bad = by_name["阜康市.xlsx"]["issues"]
    assert [(i["code"], i["severity"], i["sheet"], i["cell"], i["row"], i["column"], i["value"]) for i in bad] == [
        ("invalid-amount", "error", "项目明细", "G4", 4, "G", "待定")]
    assert by_name["奇台县.csv"]["issues"][0]["code"] == "zero-amount"
    assert by_name["坏.xlsx"]["issues"][0]["code"] == "unreadable-file"
    assert by_name["坏.xlsx"]["issues"][0]["cell"] is None


def test_text_output_names_cells_in_chinese(tmp_path):
    r = invoke("validate", mixed_inbox(tmp_path))
    assert r.exit_code == 1
    assert "项目明细!G4" in r.stdout
    assert "待定" in r.stdout and "不是数字" in r.stdout
    assert "合计:4 个文件" in r.stdout
    assert "Traceback" not in r.output


def test_warnings_pass_unless_strict(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project(amount=0)]))
    assert invoke("validate", p).exit_code == 0
    assert invoke("validate", p, "--strict").exit_code == 1


def test_usage_errors_exit_2(tmp_path):
    assert invoke("validate", tmp_path / "不存在.xlsx").exit_code == 2
    assert invoke("validate", tmp_path, "--format", "yaml").exit_code == 2


def test_verbose_explains_where_figures_came_from(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project()]))
    r = invoke("validate", p, "-v")
    assert r.exit_code == 0
    assert "表头第 3 行" in r.stdout and "单位 万元" in r.stdout and "金额(万元)" in r.stdout
    r = invoke("-v", "validate", p)  # a global option too, as the clerk review tried it
    assert r.exit_code == 0 and "表头第 3 行" in r.stdout


def test_annotate_writes_a_commented_copy_and_leaves_the_original(tmp_path):
    import openpyxl

    src = write_xlsx(tmp_path / "阜康市.xlsx", standard_rows([project(jurisdiction="阜康市", amount="待定", unit=None)]))
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    r = invoke("validate", src, "--annotate", tmp_path / "标注")
    assert r.exit_code == 1
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    copy = tmp_path / "标注" / "阜康市-问题标注.xlsx"
    wb = openpyxl.load_workbook(copy)
    ws = wb["项目明细"]
    assert ws["G4"].comment is not None and "待定" in ws["G4"].comment.text
    assert ws["G4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["C4"].comment is not None and "购买主体" in ws["C4"].comment.text
    assert ws["A4"].comment is None
    listing = wb["问题清单"]
    assert [c.value for c in listing[1][:6]] == ["序号", "位置", "级别", "问题", "说明", "建议"]
    rows = list(listing.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3]) for r in rows] == [("项目明细!C4", "必填单元格为空"), ("项目明细!G4", "金额不是数字")]


def test_sample_data_validates_clean(sample_dir):
    r = invoke("validate", sample_dir, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["summary"] == {"files": 12, "rows": 123, "errors": 0, "warnings": 0}


def test_annotated_copies_in_the_inbox_are_not_read_back(tmp_path):
    inbox = tmp_path / "inbox"
    write_xlsx(inbox / "木垒县.xlsx", standard_rows([project(jurisdiction="木垒县", amount="待定")]))
    assert invoke("validate", inbox, "--annotate", inbox).exit_code == 1
    assert (inbox / "木垒县-问题标注.xlsx").exists()
    data = json.loads(invoke("validate", inbox, "--format", "json").stdout)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in data["files"]}
    assert [i["code"] for i in by_name["木垒县.xlsx"]["issues"]] == ["invalid-amount"]
    copy = by_name["木垒县-问题标注.xlsx"]  # recognised by its content: gps's own copy, unchanged
    assert copy["rows"] == 0 and [i["code"] for i in copy["issues"]] == ["skipped-file"]
    assert "问题标注副本" in copy["issues"][0]["message"]


def test_annotated_csv_copy_keeps_numbers_as_numbers(tmp_path):
    import openpyxl

    src = write_csv(tmp_path / "奇台县.csv", standard_rows([project(jurisdiction="奇台县", amount=-5)]), encoding="gbk")
    assert invoke("validate", src, "--annotate", tmp_path / "out").exit_code == 1
    ws = openpyxl.load_workbook(tmp_path / "out" / "奇台县-问题标注.xlsx")["奇台县"]
    assert ws["G4"].value == -5 and ws["G4"].comment is not None
    assert ws["J4"].value == 2016


def test_an_unchanged_copy_sent_back_is_not_said_to_pass(tmp_path):
    """A county sending back gps's annotated copy untouched has fixed nothing: not 全部通过, exit 1."""
    write_xlsx(tmp_path / "原" / "木垒县.xlsx", standard_rows([project(jurisdiction="木垒县", amount="待定")]))
    assert invoke("validate", tmp_path / "原", "--annotate", tmp_path / "退回").exit_code == 1
    back = tmp_path / "退回"
    r = invoke("validate", back)
    assert r.exit_code == 1, r.output
    assert "木垒县-问题标注.xlsx:未读取:这是 gps 生成、未经修改的问题标注副本" in r.stdout
    assert "全部通过" not in r.stdout and "没有读到报送表格" in r.stdout
    write_xlsx(back / "昌吉市.xlsx", standard_rows([project()]))  # beside a real submission: that one passes
    r = invoke("validate", back)
    assert r.exit_code == 0, r.output
    assert "全部通过(另有 1 个未经修改的问题标注副本未读取)" in r.stdout
