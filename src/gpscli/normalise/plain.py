"""Column-wise reading of the plain project rows of a sheet: the fast path of :func:`normalise.extract`.

Most rows of a submission are plain: an amount that is an ordinary number, a name, and texts in
地区, 购买主体, 目录, 年度... that were seen on other rows. Such a row can be read a column at a time
(each distinct text is looked at once, the project names are folded in one call), which costs a
fraction of the row-by-row path. A row is plain only when the row-by-row path would, with
certainty, make a record of it without any issue and without looking at the rows around it.

No check is written here: each column's distinct values go through the same field parsers as the
row-by-row path (:class:`.fields.Fields`, which end with the registered cell checks), and a value
with any finding leaves its row to the row-by-row path. What is decided here are row kinds (a total
label, a 其中 line, a blank that a heading above would fill) and which cells cannot be cached.
``tests/test_plainrows.py`` checks that both paths read every fixture workbook alike.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from itertools import repeat
from operator import is_not, itemgetter, ne
from typing import TYPE_CHECKING, Any

from ..checks.registry import CHECKS
from ..money import plain_floats, plain_texts
from ..text import fold, key
from .cells import cell_text
from .rows import TOTAL, is_total_text

if TYPE_CHECKING:
    from ..records import RecordBatch
    from .fields import Fields

_BAD = object()  # a value that makes its row non-plain
_NO_PAIR = (None, None)  # a blank or non-plain 购买主体 / 二级目录: its (text, ident) / (name, level-1 name)
MIN_ROWS = 8  # below this the row-by-row path is as quick
CHUNK = 4096


class PlainRows:
    """For the data rows of one sheet: which are plain, and their values by column.

    ``ok[i]`` says whether data row ``i`` (counted from the first data row) is plain; the sequences
    ``jurisdiction``, ``unit``, ``unit_id``, ``name``, ``name_id``, ``category``, ``subcategory``,
    ``method``, ``supplier``, ``note``, ``year`` and ``amount`` hold its values (meaningless for
    rows that are not). ``jurisdiction`` is None for every row when the sheet has no 地区 column:
    the caller supplies the jurisdiction in force (from a heading or the title).
    """

    __slots__ = (
        "amount",
        "category",
        "jurisdiction",
        "method",
        "name",
        "name_id",
        "note",
        "ok",
        "subcategory",
        "supplier",
        "unit",
        "unit_id",
        "year",
    )

    # Each column holds the values of the plain rows; the entries of the other rows mean nothing.
    ok: list[bool]
    jurisdiction: Sequence[Any]
    unit: Sequence[Any]
    unit_id: Sequence[Any]
    name: Sequence[Any]
    name_id: Sequence[Any]
    category: Sequence[Any]
    subcategory: Sequence[Any]
    method: Sequence[Any]
    supplier: Sequence[Any]
    note: Sequence[Any]
    year: Sequence[Any]
    amount: list[Any]

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


def plain_rows(data: list[list], jx: dict[str, int], skip: set[int], fields: Fields, yuan: bool) -> PlainRows | None:
    """Read ``data`` column-wise (a row that ends before the last mapped column, as CSV rows do, is
    read padded with empty cells, as the row-by-row path reads it).

    ``skip``: indices of rows that must take the row-by-row path (formula flags, merged cells).
    Returns None when the sheet has no plain row worth the trouble. Each test below is first made
    on a whole column at C speed (a set of types, one joined string); a Python loop over the rows
    runs only when that finds something to look at.
    """
    n = len(data)
    if n < MIN_ROWS:
        return None
    need = max(jx.values()) + 1
    if min(map(len, data)) < need:
        data = [r if len(r) >= need else [*r, *([None] * (need - len(r)))] for r in data]
    if n > CHUNK:  # in pieces whose cells stay in the CPU cache while each column is passed over
        return _in_chunks(data, jx, skip, fields, yuan, need)
    columns = list(zip(*data))  # as many as the shortest row has cells
    if len(columns) < need:
        return None
    col = {f: columns[j] for f, j in jx.items()}
    amounts = _amounts(col["amount"], yuan)
    ok = _plain_kinds(data, columns, col, jx, skip, amounts, fields)
    if True not in ok or ("year" not in col and fields.default_year is None):
        return None
    _amount_checks(col["amount"], amounts, ok)
    out = PlainRows()
    out.ok = ok
    out.amount = amounts
    out.name = col["name"]
    out.name_id = _idents(out.name, ok)
    _read_columns(out, col, ok, fields)
    return out if True in ok else None


def _in_chunks(data: list[list], jx: dict[str, int], skip: set[int], fields: Fields, yuan: bool,
               need: int) -> PlainRows | None:
    n = len(data)
    if min(map(len, data)) < need:
        return None
    parts = [(plain_rows(data[k:k + CHUNK], jx, {i - k for i in skip if k <= i < k + CHUNK}, fields, yuan),
              min(CHUNK, n - k)) for k in range(0, n, CHUNK)]
    if all(part is None for part, _size in parts):
        return None
    out = PlainRows()
    for name in PlainRows.__slots__:
        setattr(out, name, [v for part, size in parts
                            for v in (getattr(part, name) if part is not None else [None] * size)])
    out.ok = [bool(v) for v in out.ok]
    return out


def _plain_kinds(data: list[list], columns: list[tuple], col: dict[str, tuple], jx: dict[str, int], skip: set[int],
                 amounts: list, fields: Fields) -> list[bool]:
    """Which rows may be plain by their kind: an amount that reads as a number, a clean name, no
    total or 其中 label, not flagged (formula, merged cell)."""
    n = len(data)
    ok = list(map(is_not, amounts, repeat(None)))
    for i in skip:
        if 0 <= i < n:
            ok[i] = False
    names = col["name"]
    _check_names(names, ok)
    if CHECKS.cell_checks("name"):
        _name_checks(names, ok, fields)
    first_types = list(map(type, columns[0]))
    _check_first_cells(data, first_types, ok)
    if "seq" in col:
        _no_total_labels(col["seq"], ok, types=first_types if jx["seq"] == 0 else None)
    return ok


def _read_columns(out: PlainRows, col: dict[str, tuple], ok: list[bool], fields: Fields) -> None:
    """地区 (a known jurisdiction, not a total label), 购买主体, 一级目录, 年度, 购买方式, 二级目录, 承接主体, 备注:
    each distinct value once through its field parser, and once for all the files this process
    reads. Only rows lo:hi, from the first plain row to the last: the 合计 and 填表人 lines at the
    bottom are not looked at again."""
    n = len(ok)
    caches, refused = fields.match.columns, fields.match.column_refused
    lo, hi = ok.index(True), n - ok[::-1].index(True)

    def mapped(field: str, fn, allow_none: bool = False, extra: object = None, empty: object = None,
               bad: object = None, values: tuple | None = None) -> tuple:
        k = (field, extra)
        cache = caches.get(k)
        if cache is None:  # a plain dict: set.difference(a dict subclass) would walk the whole cache
            cache = caches[k] = {}
            refused[k] = set()
        column = col[field] if values is None else values
        got = _mapped(column[lo:hi], ok, lo, fn, cache, refused[k], allow_none, empty, bad)
        return (bad,) * lo + got + (bad,) * (n - hi) if lo or hi < n else got

    none = [None] * n
    out.jurisdiction = mapped("jurisdiction", lambda v: _label(v, fields.jurisdiction, None)) \
        if "jurisdiction" in col else none
    out.unit, out.unit_id = zip(*mapped("unit", lambda v: _label(v, fields.unit_pair), bad=_NO_PAIR))
    out.year = mapped("year", lambda v: _parsed(v, fields.year), extra=fields.default_year) \
        if "year" in col else [fields.default_year] * n
    if fields.editions:  # catalogues by year: each 一级目录 read in the edition of its row's year
        out.category = mapped("category", lambda pair: _category_of_year(pair, fields), extra="editions",
                              values=tuple(zip(col["category"], out.year)))
    else:
        out.category = mapped("category", lambda v: _parsed(v, fields.category, None) if type(v) is str else _BAD)
    out.method = mapped("method", lambda v: _parsed(v, fields.method), allow_none=True) if "method" in col else none
    out.supplier = _optional(mapped, col, "supplier", fields, n)
    out.note = _optional(mapped, col, "note", fields, n)
    if "subcategory" in col:
        # Read together with the row's 一级目录: a 二级目录 of another category is the parser's finding.
        if fields.editions:
            triples = tuple(zip(col["subcategory"], out.category, out.year))
            out.subcategory = mapped("subcategory", lambda t: _subcategory(t[:2], fields, t[2]), allow_none=True,
                                     extra="editions", values=triples)
        else:
            pairs = tuple(zip(col["subcategory"], out.category))
            out.subcategory = mapped("subcategory", lambda pair: _subcategory(pair, fields), allow_none=True,
                                     values=pairs)
    else:
        out.subcategory = none


def _parsed(v: object, parse, *args):
    """What a field parser reads from ``v``; _BAD when it finds anything (or no value)."""
    found: list = []
    value = parse(v, *args, found)
    return _BAD if found or value is None else value


def _category_of_year(pair: tuple, fields: Fields):
    """一级目录 in the catalogue edition of the row's year (a row without a year is not plain)."""
    v, year = pair
    if type(v) is not str or year is None:
        return _BAD
    found: list = []
    value = fields.category(v, None, found, year)
    return _BAD if found or value is None else value


