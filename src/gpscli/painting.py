"""Drawing the report's charts with Pillow: a pie with its legend, horizontal bars, upright bars.

:mod:`gpscli.report.charts` decides what a chart shows (its title, its figures and their labels,
written in the report's style); this module only draws, and finds a font with the Chinese glyphs.
Pillow imports in 0.06 s and draws a chart in a few hundredths of a second, so the charts cost the
report well under a second; a plotting library (matplotlib: 0.7 s to import) would be the larger
part of the report's time for three simple pictures.

Pictures are drawn at twice their size and reduced (smooth edges on the pie), in the report's
palette, with the Chinese text in the first font of :data:`CJK_FONTS` found on this machine that has
a glyph for every character the picture shows (never an empty box).
"""

from __future__ import annotations

import functools
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

DPI = 210  # print resolution: 156 mm wide is a 1290-pixel picture, above 200 dpi as printed
# Faces with Chinese glyphs, preferred first (a sans serif reads best in a chart): Windows, macOS, Linux.
CJK_FONTS = (
    "Microsoft YaHei", "SimHei", "DengXian", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "PingFang SC",
    "Heiti SC", "Hiragino Sans GB", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "NSimSun", "Songti SC", "STSong", "AR PL UMing CN",
    "AR PL UKai CN", "Noto Sans CJK JP", "Noto Serif CJK JP",
)
# The files those faces come in (a font file is opened only when its name says it may hold one).
_CJK_FILE = re.compile(r"msyh|simhei|simsun|deng|noto(sans|serif)(cjk|sc)|sourcehan|pingfang|stheiti|hiragino ?sans ?gb"
                       r"|songti|wqy|droidsansfallback|uming|ukai", re.I)
_FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")
BAR = (74, 111, 165)  # the bars' blue
# Slices of the pie, in turn (muted, tell apart in print and for colour-blind readers).
PALETTE = ((74, 111, 165), (221, 132, 82), (85, 168, 104), (196, 78, 82), (129, 114, 179), (147, 120, 96),
           (218, 139, 195), (140, 140, 140), (204, 185, 116), (100, 181, 205))
INK, GRID = (34, 34, 34), (200, 200, 200)
POINT = DPI / 72  # pixels per typographic point
SCALE = 2  # drawn at twice the size, then reduced

# (draw function's name, its data, every text the picture shows, width in inches, height / width)
Spec = tuple[str, Any, str, float, float]


@dataclass(frozen=True)
class Font:
    name: str
    path: str
    index: int = 0  # the face within a collection (.ttc)


_found: dict[str, Font | None] = {}


def font_dirs() -> list[Path]:
    """Where fonts are installed on Windows, macOS and Linux, the user's own first."""
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [local / "Microsoft" / "Windows" / "Fonts", windir / "Fonts"]
    if sys.platform == "darwin":
        return [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts"),
                Path("/System/Library/Fonts/Supplemental")]
    data = os.environ.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return [Path(data) / "fonts", home / ".fonts", Path("/usr/local/share/fonts"), Path("/usr/share/fonts")]


def _candidate_files() -> Iterator[Path]:
    for folder in font_dirs():
        try:
            for path in folder.rglob("*"):
                if path.suffix.lower() in _FONT_SUFFIXES and _CJK_FILE.search(path.name):
                    yield path
        except OSError:
            continue


@functools.cache
def _faces() -> list[tuple[int, int, Font]]:
    """Every preferred face on this machine as (preference, 0 for a regular weight, font), looked
    for once in a process."""
    from PIL import ImageFont

    faces = []
    for path in _candidate_files():
        for index in range(16):  # the faces of a collection, until there is no next one
            try:
                family, style = ImageFont.truetype(str(path), 12, index=index).getname()
            except (OSError, ValueError):
                break
            if family in CJK_FONTS:
                regular = (style or "").lower() in ("regular", "normal", "book", "roman", "medium", "w3")
                faces.append((CJK_FONTS.index(family), 0 if regular else 1, Font(family, str(path), index)))
            if path.suffix.lower() not in (".ttc", ".otc"):
                break
    return sorted(faces, key=lambda f: (f[0], f[1], f[2].path))


def covers(font: Any, text: str) -> bool:
    """Whether a Pillow font has a glyph for every character of ``text``: a character it lacks is
    drawn as the font's "missing" glyph, the same picture as a code point no font has."""
    missing = font.getmask("\U0010fffd")
    missing_key = (missing.size, bytes(missing))
    for char in {c for c in text if not c.isspace()}:
        mask = font.getmask(char)
        if (mask.size, bytes(mask)) == missing_key:
            return False
    return True


