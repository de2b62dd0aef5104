"""The application: settings, the token check, and the county's pages (the board is in .board).

Every route starts from the token in its path: unknown, revoked, or of the other role, the answer
is the same 404 as for a page that does not exist. A county's token reaches only its own
jurisdiction's page and its own uploads (each upload folder records the digest of the token that
made it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from . import uploads, words
from .checking import Busy, Gate, submit, validate
from .pages import Framing, Log, not_found, render
from .tokens import COUNTY, Forms, Grant, find

if TYPE_CHECKING:
    from ..config import Config
    from ..ledger import Ledger


@dataclass
class Settings:
    max_upload_mb: int = 20
    workers: int = 2  # validations at once
    queue_seconds: int = 60  # how long an upload waits for a free slot before 503
    log: Path | None = None  # the request and upload log (default: gps-serve.log in the workspace)
    public_url: str = ""  # how the links are printed (https://gps.example.gov.cn); default http://host:port


class OneAtATime:
    """One confirmation of an upload at a time: a second (a double click) waits for the first and
    then finds it done."""

    def __init__(self) -> None:
        self.locks: dict[str, asyncio.Lock] = {}
        self.users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        lock = self.locks.setdefault(key, asyncio.Lock())
        self.users[key] = self.users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self.users[key] -= 1
            if not self.users[key]:
                del self.users[key], self.locks[key]


@dataclass
class Server:
    cfg: Config
    ledger: Ledger
    settings: Settings
    workspace: Path
    gate: Gate
    forms: Forms = field(default_factory=Forms)
    log: Log = field(default_factory=lambda: Log(None))
    confirming: OneAtATime = field(default_factory=OneAtATime)

    def grant(self, request: Any, role: str) -> Grant | None:
        g = find(self.ledger, request.path_params.get("token", ""))
        return g if g is not None and g.role == role else None

    def profile(self):
        from ..profile import load

        return load(self.cfg.profile)


def create_app(cfg: Config, ledger: Ledger, settings: Settings | None = None):
    from starlette.applications import Starlette
    from starlette.routing import Route

    from . import board

    settings = settings or Settings()
    if cfg.root is None:
        from ..errors import UsageError

        raise UsageError("gps serve 须在工作区中运行(当前文件夹及上级文件夹中没有 gps.toml)")
    server = Server(cfg, ledger, settings, cfg.root, Gate(settings.workers, settings.queue_seconds))
    server.log = Log(settings.log if settings.log is not None else cfg.root / "gps-serve.log")
    uploads.root(cfg.root).mkdir(exist_ok=True)

    def bind(fn):
        async def endpoint(request):
            return await fn(server, request)
        return endpoint

    routes = [
        Route("/c/{token}", bind(county_page)),
        Route("/c/{token}/upload", bind(county_upload), methods=["POST"]),
        Route("/c/{token}/u/{uid}", bind(upload_page)),
        Route("/c/{token}/u/{uid}/annotated", bind(annotated)),
        Route("/c/{token}/u/{uid}/verdict.json", bind(verdict_json)),
        Route("/c/{token}/u/{uid}/submit", bind(county_submit), methods=["POST"]),
        Route("/static/gps.css", static_css),
        *board.routes(bind),
    ]
    app = Starlette(routes=routes, exception_handlers={404: _missing, 405: _missing})
    app.state.server = server
    return Framing(app, server.log)


async def _missing(request, exc):
    return not_found()


async def static_css(request):
    from starlette.responses import Response

    css = (Path(__file__).parent / "templates" / "gps.css").read_text(encoding="utf-8")
    return Response(css, media_type="text/css", headers={"cache-control": "max-age=3600"})


def _period(grant: Grant):
    from ..periods import Period

    return Period.parse(grant.period)


def county_context(server: Server, grant: Grant, request) -> dict[str, Any]:
    """What the county's page shows: the period, its deadline, whether locked, its versions."""
    p = _period(grant)
    versions = [v for v in server.ledger.versions(jurisdiction=grant.jurisdiction, year=p.year)
                if v.period == p.label]
    return {"grant": grant, "period": p, "deadline": server.cfg.deadline(p), "versions": versions[::-1],
            "states": words.version_states(versions),
            "locked": p.label in server.ledger.locked_periods(),
            "max_mb": server.settings.max_upload_mb, "csrf": server.forms.field(grant, "upload"),
            "request_token": request.path_params["token"]}