def _label(v: object, parse, *args):
    """地区 and 购买主体: a text that is no total label (a 合计 row), read by the parser."""
    if type(v) is not str or is_total_text(v):
        return _BAD
    return _parsed(v, parse, *args)


def _optional(mapped, col: dict, field: str, fields: Fields, n: int):
    """承接主体 and 备注: texts only (a number there is left to the row-by-row path), blank allowed."""
    if field not in col:
        return [None] * n

    def read(v: object):
        if type(v) is not str:
            return _BAD
        found: list = []
        value = fields.text(field, v, found, required=False)
        return _BAD if found else value

    return mapped(field, read, allow_none=True)


def _subcategory(pair: tuple, fields: Fields, year: int | None = None):
    v, category = pair
    if v is None or v == "":
        return None
    if type(v) is not str or category is None:
        return _BAD
    found: list = []
    value = fields.subcategory(v, category, found, year)
    return _BAD if found else value


def _name_checks(names: tuple, ok: list[bool], fields: Fields) -> None:
    """The registered cell checks of 项目名称, on each distinct plain name (names are read as they
    are, not through a parser, where no check is registered)."""
    bad: dict[object, bool] = {}
    for i, v in enumerate(names):
        if ok[i]:
            hit = bad.get(v)
            if hit is None:
                found: list = []
                fields.text("name", v, found)
                hit = bad[v] = bool(found)
            if hit:
                ok[i] = False


