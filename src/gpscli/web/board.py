"""The bureau's pages: 报送情况 of a period, each jurisdiction's versions and what changed between
them, and the 汇总表 and report draft made from the ledger. Reached only with a bureau token."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import uploads
from .checking import Busy
from .pages import not_found, render
from .tokens import BUREAU

if TYPE_CHECKING:
    from .app import Server


def routes(bind) -> list:
    from starlette.routing import Route

    return [
        Route("/b/{token}", bind(board_page)),
        Route("/b/{token}/j/{jurisdiction}", bind(history_page)),
        Route("/b/{token}/summary.xlsx", bind(summary_xlsx)),
        Route("/b/{token}/report.docx", bind(report_docx)),
    ]


def _period(grant, request):
    """The period asked (?period=2017Q3), else the link's; and what is wrong with the one asked
    ("" when nothing): the link's period is shown then, under that message."""
    from ..errors import GpsError
    from ..periods import Period

    asked = (request.query_params.get("period") or "").strip()
    if not asked or asked == "auto":
        return Period.parse(grant.period), ""
    try:
        return Period.parse(asked), ""
    except GpsError:
        return Period.parse(grant.period), f"期间「{asked}」格式不对,请写成 2017Q4 或 2017"


def _bureau_period(server: Server, request):
    """(the bureau's grant, the period asked) for a page that needs a well-formed period, or the
    response instead: 404 for a token that is not the bureau's, 400 for a period that cannot be read."""
    grant = server.grant(request, BUREAU)
    if grant is None:
        return None, None, not_found()
    p, wrong = _period(grant, request)
    if wrong:
        return None, None, render("message.html", 400, title="期间格式不对", text=wrong)
    return grant, p, None


async def board_page(server: Server, request):
    grant = server.grant(request, BUREAU)
    if grant is None:
        return not_found()
    p, wrong = _period(grant, request)
    st = server.ledger.status(p, server.profile().names(), server.cfg.deadline(p))  # type: ignore[arg-type]
    counts: dict[str, int] = {}
    for x in st.lines:
        counts[x.shown_status] = counts.get(x.shown_status, 0) + 1
    waiting = [x for x in st.lines if x.errors]
    return render("board.html", 400 if wrong else 200, request_token=request.path_params["token"], grant=grant,
                  period=p, status=st, counts=counts, waiting=waiting, wrong=wrong,
                  queue={"running": server.gate.running, "waiting": server.gate.waiting})


async def history_page(server: Server, request):
    grant, p, refused = _bureau_period(server, request)
    if refused is not None:
        return refused
    name = request.path_params.get("jurisdiction", "")
    if name not in server.profile().names():
        return not_found()
    entries = server.ledger.history(jurisdiction=name, year=p.year)[::-1]
    issues = {e.version.id: _issues(server, e.version.id) for e in entries if not e.version.accepted}
    return render("history.html", request_token=request.path_params["token"], grant=grant, period=p,
                  jurisdiction=name, entries=entries, issues=issues)


def _issues(server: Server, version_id: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from ..ledger import schema as s

    c = s.issues.c
    with server.ledger.engine.connect() as conn:
        rows = conn.execute(select(c.severity, c.message, c.hint, c.sheet, c.cell)
                            .where(c.version_id == version_id).order_by(c.seq).limit(200)).all()
    return [dict(r._mapping) for r in rows]


def _made(server: Server, p, what: str) -> tuple[bytes, str] | str:
    """The 汇总表 (``what`` = "table") or the report draft of period ``p``, made from the ledger in a
    scratch folder of the workspace: (bytes, file name), or why not (Chinese)."""
    from .. import api, wording
    from ..errors import GpsError
    from ..periods import Period

    folder = uploads.new_folder(server.workspace)
    try:
        cfg = server.cfg
        year = p.year
        state = server.ledger.result(p, Period(year - 1, p.quarter), Period(year + 1),
                                     catalogue=cfg.catalogue_source(), profile=cfg.profile)
        if year not in state.years():
            return f"账本中还没有{p.text}无误的项目"
        if what == "table":
            from ..outputs import tables

            agg = api.aggregate(state, year=year, skip_invalid=True)
            path = tables.write(agg, folder / wording.table_filename(year))
        else:
            from ..report import draft_for_run

            path = draft_for_run(state, year, folder / wording.report_filename(year), cfg)
        return Path(path).read_bytes(), Path(path).name
    except GpsError as exc:
        return str(exc)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _download(server: Server, request, what: str):
    from .app import download

    _grant, p, refused = _bureau_period(server, request)
    if refused is not None:
        return refused
    try:
        made = await server.gate.run(_made, server, p, what)
    except Busy:
        return render("message.html", 503, {"retry-after": "30"}, title="排队中", text="服务器正忙,请 30 秒后再试。")
    if isinstance(made, str):
        return render("message.html", 409, title="未能生成", text=made)
    server.log.write("download", role="bureau", what=what, period=p.label)
    return download(*made)


async def summary_xlsx(server: Server, request):
    return await _download(server, request, "table")


async def report_docx(server: Server, request):
    return await _download(server, request, "report")
