"""The limits of a process that handles one untrusted file at a time (a reading worker, or the
process that writes an annotated copy): its address space, its CPU time per file, a quiet stderr,
and the reasons its death is given in Chinese. Test hooks make such a process misbehave on purpose."""

from __future__ import annotations

import gc
import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

from .readers import Limits

_WORKER: dict = {}

# Test-only: "abort:<file name>", "spin:<file name>" or "sleep:<file name>" (several joined by ";")
# make the worker abort, burn CPU or hang on that file, to exercise the paths above; with the
# prefix "annotate-", the process that writes that file's annotated copy does.
CRASH_HOOK_ENV = "GPSCLI_TEST_CRASH"

_SIGNAL_REASONS = {
    "SIGXCPU": "解析超过 {seconds} 秒 CPU 时间仍未完成,已放弃(文件过大或结构异常)",
    "SIGKILL": "读取时内存耗尽,读取进程被系统终止(文件过大或结构异常)",
    "SIGABRT": "解析程序异常终止(文件损坏、过大或含异常结构)",
    "SIGSEGV": "解析程序异常终止(文件损坏或含异常结构)",
    "SIGBUS": "解析程序异常终止(文件损坏或含异常结构)",
}


def limit_worker(limits: Limits) -> bool:
    """Initialise a process that handles one untrusted file at a time (reading it, or writing its
    annotated copy): its address space limited (where the platform allows: returns whether it
    did), native crash dumps kept off the terminal. The CPU limit is set per file (:func:`cpu_budget`)."""
    _WORKER["limits"] = limits
    limited = False
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        limited = True
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: every pre-flight check runs before parsing
    if not os.environ.get("GPSCLI_DEBUG"):
        # A native reader that aborts prints its panic and backtrace on stderr: the user gets an
        # unreadable-file issue instead, so keep the terminal (and cron mail) clean.
        try:
            import faulthandler

            faulthandler.disable()  # its dump of a dying worker would look like a traceback
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except OSError:
            pass
    return limited


def crash_hook(path: Path, stage: str = "") -> None:
    """Test-only misbehaviour on one file (see CRASH_HOOK_ENV); ``stage``: "annotate-" for the
    process that writes annotated copies ("annotate-spin:坏.xlsx")."""
    spec = os.environ.get(CRASH_HOOK_ENV)
    if not spec:
        return
    for item in spec.split(";"):
        mode, _, name = item.partition(":")
        if mode.startswith("annotate-") != bool(stage):
            continue
        mode = mode[len(stage):]
        if name and path.name == name:
            if mode == "abort":
                os.abort()
            elif mode == "spin":
                while True:
                    pass
            elif mode == "sleep":
                time.sleep(3600)


def cpu_budget() -> None:
    """Allow the file about to be handled ``limits.seconds`` of CPU from now (SIGXCPU past that)."""
    limits: Limits = _WORKER["limits"]
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = spent + limits.seconds
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    except (ImportError, ValueError, OSError):
        pass


@contextmanager
def gc_paused():
    """Reading makes many small objects and no cycles: the cyclic collector only costs time
    (about 45% of rebuilding 200,000 records). Paused, then restored as it was."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def death_reason(exitcode: int | None, limits: Limits) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = ""
        if name in _SIGNAL_REASONS:
            return _SIGNAL_REASONS[name].format(seconds=limits.seconds)
        return f"解析程序异常终止(信号 {name or -exitcode}),文件可能损坏或含异常结构"
    return "解析程序异常终止(文件损坏、过大或含异常结构)"
