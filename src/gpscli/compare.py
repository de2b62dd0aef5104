"""同比 / 环比: an aggregation set against the same one for an earlier period (from the ledger).

``previous-year`` (同比) compares with the same period a year earlier (2017Q3 with 2016Q3, 2017 with
2016); ``previous-period`` (环比) with the period before (2017Q3 with 2017Q2, 2017Q1 with 2016Q4,
a year with the year before). Figures are year-to-date, as the submissions are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .errors import UsageError
from .money import amount_str, percent_change

if TYPE_CHECKING:
    from .aggregate import Aggregation, Figure
    from .crosswalk import Aligned, Unmapped
    from .periods import Period

KINDS = {"previous-year": "同比", "previous-period": "环比"}


def earlier(kind: str, period: Period) -> Period:
    if kind == "previous-year":
        return period.year_before()
    if kind == "previous-period":
        return period.previous()
    raise UsageError(f"--compare 只能是 {'、'.join(KINDS)}")


@dataclass
class Comparison:
    kind: str  # previous-year | previous-period
    period: Period  # the earlier period
    total: Figure  # its figures (zero when it has none)
    by: dict[str, dict[str, Figure]] = field(default_factory=dict)  # dimension -> value -> its figure
    has_data: bool = True  # the earlier period has rows in the ledger
    # across a catalogue edition change (crosswalk.align): the earlier values without a new category,
    # kept under their own names, and what to tell about them
    unmapped: tuple[Unmapped, ...] = ()
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def build(kind: str, period: Period, earlier_agg: Aggregation | None, aligned: Aligned | None = None) -> Comparison:
    """``aligned``: the earlier aggregation re-expressed in the later year's catalogue
    (:func:`gpscli.crosswalk.align`), used instead of ``earlier_agg``."""
    from .aggregate import Figure

    if aligned is not None:
        earlier_agg = aligned.aggregation
    if earlier_agg is None:
        return Comparison(kind, period, Figure(), {}, has_data=False)
    return Comparison(kind, period, earlier_agg.total, {d: dict(v) for d, v in earlier_agg.by.items()},
                      unmapped=aligned.unmapped if aligned else (), notes=aligned.messages() if aligned else [])


def change(new: Figure, old: Figure) -> dict[str, Any]:
    pct = percent_change(new.amount, old.amount)
    return {"count": new.count - old.count, "amount": amount_str(new.amount - old.amount),
            "percent": None if pct is None else amount_str(pct)}


def to_dict(agg: Aggregation) -> dict[str, Any] | None:
    """The ``compare`` part of the JSON output."""
    from .aggregate import Figure

    c: Comparison | None = agg.comparison
    if c is None:
        return None
    d: dict[str, Any] = {
        "kind": c.kind, "label": c.label, "period": c.period.label, "has_data": c.has_data,
        "total": {"count": c.total.count, "amount": amount_str(c.total.amount)},
        "change": change(agg.total, c.total),
    }
    if c.notes:
        d["unmapped"] = [{"dimension": u.dimension, "value": u.value, "count": u.figure.count,
                          "amount": amount_str(u.figure.amount)} for u in c.unmapped]
        d["notes"] = list(c.notes)
    for dim in agg.dimensions:
        before = c.by.get(dim, {})
        values = [v for v, _ in agg.by[dim]] + [v for v in before if v not in dict(agg.by[dim])]
        now = dict(agg.by[dim])
        d[f"by_{dim}"] = [{dim: v, "count": now.get(v, Figure()).count,
                           "amount": amount_str(now.get(v, Figure()).amount),
                           "previous_count": before.get(v, Figure()).count,
                           "previous_amount": amount_str(before.get(v, Figure()).amount),
                           **{f"change_{k}": x for k, x in change(now.get(v, Figure()), before.get(v, Figure())).items()}}
                          for v in values]
    return d


def sentence(agg: Aggregation) -> str:
    """One line for the screen: 同比(2016):项目 55→68 项,增加 13 项;金额 16252.68→19439.72 万元,增长 19.61%。"""
    from .money import display

    c: Comparison | None = agg.comparison
    if c is None:
        return ""
    if not c.has_data:
        return f"{c.label}:账本中没有 {c.period.label} 的数据,无法比较"
    ch = change(agg.total, c.total)
    n = ch["count"]
    count = f"增加 {n} 项" if n > 0 else (f"减少 {-n} 项" if n < 0 else "持平")
    pct = ch["percent"]
    if pct is None:
        money = "上期为 0"
    else:
        p = Decimal(pct)
        money = f"增长 {pct}%" if p > 0 else (f"下降 {amount_str(-p)}%" if p < 0 else "持平")
    return (f"{c.label}(与 {c.period.label} 相比):项目 {c.total.count}→{agg.total.count} 项,{count};"
            f"金额 {display(c.total.amount)}→{display(agg.total.amount)} 万元,{money}")
