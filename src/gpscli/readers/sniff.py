"""Decide what a file really is from its bytes, not its name.

Also the two container formats every Office file comes in, read just far enough to tell what is
inside and to refuse what cannot be read, with a reason a person can act on:
- zip packages (xlsx/xlsm/xlsb, ods, docx...), by their package relationships and content types
  (part names may be odd: a workbook at the root, backslashes, other capitalisation);
- OLE2 compound files (xls, WPS .et, password-protected workbooks, doc/ppt), by their directory;
  the BIFF workbook stream is walked for a FILEPASS record (a password-protected .xls).
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

from .grid import ReadError
from .limits import Limits
from .ole import OLE_MAGIC, OleError, OleFile, workbook_stream_name
from .xmlcheck import refuse_dtd
from .zipparts import in_memory, open_zip, read_verified

ZIP_MAGIC = b"PK\x03\x04"

_PASSWORD = ("工作簿已加密(设有打开密码,或是旧版 Excel 的“保护工作簿”加密);"
             "请在 Excel 或 WPS 中取消密码和保护,另存为 .xlsx 后重新提交")
_RESAVE = "请用 Excel 或 WPS 打开后另存为 .xlsx 再提交"

# The BOF record that starts a bare BIFF2-4 file (no OLE container): Excel 2.x to 4.0.
_OLD_BIFF = {0x0009: "Excel 2.x", 0x0209: "Excel 3.0", 0x0409: "Excel 4.0"}


def sniff_package(path: Path, head: bytes, limits: Limits | None = None,
                  data: bytes | None = None) -> tuple[str, Package | None]:
    """The file's real format, one of xlsx, xlsb, ods, xls, html, text (:class:`ReadError` for any
    other), and the OOXML package read to decide (None for other formats), so the reader does not
    parse the package relationships a second time. ``data``: the whole file, when the caller has
    read it already (then it is not read again)."""
    limits = limits or Limits()
    if not head:
        raise ReadError("文件为空(0 字节)")
    if head.startswith((ZIP_MAGIC, b"PK\x05\x06")):
        return _sniff_zip(path, limits, data)
    return _sniff_other(path, head, data), None


def _sniff_other(path: Path, head: bytes, data: bytes | None = None) -> str:
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path, data)
    if head.startswith(b"%PDF"):
        raise ReadError("这是 PDF 文件,不是表格;请提交 Excel 或 CSV 文件")
    for magic, what in ((b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"Rar!", "RAR 压缩包"),
                        (b"7z\xbc\xaf", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"), (b"{\\rtf", "RTF 文档"),
                        (b"GIF8", "GIF 图片")):
        if head.startswith(magic):
            raise ReadError(f"这是{what},不是表格")
    if len(head) >= 4:
        bof, length = struct.unpack_from("<HH", head)
        if bof in _OLD_BIFF and 4 <= length <= 20:
            raise ReadError(f"这是 {_OLD_BIFF[bof]} 等旧格式的 Excel 文件,gps 不支持;{_RESAVE}")
        if bof == 0x0809 and length in (8, 16):
            raise ReadError(f"这是 Excel 5.0/95 等旧格式的 Excel 文件(没有 OLE 外壳),gps 不支持;{_RESAVE}")
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 text: Excel's "Unicode text" export
    lowered = text_head[:2048].lower()
    if lowered.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in head.lower() or b"<workbook" in lowered:
            raise ReadError("这是 Excel 2003 XML 表格,请用 Excel 或 WPS 另存为 .xlsx 后再提交")
        if b"<table" in head.lower() or b"<html" in lowered or b"<!doctype html" in lowered:
            return "html"
        raise ReadError("这是 XML/HTML 文本,里面没有表格")
    if b"\x00" in head[:4096]:
        raise ReadError("这是二进制文件,不是可识别的表格格式")
    return "text"


# ---- zip packages -------------------------------------------------------------------------------

_REL = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)/?>")
# Matched on the tag decoded once (ASCII classes, as the bytes pattern had): decoding each name and
# value apart cost more than parsing the package relationships and content types themselves.
_ATTR = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.ASCII)
_OVERRIDE = re.compile(rb"<(?:[\w.-]+:)?(Override|Default)\b([^>]*)/?>")


def attrs(tag_body: bytes) -> dict[str, str]:
    """Attributes of one XML start tag (the part after its name), local names, entities decoded."""
    if len(tag_body) <= 1024:
        return dict(_known_attrs(tag_body))  # a copy: callers may change it
    return _attrs(tag_body)


@lru_cache(maxsize=1024)
def _known_attrs(tag_body: bytes) -> dict[str, str]:
    """:func:`_attrs`, remembered: the content types and relationships of workbooks saved by one
    program are the same few dozen tags, file after file."""
    return _attrs(tag_body)


def _attrs(tag_body: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, double, single in _ATTR.findall(tag_body.decode("utf-8", "replace")):
        value = double or single
        out[key.rsplit(":", 1)[-1] if ":" in key else key] = _unescape(value) if "&" in value else value
    return out


def xml_unescape(b: bytes) -> str:
    return _unescape(b.decode("utf-8", "replace"))


def _unescape(s: str) -> str:
    if "&" not in s:
        return s
    s = re.sub(r"&#x([0-9a-fA-F]+);", lambda m: _chr(m.group(1), 16), s)
    s = re.sub(r"&#([0-9]+);", lambda m: _chr(m.group(1), 10), s)
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def _chr(digits: str, base: int) -> str:
    try:
        return chr(int(digits[:12], base))
    except (ValueError, OverflowError):
        return "\ufffd"


def read_small(zf: zipfile.ZipFile, name: str | None, cap: int = 4 * 1024 * 1024) -> bytes:
    """At most ``cap`` bytes of a part (bounded whatever its header declares); b"" if absent."""
    if name is None:
        return b""
    whole = read_verified(zf, name, cap)
    if whole is not None:  # the usual case: inflated from memory and kept for the pre-flight
        return whole
    try:
        with zf.open(name) as fh:
            return fh.read(cap)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        return b""
    except Exception:
        return b""


def part_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Normalised part name (forward slashes, no leading slash, lower case) -> name in the zip."""
    names: dict[str, str] = {}
    for n in zf.namelist():
        names.setdefault(n.replace("\\", "/").lstrip("/").lower(), n)
    return names


