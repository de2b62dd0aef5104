"""Counts (项) and exact amounts (万元) by any combination of dimensions, in the order people expect.

A dimension is a record in :data:`DIMENSION_REGISTRY`, the one place where dimensions vary: its
name, Chinese label, the other names ``--by`` accepts, the batch column its value is read from
(for a derived dimension, how the value follows from that column: worked out once per distinct
column value, never per row) and its order. Adding a dimension = one record.

Order: jurisdictions as in the profile (本级, parks, counties), kinds as the profile first lists
them, categories as in the catalogue, purchase methods as in the law; purchasing units by
jurisdiction, then as met in the files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from .errors import DataError, UsageError

if TYPE_CHECKING:  # not imported at run time: the CLI builds its --by help from this module at start-up
    from .issues import Issue
    from .profile import Profile
    from .records import FileResult, ProjectRecord, RecordBatch

NO_VALUE = "(未填)"

# Rows of one sheet to count: a batch, and the indices of its rows to use (None: all of them).
View = tuple["RecordBatch", "list[int] | None"]
SortKey = Callable[[str], tuple]


@dataclass
class Scope:
    """What dimensions draw on besides a batch's columns: the profile, the catalogue, the rows counted."""

    jurisdictions: list[str]  # the profile's order
    categories_order: dict[str, int]
    profile: Profile | None = None  # None: the built-in profile tells the kinds
    rows: list[View] = field(default_factory=list)
    _first_seen: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict, repr=False)

    @cached_property
    def jurisdiction_order(self) -> dict[str, int]:
        return {j: n for n, j in enumerate(self.jurisdictions)}

    @cached_property
    def _profile(self) -> Profile:
        if self.profile is not None:
            return self.profile
        from .profile import default

        return default()

    @cached_property
    def kinds(self) -> dict[str, str]:
        """Jurisdiction -> its kind (本级, 园区, 县市...), as the profile says."""
        return {j.name: j.kind for j in self._profile.jurisdictions}

    @cached_property
    def kind_order(self) -> dict[str, int]:
        """Kinds as the profile declares them (its ``[[kinds]]``, where it has them), then any other
        in the order the profile first lists a jurisdiction of it."""
        declared = getattr(self._profile, "kind_names", None)
        order = {k: n for n, k in enumerate(dict.fromkeys(declared() if callable(declared) else ()))}
        for j in [*self.jurisdictions, *self.kinds]:
            k = self.kinds.get(j)
            if k:
                order.setdefault(k, len(order))
        return order

    def first_seen(self, column: str) -> dict[str, tuple[int, int]]:
        """Value of ``column`` -> (the profile place of the jurisdiction of its first row, that row's
        number among the rows counted)."""
        cache = self._first_seen
        if column not in cache:
            jur_order, n_jur = self.jurisdiction_order, len(self.jurisdictions)
            first: dict[str, tuple[int, int]] = {}
            seen = 0
            for b, keep in self.rows:
                values, jurs = getattr(b, column), b.jurisdiction
                if keep is not None:
                    values, jurs = [values[i] for i in keep], [jurs[i] for i in keep]
                for n, (v, j) in enumerate(zip(values, jurs)):
                    first.setdefault(v or NO_VALUE, (jur_order.get(j, n_jur), seen + n))
                seen += len(values)
            cache[column] = first
        return cache[column]


def _ranked(order: Mapping[str, int]) -> SortKey:
    n = len(order)
    return lambda v: (order.get(v, n), v == NO_VALUE, v)


def _by_profile(scope: Scope, column: str) -> SortKey:
    return _ranked(scope.jurisdiction_order)


def _by_catalogue(scope: Scope, column: str) -> SortKey:
    return _ranked(scope.categories_order)


def _by_law(scope: Scope, column: str) -> SortKey:
    from .records import METHODS

    return _ranked({m: n for n, m in enumerate(METHODS)})


def _by_list(*names: str) -> Callable[[Scope, str], SortKey]:
    """In the order of the closed lists of :mod:`gpscli.register` named."""
    def order(scope: Scope, column: str) -> SortKey:
        from . import register

        values = [v for n in names for v in getattr(register, n)]
        return _ranked({v: i for i, v in enumerate(values)})
    return order


def _term_kind() -> Any:
    from .register import TermKind

    return TermKind()


def _by_kind(scope: Scope, column: str) -> SortKey:
    return _ranked(scope.kind_order)


def _as_met(scope: Scope, column: str) -> SortKey:
    first = scope.first_seen(column)
    last = (len(scope.jurisdictions), len(first))
    return lambda v: first.get(v, last)


