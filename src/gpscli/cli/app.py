"""The Typer application and its global options. Commands live in the *_cmd modules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import __version__
from .common import STATE

HELP = """政府购买服务报表工具:校验各地报送的表格、汇总项目数和金额、起草工作报告。

常用流程:

  gps template -o 填报模板.xlsx            生成下发给各县市的填报模板

  gps validate 收件箱/                      逐个检查报送的表格,指出有问题的单元格

  gps aggregate 收件箱/ --year 2016         按地区和目录汇总项数与金额

  gps ingest 收件箱/ --period 2017Q4        记入账本:每份报送、每次更正都留有版本

  gps status --period 2017Q4                报送情况:谁已报送、零报告、未报送、逾期

  gps report --year 2016                    起草工作报告(Word 文档)

退出状态:0 正常;1 数据有错误;2 用法错误(选项或路径不对);3 程序内部错误。
"""

app = typer.Typer(
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
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="详细输出:每个文件用了哪个工作表、表头行、金额单位,地区和年度取自哪里")] = False,
    log: Annotated[Path | None, typer.Option("--log", help="把运行记录追加写入该文件(供定时任务查看)")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="出现内部错误时显示完整的 Python 调用栈")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本号")] = False,
) -> None:
    """全局选项放在子命令之前,例如:gps --quiet validate 收件箱/"""
    STATE.config_path = config
    STATE.quiet = quiet
    STATE.verbose = verbose
    STATE.debug = debug
    STATE.log = log
