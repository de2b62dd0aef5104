"""gps publish: the 信息公开 table of a year (outputs/publish.py)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

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


class PublishFormat(str, Enum):
    table = "table"
    csv = "csv"


def _preflight(paths, targets, force: bool) -> None:
    """Option errors found before any reading: a refusal should not cost the whole read."""
    from ..errors import UsageError
    from ..outputs.atomic import check_target, protect_inputs
    from ..outputs.publish import SUFFIXES, suffix_text

    protect_inputs(paths or [], targets)
    for t in targets:
        if t.suffix.lower() not in SUFFIXES:
            raise UsageError(f"输出文件 {t} 的扩展名应为 {suffix_text()}")
        check_target(t, force)


def _aggregation(paths, year, skip_invalid, jurisdiction, catalogue, period, as_of):
    """The year's valid rows, from the files or from the ledger, as ``gps aggregate`` reads them
    (the same refusal of data with errors, the same --skip-invalid)."""
    from .. import api
    from ..errors import DataError
    from .ledger_cmd import from_ledger, ledger_period, said_basis
    from .validate_cmd import print_issue_table, print_warnings

    if from_ledger(paths, period=period, as_of=as_of):
        ledger, cfg, p, at = ledger_period(year, period, as_of)
        result = ledger.result(p, as_of=at, catalogue=catalogue or cfg.catalogue, profile=cfg.profile)
        agg = api.aggregate(result, year=p.year, by="jurisdiction", skip_invalid=skip_invalid)
        said_basis(ledger, p, at, len(agg.basis.versions) if agg.basis else 0)
        return agg
    result, _cfg = load_data(paths or [], catalogue=catalogue, jurisdiction=jurisdiction)
    try:
        return api.aggregate(result, year=year, by="jurisdiction", skip_invalid=skip_invalid)
    except DataError:
        if result.errors:  # else the data has no row of that year: the message says so alone
            print_issue_table(err(), result.errors, title="错误(未生成信息公开表)", with_file=True)
            print_warnings(err(), result.warnings)  # listed as always, after the errors
        raise


def print_publication(console, pub) -> None:
    """A line a project; texts wrap, the 序号 and the amount are never cut (cli/fit.py)."""
    from ..money import display
    from ..outputs.publish import AMOUNT_INDEX, COLUMNS
    from .fit import Cell, Head, lines, table, text

    heads = [Head(name, number=n in (0, AMOUNT_INDEX)) for n, name in enumerate(COLUMNS)]
    rows: list[list[Cell]] = []
    for r in pub.rows:
        values = r.values()
        values[AMOUNT_INDEX] = display(r.amount)
        rows.append([text(v) for v in values])
    shown_table = table(heads, rows, console.width, title=text(pub.title))
    if shown_table is not None:
        console.print(shown_table)
    else:  # narrower than any table
        console.print(text(pub.title))
        lines(console, heads, rows)


@app.command("publish")
@guard
def publish_command(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="路径", help="报送的文件或文件夹(不给则用账本或 gps.toml 的 data)", show_default=False)] = None,
    year: YearOpt = None,
    outputs: Annotated[list[Path] | None, typer.Option("--out", "-o", help="输出文件,可重复;格式按扩展名:.xlsx 或 .csv", show_default=False)] = None,
    fmt: Annotated[PublishFormat | None, typer.Option("--format", "-f", help="输出到屏幕的格式:table(表格)或 csv;不给 --out 时默认 table", show_default=False)] = None,
    skip_invalid: SkipInvalidOpt = False,
    jurisdiction: JurisdictionOpt = None,
    catalogue: CatalogueOpt = None,
    force: ForceOpt = False,
    period: Annotated[str | None, typer.Option("--period", "-p", help="从账本生成时的期间:2017Q3 或 2017(默认为全年)", show_default=False)] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="从账本生成时,按某一时刻的账本状态(如 2018-01-20)", show_default=False)] = None,
) -> None:
    """生成信息公开表:某一年度每个项目一行,列出财预〔2017〕87号要求公开的信息。

    示例:gps publish inbox/ --year 2016 --out 2016年信息公开.xlsx

    列(顺序固定):序号、地区、购买主体、项目名称、一级目录、二级目录、购买方式、承接主体、
    合同金额(万元)、分年资金安排、合同期限、绩效评价。合同金额未填的项目填其“金额”。
    不含统一社会信用代码、预算金额、执行数、填表人、电话等。
    数据有错误时不生成(退出状态 1);加 --skip-invalid 则只列无误的行,未纳入的行列在标准错误上,退出状态仍为 1。
    不给路径、且工作区中有账本时,从账本生成(各地在该期间的当前版本)。
    --out 指定的文件已存在时,只覆盖 gps 自己写出且之后没有被人改过的文件;其他情况须加 --force。
    """
    from ..outputs import publish
    from .validate_cmd import print_issue_table, print_warnings

    targets = list(outputs or [])
    _preflight(paths, targets, force)
    agg = _aggregation(paths, year, skip_invalid, jurisdiction, catalogue, period, as_of)
    print_warnings(err(), agg.warnings)
    pub = publish.publication(agg)
    for t in targets:
        publish.write(pub, t, force=force)
        say(f"已写入:{t}({len(pub.rows)} 个项目)")
    if pub.amount_fallbacks:
        say(f"注意:{pub.amount_fallbacks} 个项目未填合同金额,信息公开表中填的是其“金额”(金额来源栏已注明)")
    if pub.individuals:
        err().print(shown(f"注意:序号 {'、'.join(map(str, pub.individuals))} 的承接主体是个人,公开前请核实是否应隐去姓名"))
    if fmt is PublishFormat.csv:
        from ..outputs.safe import show_csv

        show_csv(sys.stdout, publish.to_csv(pub))  # `> 公开表.csv` is a file Excel opens
    elif fmt is PublishFormat.table or not targets:
        print_publication(out(), pub)
    if agg.skipped:
        print_issue_table(err(), agg.skipped, title=f"未纳入信息公开表的问题({len(agg.skipped)} 个)", with_file=True)
        raise typer.Exit(EXIT_DATA)
