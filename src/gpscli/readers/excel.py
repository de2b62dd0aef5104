"""xlsx, xlsm, xlsb, xls and ods through python-calamine (one fast native reader for all)."""

from __future__ import annotations

from pathlib import Path

from .grid import ReadError, SheetGrid, WorkbookData
from .limits import Limits
from .xlsx_scan import scan_ods, scan_xlsx


def read_excel(path: Path, fmt: str, limits: Limits) -> WorkbookData:
    import python_calamine as pc

    scans = {}
    if fmt == "xlsx":
        scans = scan_xlsx(str(path), limits)
    elif fmt == "ods":
        scan_ods(str(path), limits)
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
                rows = sheet.to_python()
                start = sheet.start or (0, 0)
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
            grid = SheetGrid(meta.name, rows, start[0], start[1], merged, hidden)
            scan = scans.get(meta.name)
            if scan is not None:
                grid.flags, grid.errors = scan.flags, scan.errors
            sheets.append(grid)
    finally:
        try:
            wb.close()
        except Exception:  # noqa: BLE001
            pass
    return WorkbookData(fmt, sheets)


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return f"{name}: {text[:120]}" if text else name
