"""The column-wise fast path (plainrows.py) must read every workbook exactly as the row-by-row path.

Each workbook is read twice in this process: with the fast path forced on for sheets of any size,
and with it switched off. Records (every field, cell references, duplicate keys), issues (code,
cell, message), 合计 checks and sheet reports must be identical.
"""

from __future__ import annotations

import pickle
from decimal import Decimal
from pathlib import Path

import pytest

import builders as b
import messy_builders as mb
from gpscli import catalogue as catalogue_mod
from gpscli import profile as profile_mod
from gpscli.ingest import read_file
from gpscli.normalise import Context
from gpscli.normalise import plain as plainrows
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
    paths.append(b.write_xls(folder / "tricky.xls", _tricky_rows()))  # whole numbers read as ints
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


@pytest.mark.parametrize("window", [3, 4096])
def test_a_streamed_big_sheet_reads_as_the_whole_grid(tmp_path, monkeypatch, window):
    """A sheet past excel.STREAM_ROWS is made into Python lists a window at a time in a guarded
    worker (careful=False): records, issues, totals and sheet reports are those of the whole grid."""
    from gpscli.readers import excel, grid

    ctx = Context(profile_mod.load(None), catalogue_mod.load(None))
    paths = [p for p in _workbooks(tmp_path) if p.suffix in (".xlsx", ".xls")]
    whole = [_snapshot(read_file(p, ctx, Limits(), careful=False)) for p in paths]
    streamed: list[str] = []
    real = excel._streamed

    def spy(sheet, meta, merged):
        streamed.append(meta.name)
        return real(sheet, meta, merged)

    monkeypatch.setattr(excel, "STREAM_ROWS", 3)
    monkeypatch.setattr(excel, "_HEAD_ROWS", 2)
    monkeypatch.setattr(excel, "_streamed", spy)
    monkeypatch.setattr(grid, "WINDOW_ROWS", window)
    parts = [_snapshot(read_file(p, ctx, Limits(), careful=False)) for p in paths]
    for p, w, s in zip(paths, whole, parts):
        assert w == s, p.name
    assert len(streamed) >= len(paths) // 2  # (sheets with merged cells below the head are read whole)


def test_a_streamed_sheet_read_by_the_workers_gives_the_same_result(tmp_path, monkeypatch):
    """Through the real pool: the worker pickles a streamed sheet's records window by window
    (RecordBatch.pack) and the parent gets every row back, as from a sheet read whole."""
    from gpscli import api
    from gpscli.readers import excel, grid
    from gpscli.records import RecordBatch

    folder = tmp_path / "in"
    folder.mkdir()
    b.write_xlsx(folder / "tricky.xlsx", _tricky_rows())
    b.write_xlsx(folder / "plain.xlsx", b.standard_rows([b.project(name=f"项目{n}", amount=n + 0.25) for n in range(40)]))

    def seen(res):
        records = [(r.source, r.name, r.amount, str(r.amount), r.year, dict(r.cells)) for f in res.files for r in f.records]
        return records, sorted((i.code, i.cell or "", i.message) for i in res.issues)

    whole = seen(api.load([folder], workers=1))
    marks = tmp_path / "packed"
    real_pack = RecordBatch.pack

    def pack(self):  # runs in the worker processes (fork): leaves a mark the test can see
        with open(marks, "a") as fh:
            fh.write(f"{len(self.row)}\n")
        real_pack(self)

    monkeypatch.setattr(RecordBatch, "pack", pack)
    monkeypatch.setattr(excel, "STREAM_ROWS", 3)
    monkeypatch.setattr(excel, "_HEAD_ROWS", 2)
    monkeypatch.setattr(grid, "WINDOW_ROWS", 5)
    assert seen(api.load([folder], workers=2)) == whole
    assert len(whole[0]) > 60
    import multiprocessing

    if multiprocessing.get_start_method() == "fork":  # the patches above reach the workers
        assert sum(int(n) for n in marks.read_text().split()) > 40  # the records did travel packed


