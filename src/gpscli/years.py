"""Years as people type them: 2016, 2016.0, "2016年", "2016年度", a date."""

from __future__ import annotations

import datetime as dt
import re

from .money import nfkc

MIN_YEAR, MAX_YEAR = 2000, 2100
_YEAR_TEXT = re.compile(r"^(\d{4})(?:\.0+)?(?:年度?)?$")
_DATE_TEXT = re.compile(r"^(\d{4})(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?|年\d{1,2}月(?:\d{1,2}日?)?)"
                        r"(?:[\sT]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" "9")
_CN_YEAR = re.compile(r"[二〇○零一三四五六七八九]{4}(?=\s*年)")
# A year in a title: 2016年, 2016年度; not a date (2017年3月5日, 2017-03-05) and not a range (2016-2018年).
_YEAR_IN_TEXT = re.compile(
    r"(?<![\d\-—~～至到])(20\d{2})(?:\s*年(?!\s*\d{1,2}\s*月)|(?=\s*(?:年度|预算|决算)))"
)
_RANGE = re.compile(r"20\d{2}\s*年?\s*[-—~～至到]+\s*20\d{2}")
_DATE_IN_TEXT = re.compile(r"20\d{2}\s*(?:[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)")


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
        raw = nfkc(str(value)).strip()
        if "年" in raw:
            raw = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), raw)
        m = _YEAR_TEXT.match(raw.replace(" ", "")) or _DATE_TEXT.match(raw)
        if not m:
            raise YearError("不是年份")
        year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise YearError(f"不在{MIN_YEAR}—{MAX_YEAR}之间")
    return year


def years_in_text(text: str) -> list[int]:
    """Budget years named in a title line (``2016年``, ``2016年度``, ``二〇一六年``), in order.

    Dates (填报日期:2017年3月5日) and ranges (2016-2018年) name no single budget year and
    are left out, so a 填报日期 printed in the 填报单位 line never becomes the year.
    """
    s = nfkc(text)
    if "年" in s:
        s = _CN_YEAR.sub(lambda m: m.group(0).translate(_CN_DIGITS), s)
    s = _RANGE.sub(" ", s)
    s = _DATE_IN_TEXT.sub(" ", s)
    return [int(y) for y in _YEAR_IN_TEXT.findall(s)]
