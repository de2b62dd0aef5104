"""Hostile, broken and absurd inputs: each one becomes a clear issue, and the rest of the run goes on.

All the files are built in code (tests/hostile_builders.py). Most cases share one run of
``api.load`` over a folder that also holds good submissions, which must still be read.
"""

from __future__ import annotations

import os
import re
import resource
import sys
import time
from pathlib import Path

import pytest

import builders as b
import hostile_builders as hb
from gpscli import api
from gpscli.ingest import _WORKER, _work, collect_paths
from gpscli.readers import Limits, ReadError, read_workbook
from gpscli.sandbox import CRASH_HOOK_ENV

_HAN = re.compile(r"[\u4e00-\u9fff]")

# Lowered where that keeps the files small: the bombs are over these by their declared size.
LIMITS = Limits(max_uncompressed_bytes=4 * 1024 * 1024, max_zip_members=50)

GOOD_PROJECTS = [b.project(), b.project(name="社区养老服务", amount=88)]
OTHER_PROJECTS = [b.project(name="公共法律服务", amount=7), b.project(name="河道保洁", amount=9)]
BAD_NAME = os.fsencode("坏名字") + b"\xff\xfe.csv"  # not UTF-8: a name from an old zip or a GBK disk


ODD_REFERENCES = {
    "far_lowercase.xlsx": '<c r="xfd1048576"><v>2</v></c>',
    "far_spaced_attr.xlsx": "<c s=\"1\" r = 'XFD1048576'><v>2</v></c>",
    "far_gt_in_attr.xlsx": '<c foo=">" r="XFD1048576"><v>2</v></c>',
    "far_row_past_u32.xlsx": '<c r="A99999999999"><v>2</v></c>',
    "far_5000_digits.xlsx": '<c r="A' + "9" * 5000 + '"><v>2</v></c>',
    "far_seven_letters.xlsx": '<c r="ZZZZZZZ5"><v>2</v></c>',
}


def _build(d: Path) -> None:
    good = b.write_xlsx(d / "good.xlsx", b.standard_rows(GOOD_PROJECTS))
    b.write_csv(d / "good.csv", b.standard_rows(GOOD_PROJECTS))
    b.write_csv(d / "tmp.csv", b.standard_rows(OTHER_PROJECTS))
    os.rename(d / "tmp.csv", os.path.join(os.fsencode(d), BAD_NAME))
    hb.truncated_zip(d / "truncated.xlsx", good)
    hb.random_bytes(d / "random.xlsx")
    hb.random_bytes(d / "random.xls", seed=9)
    hb.empty_file(d / "empty.xlsx")
    hb.text_named_xlsx(d / "text.xlsx")
    hb.encrypted_ooxml(d / "encrypted.xlsx")
    hb.biff8_with_filepass(d / "encrypted.xls")
    hb.ole_word_document(d / "word.xls")
    hb.biff4_raw(d / "excel4.xls")
    for part in ("sst", "sheet", "workbook"):
        hb.write_xlsx_parts(d / f"xml_bomb_{part}.xlsx", dtd_in=part)
    hb.far_cell_xlsx(d / "far_cell_xfd.xlsx")
    hb.far_cell_xlsx(d / "row_million.xlsx", "T1000000")
    hb.styled_far_cell_xlsx(d / "styled_far_cells.xlsx")
    for name, cell_xml in ODD_REFERENCES.items():  # spellings calamine accepts and places far away
        hb.write_xlsx_parts(d / name, sheet_data='<sheetData><row r="1"><c r="A1"><v>1</v></c>' + cell_xml
                            + "</row></sheetData>")
    hb.write_xlsb(d / "far_cell.xlsb", {(0, 0): "项目名称", (1048575, 16383): 1})
    hb.dense_ods(d / "dense.ods")
    hb.zip_bomb_xlsx(d / "zip_bomb.xlsx", 5 * 1024 * 1024)
    hb.zip_bomb_xlsx(d / "ratio_bomb.xlsx", 3 * 1024 * 1024 // 2)
    hb.lying_zip_bomb(d / "lying_sizes.xlsx")
    hb.many_members_xlsx(d / "many_members.xlsx", 100)
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("项目明细")
    ws.write(0, 0, "项目名称")
    ws.write(65535, 255, 1)
    wb.save(str(d / "far_cell.xls"))
    (d / "loop").symlink_to(d, target_is_directory=True)  # a symlink loop
    (d / "dangling.xlsx").symlink_to(d / "nowhere.xlsx")
    (d / "ping.xlsx").symlink_to("pong.xlsx")  # two links pointing at each other (ELOOP)
    (d / "pong.xlsx").symlink_to("ping.xlsx")
    os.mkfifo(d / "fifo.csv")  # reading it would block forever: must not be opened


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    _build(d)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    result = api.load([d], limits=LIMITS)
    elapsed = time.monotonic() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nhostile set: {len(result.files)} files in {elapsed:.2f} s, peak child RSS {peak:.0f} MB "
          f"(before: {before.ru_maxrss / 1024:.0f} MB)")
    files = {os.path.basename(f.path): f for f in result.files}
    return d, result, files


