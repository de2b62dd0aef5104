"""One unattended quarter-end run, under the workspace lock: record the inbox in the ledger, then
write from the ledger's state of the period the 报送情况, the aggregate and the report draft, with
the validation of the inbox and a machine-readable summary.

The outputs of a run appear together in ``output/<期间>/`` or not at all, and a person's files
there are never removed or overwritten (:mod:`.outputs.generation`).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import api, wording
from .config import Config
from .errors import DataError, GpsError
from .outputs import owned, tables
from .outputs.annotate import write_all
from .outputs.atomic import write_bytes
from .outputs.generation import Generation
from .outputs.safe import json_text
from .outputs.validation import report_dict
from .periods import Period

MAX_LISTED = 200  # problems listed in 运行摘要.json (all of them are in 校验结果.json)
SUMMARY_NAME = "运行摘要.json"
VALIDATION_NAME = "校验结果.json"
STATUS_NAMES = ("报送情况.xlsx", "报送情况.json")
ANNOTATED_FOLDER = "问题标注"


@dataclass
class RunSummary:
    period: str
    year: int
    output_dir: Path
    started: str = ""
    run_id: str = ""
    duration_s: float = 0.0
    exit_status: int = 0
    files: int = 0  # in the inbox
    new_versions: int = 0  # recorded in the ledger by this run
    rows: int = 0  # project rows of the year in the period's state
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)  # written by this run
    last_good: list[str] = field(default_factory=list)  # kept from an earlier run (上次成功/)
    kept: list[str] = field(default_factory=list)  # a person's files in the folder, left as they were
    problems: list[dict] = field(default_factory=list)
    warning_list: list[dict] = field(default_factory=list)
    not_submitted: list[str] | None = None  # None: not known (the run stopped before the 报送情况)
    messages: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # of the messages, those shown as warnings whatever the flags
    interrupted_by: str | None = None  # SIGINT (Ctrl+C) or SIGTERM: the run stopped, nothing new written
    previous_run: dict | None = None  # interrupted: the summary of the run whose outputs are still there
    committed: bool = False  # the outputs are in place (an interruption after that changes nothing)

    @property
    def status(self) -> str:
        """ok, failed (errors in the data, or an output not made) or interrupted."""
        return "interrupted" if self.interrupted_by else "ok" if self.exit_status == 0 else "failed"

    def to_dict(self) -> dict:
        extra = {"interrupted_by": self.interrupted_by, "previous_run": self.previous_run} if self.interrupted_by else {}
        return {
            "ok": self.exit_status == 0, "status": self.status, "exit_status": self.exit_status, **extra,
            "period": self.period, "year": self.year,
            "run_id": self.run_id, "started": self.started, "duration_s": round(self.duration_s, 3),
            "output_dir": str(self.output_dir), "files": self.files, "new_versions": self.new_versions,
            "rows": self.rows, "errors": self.errors,
            "warnings": self.warnings, "outputs": self.outputs, "last_good": self.last_good, "kept": self.kept,
            "not_submitted": self.not_submitted, "messages": self.messages, "problems": self.problems,
            "warning_list": self.warning_list,
        }


def _json(data: dict) -> bytes:
    return json_text(data).encode("utf-8")


def run_period(cfg: Config, period: Period, *, progress: Callable[[int, int], None] | None = None,
               report: Callable[[api.Result, int, Path], Path] | None = None) -> RunSummary:
    """Everything a quarter-end run does. ``report(result, year, path)`` drafts the DOCX at ``path``
    (injected by the caller) from the ledger's state. Stopped by Ctrl+C or SIGTERM, it leaves a
    运行摘要.json saying so (:func:`record_interruption`) and lets the interruption go on."""
    t0 = time.perf_counter()
    out_dir = cfg.output / period.label
    summary = RunSummary(period.label, period.year, out_dir, started=dt.datetime.now().isoformat(timespec="seconds"))
    try:
        return _run(cfg, period, summary, t0, progress, report)
    except KeyboardInterrupt as exc:
        if summary.committed:  # too late to stop anything: the outputs and their summary are in place
            exc.outputs_in_place = True  # type: ignore[attr-defined]
        else:
            record_interruption(summary, getattr(exc, "signal_name", "SIGINT"), time.perf_counter() - t0)
        raise


def _run(cfg: Config, period: Period, summary: RunSummary, t0: float, progress: Callable[[int, int], None] | None,
         report: Callable[[api.Result, int, Path], Path] | None) -> RunSummary:
    from .ledger import NEW, Ledger, Request
    from .ledger.store import dropped_text

    out_dir = summary.output_dir
    url = cfg.ledger()
    if url is None:
        raise GpsError("工作区没有账本")
    ledger = Ledger.open(url, create=True)
    ingested = ledger.ingest(cfg.data, Request(period), load_options=cfg.load_options(), progress=progress, run=True)
    result = ingested.result or _empty_result(cfg)
    result.issues = list(ingested.skipped)  # paths that could not be reached
    summary.files = len(ingested.outcomes)
    summary.new_versions = sum(1 for o in ingested.outcomes if o.status == NEW)
    summary.errors, summary.warnings = len(result.errors), len(result.warnings)
    summary.problems = [i.to_dict(with_path=True) for i in result.all_issues()][:MAX_LISTED]
    summary.warning_list = [i.to_dict(with_path=True) for i in result.warnings]
    summary.messages += [f"{o.path}:未记入账本。{o.message}" for o in ingested.outcomes if o.status == "refused"]
    summary.alerts = [f"{o.path}:{dropped_text(o, period.label)}" for o in ingested.outcomes
                      if o.status == NEW and o.replaced is not None]
    summary.messages += summary.alerts
    if not ingested.outcomes and not ingested.skipped:
        inbox = "、".join(map(str, cfg.data))
        summary.messages.append(f"收件箱 {inbox} 中没有找到报送表格;本期的输出由账本中已有的版本写出")
    if not ingested.ok or result.errors:
        summary.exit_status = 1

    gen = Generation(out_dir)
    summary.run_id = gen.id
    gen.begin()
    try:
        _write_outputs(gen, ledger, cfg, result, period, summary, report)
        summary.duration_s = time.perf_counter() - t0
        summary.last_good = [str(p) for p in gen.last_good]
        summary.kept = [str(out_dir / rel) for rel in gen.carried]
        summary.messages += gen.messages
        path = gen.path(SUMMARY_NAME)
        summary.outputs.append(str(gen.final(path)))
        write_bytes(path, _json(summary.to_dict()))
        owned.tag(path, role="summary")
        gen.commit()
        summary.committed = True
    except BaseException:
        gen.abort()
        raise
    summary.messages += [m for m in gen.messages if m not in summary.messages]
    return summary


INTERRUPTED_STATUS = {"SIGINT": 130, "SIGTERM": 143}  # 128 + the signal, as shells report it


def record_interruption(summary: RunSummary, signal_name: str, duration: float) -> None:
    """Write 运行摘要.json for a run stopped by ``signal_name``, atomically, in the period folder,
    which holds the previous run's outputs (if any), untouched: the summary says so and keeps the
    previous summary in ``previous_run``. A person's file of that name is left alone; a failure to
    write is no reason to hide the interruption itself."""
    from .outputs.atomic import make_dir

    summary.interrupted_by = signal_name
    summary.exit_status = INTERRUPTED_STATUS.get(signal_name, 130)
    summary.duration_s = duration
    summary.outputs, summary.last_good, summary.kept = [], [], []
    how = "Ctrl+C" if signal_name == "SIGINT" else f"结束信号 {signal_name}"
    summary.messages.append(f"本次运行被中断(收到 {how}),没有写出新的输出;{summary.output_dir} 中的其他文件(如有)"
                            "是上一次运行留下的,保持原样")
    path = summary.output_dir / SUMMARY_NAME
    try:
        if owned.is_owned(path):
            previous = json.loads(path.read_text(encoding="utf-8"))
            summary.previous_run = previous.get("previous_run") if previous.get("interrupted_by") else previous
        make_dir(summary.output_dir)
        write_bytes(path, _json(summary.to_dict()))
        owned.tag(path, role="summary")
    except (OSError, ValueError, GpsError):
        return
    summary.outputs.append(str(path))


def _empty_result(cfg: Config) -> api.Result:
    from . import profile
    from .editions import resolve

    cat, editions = resolve(cfg.catalogue_source())
    return api.Result([], [], cat, profile.load(cfg.profile), catalogues=editions)


def _write_outputs(gen: Generation, ledger, cfg: Config, result: api.Result, period: Period, summary: RunSummary,
                   report: Callable[[api.Result, int, Path], Path] | None) -> None:
    roles: dict[str, str] = {}

    def emit(path: Path, role: str) -> None:
        owned.tag(path, role=role, run=gen.id)
        roles[path.name] = role
        summary.outputs.append(str(gen.final(path)))

    path = gen.path(VALIDATION_NAME)
    write_bytes(path, _json(report_dict(result)))
    emit(path, "validation")

    def failed(f, why: str) -> None:
        summary.messages.append(f"无法为 {f.path} 生成标注副本:{why}")

    for p in write_all(result.files, lambda name: gen.path(f"{ANNOTATED_FOLDER}/{name}"), failed, cfg.limits):
        emit(p, "annotated")
    _drop_if_empty(gen.staging / ANNOTATED_FOLDER)  # every copy failed: no empty folder for the clerk to open
    _write_status(gen, ledger, cfg, result.profile.names(), period, summary, emit)
    year = period.year
    state = ledger.result(period, Period(year - 1, period.quarter), Period(year + 1),
                          catalogue=result.catalogues or result.catalogue,
                          profile=result.profile)
    missing = "汇总表和报告初稿" if report is not None else "汇总表"
    try:
        if state.errors:  # only errors across files: a version with errors is nobody's current one
            raise DataError(f"账本中{period.text}各地当前版本的数据有 {len(state.errors)} 个错误(见 {VALIDATION_NAME})")
        if year not in state.years():
            raise DataError(f"账本中还没有 {year} 年的项目(各地尚未报送无误的表格)")
        agg = api.aggregate(state, year=year)
    except DataError as exc:
        written = [_relative(o, summary.output_dir) for o in summary.outputs] + [SUMMARY_NAME]
        summary.messages.append(f"未生成{missing}:{exc}。本次写出了:{'、'.join(written)}")
        summary.exit_status = 1
    else:
        summary.rows = agg.total.count
        for name in (wording.table_filename(year), wording.table_json_filename(year)):
            emit(tables.write(agg, gen.path(name)), "table")
        if report is not None:
            try:
                emit(report(state, year, gen.path(wording.report_filename(year))), "report")
            except GpsError as exc:
                summary.messages.append(f"报告未生成:{exc}")
                summary.exit_status = 1
    gen.keep_last_good(roles)
    if gen.last_good:
        summary.messages.append(f"本次未生成的输出保留了上次成功运行的版本,在 {gen.period_dir / '上次成功'} 中")


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(path).relative_to(folder).as_posix()
    except ValueError:
        return path


def _drop_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()  # only an empty one; this run's staging folder, so gps made it
    except OSError:
        pass


def _write_status(gen: Generation, ledger, cfg: Config, names: list[str], period: Period, summary: RunSummary,
                  emit) -> None:
    from .outputs.status import status_xlsx

    st = ledger.status(period, names, period.deadline(cfg.quarter_days, cfg.year_days))
    summary.not_submitted = [x.jurisdiction for x in st.lines if x.status in ("未报送", "有错误待更正")]
    xlsx, js = (gen.path(n) for n in STATUS_NAMES)
    write_bytes(xlsx, status_xlsx(st))
    emit(xlsx, "status")
    write_bytes(js, _json(st.to_dict()))
    emit(js, "status")
