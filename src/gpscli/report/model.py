"""The values a report template reads: figures, places, groups, sections, years, the appendix.

Plain frozen dataclasses with the ready-written forms templates use (``money``, ``items``...);
:mod:`.context` and :mod:`.sections` compute them from :class:`~gpscli.aggregate.Aggregation` objects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ..profile import GROUP
from . import fmt


class _Money:
    """An amount with the ready-written forms templates use."""

    amount: Decimal

    @property
    def money(self) -> str:
        return fmt.money(self.amount)

    @property
    def wan(self) -> str:
        return fmt.wan(self.amount)


class _Figured(_Money):
    """count + amount, with the ready-written forms templates use."""

    count: int
    amount: Decimal

    @property
    def items(self) -> str:
        return fmt.items(self.count)


@dataclass(frozen=True)
class Fig(_Figured):
    count: int
    amount: Decimal


@dataclass(frozen=True)
class YearPoint(_Figured):
    """One year of the trend (``history``): its year, count and amount."""

    year: int
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Line(_Figured):
    """A named figure: a category, a sub-category or a jurisdiction in a list."""

    name: str
    count: int
    amount: Decimal
    share: Decimal | None = None  # percent of the enclosing total's amount, two decimals

    @property
    def share_text(self) -> str:
        return fmt.percent(self.share)


@dataclass(frozen=True)
class Project(_Money):
    jurisdiction: str
    unit: str
    name: str
    category: str
    subcategory: str
    amount: Decimal
    mark: str = ""  # 【金额有待核实】 when a warning stands on its row: never an ordinary figure then


@dataclass(frozen=True)
class Review:
    """What the draft must say before anyone reads its figures: rows left out, amounts to check."""

    skipped: list[str]  # one line per error whose row was left out (--skip-invalid)
    unverified: list[str]  # one line per counted amount a warning questions

    @property
    def skipped_text(self) -> str:
        return _listed(self.skipped)

    @property
    def unverified_text(self) -> str:
        return _listed(self.unverified)

    def __bool__(self) -> bool:
        return bool(self.skipped or self.unverified)


def _listed(lines: list[str], most: int = 10) -> str:
    shown = "；".join(lines[:most])
    return shown + (f"；等共{len(lines)}处" if len(lines) > most else "")


@dataclass(frozen=True)
class Place(_Figured):
    """One jurisdiction (州本级, a park, a county or city) in the report year."""

    name: str
    kind: str
    count: int
    amount: Decimal
    categories: list[Line]
    subcategories: list[Line]
    top: list[Project]
    projects: Sequence[Project]  # made lazily (sections._Ranked): a Project only when read
    zero: bool = False  # no project: it sent a 零报告 (else, without projects, it has not reported)

    @property
    def submitted(self) -> bool:
        return self.count > 0

    @property
    def not_reported(self) -> bool:
        return not self.count and not self.zero


@dataclass(frozen=True)
class Group(_Figured):
    """Several jurisdictions written as one paragraph (the counties and cities: 其他各县（市）)."""

    name: str
    count: int
    amount: Decimal
    categories: list[Line]
    subcategories: list[Line]
    top: list[Project]
    members: list[Place]
    missing: list[str]  # members that have not reported (no projects and no 零报告)
    label: str = ""  # how one member is called in a sentence: 县（市）
    zero: list[str] = field(default_factory=list)  # members that sent a 零报告

    @property
    def member_names(self) -> str:
        return "、".join(m.name for m in self.members)

    @property
    def submitted(self) -> list[Place]:
        return [m for m in self.members if m.submitted]


@dataclass(frozen=True)
class Section:
    """One kind of jurisdiction (a profile's [[kinds]] entry) as section 二 writes it."""

    name: str  # the kind: 本级, 园区, 县市
    report: str  # each: a paragraph per place; group: one paragraph for all (``group``)
    label: str  # how one of them is called in a sentence: 县（市）
    places: list[Place]  # in profile order
    group: Group | None  # for report == "group", else None

    @property
    def grouped(self) -> bool:
        return self.report == GROUP


@dataclass(frozen=True)
class Change:
    percent: Decimal | None
    direction: str  # 增长 | 下降 | 持平
    text: str  # 增长19.61%
    amount_diff: Decimal
    count_diff: int
    count_text: str  # 增加13项 | 减少2项 | 持平

    @property
    def percent_text(self) -> str:
        return fmt.percent(None if self.percent is None else abs(self.percent))


@dataclass(frozen=True)
class YearFigures(_Figured):
    """Another year's totals (the next year's plan, or the previous year), with the change."""

    year: int
    count: int
    amount: Decimal
    categories: list[Line]
    change: Change  # next_year: from the report year to it; prev_year, prev_period: from it to the report's
    label: str = ""  # how the text names it: 2016年, 2017年第二季度

    @property
    def total(self) -> Fig:
        return Fig(self.count, self.amount)


@dataclass(frozen=True)
class TableRow:
    name: str
    kind: str
    cells: list[Fig | None]  # one per table column (category); None where there is no project
    total: Fig


@dataclass(frozen=True)
class Table:
    """The appendix: jurisdictions x categories, counts and amounts, with totals."""

    year: int
    columns: list[str]
    rows: list[TableRow]
    total: TableRow
