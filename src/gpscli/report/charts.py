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
from typing import Any

from .. import wording

DPI = 250  # cropped to the content (bbox "tight"): still over 200 dpi when printed
# Fonts with Chinese glyphs, preferred first (a sans serif reads best in a chart): Windows, macOS, Linux.
CJK_FONTS = (
    "Microsoft YaHei", "SimHei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Heiti SC",
    "Hiragino Sans GB", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Droid Sans Fallback",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "NSimSun", "Songti SC", "STSong", "Noto Serif CJK JP",
)
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


@dataclass
class Chart:
    """A chart the template may print: ``{{ chart_x }}`` the picture, ``chart_x.title`` its caption's
    text (without the number: the template numbers the figures, 图1, 图2…)."""

    title: str
    draw: Callable[[Any, Font], None]  # draws on a matplotlib Figure
    labels: Sequence[str]  # every text the picture shows (to check the font covers it)
    tpl: Any = None  # the DocxTemplate the picture goes into
    width_emu: int = 0
    aspect: float = 0.5  # height / width
    tight: bool = False  # crop to the content (a legend beside a pie); costs a second layout pass
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _xml: str | None = None
    _ok: bool | None = None

    def _font(self) -> Font | None:
        return find_cjk_font("".join([self.title, *self.labels]) + "0123456789.%万元")

    def __bool__(self) -> bool:
        if self._ok is None:
            t0 = time.perf_counter()  # the first look-up imports matplotlib's font manager: counted too
            try:
                self._ok = self._font() is not None
                problem = no_font_warning(self.title)
            except ImportError:  # an installation without matplotlib
                self._ok = False
                problem = f"未安装 matplotlib,报告中未插入“{self.title}”图;请 pip install matplotlib 后重新生成"
            if not self._ok:
                self.warnings.append(problem)
            self.seconds += time.perf_counter() - t0
        return self._ok

    def png(self) -> bytes:
        """The picture as PNG bytes (raises LookupError without a Chinese font)."""
        font = self._font()
        if font is None:
            raise LookupError(no_font_warning(self.title))
        t0 = time.perf_counter()
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure

        width_in = (self.width_emu or 156 * 36000) / 914400
        fig = Figure(figsize=(width_in, width_in * self.aspect), dpi=DPI)
        with matplotlib.rc_context({"font.family": [font.name], "axes.unicode_minus": False, "font.size": 10}):
            self.draw(fig, font)
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None},
                        bbox_inches="tight" if self.tight else None, pad_inches=0.05)
        self.seconds += time.perf_counter() - t0
        return buf.getvalue()

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


def _money_label(amount: Decimal) -> str:
    from . import fmt

    return fmt.wan(amount)


def categories_chart(year_label: str, lines: Sequence[Any]) -> Chart | None:
    """Share of the amount by category (a pie); None when there is nothing to draw."""
    items = [(str(c.name), c.amount) for c in lines if c.amount > 0]
    if not items:
        return None
    labels = [name for name, _ in items]

    def draw(fig, font) -> None:
        ax = fig.add_axes((0.0, 0.03, 0.4, 0.94))
        total = sum((a for _, a in items), Decimal(0))
        values = [float(a) for _, a in items]  # drawing only: the shares written are Decimal
        shares = [f"{(a * 100 / total).quantize(Decimal('0.01'))}%" for _, a in items]
        wedges, _texts = ax.pie(values, startangle=90, counterclock=False,
                                wedgeprops={"linewidth": 1, "edgecolor": "white"})
        ax.axis("equal")
        fig.legend(wedges, [f"{n}  {s}" for (n, _a), s in zip(items, shares, strict=True)],
                   loc="center left", bbox_to_anchor=(0.42, 0.5), frameon=False)

    return Chart(f"{year_label}各类别项目资金占比", draw, labels, aspect=0.45, tight=True)


def jurisdictions_chart(year_label: str, places: Sequence[Any]) -> Chart | None:
    """The amount of each jurisdiction (horizontal bars, in the profile's order)."""
    items = [(str(p.name), p.amount) for p in places if p.count]
    if not items:
        return None
    labels = [name for name, _ in items]

    def draw(fig, font) -> None:
        ax = fig.add_subplot(1, 1, 1)
        names = [n for n, _ in items][::-1]
        values = [float(a) for _, a in items][::-1]
        bars = ax.barh(names, values, color="#4a6fa5")
        ax.bar_label(bars, labels=[_money_label(a) for _, a in items][::-1], padding=3, fontsize=9)
        ax.set_xlabel(wording.UNIT)
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(x=0.12)
        fig.tight_layout()

    return Chart(f"{year_label}各地区项目资金", draw, labels, aspect=min(0.25 + 0.045 * len(items), 1.1))


def trend_chart(history: Sequence[Any]) -> Chart | None:
    """Amount and count by year; None with fewer than two years."""
    points = [(int(h.year), h.amount, int(h.count)) for h in history]
    if len(points) < 2:
        return None
    first, last = points[0][0], points[-1][0]

    def draw(fig, font) -> None:
        ax = fig.add_subplot(1, 1, 1)
        years = [str(y) for y, _, _ in points]
        bars = ax.bar(years, [float(a) for _, a, _ in points], color="#4a6fa5", width=0.5)
        ax.bar_label(bars, labels=[f"{_money_label(a)}{wording.UNIT}\n{c}{wording.ITEM}" for _, a, c in points],
                     padding=3, fontsize=9)
        ax.set_ylabel(f"资金({wording.UNIT})")
        ax.spines[["top", "right"]].set_visible(False)
        ax.margins(y=0.25)
        fig.tight_layout()

    labels = [f"{y}" for y, _, _ in points] + ["资金", wording.ITEM]
    return Chart(f"{first}—{last}年政府购买服务项目资金", draw, labels, aspect=0.45)


def build_charts(ctx: dict[str, Any]) -> dict[str, Chart | None]:
    """The chart variables of a context (see :data:`.variables.VARIABLES`)."""
    label = f"{ctx['year']}年"
    return {
        "chart_categories": categories_chart(label, ctx["categories"]),
        "chart_jurisdictions": jurisdictions_chart(label, ctx["jurisdictions"]),
        "chart_trend": trend_chart(ctx.get("history") or []),
    }
