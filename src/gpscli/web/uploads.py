"""Receiving an upload: the body counted while it streams (refused past the limit before it is read
whole), the multipart form parsed by python-multipart's streaming parser straight into a folder of
the workspace, and the staged uploads cleaned up.

Nothing from the request names a path: each upload gets a folder ``.gps-uploads/<random>/``; the
browser's file name is only cleaned into a leaf name inside it (kept for the messages, the annotated
copy's name and the submitter the ledger reads from names, as ``gps ingest`` does).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UPLOADS = ".gps-uploads"
FIELD_BYTES = 4096  # a text field of a form (the hidden field, a reason)
SLACK = 64 * 1024  # the multipart framing around the file
KEEP_SECONDS = 2 * 3600  # a verdict not followed by a submission is kept this long (the annotated copy)
MAX_KEPT = 200  # and at most this many are kept at all (the oldest go first): uploads cannot fill the disk
UPLOAD_FIELD = "file"
_ID = re.compile(r"^[A-Za-z0-9_-]{16,32}$")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


class TooLarge(Exception):
    """The body or the file is past the limit."""


class BadForm(Exception):
    """Not the form the page sends (no file, two files, a field too long, not multipart)."""


@dataclass
class Received:
    folder: Path
    fields: dict[str, str] = field(default_factory=dict)
    name: str = ""  # the cleaned leaf name the file is staged under
    given_name: str = ""  # what the browser said (for the log)
    size: int = 0
    sha256: str = ""

    @property
    def path(self) -> Path:
        return self.folder / self.name


def root(workspace: Path) -> Path:
    return workspace / UPLOADS


def new_folder(workspace: Path) -> Path:
    base = root(workspace)
    base.mkdir(exist_ok=True)
    folder = base / secrets.token_urlsafe(16)
    folder.mkdir()  # exclusive: a fresh random name
    return folder


def folder_of(workspace: Path, upload_id: str) -> Path | None:
    """The folder of an upload id from a request, or None when the id is not one gps makes."""
    if not _ID.match(upload_id):
        return None
    folder = root(workspace) / upload_id
    return folder if folder.is_dir() else None


def leaf_name(given: str) -> str:
    """A browser's file name made a harmless leaf: the last path part, without control or reserved
    characters, leading dots or a device name, at most 100 characters with its suffix kept."""
    name = re.split(r"[\\/]", given or "")[-1]
    name = re.sub(r'[\x00-\x1f\x7f<>:"|?*\u202a-\u202e\u2066-\u2069]', "_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:10]
    stem = stem[: 100 - len(suffix) - 1] or "上传文件"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return f"{stem}.{suffix}" if suffix else stem


async def receive(request: Any, workspace: Path, max_bytes: int) -> Received:
    """Stream the multipart body into a new upload folder. Raises :class:`TooLarge` (the declared
    length, or the bytes counted so far, past ``max_bytes``) or :class:`BadForm`; the folder is
    removed then."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes + SLACK):
        raise TooLarge()
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, parse_options_header

    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise BadForm()
    folder = new_folder(workspace)
    part = _Parts(folder, max_bytes)
    parser = MultipartParser(boundary, part.callbacks())  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in request.stream():
            total += len(chunk)
            if total > max_bytes + SLACK:
                raise TooLarge()
            parser.write(chunk)
        parser.finalize()
        return part.done()
    except MultipartParseError:
        part.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise BadForm() from None
    except BaseException:
        part.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise


