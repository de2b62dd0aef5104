"""The registry of checks: what each check looks at, which codes it may raise, and when it runs.

Three scopes, after frictionless's checks:

* **cell** checks run while a sheet is normalised, on one field's cell (its text and the value it
  was read as): the row-by-row path and the column-wise path both run them (the column-wise path
  on each distinct text, or on the rows a check's ``pretest`` points at);
* **record** rules run on the typed records after normalising, column by column over each sheet's
  :class:`~gpscli.records.RecordBatch` (every row, whichever path read it);
* **run** checks look across files (duplicates, totals) once everything is read.

A check is one function, registered by a decorator in a module of its family under
``gpscli/checks/``; its codes and message templates are in :mod:`gpscli.codes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..codes import REGISTRY


class Finding(NamedTuple):
    """A problem found in a cell or a record before it has a place: the issue it becomes."""

    code: str
    params: dict[str, Any] = {}  # noqa: RUF012 - a NamedTuple default, never mutated
    variant: str = ""
    value: Any = None


@dataclass(frozen=True)
class CellCheck:
    field: str  # the project field whose cells it looks at (name, amount, unit...)
    codes: tuple[str, ...]
    fn: CellFunction  # (cell text, value read) -> findings
    # Over a whole column (the values read), the indices where fn might find something: lets the
    # column-wise path skip calling fn on every cell. None: fn is called on each distinct text.
    pretest: Callable[[Sequence[Any]], Iterable[int]] | None = None


# (batch, options) -> (row index in the batch, field named, finding) for each row that breaks it
RuleFunction = Callable[[Any, Any], Iterable[tuple[int, str, Finding]]]
CellFunction = Callable[[str, Any], "Iterable[Finding] | None"]


@dataclass(frozen=True)
class RecordRule:
    codes: tuple[str, ...]
    fn: RuleFunction
    name: str = ""
    partial: bool = False  # also judged on a row that has another error (checks.partial_record_issues)


@dataclass
class Registry:
    cell: dict[str, list[CellCheck]] = field(default_factory=dict)
    record: list[RecordRule] = field(default_factory=list)

    def cell_checks(self, field_name: str) -> list[CellCheck]:
        return self.cell.get(field_name, [])


CHECKS = Registry()


def _known(codes: tuple[str, ...]) -> None:
    for c in codes:
        if c not in REGISTRY:
            raise ValueError(f"check raises unregistered issue code {c!r}: add it to gpscli.codes first")


def cell_check(field_name: str, codes: tuple[str, ...], pretest: Callable[[Sequence[Any]], Iterable[int]] | None = None,
               ) -> Callable[[CellFunction], CellFunction]:
    """Register ``fn(text, value) -> findings`` for the cells of ``field_name``."""
    _known(codes)

    def register(fn: CellFunction) -> CellFunction:
        CHECKS.cell.setdefault(field_name, []).append(CellCheck(field_name, codes, fn, pretest))
        return fn

    return register


def record_rule(codes: tuple[str, ...], partial: bool = False) -> Callable[[RuleFunction], RuleFunction]:
    """Register ``fn(batch, options) -> [(index, field, finding)]``, run over every sheet's records.
    ``partial``: the rule can judge a row that has another error (a negative amount), and says so
    at once, so that the county corrects both in one round."""
    _known(codes)

    def register(fn: RuleFunction) -> RuleFunction:
        CHECKS.record.append(RecordRule(codes, fn, getattr(fn, "__name__", ""), partial))
        return fn

    return register


def unregister(fn: Callable[..., Any]) -> None:
    """Take a check out again (tests)."""
    for checks in CHECKS.cell.values():
        checks[:] = [c for c in checks if c.fn is not fn]
    CHECKS.record[:] = [r for r in CHECKS.record if r.fn is not fn]


def run_cell_checks(field_name: str, text: str, value: Any) -> list[Finding]:
    out: list[Finding] = []
    for check in CHECKS.cell_checks(field_name):
        out.extend(check.fn(text, value) or ())
    return out
