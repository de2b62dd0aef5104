"""Reporting periods: a quarter (``2017Q3``) or a whole year (``2017``), their order and deadlines.

Submissions are year-to-date (累计): the 2017Q3 list holds every 2017 project known by the end
of the third quarter, and the annual round (``2017``) closes the year. So the periods of one year
are ordered Q1 < Q2 < Q3 < Q4 < the year, and the state of a period is made of the latest list
of each submitter tagged with that period or an earlier one.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .errors import UsageError

_PERIOD = re.compile(r"^(\d{4})\s*(?:年度?|年?全年)?\s*(?:[-_ ]?(?:[Qq]|第)?\s*([1-4一二三四])\s*(?:季度|季)?)?$")
_QUARTER = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}
ANNUAL = 5  # the rank of the annual round: after the four quarters


@dataclass(frozen=True, order=True)
class Period:
    year: int
    quarter: int | None = None  # None: the annual round

    @classmethod
    def parse(cls, text: str, option: str = "--period", today: dt.date | None = None) -> Period:
        """``2017Q4``, ``2017-4``, ``2017第4季度`` -> a quarter; ``2017``, ``2017年`` -> the year;
        ``auto`` (自动) -> the quarter that ended last, :func:`current` (``today`` is injectable)."""
        if str(text).strip().lower() in AUTO:
            return current(today)
        m = _PERIOD.match(str(text).strip())
        if not m:
            raise UsageError(f"{option}「{text}」格式不对;请写成 2017Q4(季度)、2017(全年)或 auto(刚结束的季度)")
        year = int(m.group(1))
        if not 2000 <= year <= 2100:
            raise UsageError(f"{option} 的年份 {year} 不合理")
        return cls(year, _QUARTER[m.group(2)] if m.group(2) else None)

    @classmethod
    def from_rank(cls, year: int, rank: int) -> Period:
        return cls(year, None if rank == ANNUAL else rank)

    @property
    def label(self) -> str:
        """How it is stored and written in file and folder names: ``2017Q4``, ``2017``."""
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def text(self) -> str:
        """How people read it: 2017年第四季度, 2017年."""
        if self.quarter:
            return f"{self.year}年第{'一二三四'[self.quarter - 1]}季度"
        return f"{self.year}年"

    @property
    def rank(self) -> int:
        """Order within the year: 1-4 for the quarters, 5 for the annual round."""
        return self.quarter or ANNUAL

    @property
    def end(self) -> dt.date:
        """The last day the period covers."""
        if self.quarter is None or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    def previous(self) -> Period:
        """环比: the period before (2017Q1 -> 2016Q4; a year -> the year before)."""
        if self.quarter is None:
            return Period(self.year - 1)
        if self.quarter == 1:
            return Period(self.year - 1, 4)
        return Period(self.year, self.quarter - 1)

    def year_before(self) -> Period:
        """同比: the same period a year earlier."""
        return Period(self.year - 1, self.quarter)

    def deadline(self, quarter_days: int | None, year_days: int | None) -> dt.date | None:
        """The last day to submit: ``quarter_days`` (or ``year_days``) after the period ends."""
        days = year_days if self.quarter is None else quarter_days
        return None if days is None else self.end + dt.timedelta(days=days)

    def __str__(self) -> str:
        return self.label


AUTO = ("auto", "自动")  # --period auto: the quarter that ended last


def current(today: dt.date | None = None) -> Period:
    """The quarter that ended last (what a quarter-end run reports on; ``--period auto``): the latest
    quarter whose last day is ``today`` or earlier. On 2018-01-05 that is 2017Q4, and so it is on
    2017-12-31 itself (a run at 23:30 on a quarter's last day is about that quarter); on 2017-12-30
    it is 2017Q3."""
    tomorrow = (today or dt.date.today()) + dt.timedelta(days=1)
    q = (tomorrow.month - 1) // 3  # quarters of tomorrow's year ended before tomorrow
    return Period(tomorrow.year - 1, 4) if q == 0 else Period(tomorrow.year, q)


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
                 "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y%m%d")


def parse_time(text: str, option: str, *, end_of_day: bool = False) -> dt.datetime:
    """A local date or time typed on the command line, as UTC without a zone (how the ledger keeps
    times). A date alone is the start of that day, or its end with ``end_of_day`` (``--as-of
    2018-01-20`` includes what came that day)."""
    raw = str(text).strip().replace("年", "-").replace("月", "-").replace("日", "").rstrip("-")
    for f in _TIME_FORMATS:
        try:
            t = dt.datetime.strptime(raw, f)
        except ValueError:
            continue
        if "%H" not in f and end_of_day:
            t = t.replace(hour=23, minute=59, second=59, microsecond=999999)
        if not 2000 <= t.year <= 2100:
            break
        return t.astimezone(dt.UTC).replace(tzinfo=None)
    raise UsageError(f"{option}「{text}」格式不对;请写成 2018-01-20 或 2018-01-20 15:30(本机时间)")


def utc_iso(t: dt.datetime | None) -> str | None:
    """A UTC time from the ledger for JSON: ISO 8601 with its zone (None stays None)."""
    return None if t is None else t.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")


def local_text(t: dt.datetime | None) -> str:
    """A UTC time from the ledger as people read it: local time, to the minute."""
    if t is None:
        return ""
    return t.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")
