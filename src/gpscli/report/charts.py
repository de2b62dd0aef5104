"""Charts of the report (图): share of the amount by category, amount by jurisdiction, the trend over years.

Each chart is a template variable (``chart_categories``, ``chart_jurisdictions``, ``chart_trend``)
holding a :class:`Chart`: it is drawn only when the template prints it, so matplotlib is imported
only by a template that uses a chart (a template without charts costs nothing). ``{% if chart_x %}``
is false when there is nothing to draw or when the machine has no Chinese font; then the chart is
left out and :attr:`Chart.warnings` says which fonts to install, never a picture of empty boxes.

Pictures are PNG at :data:`DPI` (print resolution) and as wide as the text block (156 mm, GB/T 9704).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import wording

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
FONTS_TO_INSTALL = ("Noto Sans CJK SC(Debian/Ubuntu:apt-get install fonts-noto-cjk)", "文泉驿正黑(fonts-wqy-zenhei)",
                    "Windows 的黑体、微软雅黑", "macOS 的苹方")


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


def no_font_warning(title: str) -> str:
    return (f"本机没有可用的中文字体,报告中未插入“{title}”图;请安装其中之一后重新生成:"
            + "、".join(FONTS_TO_INSTALL))


Spec = tuple  # (draw, data, text, width in inches, aspect, tight): what a picture is drawn from (picklable)


def paint(spec: Spec) -> bytes:
    """A chart as PNG bytes (LookupError without a Chinese font, ImportError without matplotlib)."""
    draw, data, text, width_in, aspect, tight = spec
    font = find_cjk_font(text)
    if font is None:
        raise LookupError(text)
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, width_in * aspect), dpi=DPI)
    with matplotlib.rc_context({"font.family": [font.name], "axes.unicode_minus": False, "font.size": 10}):
        draw(fig, data)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None},
                    bbox_inches="tight" if tight else None, pad_inches=0.05)
    return buf.getvalue()


class Painter:
    """Draws the charts in a process of its own, started when the report starts: matplotlib is
    imported there (0.8 s) while this process aggregates the data and builds the context, and the
    pictures are drawn on the other core. Falls back to drawing here where no process can start."""

    def __init__(self) -> None:
        import multiprocessing as mp

        # spawn, not fork: a fork would share the parent's heap of records, which the child's garbage
        # collector walks (and copies) while matplotlib loads; a new interpreter starts in 0.1 s
        ctx: Any = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), name="gps-charts", daemon=True)
        self._proc.start()
        child.close()

    @classmethod
    def start(cls, template: Path | None) -> Painter | None:
        """A painter for a template that prints a chart (None for one that does not)."""
        if not uses_charts(template):
            return None
        try:
            return cls()
        except (OSError, ValueError, RuntimeError):
            return None

    def paint(self, spec: Spec) -> bytes:
        try:
            self._conn.send(spec)
            ok, payload = self._conn.recv()
        except (OSError, EOFError):  # the process is gone: drawn here
            return paint(spec)
        if ok:
            return payload
        raise {"font": LookupError, "matplotlib": ImportError}.get(payload, RuntimeError)(payload)

    def close(self) -> None:
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._proc.join(5)
        if self._proc.is_alive():
            self._proc.terminate()
        self._conn.close()


def _serve(conn: Any) -> None:
    """The painter's process: matplotlib first, then each picture asked for, until told to stop."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.backends import backend_agg  # noqa: F401
        from matplotlib.figure import Figure  # noqa: F401
    except ImportError:
        pass
    while True:
        try:
            spec = conn.recv()
        except (EOFError, OSError):
            return
        if spec is None:
            return
        try:
            conn.send((True, paint(spec)))
        except LookupError:
            conn.send((False, "font"))
        except ImportError:
            conn.send((False, "matplotlib"))
        except Exception as exc:
            conn.send((False, f"{type(exc).__name__}: {exc}"))


