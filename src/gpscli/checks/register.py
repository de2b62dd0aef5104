"""Record rules on the project register's fields (财政部令第102号; :mod:`gpscli.register`): the
统一社会信用代码's check character, suppliers 第八条 refuses, the contract term, the 第十条 negative
list, and amounts and dates that contradict each other. Each runs only where the sheet has the
columns it reads: a submission without them is not touched."""

from __future__ import annotations

import csv
import io
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import accumulate
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from ..money import display
from ..register import REFUSED_SUPPLIER_TYPES, column, credit_code_problem, working_days_after
from ..text import key
from .registry import Finding, record_rule

if TYPE_CHECKING:
    from ..records import RecordBatch
    from . import RuleOptions

Found = Iterator[tuple[int, str, Finding]]
LONGEST_MONTHS, ONE_YEAR = 36, 12
NOTICE_WORKING_DAYS = 2


@dataclass(frozen=True)
class NegativeTerm:
    """A keyword of the negative list and the clause it stands for."""

    keyword: str
    clause: str  # 第十条
    what: str  # the matter the clause names


def _present(b: RecordBatch, *names: str) -> list[list[Any]] | None:
    """The register columns ``names`` of a batch, or None when it lacks any of them."""
    if not all(n in b.extra for n in names):
        return None
    return [b.extra[n] for n in names]


@record_rule(("invalid-credit-code",))
def credit_code(b: RecordBatch, opts: RuleOptions) -> Found:
    cols = _present(b, "supplier_code")
    if cols is None:
        return
    for i, code in enumerate(cols[0]):
        if code is not None and (why := credit_code_problem(code)) is not None:
            yield i, "supplier_code", Finding("invalid-credit-code", {"text": code, "why": why}, value=code)


@record_rule(("refused-supplier-type",))
def refused_supplier(b: RecordBatch, opts: RuleOptions) -> Found:
    cols = _present(b, "supplier_type")
    if cols is None:
        return
    for i, kind in enumerate(cols[0]):
        if kind in REFUSED_SUPPLIER_TYPES:
            supplier = b.supplier[i] or "(未填名称)"
            yield i, "supplier_type", Finding("refused-supplier-type", {"supplier": supplier, "kind": kind}, value=kind)


@record_rule(("contract-too-long", "contract-over-one-year"))
def contract_term(b: RecordBatch, opts: RuleOptions) -> Found:
    if "term" not in b.extra and not ("start" in b.extra and "end" in b.extra):
        return
    given = b.extra.get("term")
    for i, m in enumerate(column(b.extra, len(b.row), "term")):
        if m is None or m <= ONE_YEAR:
            continue
        field_i = "term" if given is not None and given[i] is not None else "end"  # the cell that says it
        if m <= LONGEST_MONTHS and b.note[i]:
            continue  # over a year with a reason in 备注, as the warning asks: said and answered
        code = "contract-too-long" if m > LONGEST_MONTHS else "contract-over-one-year"
        yield i, field_i, Finding(code, {"months": m}, value=str(m))


@record_rule(("negative-list",))
def negative_list(b: RecordBatch, opts: RuleOptions) -> Found:
    terms = opts.negative_terms
    if not terms:
        return
    pattern, by_keyword, of_sub = _matcher(terms)
    hits: dict[int, tuple[str, str]] = {}  # row -> (field, keyword)
    names = b.name_id  # the names folded as duplicates are found (full width, spaces, case)
    text = "\n".join(names)
    if pattern.search(text):  # the usual sheet has none: one search in C over all its names
        ends = list(accumulate(len(n) + 1 for n in names))
        for m in pattern.finditer(text):
            hits.setdefault(bisect_right(ends, m.start()), ("name", m.group(0)))
    subs = {sub: hit for sub in set(b.subcategory) if sub and (hit := of_sub(sub))}
    if subs:
        for i, sub in enumerate(b.subcategory):
            if sub in subs:
                hits.setdefault(i, ("subcategory", subs[sub]))
    for i in sorted(hits):
        field, keyword = hits[i]
        t = by_keyword[keyword]
        name = b.name[i] if field == "name" else b.subcategory[i]
        yield i, field, Finding("negative-list", {"name": name, "keyword": t.keyword, "clause": t.clause,
                                                   "what": t.what}, value=b.name[i])