def _messages(f, code="unreadable-file"):
    return [i.message for i in f.issues if i.code == code]


CASES = [
    ("truncated.xlsx", ["损坏"]),
    ("random.xlsx", ["二进制"]),
    ("random.xls", ["二进制"]),
    ("empty.xlsx", ["0 字节"]),
    ("encrypted.xlsx", ["密码"]),
    ("encrypted.xls", ["密码"]),
    ("word.xls", ["Word"]),
    ("excel4.xls", ["Excel 4.0 等旧格式", ".xlsx"]),
    ("xml_bomb_sst.xlsx", ["DTD", "sharedStrings"]),
    ("xml_bomb_sheet.xlsx", ["DTD", "sheet1.xml"]),
    ("xml_bomb_workbook.xlsx", ["DTD", "workbook.xml"]),
    # In a worker calamine parses while the sheets are scanned: a grid it cannot allocate kills the
    # worker, and the file read again with the full pre-flight first is refused naming the cell.
    ("far_cell_xfd.xlsx", ["XFD1048576"]),
    ("far_lowercase.xlsx", ["XFD1048576"]),
    ("far_spaced_attr.xlsx", ["XFD1048576"]),
    ("far_gt_in_attr.xlsx", ["XFD1048576"]),
    ("far_row_past_u32.xlsx", ["99999999999"]),
    ("far_5000_digits.xlsx", ["行"]),
    ("far_seven_letters.xlsx", ["列"]),
    ("row_million.xlsx", ["T1000000"]),
    ("far_cell.xlsb", ["XFD1048576"]),
    ("far_cell.xls", ["IV65536"]),
    ("dense.ods", ["999999999"]),
    ("zip_bomb.xlsx", ["解压后", "MB"]),
    ("ratio_bomb.xlsx", ["压缩比"]),
    ("lying_sizes.xlsx", ["损坏"]),
    ("many_members.xlsx", ["部件"]),
]


@pytest.mark.parametrize("name, words", CASES, ids=[c[0] for c in CASES])
def test_hostile_file_becomes_one_clear_issue(hostile, name, words):
    _d, _result, files = hostile
    f = files[name]
    messages = _messages(f)
    assert len(messages) == 1, [i.message for i in f.issues]
    message = messages[0]
    assert _HAN.search(message) and "Traceback" not in message
    assert "异常终止" not in message and "内部错误" not in message  # refused up front, not by a crash
    for word in words:
        assert word in message, message
    assert not f.records


def _far_xls(path, row: int, col: int):
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("项目明细")
    ws.write(0, 0, "项目名称")
    ws.write(row, col, 1)
    wb.save(str(path))
    return path


