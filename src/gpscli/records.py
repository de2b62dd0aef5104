"""Typed records passed between the pipeline stages.

read (:mod:`gpscli.readers`) -> :class:`SheetGrid` -> detect layout -> normalise ->
:class:`ProjectRecord` -> rules -> aggregate -> outputs / report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .issues import Issue

# The fields of a project row, in the order of the standard submission layout.
FIELDS = ("seq", "jurisdiction", "unit", "name", "category", "subcategory", "amount", "method", "supplier", "year", "note")
FIELD_LABELS = {
    "seq": "序号",
    "jurisdiction": "地区",
    "unit": "购买主体",
    "name": "项目名称",
    "category": "一级目录",
    "subcategory": "二级目录",
    "amount": "金额(万元)",
    "method": "购买方式",
    "supplier": "承接主体",
    "year": "年度",
    "note": "备注",
}
REQUIRED = ("jurisdiction", "unit", "name", "category", "amount", "year")
METHODS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源采购", "框架协议采购", "委托", "其他")


@dataclass(frozen=True, slots=True)
class Source:
    """Where a record came from: file, sheet and the row as Excel numbers it (1-based)."""

    path: str
    sheet: str
    row: int

    def __reduce__(self):  # a plain tuple pickles several times faster than a frozen dataclass
        return (Source, (self.path, self.sheet, self.row))


class CellRefs(Mapping):
    """field -> A1 reference of one row (``{"amount": "G5", ...}``), built on demand.

    A read-only mapping that compares equal to the plain dict it stands for; the column letters
    are shared by all rows of a sheet, which keeps records small and quick to make.
    """

    __slots__ = ("_letters", "_row")

    def __init__(self, letters: dict[str, str], row: str) -> None:
        self._letters, self._row = letters, row

    def __getitem__(self, field_name: str) -> str:
        return self._letters[field_name] + self._row

    def get(self, field_name: str, default: str | None = None) -> str | None:
        letter = self._letters.get(field_name)
        return default if letter is None else letter + self._row

    def __iter__(self):
        return iter(self._letters)

    def __len__(self) -> int:
        return len(self._letters)

    def __contains__(self, field_name: object) -> bool:
        return field_name in self._letters

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self):
        return (CellRefs, (self._letters, self._row))

    def __getstate__(self):
        return (self._letters, self._row)

    def __setstate__(self, state) -> None:
        self._letters, self._row = state


@dataclass(slots=True)
class ProjectRecord:
    jurisdiction: str
    unit: str
    name: str
    category: str
    amount: Decimal  # 万元, exact
    year: int
    source: Source
    subcategory: str | None = None
    method: str | None = None
    supplier: str | None = None
    note: str | None = None
    cells: dict[str, str] = field(default_factory=dict)  # field -> A1 reference in the original sheet
    # (unit, name) folded for duplicate detection; filled in the worker process, where it is parallel.
    ids: tuple[str, str] | None = field(default=None, compare=False, repr=False)

    def cell(self, field_name: str) -> str | None:
        return self.cells.get(field_name)

    def __reduce__(self):  # records travel back from worker processes: keep that cheap
        return (ProjectRecord, (self.jurisdiction, self.unit, self.name, self.category, self.amount, self.year,
                                self.source, self.subcategory, self.method, self.supplier, self.note, self.cells,
                                self.ids))

    def key(self) -> tuple[str, str, str, int]:
        """Identity of a project for duplicate detection."""
        ids = self.ids
        if ids is None:
            from .text import ident

            ids = self.ids = (ident(self.unit), ident(self.name))
        return (self.jurisdiction, ids[0], ids[1], self.year)


@dataclass(slots=True)
class TotalRow:
    """A 合计/总计/小计 row: not a project, but checked against the rows it totals."""

    kind: str  # 合计 | 小计
    amount: Decimal | None
    expected: Decimal
    rows: int
    source: Source
    cell: str | None


@dataclass
class SheetReport:
    """What the reader decided about one sheet (shown by ``validate -v``)."""

    name: str
    used: bool
    reason: str = ""
    header_rows: tuple[int, ...] = ()
    unit: str = ""
    unit_from: str = ""
    jurisdiction_from: str = ""
    year_from: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # field -> column letter
    rows: int = 0


def _pack(records: list[ProjectRecord]) -> tuple:
    """Records as columns: pickles about ten times faster than the objects (one big file = 200,000 rows)."""
    cols: tuple[list, ...] = tuple([] for _ in range(16))
    (jur, unit, name, cat, amount, year, path, sheet, row, sub, method, supplier, note, letters, refs, ids) = cols
    for r in records:
        jur.append(r.jurisdiction); unit.append(r.unit); name.append(r.name); cat.append(r.category)  # noqa: E702
        amount.append(str(r.amount)); year.append(r.year)  # noqa: E702
        s = r.source
        path.append(s.path); sheet.append(s.sheet); row.append(s.row)  # noqa: E702
        sub.append(r.subcategory); method.append(r.method); supplier.append(r.supplier); note.append(r.note)  # noqa: E702
        ids.append(r.ids)
        c = r.cells
        if type(c) is CellRefs:
            letters.append(c._letters); refs.append(c._row)  # noqa: E702
        else:
            letters.append(None); refs.append(dict(c))  # noqa: E702
    return cols


def _unpack(cols: tuple) -> list[ProjectRecord]:
    out = []
    for (jur, unit, name, cat, amount, year, path, sheet, row, sub, method, supplier, note, letters, ref,
         ids) in zip(*cols):
        out.append(ProjectRecord(jur, unit, name, cat, Decimal(amount), year, Source(path, sheet, row), sub, method,
                                 supplier, note, CellRefs(letters, ref) if letters is not None else ref, ids))
    return out


@dataclass
class FileResult:
    """Everything read from one input file."""

    path: str
    sha256: str = ""
    size: int = 0
    format: str = ""
    records: list[ProjectRecord] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    ignored: bool = False  # a byte-identical copy of another file
    skipped_rows: int = 0

    @property
    def rows(self) -> int:
        return len(self.records)

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["records"] = _pack(self.records)
        return state

    def __setstate__(self, state: dict) -> None:
        state["records"] = _unpack(state["records"])
        self.__dict__.update(state)