def test_a_packed_batch_keeps_every_row_in_order():
    from gpscli.records import RecordBatch

    def add(batch, n):
        batch.add(n, "昌吉市", "昌吉市民政局", f"项目{n}", "基本公共服务", Decimal(n) / 4, 2016, None, "委托", None, None,
                  "昌吉市民政局", f"项目{n}")

    batch = RecordBatch("a.xlsx", "项目明细", {"name": "D", "amount": "G"})
    for n in range(5):
        add(batch, n)
    batch.pack()
    for n in range(5, 8):
        add(batch, n)
    batch.pack()
    add(batch, 8)
    assert len(batch) == 9 and len(batch.row) == 1
    back = pickle.loads(pickle.dumps(batch))
    assert list(back.row) == list(range(9)) and back.amount == [Decimal(n) / 4 for n in range(9)]
    assert [r.name for r in batch.records()] == [f"项目{n}" for n in range(9)]  # in the worker's own process too
    assert str(back.amount[1]) == "0.25" and len(back) == 9


def test_streamed_rows_read_any_row_in_any_order():
    from gpscli.readers.grid import StreamedRows

    data = [[i, f"r{i}"] for i in range(20)]
    opened = []

    def open_rows():
        opened.append(1)
        return iter(data)

    rows = StreamedRows(open_rows, 20, 2, 3)
    assert len(rows) == 20 and rows.head == data[:3]
    assert [rows[i] for i in (0, 5, 6, 19, 4, 2, -1)] == [data[i] for i in (0, 5, 6, 19, 4, 2, -1)]
    assert list(rows) == data
    assert [(lo, [r[0] for r in chunk]) for lo, chunk in rows.windows(2, 11, 4)] == [
        (2, [2]), (3, [3, 4, 5, 6]), (7, [7, 8, 9, 10])]
    with pytest.raises(IndexError):
        rows[20]


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
    assert sum(taken) >= 24 and len(res.records) >= sum(taken) + 4  # (the 4 rows the fast path leaves)


# ---- the column-wise shortcuts, each against what it stands for ---------------------------------

def _edge_rows() -> list[list]:
    """Plain rows around cells that each column-wise shortcut must hand to the row-by-row path, or
    read exactly as it does: amounts at the edges of the cents shortcut, total labels that text.key
    only finds after folding, logical cells, blanks in the middle of the table."""
    p = b.project
    amounts = [470.6, 2090.0, -0.0, 0.0, 999999.99, -999999.99, 1000000.5, 1234567.891, 0.1 + 0.2, 1e-05, 12.345,
               2.675, 12345678901.0, -3.0, 0.01, 35.2]
    rows = b.standard_rows([p(name=f"道路保洁{n}", amount=a, method="委托" if n % 2 else "公开招标")
                            for n, a in enumerate(amounts)])
    names = ["合 计", "“小计”", "\u2f29计(一)", "一、合计", "本页合计", "审计服务", "共计", "统计调查", "总合计",
             "会计 服务", "设计“小”计划", "其中:社区养老"]
    rows += [[40 + n, "昌吉市", "昌吉市民政局", name, "基本公共服务", "养老服务", 1.5 + n, "委托", None, 2016, None]
             for n, name in enumerate(names)]
    rows += [
        [60, "昌吉市", "昌吉市民政局", "养老服务A", "基本公共服务", None, 2.5, True, None, 2016, None],
        [61, "昌吉市", "昌吉市民政局", "养老服务B", "基本公共服务", None, 2.5, 1, None, 2016, None],
        [62, "昌吉市", "昌吉市民政局", "养老服务C", "基本公共服务", None, 2.5, None, False, 2016, None],
        [63, "昌吉市", "昌吉市民政局", "养老服务D", "基本公共服务", None, 2.5, None, None, True, None],
        [64, True, "昌吉市民政局", "养老服务E", "基本公共服务", None, 2.5, None, None, 2016, None],
        [65, "", "昌吉市民政局", "养老服务F", "", None, 2.5, None, None, 2016, None],
        ["小计", "昌吉市", "昌吉市民政局", "养老服务G", "基本公共服务", None, 2.5, None, None, 2016, None],
        ["合 计", None, None, None, None, None, 99.0, None, None, None, None],
    ]
    rows += [[70 + n, "玛纳斯县", "玛纳斯县民政局", f"居家养老{n}", "基本公共服务", "养老服务", 1.25 * n, "委托",
              "某社会组织", 2016.0, "备注"] for n in range(10)]
    rows += [["合计", None, None, None, None, None, 999.0, None, None, None, None],
             ["填表人:张三    联系电话:0994-1234567", None, None, None, None, None, None, None, None, None, None]]
    return rows


