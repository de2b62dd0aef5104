"""Exact money: parse amounts from cells into ``Decimal`` 万元, and format them for people.

No float arithmetic on money happens anywhere in gps. A float that a spreadsheet stored is
turned into the shortest decimal that round-trips (``repr``), so 470.6 stays 470.6.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact, InvalidOperation, localcontext
from itertools import repeat
from operator import truediv

WAN = Decimal(10000)
# No project costs 1e11 万元 (ten times a year of China's GDP), and no amount needs more than ten
# decimals of 万元: bounded so, any sum of a million rows holds in the 28 digits of Decimal's
# default context, exactly (a bigger value, typed or planted, is an invalid-amount at its cell).
MAX_WAN = Decimal(10) ** 11
MAX_PLACES = 10
_TWO = Decimal("0.01")
_EIGHT = Decimal("0.00000001")
_INF, _NINF = float("inf"), float("-inf")
_HUNDRED, _HUNDRED_F = Decimal(100), 100.0

_UNIT_SUFFIX = re.compile(r"(万元|万|元|rmb|cny|¥)$", re.IGNORECASE)
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# Thousands separators only where they belong: 1,250.50 and 12,345,678 but never 12,50 or 1,2345.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\ufe63": "-", "\uff0d": "-"})


class AmountError(ValueError):
    """The value cannot be read as an amount. ``str(e)`` is a short Chinese reason."""


class UnitConflict(AmountError):
    """The cell names a unit (万元, 元, ¥) other than its column's: a factor of 10,000 hangs on it,
    so it is never converted silently. ``number`` is what the cell says, in ``cell_unit``."""

    def __init__(self, reason: str, number: Decimal, cell_unit: str) -> None:
        super().__init__(reason)
        self.number, self.cell_unit = number, cell_unit


def nfkc(text: str) -> str:
    """Full-width digits, letters and punctuation to their ordinary forms."""
    return unicodedata.normalize("NFKC", text)


def plain_float(value: float) -> Decimal | None:
    """The common amount cell, quickly: a float whose shortest form is a whole number or at most
    10 characters, as the exact Decimal a person sees in Excel (470.6 -> 470.6, 2090.0 -> 2090).
    None for what :func:`parse_amount` must look at more closely (exponents, the binary noise of
    formula results, inf, nan)."""
    t = repr(value)
    if "e" in t or "n" in t:
        return None
    if t.endswith(".0"):
        return Decimal(int(value)) if len(t) <= 13 else None  # below MAX_WAN: 99999999999.0
    return Decimal(t) if len(t) <= 10 else None


_WHOLE_BELOW = 10**11  # an int cell below this in size is exactly a float whose repr plain_float reads


def plain_floats(values: Sequence) -> list[Decimal | None]:
    """:func:`plain_float` of every float in a column, ``Decimal(v)`` of every int (as
    :func:`parse_amount` reads one: .xls files hold whole numbers as ints), None for any other
    cell: the same Decimals (value and exponent), made in a few C-level passes over the column
    instead of a Python call per cell (:func:`_in_cents`, else :func:`_by_repr`)."""
    if not values:
        return []
    types = list(map(type, values))
    others: list[int] = []  # where the cells that are not numbers are (a 合计 label, a blank): a few
    floats = values
    if types.count(float) != len(types):
        floats = list(values)
        for kind in set(types) - {float}:
            i = -1
            for _ in range(types.count(kind)):
                i = types.index(kind, i + 1)
                if kind is int and -_WHOLE_BELOW < floats[i] < _WHOLE_BELOW:
                    floats[i] = float(floats[i])  # read back below as Decimal(int), exponent 0
                else:
                    others.append(i)
        for i in others:
            floats[i] = 0.0
    out = _in_cents(floats)
    if out is None:
        out = _by_repr(floats)
    for i in others:
        out[i] = None
    return out


# A number written as text in its plainest form (a CSV cell, or a number typed as text): what
# parse_amount makes of it is Decimal(text), value and exponent, when it is below MAX_WAN and has
# at most MAX_PLACES decimals. Anything else (spaces, commas, units, signs, exponents) goes the long way.
_PLAIN_TEXT = re.compile(r"-?[0-9]{1,11}(?:\.[0-9]{1,10})?")


def plain_texts(values: Sequence, out: list[Decimal | None]) -> None:
    """``out[i] = Decimal(v)`` for each text cell of the column in the plainest number form (see
    _PLAIN_TEXT): what :func:`parse_amount` reads it as. Other cells are left as they are."""
    match = _PLAIN_TEXT.fullmatch
    for i, v in enumerate(values):
        if type(v) is str and match(v):
            out[i] = Decimal(v)


_CENTS_BELOW = 1e6  # |amount| < 1e6: the repr of a cents amount has at most 10 characters (-999999.99)
_EXACT = Context(prec=28)  # the default; explicit, so that no caller's context can round a quotient


def _in_cents(floats: Sequence[float]) -> list[Decimal | None] | None:
    """The usual column, without a repr: every amount a whole number of cents below 1e6 in size.
    None when one is not.

    ``c = round(v * 100)`` and ``c / 100 == v`` (int / int is correctly rounded) say that the
    decimal D = c/100 reads back as v. repr(v) is the shortest decimal that reads back as v, and D
    is the only multiple of 0.01 that does (|v| < 1e6: v's neighbours are 1e-10 away), while a
    decimal no longer than D and as near to v is such a multiple: so repr(v) is D, its trailing
    zeros dropped, and "2090.0" for a whole number, which plain_float reads as Decimal(2090).
    ``Decimal(c) / 100`` is exact, and an exact quotient takes the exponent nearest to 0 that
    holds it: Decimal('470.6'), Decimal('2815.17'), Decimal('2090'), Decimal('0') for -0.0 too.
    """
    try:
        if not (-_CENTS_BELOW < min(floats) and max(floats) < _CENTS_BELOW):
            return None
        cents = list(map(float.__round__, map(_HUNDRED_F.__mul__, floats)))  # round(), quicker
    except (OverflowError, ValueError):  # inf, nan
        return None
    if list(map(truediv, cents, repeat(100))) != (floats if type(floats) is list else list(floats)):
        return None
    with localcontext(_EXACT):
        return list(map(truediv, map(Decimal, cents), repeat(_HUNDRED)))


def _by_repr(floats: Sequence[float]) -> list[Decimal | None]:
    """plain_float of each float: the reprs are joined once, so that its tests (an exponent, inf or
    nan; the ".0" of a whole number; more than 10 characters) are an ``in``, a ``replace`` and a
    ``max`` over one string."""
    texts = list(map(repr, floats))
    joined = "|".join(texts) + "|"
    if "e" in joined or "n" in joined:
        return list(map(plain_float, floats))
    # 2090.0 -> "2090", as Decimal(int(2090.0)); -0.0 would become "-0" where plain_float gives 0.
    joined = joined.replace(".0|", "|")
    if "-0|" in joined:
        return list(map(plain_float, floats))
    parts = joined.split("|")
    parts.pop()
    out: list[Decimal | None] = list(map(Decimal, parts))
    if max(map(len, parts)) > 10:  # a whole number below MAX_WAN stays, any other long repr is left to parse_amount
        for i, p in enumerate(parts):
            if len(p) > 10 and ("." in p or len(p.lstrip("-")) > 11):
                out[i] = None
    return out


def parse_amount(value: object, unit: str = "万元", explicit: bool = True) -> Decimal:
    """Read one amount cell and return it in 万元, exactly.

    ``unit`` is the unit of the column ("万元" or "元"); ``explicit``: the sheet states it (in the
    header or a 单位 line) rather than gps assuming 万元. A unit written in the cell itself (86万元,
    860000元) must agree with an explicit column unit, else :class:`UnitConflict`; where the
    column states none, the cell's word is the only statement and is followed. A ¥ sign means
    元: in a 万元 column (stated or assumed) it is a :class:`UnitConflict` (￥120.5 under 金额(万元)
    is most likely 120.5 万元 with a decorative sign, or 120.5 元: never guessed).
    """
    if value is None:
        raise AmountError("为空")
    if isinstance(value, bool):
        raise AmountError("是逻辑值")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float) and (plain := plain_float(value)) is not None:
        number = plain
    elif isinstance(value, float):
        if value.is_integer():
            number = Decimal(int(value))
        elif value != value or value in (_INF, _NINF):
            raise AmountError("不是有限的数字")
        else:
            text = repr(value)
            number = Decimal(text)
            # Floats computed by formulas carry binary noise (0.30000000000000004): keep 8 decimals.
            if len(text) > 10 and (len(text) - text.find(".") > 9 or "e" in text) and _exponent(number) < -8:
                number = number.quantize(_EIGHT, rounding=ROUND_HALF_UP).normalize()
    elif isinstance(value, Decimal):
        number = value
    else:
        number, cell_unit, sign = _parse_text(str(value))
        if cell_unit and cell_unit != unit and (explicit or sign):
            what = "带人民币符号 ¥(表示元)" if sign else f"写明单位为{cell_unit}"
            raise UnitConflict(f"{what},但本列金额以{unit}为单位", number, cell_unit)
        if cell_unit:
            unit = cell_unit
    wan = to_wan(number, unit)
    if not wan.is_finite() or abs(wan) >= MAX_WAN:
        raise AmountError(f"超出合理范围(单个项目不可能达到 {MAX_WAN:,.0f} 万元)")
    if _exponent(wan) < -MAX_PLACES:
        raise AmountError(f"小数位数过多(以万元计超过 {MAX_PLACES} 位)")
    return wan


def _exponent(number: Decimal) -> int:
    """The exponent of a finite Decimal (NaN and the infinities have a letter in its place)."""
    exponent = number.as_tuple().exponent
    if isinstance(exponent, str):
        raise ValueError(f"{number} is not a finite number")
    return exponent


def _parse_text(text: str) -> tuple[Decimal, str | None, bool]:
    """(number, the unit the text names or None, whether that unit comes from a ¥ sign alone)."""
    s = nfkc(text).translate(_MINUS)
    s = "".join(s.split()).replace("\u200b", "").replace("\ufeff", "")
    if not s:
        raise AmountError("为空")
    if s.startswith("人民币"):
        s = s[3:]
    cell_unit = None
    sign = False
    m = _UNIT_SUFFIX.search(s)
    if m:
        suffix = m.group(1)
        cell_unit = "万元" if suffix.startswith("万") else "元"
        sign = suffix.lower() in ("rmb", "cny", "¥")  # a currency sign, not a unit word
        s = s[: m.start()]
        if s.endswith("人民币"):
            s = s[:-3]
    if s.startswith("¥"):
        s = s[1:]
        sign = sign or cell_unit is None
        cell_unit = cell_unit or "元"
    if "," in s:
        if not _GROUPED.fullmatch(s):
            raise AmountError("中千分位分隔符的位置不对")
        s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise AmountError("不是数字")
    try:
        return Decimal(s), cell_unit, sign
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards this
        raise AmountError("不是数字") from exc


def to_wan(number: Decimal, unit: str) -> Decimal:
    if unit == "元":
        return number / WAN
    return number


def amount_str(amount: Decimal) -> str:
    """Exact decimal string, no exponent, no trailing zeros: for JSON and CSV."""
    if amount == 0:
        return "0"
    text = format(amount.normalize(), "f")
    return text


def display(amount: Decimal, places: int = 2) -> str:
    """Rounded for people as the reports write it: 16252.68, 1189, 5379.6."""
    q = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return amount_str(q)


FEN_PER_WAN = 1_000_000  # 1 万元 = 10,000 元 = 1,000,000 分
_FEN = Decimal(1).scaleb(-6)  # one fen, in 万元


def below_fen(amount: Decimal) -> bool:
    """Does the amount (万元) carry a part smaller than one fen (more than six decimals that are not 0)?"""
    exponent = amount.as_tuple().exponent
    return isinstance(exponent, int) and exponent < -6 and amount != amount.quantize(_FEN)


def to_fen(amount: Decimal) -> int:
    """万元 -> whole fen, exactly when the amount has at most six decimals (half-up below that)."""
    return int((amount * FEN_PER_WAN).to_integral_value(rounding=ROUND_HALF_UP))


_PER_WAN = Decimal(FEN_PER_WAN)


def all_whole_fen(amounts: Sequence[Decimal]) -> bool:
    """True when no amount of the column is finer than a fen, found in one C-level pass (the exact
    sum's exponent is the smallest of all); False means some may be: look at each."""
    with localcontext() as ctx:
        ctx.clear_flags()
        exponent = sum(amounts, Decimal(0)).as_tuple().exponent
        return not ctx.flags[Inexact] and isinstance(exponent, int) and exponent >= -6


def to_fens(amounts: Sequence[Decimal]) -> list[int]:
    """:func:`to_fen` of a column, in a C-level pass when no amount is finer than a fen (the usual case)."""
    fens = list(map(int, map(_PER_WAN.__mul__, amounts)))
    if all_whole_fen(amounts):
        return fens
    return [to_fen(a) if below_fen(a) else f for a, f in zip(amounts, fens)]


def from_fen(fen: int) -> Decimal:
    """Whole fen -> 万元, exact, without trailing zeros (16252680000 -> 16252.68)."""
    d = Decimal(fen).scaleb(-6).normalize()
    return d if d.as_tuple().exponent <= 0 else d.quantize(Decimal(1))  # type: ignore[operator]


def percent_change(new: Decimal, old: Decimal) -> Decimal | None:
    """Change from old to new in percent, two decimals; None when old is zero."""
    if old == 0:
        return None
    return ((new - old) * 100 / old).quantize(_TWO, rounding=ROUND_HALF_UP)