async def county_page(server: Server, request):
    grant = server.grant(request, COUNTY)
    if grant is None:
        return not_found()
    return render("county.html", **county_context(server, grant, request))


def _busy():
    return render("message.html", 503, {"retry-after": "30"}, title="排队中",
                  text="现在同时检查的文件较多,请 30 秒后重新上传(您的文件未被记录)。")


async def county_upload(server: Server, request):
    grant = server.grant(request, COUNTY)
    if grant is None:
        return not_found()
    limit = server.settings.max_upload_mb * 1024 * 1024
    try:
        got = await uploads.receive(request, server.workspace, limit)
    except uploads.TooLarge:
        server.log.write("upload-refused", jurisdiction=grant.jurisdiction, why="too-large")
        return render("message.html", 413, title="文件太大",
                      text=f"文件超过 {server.settings.max_upload_mb} MB,未接收。请删去多余的工作表或图片后再上传。")
    except uploads.BadForm:
        return render("message.html", 400, title="没有收到文件", text="请选择一个表格文件后再点“上传并检查”。")
    if not server.forms.check(grant, "upload", got.fields.get("csrf")):
        shutil.rmtree(got.folder, ignore_errors=True)
        return render("message.html", 403, title="页面已过期", text="请重新打开报送链接后再上传。")
    uploads.sweep(server.workspace)
    try:
        verdict = await server.gate.run(validate, server.cfg, got.path, grant.jurisdiction, _period(grant))
    except Busy:
        shutil.rmtree(got.folder, ignore_errors=True)
        return _busy()
    meta = {"grant": grant.digest, "name": got.name, "sha256": got.sha256, "size": got.size,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "verdict": verdict.report,
            "annotated": verdict.annotated, "annotate_failed": verdict.annotate_failed, "extra": verdict.extra,
            "can_submit": verdict.can_submit, "refusal": verdict.refusal, "submitter": verdict.submitter,
            "year_rows": verdict.rows, "year_amount": verdict.amount}
    uploads.save_meta(got.folder, meta)
    s = verdict.report["summary"]
    server.log.write("upload", jurisdiction=grant.jurisdiction, upload=got.folder.name, name=got.given_name,
                     size=got.size, sha256=got.sha256, errors=s["errors"], warnings=s["warnings"])
    return _verdict_page(server, request, grant, got.folder.name, meta)


def _verdict_page(server: Server, request, grant: Grant, uid: str, meta: dict[str, Any], status: int = 200):
    from ..codes import REGISTRY

    issues = [i for f in meta["verdict"]["files"] for i in f["issues"]] + meta.get("extra", [])
    for i in issues:  # in the county's words: no gps commands or options in the hints
        i["title"] = words.for_county(REGISTRY[i["code"]].title if i["code"] in REGISTRY else i["code"])
        i["message"], i["hint"] = words.for_county(i.get("message")), words.for_county(i.get("hint"))
        i["where"] = f"{i['sheet']}!{i['cell']}" if i.get("sheet") and i.get("cell") else (i.get("sheet") or "-")
    ctx = county_context(server, grant, request)
    replaces = (words.replacing(server.ledger, ctx["period"], grant.jurisdiction or "", meta)
                if meta.get("can_submit") else "")
    return render("verdict.html", status, **ctx, uid=uid, meta=meta, issues=issues, replaces=replaces,
                  refusal=words.for_county(meta.get("refusal")), submit_csrf=server.forms.field(grant, "submit:" + uid))


def _submitted_page(server: Server, request, grant: Grant, meta: dict[str, Any], again: bool = False):
    """The county page after a confirmation (POST, then redirect here); or, for a second
    confirmation of the same upload, the page saying it was already recorded."""
    done = meta["submitted"]
    if again:
        done = {**done, "accepted": True, "message": f"本文件已报送(第 {done['number']} 版),无需再次确认。"}
    return render("county.html", 200, **county_context(server, grant, request), done=SimpleNamespace(**done))


