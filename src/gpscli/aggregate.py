"""Counts (项) and exact amounts (万元) by any combination of dimensions, in the order people expect.

Order: jurisdictions as in the profile (本级, parks, counties), categories as in the catalogue,
purchase methods as in the law; purchasing units by jurisdiction, then as met in the files.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from decimal import Decimal
from pathlib import PurePath
from typing import Callable, Iterable

from .errors import UsageError
from .issues import Issue
from .records import METHODS, FileResult, ProjectRecord, RecordBatch

DIMENSIONS: dict[str, str] = {
    "jurisdiction": "地区",
    "category": "一级目录",
    "subcategory": "二级目录",
    "unit": "购买主体",
    "method": "购买方式",
}
NO_VALUE = "(未填)"


@dataclass
class Figure:
    count: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal(0))

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount


@dataclass
class Submission:
    jurisdiction: str
    files: int
    rows: int
    unread: int = 0  # files named after this jurisdiction from which no project could be counted

    @property
    def submitted(self) -> bool:
        return self.rows > 0

    @property
    def status(self) -> str:
        if self.rows > 0:
            return "已报送"
        return "有文件但未读出数据" if self.unread else "未报送"


# Rows of one sheet to count: a batch, and the indices of its rows to use (None: all of them).
View = tuple[RecordBatch, "list[int] | None"]


@dataclass
class Aggregation:
    year: int
    dimensions: list[str]
    total: Figure
    by: dict[str, list[tuple[str, Figure]]]
    cells: list[tuple[tuple[str, ...], Figure]]
    views: list[View]  # the rows counted, by sheet (``records`` makes them into records)
    files: list[FileResult]
    skipped: list[Issue]
    submissions: list[Submission]
    region: str = ""
    warnings: list[Issue] = field(default_factory=list)  # warnings of the inputs (not of other years' rows)

    @cached_property
    def records(self) -> list[ProjectRecord]:
        """The records counted, in the order they were read."""
        out: list[ProjectRecord] = []
        for b, keep in self.views:
            recs = b.records()
            out.extend(recs if keep is None else [recs[i] for i in keep])
        return out

    def figure(self, **where: str) -> Figure:
        """Sum of the cells matching ``where`` (e.g. ``figure(category="技术性服务")``)."""
        out = Figure()
        for r in self.records:
            if all(_value(r, d) == v for d, v in where.items()):
                out.add(r.amount)
        return out


def parse_dimensions(text: str | Iterable[str]) -> list[str]:
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    aliases = {v: k for k, v in DIMENSIONS.items()} | {"地区": "jurisdiction", "目录": "category", "类别": "category",
                                                       "单位": "unit", "方式": "method"}
    dims = []
    for n in names:
        d = n if n in DIMENSIONS else aliases.get(n)
        if d is None:
            raise UsageError(f"--by 不认识「{n}」;可用:{', '.join(DIMENSIONS)}")
        if d in dims:
            raise UsageError(f"--by 中「{n}」重复")
        dims.append(d)
    if not dims:
        raise UsageError("--by 至少需要一个维度")
    return dims


def _value(r: ProjectRecord, dim: str) -> str:
    v = getattr(r, dim)
    return v if v else NO_VALUE


def _orderer(dim: str, first: dict[str, tuple[int, int]], jur_order: dict[str, int], cat_order: dict[str, int]):
    if dim == "jurisdiction":
        return lambda v: (jur_order.get(v, len(jur_order)), v)
    if dim in ("category", "subcategory"):
        return lambda v: (cat_order.get(v, len(cat_order)), v == NO_VALUE, v)
    if dim == "method":
        m = {name: n for n, name in enumerate(METHODS)}
        return lambda v: (m.get(v, len(m)), v == NO_VALUE, v)
    last = (len(jur_order), len(first))
    return lambda v: first.get(v, last)  # purchasing units: by jurisdiction, then as met


def year_views(views: Iterable[View], year: int) -> list[View]:
    """The rows of ``year`` only."""
    out: list[View] = []
    for b, keep in views:
        years = b.year
        if keep is None and min(years, default=year) == max(years, default=year) == year:
            out.append((b, None))
            continue
        idx = [i for i in (range(len(years)) if keep is None else keep) if years[i] == year]
        if idx:
            out.append((b, idx))
    return out


def aggregate(records: list[ProjectRecord], year: int, dimensions: list[str], *, jurisdictions: list[str],
              categories_order: dict[str, int], files: list[FileResult] | None = None,
              skipped: list[Issue] | None = None, region: str = "",
              find_jurisdiction: Callable[[str], str | None] | None = None) -> Aggregation:
    """Aggregate the records of ``year``. ``jurisdictions`` is the profile order."""
    return aggregate_views([(b, None) for b in RecordBatch.of(records)], year, dimensions,
                           jurisdictions=jurisdictions, categories_order=categories_order, files=files,
                           skipped=skipped, region=region, find_jurisdiction=find_jurisdiction)


def aggregate_views(views: Iterable[View], year: int, dimensions: list[str], *, jurisdictions: list[str],
                    categories_order: dict[str, int], files: list[FileResult] | None = None,
                    skipped: list[Issue] | None = None, region: str = "",
                    find_jurisdiction: Callable[[str], str | None] | None = None,
                    warnings: list[Issue] | None = None) -> Aggregation:
    """:func:`aggregate` over record columns (what :func:`gpscli.api.aggregate` uses)."""
    rows = year_views(views, year)
    jur_order = {j: n for n, j in enumerate(jurisdictions)}
    n_jur = len(jur_order)
    # One pass per sheet: amounts summed per cell (exact: Decimal addition), then rolled up.
    sums: dict[tuple[str, ...], list] = {}
    counts: dict[str, int] = {}
    paths: dict[str, set[str]] = {}
    first_unit: dict[str, tuple[int, int]] = {}
    seen = 0
    for b, keep in rows:
        cols = [col if all(col := getattr(b, d)) else [v or NO_VALUE for v in col] for d in dimensions]
        jurs, amounts, units = b.jurisdiction, b.amount, b.unit
        if keep is not None:
            cols = [[c[i] for i in keep] for c in cols]
            jurs, amounts, units = ([c[i] for i in keep] for c in (jurs, amounts, units))
        for values, amount in zip(zip(*cols), amounts):
            cell = sums.get(values)
            if cell is None:
                sums[values] = [1, amount]
            else:
                cell[0] += 1
                cell[1] += amount
        for j, n in Counter(jurs).items():
            counts[j] = counts.get(j, 0) + n
            paths.setdefault(j, set()).add(b.path)
        if "unit" in dimensions:
            for n, (u, j) in enumerate(zip(units, jurs)):
                first_unit.setdefault(u or NO_VALUE, (jur_order.get(j, n_jur), seen + n))
        seen += len(amounts)
    cells = {values: Figure(n, amount) for values, (n, amount) in sums.items()}
    total = Figure()
    by: dict[str, dict[str, Figure]] = {d: {} for d in dimensions}
    for values, f in cells.items():
        total.count += f.count
        total.amount += f.amount
        for d, v in zip(dimensions, values):
            t = by[d].setdefault(v, Figure())
            t.count += f.count
            t.amount += f.amount
    order = {d: _orderer(d, first_unit, jur_order, categories_order) for d in dimensions}
    by_sorted = {d: sorted(by[d].items(), key=lambda kv, d=d: order[d](kv[0])) for d in dimensions}
    cells_sorted = sorted(cells.items(), key=lambda kv: tuple(order[d](v) for d, v in zip(dimensions, kv[0])))
    unread: dict[str, int] = {}
    for f in files or []:
        if not f.rows and not f.ignored and find_jurisdiction is not None:
            j = find_jurisdiction(PurePath(f.path).stem)
            if j is not None:
                unread[j] = unread.get(j, 0) + 1
    submissions = [Submission(j, len(paths.get(j, ())), counts.get(j, 0), unread.get(j, 0)) for j in jurisdictions]
    files = files or []
    return Aggregation(year, dimensions, total, by_sorted, cells_sorted, rows, files, skipped or [], submissions, region,
                       warnings or [])


def choose_year(years: list[int], requested: int | None) -> int:
    """The year to aggregate: the one asked for, or the only one in the data."""
    if requested is not None:
        return requested
    if len(years) == 1:
        return years[0]
    if not years:
        raise UsageError("数据中没有可汇总的项目,请检查路径,或用 --year 指定年度")
    raise UsageError(f"数据中包含 {'、'.join(map(str, years))} 年的项目,请用 --year 指定要汇总的年度")