def _amount_checks(raw: tuple, amounts: list, ok: list[bool]) -> None:
    """The registered cell checks of 金额 (none built in): a row where one might find something is
    left to the row-by-row path, which says so at the cell."""
    for check in CHECKS.cell_checks("amount"):
        where = check.pretest(amounts) if check.pretest is not None else [
            i for i, a in enumerate(amounts) if a is not None and check.fn(cell_text(raw[i]), a)]
        for i in where:
            ok[i] = False


_SEP = "\u00a6"  # ¦, printable: names joined by it are checked in one pass
_TOTAL_FIRST = frozenset("合总小共")  # the character before 计 in every total label
_KEY_DROPS = "\u200b\ufeff\"'“”‘’「」『』《》*＊"  # what text.key drops besides whitespace


def _where(values: tuple | list, x: object) -> list[int]:
    """Indices of the cells equal to ``x`` (as a dict or set would match them), found by C-level
    ``count`` and ``index`` calls: the rows that need a look are a few among hundreds."""
    out = []
    i = -1
    for _ in range(values.count(x)):
        i = values.index(x, i + 1)
        out.append(i)
    return out


def _may_hold_total(joined: str) -> bool:
    """Could one of the texts joined here read as a total label (its text.key matching _TOTAL)?

    Such a key starts with 合计, 总计, 小计 or 共计 (总合计 and 本页合计 hold 合计), and key only folds
    (NFKC), drops whitespace and quotes, strips a leading ordinal and lowers the case: so the NFKC
    form of the text holds that pair, with at most dropped characters between. Many project names
    hold 计 (审计, 统计, 设计); next to none such a pair, so their rows need no text.key each.
    NFKC of texts joined by ¦ is the NFKC of each joined by ¦ (nothing composes with it)."""
    if "计" not in joined:
        return False
    s = unicodedata.normalize("NFKC", joined)
    i = s.find("计", 1)
    while i > 0:
        j = i - 1
        while j > 0 and (s[j].isspace() or s[j] in _KEY_DROPS):
            j -= 1
        if s[j] in _TOTAL_FIRST:
            return True
        i = s.find("计", i + 1)
    return False


def _check_names(names: tuple, ok: list[bool]) -> None:
    """项目名称: a clean text (cell_text would return it unchanged), not a total (小计(一)) or a
    breakdown (其中) line."""
    if set(map(type, names)) == {str}:
        for i in _where(names, ""):  # the 合计 and 填表人 lines at the bottom
            ok[i] = False
        joined = _SEP.join(names)
        clean = joined.count(_SEP) == len(names) - 1 and joined.isprintable()
        # Looking for one character is far quicker than for two: the pairs only when it is there.
        if clean and " " in joined:
            clean = ("  " not in joined and not joined.startswith(" ") and not joined.endswith(" ")
                     and f" {_SEP}" not in joined and f"{_SEP} " not in joined)
        if clean and "其" in joined:
            clean = not joined.startswith("其中") and f"{_SEP}其中" not in joined
        if clean:
            _no_total_labels(names, ok, joined)
            return
    for i, v in enumerate(names):
        if ok[i] and not (type(v) is str and v and v.isprintable() and v[0] != " " and v[-1] != " "
                          and "  " not in v and not v.startswith("其中") and not ("计" in v and TOTAL.match(key(v)))):
            ok[i] = False


