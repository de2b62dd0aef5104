"""Hidden rows and columns are reported by the readers (``SheetGrid.hidden_rows`` / ``hidden_cols``,
0-based absolute indices inside the grid), so that a later stage can warn that a hidden row was
counted: xlsx/xlsm (``<row hidden>``, ``<col min max hidden>``, AutoFilter), xls (ROW fDyZero,
COLINFO fHidden) and ods (table:visibility), in the careful and in the light pre-flight."""

from __future__ import annotations

import random
import time
import zipfile
from pathlib import Path

import pytest

import builders as b
import hidden_builders as hb
import hostile_builders as hostile
import messy_builders as mb
from gpscli.readers import read_workbook
from gpscli.readers.bytescan import find as _find
from gpscli.readers.hidden import hidden_cells as _hidden_cells
from gpscli.readers.limits import Limits
from gpscli.readers.scan_other import scan_xls
from gpscli.readers.xlsx_scan import SheetChecks, SheetScan, scan_xlsx

ROWS = b.standard_rows([b.project(name=f"项目{i}", amount=10 + i) for i in range(12)])  # 15 rows x 11 columns


def _grids(path: Path):
    """The first sheet as read in every mode: careful and light, from the path and from the bytes."""
    data = path.read_bytes()
    return [read_workbook(path, careful=careful, data=d).sheets[0] for careful in (True, False) for d in (None, data)]


def _hidden(path: Path) -> tuple[frozenset[int], frozenset[int]]:
    seen = {(g.hidden_rows, g.hidden_cols) for g in _grids(path)}
    assert len(seen) == 1, seen  # every mode says the same
    return seen.pop()


# ---- xlsx ------------------------------------------------------------------------------------------

def test_xlsx_hidden_row_and_column(tmp_path):
    path = hb.xlsx(tmp_path / "h.xlsx", ROWS, hidden_rows=[4], hidden_cols=[6])
    rows, cols = _hidden(path)
    assert rows == frozenset({4}) and cols == frozenset({6})
    assert isinstance(rows, frozenset) and isinstance(cols, frozenset)
    grid = read_workbook(path).sheets[0]
    assert grid.value(4, 3) == "项目1"  # the hidden row is still read: only reported


def test_xlsx_column_group_and_autofilter(tmp_path):
    path = hb.xlsx(tmp_path / "f.xlsx", ROWS, col_groups=[("B", "D")], filter_ref="A3:K15",
                   filtered_rows=[5, 6, 7, 11])
    with zipfile.ZipFile(path) as zf:
        assert b'hiddenButton="1"' in zf.read("xl/worksheets/sheet1.xml")  # the word, after sheetData, on no row
    rows, cols = _hidden(path)
    assert rows == frozenset({5, 6, 7, 11})
    assert cols == frozenset({1, 2, 3})
    scan = scan_xlsx(str(path), Limits())["项目明细"]
    assert scan.hidden_rows == [(5, 7), (11, 11)]  # a filtered block is one range
    assert scan.hidden_cols == [(1, 3)]


def test_xlsx_without_hidden_cells(tmp_path):
    path = b.write_xlsx(tmp_path / "plain.xlsx", ROWS)
    for grid in _grids(path):
        assert grid.hidden_rows == frozenset() and grid.hidden_cols == frozenset()


def test_xlsx_whole_width_hidden_column_run_is_clipped_to_the_grid(tmp_path):
    sheet = hb.plain_sheet(hb.table_rows(6, width=4), cols='<col min="1" max="16384" width="9" hidden="1"/>')
    path = hb.xlsx_sheet_xml(tmp_path / "wide.xlsx", sheet)
    rows, cols = _hidden(path)
    assert rows == frozenset() and cols == frozenset({0, 1, 2, 3})
    assert scan_xlsx(str(path), Limits())["Sheet1"].hidden_cols == [(0, 16383)]  # one range, not 16384 ints


def test_xlsx_hidden_rows_beyond_the_data_are_not_reported(tmp_path):
    body = hb.table_rows(5, hidden={2: ' hidden="1"'}).replace(
        "</sheetData>", '<row r="500" hidden="1"/><row r="1048576" hidden="true"/></sheetData>')
    path = hb.xlsx_sheet_xml(tmp_path / "tail.xlsx", hb.plain_sheet(body))
    assert _hidden(path) == (frozenset({2}), frozenset())


def test_xlsx_namespace_prefix(tmp_path):
    body = hb.table_rows(6, hidden={1: ' hidden="1"', 4: ' spans="1:4" hidden="true" customHeight="1"'})
    sheet = hb.prefixed_sheet(body, cols='<col min="3" max="3" hidden="1"/><col min="4" max="4" width="5"/>')
    assert "<x:row" in sheet and "<x:col " in sheet
    path = hb.xlsx_sheet_xml(tmp_path / "x.xlsx", sheet)
    assert read_workbook(path).sheets[0].value(4, 0) == "r4c0"  # calamine reads the prefixed sheet
    assert _hidden(path) == (frozenset({1, 4}), frozenset({2}))