@pytest.mark.parametrize("make, words", [
    (lambda d: hb.far_cell_xlsx(d / "far.xlsx", "K150000"), ["K150000", "只有 2 个单元格有内容"]),
    (lambda d: hb.far_cell_xlsx(d / "far.xlsx", "A1000001"), ["A1000001", "超过上限 1000000 行"]),
    # .xls: the records are walked only when a byte search finds an error value or a hidden row or column
    (lambda d: _far_xls(d / "far.xls", 65535, 255), ["IV65536", "超过上限"]),
    (lambda d: _far_xls(d / "far.xls", 65535, 20), ["U65536", "只有 2 个单元格有内容"]),
], ids=["xlsx-sparse", "xlsx-rows", "xls-cells", "xls-sparse"])
def test_light_preflight_refuses_what_the_full_one_refuses(tmp_path, make, words):
    """careful=False (a worker whose address space is limited): the grid calamine built is checked
    before it becomes Python objects, and the reason is the full pre-flight's, naming the far cell."""
    p = make(tmp_path)
    with pytest.raises(ReadError) as careful:
        read_workbook(p, Limits())
    with pytest.raises(ReadError) as light:
        read_workbook(p, Limits(), careful=False)
    assert str(light.value) == str(careful.value)
    assert all(w in str(light.value) for w in words), str(light.value)


def test_the_xls_byte_search_finds_every_record_the_walk_reports():
    """Random BIFF worksheet streams, records of any length the walk reads: whenever the full walk
    reports an error value or a hidden row or column, the byte search that gates it matches."""
    import random
    import struct

    from gpscli.readers.scan_other import _XLS_NOTEWORTHY, _scan_biff

    rng = random.Random(16)
    least = {0x0006: 14, 0x0205: 8, 0x0208: 14, 0x007D: 10, 0x00FD: 10, 0x0203: 14}
    found = 0
    for _ in range(3000):
        records = [struct.pack("<HHHH", 0x0809, 4, 0x0600, 0x0010)]
        for _ in range(rng.randint(1, 6)):
            kind = rng.choice(list(least))
            body = bytearray(rng.getrandbits(8) for _ in range(least[kind] + rng.choice((0, 0, 1, 2, 7, 300))))
            body[0:4] = struct.pack("<HH", rng.randint(0, 50), rng.randint(0, 10))
            records.append(struct.pack("<HH", kind, len(body)) + bytes(body))
        records.append(struct.pack("<HH", 0x000A, 0))
        stream = b"".join(records)
        scans = _scan_biff(stream, Limits())
        if any(x.flags or x.hidden_rows or x.hidden_cols for x in scans.values()):
            found += 1
            assert _XLS_NOTEWORTHY.search(stream), stream.hex()
    assert found > 500


def test_light_xls_precheck_still_finds_hidden_rows(tmp_path):
    import xlwt

    from gpscli.readers.scan_other import scan_xls

    wb = xlwt.Workbook()
    ws = wb.add_sheet("项目明细")
    ws.write(0, 0, "项目名称")
    ws.write(1, 0, "保洁")
    ws.row(1).hidden = True
    ws.write(2, 1, xlwt.Formula("1/0"))
    p = tmp_path / "hidden.xls"
    wb.save(str(p))
    full = scan_xls(str(p), Limits())
    light = scan_xls(str(p), Limits(), light=True)
    assert full and light["项目明细"].hidden_rows == full["项目明细"].hidden_rows == [(1, 1)]
    plain = tmp_path / "plain.xls"
    wb = xlwt.Workbook()
    wb.add_sheet("项目明细").write(0, 0, "项目名称")
    wb.save(str(plain))
    assert scan_xls(str(plain), Limits(), light=True) == {}


@pytest.mark.parametrize("far", ["T1000000", "XFD1048576", "K150000"])
def test_light_preflight_refuses_a_far_cell_at_the_bottom_before_parsing(tmp_path, monkeypatch, far):
    """The usual accident (one stray value far below the table) never reaches calamine's grid."""
    import python_calamine

    def never(*_a, **_k):
        raise AssertionError("calamine must not parse this file")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    p = hb.far_cell_xlsx(tmp_path / "far.xlsx", far)
    with pytest.raises(ReadError, match=far):
        read_workbook(p, Limits(), careful=False)


