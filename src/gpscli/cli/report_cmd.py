"""gps report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import wording
from .app import app
from .common import EXIT_DATA, CatalogueOpt, ForceOpt, SkipInvalidOpt, YearOpt, err, guard, load_data, out, say, shown


def print_variables(console) -> None:
    from rich.table import Table

    from ..report import ATTRIBUTES, FILTERS, VARIABLES

    t = Table(title="报告模板可用的变量", title_justify="left")
    t.add_column("变量", no_wrap=True)
    t.add_column("类型", no_wrap=True)
    t.add_column("说明")
    for name, kind, desc in VARIABLES:
        t.add_row(name, kind, shown(desc))
    console.print(t)
    a = Table(title="变量的属性(模板中写作 变量.属性,如 total.money)", title_justify="left")
    a.add_column("变量种类", no_wrap=True)
    a.add_column("属性")
    for kind, desc in ATTRIBUTES:
        a.add_row(shown(kind), shown(desc))
    console.print(a)
    f = Table(title="过滤器和函数(写作 值|过滤器)", title_justify="left")
    f.add_column("名称", no_wrap=True)
    f.add_column("用法")
    for name, desc in FILTERS:
        f.add_row(name, shown(desc))
    console.print(f)


def print_check(console, check) -> None:
    from ..report import VARIABLES

    known = {name: desc for name, _, desc in VARIABLES}
    console.print(f"模板 {shown(str(check.path))} 用到 {len(check.used)} 个变量:")
    for name in check.used:
        if name in known:
            console.print(f"  ✓ {shown(name)}  {shown(known[name])}")
        else:
            console.print(f"  ✗ {shown(name)}  gps 不提供这个变量(是否拼错?可用的变量见 gps report --variables)")


@app.command("report")
@guard
def report_command(
    year: YearOpt = None,
    data: Annotated[list[Path] | None, typer.Option("--data", "-d", help="报送的文件或文件夹,可重复(不给则用 gps.toml 的 data)", show_default=False)] = None,
    template: Annotated[Path | None, typer.Option("--template", "-t", help="自己的报告模板(.docx,含 {{ }} 占位符);默认用内置模板或 gps.toml 的 [report] template", show_default=False)] = None,
    narrative: Annotated[Path | None, typer.Option("--narrative", "-n", help="叙述文件(UTF-8 或 GBK 的文本/Markdown):「# 工作进展」「# 问题和建议」两节", show_default=False)] = None,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help=f"输出的 .docx 文件(默认 <output>/{wording.report_filename('<年度>')})", show_default=False)] = None,
    title: Annotated[str | None, typer.Option("--title", help="报告标题(默认 gps.toml 的 [report] title,可含 {year})", show_default=False)] = None,
    skip_invalid: SkipInvalidOpt = False,
    check_template: Annotated[Path | None, typer.Option("--check-template", help="只检查模板:列出它用到的变量,指出 gps 不提供的变量和渲染错误", show_default=False)] = None,
    variables: Annotated[bool, typer.Option("--variables", help="列出模板可用的变量、属性和过滤器")] = False,
    catalogue: CatalogueOpt = None,
    force: ForceOpt = False,
    period: Annotated[str | None, typer.Option("--period", "-p", help="从账本起草时的期间:2017Q3 或 2017(默认为全年)", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="从账本起草时,按某一时刻的账本状态(如 2018-01-20)", show_default=False)] = None,
) -> None:
    """起草政府购买服务工作进展情况报告(Word 文档,公文格式)。

    示例:gps report --year 2016 --data inbox/ --narrative 叙述-2016.md

    数字部分(各地区项目数、金额、分类、最大项目,总体情况,下一年度计划,附表)全部由数据计算;
    第一部分“推进情况”和第三部分“问题和建议”取自叙述文件,没有时留出【请在此填写……】。
    数据有错误时不生成报告(退出状态 1);加 --skip-invalid 则只用无误的行,退出状态仍为 1。
    不给 --data、且工作区中有账本时,由账本起草:各地本期的当前版本,上年同期(同比)即使文件已不在也能比较;
    --period、--as-of 可重新起草过去某期、某时的报告。
    生成的文件路径输出到标准输出。默认文件名的草稿被人改过时不会被覆盖,新草稿另存为“…(2).docx”;
    --out 指定的文件已存在且不是 gps 写的(或被改过)时须加 --force。
    """
    from ..report import preflight
    from .common import load_config

    if variables or check_template:
        _template_help(variables, check_template)
        return

    cfg = load_config()
    if template is None and cfg.report_template is not None:
        template = cfg.report_template
    narrative_required = narrative is not None
    narrative_arg: str | Path | None = narrative if narrative is not None else cfg.report_narrative
    preflight(template=template, out=out_path, narrative=narrative, force=force)
    _draft(year, data, period, as_of, catalogue, out_path, template, narrative_arg, narrative_required,
           title, skip_invalid, force, cfg)


def _draft(year: int | None, data: list[Path] | None, period: str | None, as_of: str | None,
           catalogue: Path | None, out_path: Path | None, template: Path | None, narrative_arg: str | Path | None,
           narrative_required: bool, title: str | None, skip_invalid: bool, force: bool, cfg: Any) -> None:
    """A draft from the files or the ledger."""
    from ..errors import DataError
    from ..report import write_report
    from .validate_cmd import print_issue_table, print_warnings

    prev_period, prev_label, history, period_text = None, "", None, ""
    from .ledger_cmd import from_ledger

    if from_ledger(data, period=period, as_of=as_of):
        result, year, prev_period, prev_label, history, period_text = _from_ledger(year, period, as_of, catalogue)
    else:
        result, cfg = load_data(data or [], catalogue=catalogue)
    try:
        outcome = write_report(
            result, year, out=out_path, output_dir=cfg.output, template=template, narrative=narrative_arg,
            narrative_required=narrative_required, title=title or cfg.report_title, skip_invalid=skip_invalid,
            force=force, prev_period=prev_period, prev_label=prev_label, history=history, period=period_text,
            recipient=cfg.report_recipient, date=cfg.report_date,
        )
    except DataError:
        if result.errors:  # else the data has no row of that year: the message says so alone
            print_issue_table(err(), result.errors, title="错误(未生成报告)", with_file=True)
            print_warnings(err(), result.warnings)  # listed as always, after the errors
        raise
    agg = outcome.aggregation
    for w in outcome.warnings:
        say(f"提示:{w}")
    from .validate_cmd import print_warnings

    print_warnings(err(), agg.warnings)
    parts = [f"{agg.year}年 {agg.total.count}项 {_money(agg.total.amount)}万元"]
    if outcome.next_aggregation is not None:
        parts.append(f"含 {outcome.next_aggregation.year} 年计划")
    if outcome.prev_aggregation is not None:
        parts.append(f"与 {outcome.prev_aggregation.year} 年比较")
    parts.append(f"叙述:{outcome.narrative.name if outcome.narrative else '无'}")
    say(f"已生成报告({';'.join(parts)}):{outcome.path}")
    sys.stdout.write(f"{outcome.path}\n")
    sys.stdout.flush()
    if agg.skipped:
        print_issue_table(err(), agg.skipped, title=f"未纳入报告的问题({len(agg.skipped)} 个)", with_file=True)
        raise typer.Exit(EXIT_DATA)


def _from_ledger(year, period, as_of, catalogue):
    """The ledger's state for a draft: the period, the same period a year before (同比) and the next
    year (its plan); the year; the period before a quarter (环比); the years before (the trend chart);
    the period's name."""
    from ..periods import Period
    from .ledger_cmd import ledger_period, said_basis

    ledger, cfg, p, at = ledger_period(year, period, as_of)
    source = catalogue or cfg.catalogue_source()
    result = ledger.result(p, Period(p.year - 1, p.quarter), Period(p.year + 1), as_of=at,
                           catalogue=source, profile=cfg.profile)
    said_basis(ledger, p, at, len(result.basis.versions) if result.basis else 0)
    same_time = Period(p.year - 1, p.quarter)
    return (result, p.year, _previous_period(ledger, p, at, source, cfg.profile),
            same_time.text if p.quarter else "", _ledger_history(ledger, p, at, source, cfg.profile), p.text)