def find_cjk_font(text: str = "年项目资金占比") -> Font | None:
    """A font on this machine with glyphs for every character of ``text``, or None."""
    if text in _found:
        return _found[text]
    from PIL import ImageFont

    result = None
    for _rank, _weight, font in _faces():
        try:
            if covers(ImageFont.truetype(font.path, 24, index=font.index), text):
                result = font
                break
        except OSError:
            continue
    _found[text] = result
    return result


def paint(spec: Spec) -> bytes:
    """A chart as PNG bytes (LookupError without a Chinese font that has every character it shows)."""
    name, data, text, width_in, aspect = spec
    font = find_cjk_font(text)
    if font is None:
        raise LookupError(text)
    canvas = Canvas(font, round(width_in * DPI), round(width_in * aspect * DPI))
    DRAW[name](canvas, data)
    return canvas.png()


class Canvas:
    """A picture being drawn, in pixels of the printed size (drawn at :data:`SCALE` times that)."""

    def __init__(self, font: Font, width: int, height: int) -> None:
        self.font, self.width, self.height = font, width, height
        self._fonts: dict[float, Any] = {}
        self.image: Any = None
        self.draw: Any = None

    def start(self, height: int | None = None) -> None:
        """A white page, ``height`` pixels high (default: the height asked for)."""
        from PIL import Image, ImageDraw

        self.height = height or self.height
        self.image = Image.new("RGB", (self.width * SCALE, self.height * SCALE), "white")
        self.draw = ImageDraw.Draw(self.image)

    def face(self, points: float) -> Any:
        if points not in self._fonts:
            from PIL import ImageFont

            self._fonts[points] = ImageFont.truetype(self.font.path, round(points * POINT * SCALE), index=self.font.index)
        return self._fonts[points]

    def measure(self, text: str, points: float = 10) -> tuple[float, float]:
        """Width and height of ``text`` in printed pixels (several lines: the widest, all of them)."""
        left, top, right, bottom = self.draw_for_measure().multiline_textbbox((0, 0), text, font=self.face(points))
        return (right - left) / SCALE, (bottom - top) / SCALE

    def draw_for_measure(self) -> Any:
        if self.draw is None:
            from PIL import Image, ImageDraw

            return ImageDraw.Draw(Image.new("RGB", (1, 1)))
        return self.draw

    def text(self, xy: tuple[float, float], text: str, points: float = 10, anchor: str = "la") -> None:
        """Text at a point of the printed picture; ``anchor`` as Pillow's (l/m/r, a/m/d/s)."""
        self.draw.multiline_text((xy[0] * SCALE, xy[1] * SCALE), text, font=self.face(points), fill=INK,
                                 anchor=anchor, align="center" if anchor[0] == "m" else "left", spacing=4 * SCALE)

    def box(self, x0: float, y0: float, x1: float, y1: float, fill: tuple[int, int, int]) -> None:
        self.draw.rectangle([x0 * SCALE, y0 * SCALE, x1 * SCALE - 1, y1 * SCALE - 1], fill=fill)

    def line(self, x0: float, y0: float, x1: float, y1: float, fill: tuple[int, int, int] = INK) -> None:
        self.draw.line([x0 * SCALE, y0 * SCALE, x1 * SCALE, y1 * SCALE], fill=fill, width=SCALE)

    def png(self) -> bytes:
        buf = io.BytesIO()  # each pixel the mean of the four drawn (a tenth of the time of a Lanczos filter)
        self.image.reduce(SCALE).save(buf, "PNG", dpi=(DPI, DPI), compress_level=3)
        return buf.getvalue()


def shares(canvas: Canvas, items: list[tuple[str, Decimal, str]]) -> None:
    """A pie of (name, amount, share as written), from twelve o'clock clockwise, its legend beside it."""
    legend = [f"{n}  {s}" for n, _a, s in items]
    row = canvas.measure("国", 10)[1] * 1.9
    canvas.start(max(canvas.height, round(len(items) * row + 2 * row)))
    pad = canvas.height * 0.05
    diameter = min(canvas.height - 2 * pad, canvas.width * 0.4)
    x0, y0 = pad, (canvas.height - diameter) / 2
    total = sum(float(a) for _n, a, _s in items)  # drawing only: the shares written are Decimal
    angle = -90.0
    for i, (_n, amount, _s) in enumerate(items):
        sweep = 360 * float(amount) / total
        canvas.draw.pieslice([x0 * SCALE, y0 * SCALE, (x0 + diameter) * SCALE, (y0 + diameter) * SCALE], angle,
                             angle + sweep, fill=PALETTE[i % len(PALETTE)], outline="white", width=2 * SCALE)
        angle += sweep
    left = x0 + diameter + canvas.width * 0.06
    top = (canvas.height - len(items) * row) / 2
    swatch = row * 0.45
    for i, text in enumerate(legend):
        y = top + i * row + row / 2
        canvas.box(left, y - swatch / 2, left + swatch, y + swatch / 2, PALETTE[i % len(PALETTE)])
        canvas.text((left + swatch * 1.8, y), text, anchor="lm")