@lru_cache(maxsize=1024)
def resolve(base_part: str, target: str) -> str:
    """A relationship target, relative to the part that owns it, as a normalised part name."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        joined = target.lstrip("/")
    else:
        joined = str(PurePosixPath(base_part).parent / target)
    parts: list[str] = []
    for p in joined.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if parts:
                parts.pop()
            continue
        parts.append(p)
    return "/".join(parts).lower()


@lru_cache(maxsize=1024)
def rels_part(part: str) -> str:
    """The normalised name of the relationships part of ``part`` ("" for the package)."""
    if part:
        p = PurePosixPath(part)
        parent = str(p.parent)
        return (f"{parent}/_rels/{p.name}.rels" if parent not in ("", ".") else f"_rels/{p.name}.rels").lower()
    return "_rels/.rels"


def relationships(zf: zipfile.ZipFile, names: dict[str, str], part: str) -> list[dict[str, str]]:
    """The relationships of ``part`` ("" for the package), with ``Target`` resolved to a part name."""
    rels_name = rels_part(part)
    out = []
    for body in _REL.findall(refuse_dtd(read_small(zf, names.get(rels_name)), rels_name)):
        a = attrs(body)
        if "Target" in a and a.get("TargetMode", "").lower() != "external":
            a["Target"] = resolve(part or "package", a["Target"])
            out.append(a)
    return out


@dataclass
class Package:
    names: dict[str, str]  # normalised -> real
    main: str | None  # normalised name of the main part (the workbook), if declared
    content_type: str  # of the main part, "" if unknown
    # The zip sniff opened, held in memory (no file handle), for the pre-flight to reuse once.
    zip: zipfile.ZipFile | None = field(default=None, repr=False, compare=False)

    def take_zip(self) -> zipfile.ZipFile | None:
        zf, self.zip = self.zip, None
        return zf


def ooxml_package(zf: zipfile.ZipFile, names: dict[str, str] | None = None) -> Package:
    """The package's main part and its content type; ``names``: :func:`part_names`, if known."""
    names = part_names(zf) if names is None else names
    main = None
    for rel in relationships(zf, names, ""):
        if rel.get("Type", "").endswith("/officeDocument"):
            main = rel["Target"]
            break
    ctype = ""
    if main:
        ext = main.rsplit(".", 1)[-1] if "." in main else ""
        default = ""
        types = refuse_dtd(read_small(zf, names.get("[content_types].xml")), "[Content_Types].xml")
        for kind, body in _OVERRIDE.findall(types):
            a = attrs(body)
            if kind == b"Override" and a.get("PartName", "").replace("\\", "/").lstrip("/").lower() == main:
                ctype = a.get("ContentType", "")
            elif kind == b"Default" and a.get("Extension", "").lower() == ext:
                default = a.get("ContentType", "")
        ctype = (ctype or default).lower()
    return Package(names, main, ctype)


def _sniff_zip(path: Path, limits: Limits, data: bytes | None = None) -> tuple[str, Package | None]:
    zf = open_zip(str(path), limits, data)
    try:
        names = part_names(zf)
        if "mimetype" in names or ("meta-inf/manifest.xml" in names and "content.xml" in names):
            return _sniff_odf(zf, names), None
        pkg = ooxml_package(zf, names)
        kind = _ooxml_kind(pkg, names)
    except BaseException:
        zf.close()
        raise
    if kind == "xlsx" and in_memory(zf):
        pkg.zip = zf
    else:
        zf.close()
    return kind, pkg


