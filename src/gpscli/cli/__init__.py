"""The command line: a thin Typer layer over :mod:`gpscli.api`. The only package that prints or exits."""

from __future__ import annotations

import sys

import typer

from . import (  # noqa: F401  (register commands)
    aggregate_cmd,
    catalogue_cmd,
    ledger_cmd,
    publish_cmd,
    report_cmd,
    run_cmd,
    serve_cmd,
    status_cmd,
    validate_cmd,
    zh,
)
from .app import app

zh.install()

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point: usage errors in Chinese with exit status 2."""
    try:  # typer >= 0.20 vendors click; older releases use the click package
        from typer._click import exceptions as cexc
    except ImportError:  # pragma: no cover
        # Typer < 0.20 only. The click package may or may not be installed beside Typer (uvicorn needs it).
        from click import exceptions as cexc  # type: ignore[import-not-found, no-redef, unused-ignore]

    import signal

    from .common import EXIT_INTERRUPTED, EXIT_TERMINATED, EXIT_USAGE, Terminated, err, on_sigterm

    signal.signal(signal.SIGTERM, on_sigterm)
    sys.unraisablehook = _unraisable
    try:
        rv = app(standalone_mode=False)
    except getattr(cexc, "NoArgsIsHelpError", ()) as exc:
        print(exc.ctx.get_help() if exc.ctx else "")
        sys.exit(0)
    except cexc.UsageError as exc:
        cmd = exc.ctx.command_path if exc.ctx else "gps"
        if cmd == "gps":  # found before a subcommand's context existed: name the one the user typed
            from typer.main import get_command

            commands = getattr(get_command(app), "commands", {})
            sub = next((a for a in sys.argv[1:] if a in commands), None)
            cmd = f"gps {sub}" if sub else cmd
        err().print(f"用法错误:{zh.usage_message(exc)}\n运行「{cmd} --help」查看用法。", markup=False)
        sys.exit(EXIT_USAGE)
    except Terminated:
        err().print("已终止(收到结束信号 SIGTERM)。", markup=False)
        sys.exit(EXIT_TERMINATED)
    except (typer.Abort, KeyboardInterrupt):
        err().print("已中断。", markup=False)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(rv if isinstance(rv, int) else 0)


def _unraisable(info) -> None:
    """A library's "Exception ignored in ..." (a generator cleaned up after a write failed, which
    gps has already reported in Chinese) goes to the --log file, and to stderr only with --debug."""
    import traceback

    from .common import STATE, log

    text = "".join(traceback.format_exception(info.exc_type, info.exc_value, info.exc_traceback))
    if STATE.debug:
        sys.__unraisablehook__(info)
    else:
        log(f"(已忽略的清理异常)\n{text}")
