"""gps aggregate."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..aggregate import dimensions_text
from ..outputs.formats import OUTPUT_FORMATS, for_suffix, suffix_text, suffixes
from .agg_table import print_aggregation
from .app import app
from .common import (
    EXIT_DATA,
    CatalogueOpt,
    ForceOpt,
    JurisdictionOpt,
    SkipInvalidOpt,
    YearOpt,
    err,
    guard,
    load_data,
    out,
    say,
    shown,
)


class CompareKind(str, Enum):
    previous_year = "previous-year"
    previous_period = "previous-period"


def _preflight(paths, targets, fmt, force: bool):
    """Option errors found before any reading; the output format shown on stdout (None: the table)."""
    from ..errors import UsageError
    from ..outputs.atomic import check_target, protect_inputs

    protect_inputs(paths or [], targets)
    for t in targets:
        if for_suffix(t.suffix) is None:
            raise UsageError(f"输出文件 {t} 的扩展名应为 {suffix_text()}")
        check_target(t, force)  # before reading: a refusal should not cost the whole read
    shown_as = OUTPUT_FORMATS.get(fmt.value)  # None: the table on the screen
    if shown_as is not None and shown_as.binary and sys.stdout.isatty():
        raise UsageError(f"--format {shown_as.name} 会把二进制内容输出到屏幕;请改用 --out 汇总表{shown_as.suffixes[0]}")
    return shown_as


def _from_ledger(ledger, period, at, by: str, catalogue, profile, details: bool):
    """The aggregation of the ledger's state: summed by the database, or, when an output lists the
    projects (the xlsx 明细), from the rows."""
    if details:
        from .. import api

        result = ledger.result(period, as_of=at, catalogue=catalogue, profile=profile)
        return api.aggregate(result, year=period.year, by=by)
    return ledger.aggregate(period, as_of=at, by=by, catalogue=catalogue, profile=profile)


def comparison(ledger, kind: str, period, at, by: str, catalogue, profile):
    """同比/环比 of an aggregation from the ledger: the earlier period's state, aggregated the same way."""
    from .. import compare as compare_mod
    from ..errors import DataError

    earlier = compare_mod.earlier(kind, period)
    try:
        earlier_agg = ledger.aggregate(earlier, as_of=at, by=by, catalogue=catalogue, profile=profile)
    except DataError:  # nothing recorded for it
        earlier_agg = None
    if earlier_agg is None:
        return compare_mod.build(kind, earlier, None)
    from ..crosswalk import align
    from ..editions import Catalogues

    # across a change of catalogue edition: the earlier figures in the later year's categories
    return compare_mod.build(kind, earlier, None, align(
        earlier_agg, period.year, catalogue if isinstance(catalogue, Catalogues) else None))


# --format: the screen table, or any output format (outputs/formats.py).
# mypy reads an Enum's members only from a literal; these come from the registry at import time.
AggFormat = Enum("AggFormat", {name: name for name in ("table", *OUTPUT_FORMATS)}, type=str)  # type: ignore[misc]
_TABLE = AggFormat("table")  # the default: the table on the screen (AggFormat.table)


@app.command("aggregate")
@guard
def aggregate_command(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="路径", help="报送的文件或文件夹(不给则用 gps.toml 的 data)", show_default=False)] = None,
    year: YearOpt = None,
    by: Annotated[str, typer.Option("--by", help=f"汇总维度,逗号分隔,可选 {dimensions_text()}")] = "jurisdiction,category",
    outputs: Annotated[list[Path] | None, typer.Option("--out", "-o", help=f"输出文件,可重复;格式按扩展名:{' '.join(suffixes())}")] = None,
    fmt: Annotated[AggFormat, typer.Option("--format", "-f", help=f"输出到屏幕的格式:{'、'.join(f.value for f in AggFormat)}")] = _TABLE,
    skip_invalid: SkipInvalidOpt = False,
    jurisdiction: JurisdictionOpt = None,
    catalogue: CatalogueOpt = None,
    force: ForceOpt = False,
    period: Annotated[str | None, typer.Option("--period", "-p", help="从账本汇总时的期间:2017Q3 或 2017(默认为全年,即各地最新的版本)", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="从账本汇总时,按某一时刻的账本状态(如 2018-01-20 或 2018-01-20 15:30)", show_default=False)] = None,
    compare: Annotated[CompareKind | None, typer.Option("--compare", help="同比 previous-year 或环比 previous-period(从账本计算)", show_default=False)] = None,
) -> None:
    """汇总报送的表格:按地区、目录等统计项目数和金额(精确到分)。

    示例:gps aggregate inbox/ --year 2016 --out 汇总表.xlsx --out 汇总.json

    数据有错误时不生成任何汇总(退出状态 1);加 --skip-invalid 则只汇总无误的行,
    并在每种输出中列出未纳入的行,退出状态仍为 1,便于定时任务发现。
    数据中有多个年度时必须用 --year 指定。
    不给路径、且工作区中有账本(gps ingest 建立)时,从账本汇总:各地在该期间的当前版本,
    可用 --period、--as-of 回看过去某期、某时的状态,用 --compare 计算同比、环比。
    --out 指定的文件已存在时,只覆盖 gps 自己写出且之后没有被人改过的文件;其他情况须加 --force。
    """
    from ..aggregate import parse_dimensions
    from ..errors import DataError
    from ..outputs import tables
    from .validate_cmd import print_issue_table, print_warnings

    parse_dimensions(by)  # option errors before any reading
    targets = list(outputs or [])
    shown_as = _preflight(paths, targets, fmt, force)
    from .ledger_cmd import from_ledger, ledger_period, said_basis

    if from_ledger(paths, period=period, as_of=as_of, compare=compare):
        ledger, cfg, p, at = ledger_period(year, period, as_of)
        source = catalogue or cfg.catalogue_source()
        agg = _from_ledger(ledger, p, at, by, source, cfg.profile, details=any(
            t.suffix.lower() == ".xlsx" for t in targets))
        said_basis(ledger, p, at, len(agg.basis.versions) if agg.basis else 0)
        if compare is not None:
            agg.comparison = comparison(ledger, compare.value, p, at, by, source, cfg.profile)
    else:
        from .. import api

        result, _cfg = load_data(paths or [], catalogue=catalogue, jurisdiction=jurisdiction)
        try:
            agg = api.aggregate(result, year=year, by=by, skip_invalid=skip_invalid)
        except DataError:
            if result.errors:  # else the data has no row of that year: the message says so alone
                print_issue_table(err(), result.errors, title="错误(未生成汇总)", with_file=True)
                print_warnings(err(), result.warnings)  # listed as always, after the errors
            raise
    print_warnings(err(), agg.warnings)
    for t in targets:
        tables.write(agg, t, force=force)
        say(f"已写入:{t}")
    if shown_as is not None:
        shown_as.show(agg, sys.stdout)
    else:
        print_aggregation(out(), agg)
        if agg.comparison is not None:
            from ..compare import sentence

            out().print(shown(sentence(agg)))
            for note in agg.comparison.notes:  # categories the crosswalk could not map (crosswalk.align)
                err().print(shown(f"提示:{note}"))
    if agg.skipped:
        print_issue_table(err(), agg.skipped, title=f"未纳入汇总的问题({len(agg.skipped)} 个)", with_file=True)
        raise typer.Exit(EXIT_DATA)
