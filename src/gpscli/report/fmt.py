"""How figures and ordinals are written in a report (the template's Jinja filters).

Amounts are written in two styles, each by one function: in running text 万元 with up to two
decimals and no trailing zeros (:func:`wan`, :func:`money`: 16252.68万元, 1189万元, 5379.6万元); in
tables always two decimals (:func:`table_wan`: 2090.00, 1183.30), as the annex note promises;
counts are 55项 or 55个项目; heading ordinals follow GB/T 9704: 一、 （一） 1. （1）.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from .. import wording
from ..money import display, percent_change

_DIGITS = "零一二三四五六七八九"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACE = re.compile(r"[\s\u00a0\u200b\ufeff]+")


def clean(text: object) -> str:
    """Text safe for a Word document: XML-illegal characters removed, whitespace runs (line breaks,
    tabs) folded to one space. Escaping of & < > is left to the template engine (autoescape)."""
    if text is None:
        return ""
    return _SPACE.sub(" ", _ILLEGAL_XML.sub("", str(text))).strip()


def cn(n: int) -> str:
    """Chinese numeral for headings: 1 -> 一, 10 -> 十, 11 -> 十一, 21 -> 二十一, 105 -> 一百零五."""
    n = int(n)
    if n < 0:
        return "负" + cn(-n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n >= 10000:
        return str(n)
    units = ((1000, "千"), (100, "百"), (10, "十"))
    out, zero = "", False
    for value, name in units:
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += _DIGITS[d] + name
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + _DIGITS[n]
    return out


def ordinal(n: int, level: int = 1) -> str:
    """Heading number of a level: 1 一、 2 （一） 3 1. 4 （1）."""
    n = int(n)
    if level == 1:
        return f"{cn(n)}、"
    if level == 2:
        return f"（{cn(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"标题层级应为 1 至 4,不是 {level}")


def wan(amount: Decimal | int | None) -> str:
    """An amount in 万元 as the report writes it, without the unit: 16252.68, 1189, 5379.6."""
    if amount is None:
        return ""
    return display(Decimal(amount))


def table_wan(amount: Decimal | int | None) -> str:
    """An amount in 万元 as a table cell writes it: always two decimals (2090.00, 1183.30); no figure:
    the table's mark for an empty cell (—)."""
    if amount is None:
        return wording.NO_FIGURE
    q = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{q:.2f}"


def table_count(count: int | None) -> str:
    """A count as a table cell writes it: 55; no figure: —."""
    return wording.NO_FIGURE if count is None else str(int(count))


def money(amount: Decimal | int | None, unit: str = wording.UNIT) -> str:
    """An amount with its unit: 16252.68万元."""
    if amount is None:
        return ""
    return wan(amount) + unit


def items(count: int | None, word: str = wording.ITEM) -> str:
    """A count with its word: 55项, or with word="个项目" 55个项目."""
    if count is None:
        return ""
    return f"{int(count)}{word}"


def percent(value: Decimal | None) -> str:
    """19.61 -> 19.61%; None -> ''."""
    if value is None:
        return ""
    return wan(value) + wording.PERCENT


class Counter:
    """A running heading number in a template: ``{% set n = counter() %}`` … ``{{ n.next(2) }}`` -> （一）, （二）…

    Paragraphs can then be added, removed or reordered in Word without renumbering by hand.
    """

    def __init__(self, start: int = 0) -> None:
        self.value = int(start)

    def next(self, level: int | None = None) -> str | int:
        self.value += 1
        return self.value if level is None else ordinal(self.value, level)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return str(self.value)


def counter(start: int = 0) -> Counter:
    return Counter(start)


def change(new: Decimal, old: Decimal, new_count: int, old_count: int) -> dict:
    """How a year compares with another: percent of the amount and difference of the count."""
    pct = percent_change(new, old)
    if pct is None:
        direction = wording.RISE if new > 0 else wording.FLAT
        text = wording.amount_added_text(money(new - old)) if new > old else wording.FLAT
    elif pct > 0:
        direction, text = wording.RISE, wording.percent_change_text(wording.RISE, percent(pct))
    elif pct < 0:
        direction, text = wording.FALL, wording.percent_change_text(wording.FALL, percent(-pct))
    else:
        direction, text = wording.FLAT, wording.FLAT
    diff = new_count - old_count
    count_text = wording.count_change_text(diff)
    return {"percent": pct, "direction": direction, "text": text, "amount_diff": new - old,
            "count_diff": diff, "count_text": count_text}