class _Parts:
    """The callbacks of the streaming parser: text fields kept (short), the one file written."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        self.folder, self.max_bytes = folder, max_bytes
        self.got = Received(folder)
        self.headers: dict[bytes, bytes] = {}
        self.header: list[bytes] = [b"", b""]
        self.kind = ""  # "file" | "field"
        self.name = ""
        self.value = bytearray()
        self.fh: Any = None
        self.hash = hashlib.sha256()
        self.files = 0

    def callbacks(self) -> dict[str, Any]:
        return {"on_part_begin": self.begin, "on_header_field": self.h_field, "on_header_value": self.h_value,
                "on_header_end": self.h_end, "on_headers_finished": self.headers_done,
                "on_part_data": self.data, "on_part_end": self.end}

    def begin(self) -> None:
        self.headers, self.header, self.value, self.kind = {}, [b"", b""], bytearray(), ""

    def h_field(self, data: bytes, start: int, end: int) -> None:
        self.header[0] += data[start:end]

    def h_value(self, data: bytes, start: int, end: int) -> None:
        self.header[1] += data[start:end]
        if len(self.header[1]) > FIELD_BYTES:
            raise BadForm()

    def h_end(self) -> None:
        self.headers[self.header[0].strip().lower()] = self.header[1].strip()
        self.header = [b"", b""]

    def headers_done(self) -> None:
        from python_multipart.multipart import parse_options_header

        _disp, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = params.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in params:
            if self.name != UPLOAD_FIELD or self.files:
                raise BadForm()
            self.files += 1
            self.kind = "file"
            self.got.given_name = params[b"filename"].decode("utf-8", "replace")
            self.got.name = leaf_name(self.got.given_name)
            self.fh = open(self.folder / self.got.name, "xb")
        else:
            self.kind = "field"

    def data(self, data: bytes, start: int, end: int) -> None:
        piece = data[start:end]
        if self.kind == "file":
            self.got.size += len(piece)
            if self.got.size > self.max_bytes:
                raise TooLarge()
            self.hash.update(piece)
            self.fh.write(piece)
        else:
            self.value += piece
            if len(self.value) > FIELD_BYTES:
                raise BadForm()

    def end(self) -> None:
        if self.kind == "file":
            self.fh.close()
            self.fh = None
        elif self.name:
            self.got.fields[self.name] = self.value.decode("utf-8", "replace")

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()

    def done(self) -> Received:
        if self.files != 1 or not self.got.given_name.strip():  # no file chosen (an empty file is judged)
            raise BadForm()
        self.got.sha256 = self.hash.hexdigest()
        return self.got


async def form_fields(request: Any) -> dict[str, str]:
    """A small urlencoded form (confirm, no file), its body bounded."""
    from urllib.parse import parse_qsl

    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > 4 * FIELD_BYTES:
            raise TooLarge()
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def save_meta(folder: Path, meta: dict[str, Any]) -> None:
    tmp = folder / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    tmp.replace(folder / "meta.json")


def load_meta(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def mark_submitted(folder: Path, meta: dict[str, Any], submitted: dict[str, Any]) -> None:
    """An upload recorded in the ledger: its files go (the ledger keeps the bytes), the folder
    stays with its meta.json only, saying which version it became, so that a second confirmation
    (a double click, a refreshed page) can be answered; :func:`sweep` removes it as any other."""
    for p in folder.iterdir():
        if p.name != "meta.json":
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
    save_meta(folder, {**meta, "annotated": None, "submitted": submitted})


def sweep(workspace: Path, keep_seconds: int = KEEP_SECONDS, max_kept: int = MAX_KEPT) -> int:
    """Remove upload folders older than ``keep_seconds`` (verdicts never followed by a submission),
    and the oldest beyond ``max_kept``; how many went."""
    base = root(workspace)
    if not base.is_dir():
        return 0
    kept: list[tuple[float, Path]] = []
    for d in base.iterdir():
        try:
            if d.is_dir() and not d.is_symlink():
                kept.append((d.stat().st_mtime, d))
        except OSError:
            continue
    kept.sort()
    cutoff = time.time() - keep_seconds
    doomed = [d for t, d in kept if t < cutoff]
    rest = [d for t, d in kept if t >= cutoff]
    doomed += rest[: max(0, len(rest) - max_kept)]
    for d in doomed:
        shutil.rmtree(d, ignore_errors=True)
    return len(doomed)