@pytest.mark.parametrize("chunk", [4096, 3], ids=["whole-sheets", "in-chunks-of-3"])
def test_fast_path_reads_edge_cells_as_the_row_by_row_path(tmp_path, monkeypatch, chunk):
    """Files read one after another in one process share the column caches: a 1 in 购买方式 cached
    from one file must not let a logical cell of the next one through."""
    numeric_first = b.standard_rows([b.project(name=f"项目{n}", method=1 if n % 2 else 2090.0) for n in range(10)])
    paths = [b.write_xlsx(tmp_path / "numeric_method.xlsx", numeric_first),
             b.write_xlsx(tmp_path / "edges.xlsx", _edge_rows()),
             b.write_csv(tmp_path / "edges.csv", _edge_rows())]
    no_seq = [r[1:] for r in _edge_rows()]
    paths.append(b.write_xlsx(tmp_path / "no_seq_column.xlsx", no_seq))
    yuan = b.standard_rows([b.project(name=f"项目{n}", amount=a) for n, a in
                            enumerate([4706000.0, 123.45, -0.0, 99999999.0, 0.5, 3.0, 1e7, 25.5])],
                           unit_line="填报单位:昌吉市财政局    单位:元")
    paths.append(b.write_xlsx(tmp_path / "edges_in_yuan.xlsx", yuan))
    monkeypatch.setattr(plainrows, "MIN_ROWS", 1)
    monkeypatch.setattr(plainrows, "CHUNK", chunk)
    for order in (paths, paths[::-1]):
        ctx = Context(profile_mod.load(None), catalogue_mod.load(None))
        fast = [_snapshot(read_file(p, ctx, Limits())) for p in order]
        with monkeypatch.context() as m:
            m.setattr("gpscli.normalise.plain_rows", lambda *a, **k: None)
            slow = [_snapshot(read_file(p, Context(profile_mod.load(None), catalogue_mod.load(None)), Limits()))
                    for p in order]
        for p, f, s in zip(order, fast, slow):
            assert f == s, p.name


def test_plain_floats_are_plain_float_of_each_cell():
    """money.plain_floats (whole cents, else the joined reprs) gives the Decimals plain_float gives,
    and parse_amount's Decimal(v) for an int cell (.xls holds whole numbers as ints), exponents
    included, whatever the decimal context of the caller."""
    import decimal
    import random
    import struct

    from gpscli.money import plain_float, plain_floats

    def same(got, want):
        return [None if d is None else (str(d), d.as_tuple()) for d in got] == \
               [None if d is None else (str(d), d.as_tuple()) for d in want]

    rng = random.Random(7)
    edge = [470.6, 2090.0, -0.0, 0.0, 999999.99, -999999.99, 999999.995, 1e6, -1e6, 0.01, -0.01, 0.005, 1e-7, 5e-324,
            float("inf"), float("-inf"), float("nan"), 0.1 + 0.2, 1.005, 2.675, 12345678901.0, 1234567.891, 1e16]
    columns = [edge, [2815.17, 470.6, 2090.0, "合计", None, "", 3, True], [12.5] * 3, [0.5], [],
               [1062, 0, -5, 99999999999, -99999999999, 10**11, 2**60, 470.6, False]]
    for _ in range(3000):
        col: list = [round(rng.uniform(-2e6, 2e6), rng.choice((0, 1, 2, 2, 2, 3))) for _ in range(rng.randint(1, 30))]
        if rng.random() < 0.5:
            col[rng.randrange(len(col))] = rng.choice([*edge, struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))[0], rng.uniform(0, 10000.0), None, "x", 7, False, rng.randint(-10**12, 10**12)])
        columns.append(col)
    for col in columns:
        want = [plain_float(v) if type(v) is float else Decimal(v) if type(v) is int and abs(v) < 10**11 else None
                for v in col]
        assert same(plain_floats(col), want), col
        assert same(plain_floats(tuple(col)), want), col
        with decimal.localcontext(decimal.Context(prec=3)):
            assert same(plain_floats(col), want), col