@cache
def _matcher(terms: tuple[NegativeTerm, ...]) -> tuple[Any, dict[str, NegativeTerm], Any]:
    """One expression for all the keywords (searched in C, not keyword by keyword), the term of
    each keyword, and the keyword a 二级目录 holds (each distinct one looked at once)."""
    import re

    by_keyword = {t.keyword: t for t in terms}
    pattern = re.compile("|".join(re.escape(k) for k in sorted(by_keyword, key=len, reverse=True)))

    @cache
    def of_sub(sub: str) -> str | None:
        m = pattern.search(key(sub))
        return m.group(0) if m else None
    return pattern, by_keyword, of_sub


@record_rule(("unknown-method",))
def unknown_method(b: RecordBatch, opts: RuleOptions) -> Found:
    from ..records import METHODS

    known = {*METHODS, *opts.methods, None}
    if known.issuperset(b.method):  # the usual sheet: one pass in C
        return
    for i, m in enumerate(b.method):
        if m is not None and m not in known:
            yield i, "method", Finding("unknown-method", {"text": m, "methods": "、".join((*METHODS, *opts.methods))},
                                       value=m)


@record_rule(("contract-above-budget", "paid-above-contract"))
def amounts_in_order(b: RecordBatch, opts: RuleOptions) -> Found:
    pairs = (("contract_amount", "budget", "contract-above-budget", "contract", "budget"),
             ("paid", "contract_amount", "paid-above-contract", "paid", "contract"))
    for high, low, code, high_name, low_name in pairs:
        cols = _present(b, high, low)
        if cols is None:
            continue
        for i, (h, lo) in enumerate(zip(*cols)):
            if h is not None and lo is not None and h > lo:
                yield i, high, Finding(code, {high_name: display(h), low_name: display(lo)}, value=str(h))


@record_rule(("dates-out-of-order", "late-notice"))
def dates_in_order(b: RecordBatch, opts: RuleOptions) -> Found:
    from ..register import LABELS

    for later, earlier in (("end", "start"), ("notice", "signed")):
        cols = _present(b, later, earlier)
        if cols is None:
            continue
        for i, (late, early) in enumerate(zip(*cols)):
            if late is None or early is None:
                continue
            if late < early:
                yield i, later, Finding("dates-out-of-order", {"later": LABELS[later], "late": late.isoformat(),
                                                               "earlier": LABELS[earlier], "early": early.isoformat()},
                                        value=late.isoformat())
            elif later == "notice" and (days := working_days_after(early, late)) > NOTICE_WORKING_DAYS:
                yield i, "notice", Finding("late-notice", {"signed": early.isoformat(), "notice": late.isoformat(),
                                                           "days": days}, value=late.isoformat())


def load_negative_list(path: str | Path | None = None) -> tuple[NegativeTerm, ...]:
    """The bundled keywords of 第十条, and those of the bureau's own file (CSV: 关键词, 条款, 事项) added."""
    terms = _bundled()
    if path is not None:
        p = Path(path)
        try:
            raw = p.read_bytes()
        except OSError as exc:
            from ..ingest import os_reason

            raise ConfigError(f"无法读取禁止事项关键词表 {p}:{os_reason(exc)}") from None
        for enc in ("utf-8-sig", "gb18030"):
            try:
                own = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any bytes
            raise ConfigError(f"禁止事项关键词表 {p} 的编码无法识别")
        terms += _parse(own, str(p))
    seen: dict[str, NegativeTerm] = {}
    for t in terms:
        seen.setdefault(t.keyword, t)
    return tuple(seen.values())


@cache
def _bundled() -> tuple[NegativeTerm, ...]:
    text = resources.files("gpscli.data").joinpath("negative_list.csv").read_text(encoding="utf-8")
    return _parse(text, "内置禁止事项关键词")


def _parse(text: str, source: str) -> tuple[NegativeTerm, ...]:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or key(rows[0][0]) not in ("关键词", "keyword"):
        raise ConfigError(f"禁止事项关键词表 {source} 第一行应为表头:关键词,条款,事项")
    out = []
    for row in rows[1:]:
        cells = [c.strip() for c in row] + ["", ""]
        if cells[0]:
            out.append(NegativeTerm(key(cells[0]), cells[1] or "第十条", cells[2] or cells[0]))
    return tuple(out)
