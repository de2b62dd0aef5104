"""gps catalogue, gps profile, gps template."""

from __future__ import annotations

import csv
import io
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..outputs.safe import json_text
from .app import app
from .common import CatalogueOpt, ForceOpt, JurisdictionOpt, YearOpt, guard, load_config, out, say, shown

if TYPE_CHECKING:
    from rich.tree import Tree

    from ..catalogue import Catalogue
    from ..profile import Profile


class ListFormat(str, Enum):
    tree = "tree"
    json = "json"
    csv = "csv"


class ProfileFormat(str, Enum):
    tree = "tree"
    json = "json"
    csv = "csv"
    toml = "toml"


def _catalogue(path: Path | None, year: int | None = None) -> Catalogue:
    from .. import catalogue

    if path is None and year is not None:
        from ..editions import Catalogues

        source = load_config().catalogue_source()
        if isinstance(source, Catalogues):
            return source.for_year(year)
    return catalogue.load(path or load_config().catalogue)


def _editions(path: Path | None) -> list[dict]:
    """The editions in force by year (gps.toml's [catalogue.editions]); none with --catalogue."""
    if path is not None:
        return []
    from ..editions import Catalogues

    source = load_config().catalogue_source()
    if not isinstance(source, Catalogues):
        return []
    rows = [{"years": e.spec.label, "source": e.catalogue.source, "categories": e.catalogue.category_names()}
            for e in source.editions]
    rows.append({"years": "其他年度", "source": source.default.source, "categories": source.default.category_names()})
    if source.crosswalk is not None:
        rows.append({"years": "对照表", "source": source.crosswalk.source, "categories": []})
    return rows


def _echo_csv(text: str) -> None:
    """CSV on standard output, with the BOM Excel needs (``> 目录.csv``) unless GPS_NO_BOM is set."""
    import sys

    from ..outputs.safe import show_csv

    show_csv(sys.stdout, text)


def _profile() -> Profile:
    from .. import profile

    return profile.load(load_config().profile)


@app.command("catalogue")
@guard
def catalogue_command(
    catalogue: CatalogueOpt = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="输出格式:tree(树形)、json、csv")] = ListFormat.tree,
    year: Annotated[int | None, typer.Option("--year", "-y", help="显示该年度适用的目录(gps.toml 中按年度配置了目录时)", show_default=False)] = None,
) -> None:
    """显示政府购买服务指导性目录(一级、二级……);按年度配置了目录时,先列出各年度适用的目录。

    示例:gps catalogue;gps catalogue --year 2021;gps catalogue --format csv > 目录.csv
    """
    cat = _catalogue(catalogue, year)
    editions = _editions(catalogue) if year is None else []
    if fmt is ListFormat.json:
        items = [{"code": i.code, "name": i.name, "level": i.level, "parent": i.parent, "aliases": list(i.aliases)}
                 for i in cat.items]
        extra = {"editions": editions} if editions else {}
        typer.echo(json_text({"source": cat.source, "items": items, **extra}), nl=False)
        return
    if fmt is ListFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["编码", "名称", "级别", "上级编码", "别名"])
        for i in cat.items:
            w.writerow([i.code, i.name, i.level, i.parent or "", "|".join(i.aliases)])
        _echo_csv(buf.getvalue())
        return
    from rich.tree import Tree

    for e in editions:
        out().print(shown(f"{e['years']}:{e['source']}" + (f"(一级目录:{'、'.join(e['categories'])})"
                                                           if e["categories"] else "")))
    if editions:
        out().print("以下是其他年度适用的目录;用 --year 查看某一年度适用的目录\n")
    tree = Tree(f"政府购买服务指导性目录({cat.source})")
    nodes: dict[str, Tree] = {}
    for item in cat.items:
        label = f"{item.code} {item.name}"
        parent = nodes.get(item.parent) if item.parent else tree
        nodes[item.code] = (parent or tree).add(label)
    out().print(tree)


@app.command("profile")
@guard
def profile_command(
    fmt: Annotated[ProfileFormat, typer.Option("--format", "-f", help="输出格式:tree、json、csv,或 toml(可修改后由 gps.toml 的 profile 引用的地区名单文件)")] = ProfileFormat.tree,
) -> None:
    """显示地区名单:地区类别(及其在报告中的写法)、各地区及可识别的别名。

    示例:gps profile;gps profile --format toml > 地区.toml(修改后在 gps.toml 中写 profile = "地区.toml")
    """
    prof = _profile()
    if fmt is ProfileFormat.toml:
        from ..profile import to_toml

        typer.echo(to_toml(prof), nl=False)
        return
    if fmt is ProfileFormat.json:
        data = {"name": prof.name,
                "kinds": [{"name": k.name, "report": k.report, "group_name": k.group_name, "label": k.label}
                          for k in prof.declared_kinds()],
                "jurisdictions": [{"name": j.name, "kind": j.kind, "aliases": list(j.aliases)}
                                  for j in prof.jurisdictions]}
        typer.echo(json_text(data), nl=False)
        return
    if fmt is ProfileFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["名称", "类型", "别名"])
        for j in prof.jurisdictions:
            w.writerow([j.name, j.kind, "|".join(j.aliases)])
        _echo_csv(buf.getvalue())
        return
    from rich.tree import Tree

    source = prof.source.replace(f"({prof.name})", "")  # 内置地区名单(昌吉回族自治州): the name once
    tree = Tree(shown(f"{prof.name}({source})"))
    for k in prof.declared_kinds():
        how = f"报告中合为一段「{k.group_name}」" if k.report == "group" else "报告中每个地区一段"
        branch = tree.add(shown(f"{k.name}({how})"))
        for j in prof.jurisdictions:
            if j.kind == k.name:
                aliases = f"  别名:{'、'.join(j.aliases)}" if j.aliases else ""
                branch.add(shown(f"{j.name}{aliases}"))
    out().print(tree)


@app.command("template")
@guard
def template_command(
    output: Annotated[Path, typer.Option("--out", "-o", help="输出的模板文件(.xlsx)")] = Path("政府购买服务项目填报模板.xlsx"),
    jurisdiction: JurisdictionOpt = None,
    year: YearOpt = None,
    catalogue: CatalogueOpt = None,
    rows: Annotated[int, typer.Option("--rows", help="预留的填报行数", min=10, max=10000)] = 200,
    register: Annotated[bool, typer.Option("--register", help="加上财政部令第102号登记信息列(承接主体类型、统一社会信用代码、"
                                                            "预算/合同金额、执行数、合同期限、绩效评价等,均为选填)")] = False,
    force: ForceOpt = False,
) -> None:
    """生成下发给各地的空白填报模板(带下拉列表和填报说明)。

    示例:gps template -o 昌吉市填报模板.xlsx --jurisdiction 昌吉市 --year 2017 [--register]
    """
    from .. import workbook_template
    from ..errors import UsageError

    prof = _profile()
    name = prof.canonical(jurisdiction) if jurisdiction else None
    if output.suffix.lower() not in (".xlsx",):
        raise UsageError("模板只能保存为 .xlsx 文件")
    from ..outputs.atomic import check_target

    check_target(output, force)  # a filled-in submission saved under this name is never replaced silently
    path = workbook_template.build(output, _catalogue(catalogue, year), prof, name, year, rows, force=force,
                                   register=register, methods=load_config().methods)
    say(f"已生成填报模板:{path}")