def uses_charts(template: Path | None) -> bool:
    """Whether a template prints a chart variable (the bundled one does), read from its document part."""
    import zipfile

    from .render import bundled_template

    try:
        with zipfile.ZipFile(template or bundled_template()) as z:
            return b"chart_" in z.read("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False


@dataclass
class Chart:
    """A chart the template may print: ``{{ chart_x }}`` the picture, ``chart_x.title`` its caption's
    text (without the number: the template numbers the figures, 图1, 图2…)."""

    title: str
    draw: Callable[[Any, Any], None]  # (matplotlib Figure, data): a module-level function (it is pickled)
    data: Any
    labels: Sequence[str]  # every text the picture shows (to check the font covers it)
    tpl: Any = None  # the DocxTemplate the picture goes into
    width_emu: int = 0
    aspect: float = 0.5  # height / width
    tight: bool = False  # crop to the content (a legend beside a pie); costs a second layout pass
    painter: Painter | None = None  # draws it in another process (None: here)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _xml: str | None = None
    _png: bytes | None = None
    _tried: bool = False

    def spec(self) -> Spec:
        text = "".join([self.title, *self.labels]) + "0123456789.%万元"
        return (self.draw, self.data, text, (self.width_emu or 156 * 36000) / 914400, self.aspect, self.tight)

    def _picture(self) -> bytes | None:
        """The PNG, drawn once; None (and a warning) without a Chinese font or matplotlib."""
        if not self._tried:
            self._tried = True
            t0 = time.perf_counter()
            try:
                self._png = self.painter.paint(self.spec()) if self.painter else paint(self.spec())
            except LookupError:
                self.warnings.append(no_font_warning(self.title))
            except ImportError:
                self.warnings.append(f"未安装 matplotlib,报告中未插入“{self.title}”图;请 pip install matplotlib 后重新生成")
            except RuntimeError as exc:  # matplotlib failed on this picture: the draft still comes out
                self.warnings.append(f"“{self.title}”图未能生成({exc}),报告中未插入")
            self.seconds += time.perf_counter() - t0
        return self._png

    def __bool__(self) -> bool:
        return self._picture() is not None

    def png(self) -> bytes:
        """The picture as PNG bytes (raises LookupError without a Chinese font)."""
        png = self._picture()
        if png is None:
            raise LookupError(no_font_warning(self.title))
        return png

    def __html__(self) -> str:
        if self._xml is None:
            if not self:
                self._xml = ""
            else:
                from docx.shared import Emu
                from docxtpl import InlineImage

                self._xml = InlineImage(self.tpl, io.BytesIO(self.png()), width=Emu(self.width_emu)).__html__()
        return self._xml

    def __str__(self) -> str:
        return self.__html__()

    def _font(self) -> Font | None:
        return find_cjk_font(self.spec()[2])


def _money_label(amount: Decimal) -> str:
    from . import fmt

    return fmt.wan(amount)


def categories_chart(year_label: str, lines: Sequence[Any]) -> Chart | None:
    """Share of the amount by category (a pie); None when there is nothing to draw."""
    items = [(str(c.name), c.amount) for c in lines if c.amount > 0]
    if not items:
        return None
    return Chart(f"{year_label}各类别项目资金占比", _draw_shares, items, [n for n, _ in items], aspect=0.45)


def _draw_shares(fig: Any, items: list[tuple[str, Decimal]]) -> None:
    ax = fig.add_axes((0.0, 0.03, 0.4, 0.94))
    total = sum((a for _, a in items), Decimal(0))
    values = [float(a) for _, a in items]  # drawing only: the shares written are Decimal
    shares = [f"{(a * 100 / total).quantize(Decimal('0.01'))}%" for _, a in items]
    wedges, _texts = ax.pie(values, startangle=90, counterclock=False, wedgeprops={"linewidth": 1, "edgecolor": "white"})
    ax.axis("equal")
    fig.legend(wedges, [f"{n}  {s}" for (n, _a), s in zip(items, shares, strict=True)],
               loc="center left", bbox_to_anchor=(0.42, 0.5), frameon=False)


def jurisdictions_chart(year_label: str, places: Sequence[Any]) -> Chart | None:
    """The amount of each jurisdiction (horizontal bars, in the profile's order)."""
    items = [(str(p.name), p.amount) for p in places if p.count]
    if not items:
        return None
    return Chart(f"{year_label}各地区项目资金", _draw_places, items, [n for n, _ in items],
                 aspect=min(0.25 + 0.045 * len(items), 1.1))


def _draw_places(fig: Any, items: list[tuple[str, Decimal]]) -> None:
    ax = fig.add_subplot(1, 1, 1)
    names = [n for n, _ in items][::-1]
    values = [float(a) for _, a in items][::-1]
    bars = ax.barh(names, values, color="#4a6fa5")
    ax.bar_label(bars, labels=[_money_label(a) for _, a in items][::-1], padding=3, fontsize=9)
    ax.set_xlabel(wording.UNIT)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(x=0.12)
    _fixed_margins(fig, max(map(len, names)), bottom_in=0.45)


def _fixed_margins(fig: Any, label_chars: int, bottom_in: float) -> None:
    """Room for the axis labels, worked out from their length (a layout pass of matplotlib's
    tight_layout would cost a tenth of a second a chart)."""
    width, height = fig.get_size_inches()
    left_in = 0.25 + label_chars * 10 / 72  # 10-point characters, each about as wide as it is high
    fig.subplots_adjust(left=min(left_in / width, 0.4), right=0.97, top=1 - 0.15 / height, bottom=bottom_in / height)


def trend_chart(history: Sequence[Any]) -> Chart | None:
    """Amount and count by year; None with fewer than two years."""
    points = [(int(h.year), h.amount, int(h.count)) for h in history]
    if len(points) < 2:
        return None
    labels = [f"{y}" for y, _, _ in points] + ["资金", wording.ITEM]
    return Chart(f"{points[0][0]}—{points[-1][0]}年政府购买服务项目资金", _draw_trend, points, labels, aspect=0.45)


def _draw_trend(fig: Any, points: list[tuple[int, Decimal, int]]) -> None:
    ax = fig.add_subplot(1, 1, 1)
    years = [str(y) for y, _, _ in points]
    bars = ax.bar(years, [float(a) for _, a, _ in points], color="#4a6fa5", width=0.5)
    ax.bar_label(bars, labels=[f"{_money_label(a)}{wording.UNIT}\n{c}{wording.ITEM}" for _, a, c in points],
                 padding=3, fontsize=9)
    ax.set_ylabel(f"资金({wording.UNIT})")
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.25)
    _fixed_margins(fig, 4, bottom_in=0.35)


def build_charts(ctx: dict[str, Any], painter: Painter | None = None) -> dict[str, Chart | None]:
    """The chart variables of a context (see :data:`.variables.VARIABLES`), drawn by ``painter``."""
    label = f"{ctx['year']}年"
    charts = {
        "chart_categories": categories_chart(label, ctx["categories"]),
        "chart_jurisdictions": jurisdictions_chart(label, ctx["jurisdictions"]),
        "chart_trend": trend_chart(ctx.get("history") or []),
    }
    for chart in charts.values():
        if chart is not None:
            chart.painter = painter
    return charts
