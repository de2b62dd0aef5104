"""The Typer application and its global options. Commands live in the *_cmd modules."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

try:  # typer >= 0.20 vendors click; older releases use the click package
    from typer import _click as click
except ImportError:  # pragma: no cover
    import click  # type: ignore[import-not-found, no-redef, unused-ignore]

from .. import __version__
from . import zh
from .common import STATE

# The workflow, as `gps --help` shows it: a command and what it does, in the order a clerk uses them.
WORKFLOW = [
    ("gps init 工作区", "新建工作区:配置、收件箱、模板"),
    ("gps template -o 填报模板.xlsx", "生成下发给各县市的填报模板"),
    ("gps validate inbox/", "检查报送的表格,指出有问题的单元格"),
    ("gps aggregate inbox/ --year 2016", "按地区和目录汇总项数与金额"),
    ("gps ingest inbox/ --period 2017Q4", "记入账本,每份报送都留有版本"),
    ("gps status --period 2017Q4", "谁已报送、零报告、未报送、逾期"),
    ("gps report --year 2016", "起草工作报告(Word 文档)"),
    ("gps run --period 2017Q4", "定时任务:以上各步一次完成"),
]
# Commands in `gps --help` in the order of the work (creation order otherwise; unknown ones last).
COMMAND_ORDER = ("init", "template", "validate", "aggregate", "ingest", "status", "report", "run", "publish",
                 "history", "lock", "unlock", "serve", "catalogue", "profile", "db")
# The root's options every command also takes, before or after its name (not --version, not --help).
SHARED_OPTIONS = ("config", "quiet", "verbose", "log", "debug")


def _workflow() -> str:
    width = max(zh.cells(c) for c, _ in WORKFLOW) + 2
    return "\n".join(f"  {c}{' ' * (width - zh.cells(c))}{said}" for c, said in WORKFLOW)


HELP = f"""政府购买服务报表工具:校验各地报送的表格、汇总项目数和金额、起草工作报告。

常用流程(先 gps init 建好工作区,日常用 gps run 一次完成):

\b
{_workflow()}

全局选项(--config、--quiet、--verbose、--log、--debug)写在命令之前或之后都可以,
如 gps --log gps.log run --period 2017Q4 与 gps run --period 2017Q4 --log gps.log 相同。

退出状态:0 正常;1 数据有错误或没有数据;2 用法错误(选项或路径不对);3 程序内部错误;130、143 被中断。
"""


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> object:
    """A global option given after the command's name: recorded only when given, so that
    ``gps -q run`` stays quiet although ``run`` has its own (unset) ``-q``."""
    if value and param.name:
        setattr(STATE, {"config": "config_path"}.get(param.name, param.name), value)
    return value


def _share(command: click.Command, shared: list[click.Parameter]) -> None:
    """Give ``command`` (and its subcommands) a copy of each global option it does not define itself
    (``validate`` has its own ``-v/--verbose``)."""
    taken = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
    for param in shared:
        if taken.isdisjoint(param.opts):
            mine = copy.copy(param)
            mine.expose_value = False
            mine.callback = _remember
            setattr(mine, zh.SHARED, True)
            command.params.append(mine)
    for sub in getattr(command, "commands", {}).values():
        _share(sub, shared)


class GpsGroup(TyperGroup):
    """The ``gps`` command: lists its commands in the order of the work, and lets every command take
    the global options after its name as well (a cron line written either way logs)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        shared = [p for p in self.params if p.name in SHARED_OPTIONS]
        if shared:
            for command in self.commands.values():
                _share(command, shared)

    def list_commands(self, ctx: click.Context) -> list[str]:
        rank = {name: i for i, name in enumerate(COMMAND_ORDER)}
        return sorted(super().list_commands(ctx), key=lambda name: rank.get(name, len(rank)))


app = typer.Typer(
    cls=GpsGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gps {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    config: Annotated[Path | None, typer.Option("--config", help="配置文件 gps.toml 的路径(默认在当前及上级文件夹中查找)")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出结果和错误,不显示进度和提示")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="详细输出:每个文件用了哪个工作表、表头行、金额单位,地区和年度取自哪里;问题表格列出问题代码")] = False,
    log: Annotated[Path | None, typer.Option("--log", help="把运行记录追加写入该文件(供定时任务查看)")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="出现内部错误时显示完整的调用栈(供维护者排查)")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号")] = False,
) -> None:
    """全局选项写在子命令之前或之后都可以,例如:gps --quiet validate inbox/ 或 gps validate inbox/ --quiet"""
    STATE.config_path = config
    STATE.quiet = quiet
    STATE.verbose = verbose
    STATE.debug = debug
    STATE.log = log
