"""One unattended quarter-end run: validate the inbox, write the aggregate and the report draft,
and a machine-readable summary, under the workspace lock."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import api
from .config import Config
from .errors import DataError, GpsError
from .outputs import tables
from .outputs.atomic import write_bytes
from .outputs.validation import report_dict


@dataclass
class RunSummary:
    period: str
    year: int
    output_dir: Path
    started: str = ""
    duration_s: float = 0.0
    exit_status: int = 0
    files: int = 0
    rows: int = 0
    errors: int = 0
    warnings: int = 0
    outputs: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    not_submitted: list[str] | None = None  # None: not known (nothing was aggregated)
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "ok": self.exit_status == 0, "exit_status": self.exit_status, "period": self.period, "year": self.year,
            "started": self.started, "duration_s": round(self.duration_s, 3), "output_dir": str(self.output_dir),
            "files": self.files, "rows": self.rows, "errors": self.errors, "warnings": self.warnings,
            "outputs": self.outputs, "not_submitted": self.not_submitted, "messages": self.messages,
            "problems": self.problems,
        }


def _remove_stale(out_dir: Path, summary: RunSummary) -> None:
    """Outputs of an earlier run of the same period that this run did not rewrite would contradict
    its summary (e.g. last week's 汇总表 beside today's errors): remove them and say so."""
    written = {Path(p).resolve() for p in summary.outputs}
    for pattern in ("*年政府购买服务项目汇总表.xlsx", "*年政府购买服务项目汇总.json", "*.docx", "问题标注/*.xls*"):
        for old in out_dir.glob(pattern):
            if old.resolve() not in written and not old.name.startswith((".", "~$")):
                old.unlink()
                summary.messages.append(f"已删除上次运行留下的过期文件:{old.name}")


def run_period(cfg: Config, year: int, period: str, *, skip_invalid: bool = False,
               progress: Callable[[int, int], None] | None = None,
               report: Callable[[api.Result, int, Path], Path] | None = None) -> RunSummary:
    """Everything a quarter-end run does. ``report`` drafts the DOCX (injected by the caller)."""
    import datetime as dt

    t0 = time.perf_counter()
    out_dir = cfg.output / period
    summary = RunSummary(period, year, out_dir, started=dt.datetime.now().isoformat(timespec="seconds"))
    result = api.load(cfg.data, progress=progress, **cfg.load_options())
    summary.files = len(result.files)
    summary.rows = sum(f.rows + f.skipped_rows for f in result.files)
    summary.errors, summary.warnings = len(result.errors), len(result.warnings)
    summary.problems = [i.to_dict(with_path=True) for i in result.all_issues()][:200]

    def emit(path: Path) -> None:
        summary.outputs.append(str(path))

    validation = out_dir / "校验结果.json"
    write_bytes(validation, (json.dumps(report_dict(result), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    emit(validation)
    if result.errors:
        from .outputs.annotate import annotate

        for f in result.files:
            if f.issues and not f.ignored and f.format:
                try:
                    p = annotate(f, out_dir / "问题标注")
                except Exception as exc:  # noqa: BLE001 - one copy failing must not stop the run
                    summary.messages.append(f"无法为 {f.path} 生成标注副本({type(exc).__name__})")
                    continue
                if p:
                    emit(p)
    try:
        agg = api.aggregate(result, year=year, skip_invalid=skip_invalid)
    except DataError as exc:
        summary.messages.append(str(exc))
        summary.exit_status = 1
    else:
        summary.not_submitted = [s.jurisdiction for s in agg.submissions if not s.submitted]
        for name in (f"{year}年政府购买服务项目汇总表.xlsx", f"{year}年政府购买服务项目汇总.json"):
            emit(tables.write(agg, out_dir / name))
        if report is not None:
            try:
                emit(report(result, year, out_dir))
            except GpsError as exc:
                summary.messages.append(f"报告未生成:{exc}")
                summary.exit_status = 1
        if agg.skipped:
            summary.exit_status = 1
    _remove_stale(out_dir, summary)
    summary.duration_s = time.perf_counter() - t0
    summary_path = out_dir / "运行摘要.json"
    summary.outputs.append(str(summary_path))
    write_bytes(summary_path, (json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return summary