def test_light_preflight_checks_the_grid_calamine_built(tmp_path):
    """A far cell that is not at the end of the sheet XML passes the quick look; the grid calamine
    built is then refused before it becomes Python objects, with the full scan's reason."""
    p = hb.write_xlsx_parts(tmp_path / "hidden_far.xlsx", sheet_data=(
        '<sheetData><row r="150000"><c r="K150000"><v>2</v></c></row>'
        '<row r="1"><c r="A1"><v>1</v></c></row></sheetData>'))
    with pytest.raises(ReadError, match="K150000"):
        read_workbook(p, Limits(), careful=False)


def test_light_preflight_keeps_formula_flags(tmp_path):
    p = hb.write_xlsx_parts(tmp_path / "f.xlsx", sheet_data=(
        '<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>SUM(A1)</f></c>'
        '<c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData>'))
    for careful in (True, False):
        (grid,) = read_workbook(p, Limits(), careful=careful).sheets
        assert grid.flags == {(0, 1): "formula-without-value", (0, 2): "formula-error"}
        assert grid.errors == {(0, 2): "#DIV/0!"}


def test_text_named_xlsx_is_read_as_text(hostile):
    """A text file with an .xlsx name is read for what it is; it holds no project table."""
    _d, _result, files = hostile
    f = files["text.xlsx"]
    assert {i.code for i in f.issues} & {"no-table", "unreadable-file"}
    assert f.format in ("csv", "")


def test_good_files_beside_hostile_ones_are_read(hostile):
    _d, _result, files = hostile
    for name in ("good.xlsx", "good.csv"):
        f = files[name]
        assert len(f.records) == len(GOOD_PROJECTS), (name, [i.message for i in f.issues])
        assert not _messages(f)


def test_styled_far_cells_are_not_refused(hostile):
    """Empty styled cells out to XFD1048576 (Gnumeric and other exporters write them) are harmless."""
    _d, _result, files = hostile
    f = files["styled_far_cells.xlsx"]
    assert not _messages(f), _messages(f)
    assert f.sheets


def test_non_utf8_file_name(hostile):
    _d, _result, files = hostile
    shown = os.fsdecode(BAD_NAME).encode("utf-8", "replace").decode("utf-8")
    f = files[shown]
    assert f.path.endswith("坏名字??.csv")  # undecodable bytes shown as "?", the rest kept
    f.path.encode("utf-8")  # printable and JSON-safe
    assert len(f.records) == len(OTHER_PROJECTS), [i.message for i in f.issues]


def test_symlink_loop_fifo_and_dangling_link(hostile):
    _d, result, files = hostile
    # The loop is walked once: every file appears once.
    paths = [f.path for f in result.files]
    assert len(paths) == len(set(paths))
    assert not any("/loop/" in p for p in paths)
    skipped = {os.path.basename(i.path): i.message for i in result.issues if i.code == "skipped-file"}
    assert "fifo.csv" in skipped and "普通文件" in skipped["fifo.csv"]
    assert "dangling.xlsx" in skipped and _HAN.search(skipped["dangling.xlsx"].split(":", 1)[1])
    assert "fifo.csv" not in files
    assert "循环" in skipped["ping.xlsx"] and "循环" in skipped["pong.xlsx"]


def test_every_file_in_the_folder_has_a_result(hostile):
    d, _result, files = hostile
    names = {os.fsdecode(n) for n in os.listdir(os.fsencode(d))}
    expected = names - {"loop", "dangling.xlsx", "fifo.csv", "ping.xlsx", "pong.xlsx"}
    assert {n.encode("utf-8", "replace").decode("utf-8") for n in expected} == set(files)


def test_unreadable_permissions(tmp_path):
    p = b.write_csv(tmp_path / "locked.csv", b.standard_rows(GOOD_PROJECTS))
    b.write_csv(tmp_path / "open.csv", b.standard_rows(GOOD_PROJECTS))
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): permissions cannot forbid reading")
        result = api.load([tmp_path])
        files = {os.path.basename(f.path): f for f in result.files}
        assert "权限" in " ".join(_messages(files["locked.csv"]))
        assert len(files["open.csv"].records) == len(GOOD_PROJECTS)
    finally:
        p.chmod(0o644)


