"""The folder of one period (output/2017Q4/): one generation of gps's outputs at a time, and a
person's files never lost.

A run writes into a fresh hidden folder beside the period folder (``output/.2017Q4.gps-new-<id>``).
Before writing, it carries over what must stay: every file that belongs to a person (not written
by gps, or edited since: see :mod:`.owned`), hard-linked (or copied) at the same place. Outputs of
this run whose names are taken by such a file are written beside it under a new name
(``…报告(2).docx``). When the run produced no 汇总表 or no report, the last good ones are carried
into ``上次成功/``. Then the new folder takes the period folder's place in one step (Linux:
``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, between which the folder is briefly
absent, never half-written), and the previous generation is emptied of gps's own files; anything
else found there is moved into the new folder.

A run killed at any moment leaves the period folder as it was before the run or as the run made
it; the next run drains what the dead one left (:func:`recover`). Callers hold the workspace lock.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

from . import owned
from .atomic import TMP_SUFFIX, OutputError, free_name, make_dir, os_reason

LAST_GOOD = "上次成功"
_NEW, _OLD = "gps-new", "gps-old"


class Generation:
    """One run's outputs for ``period_dir``. Use :meth:`begin`, write to :meth:`path`, then
    :meth:`commit` (or :meth:`abort`)."""

    def __init__(self, period_dir: Path) -> None:
        self.period_dir = period_dir
        self.id = uuid.uuid4().hex[:12]
        self.staging = period_dir.parent / f".{period_dir.name}.{_NEW}-{self.id}"
        self.carried: list[str] = []  # relative paths of a person's files carried over
        self.last_good: list[Path] = []  # final paths of outputs kept from an earlier run
        self.messages: list[str] = []
        self._taken: set[str] = set()

    # ---- before writing --------------------------------------------------------------------
    def begin(self) -> None:
        make_dir(self.period_dir.parent)
        self.messages += recover(self.period_dir)
        try:
            self.staging.mkdir()
            if self.period_dir.is_dir():
                for rel in _person_files(self.period_dir):
                    _carry(self.period_dir / rel, self.staging / rel)
                    self.carried.append(rel.as_posix())
        except OSError as exc:
            self.abort()
            raise OutputError(f"无法在 {self.period_dir.parent} 中准备输出文件夹:{os_reason(exc, self.staging)}") from None

    def path(self, name: str) -> Path:
        """Where to write the output called ``name`` (may hold a sub-folder: 问题标注/x.xlsx): in the
        staging folder, under a free name when a person's file holds ``name``."""
        wanted = self.staging / name
        target = free_name(wanted, self._taken)
        self._taken.add(str(target))
        make_dir(target.parent)
        if target != wanted and str(wanted.relative_to(self.staging).as_posix()) in self.carried:
            self.messages.append(f"{self.period_dir / name} 不是 gps 写的或写出后被人改过,已保留;"
                                 f"本次的输出另存为 {self.final(target)}")
        return target

    def final(self, p: Path) -> Path:
        """The path an output written at ``p`` has once the generation is in place."""
        try:
            return self.period_dir / Path(p).relative_to(self.staging)
        except ValueError:
            return Path(p)

    def keep_last_good(self, roles: dict[str, str]) -> None:
        """Carry the last good output of each role this run did not produce into 上次成功/.

        ``roles``: output name -> role ("table", "report"...) of the outputs this run wrote; the
        previous generation's own outputs of the missing roles (or its 上次成功/ ones) are kept."""
        have = set(roles.values())
        old = self.period_dir
        if not old.is_dir():
            return
        candidates: list[Path] = []
        for folder in (old, old / LAST_GOOD):
            data = owned.load(folder)
            found = [folder / name for name, entry in sorted(data["files"].items())
                     if isinstance(entry, dict) and entry.get("role") in ("table", "report")
                     and entry.get("role") not in have and owned.is_owned(folder / name, data)]
            if found:
                candidates = found
                break
        for src in candidates:
            role = owned.load(src.parent)["files"][src.name].get("role")
            target = self.path(f"{LAST_GOOD}/{src.name}")
            try:
                _carry(src, target)
            except OSError as exc:
                self.messages.append(f"无法保留上次成功的输出 {src.name}:{os_reason(exc, target)}")
                continue
            owned.record(target, owned.digest(target), role=role, run=owned.load(src.parent).get("run"))
            self.last_good.append(self.final(target))

    # ---- switching -------------------------------------------------------------------------
    def commit(self) -> None:
        """Put the staging folder in the period folder's place, then empty the previous one."""
        old = self.staging.with_name(f".{self.period_dir.name}.{_OLD}-{self.id}")
        try:
            if not self.period_dir.exists():
                os.rename(self.staging, self.period_dir)
                return
            if _exchange(self.staging, self.period_dir):
                os.rename(self.staging, old)  # the previous generation, now at the staging name
            else:
                os.rename(self.period_dir, old)
                try:
                    os.rename(self.staging, self.period_dir)
                except OSError:
                    os.rename(old, self.period_dir)
                    raise
        except OSError as exc:
            if not self._commit_in_place(exc):
                self.abort()
                raise OutputError(f"无法更新 {self.period_dir}:{os_reason(exc, self.period_dir)}") from None
            return
        self.messages += _drain(old, self.period_dir)

    def _commit_in_place(self, exc: OSError) -> bool:
        """The folder cannot be renamed (on Windows: a file in it is open in Excel/WPS/Word):
        move the new outputs in one by one instead, each under a free name if its place is held."""
        if not self.period_dir.is_dir() or exc.errno not in (errno.EACCES, errno.EPERM, errno.EBUSY, None):
            return False
        for src in sorted(p for p in self.staging.rglob("*") if p.is_file() and p.name != owned.MANIFEST):
            rel = src.relative_to(self.staging)
            if rel.as_posix() in self.carried:
                continue  # the person's own file is still in place
            dest = self.period_dir / rel
            make_dir(dest.parent)
            dest = free_name(dest)
            try:
                os.replace(src, dest)
            except OSError:
                continue
            owned.record(dest, owned.digest(dest), **_entry(src))
        self.messages.append(f"{self.period_dir} 中有文件正被打开,本次输出逐个写入,未能整体替换")
        self.abort()
        return True

    def abort(self) -> None:
        """Drop the staging folder (nothing of it was visible)."""
        _drain(self.staging, None)


