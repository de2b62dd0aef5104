"""Every issue code, each from a workbook built in the test: code, severity, sheet and cell."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal

from builders import project, standard_rows, write_csv, write_xlsx
from gpscli import api


def issues_of(path, **kw):
    res = api.load([path], **kw)
    return [(i.code, i.severity.value, i.sheet, i.cell) for i in res.all_issues()], res


def one(tmp_path, **changes):
    p = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(**changes)]))
    return issues_of(p)


def test_clean_file_has_no_issues(tmp_path):
    found, res = one(tmp_path)
    assert found == []
    assert res.valid_records()[0].amount == Decimal("120.5")
    assert res.valid_records()[0].cells["amount"] == "G4"


def test_missing_value_names_the_cell(tmp_path):
    found, _ = one(tmp_path, unit=None)
    assert found == [("missing-value", "error", "项目明细", "C4")]


def test_invalid_amount_message_quotes_the_value(tmp_path):
    found, res = one(tmp_path, amount="待定")
    assert found == [("invalid-amount", "error", "项目明细", "G4")]
    issue = res.all_issues()[0]
    assert "G4" in issue.message and "待定" in issue.message and issue.hint and "万元" in issue.hint
    assert res.valid_records() == []


def test_negative_amount(tmp_path):
    found, res = one(tmp_path, amount=-5)
    assert found == [("negative-amount", "error", "项目明细", "G4")]
    assert res.valid_records() == []


def test_zero_amount_is_a_warning(tmp_path):
    found, res = one(tmp_path, amount=0)
    assert found == [("zero-amount", "warning", "项目明细", "G4")]
    assert len(res.valid_records()) == 1


def test_an_amount_finer_than_a_fen_is_a_warning_at_its_cell_and_counts_exactly(tmp_path):
    """12.3456789 万元 is 123456.789 元: said at the cell, counted as it is (never rounded silently)."""
    found, res = one(tmp_path, amount="12.3456789")
    assert found == [("amount-below-fen", "warning", "项目明细", "G4")]
    assert "12.3456789" in res.all_issues()[0].message and "7 位" in res.all_issues()[0].message
    assert res.valid_records()[0].amount == Decimal("12.3456789")
    assert one(tmp_path, amount="12.345678")[0] == []  # six decimals of 万元: whole fen
    assert one(tmp_path, amount="12.34567800")[0] == []  # trailing zeros are not a part of a fen


def test_the_ledger_refuses_what_is_no_one_jurisdictions_submission(tmp_path, monkeypatch):
    """Codes only gps ingest raises: a file of several jurisdictions, of none, or of another year only."""
    import json

    from typer.testing import CliRunner

    from gpscli.cli import app

    run = CliRunner()
    assert run.invoke(app, ["init", str(tmp_path / "ws")]).exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    two = write_xlsx(tmp_path / "汇总.xlsx", standard_rows([project(), project(jurisdiction="阜康市", name="另一个")]))
    other_year = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(year=2017)]))
    nobody = write_xlsx(tmp_path / "空表.xlsx", standard_rows([], title="政府购买服务项目情况表", unit_line=None))

    def codes(path):
        r = run.invoke(app, ["ingest", str(path), "--period", "2016", "--format", "json"])
        assert r.exit_code == 1, r.output
        return [(i["code"], i["severity"]) for i in json.loads(r.stdout)["issues"] if i["severity"] == "error"]

    assert codes(two) == [("several-jurisdictions", "error")]
    assert codes(other_year) == [("no-rows-for-period", "error")]
    assert codes(nobody) == [("unknown-submitter", "error")]
    first = write_xlsx(tmp_path / "甲" / "阜康市.xlsx", standard_rows([project(jurisdiction="阜康市")]))
    assert run.invoke(app, ["ingest", str(first), "--period", "2016"]).exit_code == 0
    again = write_xlsx(tmp_path / "乙" / "阜康市_民政局.xlsx", standard_rows([project(jurisdiction="阜康市", amount=130)]))
    assert codes(again) == [("same-projects-as-other-submitter", "error")]


def test_year_later_than_next_year_is_a_warning_at_its_cell(tmp_path):
    """2061 for 2016 (digits swapped): said at the 年度 cell; the row still counts, under 2061."""
    found, res = one(tmp_path, year=2061)
    assert found == [("future-year", "warning", "项目明细", "J4")]
    assert "2061" in res.all_issues()[0].message
    assert [r.year for r in res.valid_records()] == [2061]
    next_year = datetime.date.today().year + 1  # next year's budget projects are normal
    assert one(tmp_path, year=next_year)[0] == []


def test_unit_conflict_between_header_and_unit_line(tmp_path):
    """金额(元) in the header, 单位:万元 above it: a 10,000-fold ambiguity is an error at the header cell."""
    rows = standard_rows([project(amount=1183.3)])
    rows[2] = [h.replace("金额(万元)", "金额(元)") for h in rows[2]]
    found, res = issues_of(write_xlsx(tmp_path / "呼图壁县.xlsx", rows))
    assert found == [("unit-conflict", "error", "项目明细", "G3")]
    message = res.all_issues()[0].message
    assert "金额(元)" in message and "单位:万元" in message and "一万倍" in message
    same = standard_rows([project(amount=1183.3)], unit_line="填报单位:呼图壁县财政局    单位:元")
    same[2] = [h.replace("金额(万元)", "金额(元)") for h in same[2]]
    found, res = issues_of(write_xlsx(tmp_path / "一致.xlsx", same))
    assert found == [] and res.valid_records()[0].amount == Decimal("0.11833")


def test_a_blank_template_is_flagged(tmp_path):
    found, res = issues_of(write_xlsx(tmp_path / "奇台县.xlsx", standard_rows([])))
    assert found == [("empty-table", "warning", "项目明细", None)]
    assert "空白模板" in res.all_issues()[0].message


def test_suspicious_amount_hints_at_yuan(tmp_path):
    found, res = one(tmp_path, amount=1205000)
    assert found == [("suspicious-amount", "warning", "项目明细", "G4")]
    assert "元" in res.all_issues()[0].hint


def test_unknown_category_hints_the_closest(tmp_path):
    found, res = one(tmp_path, category="基本公共服", subcategory=None)
    assert found == [("unknown-category", "error", "项目明细", "E4")]
    assert res.all_issues()[0].hint == "是否应为「基本公共服务」?"


def test_category_mismatch_names_the_right_parent(tmp_path):
    found, res = one(tmp_path, category="技术性服务", subcategory="城市维护")
    assert found == [("category-mismatch", "error", "项目明细", "F4")]
    assert "基本公共服务" in res.all_issues()[0].message


def test_unknown_subcategory_is_a_warning(tmp_path):
    found, _ = one(tmp_path, subcategory="完全不相干的事项")
    assert found == [("unknown-subcategory", "warning", "项目明细", "F4")]


def test_unknown_jurisdiction_hints_the_closest(tmp_path):
    found, res = one(tmp_path, jurisdiction="玛纳斯")
    assert found == [("unknown-jurisdiction", "error", "项目明细", "B4")]
    assert "玛纳斯县" in res.all_issues()[0].hint


def test_jurisdiction_aliases_resolve(tmp_path):
    found, res = one(tmp_path, jurisdiction="木垒县")
    assert found == []
    assert res.valid_records()[0].jurisdiction == "木垒哈萨克自治县"


def test_invalid_year(tmp_path):
    found, _ = one(tmp_path, year="去年")
    assert found == [("invalid-year", "error", "项目明细", "J4")]


def test_year_other_than_demanded(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project(year=2017)]))
    found, _ = issues_of(p, year=2016, require_year=True)
    assert found == [("invalid-year", "error", "项目明细", "J4")]


def test_duplicate_project_within_a_file(tmp_path):
    p = write_xlsx(tmp_path / "a.xlsx", standard_rows([project(), project(amount=30)]))
    found, res = issues_of(p)
    assert found == [("duplicate-project", "error", "项目明细", "D5")]
    assert "D4" in res.all_issues()[0].message


def test_duplicate_project_across_files_names_the_earlier_file(tmp_path):
    write_xlsx(tmp_path / "in" / "a.xlsx", standard_rows([project()]))
    write_xlsx(tmp_path / "in" / "b.xlsx", standard_rows([project(amount=99)]))
    found, res = issues_of(tmp_path / "in")
    assert found == [("duplicate-project", "error", "项目明细", "D4")]
    issue = res.all_issues()[0]
    assert issue.path.endswith("b.xlsx") and "a.xlsx" in issue.message


def test_every_repeat_of_a_project_names_its_first_occurrence(tmp_path):
    x, y, z, w = (project(name=n) for n in ("甲项目", "乙项目", "丙项目", "丁项目"))
    write_xlsx(tmp_path / "in" / "a.xlsx", standard_rows([x, y, project(name="甲项目", amount=7)]))
    write_xlsx(tmp_path / "in" / "b.xlsx", standard_rows([w, project(name="乙项目", amount=8), z, z]))
    write_xlsx(tmp_path / "in" / "c.xlsx", standard_rows([project(name="甲项目", amount=9), project(name="丙项目")]))
    res = api.load([tmp_path / "in"])
    found = [(i.path.rsplit("/", 1)[-1], i.cell, i.message.split("与")[-1]) for i in res.all_issues()]
    assert [f[:2] for f in found] == [("a.xlsx", "D6"), ("b.xlsx", "D5"), ("b.xlsx", "D7"), ("c.xlsx", "D4"),
                                      ("c.xlsx", "D5")]
    assert "本文件 项目明细!D4" in found[0][2]
    assert "a.xlsx" in found[1][2] and "D5" in found[1][2]  # 乙项目: a.xlsx row 5
    assert "本文件 项目明细!D6" in found[2][2]
    assert "a.xlsx" in found[3][2] and "D4" in found[3][2]  # 甲项目: its first occurrence, not a.xlsx!D6
    assert "b.xlsx" in found[4][2] and "D6" in found[4][2]


def test_duplicate_file_is_ignored_not_counted_twice(tmp_path):
    a = write_xlsx(tmp_path / "in" / "昌吉市.xlsx", standard_rows([project()]))
    shutil.copy(a, tmp_path / "in" / "昌吉市(1).xlsx")
    found, res = issues_of(tmp_path / "in")
    assert [f[0:2] for f in found] == [("duplicate-file", "warning")]
    assert len(res.valid_records()) == 1


def test_total_mismatch_states_both_figures(tmp_path):
    rows = standard_rows([project(name="甲", amount=10), project(name="乙", amount=20.5)])
    rows.append(["合计", None, None, None, None, None, 31, None, None, None, None])
    p = write_xlsx(tmp_path / "a.xlsx", rows)
    found, res = issues_of(p)
    assert found == [("total-mismatch", "warning", "项目明细", "G6")]
    msg = res.all_issues()[0].message
    assert "31" in msg and "30.5" in msg
    assert len(res.valid_records()) == 2  # the 合计 row is not a project


def test_matching_total_row_is_silent(tmp_path):
    rows = standard_rows([project(name="甲", amount=10), project(name="乙", amount=20.5)])
    rows.append([None, None, None, "合  计", None, None, 30.5, None, None, None, None])
    found, res = issues_of(write_xlsx(tmp_path / "a.xlsx", rows))
    assert found == []
    assert sum(r.amount for r in res.valid_records()) == Decimal("30.5")


def test_missing_column_lists_the_headers_seen(tmp_path):
    rows = [["序号", "地区", "购买主体", "项目名称", "金额(万元)", "年度"], [1, "昌吉市", "某局", "某项目", 5, 2016]]
    found, res = issues_of(write_xlsx(tmp_path / "a.xlsx", rows))
    assert found == [("missing-column", "error", "项目明细", None)]
    issue = res.all_issues()[0]
    assert "一级目录" in issue.message and "购买主体" in issue.message and issue.row == 1


def test_no_table(tmp_path):
    found, _ = issues_of(write_xlsx(tmp_path / "a.xlsx", [["你好"], ["这不是报表"]]))
    assert found == [("no-table", "error", None, None)]


def test_unreadable_file_says_why(tmp_path):
    p = tmp_path / "坏文件.xlsx"
    p.write_text("这只是一段文字,不是表格", encoding="utf-8")
    p2 = tmp_path / "空.xlsx"
    p2.write_bytes(b"")
    res = api.load([p2])
    assert [(i.code, i.severity.value) for i in res.all_issues()] == [("unreadable-file", "error")]
    assert "0 字节" in res.all_issues()[0].message
    zip_bytes = (tmp_path / "ok.xlsx")
    write_xlsx(zip_bytes, standard_rows([project()]))
    truncated = tmp_path / "截断.xlsx"
    truncated.write_bytes(zip_bytes.read_bytes()[:500])
    res = api.load([truncated])
    assert [i.code for i in res.all_issues()] == ["unreadable-file"]
    assert "损坏" in res.all_issues()[0].message


def test_formula_without_value(tmp_path):
    rows = standard_rows([project(amount="=10+20")])
    found, _ = issues_of(write_xlsx(tmp_path / "a.xlsx", rows))
    assert found == [("formula-without-value", "error", "项目明细", "G4")]


def test_formula_error(tmp_path):
    import zipfile

    src = write_xlsx(tmp_path / "src.xlsx", standard_rows([project(amount=1)]))
    dst = tmp_path / "a.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="G4" t="n"><v>1</v></c>', b'<c r="G4" t="e"><f>1/0</f><v>#DIV/0!</v></c>')
                assert b"#DIV/0!" in data
            zout.writestr(item, data)
    found, res = issues_of(dst)
    assert found == [("formula-error", "error", "项目明细", "G4")]
    assert "#DIV/0!" in res.all_issues()[0].message


def test_skipped_file_for_a_path_named_but_not_a_spreadsheet(tmp_path):
    p = tmp_path / "说明.pdf"
    p.write_bytes(b"%PDF-1.4 whatever")
    found, res = issues_of(p)
    assert [f[0] for f in found] == ["unreadable-file"]
    assert "PDF" in res.all_issues()[0].message


def test_skipped_file_for_a_broken_link_in_a_folder(tmp_path):
    folder = tmp_path / "in"
    write_xlsx(folder / "a.xlsx", standard_rows([project()]))
    (folder / "旧报表.xlsx").symlink_to(tmp_path / "已删除.xlsx")
    found, res = issues_of(folder)
    assert [f[:2] for f in found] == [("skipped-file", "warning")]
    assert len(res.valid_records()) == 1


def test_illegal_character_removed_with_warning(tmp_path):
    # openpyxl refuses control characters, so this arrives as CSV (as web exports do).
    p = write_csv(tmp_path / "昌吉市.csv", standard_rows([project(name="道路\x07清扫")]))
    found, res = issues_of(p)
    assert found == [("illegal-character", "warning", "昌吉市", "D4")]
    assert res.valid_records()[0].name == "道路清扫"


def test_csv_in_gbk_is_read(tmp_path):
    p = write_csv(tmp_path / "奇台县.csv", standard_rows([project(jurisdiction="奇台县")]), encoding="gbk")
    found, res = issues_of(p)
    assert found == []
    r = res.valid_records()[0]
    assert (r.jurisdiction, r.amount, r.source.sheet, r.cells["amount"]) == ("奇台县", Decimal("120.5"), "奇台县", "G4")


def test_every_registered_code_is_exercised_here():
    import pathlib
    import re

    from gpscli.issues import REGISTRY

    text = pathlib.Path(__file__).read_text(encoding="utf-8")
    exercised = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', text))
    assert set(REGISTRY) - exercised == set()


def test_a_negative_amount_is_reported_beside_another_error_in_its_row(tmp_path):
    found, _ = one(tmp_path, unit=None, amount=-5)
    assert found == [("missing-value", "error", "项目明细", "C4"), ("negative-amount", "error", "项目明细", "G4")]


def test_unit_conflict_in_a_cell(tmp_path):
    found, res = one(tmp_path, amount="￥120.5")
    assert found == [("unit-conflict", "error", "项目明细", "G4")]
    assert res.valid_records() == []


def test_duplicate_submission_is_one_error_for_the_whole_file(tmp_path):
    rows = standard_rows([project(name="甲", amount=10), project(name="乙", amount=20)])
    write_xlsx(tmp_path / "in" / "昌吉市.xlsx", rows)
    write_xlsx(tmp_path / "in" / "昌吉市-第二次.xlsx", [["昌吉市2016年项目表(第二次)"], *rows[1:]])  # not byte-identical
    found, res = issues_of(tmp_path / "in")
    assert found == [("duplicate-submission", "error", None, None)]
    assert "2 个项目及金额都相同" in res.errors[0].message
    assert len(res.valid_records()) == 2


def test_hidden_row_and_hidden_column_are_warnings_at_their_place(tmp_path):
    import openpyxl

    p = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(name="甲", amount=120),
                                                            project(name="已取消", amount=999)]))
    wb = openpyxl.load_workbook(p)
    wb.active.row_dimensions[5].hidden = True
    wb.active.column_dimensions["G"].hidden = True
    wb.save(p)
    found, res = issues_of(p)
    assert found == [("hidden-column", "warning", "项目明细", "G3"), ("hidden-row", "warning", "项目明细", "D5")]
    assert "已取消" in res.warnings[1].message and "999 万元" in res.warnings[1].message
    assert sum(r.amount for r in res.valid_records()) == Decimal("1119")  # counted, and said so


def test_hidden_sheet_with_projects_is_a_warning_at_the_sheet(tmp_path):
    p = write_xlsx(tmp_path / "昌吉市.xlsx", standard_rows([project(name="甲")]),
                   extra_sheets={"旧表": standard_rows([project(name="乙")])}, hidden=["旧表"])
    found, res = issues_of(p)
    assert found == [("hidden-sheet", "warning", "旧表", None)]
    assert len(res.valid_records()) == 1


def _register_workbook(tmp_path):
    """Every column of the project register (财政部令第102号), each problem once."""
    import datetime as dt

    from builders import register_rows
    from gpscli.register import credit_code_check_char

    good = "91652301MA7765432"
    good += credit_code_check_char(good)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    d = dt.datetime
    plain = ["企业", good, 100, 95, 50, "一般公共预算", d(2016, 1, 1), d(2016, 12, 31), "1年", d(2015, 12, 18),
             d(2015, 12, 22), "", "良好"]
    rows = register_rows([
        (project(name="城区道路清扫保洁服务"), plain),                                                     # row 4: clean
        (project(name="社区养老服务"), ["社会组织", bad, 60, 60, 30, "", None, None, "", None, None, "", ""]),  # 5
        (project(name="物业管理服务"), ["企业", good, 400, 400, 100, "", d(2016, 1, 1), d(2019, 12, 31), "", None,
                                     None, "", ""]),                                                    # 6: 4 years
        (project(name="绿化养护服务"), ["企业", good, 200, 200, 100, "", None, None, "2年", None, None,
                                     "2016年100万元;2017年100万元", ""]),                                   # 7: 2 years
        (project(name="窗口劳务派遣服务"), ["企业", good, 30, 30, 30, "", None, None, "", None, None, "", ""]),  # 8
        (project(name="检验检测服务", supplier="州疾控中心"), ["公益一类事业单位", "", 20, 20, 0, "", None, None, "",
                                                      None, None, "", ""]),                          # 9
        (project(name="课后托管服务"), ["社会组织", "", 50, 55, 10, "", None, None, "", None, None, "", ""]),  # 10
    ])
    return write_xlsx(tmp_path / "昌吉市.xlsx", rows)


def test_the_register_columns_each_problem_at_its_cell_and_nothing_else(tmp_path):
    res = api.load([_register_workbook(tmp_path)])
    found = [(i.code, i.severity.value, i.cell) for f in res.files for i in f.issues]
    assert sorted(found) == sorted([
        ("invalid-credit-code", "error", "M5"),  # the check character
        ("contract-too-long", "error", "S6"),  # 2016-01-01 to 2019-12-31: 48 months, at the 终止日期
        ("contract-over-one-year", "warning", "T7"),  # 2年, at the 合同期限
        ("negative-list", "warning", "D8"),  # 劳务派遣
        ("refused-supplier-type", "error", "L9"),  # 第八条
        ("contract-above-budget", "warning", "O10"),  # 55 > 50
    ])
    rec = res.files[0].records[0]
    assert rec.extra["budget"] == Decimal("100") and rec.extra["term"] == 12 and rec.cells["supplier_type"] == "L4"


def test_register_values_that_cannot_be_read_or_contradict_each_other(tmp_path):
    import datetime as dt

    from builders import register_rows

    d = dt.datetime
    blank = [None] * 13

    def with_(**cells):
        row = list(blank)
        for letter, v in cells.items():
            row["LMNOPQRSTUVWX".index(letter)] = v
        return row

    rows = register_rows([
        (project(name="甲"), with_(N="待定")),                                 # 4: 预算金额 not a number
        (project(name="乙"), with_(R="明年")),                                 # 5: 起始日期 not a date
        (project(name="丙"), with_(T=2)),                                      # 6: 期限 without a unit
        (project(name="丁"), with_(R="2016-06-01", S="2016-01-01")),           # 7: ends before it starts
        (project(name="戊"), with_(U=d(2016, 3, 4), V=d(2016, 3, 10))),        # 8: Fri -> next Thu: 4 working days
        (project(name="己"), with_(U=d(2016, 3, 4), V=d(2016, 3, 8))),         # 9: Fri -> Tue: 2, in time
        (project(name="庚"), with_(O=10, P=12)),                               # 10: paid above the contract
        (project(name="辛"), with_(L="合作社")),                                # 11: not a 第六条 type
        (project(name="壬"), with_(T="18个月")),                               # 12: fine (over a year: warned)
    ])
    res = api.load([write_xlsx(tmp_path / "昌吉市.xlsx", rows)])
    found = sorted((i.code, i.cell) for f in res.files for i in f.issues)
    assert found == sorted([
        ("invalid-register-value", "N4"), ("invalid-register-value", "R5"), ("invalid-register-value", "T6"),
        ("dates-out-of-order", "S7"), ("late-notice", "V8"), ("paid-above-contract", "P10"),
        ("unknown-supplier-type", "L11"), ("contract-over-one-year", "T12"),
    ])
    messages = {i.cell: i.message for f in res.files for i in f.issues}
    assert "“待定”" in messages["N4"] and "没有写明单位" in messages["T6"] and "4 个工作日" in messages["V8"]


def test_a_purchase_method_outside_the_list_is_warned_and_other_spellings_are_the_laws(tmp_path):
    rows = standard_rows([project(name="甲", method="单一来源"), project(name="乙", method="定点采购"),
                          project(name="丙", method="竞争性磋商")])
    res = api.load([write_xlsx(tmp_path / "昌吉市.xlsx", rows)])
    assert [(i.code, i.severity.value, i.cell) for f in res.files for i in f.issues] == [
        ("unknown-method", "warning", "H5")]
    assert [r.method for r in res.valid_records()] == ["单一来源采购", "定点采购", "竞争性磋商"]
    res = api.load([tmp_path / "昌吉市.xlsx"], methods=["定点采购"])  # the bureau's own method (gps.toml methods)
    assert [i.code for f in res.files for i in f.issues] == []
