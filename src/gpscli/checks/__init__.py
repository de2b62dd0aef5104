"""Checks over the typed records, after normalising: the record rules (one function per rule, over
each sheet's columns) and the run checks across files (duplicates, totals). Cell checks run while
normalising (:mod:`gpscli.normalise.fields`). Issues are attached to the file they concern.

How to add a check: see :mod:`.registry` (and the README's "如何扩展").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..issues import Issue, cap, is_summary, make
from ..records import FileResult, RecordBatch
from . import duplicates as _duplicates
from . import records as _records  # noqa: F401  (registers the record rules)
from .register import NegativeTerm, load_negative_list  # (registers the register's record rules)
from .registry import CHECKS, Finding, cell_check, record_rule, unregister
from .totals import check_total

__all__ = [
    "CHECKS",
    "Finding",
    "RuleOptions",
    "cell_check",
    "error_rows",
    "partial_record_issues",
    "record_rule",
    "run",
    "unregister",
]


@dataclass(frozen=True)
class RuleOptions:
    require_year: int | None = None  # rows of another year are errors (validate --year)
    suspicious_amount: Decimal = Decimal(100000)  # 万元 for one project
    # 第十条's keywords (bundled, plus the bureau's own list): None = the bundled ones
    negative_terms: tuple[NegativeTerm, ...] | None = None
    methods: tuple[str, ...] = ()  # 购买方式 the bureau adds to the law's (gps.toml methods)

    def __post_init__(self) -> None:
        if self.negative_terms is None:
            object.__setattr__(self, "negative_terms", load_negative_list())


def run(files: list[FileResult], opts: RuleOptions) -> None:
    """Apply every check; issues are attached to the file they concern."""
    _duplicates.duplicate_files(files)
    for f in files:
        if f.ignored:
            continue
        for b in f.batches:
            f.issues.extend(record_issues(b, opts))
        for t in f.totals:
            if (i := check_total(t)) is not None:
                f.issues.append(i)
    _duplicates.duplicates(files)
    for f in files:
        f.issues.sort(key=_order(f))
        f.issues, unlisted = cap(f.issues)
        f.unlisted_error_rows |= unlisted


def record_issues(b: RecordBatch, opts: RuleOptions, partial_only: bool = False) -> list[Issue]:
    """The issues the record rules find in one sheet's records, at their cells."""
    out: list[Issue] = []
    letters = b.letters
    for rule in CHECKS.record:
        if partial_only and not rule.partial:
            continue
        for i, field, f in rule.fn(b, opts):
            row = b.row[i]
            letter = letters.get(field) if letters is not None else None
            if letter is None and b._records is not None:  # records made elsewhere: cells per record
                cell = b._records[i].cells.get(field)
                letter = cell.rstrip("0123456789") if cell else None
            out.append(make(f.code, f.variant, path=b.path, sheet=b.sheet, cell=f"{letter}{row}" if letter else None,
                            row=row, column=letter, value=f.value, **f.params))
    return out


def partial_record_issues(probe: RecordBatch) -> list[Issue]:
    """What the record rules that judge a row as it is (a negative amount) say of a row that has
    another error: said at once, so the county corrects both in one round."""
    return record_issues(probe, RuleOptions(), partial_only=True)


def _order(f: FileResult) -> Callable[[Issue], tuple[int, int, int, str]]:
    sheets = {s.name: n for n, s in enumerate(f.sheets)}

    def k(i: Issue) -> tuple[int, int, int, str]:
        col = i.column or ""
        if is_summary(i):
            return (len(sheets), 0, 0, i.code)  # "另有 N 个同类问题" after those it follows
        return (sheets.get(i.sheet or "", -1), i.row or 0, len(col), col)

    return k


def error_rows(files: list[FileResult]) -> set[tuple[str, str, int]]:
    """(path, sheet, row) of every row that has an error: those records are not counted."""
    rows = {(i.path, i.sheet, i.row) for f in files for i in f.issues
            if i.is_error and i.path is not None and i.sheet and i.row is not None}
    rows.update((f.path, sheet, row) for f in files for sheet, row in f.unlisted_error_rows)
    return rows
