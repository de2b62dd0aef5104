"""Read many files: walk folders, read each file (in worker processes, isolated), collect results.

A native crash or a memory blow-up in a parser never takes gps down: files are read in child
processes with an address-space and CPU limit; if a worker dies, the files it may have been
reading are re-read one per process, so the culprit becomes one ``unreadable-file`` issue.
"""

from __future__ import annotations

import hashlib
import os
import stat
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Iterable

from .errors import UsageError
from .issues import Issue
from .normalise import Context, extract
from .readers import SUPPORTED_SUFFIXES, Limits, ReadError, read_workbook
from .readers.layout import detect
from .records import FileResult, SheetReport

_INSTRUCTION_SHEETS = ("说明", "填报说明", "填表说明", "注意事项", "使用说明")


def collect_paths(inputs: Iterable[str | Path]) -> tuple[list[Path], list[Issue], list[tuple[str, str]]]:
    """Files to read from files and folders (walked recursively, symlink loops safe).

    Returns (files, issues, ignored): ``issues`` are ``skipped-file`` warnings for what cannot be
    accessed or was named explicitly but is not a spreadsheet; ``ignored`` lists (path, reason) of
    other files met while walking folders (README, scripts...), which are not problems.
    """
    files: list[Path] = []
    issues: list[Issue] = []
    ignored: list[tuple[str, str]] = []
    seen_dirs: set[tuple[int, int]] = set()

    def skip(p: Path, why: str) -> None:
        issues.append(Issue("skipped-file", f"已跳过:{why}", path=_display(p)))

    def walk(d: Path) -> None:
        try:
            st = d.stat()
        except OSError as exc:
            skip(d, f"无法访问该文件夹({exc.strerror or exc})")
            return
        ident = (st.st_dev, st.st_ino)
        if ident in seen_dirs:
            return  # a symlink loop or a second route to the same folder
        seen_dirs.add(ident)
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as exc:
            skip(d, f"无法读取该文件夹({exc.strerror or exc})")
            return
        for e in entries:
            p = Path(e.path)
            if e.name.startswith((".", "~$")):
                continue  # hidden files and Office lock files (~$xx.xlsx)
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                walk(p)
            else:
                add(p, explicit=False)

    def add(p: Path, explicit: bool) -> None:
        try:
            st = p.stat()
        except OSError as exc:
            skip(p, f"无法访问({exc.strerror or exc})")
            return
        if not stat.S_ISREG(st.st_mode):
            skip(p, "不是普通文件")
        elif explicit or p.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(p)  # a file named on the command line is read whatever its name
        else:
            ignored.append((_display(p), f"不是表格文件(扩展名「{p.suffix or '无'}」)"))

    for item in inputs:
        p = Path(item)
        if p.is_dir():
            walk(p)
        elif p.exists() or p.is_symlink():
            add(p, explicit=True)
        else:
            raise UsageError(f"文件或文件夹不存在:{_display(p)}")
    # The same file named twice (a file and its folder) is read once.
    unique: dict[str, Path] = {}
    for f in files:
        unique.setdefault(os.path.realpath(f), f)
    return list(unique.values()), issues, ignored


def _display(p: Path) -> str:
    return os.fsdecode(p).encode("utf-8", "replace").decode("utf-8")


def read_file(path: Path, ctx: Context, limits: Limits) -> FileResult:
    """Read and normalise one file. Never raises for bad data: problems become issues."""
    shown = _display(path)
    result = FileResult(path=shown)
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
                result.size += len(chunk)
        result.sha256 = h.hexdigest()
        wb = read_workbook(path, limits)
    except ReadError as exc:
        result.issues.append(Issue("unreadable-file", f"无法读取:{exc}", path=shown))
        return result
    except OSError as exc:
        result.issues.append(Issue("unreadable-file", f"无法读取:{exc.strerror or exc}", path=shown))
        return result
    result.format = wb.format
    for grid in wb.sheets:
        if grid.hidden:
            result.sheets.append(SheetReport(grid.name, False, "隐藏工作表(常为下拉列表数据),未读取"))
            continue
        if any(word in grid.name for word in _INSTRUCTION_SHEETS):
            result.sheets.append(SheetReport(grid.name, False, "填报说明页,未读取"))
            continue
        layout = detect(grid)
        if layout is None:
            result.sheets.append(SheetReport(grid.name, False, "没有可识别的表头"))
            continue
        sheet = extract(grid, layout, ctx, shown)
        result.records.extend(sheet.records)
        result.totals.extend(sheet.totals)
        result.issues.extend(sheet.issues)
        result.sheets.append(sheet.report)
        result.skipped_rows += sheet.skipped_rows
    if not any(s.used for s in result.sheets) and not any(i.code == "missing-column" for i in result.issues):
        listed = ";".join(f"「{s.name}」{s.reason}" for s in result.sheets) or "文件中没有工作表"
        result.issues.append(Issue(
            "no-table", f"没有找到可读取的项目表:{listed}", path=shown,
            hint="表头应包含 项目名称、金额 等列(标准格式见 gps template 生成的模板)"))
    return result


# ---- worker processes -------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(ctx: Context, limits: Limits) -> None:
    _WORKER["ctx"], _WORKER["limits"] = ctx, limits
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the pre-flight checks still apply


def _work(path: Path) -> FileResult:
    limits: Limits = _WORKER["limits"]
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime)
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (spent + limits.seconds, hard))
    except (ImportError, ValueError, OSError):
        pass
    try:
        return read_file(path, _WORKER["ctx"], limits)
    except MemoryError:
        return _failed(path, "读取时内存超出上限(文件过大或异常)")
    except RecursionError:
        return _failed(path, "文件结构嵌套过深,无法解析")


def _failed(path: Path, why: str) -> FileResult:
    shown = _display(path)
    return FileResult(path=shown, issues=[Issue("unreadable-file", f"无法读取:{why}", path=shown)])


def _isolated(path: Path, ctx: Context, limits: Limits) -> FileResult:
    """Read one file in a fresh process; a crash or a hang becomes an issue."""
    with ProcessPoolExecutor(max_workers=1, initializer=_init_worker, initargs=(ctx, limits)) as pool:
        future = pool.submit(_work, path)
        try:
            return future.result(timeout=limits.seconds * 2 + 10)
        except BrokenProcessPool:
            return _failed(path, "解析程序异常终止(文件损坏、过大或含异常结构)")
        except TimeoutError:
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.kill()
            return _failed(path, f"解析超过 {limits.seconds * 2 + 10} 秒仍未完成,已放弃")


def read_files(paths: list[Path], ctx: Context, limits: Limits | None = None, workers: int | None = None,
               progress: Callable[[int, int], None] | None = None) -> list[FileResult]:
    """Read files in worker processes; results in the order of ``paths`` whatever the workers."""
    limits = limits or Limits()
    if not paths:
        return []
    if workers is None:
        workers = min(len(paths), os.cpu_count() or 1, 8)
    workers = max(1, workers)
    results: dict[int, FileResult] = {}
    pending = list(range(len(paths)))
    try:
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(ctx, limits)) as pool:
            chunks = max(1, min(16, len(paths) // (workers * 4)))
            for n, res in enumerate(pool.map(_work, paths, chunksize=chunks)):
                results[n] = res
                if progress:
                    progress(n + 1, len(paths))
    except BrokenProcessPool:
        pass
    for n in pending:
        if n not in results:
            results[n] = _isolated(paths[n], ctx, limits)
            if progress:
                progress(len(results), len(paths))
    return [results[n] for n in range(len(paths))]
