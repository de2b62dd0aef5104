"""Readers: any supported file -> :class:`WorkbookData` of :class:`SheetGrid` in Excel coordinates.

One reader per format family (calamine for xlsx/xlsm/xlsb/xls/ods, text for CSV/TSV, html for
web exports named .xls); the format is decided by :func:`sniff` from the bytes, and its record in
:mod:`.formats` says which reader reads it and which pre-flight runs first. Binary workbooks
go through a pre-flight check first (:mod:`.xlsx_scan`): the native reader must never see a file
that would make it abort or exhaust memory.
"""

from __future__ import annotations

from pathlib import Path

from .formats import FORMATS, SUPPORTED_SUFFIXES
from .grid import ReadError, SheetGrid, WorkbookData, a1, col_letter
from .limits import Limits

__all__ = ["SUPPORTED_SUFFIXES", "Limits", "ReadError", "SheetGrid", "WorkbookData", "a1", "col_letter", "read_workbook"]


def read_workbook(path: Path, limits: Limits | None = None, careful: bool = True,
                  data: bytes | None = None) -> WorkbookData:
    """Read any supported file. ``careful=False`` is for a process whose address space is
    limited (a reading worker): xlsx sheets are then scanned while the parser runs instead of
    before it (see :class:`.xlsx_scan.SheetChecks`); everywhere else every check runs first.
    ``data``: the file's bytes, when the caller has read them (to hash them): sniffing, the
    pre-flight and the parser then use them instead of reading the file again."""
    limits = limits or Limits()
    if data is not None:
        if len(data) > limits.max_file_bytes:
            raise ReadError(f"文件有 {len(data) / 1048576:.0f} MB,超过上限 {limits.max_file_bytes / 1048576:.0f} MB")
        return _read(path, data[:8192], limits, careful, data)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ReadError(f"文件有 {size / 1048576:.0f} MB,超过上限 {limits.max_file_bytes / 1048576:.0f} MB")
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except PermissionError as exc:
        raise ReadError("没有读取该文件的权限") from exc
    except IsADirectoryError as exc:
        raise ReadError("这是文件夹,不是文件") from exc
    except OSError as exc:
        raise ReadError(f"无法打开文件:{exc.strerror or exc}") from exc
    return _read(path, head, limits, careful, None)


def _read(path: Path, head: bytes, limits: Limits, careful: bool, data: bytes | None) -> WorkbookData:
    from .sniff import sniff_package  # imported here: the CLI's help text needs this package, not zip parsing

    fmt, pkg = sniff_package(path, head, limits, data)
    form = FORMATS.get(fmt)
    if form is None:  # sniff_package returned a format without a record: a gap in formats.py
        raise ReadError(f"gps 还不能读取这种格式({fmt})")
    if form.preflight is not None:
        form.preflight(path, limits)
    return form.read(path, fmt, limits, careful, pkg, data)
