"""Section 二 of the report, driven by the profile's kinds: every jurisdiction as a :class:`Place`,
and for each declared kind (in the profile's order) a :class:`Section` holding its places one by
one (``report = "each"``) or together as a :class:`Group` (``report = "group"``).

The Changji-era variables ``own_level``, ``parks``, ``counties`` and ``county_group`` are derived
from the sections by treatment (:func:`compat_aliases`), not from the kinds' names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, overload

from .. import wording
from ..aggregate import NO_VALUE, Aggregation, Figure
from ..profile import Profile
from . import fmt
from .model import Group, Line, Place, Project, Section

UNVERIFIED_CODES = ("suspicious-amount", "hidden-row")


def share(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lines(pairs: Iterable[tuple[str, Figure]], whole: Decimal) -> list[Line]:
    return [Line(fmt.clean(name), f.count, f.amount, share(f.amount, whole)) for name, f in pairs if f.count]


def category_cells(agg: Aggregation) -> dict[tuple[str, str], Figure]:
    if agg.dimensions[:2] != ["jurisdiction", "category"]:
        raise ValueError("报告需要按 jurisdiction,category 汇总的结果")
    return {(k[0], k[1]): f for k, f in agg.cells}


def flagged_rows(agg: Aggregation) -> frozenset:
    """(path, sheet, row) of the counted rows whose amount a warning questions."""
    return frozenset((i.path, i.sheet, i.row) for i in agg.warnings if i.code in UNVERIFIED_CODES and i.row)


def _project(r, flagged: frozenset = frozenset()) -> Project:
    mark = wording.UNVERIFIED_MARK if (r.source.path, r.source.sheet, r.source.row) in flagged else ""
    return Project(fmt.clean(r.jurisdiction), fmt.clean(r.unit), fmt.clean(r.name), fmt.clean(r.category),
                   fmt.clean(r.subcategory or ""), r.amount, mark)


# A counted row, as the report handles it: (amount, batch, index in the batch). Records are made
# only for the projects a template prints, not for the 100,000 a province may have.
_Row = tuple


def _rows(agg: Aggregation, keep_jurisdiction=None) -> list[_Row]:
    """The counted rows in the order they were read, optionally only those whose jurisdiction passes."""
    out: list[_Row] = []
    for b, keep in agg.views:
        jurs, amounts = b.jurisdiction, b.amount
        for i in (range(len(amounts)) if keep is None else keep):
            if keep_jurisdiction is None or keep_jurisdiction(jurs[i]):
                out.append((amounts[i], b, i))
    return out


class _Ranked(Sequence[Project]):
    """Projects by amount, largest first, formatted only when a template reads them."""

    def __init__(self, rows: list[_Row], flagged: frozenset = frozenset()) -> None:
        # Stable: equal amounts keep the order of the files and rows.
        self._rows = sorted(rows, key=lambda t: -t[0])
        self._flagged = flagged

    @overload
    def __getitem__(self, i: int) -> Project: ...

    @overload
    def __getitem__(self, i: slice) -> list[Project]: ...

    def __getitem__(self, i: int | slice) -> Project | list[Project]:
        if isinstance(i, slice):
            return [_project(b.records()[n], self._flagged) for _a, b, n in self._rows[i]]
        _a, b, n = self._rows[i]
        return _project(b.records()[n], self._flagged)

    def __len__(self) -> int:
        return len(self._rows)


def _subcategories(rows: list[_Row], whole: Decimal) -> list[Line]:
    sums: dict[str, Figure] = {}
    for amount, b, i in rows:
        sub = b.subcategory[i]
        if sub and sub != NO_VALUE:
            sums.setdefault(sub, Figure()).add(amount)
    ranked = sorted(sums.items(), key=lambda kv: (-kv[1].amount, -kv[1].count))
    return lines(ranked, whole)


def build_places(agg: Aggregation, profile: Profile, top_n: int = 3) -> list[Place]:
    """Every jurisdiction of the profile in its order (then any other the data names), with figures."""
    cells = category_cells(agg)
    flagged = flagged_rows(agg)
    by_jur = dict(agg.by["jurisdiction"])
    order = [(j.name, j.kind) for j in profile.jurisdictions]
    known = {name for name, _ in order}
    order += [(name, wording.OTHER_KIND) for name, _ in agg.by["jurisdiction"] if name not in known]
    zero = {fmt.clean(s.jurisdiction) for s in agg.submissions if s.zero and not s.submitted}
    records: dict[str, list[_Row]] = {}
    for row in _rows(agg):
        records.setdefault(row[1].jurisdiction[row[2]], []).append(row)
    places = []
    for name, kind in order:
        f = by_jur.get(name, Figure())
        cats = [(c, cells[(name, c)]) for c, _ in agg.by["category"] if (name, c) in cells]
        rs = records.get(name, [])
        ranked = _Ranked(rs, flagged)
        places.append(Place(fmt.clean(name), kind, f.count, f.amount, lines(cats, f.amount),
                            _subcategories(rs, f.amount), ranked[:top_n], ranked, fmt.clean(name) in zero))
    return places


def build_group(members: list[Place], agg: Aggregation, top_n: int = 3, name: str = wording.COUNTY_GROUP_NAME,
                label: str = wording.COUNTY_LABEL) -> Group | None:
    """Several places as one paragraph: their sum, categories, sub-categories and largest projects."""
    if not members:
        return None
    names = {m.name for m in members}
    count = sum(m.count for m in members)
    amount = sum((m.amount for m in members), Decimal(0))
    cells = category_cells(agg)
    cats = []
    for c, _ in agg.by["category"]:
        f = Figure()
        for (j, cc), cf in cells.items():
            if cc == c and fmt.clean(j) in names:
                f.count += cf.count
                f.amount += cf.amount
        cats.append((c, f))
    member = {j: fmt.clean(j) in names for j, _f in agg.by["jurisdiction"]}
    rs = _rows(agg, lambda j: member.get(j, False))
    ranked = _Ranked(rs, flagged_rows(agg))
    return Group(fmt.clean(name), count, amount, lines(cats, amount), _subcategories(rs, amount),
                 ranked[:top_n], members, [m.name for m in members if m.not_reported], fmt.clean(label),
                 [m.name for m in members if m.zero])


def build_sections(places: list[Place], profile: Profile, agg: Aggregation, top_n: int = 3) -> list[Section]:
    """One section per declared kind that has jurisdictions, in the profile's order of kinds."""
    by_kind: dict[str, list[Place]] = {}
    for p in places:
        by_kind.setdefault(p.kind, []).append(p)
    out = []
    for kind in profile.declared_kinds():
        members = by_kind.get(kind.name, [])
        if not members:
            continue
        group = build_group(members, agg, top_n, kind.group_name, kind.label) if kind.grouped else None
        out.append(Section(fmt.clean(kind.name), kind.report, fmt.clean(kind.label), members, group))
    return out


def compat_aliases(sections: list[Section]) -> dict[str, Any]:
    """The variables of templates written for Changji, by treatment: ``own_level`` the places of the
    first kind when it is written one by one, ``parks`` those of the other one-by-one kinds,
    ``counties`` and ``county_group`` the first grouped kind."""
    first = sections[0] if sections and not sections[0].grouped else None
    grouped = next((s for s in sections if s.grouped), None)
    return {
        "own_level": list(first.places) if first else [],
        "parks": [p for s in sections if not s.grouped and s is not first for p in s.places],
        "counties": list(grouped.places) if grouped else [],
        "county_group": grouped.group if grouped else None,
    }
