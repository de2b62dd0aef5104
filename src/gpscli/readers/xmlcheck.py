"""The one XML check every part of a workbook gets before anything parses it: no DTD.

Real OOXML and ODF never carry a DTD; one in a part is an entity-expansion bomb (or worse) for
any XML parser that honours it. A DTD may only stand in the prolog, before the root element, so
that is where it is looked for, past the XML declaration, comments and processing instructions.
"""

from __future__ import annotations

import re

from .grid import ReadError

_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff|\s+|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)


def has_dtd(data: bytes) -> bool:
    """True if the XML in ``data`` (UTF-8 or UTF-16) declares a DTD."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[:2] in (b"<\x00", b"\x00<"):
        data = data.replace(b"\x00", b"")
    at = 0
    if data.startswith(b"<?xml"):  # the XML declaration found at C speed, not byte by byte
        end = data.find(b"?>", 5)
        at = end + 2 if end >= 0 else 0
    if (prolog := _PROLOG.match(data, at)) is not None:  # always matches: every part is optional
        at = prolog.end()
    return _DTD.match(data, at) is not None


def refuse_dtd(data: bytes, name: str) -> bytes:
    """``data`` unchanged, or ReadError naming the part ``name`` if it declares a DTD."""
    if has_dtd(data):
        raise ReadError(f"文件部件 {name} 含有 DTD/实体声明,正常的表格文件不会有,疑似 XML 炸弹,拒绝读取")
    return data