def _no_total_labels(values: tuple, ok: list[bool], joined: str | None = None, types: list | None = None) -> None:
    """Rows whose cell is a text that reads as a total label (合计, 小计(一)...) are not plain.

    ``joined``: the cells joined by ¦ when all of them are texts; ``types``: their types, when
    known. Only the texts of rows still plain are looked at, each on its own only when
    :func:`_may_hold_total` says one of them might be such a label."""
    if joined is None:
        if types is None:
            types = list(map(type, values))
        if types.count(str) == len(types):
            joined = _SEP.join(values)
    if joined is not None:
        where: range | list[int] = range(len(values))
    else:
        assert types is not None  # set above when the cells are not all texts
        where = [i for i in _where(types, str) if ok[i]]
        joined = _SEP.join([values[i] for i in where])
    if where and _may_hold_total(joined):
        for i in where:
            v = values[i]
            if "计" in v and TOTAL.match(key(v)):
                ok[i] = False


def _check_first_cells(data: list[list], types: list, ok: list[bool]) -> None:
    """The row's first non-empty cell (序号 as a rule) must not be a total or 其中 label either.
    ``types``: the types of the cells of the first column."""
    for i in _where(types, str) + _where(types, type(None)):
        if ok[i]:
            row = data[i]
            first = row[0]
            if first is None or first == "":
                first = next((v for v in row if v is not None and v != ""), None)
            if type(first) is str and (("计" in first and TOTAL.match(key(first))) or
                                       first.lstrip().startswith("其中")):
                ok[i] = False


def _amounts(values: tuple, yuan: bool) -> list[Decimal | None]:
    """Ordinary float amounts as exact Decimals (money.plain_float, as parse_amount reads them);
    None for any other cell."""
    out = plain_floats(values)
    if str in set(map(type, values)):  # a CSV, or numbers typed as text
        plain_texts(values, out)
    if yuan:
        out = [d / 10000 if d is not None else None for d in out]
    return out


def _idents(names: tuple, ok: list[bool]) -> tuple | list[str]:
    """text.ident of every plain name (the name itself when folding leaves it unchanged) in a few
    calls over one joined string (no name holds a NUL: plain names are printable)."""
    picked: tuple | list = names
    if False in ok:
        picked = list(names)
        for i in _where(ok, False):
            picked[i] = ""
    joined = "\x00".join(picked)
    folded = fold(joined)
    if folded == joined:  # the usual sheet: no name changes
        return picked
    parts = folded.split("\x00")
    out = list(picked)
    for i in _where(list(map(ne, picked, parts)), True):
        out[i] = parts[i]
    return out


def _mapped(values: tuple, ok: list[bool], base: int, fn, cache: dict, refused: set, allow_none: bool = False,
            empty: object = None, bad: object = None) -> tuple:
    """fn over each distinct value of a column (``cache`` keeps what was computed); a row whose
    value fn refuses (_BAD, or None unless ``allow_none``) stops being plain (``ok[base + i]``) and
    reads as ``bad``; a blank (or fn's None) reads as ``empty`` when ``allow_none``. ``refused``:
    the values of ``cache`` that fn refused, so that finding them in a column costs the column's
    distinct values, not the size of a cache that grows with every file."""
    # long: the hot path of column-wise reading: cached lookups first, then the distinct new values, then refusals
    if 0 not in cache and 1 not in cache:
        # The usual column: every value seen before. With no key equal to 0 or 1 in the cache, a
        # logical cell (True == 1) cannot be looked up, so a column that holds one goes below.
        try:
            out = itemgetter(*values)(cache) if len(values) > 1 else (cache[values[0]],)
        except KeyError:
            pass
        else:
            if refused and not refused.isdisjoint(values):
                for v in refused.intersection(values):
                    for i in _where(values, v):
                        ok[base + i] = False
            return out
    distinct = set(values)
    if (1 in distinct or 0 in distinct) and bool in set(map(type, values)):
        # True == 1 == 1.0: a logical cell must never share a cache entry with a number
        for i, v in enumerate(values):
            if type(v) is bool:
                ok[base + i] = False
        values = tuple(None if type(v) is bool else v for v in values)
        distinct = set(values)
    for v in distinct.difference(cache):
        if allow_none and (v is None or v == ""):
            cache[v] = empty
            continue
        hit = fn(v)
        if hit is _BAD or (hit is None and not allow_none):
            cache[v] = bad
            refused.add(v)
        else:
            cache[v] = empty if hit is None else hit
    out = itemgetter(*values)(cache) if len(values) > 1 else (cache[values[0]],)
    if refused and not refused.isdisjoint(distinct):
        for v in refused.intersection(distinct):
            for i in _where(values, v):
                ok[base + i] = False
    return out
