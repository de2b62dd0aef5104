"""The input formats gps reads: one record per format, the one place where formats vary.

Each record says which file suffixes a folder walk picks up, what the format is called in Chinese,
which reader reads it and which pre-flight check runs first. Records are keyed by what
:func:`.sniff.sniff_package` returns: the format is decided from the bytes, the suffix only decides
which files in a folder are looked at (a file named on the command line is read whatever its name).
Adding a format = one record here + its reader (and its sniffing in :mod:`.sniff`).

This module imports nothing heavy: the CLI builds its help text from it at start-up, so readers
and checks are imported when a file is read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .grid import WorkbookData
    from .limits import Limits
    from .sniff import Package

# reader(path, fmt, limits, careful, pkg, data): see :func:`gpscli.readers.read_workbook`.
Reader = Callable[[Path, str, "Limits", bool, "Package | None", "bytes | None"], "WorkbookData"]
Preflight = Callable[[Path, "Limits"], None]


@dataclass(frozen=True)
class InputFormat:
    name: str  # what sniff_package returns
    label: str  # the format's Chinese name
    suffixes: tuple[str, ...]  # looked for when walking a folder (lower case, with the dot)
    read: Reader
    # Checks run before the reader, by this module's caller. None: nothing to run first, or the
    # reader checks the file itself (see ``checked_by_reader``).
    preflight: Preflight | None = None
    checked_by_reader: bool = False  # the reader runs the pre-flight itself (it needs what it finds)


def _read_calamine(path, fmt, limits, careful, pkg, data):
    from .excel import read_excel

    return read_excel(path, fmt, limits, careful=careful, pkg=pkg, data=data)


def _read_html(path, fmt, limits, careful, pkg, data):
    from .html import read_html

    return read_html(path)


def _read_text(path, fmt, limits, careful, pkg, data):
    from .text import read_text

    return read_text(path, limits.max_rows)


def _scan_xlsb(path: Path, limits) -> None:
    from .scan_other import scan_xlsb

    scan_xlsb(str(path), limits)


# In the order the suffixes are listed to people (help text, README). xlsx, xls and ods are checked
# by read_excel itself: the scan finds the formula flags and hidden rows the reader needs.
_FORMATS = (
    InputFormat("xlsx", "Excel 工作簿", (".xlsx", ".xlsm"), _read_calamine, checked_by_reader=True),
    InputFormat("xls", "Excel 97-2003 工作簿", (".xls", ".et"), _read_calamine, checked_by_reader=True),
    InputFormat("xlsb", "Excel 二进制工作簿", (".xlsb",), _read_calamine, preflight=_scan_xlsb),
    InputFormat("ods", "OpenDocument 表格", (".ods",), _read_calamine, checked_by_reader=True),
    InputFormat("text", "CSV/文本", (".csv", ".tsv", ".txt"), _read_text),
    InputFormat("html", "网页表格", (".htm", ".html"), _read_html),
)

FORMATS: dict[str, InputFormat] = {f.name: f for f in _FORMATS}

# Every suffix a folder walk picks up, in the order of the records.
SUFFIXES: tuple[str, ...] = tuple(s for f in _FORMATS for s in f.suffixes)
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(SUFFIXES)


def suffix_list() -> str:
    """The suffixes as people read them: ".xlsx .xlsm .xls ..."."""
    return " ".join(SUFFIXES)