def _ledger_history(ledger, p, at, catalogue, profile):
    """(year, count, amount) of each whole year before ``p`` the ledger holds, for the trend chart."""
    from ..errors import DataError
    from ..periods import Period

    out = []
    for y in sorted({v.year for v in ledger.versions()}):
        if y >= p.year:
            continue
        try:
            agg = ledger.aggregate(Period(y), as_of=at, by="jurisdiction", catalogue=catalogue, profile=profile)
        except DataError:
            continue
        out.append((y, agg.total.count, agg.total.amount))
    return out


def _previous_period(ledger, p, at, catalogue, profile):
    """环比 of a quarter's draft: (name, aggregation) of the quarter before it in the ledger, or None.
    None for a first quarter too: the figures are year-to-date, so last year's fourth quarter is the
    whole of last year, no 环比 of a first quarter."""
    from ..errors import DataError
    from ..report import BY

    if p.quarter is None or p.quarter == 1:
        return None
    earlier = p.previous()
    try:
        return earlier.text, ledger.aggregate(earlier, as_of=at, by=BY, catalogue=catalogue, profile=profile)
    except DataError:
        return None


def _template_help(variables: bool, check_template: Path | None) -> None:
    """--variables, --check-template: about templates, not a draft."""
    from ..report import check_template as run_check

    if variables:
        print_variables(out())
    if check_template:
        check = run_check(check_template)
        print_check(out(), check)
        for problem in check.problems:
            err().print(f"错误:{shown(problem)}")
        if check.unknown:
            err().print(f"错误:模板用到 gps 不提供的变量:{'、'.join(check.unknown)}", markup=False)
        if not check.ok:
            raise typer.Exit(EXIT_DATA)
        say("模板检查通过:用到的变量都有,用示例数据试渲染无误")


def _money(amount) -> str:
    from ..money import display

    return display(amount)
