"""Decide what a file really is from its bytes, not its name."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .grid import ReadError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_WORD = "WordDocument".encode("utf-16-le")
_PPT = "PowerPoint Document".encode("utf-16-le")


def sniff(path: Path, head: bytes) -> str:
    """Return one of: xlsx, xlsb, ods, xls, html, text; raise :class:`ReadError` otherwise."""
    if not head:
        raise ReadError("文件为空(0 字节)")
    if head.startswith(ZIP_MAGIC) or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(path)
    if head.startswith(OLE_MAGIC):
        return _sniff_ole(path)
    if head.startswith(b"%PDF"):
        raise ReadError("这是 PDF 文件,不是表格;请提交 Excel 或 CSV 文件")
    for magic, what in ((b"\x89PNG", "PNG 图片"), (b"\xff\xd8\xff", "JPEG 图片"), (b"Rar!", "RAR 压缩包"),
                        (b"7z\xbc\xaf", "7z 压缩包"), (b"\x1f\x8b", "gzip 压缩包"), (b"{\\rtf", "RTF 文档")):
        if head.startswith(magic):
            raise ReadError(f"这是{what},不是表格")
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


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                if b"opendocument.spreadsheet" in mime:
                    return "ods"
                raise ReadError(f"这是 OpenDocument 文件({mime.decode('ascii', 'replace')}),不是表格")
    except zipfile.BadZipFile as exc:
        raise ReadError("文件已损坏或不完整(zip 结构无法打开),请重新保存或重新下载") from exc
    except OSError as exc:
        raise ReadError(f"读取文件出错:{exc.strerror or exc}") from exc
    lower = {n.lower() for n in names}
    if "xl/workbook.xml" in lower:
        return "xlsx"
    if "xl/workbook.bin" in lower:
        return "xlsb"
    if any(n.startswith("word/") for n in lower):
        raise ReadError("这是 Word 文档(.docx),不是表格")
    if any(n.startswith("ppt/") for n in lower):
        raise ReadError("这是 PowerPoint 文档,不是表格")
    if any(n.startswith("xl/") for n in lower):
        raise ReadError("Excel 文件结构不完整(缺少 xl/workbook.xml),请用 Excel 或 WPS 重新保存")
    raise ReadError("这是 zip 压缩包,不是表格;请解压后提交其中的表格文件")


def _sniff_ole(path: Path) -> str:
    data = path.read_bytes()
    if _ENCRYPTED in data:
        raise ReadError("工作簿设有打开密码(已加密),无法读取;请取消密码后重新提交")
    if _WORD in data:
        raise ReadError("这是 Word 文档(.doc),不是表格")
    if _PPT in data:
        raise ReadError("这是 PowerPoint 文档,不是表格")
    return "xls"