def bars_across(canvas: Canvas, data: tuple[list[tuple[str, Decimal, str]], str]) -> None:
    """Horizontal bars of (name, amount, label as written), first at the top; the axis in ``unit``."""
    items, unit = data
    canvas.start()
    text_h = canvas.measure("国0", 10)[1]
    names_w = max(canvas.measure(n)[0] for n, _a, _l in items)
    labels_w = max(canvas.measure(label, 9)[0] for _n, _a, label in items)
    left, right = names_w + text_h, canvas.width - labels_w - text_h
    top, bottom = text_h * 0.5, canvas.height - text_h * 4.0
    top_value = max(float(a) for _n, a, _l in items) or 1.0
    ticks = nice_ticks(top_value)
    span = ticks[-1]
    scale = (right - left) / span
    _ticks_across(canvas, ticks, left, scale, top, bottom, text_h)
    canvas.text(((left + right) / 2, bottom + text_h * 2.2), unit, anchor="ma")
    step = (bottom - top) / len(items)
    for i, (name, amount, label) in enumerate(items):
        mid = top + step * (i + 0.5)
        end = left + float(amount) * scale
        canvas.box(left, mid - step * 0.32, max(end, left + 1), mid + step * 0.32, BAR)
        canvas.text((left - text_h * 0.5, mid), name, anchor="rm")
        canvas.text((end + text_h * 0.3, mid), label, 9, anchor="lm")
    canvas.line(left, top, left, bottom)


def _ticks_across(canvas: Canvas, ticks: list[float], left: float, scale: float, top: float, bottom: float,
                  text_h: float) -> None:
    for t in ticks:
        x = left + t * scale
        canvas.line(x, top, x, bottom, GRID)
        canvas.line(x, bottom, x, bottom + text_h * 0.3)
        canvas.text((x, bottom + text_h * 0.5), tick_label(t), 9, anchor="ma")
    canvas.line(left, bottom, left + ticks[-1] * scale, bottom)


def bars_up(canvas: Canvas, data: tuple[list[tuple[str, Decimal, str]], str]) -> None:
    """Upright bars of (year, amount, label as written, may be two lines); the axis named ``axis``."""
    points, axis = data
    canvas.start()
    text_h = canvas.measure("国0", 10)[1]
    label_h = max(canvas.measure(label, 9)[1] for _y, _a, label in points)
    top_value = max(float(a) for _y, a, _l in points) or 1.0
    ticks = nice_ticks(top_value)
    left = max(canvas.measure(tick_label(t), 9)[0] for t in ticks) + text_h * 1.2
    right = canvas.width - text_h
    top, bottom = text_h * 2.0 + label_h, canvas.height - text_h * 2.2
    scale = (bottom - top) / ticks[-1]
    for t in ticks:
        y = bottom - t * scale
        canvas.line(left, y, right, y, GRID)
        canvas.text((left - text_h * 0.4, y), tick_label(t), 9, anchor="rm")
    canvas.text((left - text_h * 0.4, text_h * 0.2), axis, 9, anchor="la")
    step = (right - left) / len(points)
    for i, (year, amount, label) in enumerate(points):
        mid = left + step * (i + 0.5)
        y = bottom - float(amount) * scale
        canvas.box(mid - step * 0.25, y, mid + step * 0.25, bottom, BAR)
        canvas.text((mid, y - text_h * 0.3), label, 9, anchor="md")
        canvas.text((mid, bottom + text_h * 0.5), year, anchor="ma")
    canvas.line(left, bottom, right, bottom)
    canvas.line(left, top - label_h, left, bottom)


def nice_ticks(top: float) -> list[float]:
    """Axis marks from 0 in steps of 1, 2 or 5 times a power of ten, the last at or above ``top``,
    four to seven of them."""
    import math

    raw = top / 5
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [step * i for i in range(count + 1)] if count else [0.0, step]


def tick_label(value: float) -> str:
    """An axis mark as written: 2000, 2500, 0.5 (no trailing zeros)."""
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", "")


DRAW: dict[str, Callable[[Canvas, Any], None]] = {"shares": shares, "bars_across": bars_across, "bars_up": bars_up}
