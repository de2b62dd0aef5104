"""Every file gps writes goes through here: atomically, never over an input, never over a person's file.

* Atomic: written to a temporary file in the same folder, fsync'd, then renamed into place; an
  interrupted run leaves the previous file intact.
* Never over an input file (:func:`protect`).
* Never over a file gps did not write, or that a person changed since gps wrote it: each folder
  gps writes into keeps a manifest (:mod:`.owned`); an existing target that the manifest does not
  vouch for is refused (exit 2, "加 --force 覆盖"), unless the caller asked for ``force`` or took a
  free name beside it with :func:`free_name`.
* A target that cannot be written (no permission, a file held open by Excel/WPS on Windows, a
  parent that is a file, a full disk) is an :class:`OutputError` naming the file and the likely
  reason in Chinese, exit 2: the environment's fault, not a defect of gps.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ..errors import UsageError, describe
from . import owned

_PROTECTED: set[str] = set()
TMP_SUFFIX = ".tmp"


class OutputError(UsageError):
    """A file cannot be written where the user asked (permissions, lock, disk full...)."""


class OutputExists(UsageError):
    """The target exists and gps may not replace it (not written by gps, or edited since)."""


def protect(paths: Iterable[str | Path]) -> None:
    """Register input files: any later attempt to write over one of them is refused."""
    for p in paths:
        try:
            _PROTECTED.add(os.path.realpath(p))
        except (OSError, ValueError):
            pass


def protect_inputs(paths: Iterable[Path], targets: Iterable[Path]) -> None:
    """Before reading: register the files given, and every existing target inside a folder given
    (it is read as a submission too), so that such a target is refused as an input at once rather
    than after --force was asked for."""
    paths = list(paths)
    protect(p for p in paths if p.is_file())
    folders = [os.path.realpath(p) for p in paths if p.is_dir()]
    for t in targets:
        real = os.path.realpath(t)
        if os.path.isfile(real) and any(real.startswith(f.rstrip(os.sep) + os.sep) for f in folders):
            protect([t])


def check_not_input(path: Path) -> None:
    if os.path.realpath(path) in _PROTECTED:
        raise UsageError(f"输出文件 {path} 是输入文件之一,拒绝覆盖;请换一个输出路径")


def may_replace(path: Path) -> bool:
    """True when ``path`` does not exist, or gps wrote it and nobody changed it since."""
    return not os.path.lexists(path) or owned.is_owned(path)


def check_target(path: Path, force: bool = False) -> None:
    """Refuse a target that is an input, or an existing file gps may not replace (unless ``force``)."""
    check_not_input(path)
    if not force and not may_replace(path):
        raise OutputExists(f"{path} 已存在,且不是 gps 写的或在 gps 写出后被修改过(可能有人编辑过),未覆盖;"
                           "请换一个文件名,或加 --force 覆盖")


def free_name(path: Path, taken: Iterable[str] = ()) -> Path:
    """``path`` if gps may write it, else the first free ``名字(2).ext``, ``名字(3).ext``...

    ``taken``: paths (as str) already chosen for other outputs of the same batch."""
    taken = set(taken)
    if str(path) not in taken and os.path.realpath(path) not in _PROTECTED and may_replace(path):
        return path
    n = 2
    while True:
        other = path.with_name(f"{path.stem}({n}){path.suffix}")
        if str(other) not in taken and not os.path.lexists(other):
            return other
        n += 1


def os_reason(exc: OSError, path: Path | None = None) -> str:
    """Why a file could not be written, in words a clerk can act on."""
    code = exc.errno or 0
    if code in (errno.EACCES, errno.EPERM) or isinstance(exc, PermissionError):
        return "没有写入权限,或文件正被 Excel/WPS/Word 打开;请关闭该文件或换一个文件夹后重试"
    if code in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", -1)):
        free = ""
        if path is not None:
            for d in (path.parent, *path.parents):
                try:
                    free = f"(剩余 {shutil.disk_usage(d).free / 1048576:.0f} MB)"
                    break
                except OSError:
                    continue
        if code == errno.EFBIG:
            return f"文件超过了系统允许的大小,或磁盘空间不足{free};请清理磁盘或联系管理员后重试"
        return f"磁盘空间已满{free};请清理磁盘后重试"
    if code in (errno.ENOTDIR, errno.EEXIST) or isinstance(exc, (NotADirectoryError, FileExistsError)):
        return "路径中有一段是文件而不是文件夹"
    if code == errno.EISDIR:
        return "这是一个文件夹,不能当作文件写入"
    if code == errno.EROFS:
        return "所在磁盘或文件夹是只读的"
    if code == errno.ENAMETOOLONG:
        return "路径过长"
    if code == errno.ENOENT:
        return "所在文件夹不存在或已被移走"
    return f"系统错误:{exc.strerror or describe(exc)}"


def _io_error(exc: Exception) -> OSError | None:
    """The OSError behind a writer library's own exception (lxml: "IO_ENOSPC", "IO_EFBIG"...)."""
    m = re.search(r"\bIO_(E[A-Z]+)\b", str(exc))
    code = getattr(errno, m.group(1), None) if m else None
    return OSError(code, os.strerror(code)) if code else None


def _write_error(target: Path, exc: OSError) -> OutputError:
    return OutputError(f"无法写入 {target}:{os_reason(exc, target)}")


@contextmanager
def atomic_open(path: str | Path, mode: str = "wb", encoding: str | None = None, newline: str | None = None,
                *, force: bool = False, record: bool = True) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` atomically.

    Refuses (:class:`OutputExists`) an existing target gps may not replace, unless ``force``.
    ``record``: note the file in its folder's manifest (so that gps may replace it later)."""
    target = Path(path)
    check_target(target, force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TMP_SUFFIX, dir=target.parent)
    except OSError as exc:
        raise _write_error(target, exc) from None
    try:
        try:
            with os.fdopen(fd, mode, encoding=encoding, newline=newline) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _mode_for(target))
            if record:
                owned.record(target, owned.digest(Path(tmp)))  # before the rename: a kill between leaves it owned
            os.replace(tmp, target)
        except OSError as exc:
            raise _write_error(target, exc) from None
        except Exception as exc:  # lxml reports a failed write as SerialisationError("IO_ENOSPC")
            io_error = _io_error(exc)
            if io_error is None:
                raise
            raise _write_error(target, io_error) from None
    except BaseException:
        owned.discard(tmp)
        raise



def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (mkstemp makes 0600)."""
    try:
        return os.stat(target).st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_bytes(path: str | Path, data: bytes, *, force: bool = False) -> Path:
    with atomic_open(path, "wb", force=force) as fh:
        fh.write(data)
    return Path(path)


def write_text(path: str | Path, text: str, encoding: str = "utf-8", *, force: bool = False) -> Path:
    return write_bytes(path, text.encode(encoding), force=force)


def make_dir(path: Path) -> None:
    """mkdir -p, with the Chinese reason when it cannot be made."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建文件夹 {path}:{os_reason(exc, path)}") from None
