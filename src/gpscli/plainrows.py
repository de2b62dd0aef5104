"""Column-wise reading of the plain project rows of a sheet: the fast path of :func:`normalise.extract`.

Most rows of a submission are plain: an amount that is an ordinary number, a name, and texts in
地区, 购买主体, 目录, 年度... that were seen on other rows. Such a row can be read a column at a time
(each distinct text is looked at once, the project names are folded in one call), which costs a
fraction of the row-by-row path. A row is plain only when the row-by-row path would, with
certainty, make a record of it without any issue and without looking at the rows around it;
every other row (totals, headings, notes, blanks, anything with a problem, anything that
depends on a section heading above it) is left to the row-by-row path. The result is the same
record either way; ``tests/test_plainrows.py`` checks that on every fixture workbook.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from .rowparts import _METHOD_KEYS, _TOTAL, _Matcher, _jur_text, _optional_text, _required_text, cell_text
from .money import plain_float
from .text import fold, ident, key

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .records import RecordBatch

_BAD = object()  # a value that makes its row non-plain
MIN_ROWS = 8  # below this the row-by-row path is as quick
CHUNK = 4096


class _Refused(Exception):
    pass


def _refuse(*_args, **_kw) -> None:
    raise _Refused


class PlainRows:
    """For the data rows of one sheet: which are plain, and their values by column.

    ``ok[i]`` says whether data row ``i`` (counted from the first data row) is plain; the lists
    ``jurisdiction``, ``unit``, ``unit_id``, ``name``, ``name_id``, ``category``, ``subcategory``,
    ``method``, ``supplier``, ``note``, ``year`` and ``amount`` hold its values (meaningless for
    rows that are not). ``jurisdiction`` is None for every row when the sheet has no 地区 column:
    the caller supplies the jurisdiction in force (from a heading or the title).
    """

    __slots__ = ("ok", "jurisdiction", "unit", "unit_id", "name", "name_id", "category", "subcategory", "method",
                 "supplier", "note", "year", "amount")

    def take(self, batch: RecordBatch, k: int, stop: int, first_row: int, jurisdiction: str | None) -> Decimal:
        """Add plain data rows ``k:stop`` to ``batch`` (``first_row``: the 1-based row number of data
        row 0); returns their sum. ``jurisdiction``: the one in force when the sheet has no 地区 column."""
        n = stop - k
        batch.row.extend(range(first_row + k, first_row + stop))
        batch.jurisdiction.extend(self.jurisdiction[k:stop] if jurisdiction is None else [jurisdiction] * n)
        batch.unit.extend(self.unit[k:stop])
        batch.name.extend(self.name[k:stop])
        batch.category.extend(self.category[k:stop])
        amounts = self.amount[k:stop]
        batch.amount.extend(amounts)
        batch.year.extend(self.year[k:stop])
        batch.subcategory.extend(self.subcategory[k:stop])
        batch.method.extend(self.method[k:stop])
        batch.supplier.extend(self.supplier[k:stop])
        batch.note.extend(self.note[k:stop])
        batch.unit_id.extend(self.unit_id[k:stop])
        batch.name_id.extend(self.name_id[k:stop])
        return sum(amounts, Decimal(0))


def plain_rows(data: list[list], jx: dict[str, int], skip: set[int], match: _Matcher, catalogue: Catalogue,
               default_year: int | None, yuan: bool, cols: dict[str, int]) -> PlainRows | None:
    """Read ``data`` (rows of equal length, at least up to the last mapped column) column-wise.

    ``skip``: indices of rows that must take the row-by-row path (formula flags, merged cells).
    Returns None when the sheet has no plain row worth the trouble. Each test below is first made
    on a whole column at C speed (a set of types, one joined string); a Python loop over the rows
    runs only when that finds something to look at.
    """
    n = len(data)
    if n < MIN_ROWS:
        return None
    if n > CHUNK:  # in pieces whose cells stay in the CPU cache while each column is passed over
        parts = [(plain_rows(data[k:k + CHUNK], jx, {i - k for i in skip if k <= i < k + CHUNK}, match, catalogue,
                             default_year, yuan, cols), min(CHUNK, n - k)) for k in range(0, n, CHUNK)]
        if all(part is None for part, _size in parts):
            return None
        out = PlainRows()
        for name in PlainRows.__slots__:
            setattr(out, name, [v for part, size in parts
                                for v in (getattr(part, name) if part is not None else [None] * size)])
        out.ok = [bool(v) for v in out.ok]
        return out
    columns = list(zip(*data))
    col = {f: columns[j] for f, j in jx.items()}
    amounts = _amounts(col["amount"], yuan)
    ok = [a is not None for a in amounts]
    for i in skip:
        if 0 <= i < n:
            ok[i] = False
    names = col["name"]
    _check_names(names, ok)
    _check_first_cells(data, columns[0], ok)
    if "seq" in col:
        _no_total_labels(col["seq"], ok)

    out = PlainRows()
    out.ok = ok
    out.amount = amounts
    out.name = names
    out.name_id = _idents(names, ok)

    # 地区 (a known jurisdiction, not a total label), 购买主体, 一级目录, 年度, 购买方式, 二级目录, 承接主体, 备注:
    # each distinct value once, and once for all the files this process reads.
    caches = match.columns

    def mapped(field: str, fn, allow_none: bool = False, extra: object = None) -> list:
        return _mapped(col[field], ok, fn, caches.setdefault((field, extra), {}), allow_none)

    if "jurisdiction" in col:
        out.jurisdiction = mapped("jurisdiction", lambda v: _jurisdiction(v, match))
    else:
        out.jurisdiction = [None] * n
    units = mapped("unit", lambda v: _unit(v, cols))
    out.unit = [u[0] if u is not None else None for u in units]
    out.unit_id = [u[1] if u is not None else None for u in units]
    out.category = mapped("category", lambda v: _category(v, match))
    if "year" in col:
        out.year = mapped("year", lambda v: _year(v, match, default_year), extra=default_year)
    elif default_year is not None:
        out.year = [default_year] * n
    else:
        return None
    out.method = mapped("method", _method, allow_none=True) if "method" in col else [None] * n
    out.supplier = mapped("supplier", lambda v: _optional(v, "supplier", cols),
                          allow_none=True) if "supplier" in col else [None] * n
    out.note = mapped("note", lambda v: _optional(v, "note", cols), allow_none=True) if "note" in col else [None] * n
    if "subcategory" in col:
        subs = mapped("subcategory", lambda v: _subcategory(v, match, catalogue), allow_none=True)
        out.subcategory = [s[0] if s is not None else None for s in subs]
        for i, (sub, category) in enumerate(zip(subs, out.category)):
            if sub is not None and sub[1] != category:
                ok[i] = False  # category-mismatch: the row-by-row path says so
    else:
        out.subcategory = [None] * n
    return out if any(ok) else None


_SEP = "\u00a6"  # ¦, printable: names joined by it are checked in one pass


def _check_names(names: tuple, ok: list[bool]) -> None:
    """项目名称: a clean text (cell_text would return it unchanged), not a total (小计(一)) or a
    breakdown (其中) line."""
    if set(map(type, names)) == {str}:
        if "" in names:  # the 合计 and 填表人 lines at the bottom
            for i, v in enumerate(names):
                if not v:
                    ok[i] = False
        joined = _SEP.join(names)
        clean = (joined.count(_SEP) == len(names) - 1 and joined.isprintable() and "  " not in joined
                 and not joined.startswith(" ") and not joined.endswith(" ")
                 and f" {_SEP}" not in joined and f"{_SEP} " not in joined
                 and not joined.startswith("其中") and f"{_SEP}其中" not in joined)
        if clean:
            if "计" in joined:
                _no_total_labels(names, ok)
            return
    for i, v in enumerate(names):
        if ok[i] and not (type(v) is str and v and v.isprintable() and v[0] != " " and v[-1] != " "
                          and "  " not in v and not v.startswith("其中") and not ("计" in v and _TOTAL.match(key(v)))):
            ok[i] = False


def _no_total_labels(values: tuple, ok: list[bool]) -> None:
    """Rows whose cell is a text that reads as a total label (合计, 小计(一)...) are not plain."""
    for i, v in enumerate(values):
        if type(v) is str and "计" in v and _TOTAL.match(key(v)):
            ok[i] = False


def _check_first_cells(data: list[list], first_column: tuple, ok: list[bool]) -> None:
    """The row's first non-empty cell (序号 as a rule) must not be a total or 其中 label either."""
    for i in [i for i, v in enumerate(first_column) if type(v) is str or v is None]:
        if ok[i]:
            row = data[i]
            first = row[0]
            if first is None or first == "":
                first = next((v for v in row if v is not None and v != ""), None)
            if type(first) is str and (("计" in first and _TOTAL.match(key(first))) or
                                       first.lstrip().startswith("其中")):
                ok[i] = False


