"""Every phrase gps writes into its reports and tables, in one place: titles, file names, change
wording, group names, table and sheet headers, and the markers a drafter must act on.

Change a phrase here and the report, its default template (templates/build_templates.py, then
``make report-template``), ``gps run`` and the documentation of the template variables follow.
Messages about problems (errors, warnings) stay with the code that finds the problem.
"""

from __future__ import annotations

import datetime as dt

# --- titles and file names ------------------------------------------------------------------------

REPORT_NAME = "政府购买服务工作进展情况报告"
REPORT_TITLE = "{year}年" + REPORT_NAME  # 2016年政府购买服务工作进展情况报告; may hold {region}, {region_short}


def report_title(year: int) -> str:
    """The default title of a year's report: 2016年政府购买服务工作进展情况报告."""
    return REPORT_TITLE.replace("{year}", str(year))


def report_filename(year: int) -> str:
    """The report draft: 2016年政府购买服务工作进展情况报告.docx."""
    return f"{report_title(year)}.docx"


def table_title(year: int | str, region: str = "") -> str:
    """The aggregate table's title: 昌吉回族自治州2016年政府购买服务项目汇总表."""
    return f"{region}{year}年政府购买服务项目汇总表"


def table_filename(year: int) -> str:
    """The aggregate workbook of ``gps run``: 2016年政府购买服务项目汇总表.xlsx."""
    return f"{table_title(year)}.xlsx"


def table_json_filename(year: int) -> str:
    """The aggregate as JSON of ``gps run``: 2016年政府购买服务项目汇总.json."""
    return f"{year}年政府购买服务项目汇总.json"


def annex_title(year: int | str, region_short: str) -> str:
    """The appendix's title: 2016年昌吉州政府购买服务项目分地区汇总表 (the template passes Jinja tags)."""
    return f"{year}年{region_short}政府购买服务项目分地区汇总表"


def bureau(region: str) -> str:
    """The signing bureau when the profile names none: 昌吉回族自治州财政局."""
    return f"{region}财政局"


def date_text(day: dt.date) -> str:
    """The date under the signature (成文日期, GB/T 9704-2012 7.3.5.3: Arabic numerals, full year,
    no leading zeros): 2017年1月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


# --- figures ----------------------------------------------------------------------------------

UNIT = "万元"  # 16252.68万元
ITEM = "项"  # 55项
PERCENT = "%"

RISE, FALL, FLAT = "增长", "下降", "持平"  # the direction of a change between two years


def percent_change_text(direction: str, percent: str) -> str:
    """增长19.61% / 下降50%; ``percent`` already written (19.61%)."""
    return f"{direction}{percent}"


def amount_added_text(money: str) -> str:
    """When the earlier year had nothing: 增加200万元."""
    return f"增加{money}"


def count_change_text(diff: int) -> str:
    """增加13项 / 减少2项 / 持平."""
    if diff > 0:
        return f"增加{diff}{ITEM}"
    if diff < 0:
        return f"减少{-diff}{ITEM}"
    return FLAT


# --- jurisdictions ----------------------------------------------------------------------------

COUNTY_LABEL = "县（市）"  # how the default profile's 县市 are called in a sentence
COUNTY_GROUP_NAME = "其他各县（市）"  # the default profile's counties and cities in one paragraph
OTHER_KIND = "其他"  # the kind of a jurisdiction that is not in the profile


def group_name(label: str) -> str:
    """The paragraph name of a group kind that declares none: 各县."""
    return f"各{label}"


# --- the appendix table ------------------------------------------------------------------------

TABLE_PLACE = "地区"
TABLE_COUNT = "项数"
TABLE_AMOUNT = "金额"
TOTAL = "合计"
# A table cell with no project (a category a jurisdiction did not buy): the same mark on the screen,
# in the 汇总表 workbook and in the report's annex, as 公文 tables leave no empty cell unexplained.
NO_FIGURE = "—"
# A jurisdiction without projects in a draft: it sent a 零报告 (the ledger holds a submission with a
# header and no project rows), or it has not reported yet (a partial quarter): the text says which.
ZERO_REPORT = "零报告"
NOT_REPORTED = "尚未报送"

# --- the aggregate workbook and CSV (gps aggregate --out, gps run) ---------------------------------

SUMMARY_SHEET, DETAIL_SHEET, SUBMISSIONS_SHEET, ISSUES_SHEET = "汇总表", "明细", "报送情况", "问题"
CHART_SHEET = "图表"  # the amounts by each dimension of --by, as native (editable) Excel charts
VERSIONS_SHEET = "来源版本"  # from the ledger: which version of each submitter the figures stand on
VERSION_HEADERS = ("地区", "报送单位", "期间", "版本", "收到时间", "原文件", "sha256")
YEAR = "年度"
AMOUNT_COLUMN = "金额(万元)"
UNIT_LINE = "单位:项、万元"
DETAIL_HEADERS = ("序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录", AMOUNT_COLUMN, "购买方式", "承接主体",
                  YEAR, "来源文件", "工作表", "单元格")
SUBMISSION_HEADERS = ("地区", "文件数", "项目行数", "状态")
ISSUE_HEADERS = ("文件", "位置", "级别", "处理", "问题", "说明", "建议", "代码")  # 问题: the title; the code last
SKIPPED_LABEL = "未纳入汇总"  # an error whose row was left out (--skip-invalid)
WARNED_LABEL = "已计入,请核实"  # a warning on a row that was counted
ROUNDING_NOTE = "注:金额以万元为单位、保留两位小数显示;合计按精确值计算,个别合计与各分项显示值之和可能相差 0.01。"


def row_text(row: int) -> str:
    """A place with no cell: 第5行."""
    return f"第{row}行"


# --- markers the drafter must act on ----------------------------------------------------------

UNVERIFIED_MARK = "【金额有待核实】"  # after an amount a warning questions, never an ordinary figure
FILL_IN_MARK = "【请在此填写……】"  # how the places left for people are referred to
PROGRESS_HINT = ("【请在此填写本年度推进政府购买服务改革的做法，如组织领导、制度建设、试点示范、宣传引导等；"
                 "也可写在叙述文件的「# 工作进展」一节，重新生成报告时自动填入】")
PROBLEMS_HINT = ("【请在此填写工作中存在的问题和下一步的建议；"
                 "也可写在叙述文件的「# 问题和建议」一节，重新生成报告时自动填入】")
