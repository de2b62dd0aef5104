"""Atomic output: write to a temporary file in the same folder, fsync, then rename into place.

An interrupted run leaves the previous file intact; an input file is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from ..errors import UsageError

_PROTECTED: set[str] = set()


def protect(paths: Iterable[str | Path]) -> None:
    """Register input files: any later attempt to write over one of them is refused."""
    for p in paths:
        try:
            _PROTECTED.add(os.path.realpath(p))
        except (OSError, ValueError):
            pass


def check_not_input(path: Path) -> None:
    if os.path.realpath(path) in _PROTECTED:
        raise UsageError(f"输出文件 {path} 是输入文件之一,拒绝覆盖;请换一个输出路径")


@contextmanager
def atomic_open(path: str | Path, mode: str = "wb", encoding: str | None = None, newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically."""
    target = Path(path)
    check_not_input(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp makes 0600)."""
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_open(path, "wb") as fh:
        fh.write(data)


def write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes(path, text.encode(encoding))
