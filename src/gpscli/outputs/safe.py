"""Neutralise text from submissions before it goes into files other programs will open."""

from __future__ import annotations

import json
import re
from typing import Any

from ..text import strip_illegal

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\x00")


def cell_text(value: str) -> str:
    """Text for a CSV or xlsx cell: never a formula (OWASP: prefix = + - @ tab CR with ')."""
    value, _ = strip_illegal(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


_JSON_ACTIVE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def json_text(data: Any) -> str:
    """JSON for files and stdout: readable Chinese (not \\uXXXX), but every character a terminal
    could act on escaped: json escapes C0 controls itself; C1 controls, DEL and bidirectional
    overrides are escaped here (still the same JSON value)."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_ACTIVE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


BOM = "\ufeff"
NO_BOM_ENV = "GPS_NO_BOM"  # set (to anything but 0 or empty) for CSV without the BOM, for scripts


def csv_bom(text: str) -> str:
    """CSV text as gps writes it, to a file or to standard output alike: UTF-8 with a BOM, so that
    Excel opens it in Chinese (``gps aggregate --format csv > 汇总.csv`` too), unless the
    environment variable ``GPS_NO_BOM`` is set (``GPS_NO_BOM=1``) for scripts that do not skip one."""
    import os

    plain = text.removeprefix(BOM)
    return plain if os.environ.get(NO_BOM_ENV, "") not in ("", "0") else BOM + plain


def show_csv(out: Any, text: str) -> None:
    """CSV on standard output as UTF-8 bytes (with the BOM, :func:`csv_bom`), whatever the stream's
    own encoding: on Windows a redirected stdout would otherwise be written in GBK."""
    data = csv_bom(text).encode("utf-8")
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        out.write(data.decode("utf-8"))
        return
    out.flush()
    buffer.write(data)
    buffer.flush()