def _amounts(values: tuple, yuan: bool) -> list[Decimal | None]:
    """Ordinary float amounts as exact Decimals (money.plain_float, as parse_amount reads them);
    None for any other cell."""
    out = [plain_float(v) if type(v) is float else None for v in values]
    if yuan:
        out = [d / 10000 if d is not None else None for d in out]
    return out


def _idents(names: tuple, ok: list[bool]) -> list[str | None]:
    """text.ident of every plain name in three calls over one joined string (no name holds a NUL:
    plain names are printable)."""
    picked = [v if good else "" for v, good in zip(names, ok)]
    folded = fold("\x00".join(picked)).split("\x00")
    return [v if v == f else f for v, f in zip(picked, folded)]


def _mapped(values: tuple, ok: list[bool], fn, cache: dict, allow_none: bool = False) -> list:
    """fn over each distinct value of a column (``cache`` keeps what was computed); a row whose
    value maps to _BAD stops being plain."""
    types = set(map(type, values))
    if bool in types:  # True == 1 == 1.0: a logical cell must never share a cache entry with a number
        for i, v in enumerate(values):
            if type(v) is bool:
                ok[i] = False
        values = tuple(None if type(v) is bool else v for v in values)
    for v in set(values).difference(cache):
        if allow_none and (v is None or v == ""):
            cache[v] = None
            continue
        try:
            hit = fn(v)
        except _Refused:
            hit = _BAD
        cache[v] = _BAD if hit is None and not allow_none else hit
    out = list(map(cache.__getitem__, values))
    if _BAD in cache.values():
        ok[:] = [good and hit is not _BAD for good, hit in zip(ok, out)]
        out = [None if hit is _BAD else hit for hit in out]
    return out


