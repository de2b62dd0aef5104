"""Hostile and broken files built in code, for the robustness tests (nothing binary is committed).

Every builder writes one file into a folder the test gives and returns its path. Bombs stay small
on disk: they are over the limits by their declared or implied size, not by their bytes.
"""

from __future__ import annotations

import os
import random
import struct
import zipfile
from pathlib import Path

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
_SST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)

# The classic "billion laughs": ten levels of ten references, 10**9 copies of "lol" (3 GB) from
# under a kilobyte. Any DTD is refused before a parser sees it, so it never expands.
_LOL_DTD = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    + "]>"
)
_LOL = "&lol9;"


def cell(ref: str, value: object) -> str:
    """One ``<c>`` element: numbers as numbers, text inline."""
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def rows_xml(cells: dict[str, object]) -> str:
    """``<sheetData>`` for cells given as {"A1": value}, rows in order."""
    import re

    by_row: dict[int, list[tuple[str, object]]] = {}
    for ref, value in cells.items():
        m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
        assert m, ref
        by_row.setdefault(int(m.group(2)), []).append((ref, value))
    out = ["<sheetData>"]
    for r in sorted(by_row):
        out.append(f'<row r="{r}">' + "".join(cell(ref, v) for ref, v in by_row[r]) + "</row>")
    out.append("</sheetData>")
    return "".join(out)