def test_zip_bomb_over_the_default_limits(tmp_path):
    """201 MB of XML in a 200 KB file: refused by the default limits (its compression ratio, 1027:1)
    before anything inflates it."""
    p = hb.zip_bomb_xlsx(tmp_path / "bomb.xlsx", 201 * 1024 * 1024)
    assert p.stat().st_size < 1024 * 1024
    t0 = time.monotonic()
    with pytest.raises(ReadError, match="压缩比为 1027:1,疑似压缩炸弹"):
        read_workbook(p, Limits())
    assert time.monotonic() - t0 < 5  # declared sizes only: nothing is inflated


def test_inflated_size_over_the_configured_limit_is_named(tmp_path):
    """max_uncompressed_mb bounds all parts together, checked from the declared sizes first."""
    p = hb.zip_bomb_xlsx(tmp_path / "big.xlsx", 3 * 1024 * 1024)
    with pytest.raises(ReadError, match=r"解压后有 3 MB,超过上限 2 MB.*max_uncompressed_mb"):
        read_workbook(p, Limits(max_uncompressed_bytes=2 * 1024 * 1024))


def test_thousands_of_files(tmp_path):
    for i in range(2000):
        (tmp_path / f"{i:04d}.csv").write_text("项目名称,金额\n保洁,1\n", encoding="utf-8")
    t0 = time.monotonic()
    result = api.load([tmp_path])
    print(f"\n2000 small csv files: {time.monotonic() - t0:.2f} s")
    assert len(result.files) == 2000
    assert not [i for f in result.files for i in f.issues if i.code == "unreadable-file"]


# ---- the worker-crash paths ---------------------------------------------------------------------

def _batch(d: Path, n: int = 5) -> list[Path]:
    paths = []
    for i in range(n):
        projects = [b.project(name=f"{p['name']}{i}") for p in GOOD_PROJECTS]  # not duplicates of each other
        paths.append(b.write_csv(d / f"f{i}.csv", b.standard_rows(projects)))
    return paths


def _check_batch(result, culprit: str, words: list[str]):
    files = {os.path.basename(f.path): f for f in result.files}
    messages = _messages(files[culprit])
    assert len(messages) == 1, [i.message for i in files[culprit].issues]
    for w in words:
        assert w in messages[0], messages[0]
    for name, f in files.items():
        if name != culprit:
            assert len(f.records) == len(GOOD_PROJECTS), (name, [i.message for i in f.issues])
    print(f"\n{culprit}: {messages[0]}")
    return messages[0]


def test_worker_abort_becomes_one_issue(tmp_path, monkeypatch):
    _batch(tmp_path, 6)
    monkeypatch.setenv(CRASH_HOOK_ENV, "abort:f2.csv")
    result = api.load([tmp_path], workers=2)
    _check_batch(result, "f2.csv", ["异常终止"])


def test_two_culprits_in_one_batch(tmp_path, monkeypatch):
    _batch(tmp_path, 8)
    monkeypatch.setenv(CRASH_HOOK_ENV, "abort:f1.csv;abort:f6.csv")
    result = api.load([tmp_path], workers=2)
    files = {os.path.basename(f.path): f for f in result.files}
    for bad in ("f1.csv", "f6.csv"):
        assert len(_messages(files[bad])) == 1
    assert all(len(f.records) == 2 for n, f in files.items() if n not in ("f1.csv", "f6.csv"))


def test_cpu_limit_kills_a_spinning_reader(tmp_path, monkeypatch):
    _batch(tmp_path, 3)
    monkeypatch.setenv(CRASH_HOOK_ENV, "spin:f0.csv")
    # One worker: the spinning file is known at once (with more, it would spin again alone).
    result = api.load([tmp_path], workers=1, limits=Limits(seconds=1))
    _check_batch(result, "f0.csv", ["CPU"])


def test_wall_clock_limit_gives_up_on_a_hanging_reader(tmp_path, monkeypatch):
    _batch(tmp_path, 3)
    monkeypatch.setenv(CRASH_HOOK_ENV, "sleep:f1.csv")
    t0 = time.monotonic()
    result = api.load([tmp_path], workers=2, limits=Limits(wall_seconds=1))
    assert time.monotonic() - t0 < 15
    _check_batch(result, "f1.csv", ["秒仍未完成"])