def test_plain_texts_are_parse_amount_of_each_cell():
    """A number written as text (CSV) takes the column-wise path only in its plainest form, and is
    then the Decimal parse_amount gives, exponent included; every other text is left to it."""
    import random

    from gpscli.money import AmountError, parse_amount, plain_texts

    rng = random.Random(11)
    cells = ["1234.56", "2090", "-5", "-0", "007", "12.3400", "0.0000000001", "0.00000000001", "99999999999",
             "100000000000", "1e5", " 12", "12 ", "1,200", "+5", "5.", ".5", "86万元", "¥5", "", "合计", "１２"]
    for _ in range(5000):
        whole = str(rng.randint(0, 10 ** rng.randint(1, 12)))
        frac = "." + str(rng.randint(0, 10 ** rng.randint(1, 11))).zfill(rng.randint(1, 11)) if rng.random() < 0.7 else ""
        cells.append(("-" if rng.random() < 0.2 else "") + whole + frac)
    out: list = [None] * len(cells)
    plain_texts(cells, out)
    taken = 0
    for cell, got in zip(cells, out):
        if got is None:
            continue
        taken += 1
        try:
            want = parse_amount(cell)
        except AmountError:
            raise AssertionError(f"{cell!r} taken as {got}, refused by parse_amount") from None
        assert (str(got), got.as_tuple()) == (str(want), want.as_tuple()), cell
    assert taken > 3000 and out[cells.index("1,200")] is None and out[cells.index("１２")] is None


def test_total_label_prefilter_never_misses_a_label():
    """plainrows._may_hold_total may say yes too often, never no for a text whose key reads as a
    total label (the row would be counted as a project)."""
    import random

    from gpscli.normalise.rows import TOTAL as _TOTAL
    from gpscli.text import key

    pieces = ["合", "总", "小", "共", "计", "本页", "一、", "(一)", "1.", "①", " ", "\u3000", "\u00a0", "\u200b",
              "\ufeff", "“", "”", "「", "*", "＊", "\"", "\u2f29", "\uff02", "\u00a8", "审", "项目", "(", ")", ":", "x", "Ｘ"]
    rng = random.Random(11)
    texts = ["合 计", "“小计”", "\u2f29计(一)", "一、合计", "本页小计", "总 合 计:", "共\u200b计", "审计服务"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    for text in texts:
        if "计" in text and _TOTAL.match(key(text)):
            assert plainrows._may_hold_total(text), text
            assert plainrows._may_hold_total(plainrows._SEP.join(["城区保洁", text, "审计服务"])), text
    assert not plainrows._may_hold_total("审计服务\u00a6统计调查\u00a6会计核算")


def test_fold_of_a_long_text_is_fold_of_its_parts():
    """text.fold looks for the characters to drop before it drops them (on long texts): the same
    result, name by name."""
    import random
    import unicodedata

    from gpscli.text import _DROP, fold

    rng = random.Random(5)
    alphabet = "城区保洁服务ABCabc123(第号)-" + " \t\u3000\u00a0\u200b\ufeff\"'“”‘’「」『』《》" + "\uff21\uff41\u00a8\u2f29"
    for _ in range(300):
        names = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(1, 80))]
        joined = "\x00".join(names)
        assert fold(joined) == _DROP.sub("", unicodedata.normalize("NFKC", joined)).lower()
        assert fold(joined).split("\x00") == [fold(n) for n in names]


def test_layout_header_is_the_first_row_naming_the_most_fields():
    """detect stops looking once a row names every field (none can name more); a row naming fewer
    never shadows a later one naming more; a repeated header further down is not taken."""
    from gpscli.normalise.layout import _ALL_FIELDS, detect
    from gpscli.readers.grid import SheetGrid

    full = list(b.HEADER)
    from gpscli.register import FIELDS as REGISTER

    assert _ALL_FIELDS == len(full) + len(REGISTER)  # the standard header and the register's columns: every field
    data = [[n, "昌吉市", "昌吉市民政局", f"项目{n}", "基本公共服务", "养老服务", 1.5, "委托", None, 2016, None]
            for n in range(1, 50)]
    layout = detect(SheetGrid("s", [["标题"], full, *data[:20], full, *data[20:]]))
    assert layout is not None and layout.header_row == 1
    fewer = ["序号", "购买主体", "项目名称", "一级目录", "金额"]
    layout = detect(SheetGrid("s", [["标题"], fewer + [None] * 6, ["说明"], full, *data]))
    assert layout is not None and layout.header_row == 3 and len(layout.columns) == len(full)
