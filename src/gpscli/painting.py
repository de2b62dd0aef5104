"""Drawing the report's charts with matplotlib, in a process of its own (``python -m gpscli.painting``).

:mod:`gpscli.report.charts` decides what a chart shows (its title, its figures and their labels,
written in the report's style); this module only draws: it imports matplotlib and nothing of the
report, so the process that draws starts in a fraction of a second, loads matplotlib (0.7 s) while
the report process reads and sums the data, and draws on the other core. Requests and pictures
travel on its standard input and output as length-prefixed pickles between two processes of the
same program (nothing from outside is ever unpickled).
"""

from __future__ import annotations

import io
import pickle
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

DPI = 210  # print resolution: 156 mm wide is a 1290-pixel picture, above 200 dpi as printed
# Fonts with Chinese glyphs, preferred first (a sans serif reads best in a chart): Windows, macOS, Linux.
CJK_FONTS = (
    "Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Droid Sans Fallback",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "NSimSun", "Songti SC", "STSong", "Noto Serif CJK JP",
)
# Simplified Chinese faces: all of CJK Unified Ideographs (U+4E00–U+9FA5) and the punctuation charts use.
_SIMPLIFIED = frozenset(("Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
                         "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "NSimSun"))
BAR = "#4a6fa5"

# (draw function's name, its data, every text the picture shows, width in inches, height / width, crop)
Spec = tuple[str, Any, str, float, float, bool]


@dataclass
class Font:
    name: str
    path: str


_found: dict[str, Font | None] = {}


def find_cjk_font(text: str = "年项目资金占比") -> Font | None:
    """A font on this machine with glyphs for every character of ``text``, or None."""
    if text in _found:
        return _found[text]
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.style == "normal" and entry.weight in (400, "normal", "regular", "book", "medium", 500):
            by_name.setdefault(entry.name, entry.fname)
    needed = {ord(c) for c in text if ord(c) > 0x7F}
    result = None
    for name in CJK_FONTS:
        path = by_name.get(name)
        if path is None:
            continue
        if name in _SIMPLIFIED and all(c < 0x9FA6 for c in needed):
            result = Font(name, path)  # a Simplified Chinese face covers the unified ideographs: not opened
            break
        try:  # one look-up per character: the whole character map of a CJK font takes 0.2 s to build
            face = FT2Font(path)
            covered = all(face.get_char_index(c) for c in needed)
        except (OSError, RuntimeError):
            continue
        if covered:
            result = Font(name, path)
            break
    _found[text] = result
    return result


def paint(spec: Spec) -> bytes:
    """A chart as PNG bytes (LookupError without a Chinese font, ImportError without matplotlib)."""
    name, data, text, width_in, aspect, tight = spec
    font = find_cjk_font(text)
    if font is None:
        raise LookupError(text)
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, width_in * aspect), dpi=DPI)
    with matplotlib.rc_context({"font.family": [font.name], "axes.unicode_minus": False, "font.size": 10}):
        DRAW[name](fig, data)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None},
                    bbox_inches="tight" if tight else None, pad_inches=0.05)
    return buf.getvalue()


def shares(fig: Any, items: list[tuple[str, Decimal, str]]) -> None:
    """A pie of (name, amount, share as written), its legend beside it."""
    ax = fig.add_axes((0.0, 0.03, 0.4, 0.94))
    values = [float(a) for _, a, _ in items]  # drawing only: the shares written are Decimal
    wedges, _texts = ax.pie(values, startangle=90, counterclock=False, wedgeprops={"linewidth": 1, "edgecolor": "white"})
    ax.axis("equal")
    fig.legend(wedges, [f"{n}  {s}" for n, _a, s in items], loc="center left", bbox_to_anchor=(0.42, 0.5),
               frameon=False)


def bars_across(fig: Any, data: tuple[list[tuple[str, Decimal, str]], str]) -> None:
    """Horizontal bars of (name, amount, label as written), first at the top; the axis in ``unit``."""
    items, unit = data
    ax = fig.add_subplot(1, 1, 1)
    names = [n for n, _, _ in items][::-1]
    bars = ax.barh(names, [float(a) for _, a, _ in items][::-1], color=BAR)
    ax.bar_label(bars, labels=[label for _, _, label in items][::-1], padding=3, fontsize=9)
    ax.set_xlabel(unit)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.12)
    _fixed_margins(fig, max(map(len, names)), bottom_in=0.45)


def bars_up(fig: Any, data: tuple[list[tuple[str, Decimal, str]], str]) -> None:
    """Upright bars of (year, amount, label as written); the axis named ``axis``."""
    points, axis = data
    ax = fig.add_subplot(1, 1, 1)
    bars = ax.bar([y for y, _, _ in points], [float(a) for _, a, _ in points], color=BAR, width=0.5)
    ax.bar_label(bars, labels=[label for _, _, label in points], padding=3, fontsize=9)
    ax.set_ylabel(axis)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.25)
    _fixed_margins(fig, 4, bottom_in=0.35)


def _fixed_margins(fig: Any, label_chars: int, bottom_in: float) -> None:
    """Room for the axis labels, worked out from their length (a layout pass of matplotlib's
    tight_layout would cost a tenth of a second a chart)."""
    width, height = fig.get_size_inches()
    left_in = 0.25 + label_chars * 10 / 72  # 10-point characters, each about as wide as it is high
    fig.subplots_adjust(left=min(left_in / width, 0.4), right=0.97, top=1 - 0.15 / height, bottom=bottom_in / height)


DRAW: dict[str, Callable[[Any, Any], None]] = {"shares": shares, "bars_across": bars_across, "bars_up": bars_up}


# ---- the drawing process ----------------------------------------------------------------------

def send(out: IO[bytes], obj: object) -> None:
    data = pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)
    out.write(struct.pack(">I", len(data)) + data)
    out.flush()


def receive(inp: IO[bytes]) -> Any:
    head = inp.read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack(">I", head)
    data = inp.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _warm_up() -> None:
    """matplotlib, the Chinese font and a first small picture drawn with it (the renderer and the
    font's glyphs loaded), before the first chart is asked for."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    font = find_cjk_font("年项目资金占比各类别地区万元")
    if font is None:
        return
    fig = Figure(figsize=(1, 1), dpi=DPI)
    with matplotlib.rc_context({"font.family": [font.name], "font.size": 10}):
        fig.text(0.1, 0.5, "年项目资金0123456789")
        fig.savefig(io.BytesIO(), format="png", dpi=DPI)


def serve(inp: IO[bytes], out: IO[bytes]) -> None:
    """matplotlib first (while the report process reads its data), then each picture asked for, as
    (True, PNG) or (False, why: "font", "matplotlib" or the error), until the input ends."""
    try:
        _warm_up()
    except Exception:  # (ImportError, no font...): met again, and said, when a picture is asked for
        pass
    while True:
        try:
            spec = receive(inp)
        except EOFError:
            return
        try:
            send(out, (True, paint(spec)))
        except LookupError:
            send(out, (False, "font"))
        except ImportError:
            send(out, (False, "matplotlib"))
        except Exception as exc:  # said in the report process as a missing chart, never a traceback
            send(out, (False, f"{type(exc).__name__}: {exc}"))


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