def test_xlsx_row_without_r_follows_the_previous_row(tmp_path):
    body = hb.table_rows(6, hidden={3: ' hidden="1"'}, with_r=False)
    body = body.replace("<row>", '<row r="1">', 1)  # the first row numbered, the others by position
    path = hb.xlsx_sheet_xml(tmp_path / "nor.xlsx", hb.plain_sheet(body))
    grid = read_workbook(path).sheets[0]
    assert grid.value(3, 0) == "r3c0"
    assert _hidden(path) == (frozenset({3}), frozenset())


def test_xlsx_word_hidden_elsewhere_is_not_a_hidden_row(tmp_path):
    body = hb.table_rows(6, hidden={1: ' hidden="0"', 2: ' hidden="false"', 3: ' customHidden="1"'})
    body = body.replace("r4c1", 'hidden="1" &lt;row hidden="1"&gt;')  # in a cell's text
    sheet = hb.plain_sheet(body, cols='<col min="2" max="2" hidden="0"/>')
    path = hb.xlsx_sheet_xml(tmp_path / "word.xlsx", sheet)
    assert read_workbook(path).sheets[0].value(4, 1) == 'hidden="1" <row hidden="1">'
    assert _hidden(path) == (frozenset(), frozenset())


def test_xlsx_light_scan_in_background_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(SheetChecks, "THREAD_BYTES", 0)  # every sheet scanned while calamine reads
    path = hb.xlsx(tmp_path / "t.xlsx", ROWS, hidden_rows=[9], hidden_cols=[0, 10])
    grid = read_workbook(path, careful=False).sheets[0]
    assert (grid.hidden_rows, grid.hidden_cols) == (frozenset({9}), frozenset({0, 10}))


def test_xlsx_utf16_sheet(tmp_path):
    sheet = hb.plain_sheet(hb.table_rows(4, hidden={2: ' hidden="1"'}), cols='<col min="2" max="3" hidden="1"/>')
    sheet = sheet.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = tmp_path / "u16.xlsx"
    hostile.write_xlsx_parts(path, extra={"xl/worksheets/sheet1.xml": sheet.encode("utf-16")})
    # calamine reads no cell of a UTF-16 sheet (an empty grid: nothing to report), the scans do
    for scans in (scan_xlsx(str(path), Limits()), SheetChecks(str(path), Limits()).wait()):
        assert (scans["Sheet1"].hidden_rows, scans["Sheet1"].hidden_cols) == ([(2, 2)], [(1, 2)])


# ---- the scan itself --------------------------------------------------------------------------------

def test_scan_of_a_sheet_full_of_the_word_stays_linear():
    """A hostile sheet part: the word everywhere, in tags that never close. Each occurrence costs
    bounded memchr steps, not a regex run to the end of the part."""
    data = b'<worksheet><sheetData><row r="1">' + b"<row hidden " * 100_000 + b"</sheetData></worksheet>"
    scan = SheetScan()
    t = time.perf_counter()
    _hidden_cells(data, scan)
    assert time.perf_counter() - t < 2.0
    assert scan.hidden_rows == []


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"


def _random_sheet(rnd: random.Random) -> bytes:
    """A sheet part with rows in every form writers use (and some they don't), hidden at a random density."""
    prefix = rnd.choice(["", "x:"])
    density = rnd.choice([0.0, 0.02, 0.1, 0.3, 0.7, 1.0])
    form = rnd.choice(["first", "first", "shuffled", "some-without-r", "single-quotes"])
    q = "'" if form == "single-quotes" else '"'
    out, row = [], 0
    for _ in range(rnd.randrange(0, 400)):
        row += rnd.choice([1, 1, 1, 1, 2, 7])
        attrs = [f"spans={q}1:2{q}", f"x14ac:dyDescent={q}0.25{q}"]
        if rnd.random() < 0.3:
            attrs += [f"ht={q}20.25{q}", f"customHeight={q}1{q}"]
        if rnd.random() < density:
            attrs.append(f"hidden={q}{rnd.choice(['1', 'true'])}{q}")
        elif rnd.random() < 0.1:
            attrs.append(f"hidden={q}{rnd.choice(['0', 'false'])}{q}")
        if rnd.random() < 0.05:
            attrs.append(f"customHidden={q}1{q}")
        if form == "shuffled":
            rnd.shuffle(attrs)
        if form == "some-without-r" and rnd.random() < 0.3:
            row_attr = []
            if not out:
                row = 1
        else:
            row_attr = [f"r={q}{row}{q}"]
        attrs = row_attr + attrs if form != "shuffled" else rnd.sample(row_attr + attrs, len(attrs) + len(row_attr))
        text = rnd.choice(["项目", 'hidden="1"', '&lt;row r="9" hidden="1"&gt;', "hidden"])
        cell = f'<{prefix}c r="A{row}" t="inlineStr"><{prefix}is><{prefix}t>{text}</{prefix}t></{prefix}is></{prefix}c>'
        out.append(f"<{prefix}row {' '.join(attrs)}>{cell}</{prefix}row>")
    ns = f'xmlns{":" + prefix[:-1] if prefix else ""}="{_MAIN}" xmlns:x14ac="{_X14AC}"'
    filt = f'<{prefix}autoFilter ref="A1:A9"><{prefix}filterColumn colId="0" hiddenButton="1"/></{prefix}autoFilter>'
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<{prefix}worksheet {ns}><{prefix}sheetData>' + "".join(out)
            + f"</{prefix}sheetData>{filt}</{prefix}worksheet>").encode()


