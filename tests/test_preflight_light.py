"""The light pre-flight (``careful=False``, a reading worker) refuses what the careful one refuses,
with the same message, now that it reuses what sniff inflated and remembers small parts it has
checked before (issue #7).

Every non-sheet part is still inflated whole and its CRC checked in light mode: calamine reads a
sharedStrings.xml whose CRC fails without a word (it stops at </sst>, before the checksum), so a
damaged string table would otherwise give wrong text silently.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

import hostile_builders as hb
from gpscli.readers import Limits, ReadError, read_workbook

_DTD = '<!DOCTYPE x [<!ENTITY a "b">]>'
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_LONG_COMMENT = "<!--" + "注释 comment " * 6000 + "-->\n"  # over 64 KB, before the DTD
_SST_BODY = "".join(f"<si><t>项目{i} 保洁服务</t></si>" for i in range(300))
_SHEET = "<sheetData>" + "".join(
    f'<row r="{i + 1}"><c r="A{i + 1}" t="s"><v>{i}</v></c><c r="B{i + 1}"><v>{i}.5</v></c></row>'
    for i in range(300)) + "</sheetData>"
_STYLES = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           '<fonts count="1"><font/></fonts></styleSheet>')
_CORE = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
         'core-properties"><dc:creator xmlns:dc="http://purl.org/dc/elements/1.1/">财政局</dc:creator>'
         '</cp:coreProperties>')


def _workbook(path: Path, *, sst: bytes | None = None, extra: dict[str, bytes] | None = None,
              compression: int = zipfile.ZIP_DEFLATED) -> Path:
    """A valid workbook with a shared string table, whose parts can be replaced."""
    hb.write_xlsx_parts(path, sheet_data=_SHEET, sst=_SST_BODY, compression=compression)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    if sst is not None:
        parts["xl/sharedStrings.xml"] = sst
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _refusals(path: Path) -> tuple[str, str]:
    """The messages of the careful and the light pre-flight, from the file and from its bytes."""
    messages = []
    for careful in (True, False):
        for data in (None, path.read_bytes()):
            with pytest.raises(ReadError) as exc:
                read_workbook(path, Limits(), careful=careful, data=data)
            messages.append(str(exc.value))
    assert len(set(messages[:2])) == 1 and len(set(messages[2:])) == 1, messages
    assert "Traceback" not in messages[0]
    return messages[0], messages[2]


def _prolog(root: str, *, comment: bool = True) -> str:
    return _DECL + (_LONG_COMMENT if comment else "") + _DTD + root


@pytest.mark.parametrize("part, xml", [
    ("xl/sharedStrings.xml", hb._SST_HEAD.split("\n", 1)[1] + _SST_BODY + "</sst>"),
    ("xl/styles.xml", _STYLES),
    ("docProps/core.xml", _CORE),
])
@pytest.mark.parametrize("comment", [True, False], ids=["after-64KB-comment", "after-declaration"])
def test_dtd_in_a_non_sheet_part_is_refused_in_light_mode(tmp_path, part, xml, comment):
    p = _workbook(tmp_path / "dtd.xlsx", extra={part: _prolog(xml, comment=comment).encode()})
    careful, light = _refusals(p)
    assert light == careful
    assert "DTD" in light and part in light, light


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "docProps/core.xml"])
def test_dtd_in_a_utf16_part_is_refused_in_light_mode(tmp_path, encoding, part):
    xml = _CORE if part.startswith("docProps") else hb._SST_HEAD.split("\n", 1)[1] + _SST_BODY + "</sst>"
    text = _prolog(xml).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    p = _workbook(tmp_path / "utf16.xlsx", extra={part: text.encode(encoding)})
    careful, light = _refusals(p)
    assert light == careful
    assert "DTD" in light and part in light, light


def test_dtd_in_a_stored_part_is_refused_in_light_mode(tmp_path):
    p = _workbook(tmp_path / "stored.xlsx", extra={"xl/styles.xml": _prolog(_STYLES).encode()},
                  compression=zipfile.ZIP_STORED)
    careful, light = _refusals(p)
    assert light == careful and "xl/styles.xml" in light


def _data_span(data: bytes, member: str) -> tuple[int, int]:
    """Where the (compressed) bytes of ``member`` start in the zip, and how many there are."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    n, m = struct.unpack_from("<HH", data, info.header_offset + 26)
    return info.header_offset + 30 + n + m, info.compress_size


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_damaged_shared_strings_are_named_in_both_modes(tmp_path, where):
    """Bytes flipped inside sharedStrings' compressed data: refused in light mode as in careful
    mode, naming the part, whatever calamine would have made of it."""
    p = _workbook(tmp_path / "damaged.xlsx")
    data = bytearray(p.read_bytes())
    start, size = _data_span(bytes(data), "xl/sharedStrings.xml")
    at = start + int(size * where)
    data[at:at + 4] = bytes(b ^ 0x5A for b in data[at:at + 4])
    p.write_bytes(bytes(data))
    careful, light = _refusals(p)
    assert light == careful
    assert "文件已损坏" in light and "xl/sharedStrings.xml" in light, light