@dataclass(frozen=True)
class Dimension:
    name: str  # what --by and the outputs call it (json: by_<name>)
    label: str  # Chinese: column headers; --by accepts it too
    column: str  # the RecordBatch column the value is read from
    order: Callable[[Scope, str], SortKey]  # (scope, column) -> sort key of a value
    aliases: tuple[str, ...] = ()  # other names --by accepts
    # A derived dimension: scope -> {column value: value}, worked out once per distinct column value
    # (per jurisdiction, say) and applied to the summed cells, not to rows. None: the column value.
    derive: Callable[[Scope], Mapping[Any, str]] | None = None


_DIMENSIONS = (
    Dimension("jurisdiction", "地区", "jurisdiction", _by_profile),
    Dimension("category", "一级目录", "category", _by_catalogue, aliases=("目录", "类别")),
    Dimension("subcategory", "二级目录", "subcategory", _by_catalogue),
    Dimension("unit", "购买主体", "unit", _as_met, aliases=("单位",)),
    Dimension("method", "购买方式", "method", _by_law, aliases=("方式",)),
    Dimension("kind", "地区类别", "jurisdiction", _by_kind, aliases=("地区类型",), derive=lambda scope: scope.kinds),
    # The project register's fields (gpscli.register), where the submissions give them.
    Dimension("supplier_type", "承接主体类型", "supplier_type", _by_list("SUPPLIER_TYPES", "REFUSED_SUPPLIER_TYPES"),
              aliases=("承接主体性质",)),
    Dimension("fund_source", "资金来源", "fund_source", _by_list("FUND_SOURCES")),
    Dimension("multi_year", "合同年限", "term", _by_list("TERM_KINDS"), aliases=("多年合同",),
              derive=lambda scope: _term_kind()),
)
DIMENSION_REGISTRY: dict[str, Dimension] = {d.name: d for d in _DIMENSIONS}


class _Labels(Mapping):
    """Dimension name -> Chinese label: a view of :data:`DIMENSION_REGISTRY`."""

    def __getitem__(self, name: str) -> str:
        return DIMENSION_REGISTRY[name].label

    def __iter__(self) -> Iterator[str]:
        return iter(DIMENSION_REGISTRY)

    def __len__(self) -> int:
        return len(DIMENSION_REGISTRY)


DIMENSIONS: Mapping[str, str] = _Labels()


def dimensions_text() -> str:
    """The dimensions for help text: "jurisdiction(地区)、category(一级目录)、..."."""
    return "、".join(f"{d.name}({d.label})" for d in DIMENSION_REGISTRY.values())


@dataclass
class Figure:
    count: int = 0
    amount: Decimal = field(default_factory=lambda: Decimal(0))
    # The register's amounts (预算金额, 合同金额, 执行数: gpscli.register.MONEY) summed over the rows
    # that give them, beside 金额; empty when no row does.
    register: dict[str, Decimal] = field(default_factory=dict)

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount

    def merge(self, other: Figure) -> None:
        self.count += other.count
        self.amount += other.amount
        for name, value in other.register.items():
            self.register[name] = self.register.get(name, Decimal(0)) + value


@dataclass
class Submission:
    jurisdiction: str
    files: int
    rows: int
    unread: int = 0  # files named after this jurisdiction from which no project could be counted
    zero: bool = False  # the ledger holds a 零报告 (a header and no project rows) of it

    @property
    def submitted(self) -> bool:
        return self.rows > 0

    @property
    def status(self) -> str:
        if self.rows > 0:
            return "已报送"
        if self.zero:
            return "零报告"
        return "有文件但未读出数据" if self.unread else "未报送"


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
    scope: Scope | None = field(default=None, repr=False, compare=False)  # what derived dimensions draw on
    basis: Any = None  # a gpscli.ledger.Basis when the rows came from the ledger
    comparison: Any = None  # a Comparison (同比/环比) when one was asked for
    counted: dict[str, int] | None = None  # rows counted per file, when made from sums (no views)

    @cached_property
    def records(self) -> list[ProjectRecord]:
        """The records counted, in the order they were read."""
        out: list[ProjectRecord] = []
        for b, keep in self.views:
            recs = b.records()
            out.extend(recs if keep is None else [recs[i] for i in keep])
        return out

    def figure(self, **where: str) -> Figure:
        """Sum of the records matching ``where`` (e.g. ``figure(category="技术性服务")``, ``figure(kind="园区")``)."""
        tests = [(self.value_of(d), v) for d, v in where.items()]
        out = Figure()
        for r in self.records:
            if all(value(r) == v for value, v in tests):
                out.add(r.amount)
        return out

    def value_of(self, dim: str) -> Callable[[ProjectRecord], str]:
        """A record's value in dimension ``dim`` (or in any record field)."""
        d = DIMENSION_REGISTRY.get(dim)
        if d is None:
            return lambda r: _value(r, dim)
        if d.derive is None:
            return lambda r: _value(r, d.column)
        derived = d.derive(self.scope or Scope([], {}))
        return lambda r: derived.get(getattr(r, d.column)) or NO_VALUE


