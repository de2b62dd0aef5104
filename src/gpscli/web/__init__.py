"""`gps serve`: the submission page of each county and the bureau's 报送情况 board, as a small ASGI
application (Starlette, served by uvicorn; pages rendered by Jinja2 on the server, no script needed).

Modules: :mod:`.tokens` (links and the forms' hidden field), :mod:`.uploads` (the bounded streaming
upload), :mod:`.checking` (validation, annotated copy and ingest in a worker thread, at most N at a
time), :mod:`.app` (routes, county pages), :mod:`.words` (the county's wording: hints without gps
commands, what each version counts for, what a confirmation replaces), :mod:`.board` (the bureau's
pages), :mod:`.pages` (templates, headers, logs).
"""

from __future__ import annotations

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
