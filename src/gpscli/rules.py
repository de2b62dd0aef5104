"""Validation rules: small functions over typed records, each returning issues (never raising).

Row-level reading problems (missing values, bad amounts, unknown categories...) are found
while normalising (:mod:`gpscli.normalise`); these rules see the typed records and the
relations between them, within a file and across files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from decimal import Decimal
from typing import Iterable

from .issues import Issue, cap, is_summary
from .money import display
from .readers.grid import col_letter
from .records import FileResult, ProjectRecord, RecordBatch, TotalRow


@dataclass(frozen=True)
class RuleOptions:
    require_year: int | None = None  # rows of another year are errors (validate --year)
    suspicious_amount: Decimal = Decimal(100000)  # 万元 for one project


def _at(r: ProjectRecord, field_name: str, code: str, message: str, **kw) -> Issue:
    cell = r.cell(field_name)
    column = cell.rstrip("0123456789") if cell else None
    return Issue(code, message, path=r.source.path, sheet=r.source.sheet, cell=cell, row=r.source.row,
                 column=column, **kw)


def negative_amount(r: ProjectRecord, opts: RuleOptions) -> Issue | None:
    if r.amount < 0:
        return _at(r, "amount", "negative-amount", f"{r.cell('amount')}:金额 {display(r.amount)} 为负数",
                   value=str(r.amount), hint="项目金额应大于零;如为调减,请与财政局联系确认填报口径")
    return None


def zero_amount(r: ProjectRecord, opts: RuleOptions) -> Issue | None:
    if r.amount == 0:
        return _at(r, "amount", "zero-amount", f"{r.cell('amount')}:项目「{r.name}」的金额为 0",
                   value="0", hint="如项目未安排资金,请确认是否应当填报")
    return None


def suspicious_amount(r: ProjectRecord, opts: RuleOptions) -> Issue | None:
    if r.amount > opts.suspicious_amount:
        return _at(r, "amount", "suspicious-amount",
                   f"{r.cell('amount')}:项目「{r.name}」金额 {display(r.amount)} 万元,超过 {display(opts.suspicious_amount)} 万元",
                   value=str(r.amount), hint="是否把“元”填进了“万元”列?金额列以万元为单位")
    return None


def year_demanded(r: ProjectRecord, opts: RuleOptions) -> Issue | None:
    if opts.require_year is not None and r.year != opts.require_year:
        return _at(r, "year", "invalid-year",
                   f"{r.cell('year') or ''}:本行年度为 {r.year},要求报送的是 {opts.require_year} 年".lstrip(":"),
                   value=r.year, hint=f"请只报送 {opts.require_year} 年的项目,或检查年度是否填错")
    return None


RECORD_RULES = (negative_amount, zero_amount, suspicious_amount, year_demanded)


def check_record(r: ProjectRecord, opts: RuleOptions) -> list[Issue]:
    return [i for rule in RECORD_RULES if (i := rule(r, opts)) is not None]


def check_total(t: TotalRow) -> Issue | None:
    if t.amount is None or t.amount == t.expected:
        return None
    column = t.cell.rstrip("0123456789") if t.cell else None
    what = f"分组标题「{t.heading}」所带的小计" if t.heading else f"{t.kind}行金额"
    return Issue("total-mismatch",
                 f"{t.cell}:{what}为 {display(t.amount, 6)},但{'下方' if t.above else '上方'} {t.rows} 个项目之和为 "
                 f"{display(t.expected, 6)},相差 {display(t.amount - t.expected, 6)}",
                 path=t.source.path, sheet=t.source.sheet, cell=t.cell, row=t.source.row, column=column,
                 value=str(t.amount), hint="合计行不计入汇总;请核对明细或合计公式")


_COPY_NAME = re.compile(r"([(（]\d+[)）]|副本|[-_ ]?copy|\s-\s副本)$", re.IGNORECASE)


def _keeper_rank(f: FileResult) -> tuple[bool, int, str]:
    stem = PurePath(f.path).stem
    return (bool(_COPY_NAME.search(stem)), len(stem), f.path)


def duplicate_files(files: list[FileResult]) -> None:
    """Mark byte-identical copies (typical '(1)' downloads) as ignored, with a warning.

    Of identical files, the one whose name does not look like a copy is kept.
    """
    groups: dict[str, list[FileResult]] = {}
    for f in files:
        if f.sha256 and f.size:
            groups.setdefault(f.sha256, []).append(f)
    for same in groups.values():
        if len(same) < 2:
            continue
        keeper = min(same, key=_keeper_rank)
        for f in same:
            if f is keeper:
                continue
            f.ignored = True
            f.issues = [Issue("duplicate-file", f"与文件「{keeper.path}」内容完全相同,已忽略,不重复计入",
                              path=f.path, hint="多半是重复下载的副本(文件名带“(1)”),可以删除")]
            f.records, f.totals = [], []


def _duplicate(prev: ProjectRecord, r: ProjectRecord) -> Issue:
    where = f"「{prev.source.path}」{prev.source.sheet}!{prev.cell('name') or prev.source.row}"
    same_file = prev.source.path == r.source.path
    return _at(r, "name", "duplicate-project",
               f"{r.cell('name')}:项目「{r.name}」({r.unit},{r.year}年)与"
               f"{'本文件 ' + prev.source.sheet + '!' + (prev.cell('name') or '') if same_file else where}重复",
               value=r.name, hint="同一项目只能填报一次;如确为不同项目,请在项目名称中区分")


def duplicate_projects(batches: Iterable[RecordBatch]) -> list[tuple[tuple[RecordBatch, int], tuple[RecordBatch, int]]]:
    """The same (jurisdiction, unit, project, year) twice: (first occurrence, later occurrence) of
    each repeat, as (batch, index). Read from the columns; no record is made."""
    seen: dict[tuple, tuple[RecordBatch, int]] = {}
    repeats = []
    for b in batches:
        for i, k in enumerate(zip(b.jurisdiction, b.unit_id, b.name_id, b.year)):
            prev = seen.setdefault(k, (b, i))
            if prev[0] is not b or prev[1] != i:
                repeats.append((prev, (b, i)))
    return repeats


_CORRECTED = re.compile(r"更正|修正|修改|补正|最新|终稿|定稿|正确")


def duplicates(files: list[FileResult]) -> None:
    """Repeated projects, as issues on the files they concern.

    Two files of one jurisdiction and year that share most of their projects (阜康市.xlsx and
    阜康市(更正).xlsx) are one ``duplicate-submission`` error on one of them, naming the other and
    the cells that differ, instead of a duplicate-project per row; that file is then not counted
    at all (a file-level error). It goes on the later file, unless only the later one's name marks
    a correction (更正, 修改, 最新...): then on the earlier. Any other repeat is a
    ``duplicate-project`` at its later occurrence."""
    index = {f.path: n for n, f in enumerate(files)}
    repeats = duplicate_projects(b for f in files if not f.ignored for b in f.batches)
    if not repeats:
        return  # the usual case: one pass over the keys, nothing more
    shared: dict[tuple[int, int, str, int], list[tuple]] = {}
    for first, later in repeats:
        a, z = index[first[0].path], index[later[0].path]
        if a != z:
            jur, year = first[0].jurisdiction[first[1]], first[0].year[first[1]]
            shared.setdefault((min(a, z), max(a, z), jur, year), []).append(
                (first, later) if a < z else (later, first))
    sizes = _sizes({n for key in shared for n in key[:2]}, files)
    pairs: set[tuple[str, str]] = set()
    flagged: set[int] = set()
    for (a, z, jur, year), common in sorted(shared.items(), key=lambda kv: kv[0][:2]):
        if a in flagged or z in flagged or len(common) < 2 or len(common) * 2 < min(sizes[(a, jur, year)],
                                                                                     sizes[(z, jur, year)]):
            continue
        keep, drop = a, z
        if _CORRECTED.search(PurePath(files[z].path).stem) and not _CORRECTED.search(PurePath(files[a].path).stem):
            keep, drop = z, a  # the corrected one is counted, whichever sorts first
            common = [(y, x) for x, y in common]
        flagged.add(drop)
        pairs.add((files[a].path, files[z].path))
        only = (sizes[(keep, jur, year)] - len(common), sizes[(drop, jur, year)] - len(common))
        files[drop].issues.append(_repeat_issue(files[keep], files[drop], jur, year, common, only))
    for first, later in repeats:
        p1, p2 = first[0].path, later[0].path
        if (p1, p2) not in pairs and (p2, p1) not in pairs:
            issue = _duplicate(first[0].records()[first[1]], later[0].records()[later[1]])
            files[index[p2]].issues.append(issue)


def _sizes(which: set[int], files: list[FileResult]) -> dict[tuple[int, str, int], int]:
    """Projects per (file, jurisdiction, year), for the files given."""
    out: dict[tuple[int, str, int], int] = {}
    for n in which:
        for b in files[n].batches:
            for jy in zip(b.jurisdiction, b.year):
                out[(n, *jy)] = out.get((n, *jy), 0) + 1
    return out


def _repeat_issue(first: FileResult, later: FileResult, jur: str, year: int, common: list[tuple],
                  only: tuple[int, int]) -> Issue:
    diffs = []
    for (b1, i1), (b2, i2) in common:
        if b1.amount[i1] != b2.amount[i2]:
            r1, r2 = b1.records()[i1], b2.records()[i2]
            diffs.append(f"「{r2.name}」{r1.source.sheet}!{r1.cell('amount') or r1.source.row} 为 {display(r1.amount, 6)}、"
                         f"{r2.source.sheet}!{r2.cell('amount') or r2.source.row} 为 {display(r2.amount, 6)}")
    name1, name2 = PurePath(first.path).name, PurePath(later.path).name
    if diffs:
        shown = ";".join(diffs[:10]) + (f";另有 {len(diffs) - 10} 处" if len(diffs) > 10 else "")
        what = f"{len(common)} 个项目相同,其中 {len(diffs)} 个金额不同({shown})"
    else:
        what = f"{len(common)} 个项目及金额都相同"
    for name, n in zip((name1, name2), only):
        if n:
            what += f";「{name}」另有 {n} 个项目"
    return Issue("duplicate-submission",
                 f"{jur} 有两份 {year} 年报送(「{name1}」和「{name2}」):{what};本文件未计入",
                 path=later.path, value=name1,
                 hint="请只保留一份(通常是更正后的那份),删除或移走另一份后重新汇总")


def run(files: list[FileResult], opts: RuleOptions) -> None:
    """Apply every rule; issues are attached to the file they concern."""
    duplicate_files(files)
    zero, high, year = Decimal(0), opts.suspicious_amount, opts.require_year
    for f in files:
        if f.ignored:
            continue
        for b in f.batches:
            # Fast path: min and max of the columns clear most sheets without a look at any row.
            amounts, years = b.amount, b.year
            if not amounts or (min(amounts) > zero and max(amounts) <= high and (
                    year is None or min(years) == max(years) == year)):
                continue
            records = b.records()
            for i, (a, y) in enumerate(zip(amounts, years)):
                if a <= zero or a > high or (year is not None and y != year):
                    f.issues.extend(check_record(records[i], opts))
        for t in f.totals:
            if (i := check_total(t)) is not None:
                f.issues.append(i)
    duplicates(files)
    for f in files:
        f.issues.sort(key=_order(f))
        f.issues, unlisted = cap(f.issues)
        f.unlisted_error_rows |= unlisted


def _order(f: FileResult):
    sheets = {s.name: n for n, s in enumerate(f.sheets)}

    def k(i: Issue):
        col = i.column or ""
        if is_summary(i):
            return (len(sheets), 0, 0, i.code)  # "另有 N 个同类问题" after those it follows
        return (sheets.get(i.sheet or "", -1), i.row or 0, len(col), col)

    return k


def error_rows(files: list[FileResult]) -> set[tuple[str, str, int]]:
    """(path, sheet, row) of every row that has an error: those records are not counted."""
    rows = {(i.path, i.sheet, i.row) for f in files for i in f.issues if i.is_error and i.row is not None and i.sheet}
    rows.update((f.path, sheet, row) for f in files for sheet, row in f.unlisted_error_rows)
    return rows


__all__ = ["RuleOptions", "run", "error_rows", "col_letter"]
