"""Record rules: run on every sheet's records, a column at a time (see :mod:`.registry`).

Each takes a :class:`~gpscli.records.RecordBatch` and the run's options and yields (row index,
field, finding) for the rows that break it; the issue is placed at that field's cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..money import all_whole_fen, below_fen, display
from .registry import Finding, record_rule

if TYPE_CHECKING:
    from ..records import RecordBatch
    from . import RuleOptions

Found = Iterator[tuple[int, str, Finding]]


@record_rule(("negative-amount",), partial=True)
def negative_amount(b: RecordBatch, opts: RuleOptions) -> Found:
    if min(b.amount, default=0) >= 0:  # the usual batch: one pass in C, no loop in Python
        return
    for i, a in enumerate(b.amount):
        if a < 0:
            yield i, "amount", Finding("negative-amount", {"amount": display(a)}, value=str(a))



@record_rule(("amount-below-fen",), partial=True)
def amount_below_fen(b: RecordBatch, opts: RuleOptions) -> Found:
    if all_whole_fen(b.amount):  # the usual batch: one pass in C
        return
    for i, a in enumerate(b.amount):
        if below_fen(a):
            places = -int(a.normalize().as_tuple().exponent)
            yield i, "amount", Finding("amount-below-fen", {"amount": str(a), "places": places}, value=str(a))


@record_rule(("zero-amount",))
def zero_amount(b: RecordBatch, opts: RuleOptions) -> Found:
    if 0 not in b.amount:
        return
    for i, a in enumerate(b.amount):
        if a == 0:
            yield i, "amount", Finding("zero-amount", {"name": b.name[i]}, value="0")


@record_rule(("suspicious-amount",))
def suspicious_amount(b: RecordBatch, opts: RuleOptions) -> Found:
    high = opts.suspicious_amount
    if max(b.amount, default=high) <= high:
        return
    for i, a in enumerate(b.amount):
        if a > high:
            yield i, "amount", Finding("suspicious-amount", {"name": b.name[i], "amount": display(a),
                                                             "limit": display(high)}, value=str(a))


@record_rule(("invalid-year",))
def year_demanded(b: RecordBatch, opts: RuleOptions) -> Found:
    wanted = opts.require_year
    if wanted is None:
        return
    for i, y in enumerate(b.year):
        if y != wanted:
            yield i, "year", Finding("invalid-year", {"year": y, "wanted": wanted}, "demanded", y)


@record_rule(("future-year",))
def future_year(b: RecordBatch, opts: RuleOptions) -> Found:
    latest = dt.date.today().year + 1  # next year's budget is planned this year; later is a slip
    if max(b.year, default=latest) <= latest:
        return
    for i, y in enumerate(b.year):
        if y > latest:
            yield i, "year", Finding("future-year", {"name": b.name[i], "year": y, "latest": latest}, value=y)