def test_a_changed_shared_string_is_refused_though_calamine_reads_it(tmp_path):
    """A stored string table with one digit changed is well formed, and python-calamine (0.9)
    reads it without a word, "项目6" where the file said "项目5": it stops at </sst>, before the
    CRC. Only the pre-flight's CRC check stands between such a file and a wrong project name."""
    p = _workbook(tmp_path / "changed.xlsx", compression=zipfile.ZIP_STORED)
    data = p.read_bytes()
    p.write_bytes(data.replace("项目5 ".encode(), "项目6 ".encode(), 1))
    careful, light = _refusals(p)
    assert light == careful
    assert "校验和不符" in light and "xl/sharedStrings.xml" in light, light


def test_damaged_package_relationships_are_named_after_a_lenient_sniff(tmp_path):
    """sniff reads _rels/.rels leniently (a damaged one is not its business); the pre-flight then
    reads it strictly and names it, in both modes."""
    p = _workbook(tmp_path / "rels.xlsx", compression=zipfile.ZIP_STORED)
    data = bytearray(p.read_bytes())
    start, size = _data_span(bytes(data), "_rels/.rels")
    at = bytes(data).index(b'Id="rId1"', start, start + size)
    data[at:at + 9] = b'Id="rId9"'  # still well formed; only its CRC tells
    p.write_bytes(bytes(data))
    careful, light = _refusals(p)
    assert light == careful
    assert "文件已损坏" in light and "_rels/.rels" in light, light


def test_a_part_remembered_from_a_good_file_does_not_excuse_a_bad_crc(tmp_path):
    """Small parts identical to ones already checked are not inflated again: a part with the same
    bytes but another CRC in its header is still refused."""
    good = _workbook(tmp_path / "good.xlsx", extra={"xl/styles.xml": _STYLES.encode()})
    for careful in (True, False):
        read_workbook(good, Limits(), careful=careful)
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as zf:
        crc = zf.getinfo("xl/styles.xml").CRC
    old, new = struct.pack("<I", crc), struct.pack("<I", crc ^ 1)
    assert data.count(old) == 2  # local header and central directory
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data).replace(old, new))
    careful, light = _refusals(bad)
    assert light == careful
    assert "xl/styles.xml" in light and "文件已损坏" in light, light


def test_formula_flags_found_after_many_common_bytes(tmp_path):
    """The quick look for formulas and errors (a rare byte first) still finds them at the end of
    a sheet full of f's and e's, in both modes."""
    text = "effective fee free " * 4000
    cells = hb.rows_xml({"A1": text, "A2": text}).replace("</sheetData>", "")
    sheet = (cells + '<row r="3"><c r="A3"><f>SUM(A1)</f></c>'
             '<c r="B3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row></sheetData>')
    p = hb.write_xlsx_parts(tmp_path / "f.xlsx", sheet_data=sheet)
    for careful in (True, False):
        (grid,) = read_workbook(p, Limits(), careful=careful).sheets
        assert grid.flags == {(2, 0): "formula-without-value", (2, 1): "formula-error"}
        assert grid.errors == {(2, 1): "#DIV/0!"}