def _entry(path: Path) -> dict[str, Any]:
    e = owned.load(path.parent)["files"].get(path.name, {})
    return {k: v for k, v in e.items() if k != "versions"} if isinstance(e, dict) else {}


def _person_files(root: Path) -> list[Path]:
    """Relative paths of the files under ``root`` that gps may not remove: not written by gps,
    or changed since. gps's manifests and temporary files are not listed."""
    out: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        here = Path(folder)
        data = owned.load(here)
        for name in sorted(files):
            if name == owned.MANIFEST or _is_tmp(name):
                continue
            if not owned.is_owned(here / name, data):
                out.append((here / name).relative_to(root))
    return out


def _is_tmp(name: str) -> bool:
    return name.startswith(".") and name.endswith(TMP_SUFFIX)


def _carry(src: Path, dest: Path) -> None:
    """``dest`` becomes the same file as ``src``: a hard link where the file system allows, else a copy."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest, follow_symlinks=False)
    except OSError:
        if src.is_symlink():
            os.symlink(os.readlink(src), dest)
        else:
            shutil.copy2(src, dest)


def _same(a: Path, b: Path) -> bool:
    try:
        sa, sb = a.stat(), b.stat()
        if (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino):
            return True
        return sa.st_size == sb.st_size and owned.digest(a) == owned.digest(b)
    except OSError:
        return False


def _drain(folder: Path, into: Path | None) -> list[str]:
    """Empty a folder gps set aside: remove gps's own files and copies of files that are in
    ``into``; move anything else into ``into`` (under a free name). Returns messages."""
    messages: list[str] = []
    if not folder.exists():
        return messages
    for here_s, _dirs, files in os.walk(folder, topdown=False):
        here = Path(here_s)
        data = owned.load(here)
        for name in files:
            p = here / name
            if name == owned.MANIFEST:
                continue
            rel = p.relative_to(folder)
            if _is_tmp(name) or owned.is_owned(p, data) or (into is not None and _same(p, into / rel)):
                _unlink(p)
                continue
            if into is None:
                _unlink(p)  # the staging folder of a run that never became visible: gps's copies only
                continue
            dest = free_name(into / rel)
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(p, dest)
                messages.append(f"保留了文件:{dest}")
            except OSError as exc:
                messages.append(f"未能移动 {p}:{os_reason(exc, p)}")
        _unlink(here / owned.MANIFEST)
        try:
            here.rmdir()
        except OSError:
            pass
    return messages


def _unlink(p: Path) -> None:
    try:
        p.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass


def recover(period_dir: Path) -> list[str]:
    """Finish what a killed run left beside ``period_dir``: put the previous generation back if
    the folder is missing, then drain the other leftovers. Returns messages."""
    parent = period_dir.parent
    prefix = f".{period_dir.name}."
    try:
        stale = sorted(p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir()
                       and p.name[len(prefix):].startswith((_NEW, _OLD)))
    except OSError:
        return []
    messages: list[str] = []
    if not period_dir.exists():
        olds = [p for p in stale if p.name[len(prefix):].startswith(_OLD)]
        if olds:
            os.rename(olds[-1], period_dir)
            stale.remove(olds[-1])
            messages.append(f"上次运行中断:已恢复 {period_dir} 为中断前的内容")
    for p in stale:
        # A staging folder that never became visible holds gps's outputs and copies of a person's
        # files: those copies are dropped only where the original is still in the period folder.
        messages += _drain(p, period_dir if period_dir.is_dir() else None)
    for p in parent.glob(f".{period_dir.name}*{TMP_SUFFIX}"):
        _unlink(p)
    return messages


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
