"""Typed records passed between the pipeline stages.

read (:mod:`gpscli.readers`) -> :class:`SheetGrid` -> detect layout -> normalise ->
:class:`ProjectRecord` -> rules -> aggregate -> outputs / report.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .issues import Issue
from .register import LABELS as REGISTER_LABELS

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
    **REGISTER_LABELS,  # the register's optional fields (gpscli.register)
}
# 购买方式: the 政府采购 methods (and 委托, 其他 as reported in practice); a closed list the bureau can add to
# (gps.toml ``methods``). Other ways of writing them are read as the law names them.
METHODS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源采购", "框架协议采购", "委托", "其他")
METHOD_ALIASES = {"单一来源": "单一来源采购", "公开招投标": "公开招标", "竞争性磋商采购": "竞争性磋商", "磋商": "竞争性磋商",
                  "竞争性谈判采购": "竞争性谈判", "谈判": "竞争性谈判", "询价采购": "询价", "框架协议": "框架协议采购",
                  "直接委托": "委托", "定向委托": "委托", "邀请招投标": "邀请招标"}


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

    def get(self, field_name: str, default: Any = None) -> Any:
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
    cells: Mapping[str, str] = field(default_factory=dict)  # field -> A1 reference in the original sheet
    # (unit, name) folded for duplicate detection; filled in the worker process, where it is parallel.
    ids: tuple[str, str] | None = field(default=None, compare=False, repr=False)
    # The register's fields this row gives (gpscli.register: 承接主体类型, 合同金额, 合同期限...): name -> value.
    extra: Mapping[str, Any] = field(default_factory=dict)

    def cell(self, field_name: str) -> str | None:
        return self.cells.get(field_name)

    def __getattr__(self, name: str) -> Any:
        """A register field by its name (``r.supplier_type``), as the core fields are read; None
        where the row does not give it."""
        from .register import BY_NAME, value_of

        if name in BY_NAME:
            return value_of(self.extra, name)
        raise AttributeError(name)

    def __reduce__(self):  # records travel back from worker processes: keep that cheap
        return (ProjectRecord, (self.jurisdiction, self.unit, self.name, self.category, self.amount, self.year,
                                self.source, self.subcategory, self.method, self.supplier, self.note, self.cells,
                                self.ids, self.extra))

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

    kind: str  # 合计 | 小计 | 总计
    amount: Decimal | None
    expected: Decimal
    rows: int
    source: Source
    cell: str | None
    above: bool = False  # it stands above the rows it sums (合计 first, a group heading with its subtotal)
    heading: str = ""  # the group heading that carries it (一、基本公共服务), when it is one


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


class RecordBatch:
    """The project records of one sheet, held by column.

    What a reading worker builds and sends back: a few lists pickle many times faster than as
    many objects, and the hot steps (rules, years, aggregation) read the columns without making
    a :class:`ProjectRecord` per row; the records themselves are made when first asked for.
    Amounts are exact ``Decimal`` 万元; they travel as strings.
    """

    __slots__ = (
        "_npacked",
        "_packed",
        "_records",
        "amount",
        "category",
        "extra",
        "jurisdiction",
        "letters",
        "method",
        "name",
        "name_id",
        "note",
        "path",
        "row",
        "sheet",
        "subcategory",
        "supplier",
        "unit",
        "unit_id",
        "year",
    )
    COLUMNS = ("row", "jurisdiction", "unit", "name", "category", "amount", "year", "subcategory", "method",
               "supplier", "note", "unit_id", "name_id")

    # The columns, one entry per record (a row of the sheet), in the order the rows were read.
    row: array[int]  # the 1-based row number in Excel (4 bytes each: 500,000 rows are 2 MB, not 18)
    jurisdiction: list[str]
    unit: list[str]
    name: list[str]
    category: list[str]
    amount: list[Decimal]  # 万元, exact
    year: list[int]
    subcategory: list[str | None]
    method: list[str | None]
    supplier: list[str | None]
    note: list[str | None]
    unit_id: list[str]  # ProjectRecord.ids: the folded 购买主体 and 项目名称 duplicate detection compares
    name_id: list[str]
    # The register's columns the sheet has (gpscli.register), each one entry per record (None: blank).
    extra: dict[str, list[Any]]

    def __init__(self, path: str, sheet: str, letters: dict[str, str] | None) -> None:
        self.path, self.sheet, self.letters = path, sheet, letters  # letters None: cells kept per row
        self._empty_columns()
        self._records: list[ProjectRecord] | None = None
        self._packed: list[bytes] = []  # rows already pickled by pack(), in order, before the columns
        self._npacked = 0

    @classmethod
    def of(cls, records: Iterable[ProjectRecord]) -> list[RecordBatch]:
        """Records made elsewhere (a program, a test) as batches, one per (file, sheet)."""
        out: dict[tuple[str, str], tuple[RecordBatch, list[ProjectRecord]]] = {}
        for r in records:
            hit = out.get((r.source.path, r.source.sheet))
            if hit is None:
                b = cls(r.source.path, r.source.sheet, None)
                made: list[ProjectRecord] = []
                b._records = made
                hit = out[(r.source.path, r.source.sheet)] = (b, made)
            b, made = hit
            _jur, unit_id, name_id, _year = r.key()
            for name, value in r.extra.items():
                b.extra.setdefault(name, [None] * len(made)).append(value)
            b.add(r.source.row, r.jurisdiction, r.unit, r.name, r.category, r.amount, r.year, r.subcategory,
                  r.method, r.supplier, r.note, unit_id, name_id)
            made.append(r)
            for column in b.extra.values():
                if len(column) < len(made):
                    column.append(None)
        return [b for b, _made in out.values()]

    def add(self, row: int, jurisdiction: str, unit: str, name: str, category: str, amount: Decimal, year: int,
            subcategory: str | None, method: str | None, supplier: str | None, note: str | None,
            unit_id: str, name_id: str) -> None:
        self.row.append(row); self.jurisdiction.append(jurisdiction); self.unit.append(unit)
        self.name.append(name); self.category.append(category); self.amount.append(amount)
        self.year.append(year); self.subcategory.append(subcategory); self.method.append(method)
        self.supplier.append(supplier); self.note.append(note)
        self.unit_id.append(unit_id); self.name_id.append(name_id)

    def __len__(self) -> int:
        return self._npacked + len(self.row)

    def __getattr__(self, name: str) -> list[Any]:
        """A register column by its name (``b.supplier_type``), as the other columns are read:
        all None when the sheet does not have it."""
        from .register import BY_NAME, column

        if name in BY_NAME:
            self._unpack()
            return column(self.extra, len(self.row), name)
        raise AttributeError(name)

    def pack(self) -> None:
        """Pickle the rows held so far and let go of their objects: what a reading worker does, window
        by window, with a big sheet it will send back anyway (about 100 bytes a row instead of 300).
        The columns then hold only the rows added since; every row is back after unpickling."""
        if not len(self.row):
            return
        self._packed.append(pickle.dumps(self._wire(), pickle.HIGHEST_PROTOCOL))
        self._npacked += len(self.row)
        self._empty_columns()

    def _empty_columns(self) -> None:
        self.row, self.jurisdiction, self.unit, self.name, self.category = array("i"), [], [], [], []
        self.amount, self.year, self.subcategory, self.method, self.supplier = [], [], [], [], []
        self.note, self.unit_id, self.name_id = [], [], []
        self.extra = {}

    def _unpack(self) -> None:
        """Every row back in the columns (rows pickled by pack() first)."""
        if not self._packed:
            return
        chunks = [pickle.loads(p) for p in self._packed] + [self._wire()]
        for j, c in enumerate(self.COLUMNS):
            whole = array("i") if c == "row" else []
            for chunk in chunks:
                whole.extend(chunk[j])
            setattr(self, c, whole)
        names = dict.fromkeys(name for chunk in chunks for name in chunk[-1])
        self.extra = {name: [v for chunk in chunks for v in chunk[-1].get(name) or [None] * len(chunk[0])]
                      for name in names}
        self.amount = list(map(Decimal, self.amount))
        self._packed, self._npacked = [], 0

    def _wire(self) -> tuple:
        """The columns as they travel: amounts as strings (exact, and quicker to pickle than Decimal)."""
        cols = tuple(getattr(self, c) for c in self.COLUMNS)
        amount = self.COLUMNS.index("amount")
        return (*cols[:amount], list(map(str, cols[amount])), *cols[amount + 1:], self.extra)

    def records(self) -> list[ProjectRecord]:
        self._unpack()
        if self._records is None:
            path, sheet, letters = self.path, self.sheet, self.letters
            extra = [{name: v for name, v in zip(self.extra, values) if v is not None}
                     for values in zip(*self.extra.values())] if self.extra else None
            self._records = [
                ProjectRecord(jur, unit, name, cat, amount, year, Source(path, sheet, row), sub, method, supplier,
                              note, CellRefs(letters, str(row)) if letters is not None else {}, (unit_id, name_id),
                              extra[n] if extra is not None else {})
                for n, (row, jur, unit, name, cat, amount, year, sub, method, supplier, note, unit_id, name_id)
                in enumerate(zip(
                    self.row, self.jurisdiction, self.unit, self.name, self.category, self.amount, self.year,
                    self.subcategory, self.method, self.supplier, self.note, self.unit_id, self.name_id))]
        return self._records

    def __getstate__(self):
        cells = None if self.letters is not None or self._records is None else [dict(r.cells) for r in self._records]
        return (self.path, self.sheet, self.letters, self._wire(), cells, self._packed)

    def __setstate__(self, state) -> None:
        self.path, self.sheet, self.letters, cols, cells, self._packed = state
        self._npacked = 0
        for c, values in zip(self.COLUMNS, cols):
            setattr(self, c, values)
        self.extra = cols[-1]
        if self._packed:
            self._unpack()
        else:
            self.amount = list(map(Decimal, self.amount))
        self._records = None
        if cells is not None:
            self._records = self.records()
            for r, c in zip(self._records, cells):
                r.cells = c


@dataclass(frozen=True)
class LedgerRef:
    """Which ledger version a file read back from the ledger is (see :mod:`gpscli.ledger`)."""

    number: int  # version 1, 2, 3... of its submitter for the year
    submitter: str
    jurisdiction: str
    year: int
    period: str  # 2017Q3 | 2017
    received_at: str  # ISO 8601, UTC
    zero: bool = False  # a 零报告: a header and no project rows


@dataclass
class FileResult:
    """Everything read from one input file. Its records are held as :class:`RecordBatch` es
    (one per sheet) and made into :class:`ProjectRecord` objects when ``records`` is first read."""

    path: str
    sha256: str = ""
    size: int = 0
    format: str = ""
    batches: list[RecordBatch] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets: list[SheetReport] = field(default_factory=list)
    ignored: bool = False  # a byte-identical copy of another file
    skipped_rows: int = 0
    # (sheet, row) of errors not listed one by one (issues.cap): their rows are not counted either
    unlisted_error_rows: set[tuple[str, int]] = field(default_factory=set)
    version: LedgerRef | None = None  # read back from the ledger: which version it is

    @property
    def records(self) -> list[ProjectRecord]:
        if len(self.batches) == 1:
            return self.batches[0].records()
        return [r for b in self.batches for r in b.records()]

    @records.setter
    def records(self, value: Iterable[ProjectRecord]) -> None:
        self.batches = RecordBatch.of(value)

    @property
    def rows(self) -> int:
        return sum(len(b) for b in self.batches)

    @property
    def ok(self) -> bool:
        return not any(i.is_error for i in self.issues)
