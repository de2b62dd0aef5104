"""The work report (工作进展情况报告): a Word document drafted from the aggregated submissions.

    from gpscli import api
    from gpscli.report import write_report
    res = api.load(["sample_data"])
    outcome = write_report(res, 2016, out="2016年报告.docx", narrative="sample_data/narrative-2016.md")

Modules: :mod:`.context` (figures -> template variables, documented in :mod:`.variables`; the
values are :mod:`.model`), :mod:`.sections` (section 二 from the profile's kinds), :mod:`.narrative`
(the text staff write), :mod:`.render` (docxtpl with a safe Jinja environment), :mod:`.coverage`
(every jurisdiction with projects is written about), :mod:`.table` (the appendix table),
:mod:`.style` (公文 layout for the default template), :mod:`.fmt` (how figures are written).
Every phrase is in :mod:`gpscli.wording`.
The data is read once; the report year and the years around it are aggregated from the same result.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import wording
from ..errors import UsageError
from .context import ATTRIBUTES, FILTERS, VARIABLES, build_context
from .narrative import Narrative
from .render import bundled_template, check_template

if TYPE_CHECKING:
    from ..aggregate import Aggregation
    from ..api import Result
    from ..config import Config

DEFAULT_TITLE = wording.REPORT_TITLE
BY = "jurisdiction,category"

__all__ = [
    "ATTRIBUTES",
    "FILTERS",
    "VARIABLES",
    "ReportOutcome",
    "bundled_template",
    "check_template",
    "default_filename",
    "draft_for_run",
    "preflight",
    "write_report",
]


def default_filename(year: int) -> str:
    return wording.report_filename(year)


def fill_title(text: str, year: int, region: str = "", region_short: str = "") -> str:
    """Put the year (and region) into a configured title; other braces are left as they are."""
    return (text.replace("{year}", str(year)).replace("{region_short}", region_short)
            .replace("{region}", region))


@dataclass
class ReportOutcome:
    path: Path
    aggregation: Aggregation
    next_aggregation: Aggregation | None
    prev_aggregation: Aggregation | None
    template: Path
    narrative: Path | None
    context: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    render_seconds: float = 0.0
    chart_seconds: float = 0.0  # of render_seconds, drawing the charts


def preflight(*, template: str | Path | None = None, out: str | Path | None = None,
              narrative: str | Path | None = None, force: bool = False) -> None:
    """Option errors found before any data is read: a missing template or narrative, a wrong
    extension, an output that would replace an input or a file gps may not replace."""
    from ..outputs.atomic import check_target, protect

    if template is not None and not Path(template).is_file():
        raise UsageError(f"找不到报告模板:{template}")
    if out is not None and Path(out).suffix.lower() != ".docx":
        raise UsageError(f"报告输出文件 {out} 的扩展名应为 .docx")
    if narrative is not None and "{year}" not in str(narrative) and not Path(narrative).is_file():
        raise UsageError(f"找不到叙述文件:{narrative}")
    protect(p for p in (template, narrative) if p is not None)
    if out is not None:
        check_target(Path(out), force)


def _narrative(path: Path | None, required: bool, warnings: list[str]) -> tuple[Narrative | None, Path | None]:
    from . import narrative as narrative_mod

    if path is None:
        warnings.append(f"未提供叙述文件:报告第一、三部分留有{wording.FILL_IN_MARK}标记")
        return None, None
    if not path.is_file():
        if required:
            raise UsageError(f"找不到叙述文件:{path}")
        warnings.append(f"未找到叙述文件 {path}:报告第一、三部分留有{wording.FILL_IN_MARK}标记")
        return None, None
    n = narrative_mod.load(path)
    warnings.extend(n.warnings)
    return n, path


def _coverage(agg) -> int:
    """How many jurisdictions have rows in an aggregation."""
    return sum(1 for s in agg.submissions if s.submitted)


def _target(out: str | Path | None, output_dir: str | Path, year: int, force: bool, warnings: list[str]) -> Path:
    """Where the draft goes: ``out`` (replaced only with ``force`` when it is not gps's own), else the
    default name in ``output_dir``, or a new name beside a draft someone edited."""
    from ..outputs.atomic import check_target, free_name

    if out:
        target = Path(out)
        check_target(target, force)
    else:
        default = Path(output_dir) / default_filename(year)
        target = free_name(default)
        if target != default:
            warnings.append(f"{default.name} 在上次生成后被修改过(或不是 gps 生成的),未覆盖;本次草稿另存为 {target.name}")
    if target.suffix.lower() != ".docx":
        raise UsageError(f"报告输出文件 {target} 的扩展名应为 .docx")
    return target


def write_report(result: Result, year: int | None = None, *, out: str | Path | None = None,
                 output_dir: str | Path = "output", template: str | Path | None = None,
                 narrative: str | Path | None = None, narrative_required: bool = True,
                 title: str | None = None, skip_invalid: bool = False, force: bool = False,
                 prev_period: tuple[str, Aggregation] | None = None, prev_label: str = "",
                 history: list[tuple[int, int, Decimal]] | None = None, recipient: str = "",
                 date: dt.date | None = None, period: str = "") -> ReportOutcome:
    """Aggregate ``result`` for ``year`` (and the year before and after when present) and write the DOCX.

    Raises DataError when the data has errors (unless ``skip_invalid``), UsageError for missing
    files, TemplateError for a template that cannot be rendered; nothing is written then.
    ``narrative`` may contain ``{year}``; with ``narrative_required=False`` a missing file is a warning.
    ``prev_period``: (its name, its aggregation) of the period before a quarter's, for 环比;
    ``prev_label``: how the text names the year before (a quarter's draft: 2016年第一季度, 同期).
    ``history``: (year, count, amount) of the years before, for the trend chart (default: the
    earlier years of ``result``); ``recipient`` the 主送机关, ``date`` the 成文日期 (default today),
    ``period`` how the text names the draft's period (2017年第三季度; default the year).

    An existing file at ``out`` that gps did not write, or that was edited since, is replaced only
    with ``force``; without ``out``, the draft goes to the default name in ``output_dir``, or beside
    an edited draft under a new name (…报告(2).docx), which the outcome's warnings mention.
    """
    return _write(result, year, out=out, output_dir=output_dir, template=template, narrative=narrative,
                  narrative_required=narrative_required, title=title, skip_invalid=skip_invalid, force=force,
                  prev_period=prev_period, prev_label=prev_label, history=history, period=period,
                  recipient=recipient, date=date)


def _write(result: Result, year: int | None, *, out: str | Path | None,
           output_dir: str | Path, template: str | Path | None, narrative: str | Path | None,
           narrative_required: bool, title: str | None, skip_invalid: bool, force: bool,
           prev_period: tuple[str, Aggregation] | None, prev_label: str,
           history: list[tuple[int, int, Decimal]] | None, period: str, recipient: str,
           date: dt.date | None) -> ReportOutcome:
    """:func:`write_report` (its arguments all named, for the checks of its long list)."""
    from .. import api
    from . import coverage
    from .render import render, save

    agg = api.aggregate(result, year=year, by=BY, skip_invalid=skip_invalid)
    y = agg.year
    years = set(result.years())
    next_agg = api.aggregate(result, year=y + 1, by=BY, skip_invalid=skip_invalid) if y + 1 in years else None
    prev_agg = api.aggregate(result, year=y - 1, by=BY, skip_invalid=skip_invalid) if y - 1 in years else None

    warnings: list[str] = []
    if prev_agg is not None:  # across a catalogue edition change: last year in this year's categories
        from ..crosswalk import align

        aligned = align(prev_agg, y, result.catalogues)
        prev_agg = aligned.aggregation
        warnings.extend(aligned.messages())
    for other, label in ((next_agg, "计划"), (prev_agg, "比较")):
        if other is not None and _coverage(other) * 2 < _coverage(agg):
            # A few stray rows of another year (a typo, a late entry) are no basis for a plan or a
            # year-on-year change: a 2404975% increase would go straight into the leaders' report.
            warnings.append(f"{other.year} 年的数据只来自 {_coverage(other)} 个地区(报告年度有 {_coverage(agg)} 个),"
                            f"报告中未写入与 {other.year} 年有关的{label}内容;请核实这些行的年度")
            if other is next_agg:
                next_agg = None
            else:
                prev_agg = None
    tpl_path = Path(template) if template else bundled_template()
    narr_path = Path(str(narrative).replace("{year}", str(y))) if narrative else None
    narr, used_narr = _narrative(narr_path, narrative_required, warnings)
    prof = result.profile
    text_title = fill_title(title or DEFAULT_TITLE, y, prof.name, prof.short_name)
    from ..outputs.atomic import protect

    protect([tpl_path] + ([used_narr] if used_narr else []))
    target = _target(out, output_dir, y, force, warnings)
    if history is None:
        history = _history(result, agg, skip_invalid)
    ctx = build_context(agg, prof, title=text_title, next_agg=next_agg, prev_agg=prev_agg, narrative=narr,
                        prev_period=prev_period, prev_label=prev_label, history=history,
                        recipient=recipient, date=date, period=period)
    if agg.total.count == 0:
        warnings.append(f"{y} 年没有可统计的项目:报告中的数字均为 0")
    t0 = time.perf_counter()
    rendered = render(tpl_path, ctx)
    warnings.extend(rendered.warnings)
    warnings.extend(coverage.check(rendered.tpl.docx.element.body, rendered.appendix_xml, ctx["jurisdictions"]))
    save(rendered, target, force=force)
    return ReportOutcome(target, agg, next_agg, prev_agg, tpl_path, used_narr, ctx, warnings,
                         time.perf_counter() - t0, rendered.chart_seconds)


def _history(result: Result, agg: Aggregation, skip_invalid: bool) -> list[tuple[int, int, Decimal]]:
    """(year, count, amount) of the years before the report's in ``result``, for the trend chart;
    a year with rows from fewer than half the jurisdictions (stray rows) is left out."""
    from .. import api

    out = []
    for y in sorted(set(result.years())):
        if y >= agg.year:
            continue
        other = api.aggregate(result, year=y, by="jurisdiction", skip_invalid=skip_invalid)
        if _coverage(other) * 2 >= _coverage(agg):
            out.append((y, other.total.count, other.total.amount))
    return out


def draft_for_run(result: Result, year: int, out: Path, cfg: Config) -> Path:
    """The report step of ``gps run`` (``out``: the place the run chose): template, narrative and
    title from gps.toml; a missing narrative file only leaves the places to fill in. ``gps run``
    calls this only after the year aggregated (no errors, or --skip-invalid), so rows with errors
    are left out here."""
    outcome = write_report(
        result, year, out=out, template=cfg.report_template,
        narrative=cfg.report_narrative, narrative_required=False, title=cfg.report_title, skip_invalid=True,
        recipient=cfg.report_recipient, date=cfg.report_date,
    )
    return outcome.path
