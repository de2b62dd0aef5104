"""Rendering and the response headers every page carries; the request and upload logs."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..text import inert

_ENV: Environment | None = None
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",  # the token is in the URL: never sent on to another site
    "cache-control": "no-store",
}


def env() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                           autoescape=select_autoescape(default=True, default_for_string=True))
        _ENV.filters["local"] = _local
    return _ENV


def _local(t: dt.datetime | None) -> str:
    from ..periods import local_text

    return local_text(t) if t else ""


def render(name: str, code: int = 200, headers: dict[str, str] | None = None, **context: Any):
    from starlette.responses import HTMLResponse

    html = env().get_template(name).render(**context)
    return HTMLResponse(html, status_code=code, headers=headers)


def not_found():
    return render("message.html", 404, title="页面不存在", text="链接无效或已停用。请向财政局索取新的报送链接。")


_TOKEN_IN_PATH = re.compile(r"^/(c|b)/([^/]+)")


def masked(path: str) -> str:
    """A path fit for the log: the token replaced by the first 8 characters of its SHA-256."""
    from .tokens import digest

    return _TOKEN_IN_PATH.sub(lambda m: f"/{m.group(1)}/#{digest(m.group(2))[:8]}", path)


class Log:
    """Lines appended to a log file in the workspace (requests, uploads, submissions), each stamped,
    every text from a request made inert (no forged lines)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()

    def write(self, kind: str, **fields: Any) -> None:
        if self.path is None:
            return
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        text = " ".join(f"{k}={inert(str(v)).replace(' ', '␠')}" for k, v in fields.items())
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(f"{stamp} {kind} {text}\n")


class Framing:
    """ASGI middleware: the security headers on every response, and a log line per request (the
    token masked; uvicorn's own access log is turned off, since it would write the token)."""

    def __init__(self, app: Any, log: Log) -> None:
        self.app, self.log = app, log

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = [0]

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                have = {k.lower() for k, _v in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k.encode() not in have]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            client = scope.get("client") or ("-", 0)
            self.log.write("request", ip=client[0], method=scope.get("method", ""), path=masked(scope.get("path", "")),
                           status=status[0], ms=round((time.perf_counter() - t0) * 1000))
