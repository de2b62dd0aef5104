"""Fast searches over the bytes of sheet XML, shared by the pre-flight scans.

Python's regex engine and ``bytes.find`` are fast only when led by a byte that is rare in the
text; these helpers find such a lead and keep patterns literal-led.
"""

from __future__ import annotations

import re

TAG_REST = rb"""([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>"""  # attributes may hold ">" inside quotes
ROW_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*["'](\d+)["']""")


def num(digits: bytes) -> int:
    """A row number or repeat count as written, without Python's limit on long digit strings."""
    return int(digits) if len(digits) <= 15 else 10**15


def find(data: bytes, needle: bytes, rare: int, start: int, end: int, window: int = 2048) -> int:
    """``data.find(needle, start, end)``, led by the byte ``needle[rare]`` as :func:`contains` is
    (``rare`` < 0: the plain search, for when no byte of the needle is rare in this sheet)."""
    if rare < 0:
        return data.find(needle, start, end)
    byte = needle[rare:rare + 1]
    size = len(needle)
    at = data.find(byte, start + rare, end)
    while at >= 0:
        first = at - rare  # no match starts between start and here: its rare byte would be before `at`
        hit = data.find(needle, first, min(first + window + size - 1, end))
        if hit >= 0:
            return hit
        at = data.find(byte, first + window + rare, end)
    return -1


def contains(data: bytes, needle: bytes, rare: int, window: int = 2048) -> bool:
    """``needle in data``, found from the byte ``needle[rare]``, which is rare in sheet XML.

    CPython finds one byte with memchr, but a short needle of bytes sheet XML is full of (``<``,
    ``"``, ``=``) at under 1 GB/s: ``b"<f" in data`` cost a 70 KB sheet 80 µs. So: memchr to the
    next rare byte, the plain search over a window from there (where such bytes cluster, as in
    the XML header, or all along a sheet of English text), memchr on from the window's end.
    """
    return find(data, needle, rare, 0, len(data), window) >= 0
