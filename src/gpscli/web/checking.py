"""What the server does with a staged upload, in a worker thread: the verdict of ``gps validate``
(the same call and the same JSON as ``gps validate --jurisdiction 地区 --format json``), the
annotated copy, the ledger's own checks for the county's jurisdiction, and the ingest.

Reading happens as in the CLI: pre-flight, then a limited worker process (``api.load`` with one
reading process per upload); the server bounds how many run at once (:class:`Gate`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import Config
    from ..ledger import Ledger
    from ..periods import Period


class Busy(Exception):
    """Every validation slot stayed taken for the whole wait (or the queue is full)."""


class Gate:
    """At most ``slots`` validations at once; others wait up to ``wait_seconds`` in line (at most
    ``queue`` of them), then are answered 503 with Retry-After."""

    def __init__(self, slots: int, wait_seconds: float, queue: int = 100) -> None:
        self.slots, self.wait_seconds, self.queue = max(1, slots), wait_seconds, queue
        self._sem: asyncio.Semaphore | None = None
        self.waiting = 0
        self.running = 0

    async def run(self, fn, *args):
        import anyio.to_thread

        if self._sem is None:
            self._sem = asyncio.Semaphore(self.slots)
        if self.waiting >= self.queue:
            raise Busy()
        self.waiting += 1
        try:
            await asyncio.wait_for(self._sem.acquire(), self.wait_seconds)
        except TimeoutError:
            raise Busy() from None
        finally:
            self.waiting -= 1
        self.running += 1
        try:
            return await anyio.to_thread.run_sync(fn, *args)
        finally:
            self.running -= 1
            self._sem.release()


@dataclass
class Verdict:
    report: dict[str, Any]  # gps validate --format json, the file named by its leaf name
    annotated: str | None = None  # the copy's file name in the upload folder
    annotate_failed: str = ""
    jurisdiction: str = ""  # the one the ledger would record it under ("" none or several)
    submitter: str = ""
    extra: list[dict[str, Any]] = field(default_factory=list)  # the ledger's own errors (no row of the year...)
    can_submit: bool = False
    refusal: str = ""  # why it cannot be submitted, besides errors
    rows: int = 0  # the projects of the period's year the ledger would record
    amount: str = "0"  # and their amount (万元, exact)


def load_options(cfg: Config) -> dict[str, Any]:
    """gps.toml's options for reading, with one reading process per upload (the gate bounds them)."""
    return {**cfg.load_options(), "workers": 1}


def validate(cfg: Config, staged: Path, jurisdiction: str, period: Period) -> Verdict:
    from .. import api
    from ..ledger.store import Request, classify
    from ..money import amount_str
    from ..outputs.annotate import write_all
    from ..outputs.validation import report_dict

    result = api.load([staged], jurisdiction=jurisdiction, **load_options(cfg))
    report = report_dict(result)
    for f in report["files"]:  # the staged folder is the server's business; the county knows its file's name
        f["path"] = staged.name
    verdict = Verdict(report)
    failures: list[str] = []
    written = write_all(result.files, lambda name: staged.parent / name,
                        lambda _f, why: failures.append(why), cfg.limits)
    verdict.annotated = written[0].name if written else None
    verdict.annotate_failed = failures[0] if failures else ""
    if result.files and not result.files[0].ignored:
        out, _parts, found = classify(result.files[0], Request(period, jurisdiction=jurisdiction), result.profile)
        verdict.jurisdiction, verdict.submitter = out.jurisdiction, out.submitter
        verdict.rows, verdict.amount = out.rows, amount_str(out.amount)
        said = {(i.code, i.sheet, i.cell) for i in result.files[0].issues}
        verdict.extra = [i.to_dict() for i in found if i.is_error and (i.code, i.sheet, i.cell) not in said]
        if out.jurisdiction and out.jurisdiction != jurisdiction:
            verdict.refusal = f"表中的地区是「{out.jurisdiction}」,本链接只能报送{jurisdiction}的表格"
        verdict.can_submit = report["ok"] and out.accepted and out.jurisdiction == jurisdiction
    return verdict


@dataclass
class Submitted:
    status: str  # new | known | refused
    message: str
    number: int = 0
    accepted: bool = False


def submit(ledger: Ledger, cfg: Config, staged: Path, jurisdiction: str, period: Period,
           reason: str | None) -> Submitted:
    """``gps ingest`` of the staged file for the county's jurisdiction (with the reason when the
    period is locked). Offered only after :func:`validate` found no error and the county's own
    jurisdiction in the file (the same bytes, read the same way, give the same rows)."""
    from ..ledger import KNOWN, NEW, Request
    from ..ledger.engine import os_user

    req = Request(period, reason or None, None, None, jurisdiction, by=f"{os_user()}(网页报送,{jurisdiction}的链接)")
    report = ledger.ingest([staged], req, load_options=load_options(cfg))
    if not report.outcomes:
        return Submitted("refused", "文件无法读取,未记录")
    o = report.outcomes[0]
    if o.status == NEW:
        if not o.accepted:
            return Submitted(o.status, f"已记录为第 {o.number} 版,但有 {o.errors} 个错误,不作为当前版本", o.number)
        said = "零报告" if o.zero else f"{o.rows} 个项目"
        return Submitted(o.status, f"已记入账本:{period.label} 第 {o.number} 版({said})", o.number, True)
    if o.status == KNOWN:
        return Submitted(o.status, o.message, o.number, o.accepted)
    return Submitted(o.status, o.message or "未记录")
