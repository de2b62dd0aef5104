"""What every command shares: consoles, option types, config loading, error handling.

stdout carries only the data a command was asked for (JSON, CSV, a table); messages,
progress and issues go to stderr, so ``--format json`` output stays parseable.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ..errors import GpsError

if TYPE_CHECKING:  # rich.progress is imported only when a bar is shown
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cron timeout, a shutdown): stopped like Ctrl-C, with its own exit status."""

    signal_name = "SIGTERM"  # what gps run's 运行摘要.json records (Ctrl+C: SIGINT)


def on_sigterm(_signum, _frame) -> None:
    raise Terminated()


@dataclass
class State:
    config_path: Path | None = None
    debug: bool = False
    quiet: bool = False
    verbose: bool = False
    log: Path | None = None


STATE = State()


_CONSOLES: dict[int, tuple[object, Console]] = {}  # the last console made for stdout and for stderr


def _console(stream) -> Console:
    """A console on ``stream``, made once per stream (a message a file costs no console a file)."""
    key = 1 if stream is sys.stdout else 2
    held = _CONSOLES.get(key)
    if held is not None and held[0] is stream:
        return held[1]
    tty = stream.isatty() and os.environ.get("NO_COLOR") is None
    console = Console(file=stream, force_terminal=tty if tty else None, no_color=not tty, highlight=False,
                      soft_wrap=not tty, width=None if tty else 200)
    _CONSOLES[key] = (stream, console)
    return console


def out() -> Console:
    return _console(sys.stdout)


def err() -> Console:
    return _console(sys.stderr)


def shown(text: object) -> str:
    """Text from the data (a cell, a sheet or file name, a message quoting them), ready for a rich
    console: control characters made visible (:func:`gpscli.text.inert`) and markup escaped."""
    from rich.markup import escape

    from ..text import inert

    return escape(inert(text))


def say(message: str) -> None:
    """A progress/status line on stderr (suppressed by --quiet); also written to --log."""
    if not STATE.quiet:
        err().print(shown(message))
    log(message)


def warn(message: str) -> None:
    """A warning line on stderr, shown even with --quiet; also written to --log."""
    err().print(shown(message))
    log(message)


def log(message: str) -> None:
    if STATE.log is not None:
        import datetime as dt

        from ..text import inert

        try:
            with open(STATE.log, "a", encoding="utf-8") as fh:
                for line in str(message).split("\n"):  # each line of a log entry stamped; none forged
                    fh.write(f"{dt.datetime.now().isoformat(timespec='seconds')} {inert(line)}\n")
        except OSError as exc:
            from ..outputs.atomic import os_reason

            path, STATE.log = STATE.log, None  # say it once, then carry on without the log
            err().print(f"警告:无法写入日志文件 {path}({os_reason(exc, path)}),本次不记录日志", markup=False)


def fail(message: str, code: int = EXIT_DATA) -> typer.Exit:
    if sys.stderr.isatty():
        err().print(f"[red]错误:[/red]{shown(message)}", markup=True)
    else:
        err().print(f"错误:{shown(message)}", markup=True)
    log(f"错误:{message}")
    return typer.Exit(code)


OUTPUTS_KEPT = "输出文件未写入或保持原样"


def guard(fn: Callable | None = None, *, on_interrupt: str = OUTPUTS_KEPT) -> Callable:
    """Turn project errors into a Chinese message and exit status; anything else into exit 3.
    ``on_interrupt``: what the message after Ctrl+C or SIGTERM says about the command's files
    (``@guard(on_interrupt="…")`` for a command that writes none, or says more)."""
    if fn is None:
        return functools.partial(guard, on_interrupt=on_interrupt)
    note = f";{on_interrupt}" if on_interrupt else ""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except GpsError as exc:
            raise fail(str(exc), exc.exit_code) from None
        except Terminated:
            raise fail(f"已终止(收到结束信号 SIGTERM){note}", EXIT_TERMINATED) from None
        except KeyboardInterrupt:
            raise fail(f"已中断(Ctrl+C){note}", EXIT_INTERRUPTED) from None
        except Exception as exc:
            if STATE.debug:
                raise
            log(traceback.format_exc())
            from ..errors import describe

            raise fail(f"内部错误({describe(exc)}):这是 gps 的缺陷,请加 --debug 重新运行并把输出报告给维护者"
                       f"(供维护者参考:{type(exc).__name__}: {exc})", EXIT_INTERNAL) from None

    return wrapper


def load_config():
    from .. import config

    return config.load(STATE.config_path)


# Option types shared by several commands.
YearOpt = Annotated[int | None, typer.Option("--year", "-y", help="年度,如 2016", min=2000, max=2100)]
JurisdictionOpt = Annotated[str | None, typer.Option("--jurisdiction", "-j", help="表中没有地区列时使用的地区(如 昌吉市)")]
CatalogueOpt = Annotated[Path | None, typer.Option("--catalogue", help="自定义指导性目录文件(.csv 或 .xlsx)")]
SkipInvalidOpt = Annotated[bool, typer.Option("--skip-invalid", help="跳过有错误的行,只汇总无误的行(退出状态仍为 1)")]
ForceOpt = Annotated[bool, typer.Option("--force", help="输出文件已存在、且不是 gps 写的或写出后被人修改过时,仍然覆盖它")]


class Progress:
    """A progress bar on stderr while reading many files, only on a terminal and never with --quiet."""

    def __init__(self, label: str = "读取文件") -> None:
        self.label = label
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Progress:
        return self

    def __call__(self, done: int, total: int) -> None:
        if STATE.quiet or not sys.stderr.isatty() or total < 5:
            return
        if self._bar is None:
            from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=err(), transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=total)
        if self._task is not None:
            self._bar.update(self._task, completed=done)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()


def load_data(paths, *, catalogue=None, jurisdiction=None, year=None, require_year=False):
    """Read and validate inputs with the workspace's configuration (the one call every command makes)."""
    from .. import api
    from ..errors import UsageError

    cfg = load_config()
    if not paths:
        if not cfg.data:
            raise UsageError("没有指定要读取的文件或文件夹;请给出路径,或在 gps.toml 中设置 data")
        paths = cfg.data
    with Progress() as progress:
        options = cfg.load_options()
        if catalogue:
            options["catalogue"] = catalogue
        result = api.load(paths, jurisdiction=jurisdiction, year=year, require_year=require_year, progress=progress,
                          **options)
    log(f"读取 {len(result.files)} 个文件,{sum(f.rows for f in result.files)} 行项目,"
        f"{len(result.errors)} 个错误,{len(result.warnings)} 个警告")
    if not result.files and not result.issues:  # (a path that cannot be reached is an error shown as such)
        raise nothing_found(paths, len(result.ignored))
    return result, cfg


def nothing_found(paths, ignored: int):
    """No submission found (an empty inbox): a data error, exit 1, the same for every command."""
    from ..errors import DataError
    from ..readers.formats import suffix_list

    where = "、".join(str(p) for p in paths)
    skipped = f"(略过了 {ignored} 个不是表格的文件)" if ignored else ""
    return DataError(f"没有找到报送表格:{where} 中没有 {suffix_list()} 文件{skipped}")