def _jurisdiction(v: object, match: _Matcher):
    if type(v) is not str or "计" in v and _TOTAL.match(key(v)):
        return _BAD
    text, j = _jur_text(v, {}, match)
    return j.name if text and j is not None else _BAD


def _unit(v: object, cols: dict[str, int]):
    if type(v) is not str or "计" in v and _TOTAL.match(key(v)):
        return _BAD
    t = _required_text(v, "unit", 0, cols, _refuse)
    return (t, ident(t)) if t else _BAD


def _category(v: object, match: _Matcher):
    if type(v) is not str:
        return _BAD
    raw = cell_text(v)
    if not raw:
        return _BAD
    kind, item = match.category(raw, False)
    return item.name if kind == "ok" else _BAD


def _subcategory(v: object, match: _Matcher, catalogue: Catalogue):
    """(name, the name of its level-1 category) for a level-2 item."""
    if type(v) is not str:
        return _BAD
    raw = cell_text(v)
    if not raw:
        return None
    item = match.subcategory(raw, False)
    return (item.name, catalogue.top(item).name) if item is not None and item.level > 1 else _BAD


def _year(v: object, match: _Matcher, default_year: int | None):
    if v is None or v == "" or (type(v) is str and v.isspace()):
        return default_year if default_year is not None else _BAD
    y = match.year(v)
    return y if type(y) is int else _BAD


def _method(v: object):
    t = cell_text(v)
    return _METHOD_KEYS.get(key(t), t) if t else None


def _optional(v: object, f: str, cols: dict[str, int]):
    if type(v) is not str:
        return _BAD
    return _optional_text(v, f, 0, cols, _refuse)