def _own_upload(server: Server, request) -> tuple[Grant, Path, dict[str, Any]] | None:
    import hmac

    grant = server.grant(request, COUNTY)
    if grant is None:
        return None
    folder = uploads.folder_of(server.workspace, request.path_params.get("uid", ""))
    meta = uploads.load_meta(folder) if folder is not None else None
    if folder is None or meta is None or not hmac.compare_digest(str(meta.get("grant", "")), grant.digest):
        return None
    return grant, folder, meta


async def upload_page(server: Server, request):
    own = _own_upload(server, request)
    if own is None:
        return not_found()
    grant, folder, meta = own
    if meta.get("submitted"):
        return _submitted_page(server, request, grant, meta)
    return _verdict_page(server, request, grant, folder.name, meta)


async def annotated(server: Server, request):
    own = _own_upload(server, request)
    if own is None or not own[2].get("annotated"):
        return not_found()
    _grant, folder, meta = own
    return download((folder / meta["annotated"]).read_bytes(), meta["annotated"])


async def verdict_json(server: Server, request):
    from starlette.responses import Response

    from ..outputs.safe import json_text

    own = _own_upload(server, request)
    if own is None:
        return not_found()
    return Response(json_text(own[2]["verdict"]), media_type="application/json")


def download(data: bytes, name: str):
    from urllib.parse import quote

    from starlette.responses import Response

    ctype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if name.endswith(".xlsx")
             else "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return Response(data, media_type=ctype, headers={
        "content-disposition": f"attachment; filename=\"download{Path(name).suffix}\"; filename*=UTF-8''{quote(name)}"})


async def county_submit(server: Server, request):
    from starlette.responses import RedirectResponse

    own = _own_upload(server, request)
    if own is None:
        return not_found()
    grant, folder, meta = own
    try:
        fields = await uploads.form_fields(request)
    except uploads.TooLarge:
        return render("message.html", 413, title="内容太长", text="请缩短重报原因。")
    if not server.forms.check(grant, "submit:" + folder.name, fields.get("csrf")):
        return render("message.html", 403, title="页面已过期", text="请重新打开报送链接后再上传。")
    async with server.confirming.hold(folder.name):
        meta = uploads.load_meta(folder) or meta  # a confirmation just before this one may have recorded it
        if meta.get("submitted"):
            return _submitted_page(server, request, grant, meta, again=True)
        answer = await _confirm(server, request, grant, folder, meta, fields.get("reason", "").strip())
    if answer is not None:
        return answer
    return RedirectResponse(f"/c/{request.path_params['token']}/u/{folder.name}", status_code=303)


async def _confirm(server: Server, request, grant: Grant, folder: Path, meta: dict[str, Any], reason: str):
    """The ingest of a confirmed upload; None when it was recorded (the folder then keeps only its
    marker), else the page to answer."""
    if not meta.get("can_submit"):
        return _verdict_page(server, request, grant, folder.name, meta, 409)
    staged = folder / meta["name"]
    if hashlib.sha256(staged.read_bytes()).hexdigest() != meta["sha256"]:  # pragma: no cover - ours alone
        return not_found()
    p = _period(grant)
    if p.label in server.ledger.locked_periods() and not reason:
        meta["need_reason"] = True
        return _verdict_page(server, request, grant, folder.name, meta, 400)
    try:
        done = await server.gate.run(submit, server.ledger, server.cfg, staged, grant.jurisdiction, p, reason)
    except Busy:
        return _busy()
    server.log.write("submit", jurisdiction=grant.jurisdiction, upload=folder.name, sha256=meta["sha256"],
                     status=done.status, version=done.number, reason=reason)
    if done.status == "refused":
        return render("county.html", 409, **county_context(server, grant, request), done=done)
    uploads.mark_submitted(folder, meta, {"status": done.status, "message": done.message, "number": done.number,
                                          "accepted": done.accepted})  # the ledger keeps the bytes now
    return None
