"""One unattended quarter-end run, under the workspace lock: record the inbox in the ledger, then
write from the ledger's state of the period the 报送情况, the aggregate and the report draft, with
the validation of the inbox and a machine-readable summary.

The outputs of a run appear together in ``output/<期间>/`` or not at all, and a person's files
there are never removed or overwritten (:mod:`.outputs.generation`).
"""

from __future__ import annotations

import datetime as dt
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
    not_submitted: list[str] | None = None  # None: not known (nothing was aggregated)
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ok": self.exit_status == 0, "exit_status": self.exit_status, "period": self.period, "year": self.year,
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
    (injected by the caller) from the ledger's state."""
    from .ledger import NEW, Ledger, Request

    t0 = time.perf_counter()
    out_dir = cfg.output / period.label
    summary = RunSummary(period.label, period.year, out_dir, started=dt.datetime.now().isoformat(timespec="seconds"))
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
    except BaseException:
        gen.abort()
        raise
    summary.messages += [m for m in gen.messages if m not in summary.messages]
    return summary


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
    _write_status(gen, ledger, cfg, result.profile.names(), period, summary, emit)
    year = period.year
    state = ledger.result(period, Period(year - 1, period.quarter), Period(year + 1),
                          catalogue=result.catalogues or result.catalogue,
                          profile=result.profile)
    try:
        agg = api.aggregate(state, year=year)
    except DataError as exc:
        summary.messages.append(str(exc))
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