def write_xlsx_parts(path: Path, *, sheet_data: str = "", sheet_name: str = "Sheet1", sst: str = "",
                     dtd_in: str | None = None, extra: dict[str, bytes] | None = None,
                     compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A minimal valid xlsx written part by part, so that any part can be made hostile.

    ``dtd_in`` puts an entity-expansion DTD into "sheet", "sst" or "workbook".
    """
    dtd = {dtd_in: _LOL_DTD} if dtd_in else {}
    sheet_data = sheet_data or "<sheetData></sheetData>"
    if dtd_in == "sheet":
        sheet_data = sheet_data.replace(
            "<sheetData>", f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{_LOL}</t></is></c></row>', 1)
    sheet = _SHEET_HEAD.replace("?>\n", "?>\n" + dtd.get("sheet", "")) + sheet_data + "</worksheet>"
    if dtd_in == "sst":
        sst = (sst or "") + f"<si><t>{_LOL}</t></si>"
    sst_xml = _SST_HEAD.replace("?>\n", "?>\n" + dtd.get("sst", "")) + sst + "</sst>"
    wb = _WORKBOOK.format(name=sheet_name)
    if dtd_in == "workbook":
        wb = wb.replace("?>\n", "?>\n" + _LOL_DTD).replace(f'name="{sheet_name}"', f'name="{_LOL}"')
    parts = {
        "[Content_Types].xml": _CT.encode(),
        "_rels/.rels": _ROOT_RELS.encode(),
        "xl/workbook.xml": wb.encode(),
        "xl/_rels/workbook.xml.rels": _WB_RELS.encode(),
        "xl/worksheets/sheet1.xml": sheet.encode(),
        "xl/sharedStrings.xml": sst_xml.encode(),
    }
    parts.update(extra or {})
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def far_cell_xlsx(path: Path, far: str = "XFD1048576") -> Path:
    """A tiny valid workbook with a value at A1 and one at ``far`` (calamine aborts on XFD1048576)."""
    return write_xlsx_parts(path, sheet_data=rows_xml({"A1": "项目名称", far: 1}))


def styled_far_cell_xlsx(path: Path) -> Path:
    """Real files (Gnumeric, some exporters) carry *empty* styled cells out to XFD1048576: harmless."""
    data = rows_xml({"A1": "项目名称", "B1": "金额", "A2": "保洁", "B2": 12.5})
    data = data.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
    return write_xlsx_parts(path, sheet_data=data)


def zip_bomb_xlsx(path: Path, inflated_bytes: int) -> Path:
    """A workbook whose sheet inflates to ``inflated_bytes`` of XML: a valid sheet padded with spaces,
    which deflate about 1000:1 (200 MB of them take 200 KB), streamed so that memory stays small."""
    write_xlsx_parts(path, sheet_data=rows_xml({"A1": "项目名称", "B1": 1}))
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    head, tail = sheet[: sheet.index(b"</worksheet>")], b"</worksheet>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(head)
            left = max(0, inflated_bytes - len(head) - len(tail))
            block = b" " * (1 << 20)
            while left > 0:
                fh.write(block[:left])
                left -= len(block)
            fh.write(tail)
    return path


def lying_zip_bomb(path: Path, declared: int = 1000, real: int = 5 * 1024 * 1024) -> Path:
    """A part whose zip header declares ``declared`` bytes but inflates to ``real``: readers stop at the
    declared size (python's zipfile raises), so the lie must end as a clean error, not a bomb."""
    write_xlsx_parts(path, sheet_data="<sheetData>" + '<row r="1"><c r="A1"><v>1</v></c></row>' + "</sheetData>"
                     + "<!--" + " " * real + "-->")
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    # Patch the uncompressed size in the local header and in the central directory entry.
    pos = 0
    while True:
        pos = data.find(name, pos)
        if pos < 0:
            break
        if data[pos - 30:pos - 26] == b"PK\x03\x04":
            struct.pack_into("<I", data, pos - 30 + 22, declared)
        elif data[pos - 46:pos - 42] == b"PK\x01\x02":
            struct.pack_into("<I", data, pos - 46 + 24, declared)
        pos += len(name)
    path.write_bytes(bytes(data))
    return path


def many_members_xlsx(path: Path, members: int) -> Path:
    extra = {f"xl/media/p{i}.bin": b"" for i in range(members)}
    return write_xlsx_parts(path, sheet_data=rows_xml({"A1": "x"}), extra=extra, compression=zipfile.ZIP_STORED)


def truncated_zip(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_bytes(path: Path, size: int = 4096, seed: int = 8) -> Path:
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def text_named_xlsx(path: Path) -> Path:
    path.write_text("这不是表格,只是一段文字。\n第二行\n", encoding="utf-8")
    return path


def dense_ods(path: Path, rows_repeated: int = 999_999_999, cols_repeated: int = 999_999_999) -> Path:
    """An ODS whose one cell with a value is repeated over a billion rows and columns (calamine#594)."""
    return ods_content(path, f'<table:table-row table:number-rows-repeated="{rows_repeated}">'
                             f'<table:table-cell table:number-columns-repeated="{cols_repeated}" '
                             'office:value-type="string"><text:p>X</text:p></table:table-cell></table:table-row>',
                       name="Sheet1")


# ---- OLE2 compound files -------------------------------------------------------------------------

_FREE, _EOC, _FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def ole_file(path: Path, streams: dict[str, bytes]) -> Path:
    """A minimal, valid OLE2 compound file (version 3, 512-byte sectors) holding ``streams``.

    Every stream is padded to 4096 bytes with zeros, so that it lives in the regular FAT and no
    mini stream is needed. Enough for readers to list the directory and read the streams.
    """
    streams = {name: data.ljust(4096, b"\0") for name, data in streams.items()}
    sector = 512
    payloads: list[bytes] = []
    chains: list[tuple[int, int]] = []  # (first sector, sector count) of each stream
    next_sector = 0
    for data in streams.values():
        padded = data + b"\0" * (-len(data) % sector)
        n = len(padded) // sector
        chains.append((next_sector, n))
        payloads.append(padded)
        next_sector += n
    n_entries = 1 + len(streams)
    dir_sectors = -(-n_entries * 128 // sector)
    dir_start = next_sector
    next_sector += dir_sectors
    fat_start = next_sector
    total_guess = next_sector + 1
    fat_sectors = -(-total_guess * 4 // sector)
    while -(-(next_sector + fat_sectors) * 4 // sector) > fat_sectors:
        fat_sectors += 1
    total = next_sector + fat_sectors
    fat = [_FREE] * (fat_sectors * sector // 4)
    for first, n in chains:
        for i in range(n):
            fat[first + i] = first + i + 1 if i < n - 1 else _EOC
    for i in range(dir_sectors):
        fat[dir_start + i] = dir_start + i + 1 if i < dir_sectors - 1 else _EOC
    for i in range(fat_sectors):
        fat[fat_start + i] = _FATSECT
    assert fat_sectors <= 109

    def entry(name: str, kind: int, left: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0" if name else b""
        e = raw.ljust(64, b"\0") + struct.pack("<HBB", len(raw), kind, 1)
        e += struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
        e += struct.pack("<IIi", start, size, 0)
        return e

    names = list(streams)
    nostream = 0xFFFFFFFF
    # Root's child is entry 1; siblings chained through the right pointer (a degenerate but valid tree).
    entries = [entry("Root Entry", 5, nostream, nostream, 1 if names else nostream, _EOC, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else nostream
        entries.append(entry(name, 2, nostream, right, nostream, chains[i][0], len(streams[name])))
    directory = b"".join(entries).ljust(dir_sectors * sector, b"\0")
    difat = [fat_start + i for i in range(fat_sectors)] + [_FREE] * (109 - fat_sectors)
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, fat_sectors, dir_start, 0, 4096, _EOC, 0, _EOC, 0)
        + struct.pack("<109I", *difat)
    )
    assert len(header) == 512
    body = b"".join(payloads) + directory + struct.pack(f"<{len(fat)}I", *fat)
    assert len(body) == total * sector
    path.write_bytes(header + body)
    return path


def encrypted_ooxml(path: Path) -> Path:
    """What Excel writes for a workbook with an open password: an OLE file with EncryptionInfo and
    EncryptedPackage streams (the content here is a stub: only the container matters to gps)."""
    return ole_file(path, {"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + b"\0" * 64,
                           "EncryptedPackage": struct.pack("<Q", 1000) + os.urandom(1008)})


def biff8_with_filepass(path: Path) -> Path:
    """An .xls (BIFF8 Workbook stream) whose globals start with BOF then FILEPASS: password-protected."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    filepass = struct.pack("<HH", 0x002F, 54) + struct.pack("<HHH", 1, 1, 1) + os.urandom(48)
    eof = struct.pack("<HH", 0x000A, 0)
    return ole_file(path, {"Workbook": bof + filepass + eof})


def ole_word_document(path: Path) -> Path:
    return ole_file(path, {"WordDocument": b"\xec\xa5" + b"\0" * 600})


def biff4_raw(path: Path) -> Path:
    """An Excel 4.0 worksheet: a bare BIFF4 stream, no OLE container."""
    bof = struct.pack("<HH", 0x0409, 6) + struct.pack("<HHH", 0, 0x0010, 0)
    eof = struct.pack("<HH", 0x000A, 0)
    path.write_bytes(bof + eof)
    return path


# ---- xlsb (BIFF12) ---------------------------------------------------------------------------------

def _brt(rtype: int, payload: bytes = b"") -> bytes:
    head = bytes([rtype]) if rtype < 0x80 else bytes([(rtype & 0x7F) | 0x80, rtype >> 7])
    size, out = len(payload), bytearray()
    while True:
        b = size & 0x7F
        size >>= 7
        out.append(b | (0x80 if size else 0))
        if not size:
            break
    return head + bytes(out) + payload


def _wide(s: str) -> bytes:
    return struct.pack("<I", len(s)) + s.encode("utf-16-le")


def write_xlsb(path: Path, cells: dict[tuple[int, int], object], sheet_name: str = "Sheet1") -> Path:
    """A minimal binary workbook (0-based (row, col) -> number or text), readable by calamine."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Override PartName="/xl/workbook.bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>'
    )
    root_rels = _ROOT_RELS.replace("xl/workbook.xml", "xl/workbook.bin")
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.bin"/></Relationships>'
    )
    workbook = (_brt(0x83) + _brt(0x8F) + _brt(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide(sheet_name))
                + _brt(0x90) + _brt(0x84))
    rows: dict[int, list[tuple[int, object]]] = {}
    for (r, c), v in cells.items():
        rows.setdefault(r, []).append((c, v))
    maxr = max((r for r, _ in cells), default=0)
    maxc = max((c for _, c in cells), default=0)
    data = bytearray(_brt(0x81) + _brt(0x94, struct.pack("<IIII", 0, maxr, 0, maxc)) + _brt(0x91))
    for r in sorted(rows):
        data += _brt(0x00, struct.pack("<I", r) + b"\0" * 13)
        for c, v in sorted(rows[r]):
            if isinstance(v, (int, float)):
                data += _brt(0x05, struct.pack("<I", c) + b"\0" * 4 + struct.pack("<d", float(v)))
            else:
                data += _brt(0x06, struct.pack("<I", c) + b"\0" * 4 + _wide(str(v)))
    data += _brt(0x92) + _brt(0x82)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr("xl/workbook.bin", workbook)
        zf.writestr("xl/_rels/workbook.bin.rels", wb_rels)
        zf.writestr("xl/worksheets/sheet1.bin", bytes(data))
    return path


def ods_content(path: Path, table_body: str, name: str = "项目明细") -> Path:
    """An ODS whose one table holds ``table_body`` (rows written by hand: repeats, spans, nesting)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="{name}">{table_body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def ods_row(values: list, attrs: str = "") -> str:
    """One <table:table-row> of string and number cells."""
    cells = []
    for v in values:
        if v is None:
            cells.append("<table:table-cell/>")
        elif isinstance(v, (int, float)):
            cells.append(f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p>'
                         "</table:table-cell>")
        else:
            cells.append(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>')
    return f"<table:table-row{attrs}>{''.join(cells)}</table:table-row>"


def rezip(source: Path, target: Path, part: str, change) -> Path:
    """A copy of a zip package with one part changed by ``change(bytes) -> bytes`` (CRCs made anew)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, change(data) if info.filename == part else data)
    return target


def shared_strings_xlsx(path: Path, rows: list[list[object]], sheet_name: str = "项目明细") -> Path:
    """The rows as Excel writes them: texts in the shared-string table (t="s"), numbers as <v>."""
    strings: dict[str, int] = {}
    body = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            if value is None:
                continue
            ref = f"{chr(65 + c)}{r}"
            if isinstance(value, (int, float)):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                n = strings.setdefault(str(value), len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{n}</v></c>')
        body.append(f'<row r="{r}">{"".join(cells)}</row>')
    sst = "".join(f"<si><t>{s.replace('&', '&amp;').replace('<', '&lt;')}</t></si>" for s in strings)
    return write_xlsx_parts(path, sheet_data=f"<sheetData>{''.join(body)}</sheetData>", sheet_name=sheet_name, sst=sst)
