"""xlsx, xlsm, xlsb, xls and ods through python-calamine (one fast native reader for all).

Cells keep the coordinates Excel shows: rows are read from A1 (``skip_empty_area=False``), so a
table starting at C5 is still at C5. What calamine does not tell is filled in from the file:
formula cells without a cached value and cached errors (xlsx, by :mod:`.xlsx_scan`; ods here),
and merged ranges of ods sheets.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .grid import ReadError, SheetGrid, WorkbookData
from .limits import Limits
from .scan_other import scan_ods
from .xlsx_scan import scan_xlsx

_ODS_ERROR = re.compile(r"^(#[A-Z0-9/]+[!?]?|#N/A|Err:\d+)$")


def read_excel(path: Path, fmt: str, limits: Limits) -> WorkbookData:
    import python_calamine as pc

    scans = {}
    ods_extra: dict[str, _OdsSheet] = {}
    if fmt == "xlsx":
        scans = scan_xlsx(str(path), limits)
    elif fmt == "xls":
        from .scan_other import scan_xls

        scans = scan_xls(str(path), limits)
    elif fmt == "ods":
        scan_ods(str(path), limits)
        ods_extra = _scan_ods_content(path)
    elif fmt == "xlsb":
        from .xlsx_scan import check_zip

        check_zip(str(path), limits).close()
    try:
        with open(path, "rb") as fh:
            wb = pc.CalamineWorkbook.from_filelike(fh)
    except pc.PasswordError as exc:
        raise ReadError("工作簿设有密码保护(已加密),无法读取;请取消密码后重新提交") from exc
    except Exception as exc:  # noqa: BLE001 - calamine raises many kinds on damaged files
        raise ReadError(f"文件已损坏,无法解析({_reason(exc)})") from exc
    sheets: list[SheetGrid] = []
    try:
        metas = list(wb.sheets_metadata)
        if not metas:
            raise ReadError("工作簿里没有任何工作表(文件结构不完整)")
        for index, meta in enumerate(metas):
            hidden = str(meta.visible).split(".")[-1] != "Visible"
            is_chart = str(meta.typ).split(".")[-1] not in ("WorkSheet",)
            if is_chart:
                continue
            try:
                sheet = wb.get_sheet_by_index(index)
                # From A1 whatever the first used cell: the grid's coordinates are Excel's.
                rows = sheet.to_python(skip_empty_area=False)
                merged = []
                try:
                    for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
                        merged.append((r1, c1, r2, c2))
                except Exception:  # noqa: BLE001 - merged ranges are a nicety
                    merged = []
            except ReadError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise ReadError(f"工作表「{meta.name}」已损坏,无法解析({_reason(exc)})") from exc
            row0 = 0
            while row0 < len(rows) and not any(v not in (None, "") for v in rows[row0]):
                row0 += 1  # leading empty rows need no memory; row0 keeps the numbering
            grid = SheetGrid(meta.name, rows[row0:] if row0 else rows, row0, 0, merged, hidden)
            scan = scans.get(meta.name)
            if scan is not None:
                grid.flags, grid.errors = scan.flags, scan.errors
            extra = ods_extra.get(meta.name)
            if extra is not None:
                if not grid.merged:
                    grid.merged = extra.merged
                grid.flags.update(extra.flags)
                grid.errors.update(extra.errors)
            sheets.append(grid)
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001
            pass
    return WorkbookData(fmt, sheets)


class _OdsSheet:
    __slots__ = ("merged", "flags", "errors")

    def __init__(self) -> None:
        self.merged: list[tuple[int, int, int, int]] = []
        self.flags: dict[tuple[int, int], str] = {}
        self.errors: dict[tuple[int, int], str] = {}


_T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_O = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE, _ROW, _CELL, _COVERED = f"{{{_T}}}table", f"{{{_T}}}table-row", f"{{{_T}}}table-cell", f"{{{_T}}}covered-table-cell"
_MAX_REPEAT = 1_048_576


def _scan_ods_content(path: Path) -> dict[str, _OdsSheet]:
    """Merged ranges (calamine gives none for ods) and formula cells whose result is missing or an
    error (#DIV/0!, Err:502), by sheet. Best effort: a failure here leaves calamine's reading as is."""
    from lxml import etree

    out: dict[str, _OdsSheet] = {}
    try:
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as fh:
            sheet: _OdsSheet | None = None
            r = c = 0
            for event, el in etree.iterparse(fh, events=("start", "end"), resolve_entities=False, no_network=True,
                                             huge_tree=False):
                tag = el.tag
                if event == "start":
                    if tag == _TABLE:
                        sheet = out.setdefault(el.get(f"{{{_T}}}name", ""), _OdsSheet())
                        r = 0
                    elif tag == _ROW:
                        c = 0
                    continue
                if tag in (_CELL, _COVERED) and sheet is not None:
                    repeat = min(int(el.get(f"{{{_T}}}number-columns-repeated", "1") or 1), _MAX_REPEAT)
                    if tag == _CELL:
                        rs = int(el.get(f"{{{_T}}}number-rows-spanned", "1") or 1)
                        cs = int(el.get(f"{{{_T}}}number-columns-spanned", "1") or 1)
                        if rs > 1 or cs > 1:
                            sheet.merged.append((r, c, r + rs - 1, c + cs - 1))
                        if el.get(f"{{{_T}}}formula") is not None:
                            vtype = el.get(f"{{{_O}}}value-type")
                            text = "".join(el.itertext()).strip()
                            if vtype is None and not text:
                                sheet.flags[(r, c)] = "formula-without-value"
                            elif vtype in (None, "string") and _ODS_ERROR.match(text):
                                sheet.flags[(r, c)] = "formula-error"
                                sheet.errors[(r, c)] = text
                    c += repeat
                    el.clear()
                elif tag == _ROW:
                    r += min(int(el.get(f"{{{_T}}}number-rows-repeated", "1") or 1), _MAX_REPEAT)
                    el.clear()
                elif tag == _TABLE:
                    sheet = None
                    el.clear()
    except Exception:  # noqa: BLE001 - the reading itself is calamine's; this only adds detail
        return out
    return out


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return f"{name}: {text[:120]}" if text else name