def _ooxml_kind(pkg: Package, names: dict[str, str]) -> str:
    # long: one test per kind of OOXML package (workbook, macro workbook, binary workbook, Word, PowerPoint...)
    ct, main = pkg.content_type, pkg.main
    if main and main not in names:
        raise ReadError(f"Excel 文件结构不完整(缺少主部件 {main}),{_RESAVE}")
    if main and ct:
        if "wordprocessingml" in ct or "ms-word" in ct:
            raise ReadError("这是 Word 文档(.docx),不是表格")
        if "presentationml" in ct or "ms-powerpoint" in ct:
            raise ReadError("这是 PowerPoint 文档,不是表格")
        if "binary" in ct and "ms-excel" in ct:
            return "xlsb"
        if "spreadsheetml" in ct or "ms-excel" in ct:
            return "xlsx"
        if main.endswith(".xml") and "workbook" not in main:
            raise ReadError(f"这是其他类型的 Office 文档({ct.split(';')[0][:80]}),不是表格")
    if main and main.endswith(".bin") and "workbook" in main:
        return "xlsb"
    if main and main.endswith(".xml") and "workbook" in main:
        return "xlsx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if any(n.startswith("word/") for n in names):
        raise ReadError("这是 Word 文档(.docx),不是表格")
    if any(n.startswith("ppt/") for n in names):
        raise ReadError("这是 PowerPoint 文档,不是表格")
    if any(n.startswith("xl/") for n in names) or "[content_types].xml" in names:
        raise ReadError(f"Excel 文件结构不完整(找不到工作簿部件 workbook.xml),{_RESAVE}")
    raise ReadError("这是 zip 压缩包,不是表格;请解压后提交其中的表格文件")


def _sniff_odf(zf: zipfile.ZipFile, names: dict[str, str]) -> str:
    mime = read_small(zf, names.get("mimetype"), 200).strip()
    manifest = read_small(zf, names.get("meta-inf/manifest.xml"))
    if not mime:
        m = re.search(rb'full-path="/"[^>]*media-type="([^"]*)"|media-type="([^"]*)"[^>]*full-path="/"', manifest)
        mime = (m.group(1) or m.group(2)) if m else b""
    if b"opendocument.spreadsheet" not in mime:
        what = mime.decode("ascii", "replace") or "类型不明"
        raise ReadError(f"这是 OpenDocument 文件({what}),不是表格")
    if b"encryption-data" in manifest:
        raise ReadError("这个 ODS 表格设有打开密码(已加密);请取消密码后重新提交")
    if "content.xml" not in names:
        raise ReadError(f"ODS 表格结构不完整(缺少 content.xml),{_RESAVE}")
    return "ods"


# ---- OLE2 compound files ------------------------------------------------------------------------

def _sniff_ole(path: Path, data: bytes | None = None) -> str:
    data = path.read_bytes() if data is None else data
    try:
        ole = OleFile.of(data)
        names = ole.stream_names()
    except OleError as exc:
        raise ReadError(f"文件已损坏(OLE 复合文档结构有误:{exc});{_RESAVE}") from exc
    if "encryptedpackage" in names or "encryptioninfo" in names:
        raise ReadError(_PASSWORD)
    book = workbook_stream_name(ole)
    if book is None:
        if "worddocument" in names:
            raise ReadError("这是 Word 文档(.doc),不是表格")
        if "powerpoint document" in names:
            raise ReadError("这是 PowerPoint 文档,不是表格")
        raise ReadError("这是 OLE 复合文档,但里面没有 Excel 工作簿")
    try:
        head = ole.read(book, cap=1 << 20)
    except OleError as exc:
        raise ReadError(f"文件已损坏(OLE 复合文档结构有误:{exc});{_RESAVE}") from exc
    _check_biff_globals(head)
    return "xls"


def _check_biff_globals(stream: bytes) -> None:
    """The workbook globals of a BIFF5/8 stream: old versions and FILEPASS (a password)."""
    if len(stream) < 8:
        raise ReadError(f"Excel 工作簿数据为空或不完整,{_RESAVE}")
    rtype, length = struct.unpack_from("<HH", stream)
    if rtype in _OLD_BIFF:
        raise ReadError(f"这是 {_OLD_BIFF[rtype]} 等旧格式的 Excel 文件,gps 不支持;{_RESAVE}")
    if rtype != 0x0809:
        raise ReadError(f"Excel 工作簿数据的开头不是 BOF 记录(文件已损坏),{_RESAVE}")
    pos = 0
    while pos + 4 <= len(stream):
        rtype, length = struct.unpack_from("<HH", stream, pos)
        if rtype == 0x002F:
            raise ReadError(_PASSWORD)
        if rtype == 0x000A:  # EOF of the globals: no FILEPASS
            return
        pos += 4 + length