def test_memory_limit(tmp_path):
    """A reader that needs more memory than the worker's address-space limit: an issue, not a crash."""
    if sys.platform != "linux":
        pytest.skip("RLIMIT_AS accounting differs off Linux")
    vm = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            vm = int(line.split()[1]) * 1024
    _batch(tmp_path, 3)
    big = tmp_path / "big.csv"
    row = ",".join(f"{i}x" for i in range(40)) + "\n"
    big.write_text("项目名称,金额\n" + row * 400_000)  # 40 MB of short cells: many small objects
    result = api.load([tmp_path], workers=2, limits=Limits(memory_bytes=vm + 160 * 1024 * 1024))
    _check_batch(result, "big.csv", ["内存"])


def test_internal_error_is_reported_without_traceback(tmp_path, monkeypatch):
    import gpscli.ingest as ingest

    def boom(path, ctx, limits, careful=True):
        raise ValueError("坏了")

    monkeypatch.setattr(ingest, "read_file", boom)
    monkeypatch.delenv("GPSCLI_DEBUG", raising=False)
    monkeypatch.setitem(_WORKER, "ctx", None)
    monkeypatch.setitem(_WORKER, "limits", Limits())
    res = _work(tmp_path / "x.csv")
    (message,) = _messages(res)
    assert "内部错误" in message and "ValueError" in message and "Traceback" not in message


def test_collect_paths_reasons_are_chinese(tmp_path):
    (tmp_path / "dangling.csv").symlink_to(tmp_path / "gone.csv")
    _files, issues, _ignored = collect_paths([tmp_path])
    (issue,) = issues
    assert "不存在" in issue.message or "无法访问" in issue.message
    assert "No such file" not in issue.message


def test_deep_folder_tree(tmp_path):
    """Deeper than Python's recursion limit: walked without recursion."""
    depth = sys.getrecursionlimit() + 200
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        for _ in range(depth):  # relative to an open folder: no path is built by name
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        with open(os.open("deep.csv", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as fh:
            fh.write("项目名称,金额\n保洁,1\n")
    finally:
        os.close(fd)
    try:
        files, issues, _ignored = collect_paths([tmp_path])
        # Found, or skipped with a reason where a path grows past PATH_MAX; never a crash.
        assert len(files) + len(issues) >= 1
    finally:
        # Dismantle it one level at a time: pytest's recursive clean-up would hit the recursion limit.
        top, up = tmp_path / "d", tmp_path / "up"
        while (top / "d").exists():
            os.rename(top / "d", up)
            for leftover in top.iterdir():
                leftover.unlink()
            top.rmdir()
            os.rename(up, top)
        for leftover in top.iterdir():
            leftover.unlink()
        top.rmdir()


def test_oversized_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge.csv"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB on paper, nothing on disk
    b.write_csv(tmp_path / "ok.csv", b.standard_rows(GOOD_PROJECTS))
    result = api.load([tmp_path], limits=Limits(max_file_bytes=10 * 1024 * 1024))
    files = {os.path.basename(f.path): f for f in result.files}
    (message,) = _messages(files["huge.csv"])
    assert "超过上限" in message and files["huge.csv"].sha256 == ""
    assert len(files["ok.csv"].records) == len(GOOD_PROJECTS)


def test_html_span_bomb_is_refused_cheaply(tmp_path):
    """rowspan/colspan of 1000 x 1000 on a few cells would expand a 2 KB page to millions of slots."""
    from gpscli import api

    cells = "".join('<td rowspan="1000" colspan="1000">x</td>' for _ in range(50))
    page = tmp_path / "导出.xls"
    page.write_text(f"<html><table><tr><td>项目名称</td><td>金额</td></tr><tr>{cells}</tr></table></html>")
    res = api.load([page])
    assert [(i.code, "单元格的上限" in i.message) for i in res.all_issues()] == [("unreadable-file", True)]