def parse_dimensions(text: str | Iterable[str]) -> list[str]:
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    known = {d.name: d.name for d in DIMENSION_REGISTRY.values()}
    for d in DIMENSION_REGISTRY.values():
        for other in (d.label, *d.aliases):
            known.setdefault(other, d.name)
    available = "、".join(f"{d.label}({d.name})" for d in DIMENSION_REGISTRY.values())
    dims: list[str] = []
    for n in names:
        name = known.get(n)
        if name is None:
            raise UsageError(f"--by 不认识「{n}」;可用:{available}")
        if name in dims:
            raise UsageError(f"--by 中「{n}」重复")
        dims.append(name)
    if not dims:
        raise UsageError("--by 至少需要一个维度")
    return dims


def _value(r: ProjectRecord, dim: str) -> str:
    v = getattr(r, dim)
    return v if v else NO_VALUE


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
              find_jurisdiction: Callable[[str], str | None] | None = None,
              profile: Profile | None = None) -> Aggregation:
    """Aggregate the records of ``year``. ``jurisdictions`` is the profile order."""
    from .records import RecordBatch

    return aggregate_views([(b, None) for b in RecordBatch.of(records)], year, dimensions,
                           jurisdictions=jurisdictions, categories_order=categories_order, files=files,
                           skipped=skipped, region=region, find_jurisdiction=find_jurisdiction, profile=profile)


def aggregate_views(views: Iterable[View], year: int, dimensions: list[str], *, jurisdictions: list[str],
                    categories_order: dict[str, int], files: list[FileResult] | None = None,
                    skipped: list[Issue] | None = None, region: str = "",
                    find_jurisdiction: Callable[[str], str | None] | None = None,
                    warnings: list[Issue] | None = None, profile: Profile | None = None,
                    basis: Any = None) -> Aggregation:
    """:func:`aggregate` over record columns (what :func:`gpscli.api.aggregate` uses). ``profile``
    tells the kinds of the jurisdictions (the built-in profile's if None)."""
    rows = year_views(views, year)
    sums, counts, paths = _sum_columns(rows, [DIMENSION_REGISTRY[d].column for d in dimensions])
    return aggregate_sums(sums, counts, paths, year, dimensions, jurisdictions=jurisdictions,
                          categories_order=categories_order, files=files, skipped=skipped, region=region,
                          find_jurisdiction=find_jurisdiction, warnings=warnings, profile=profile, basis=basis,
                          views=rows)


def aggregate_sums(sums: dict[tuple, list], counts: dict[str, int], paths: dict[str, set[str]], year: int,
                   dimensions: list[str], *, jurisdictions: list[str], categories_order: dict[str, int],
                   files: list[FileResult] | None = None, skipped: list[Issue] | None = None, region: str = "",
                   find_jurisdiction: Callable[[str], str | None] | None = None,
                   warnings: list[Issue] | None = None, profile: Profile | None = None, basis: Any = None,
                   views: list[View] | None = None, counted: dict[str, int] | None = None) -> Aggregation:
    """The aggregation of sums already made: ``sums`` maps the values of the dimensions' columns to
    [count, exact amount]; ``counts`` and ``paths`` are the rows and files of each jurisdiction.
    (:func:`aggregate_views` sums record columns; the ledger has its database sum them, and gives
    ``counted``, the rows of each file, instead of the ``views``.)"""
    rows = views or []
    scope = Scope(list(jurisdictions), categories_order, profile, rows)
    dims = [DIMENSION_REGISTRY[d] for d in dimensions]
    cells = _cells(sums, [d.derive(scope) if d.derive is not None else None for d in dims])
    total = Figure()
    by: dict[str, dict[str, Figure]] = {d: {} for d in dimensions}
    for values, f in cells.items():
        total.merge(f)
        for d, v in zip(dimensions, values):
            by[d].setdefault(v, Figure()).merge(f)
    order = {d.name: d.order(scope, d.column) for d in dims}
    by_sorted = {d: _sorted_by(by[d], order[d]) for d in dimensions}
    cells_sorted = sorted(cells.items(), key=lambda kv: tuple(order[d](v) for d, v in zip(dimensions, kv[0])))
    submissions = _submissions(scope.jurisdictions, counts, paths, files or [], find_jurisdiction)
    return Aggregation(year, dimensions, total, by_sorted, cells_sorted, rows, files or [], skipped or [],
                       submissions, region, warnings or [], scope=scope, basis=basis,
                       counted=counted)


