"""The column-wise fast path (plainrows.py) must read every workbook exactly as the row-by-row path.

Each workbook is read twice in this process: with the fast path forced on for sheets of any size,
and with it switched off. Records (every field, cell references, duplicate keys), issues (code,
cell, message), 合计 checks and sheet reports must be identical.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import builders as b
import messy_builders as mb
from gpscli import catalogue as catalogue_mod, plainrows, profile as profile_mod
from gpscli.ingest import read_file
from gpscli.normalise import Context
from gpscli.readers import Limits

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def _tricky_rows(control: str = "\u3000") -> list[list]:
    """Plain rows with every kind of row the fast path must leave to the row-by-row path between them."""
    p = b.project
    rows = b.standard_rows([p(name=f"道路保洁{n}", amount=10 + n / 4) for n in range(12)])
    rows += [
        [None, None, None, "一、社会管理性服务", None, None, None, None, None, None, None],  # a section heading
        [13, "昌吉市", "昌吉市司法局", "人民调解", None, None, 5.5, "委托", None, 2016, None],  # category from it
        [14, "昌吉市", "州统计局", "统计调查服务", "技术性服务", None, 7, "询价", "某统计事务所", 2016, None],
        [15, "昌吉市", "昌吉市审计局", "会计审计服务合计", "技术性服务", None, 4, None, None, 2016, None],
        [16, "昌吉市", "昌吉市民政局", "其中:社区养老", "基本公共服务", None, 2, None, None, 2016, None],
        [None, "小计", None, None, None, None, 34.0, None, None, None, None],
        [17, "昌吉", "昌吉市民政局", "养老服务", "基本公共服务", "养老服务", 8, "公开招标", None, 2016, None],
        [18, "火星市", "昌吉市民政局", "养老服务2", "基本公共服务", "养老服务", 8, None, None, 2016, None],
        [19, "昌吉市", "昌吉市民政局", "养老服务3", "城市维护", None, 8, None, None, 2016, None],  # level 2 as 1
        [20, "昌吉市", "昌吉市民政局", "养老服务4", "基本公共服务", "法律援助", 8, None, None, 2016, None],  # mismatch
        [21, "昌吉市", "昌吉市民政局", "养老服务5", "基本公共服务", "   ", 8, None, f"某{control}公司", 2016, None],
        [22, "昌吉市", "昌吉市民政局", "养老服务6", "基本公共服务", None, -3, None, None, 2016, None],
        [23, "昌吉市", "昌吉市民政局", "养老服务7", "基本公共服务", None, 0, None, None, 2016, None],
        [24, "昌吉市", "昌吉市民政局", "养老服务8", "基本公共服务", None, "12.5", None, None, 2016, None],
        [25, "", "昌吉市民政局", "养老服务9", "基本公共服务", None, 1.25, None, None, "", None],  # title defaults
        [26, "昌吉市", "昌吉市民政局", "养老服务10", "基本公共服务", None, 0.1 + 0.2, None, None, 2016.0, None],
        [27, "昌吉市", "昌吉市民政局", "养老服务11", "基本公共服务", None, 3, None, None, "2016年", None],
        [28, "昌吉市", "昌吉市民政局", "  前后空格  ", "基本公共服务", None, 3, None, None, 2016, None],
        [29, "昌吉市", "昌吉市民政局", "道路保洁3", "基本公共服务", "城市维护", 10.75, "公开招标",
         "昌吉市洁城环境服务有限公司", 2016, None],  # a duplicate of a plain row
        [30, "昌吉市", "昌吉市民政局", "养老服务12", "基本公共服务", None, 3, None, None, 1999, None],
        [31, "昌吉市", "昌吉市民政局", "养老服务13", "基本公共服务", None, None, None, None, 2016, None],
        [32, "昌吉市", True, "养老服务14", "基本公共服务", None, 3, None, None, 2016, None],
        [33, "昌吉市", "昌吉市民政局", "小计(养老)", "基本公共服务", None, 16, None, None, 2016, None],
        [None, "合计", None, None, None, None, 999, None, None, None, None],
        ["填表人:张三", None, None, None, None, None, None, None, None, None, None],
    ]
    rows += [[40 + n, "玛纳斯县", "玛纳斯县民政局", f"居家养老{n}", "基本公共服务", "养老服务", 1.5 * n, "委托",
              "某社会组织", 2016, "备注"] for n in range(10)]
    return rows


def _workbooks(folder: Path) -> list[Path]:
    paths = [path for path, _wants in mb.all_variants(folder)]
    paths.append(b.write_xlsx(folder / "tricky.xlsx", _tricky_rows(), merges=["C4:C6"]))
    paths.append(b.write_csv(folder / "tricky.csv", _tricky_rows("\x07")))  # xlsx cannot hold it
    yuan = b.standard_rows([b.project(name=f"项目{n}", amount=4706000 + n) for n in range(10)],
                           unit_line="填报单位:昌吉市财政局    单位:元")
    paths.append(b.write_xlsx(folder / "in_yuan.xlsx", yuan))
    no_jur = [r[:1] + r[2:] for r in b.standard_rows([b.project(name=f"项目{n}") for n in range(10)])]
    no_jur.insert(5, [None, "玛纳斯县", None, None, None, None, None, None, None, None])  # a jurisdiction heading
    paths.append(b.write_xlsx(folder / "no_jurisdiction_column.xlsx", no_jur))
    paths.extend(sorted(SAMPLE.glob("*.xlsx")))
    return paths


def _snapshot(res) -> tuple:
    records = [(r.jurisdiction, r.unit, r.name, r.category, r.amount, str(r.amount), r.year, r.source, r.subcategory,
                r.method, r.supplier, r.note, dict(r.cells), r.ids) for r in res.records]
    issues = sorted((i.code, i.sheet, i.cell, i.message) for i in res.issues)
    totals = [(t.kind, t.amount, t.expected, t.rows, t.source, t.cell) for t in res.totals]
    return records, issues, totals, [vars(s) for s in res.sheets], res.skipped_rows


@pytest.mark.parametrize("chunk", [4096, 5], ids=["whole-sheets", "in-chunks-of-5"])
def test_fast_path_reads_every_workbook_as_the_row_by_row_path(tmp_path, monkeypatch, chunk):
    ctx = Context(profile_mod.load(None), catalogue_mod.load(None))
    paths = _workbooks(tmp_path)
    monkeypatch.setattr(plainrows, "MIN_ROWS", 1)
    monkeypatch.setattr(plainrows, "CHUNK", chunk)
    fast = [_snapshot(read_file(p, ctx, Limits())) for p in paths]
    monkeypatch.setattr("gpscli.normalise.plain_rows", lambda *a, **k: None)
    slow = [_snapshot(read_file(p, ctx, Limits())) for p in paths]
    for p, f, s in zip(paths, fast, slow):
        assert f == s, p.name
    assert sum(len(f[0]) for f in fast) > 150  # the workbooks do hold projects


@pytest.mark.parametrize("min_rows", [1, 8])
def test_fast_path_takes_the_plain_rows(tmp_path, monkeypatch, min_rows):
    """Not a vacuous equality: on the tricky sheet most plain rows really go the column-wise way."""
    monkeypatch.setattr(plainrows, "MIN_ROWS", min_rows)
    taken = []
    real = plainrows.PlainRows.take

    def spy(self, batch, k, stop, first_row, jurisdiction):
        taken.append(stop - k)
        return real(self, batch, k, stop, first_row, jurisdiction)

    monkeypatch.setattr(plainrows.PlainRows, "take", spy)
    path = b.write_xlsx(tmp_path / "tricky.xlsx", _tricky_rows())
    res = read_file(path, Context(profile_mod.load(None), catalogue_mod.load(None)), Limits())
    assert sum(taken) >= 24 and len(res.records) >= sum(taken) + 5
