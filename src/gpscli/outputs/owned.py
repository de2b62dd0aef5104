"""What gps wrote: a manifest in each folder gps writes into, so that it never destroys a person's file.

``<folder>/.gps-outputs.json`` maps each file name gps wrote there to its size and sha256 when
written. A file is *owned* by gps only while its bytes are still those: a file the manifest does
not list (a person saved it there) or whose bytes changed (a person edited gps's draft) belongs to
a person, and gps never replaces or removes it.

Every mistake here errs on the safe side: a lost or damaged manifest makes gps treat its own files
as a person's (it writes beside them under a new name, or refuses), never the reverse.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

MANIFEST = ".gps-outputs.json"
_KEEP_HASHES = 2  # the new hash and the one before: a kill between manifest and rename stays owned


def manifest_path(folder: Path) -> Path:
    return folder / MANIFEST


def load(folder: Path) -> dict[str, Any]:
    """The manifest of ``folder``: {"files": {name: {"versions": [[size, sha256], ...], ...}}, ...}."""
    try:
        data = json.loads(manifest_path(folder).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"files": {}}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {"files": {}}
    return data


def save(folder: Path, data: dict[str, Any]) -> None:
    """Write the manifest atomically (not itself listed in it)."""
    target = manifest_path(folder)
    fd, tmp = tempfile.mkstemp(prefix=f"{MANIFEST}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        discard(tmp)
        raise
    _hide(target)


def discard(tmp: str) -> None:
    """Remove a half-written temporary file after a failed write (gone already is fine)."""
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _hide(path: Path) -> None:
    """On Windows, give the manifest the hidden attribute (a dot name hides it elsewhere)."""
    if sys.platform == "win32":  # pragma: no cover - not testable here
        try:
            import ctypes

            ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x02)  # FILE_ATTRIBUTE_HIDDEN
        except Exception:
            pass


def digest(path: Path) -> tuple[int, str]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            size += len(chunk)
            h.update(chunk)
    return size, h.hexdigest()


def record(target: Path, size_hash: tuple[int, str], **extra: Any) -> None:
    """Note that gps is writing ``target`` with these bytes (called just before the rename)."""
    folder = target.parent
    data = load(folder)
    earlier = [v for v in _versions(data["files"].get(target.name)) if v != list(size_hash)]
    versions = [list(size_hash), *earlier[:_KEEP_HASHES - 1]]
    data["files"][target.name] = {"versions": versions, **extra}
    save(folder, data)


def _versions(entry: Any) -> list[list[Any]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("versions"), list):
        return []
    return [list(v) for v in entry["versions"] if isinstance(v, list) and len(v) == 2]




def is_owned(path: Path, data: dict[str, Any] | None = None) -> bool:
    """Did gps write ``path``, and are its bytes still those gps wrote?"""
    if data is None:
        data = load(path.parent)
    versions = _versions(data["files"].get(path.name))
    if not versions:
        return False
    try:
        if not path.is_file() or path.is_symlink():
            return False
        size = path.stat().st_size
        if all(v[0] != size for v in versions):
            return False
        return list(digest(path)) in versions
    except OSError:
        return False


def tag(path: Path, **extra: Any) -> None:
    """Add facts (such as the output's ``role``) to the manifest entry of a file gps just wrote."""
    data = load(path.parent)
    entry = data["files"].get(path.name)
    if isinstance(entry, dict):
        entry.update(extra)
        save(path.parent, data)