def _sorted_by(figures: dict[str, Figure], key: SortKey) -> list[tuple[str, Figure]]:
    """The (value, figure) pairs of one dimension, in the dimension's order of values."""
    return sorted(figures.items(), key=lambda kv: key(kv[0]))


def _sum_columns(rows: list[View], columns: list[str]):
    """One pass per sheet: amounts summed per combination of column values (exact: Decimal
    addition); rows and files per jurisdiction."""
    sums: dict[tuple, list] = {}
    counts: dict[str, int] = {}
    paths: dict[str, set[str]] = {}
    for b, keep in rows:
        cols = [getattr(b, c) for c in columns]
        jurs, amounts = b.jurisdiction, b.amount
        if keep is not None:
            cols = [[c[i] for i in keep] for c in cols]
            jurs, amounts = [jurs[i] for i in keep], [amounts[i] for i in keep]
        money = _register_money(b, keep)
        if money:
            _sum_register(sums, list(zip(*cols)), amounts, money)
            _count(b, jurs, counts, paths)
            continue
        for values, amount in zip(zip(*cols), amounts):
            cell = sums.get(values)
            if cell is None:
                sums[values] = [1, amount]
            else:
                cell[0] += 1
                cell[1] += amount
        _count(b, jurs, counts, paths)
    return sums, counts, paths


def _count(b: RecordBatch, jurs: list[str], counts: dict[str, int], paths: dict[str, set[str]]) -> None:
    for j, n in Counter(jurs).items():
        counts[j] = counts.get(j, 0) + n
        paths.setdefault(j, set()).add(b.path)


def _register_money(b: RecordBatch, keep: list[int] | None) -> dict[str, list]:
    """The register's amount columns a sheet has (预算金额, 合同金额, 执行数), the rows of ``keep``."""
    from .register import MONEY

    out = {}
    for name in MONEY:
        column = b.extra.get(name)
        if column is not None:
            out[name] = column if keep is None else [column[i] for i in keep]
    return out


def _sum_register(sums: dict[tuple, list], keys: list[tuple], amounts: list[Decimal], money: dict[str, list]) -> None:
    """As the usual sum, each cell with the register's amounts of the rows that give them: [count,
    amount, {name: sum}]."""
    for n, (values, amount) in enumerate(zip(keys, amounts)):
        cell = sums.get(values)
        if cell is None:
            cell = sums[values] = [0, Decimal(0), {}]
        elif len(cell) == 2:
            cell.append({})
        cell[0] += 1
        cell[1] += amount
        for name, column in money.items():
            v = column[n]
            if v is not None:
                cell[2][name] = cell[2].get(name, Decimal(0)) + v


def _cells(sums: dict[tuple, list], derived: list[Mapping[str, str] | None]) -> dict[tuple[str, ...], Figure]:
    """The sums by column values as cells by dimension values: derived values looked up once per
    distinct combination, empty values shown as NO_VALUE (cells that become the same are merged)."""
    cells: dict[tuple[str, ...], Figure] = {}
    for raw, (n, amount, *register) in sums.items():
        key = tuple((v if m is None else m.get(v)) or NO_VALUE for m, v in zip(derived, raw))
        figure = Figure(n, amount, dict(register[0]) if register else {})
        f = cells.get(key)
        if f is None:
            cells[key] = figure
        else:
            f.merge(figure)
    return cells


def _submissions(jurisdictions: list[str], counts: dict[str, int], paths: dict[str, set[str]],
                 files: list[FileResult], find_jurisdiction: Callable[[str], str | None] | None) -> list[Submission]:
    unread: dict[str, int] = {}
    zero = {f.version.jurisdiction for f in files if f.version is not None and f.version.zero}
    for f in files:
        if f.version is not None:
            continue  # read back from the ledger: a version with no rows is a 零报告, not an unread file
        if not f.rows and not f.ignored and find_jurisdiction is not None:
            j = find_jurisdiction(PurePath(f.path).stem)
            if j is not None:
                unread[j] = unread.get(j, 0) + 1
    return [Submission(j, len(paths.get(j, ())), counts.get(j, 0), unread.get(j, 0), j in zero) for j in jurisdictions]


def choose_year(years: list[int], requested: int | None) -> int:
    """The year to aggregate: the one asked for, or the only one in the data."""
    if requested is not None:
        return requested
    if len(years) == 1:
        return years[0]
    if not years:  # no data found: exit 1, as for every command (not a usage error)
        raise DataError("数据中没有可汇总的项目;请检查路径,或各地是否已报送")
    raise UsageError(f"数据中包含 {'、'.join(map(str, years))} 年的项目,请用 --year 指定要汇总的年度")
