"""The ledger's small parts: periods, submitters from file names, database errors in Chinese."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from gpscli import profile
from gpscli.errors import UsageError
from gpscli.ledger.engine import reason
from gpscli.ledger.submitter import submitter_of
from gpscli.periods import Period, current


@pytest.mark.parametrize(("text", "label"), [
    ("2017Q4", "2017Q4"), ("2017q1", "2017Q1"), ("2017-3", "2017Q3"), ("2017第2季度", "2017Q2"),
    ("2017年第四季度", "2017Q4"), ("2017年三季度", "2017Q3"), ("2017", "2017"), ("2017年", "2017"), ("2017年度", "2017"),
])
def test_periods_are_read_as_people_write_them(text, label):
    assert Period.parse(text).label == label


@pytest.mark.parametrize("bad", ["2017Q5", "2017年第五季度", "17Q4", "1999", "Q4", ""])
def test_a_period_that_is_not_one_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="--period"):
        Period.parse(bad)


def test_periods_order_deadlines_and_neighbours():
    q1, q4, year = Period(2017, 1), Period(2017, 4), Period(2017)
    assert q1.rank < q4.rank < year.rank
    assert (q1.previous(), q4.previous(), year.previous()) == (Period(2016, 4), Period(2017, 3), Period(2016))
    assert q4.year_before() == Period(2016, 4) and q4.text == "2017年第四季度"
    assert Period(2017, 2).deadline(25, None) == dt.date(2017, 7, 25)
    assert year.deadline(25, None) is None and year.deadline(25, 31) == dt.date(2018, 1, 31)
    assert current(dt.date(2018, 1, 5)) == Period(2017, 4) and current(dt.date(2018, 7, 1)) == Period(2018, 2)


@pytest.mark.parametrize(("name", "submitter"), [
    ("州本级-文化传媒部门.xlsx", "州本级-文化传媒部门"),
    ("州本级文化传媒部门.xlsx", "州本级-文化传媒部门"),  # no separator: still the department
    ("州本级_其他部门(2).xls", "州本级-其他部门"),
    ("昌吉州本级-其他部门.xlsx", "州本级-其他部门"),  # an alias of the jurisdiction
    ("奇台县.xlsx", "奇台县"),
    ("奇台县(更正).xlsx", "奇台县"),
    ("奇台县(二次更正).xlsx", "奇台县"),
    ("奇台县-修改后.xlsx", "奇台县"),
    ("奇台县-最终版.xlsx", "奇台县"),
    ("奇台县 - 副本.xlsx", "奇台县"),
    ("奇台县2017年第四季度政府购买服务项目表.xlsx", "奇台县"),
    ("奇台县-2017Q4.xlsx", "奇台县"),
    ("奇台县-张三.xlsx", "奇台县"),  # not a unit's name
])
def test_the_submitter_is_read_from_the_file_name(name, submitter):
    prof = profile.default()
    assert submitter_of(name, prof.find_in_text(name).name, prof) == submitter


def test_database_errors_are_said_in_chinese_with_the_drivers_words():
    said = reason(sqlite3.OperationalError("attempt to write a readonly database"))
    assert said.startswith("账本文件是只读的") and "readonly" in said
    assert reason(sqlite3.DatabaseError("file is not a database")).startswith("这个文件不是 gps 的账本")
    assert reason(RuntimeError("something new")) == "something new"
