"""Reading the cells of the register's columns (:mod:`gpscli.register`): a typed value, or the
finding that says why a cell cannot be read, at that cell."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..checks.registry import Finding
from ..money import AmountError, UnitConflict, parse_amount
from ..register import BY_NAME, FUND_ALIASES, SUPPLIER_TYPES, RegisterField, parse_date, parse_months, supplier_type
from ..text import key
from .cells import cell_text, visible_text
from .layout import Layout, header_field, nfkc


def columns_of(layout: Layout, col0: int) -> list[Column]:
    """The register's columns a sheet has, with the unit each header names (金额 and 期限 columns)."""
    out = []
    for name, c in layout.columns.items():
        f = BY_NAME.get(name)
        if f is None:
            continue
        header = nfkc(layout.headers.get(name, ""))
        if f.kind == "money":
            hit = header_field(header)
            unit = (hit[1] if hit else None) or layout.unit
            out.append(Column(f, c - col0, unit, bool(hit and hit[1]) or layout.unit_stated))
        else:
            unit = "年" if re.search(r"[(（\[]\s*年\s*[)）\]]", header) else (
                "月" if re.search(r"[(（\[]\s*(个)?月\s*[)）\]]", header) else "")
            out.append(Column(f, c - col0, unit, False))
    return out


Reader = Callable[[object, "Column"], tuple[Any, Finding | None]]


@dataclass(frozen=True)
class Column:
    """A register field as one sheet holds it: where, and the unit its header names."""

    field: RegisterField
    index: int  # in a row of the sheet's data
    unit: str  # money: 万元 | 元 (the header's, else the sheet's); months: 年 | 月 | ""
    stated: bool  # the sheet states the money unit


def read_cell(v: object, col: Column) -> tuple[Any, Finding | None]:
    """The value of one cell of a register column, or the finding that says why it cannot be read.
    A blank cell is None and no finding: every register field is optional."""
    if v is None or (type(v) is str and not v.strip()):
        return None, None
    return _READERS[col.field.kind](v, col)


def _bad(col: Column, v: object, why: str) -> tuple[None, Finding]:
    return None, Finding("invalid-register-value", {"field": col.field.label, "text": cell_text(v), "why": why},
                         col.field.kind, v)


def _text(v: object, col: Column) -> tuple[Any, Finding | None]:
    t, _removed = visible_text(v)
    return (t or None), None


def _choice(v: object, col: Column) -> tuple[Any, Finding | None]:
    t, _removed = visible_text(v)
    if col.field.name == "supplier_type":
        hit = supplier_type(t)
        if hit is None:
            return t, Finding("unknown-supplier-type", {"text": t, "types": "、".join(SUPPLIER_TYPES)}, value=v)
        return hit, None
    k = key(t)
    for c in col.field.choices:
        if key(c) == k:
            return c, None
    aliases = {key(a): c for a, c in FUND_ALIASES.items()} if col.field.name == "fund_source" else {}
    return aliases.get(k, t), None  # an open list (资金来源): other texts kept as written


def _money(v: object, col: Column) -> tuple[Any, Finding | None]:
    try:
        return parse_amount(v, col.unit, col.stated), None
    except UnitConflict as exc:
        return _bad(col, v, str(exc))
    except AmountError as exc:
        return _bad(col, v, str(exc))


def _date(v: object, col: Column) -> tuple[Any, Finding | None]:
    d = parse_date(v)
    if d is None:
        return _bad(col, v, "不是日期")
    return d, None


def _months(v: object, col: Column) -> tuple[Any, Finding | None]:
    n = parse_months(v, col.unit or None)
    if n is None:
        why = "没有写明单位(年或月)" if type(v) in (int, float, Decimal) or cell_text(v).isdigit() else "读不出期限"
        return _bad(col, v, why)
    return n, None


def _credit_code(v: object, col: Column) -> tuple[Any, Finding | None]:
    return cell_text(v).replace(" ", "").upper(), None  # checked by the record rule (its check character)


_READERS: dict[str, Reader] = {"text": _text, "choice": _choice, "money": _money, "date": _date,
                               "months": _months, "credit-code": _credit_code}




def read_window(columns: list[Column], batch: Any, first: int, data: list[list], begin: int, row0: int,
                fills: dict[int, dict[str, object]] | None) -> list[tuple[int, Column, Finding]]:
    """The register's cells of the rows added to ``batch`` since its ``first`` row (rows of ``data``,
    which holds the grid's rows from ``begin``): their values appended to ``batch.extra``; the
    findings, as (0-based row, column, finding). A merged text or date cell counts for each row
    under it, as the core fields' do; a merged amount only for its own row (it is not split)."""
    found: list[tuple[int, Column, Finding]] = []
    rows = batch.row
    for col in columns:
        out = batch.extra.setdefault(col.field.name, [None] * first)
        name, j, money = col.field.name, col.index, col.field.kind == "money"
        for n in range(first, len(rows)):
            r = rows[n] - 1
            row = data[r - row0 - begin]
            v = row[j] if j < len(row) else None
            if (v is None or v == "") and fills and not money:
                v = fills.get(r, {}).get(name)
            value, finding = read_cell(v, col)
            out.append(value)
            if finding is not None:
                found.append((r, col, finding))
    return found
