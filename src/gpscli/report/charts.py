"""Charts of the report (图): share of the amount by category, amount by jurisdiction, the trend over years.

Each chart is a template variable (``chart_categories``, ``chart_jurisdictions``, ``chart_trend``)
holding a :class:`Chart`: it is drawn only when the template prints it (a template without charts
costs nothing). ``{% if chart_x %}``
is false when there is nothing to draw or when the machine has no Chinese font; then the chart is
left out and :attr:`Chart.warnings` says which fonts to install, never a picture of empty boxes.

Pictures are PNG at :data:`~gpscli.painting.DPI` (print resolution) and as wide as the text block
(156 mm, GB/T 9704). What a chart shows (its figures and their labels, in the report's style) is
decided here; :mod:`gpscli.painting` draws it.
"""

from __future__ import annotations

import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import wording
from ..painting import Font, Spec, find_cjk_font, paint

FONTS_TO_INSTALL = ("Noto Sans CJK SC(Debian/Ubuntu:apt-get install fonts-noto-cjk)", "文泉驿正黑(fonts-wqy-zenhei)",
                    "Windows 的黑体、微软雅黑", "macOS 的苹方")


def no_font_warning(title: str) -> str:
    return (f"本机没有可用的中文字体,报告中未插入“{title}”图;请安装其中之一后重新生成:"
            + "、".join(FONTS_TO_INSTALL))


@dataclass
class Chart:
    """A chart the template may print: ``{{ chart_x }}`` the picture, ``chart_x.title`` its caption's
    text (without the number: the template numbers the figures, 图1, 图2…)."""

    title: str
    draw: str  # how it is drawn: a function of gpscli.painting.DRAW
    data: Any
    labels: Sequence[str]  # every text the picture shows (to check the font covers it)
    tpl: Any = None  # the DocxTemplate the picture goes into
    width_emu: int = 0
    aspect: float = 0.5  # height / width
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _xml: str | None = None
    _png: bytes | None = None
    _tried: bool = False

    def spec(self) -> Spec:
        text = "".join([self.title, *self.labels]) + "0123456789.%万元"
        return (self.draw, self.data, text, (self.width_emu or 156 * 36000) / 914400, self.aspect)

    def _picture(self) -> bytes | None:
        """The PNG, drawn once; None (and a warning) without a Chinese font or Pillow."""
        if not self._tried:
            self._tried = True
            t0 = time.perf_counter()
            try:
                self._png = paint(self.spec())
            except LookupError:
                self.warnings.append(no_font_warning(self.title))
            except ImportError:
                self.warnings.append(f"未安装 Pillow,报告中未插入“{self.title}”图;请 pip install pillow 后重新生成")
            except (OSError, ValueError, RuntimeError) as exc:  # Pillow failed on this picture: the draft still comes out
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


def categories_chart(year_label: str, lines: Sequence[Any]) -> Chart | None:
    """Share of the amount by category (a pie); None when there is nothing to draw."""
    amounts = [(str(c.name), c.amount) for c in lines if c.amount > 0]
    if not amounts:
        return None
    total = sum((a for _, a in amounts), Decimal(0))
    items = [(n, a, f"{(a * 100 / total).quantize(Decimal('0.01'))}%") for n, a in amounts]
    return Chart(f"{year_label}各类别项目资金占比", "shares", items, [n for n, _ in amounts], aspect=0.45)


def jurisdictions_chart(year_label: str, places: Sequence[Any]) -> Chart | None:
    """The amount of each jurisdiction (horizontal bars, in the profile's order)."""
    from . import fmt

    items = [(str(p.name), p.amount, fmt.wan(p.amount)) for p in places if p.count]
    if not items:
        return None
    return Chart(f"{year_label}各地区项目资金", "bars_across", (items, wording.UNIT), [n for n, _, _ in items],
                 aspect=min(0.25 + 0.045 * len(items), 1.1))


def trend_chart(history: Sequence[Any]) -> Chart | None:
    """Amount and count by year; None with fewer than two years."""
    from . import fmt

    points = [(str(int(h.year)), h.amount, f"{fmt.wan(h.amount)}{wording.UNIT}\n{int(h.count)}{wording.ITEM}")
              for h in history]
    if len(points) < 2:
        return None
    axis = f"资金({wording.UNIT})"
    labels = [y for y, _, _ in points] + [axis, wording.ITEM]
    return Chart(f"{points[0][0]}—{points[-1][0]}年政府购买服务项目资金", "bars_up", (points, axis), labels, aspect=0.45)


def build_charts(ctx: dict[str, Any]) -> dict[str, Chart | None]:
    """The chart variables of a context (see :data:`.variables.VARIABLES`)."""
    label = f"{ctx['year']}年"
    charts = {
        "chart_categories": categories_chart(label, ctx["categories"]),
        "chart_jurisdictions": jurisdictions_chart(label, ctx["jurisdictions"]),
        "chart_trend": trend_chart(ctx.get("history") or []),
    }
    return charts