def _hidden_rows_by_lxml(xml: bytes) -> set[int]:
    from lxml import etree

    out, row = set(), -1
    for el in etree.fromstring(xml).iter(f"{{{_MAIN}}}row"):
        r = el.get("r")
        row = int(r) - 1 if r else row + 1  # a row without r="" follows the previous one
        if el.get("hidden") in ("1", "true"):
            out.add(row)
    return out


@pytest.mark.parametrize("seed", range(60))
def test_hidden_rows_as_an_xml_parser_finds_them(seed):
    xml = _random_sheet(random.Random(seed))
    scan = SheetScan()
    _hidden_cells(xml, scan)
    got = {i for first, last in scan.hidden_rows for i in range(first, last + 1)}
    assert got == _hidden_rows_by_lxml(xml)
    assert all(a <= b for a, b in scan.hidden_rows)


@pytest.mark.parametrize("seed", range(30))
def test_find_is_bytes_find(seed):
    rnd = random.Random(seed)
    data = bytes(rnd.choice(b"hiden<>r ") for _ in range(rnd.randrange(0, 3000)))
    needle = b"hidden"
    for _ in range(20):
        start = rnd.randrange(0, len(data) + 1)
        end = rnd.randrange(start, len(data) + 1)
        for rare in (-1, 0, 1, 2, 5):
            for window in (1, 7, 64, 2048):
                assert _find(data, needle, rare, start, end, window) == data.find(needle, start, end)


# ---- xls -------------------------------------------------------------------------------------------

def test_xls_hidden_row_and_columns(tmp_path):
    path = hb.xls(tmp_path / "h.xls", ROWS, hidden_rows=[4, 8, 9], hidden_cols=[6, 10])
    assert _hidden(path) == (frozenset({4, 8, 9}), frozenset({6, 10}))
    scan = scan_xls(str(path), Limits())["项目明细"]
    assert scan.hidden_rows == [(4, 4), (8, 9)] and scan.hidden_cols == [(6, 6), (10, 10)]


def test_xls_without_hidden_cells(tmp_path):
    path = b.write_xls(tmp_path / "plain.xls", ROWS)
    assert _hidden(path) == (frozenset(), frozenset())


def test_xls_hidden_outside_the_grid_is_clipped(tmp_path):
    path = hb.xls(tmp_path / "far.xls", ROWS, hidden_rows=[3, 200], hidden_cols=[2, 200])
    assert _hidden(path) == (frozenset({3}), frozenset({2}))


# ---- ods -------------------------------------------------------------------------------------------

def test_ods_hidden_rows_and_columns(tmp_path):
    columns = [("header", 1, None), ("plain", 1, "collapse"), ("group", 2, "collapse"), ("group", 1, None),
               ("plain", 3, None), ("plain", 1, "filter"), ("plain", 3, None)]  # 12 column definitions
    path = hb.ods(tmp_path / "h.ods", ROWS, columns=columns, row_visibility={4: "collapse", 7: "filter"})
    assert _hidden(path) == (frozenset({4, 7}), frozenset({1, 2, 3, 8}))
    grid = read_workbook(path).sheets[0]
    assert grid.value(4, 3) == "项目1"


def test_ods_repeated_hidden_rows_are_ranges_clipped_to_the_grid(tmp_path):
    columns = [("plain", 10, None), ("plain", 1_048_566, "collapse")]  # K to the last column hidden
    path = hb.ods(tmp_path / "r.ods", ROWS, columns=columns, row_visibility={6: "filter"}, repeated={6: 3},
                  tail=(1_048_576 - 17, "collapse"))
    grid = read_workbook(path).sheets[0]
    assert grid.end_row == 17 and grid.end_col == 11
    assert grid.value(9, 3) == "项目4"  # rows 6, 7, 8: the repeated (empty) row in place of ROWS[6]
    assert _hidden(path) == (frozenset({6, 7, 8}), frozenset({10}))


def test_ods_without_hidden_cells(tmp_path):
    path = mb.write_ods(tmp_path / "plain.ods", {"项目明细": ROWS})
    assert _hidden(path) == (frozenset(), frozenset())


# ---- other formats ------------------------------------------------------------------------------------

def test_csv_and_html_have_none(tmp_path):
    path = b.write_csv(tmp_path / "p.csv", ROWS)
    assert _hidden(path) == (frozenset(), frozenset())
    html = tmp_path / "p.html"
    html.write_text("<html><body><table>" + "".join(
        "<tr>" + "".join(f"<td>{'' if v is None else v}</td>" for v in row) + "</tr>" for row in ROWS)
        + "</table></body></html>", encoding="utf-8")
    grid = read_workbook(html).sheets[0]
    assert (grid.hidden_rows, grid.hidden_cols) == (frozenset(), frozenset())
