"""gps init, gps run: a workspace for unattended quarter-end runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import EXIT_INTERRUPTED, EXIT_TERMINATED, STATE, Progress, fail, guard, load_config, log, say, warn


@app.command("init")
@guard
def init_command(
    folder: Annotated[Path, typer.Argument(metavar="文件夹", help="工作区文件夹(不存在会新建;已有文件不会被覆盖)")] = Path("."),
) -> None:
    """新建工作区:gps.toml、inbox/(收件箱)、output/、可修改的报告和填报模板。

    示例:gps init 政府购买服务2017
    """
    from .. import workspace

    made = workspace.init(folder)
    for p in made:
        say(f"已创建:{p}")
    say(f"工作区已就绪:{folder.resolve()}。把各地报送的表格放进 inbox/,然后运行 gps run --period auto(刚结束的季度)或 gps run --period 2017Q4")


@app.command("run")
@guard(on_interrupt="")  # says itself what became of output/<期间>/
def run_command(
    period: Annotated[str, typer.Option("--period", "-p", help="期间:2017Q4(季度)、2017(全年),或 auto(最近一个已结束的季度,"
                                                            "季度最后一天当天算已结束);汇总该年度的项目")],
    wait: Annotated[float, typer.Option("--wait", help="另一个任务正在运行时最多等待的秒数", min=0)] = 60.0,
    no_report: Annotated[bool, typer.Option("--no-report", help="不起草报告,只校验、记入账本和汇总")] = False,
) -> None:
    """定时任务用:把收件箱的表格校验后记入账本,再由账本写出报送情况、汇总表(xlsx、json)、报告初稿和运行摘要到 output/<期间>/。

    示例(crontab,每季度结束后第 10 天 6:00):0 6 10 1,4,7,10 * cd /srv/gps && gps run --period auto --log gps.log

    汇总和报告用的是账本中各地本期的当前版本:有错误的文件会记录,但不取代该地区此前无误的版本。
    收件箱中已经记入账本的文件会被认出,不重复记录。
    退出状态:0 全部正常;1 数据有错误或没有数据(输出目录中有校验结果和问题标注);2 用法或配置错误;3 内部错误;
    130、143 被中断(键盘中断或结束信号;运行摘要.json 记下中断,输出目录保持上一次运行的样子)。
    同一工作区同时只能运行一个任务(锁文件 .gps.lock);另一个任务正在运行时,说明是哪个任务并等待。
    """
    from .. import runner, workspace
    from ..errors import UsageError
    from ..periods import Period

    cfg = load_config()
    if cfg.root is None:
        raise UsageError("当前文件夹及上级文件夹中没有 gps.toml;请先运行 gps init 新建工作区,或用 --config 指定")
    if not cfg.data:
        raise UsageError(f"{cfg.root / 'gps.toml'} 中没有设置 data(要读取的文件夹)")
    p = Period.parse(period)
    if p.label != period.strip():
        say(f"--period {period.strip()}:{p.text}({p.label})")
    report = None if no_report else _report_step(cfg)

    def waiting(who: str) -> None:
        say(f"另一个 gps 任务{who or ''}正在使用工作区,等待它结束(最多 {wait:g} 秒)……")

    started = False
    try:
        with workspace.locked(cfg.root, wait, what=f"gps run --period {p.label}", on_wait=waiting):
            started = True
            log(f"开始运行 {p.label}")
            with Progress() as progress:
                summary = runner.run_period(cfg, p, progress=progress, report=report)
    except KeyboardInterrupt as exc:
        sigterm = getattr(exc, "signal_name", "") == "SIGTERM"
        how = "已终止(收到结束信号 SIGTERM)" if sigterm else "已中断(Ctrl+C)"
        where = cfg.output / p.label
        if getattr(exc, "outputs_in_place", False):
            note = f";本次运行的输出和运行摘要已经全部写到 {where}"
        elif started:
            note = f";{where} 保持上一次运行的样子,{where / runner.SUMMARY_NAME} 记下了这次中断"
        else:
            note = ";还没有开始运行,什么也没有改动"
        raise fail(how + note, EXIT_TERMINATED if sigterm else EXIT_INTERRUPTED) from None
    _print_summary(summary)
    raise typer.Exit(summary.exit_status)


def _problem_line(problem: dict) -> str:
    """One problem of the summary as -v and the warnings list show it: 错误 or 警告, file, cell (and the
    code, with -v only: the clerk reads the message, a script the 运行摘要.json)."""
    level = "错误" if problem.get("severity") == "error" else "警告"
    where = "!".join(x for x in (problem.get("sheet"), problem.get("cell")) if x)
    code = f" [{problem['code']}]" if STATE.verbose else ""
    return f"  {level}:{problem['path']} {where}{code} {problem['message']}"


def _print_summary(summary) -> None:
    if STATE.verbose:  # the errors, one a line (the warnings follow, whatever the flags)
        for problem in summary.problems:
            if problem["severity"] == "error":
                say(_problem_line(problem))
    for w in summary.warning_list:  # shown whatever the flags (-q hides progress, not warnings)
        warn(_problem_line(w))
    for out in summary.outputs:
        say(f"已写入:{out}")
    for m in summary.messages:
        (warn if m in summary.alerts else say)(m)
    line = (f"{summary.period}:收件箱 {summary.files} 个文件(新记入账本 {summary.new_versions} 个),"
            f"{summary.errors} 个错误,{summary.warnings} 个警告;本期汇总 {summary.rows} 个项目,用时 {summary.duration_s:.1f} 秒")
    if summary.not_submitted:
        line += f";未报送或待更正:{'、'.join(summary.not_submitted)}"
    say(line)


def _report_step(cfg):
    from ..report import draft_for_run

    return lambda result, year, out: draft_for_run(result, year, out, cfg)
