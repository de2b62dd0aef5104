"""Run checks across files: byte-identical copies, repeated projects, a file sent twice."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from ..issues import Issue, make
from ..money import display
from ..records import FileResult, ProjectRecord, RecordBatch

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
            f.issues = [make("duplicate-file", path=f.path, keeper=keeper.path)]
            f.records, f.totals = [], []


def _duplicate(prev: ProjectRecord, r: ProjectRecord) -> Issue:
    if prev.source.path == r.source.path:
        where = f"本文件 {prev.source.sheet}!{prev.cell('name') or ''}"
    else:
        where = f"「{prev.source.path}」{prev.source.sheet}!{prev.cell('name') or prev.source.row}"
    return at_record(r, "name", "duplicate-project", value=r.name, name=r.name, unit=r.unit, year=r.year, where=where)


def at_record(r: ProjectRecord, field_name: str, code: str, variant: str = "", **kw: Any) -> Issue:
    """An issue at a record's cell."""
    cell = r.cell(field_name)
    return make(code, variant, path=r.source.path, sheet=r.source.sheet, cell=cell, row=r.source.row,
                column=cell.rstrip("0123456789") if cell else None, **kw)


Place = tuple[RecordBatch, int]  # a record: its batch and its index in it


def duplicate_projects(batches: Iterable[RecordBatch]) -> list[tuple[Place, Place]]:
    """The same (jurisdiction, unit, project, year) twice: (first occurrence, later occurrence) of
    each repeat, as (batch, index). Read from the columns; no record is made."""
    seen: set[tuple[str, str, str, int]] = set()  # every key so far
    done: list[RecordBatch] = []  # the batches whose keys are in seen
    first: dict[tuple[str, str, str, int], Place] | None = None  # key -> first place, made at the first repeat
    repeats = []
    for b in batches:
        keys = list(zip(b.jurisdiction, b.unit_id, b.name_id, b.year))
        fresh = set(keys)
        if first is None and len(fresh) == len(keys) and seen.isdisjoint(fresh):
            seen |= fresh  # the usual batch: nothing repeats, and no loop in Python
            done.append(b)
            continue
        if first is None:
            first = {}
            for d in done:
                for i, k in enumerate(zip(d.jurisdiction, d.unit_id, d.name_id, d.year)):
                    first.setdefault(k, (d, i))
        for i, k in enumerate(keys):
            prev = first.setdefault(k, (b, i))
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
    shared: dict[tuple[int, int, str, int], list[tuple[Place, Place]]] = {}
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


def _repeat_issue(first: FileResult, later: FileResult, jur: str, year: int, common: list[tuple[Place, Place]],
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
    return make("duplicate-submission", path=later.path, value=name1, jurisdiction=jur, year=year, first=name1,
                second=name2, what=what)


