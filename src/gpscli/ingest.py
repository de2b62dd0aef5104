"""Read many files: walk folders, read each file (in worker processes, isolated), collect results.

A native crash or a memory blow-up in a parser never takes gps down: files are read in child
processes with an address-space and CPU limit; if a worker dies, the file it was reading is read
again alone, with every check first, and if that kills its worker too it becomes one
``unreadable-file`` issue.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from . import annotated, pool
from .errors import UsageError, describe
from .issues import Issue, cap, make
from .normalise import Context, extract
from .normalise.layout import REQUIRED_COLUMNS, Layout, detect
from .readers import SUPPORTED_SUFFIXES, Limits, ReadError, read_workbook
from .readers.excel import give_back_freed_memory
from .readers.grid import SheetGrid
from .records import FileResult, SheetReport
from .sandbox import _WORKER, cpu_budget, crash_hook, death_reason, gc_paused, limit_worker

_INSTRUCTION_SHEETS = ("说明", "填报说明", "填表说明", "注意事项", "使用说明")


def collect_paths(inputs: Sequence[str | Path]) -> tuple[list[Path], list[Issue], list[tuple[str, str]]]:
    """Files to read from files and folders (walked recursively, symlink loops safe).

    Returns (files, issues, ignored): ``issues`` are ``skipped-file`` warnings for what cannot be
    accessed or was named explicitly but is not a spreadsheet; ``ignored`` lists (path, reason) of
    other files met while walking folders (README, scripts...), which are not problems.
    """
    # long: the walk's helpers (skip, entries, walk, add) share the three result lists and the folders seen
    files: list[Path] = []
    issues: list[Issue] = []
    ignored: list[tuple[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    links: list[Path] = []  # symlinks met while walking: the only way one folder's walk meets a file twice

    def skip(p: Path, why: str) -> None:
        issues.append(make("skipped-file", path=display_path(p), why=why))

    def entries(d: Path) -> list[os.DirEntry] | None:
        try:
            st = d.stat()
        except OSError as exc:
            skip(d, f"无法访问该文件夹({os_reason(exc)})")
            return None
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            return None  # a symlink loop or a second route to the same folder
        seen_dirs.add(ident)
        try:
            with os.scandir(d) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError as exc:
            skip(d, f"无法读取该文件夹({os_reason(exc)})")
            return None

    def walk(root: Path) -> None:
        # Depth first in name order, with an explicit stack: a folder tree thousands deep must not
        # overflow Python's recursion limit.
        inside = os.path.join(os.path.realpath(root), "")
        first = entries(root)
        stack = [iter(first)] if first is not None else []
        while stack:
            e = next(stack[-1], None)
            if e is None:
                stack.pop()
                continue
            p = Path(e.path)
            if e.name.startswith((".", "~$")):
                continue  # hidden files and Office lock files (~$xx.xlsx)
            if e.is_symlink():
                links.append(p)
                if not os.path.join(os.path.realpath(p), "").startswith(inside):
                    # A link out of the folder given (to /etc/passwd, say) is not a submission in it.
                    skip(p, "这是指向所给文件夹以外的链接(快捷方式),未读取;如确需读取,请在命令行中直接写出该文件")
                    continue
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                more = entries(p)
                if more is not None:
                    stack.append(iter(more))
            else:
                add(p, explicit=False)

    def add(p: Path, explicit: bool) -> None:
        try:
            st = p.stat()
        except OSError as exc:
            skip(p, f"无法访问({os_reason(exc)})")
            return
        if not stat.S_ISREG(st.st_mode):
            skip(p, "不是普通文件")
        elif explicit or p.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(p)  # a file named on the command line is read whatever its name
        else:
            ignored.append((display_path(p), f"不是表格文件(扩展名「{p.suffix or '无'}」)"))

    for item in inputs:
        p = Path(item)
        if p.is_dir():
            walk(p)
        elif p.exists() or p.is_symlink():
            add(p, explicit=True)
        else:
            raise UsageError(f"文件或文件夹不存在:{display_path(p)}")
    # The same file named twice (a file and its folder, or through a link) is read once.
    if len(inputs) == 1 and not links:
        return files, issues, ignored
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.realpath(f), f)
    return list(unique.values()), issues, ignored


def os_reason(exc: OSError) -> str:
    """What an operating-system error means, in Chinese (the system's own text is English)."""
    why = {
        errno.EACCES: "没有访问权限", errno.EPERM: "没有访问权限",
        errno.ENOENT: "文件不存在(可能已被移走或删除,或是失效的快捷方式、符号链接)",
        errno.ELOOP: "符号链接形成了循环", errno.ENAMETOOLONG: "路径过长", errno.EISDIR: "这是文件夹,不是文件",
        errno.ENOTDIR: "路径中有一段不是文件夹", errno.EIO: "磁盘读写错误", errno.ENXIO: "设备不存在",
        errno.EMFILE: "同时打开的文件过多", errno.ENFILE: "同时打开的文件过多",
    }.get(exc.errno or 0)
    return why or f"系统错误:{exc.strerror or describe(exc)}"


def display_path(p: Path) -> str:
    return os.fsdecode(p).encode("utf-8", "replace").decode("utf-8")


def read_file(path: Path, ctx: Context, limits: Limits, careful: bool = True) -> FileResult:
    """Read and normalise one file. Never raises for bad data: problems become issues.

    ``careful=False`` only in a worker whose address space is limited (see :func:`read_workbook`)."""
    shown = display_path(path)
    result = FileResult(path=shown)
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:  # refused before hashing: a huge file must not cost minutes
            raise ReadError(f"文件有 {size / 1048576:.0f} MB,超过上限 {limits.max_file_bytes / 1048576:.0f} MB")
        data = path.read_bytes()  # once: hashed here, then sniffed, checked and parsed from memory
        result.size, result.sha256 = len(data), hashlib.sha256(data).hexdigest()
        wb = read_workbook(path, limits, careful=careful, data=data)
        del data  # not needed past the reader: a big file's bytes do not wait for its records
    except ReadError as exc:
        result.issues.append(make("unreadable-file", path=shown, why=str(exc)))
        return result
    except OSError as exc:
        result.issues.append(make("unreadable-file", path=shown, why=os_reason(exc)))
        return result
    result.format = wb.format
    copy = annotated.verdict(wb) if any(g.name == annotated.ISSUE_SHEET for g in wb.sheets) else None
    if copy == "unchanged":
        result.issues.append(make("skipped-file", "annotated", path=shown))
        return result
    for grid in wb.sheets:
        _read_sheet(grid, result, ctx, skip_issue_sheet=copy == "edited")
    _whole_file_verdict(result)
    result.issues, result.unlisted_error_rows = cap(result.issues)
    return result  # each record's ids (for duplicate detection) were made by extract, in the worker


def _read_sheet(grid: SheetGrid, result: FileResult, ctx: Context, skip_issue_sheet: bool) -> None:
    """One sheet into the file's result: its records, totals, issues and what was decided about it."""
    if skip_issue_sheet and annotated.is_issue_sheet(grid):
        result.sheets.append(SheetReport(grid.name, False, "gps 生成的问题清单,不是报送数据"))
        return
    layout = detect(grid)
    skip = _not_read(grid, layout, result.path)
    if skip is not None:
        report, warning = skip
        result.sheets.append(report)
        if warning is not None:
            result.issues.append(warning)
        return
    assert layout is not None
    sheet = extract(grid, layout, ctx, result.path)
    if len(sheet.batch):
        result.batches.append(sheet.batch)
    result.totals.extend(sheet.totals)
    result.issues.extend(sheet.issues)
    result.sheets.append(sheet.report)
    result.skipped_rows += sheet.skipped_rows


def _whole_file_verdict(result: FileResult) -> None:
    """A table without a project (a blank template sent back), or no table at all."""
    used = [s for s in result.sheets if s.used]
    if used and not result.batches and not result.skipped_rows and not any(i.is_error for i in result.issues):
        result.issues.append(make("empty-table", path=result.path, sheet=used[0].name))
    if not used and not any(i.code == "missing-column" for i in result.issues):
        listed = ";".join(f"「{s.name}」{s.reason}" for s in result.sheets) or "文件中没有工作表"
        result.issues.append(make("no-table", path=result.path, sheets=listed))


def _not_read(grid: SheetGrid, layout: Layout | None, path: str) -> tuple[SheetReport, Issue | None] | None:
    """Why a sheet is not read (with a warning when it seems to hold projects), or None to read it.

    Hidden sheets are not read (they hold the template's drop-down lists), but one that holds a
    project table is named in a ``hidden-sheet`` warning. A sheet named like instructions (填报说明)
    is skipped only when it holds no table: a visible 追加项目(补报说明) with projects is read."""
    if grid.hidden:
        rows = _project_rows(grid, layout) if layout is not None else 0
        warning = None
        if rows:
            warning = make("hidden-sheet", path=path, sheet=grid.name, rows=rows)
        return SheetReport(grid.name, False, "隐藏工作表,未读取" + ("(其中有项目表)" if rows else "")), warning
    if layout is None:
        if any(word in grid.name for word in _INSTRUCTION_SHEETS):
            return SheetReport(grid.name, False, "填报说明页,未读取"), None
        return SheetReport(grid.name, False, "没有可识别的表头"), None
    return None


def _project_rows(grid: SheetGrid, layout: Layout) -> int:
    """Rows below the header with a project name and an amount, in a table that has every
    required column (a lookup list of a few columns is not a project table)."""
    if any(f not in layout.columns for f in REQUIRED_COLUMNS):
        return 0
    name, amount = layout.columns["name"], layout.columns["amount"]
    return sum(1 for r in range(layout.data_start, grid.end_row)
               if grid.value(r, name) not in (None, "") and grid.value(r, amount) not in (None, ""))


# ---- worker processes -------------------------------------------------------------------------
#
# Files are read in worker processes (:mod:`.pool`), each of which knows which file it is reading:
# a worker that dies names its file. In the first round a worker whose address space is limited
# reads xlsx sheets with the light pre-flight (the parser runs while the sheets are scanned); a
# file whose worker died there is a suspect, re-read alone with every pre-flight check before the
# parser, where a refusal gets its precise reason and a second death becomes one
# ``unreadable-file`` issue naming the signal. A file that runs past the wall-clock limit is
# reported as such at once; the files queued behind it go to the next worker.

def _init_worker(ctx: Context, limits: Limits, careful: bool) -> None:
    ctx.pack_records = True  # this process's copy: its results always travel pickled
    _WORKER["ctx"] = ctx
    # Only where the memory limit is enforced may the parser run before the full pre-flight: a grid
    # too big to allocate then kills this worker, not the machine, and the file is re-read
    # carefully. macOS accepts RLIMIT_AS but does not enforce it.
    limited = limit_worker(limits)
    _WORKER["careful"] = careful or not (limited and sys.platform.startswith("linux"))


BIG_FILE_BYTES = 8 * 1024 * 1024  # past this, a worker hands back the memory its parser freed after each file


def _work(path: Path) -> FileResult:
    limits: Limits = _WORKER["limits"]
    cpu_budget()
    try:
        crash_hook(path)
        with gc_paused():
            result = read_file(path, _WORKER["ctx"], limits, careful=_WORKER.get("careful", True))
        if result.size > BIG_FILE_BYTES:  # its grid is gone: hand the memory back before the parent takes the records
            give_back_freed_memory()
        return result
    except (MemoryError, SystemError):  # SystemError: a native library that could not allocate
        return _failed(path, "读取时内存超出上限(文件过大或异常)")
    except RecursionError:
        return _failed(path, "文件结构嵌套过深,无法解析")
    except Exception as exc:
        if os.environ.get("GPSCLI_DEBUG"):
            raise
        return _failed(path, f"读取时出现程序内部错误({_where(exc)}),请把这个文件反馈给 gps 维护人员")


def _where(exc: BaseException) -> str:
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    text = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
    at = f",{Path(last.tb_frame.f_code.co_filename).name}:{last.tb_lineno}" if last else ""
    return f"{describe(exc)};供维护者参考:{type(exc).__name__}{': ' + text if text else ''}{at}"


def _failed(path: Path, why: str) -> FileResult:
    shown = display_path(path)
    return FileResult(path=shown, issues=[make("unreadable-file", path=shown, why=why)])


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity (taskset, a container's cpuset) where the
    platform says, else all of them. ``os.cpu_count`` ignores the affinity: under ``taskset -c 0``
    two workers would share one core and run slower than one."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def read_files(paths: list[Path], ctx: Context, limits: Limits | None = None, workers: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """Read files in worker processes; results in the order of ``paths`` whatever the workers."""
    limits = limits or Limits()
    if not paths:
        return []
    if workers is None:
        workers = min(len(paths), usable_cpus(), 8)
    workers = max(1, min(workers, len(paths)))
    results: dict[int, FileResult] = {}

    def done(n: int, res: FileResult) -> None:
        results[n] = res
        if progress:
            progress(len(results), len(paths))

    def late(n: int) -> None:
        done(n, _failed(paths[n], f"解析超过 {limits.wall} 秒仍未完成,已放弃(文件过大或结构异常)"))

    def read(todo: deque[int], n_workers: int, careful: bool, on_death: Callable[[int, int | None], None]) -> None:
        try:
            pool.run(paths, todo, _work, workers=n_workers, depth=1 if careful else 2, initializer=_init_worker,
                     initargs=(ctx, limits, careful), wall_seconds=limits.wall, on_result=done, on_death=on_death,
                     on_late=late)
        except pool.StartFailed:  # the workers cannot even start (memory limit below what Python needs?)
            for n in todo:
                done(n, _failed(paths[n], "无法启动读取进程(内存上限 memory_mb 是否设得过低?)"))

    # First round: the light pre-flight where the worker's address space is limited. A file whose
    # worker died is a suspect, read again alone with every pre-flight check before the parser:
    # if that worker dies too, the file gets an issue naming the reason.
    suspects: list[int] = []
    read(deque(range(len(paths))), workers, False, lambda n, _code: suspects.append(n))
    read(deque(sorted(suspects)), 1, True, lambda n, code: done(n, _failed(paths[n], death_reason(code, limits))))
    return [results[n] for n in range(len(paths))]
