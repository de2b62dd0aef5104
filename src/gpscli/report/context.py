"""The template context: every figure the report states, computed from :class:`Aggregation` objects.

Nothing here reads files or renders: ``build_context`` takes the aggregations of the report year
(and of the years before and after, when the data has them) and returns plain values. Every figure
comes from ``Aggregation.by`` / ``Aggregation.cells``, the same numbers ``gps aggregate`` prints.
The values are defined in :mod:`.model`, section 二's places, groups and kinds in :mod:`.sections`,
the documentation of the variables in :mod:`.variables`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from .. import wording
from ..aggregate import Aggregation, Figure
from ..profile import Profile
from . import fmt
from .model import Change, Fig, Group, Line, Place, Project, Review, Section, Table, TableRow, YearFigures, YearPoint  # noqa: F401
from .narrative import Block, Narrative
from .register import build_register
from .sections import (  # noqa: F401
    UNVERIFIED_CODES,
    build_group,
    build_places,
    build_sections,
    category_cells,
    compat_aliases,
    flagged_rows,
    lines,
)
from .variables import ATTRIBUTES, FILTERS, VARIABLES, variable_names  # noqa: F401

UNVERIFIED_MARK = wording.UNVERIFIED_MARK


def build_review(agg: Aggregation) -> Review:
    def where(i) -> str:
        from pathlib import PurePath

        place = "".join(x for x in (PurePath(i.path).name if i.path else "", " " + i.location if i.location else ""))
        return fmt.clean(f"{place}:{i.message}")

    unverified = [where(i) for i in agg.warnings if i.code in UNVERIFIED_CODES]
    return Review([where(i) for i in agg.skipped], unverified)


def _change(new: Figure | Fig, old: Figure | Fig) -> Change:
    c = fmt.change(new.amount, old.amount, new.count, old.count)
    return Change(c["percent"], c["direction"], c["text"], c["amount_diff"], c["count_diff"], c["count_text"])


def _year_figures(agg: Aggregation, change: Change, label: str = "") -> YearFigures:
    return YearFigures(agg.year, agg.total.count, agg.total.amount,
                       lines(agg.by["category"], agg.total.amount), change, label or f"{agg.year}年")


def build_table(agg: Aggregation, places: list[Place]) -> Table:
    cells = category_cells(agg)
    columns = [c for c, f in agg.by["category"] if f.count]
    raw_names = {fmt.clean(n): n for n, _ in agg.by["jurisdiction"]}
    rows = []
    for p in places:
        raw = raw_names.get(p.name, p.name)
        row = []
        for c in columns:
            f = cells.get((raw, c))
            row.append(Fig(f.count, f.amount) if f and f.count else None)
        rows.append(TableRow(p.name, p.kind, row, Fig(p.count, p.amount)))
    by_cat = dict(agg.by["category"])
    total = TableRow(wording.TOTAL, "", [Fig(by_cat[c].count, by_cat[c].amount) for c in columns],
                     Fig(agg.total.count, agg.total.amount))
    return Table(agg.year, [fmt.clean(c) for c in columns], rows, total)


def _other_year(agg: Aggregation, other: Aggregation | None, later: bool, label: str = "") -> YearFigures | None:
    if other is None or not other.total.count:
        return None
    change = _change(other.total, agg.total) if later else _change(agg.total, other.total)
    return _year_figures(other, change, label)


def build_context(agg: Aggregation, profile: Profile, *, title: str,
                  next_agg: Aggregation | None = None, prev_agg: Aggregation | None = None,
                  narrative: Narrative | None = None, date: dt.date | None = None, top_n: int = 3,
                  prev_period: tuple[str, Aggregation] | None = None, prev_label: str = "",
                  history: Sequence[tuple[int, int, Decimal]] = (), recipient: str = "",
                  period: str = "") -> dict[str, Any]:
    """Everything the template may use (see :data:`VARIABLES`), except ``appendix_table`` and the charts, which the
    renderer builds from ``table`` because a Word table belongs to one document. ``prev_period``:
    (how the text names it, its aggregation) of the period before a quarter's (环比, from the ledger).
    ``history``: (year, count, amount) of earlier years, for the trend chart; ``period``: how the
    text names the draft's period (2017年第三季度; default the year)."""
    places = build_places(agg, profile, top_n)
    sections = build_sections(places, profile, agg, top_n)
    narrative = narrative or Narrative()
    ctx: dict[str, Any] = {
        "title": fmt.clean(title),
        "year": agg.year,
        "region": fmt.clean(profile.name),
        "region_short": fmt.clean(profile.short_name or profile.name),
        "bureau": fmt.clean(profile.bureau or wording.bureau(profile.name)),
        "date": wording.date_text(date or dt.date.today()),
        "recipient": fmt.clean(recipient),
        "period": fmt.clean(period) or f"{agg.year}年",
        "total": Fig(agg.total.count, agg.total.amount),
        "categories": lines(agg.by["category"], agg.total.amount),
        "jurisdictions": places,
        "sections": sections,
        **compat_aliases(sections),
        "next_year": _other_year(agg, next_agg, later=True),
        "prev_year": _other_year(agg, prev_agg, later=False, label=prev_label),
        "prev_period": _other_year(agg, prev_period[1], later=False, label=prev_period[0]) if prev_period else None,
        "table": build_table(agg, places),
        "progress": narrative.blocks("progress"),
        "problems": narrative.blocks("problems"),
        "narrative_sections": [{"title": s.title, "kind": s.kind, "blocks": s.blocks} for s in narrative.sections],
        "missing": [p.name for p in places if not p.submitted],
        "not_reported": [p.name for p in places if p.not_reported],
        "zero_reports": [p.name for p in places if p.zero],
        "history": [YearPoint(y, c, a) for y, c, a in history] + (
            [YearPoint(agg.year, agg.total.count, agg.total.amount)] if history else []),
        "skipped": len(agg.skipped),
        "review": build_review(agg),
        "register": build_register(agg),
    }
    return ctx


def demo_context(year: int = 2016, profile: Profile | None = None, *, with_others: bool = True) -> dict[str, Any]:
    """A small made-up context (one project per jurisdiction) for trying a template out."""
    from ..aggregate import aggregate
    from ..profile import default
    from ..records import ProjectRecord, Source

    prof = profile or default()
    cats = ["基本公共服务", "技术性服务"]

    def recs(y: int) -> list:
        out = []
        for n, j in enumerate(prof.jurisdictions):
            out.append(ProjectRecord(j.name, f"{j.name}示例单位", "示例服务项目", cats[n % 2], Decimal(100 + n), y,
                                     Source("示例", "示例", n + 1), subcategory="城市维护"))
        return out

    order = {c: n for n, c in enumerate(cats)}

    def agg_of(y: int) -> Aggregation:
        return aggregate(recs(y), y, ["jurisdiction", "category"], jurisdictions=prof.names(),
                         categories_order=order, region=prof.name)

    narrative = Narrative(sections=[
        _demo_section("工作进展", "progress"), _demo_section("问题和建议", "problems")]) if with_others else None
    return build_context(agg_of(year), prof, title=wording.report_title(year),
                         next_agg=agg_of(year + 1) if with_others else None,
                         prev_agg=agg_of(year - 1) if with_others else None, narrative=narrative)


def _demo_section(title: str, kind: str):
    from .narrative import Section as NarrativeSection

    blocks = [Block("示例小标题", 2, "（一）"), Block("示例段落。"), Block("示例三级标题", 3, "1.")]
    return NarrativeSection(title, blocks, kind)
