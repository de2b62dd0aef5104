"""Years as people type them: 2016, 2016.0, "2016年", "2016年度", a date."""

from __future__ import annotations

import datetime as dt
import re

from .money import nfkc

MIN_YEAR, MAX_YEAR = 2000, 2100
_YEAR_TEXT = re.compile(r"^(\d{4})(年度?|年)?$")
_YEAR_IN_TEXT = re.compile(r"(20\d{2})\s*年")


class YearError(ValueError):
    pass


def parse_year(value: object) -> int:
    if value is None or value == "":
        raise YearError("为空")
    if isinstance(value, bool):
        raise YearError("是逻辑值")
    if isinstance(value, (dt.date, dt.datetime)):
        year = value.year
    elif isinstance(value, int):
        year = value
    elif isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or value != int(value):
            raise YearError("不是整数年份")
        year = int(value)
    else:
        s = nfkc(str(value)).strip().replace(" ", "")
        if s.endswith(".0"):
            s = s[:-2]
        m = _YEAR_TEXT.match(s)
        if not m:
            m2 = re.match(r"^(\d{4})[-/.]\d{1,2}([-/.]\d{1,2})?", s)
            if not m2:
                raise YearError("不是年份")
            year = int(m2.group(1))
        else:
            year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise YearError(f"不在{MIN_YEAR}—{MAX_YEAR}之间")
    return year


def years_in_text(text: str) -> list[int]:
    """Years written as ``20xx年`` in a title line, in order of appearance."""
    return [int(y) for y in _YEAR_IN_TEXT.findall(nfkc(text))]
