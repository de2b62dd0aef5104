"""gps validate."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..readers.formats import suffix_list
from .app import app
from .common import EXIT_DATA, EXIT_OK, STATE, CatalogueOpt, JurisdictionOpt, YearOpt, err, guard, load_data, out, say, shown


class ReportFormat(str, Enum):
    text = "text"
    json = "json"


def print_issue_table(console, issues, title: str | None = None, with_file: bool = False,
                      codes: bool | None = None) -> None:
    """The issues as a table whose every cell is whole (wrapped, never cut): where, how bad, the
    problem's Chinese title, what was found and what to do; the code (unknown-category…) only with
    ``codes`` (default: the global --verbose), for whoever looks it up in the README or a script."""
    from ..codes import REGISTRY
    from .fit import Cell, Head, lines, table, text

    if codes is None:
        codes = STATE.verbose
    heads = [Head("文件", style="blue")] if with_file else []
    heads += [Head("位置", style="cyan"), Head("级别", whole=True), Head("问题")]
    heads += [Head("代码", style="magenta")] if codes else []
    heads += [Head("说明"), Head("建议", style="dim")]
    rows: list[list[Cell]] = []
    for i in issues:
        row: list[Cell] = [text(Path(i.path).name) if i.path else "-"] if with_file else []
        row += [text(i.location or "-"), text(i.severity.label, "red" if i.is_error else "yellow"),
                REGISTRY[i.code].title]
        row += [i.code] if codes else []
        rows.append([*row, text(i.message), text(i.hint or "")])
    shown_table = table(heads, rows, console.width, title=title)
    if shown_table is not None:
        console.print(shown_table)
        return
    if title:  # narrower than any table: a line an issue (fit.lines)
        console.print(text(title))
    lines(console, heads, rows)


def print_warnings(console, warnings) -> None:
    """Warnings do not stop aggregate/report, but the clerk must see them, whatever the flags."""
    if warnings:
        print_issue_table(console, warnings, title=f"警告({len(warnings)} 个,相关行已计入;请核实)", with_file=True)


def print_verbose(console, f) -> None:
    for s in f.sheets:
        if not s.used:
            console.print(f"    工作表「{shown(s.name)}」:未使用({shown(s.reason)})")
            continue
        from ..records import FIELD_LABELS

        labels = {**FIELD_LABELS, "amount": f"金额({s.unit})"}  # the unit the sheet's amounts are read in
        cols = "、".join(f"{labels.get(k, k)}={v}" for k, v in s.columns.items())
        console.print(
            f"    工作表「{shown(s.name)}」:表头第 {'、'.join(map(str, s.header_rows))} 行;{s.rows} 行无误;"
            f"单位 {s.unit}(来自{shown(s.unit_from)});地区来自{shown(s.jurisdiction_from or '—')};"
            f"年度来自{shown(s.year_from or '—')}")
        console.print(f"      列:{shown(cols)}", style="dim")


@app.command("validate")
@guard(on_interrupt="报送的文件没有改动,已生成的标注副本(如有)都是完整的")
def validate_command(
    paths: Annotated[list[Path] | None, typer.Argument(metavar="路径", help=f"要检查的文件或文件夹(文件夹会逐级查找 {suffix_list()})", show_default=False)] = None,
    year: YearOpt = None,
    jurisdiction: JurisdictionOpt = None,
    catalogue: CatalogueOpt = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="text:表格;json:机器可读")] = ReportFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也按不通过处理(退出状态 1)")] = False,
    annotate: Annotated[Path | None, typer.Option("--annotate", help="把有问题的文件另存一份带批注和底色的副本到该文件夹(原文件不改动)")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="列出每个文件使用的工作表、表头行、金额单位,地区、年度的来源,以及问题代码")] = False,
) -> None:
    """检查报送的表格:每个问题都指明工作表和单元格,并给出修改建议。

    示例:gps validate 昌吉市.xlsx;gps validate inbox/ --year 2017 --format json

    给出 --year 时,其他年度的行按错误(invalid-year)处理。
    退出状态:0 没有错误(可以有警告);1 有错误(加 --strict 时有警告也是 1),或没有找到报送表格;2 用法错误。
    """
    result, cfg = load_data(paths or [], catalogue=catalogue, jurisdiction=jurisdiction, year=year,
                             require_year=year is not None)
    errors, warnings = len(result.errors), len(result.warnings)
    if fmt is ReportFormat.json:
        from ..outputs.safe import json_text
        from ..outputs.validation import report_dict

        typer.echo(json_text(report_dict(result)), nl=False)
    else:
        _print_text(result, verbose or STATE.verbose, strict)
    annotated: list[Path] = []
    if annotate is not None:
        from ..outputs.annotate import write_all
        from ..outputs.atomic import free_name, make_dir

        made = not annotate.exists()  # made by this run: removed again if no copy lands in it
        taken: set[str] = set()

        def place(name: str) -> Path:
            make_dir(annotate)  # only when a file needs a copy: a clean run leaves no empty folder
            p = free_name(annotate / name, taken)  # never over a copy a person edited, nor another file's copy
            taken.add(str(p))
            return p

        def copy_failed(f, why: str) -> None:
            err().print(f"无法为 {shown(f.path)} 生成标注副本:{shown(why)}")

        annotated = write_all(result.files, place, copy_failed, cfg.limits)
        if made and not annotated and annotate.is_dir() and not any(annotate.iterdir()):
            annotate.rmdir()
    for p in annotated:
        say(f"已生成标注副本:{p}")
    failed = errors > 0 or (strict and warnings > 0) or nothing_read(result)
    raise typer.Exit(EXIT_DATA if failed else EXIT_OK)


def unchanged_copy(f) -> bool:
    """A file not read because it is an annotated copy gps made, sent back unchanged (ingest.py)."""
    return not f.sheets and any(i.code == "skipped-file" for i in f.issues)


def nothing_read(result) -> bool:
    """Every file found was an unchanged annotated copy: no submission was read (exit 1, as for none found)."""
    return bool(result.files) and all(unchanged_copy(f) or f.ignored for f in result.files)


def _print_text(result, verbose: bool, strict: bool = False) -> None:
    console = out()
    for f in result.files:
        n_err = sum(1 for i in f.issues if i.is_error)
        n_warn = len(f.issues) - n_err
        rows = f.rows + f.skipped_rows
        if f.ignored:
            status = "[yellow]已忽略(重复文件)[/yellow]"
        elif unchanged_copy(f):
            status = "[yellow]未读取:这是 gps 生成、未经修改的问题标注副本[/yellow]"
        elif n_err:
            status = f"[red]{n_err} 个错误[/red]" + (f",{n_warn} 个警告" if n_warn else "")
        elif n_warn:
            status = f"[yellow]{n_warn} 个警告[/yellow]"
        else:
            status = "[green]通过[/green]"
        console.print(f"{shown(f.path)}:{status}" if unchanged_copy(f) else f"{shown(f.path)}:{rows} 行项目,{status}")
        if verbose:
            print_verbose(console, f)
        if f.issues:
            print_issue_table(console, f.issues, codes=verbose)
    if result.issues:
        print_issue_table(console, result.issues, title="无法访问的路径", codes=verbose)
    if result.ignored:
        console.print(f"已略过 {len(result.ignored)} 个非表格文件" + (
            ":" + "、".join(shown(Path(p).name) for p, _ in result.ignored[:10]) if verbose else ""), style="dim")
    files = len(result.files)
    rows = sum(f.rows + f.skipped_rows for f in result.files)
    errors, warnings = len(result.errors), len(result.warnings)
    verdict = "[green]全部通过[/green]" if not errors else "[red]未通过[/red]"
    if strict and warnings and not errors:  # exit 1: the line must not say 通过
        verdict = f"[red]没有错误,但有 {warnings} 个警告(--strict 时视为不通过)[/red]"
    copies = sum(1 for f in result.files if unchanged_copy(f))
    if nothing_read(result):  # exit 1: nothing was checked, so nothing passed
        verdict = "[red]没有读到报送表格(都是 gps 生成、未经修改的问题标注副本)[/red]"
    elif copies:
        verdict += f"(另有 {copies} 个未经修改的问题标注副本未读取)"
    console.print(f"合计:{files} 个文件,{rows} 行项目,{errors} 个错误,{warnings} 个警告。{verdict}")
