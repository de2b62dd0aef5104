"""Where the ledger is and how it is opened: SQLite in the workspace by default, a PostgreSQL
server when ``[ledger] url`` (or ``GPS_LEDGER_URL``) says so; the schema checked, made or upgraded.

SQLite is opened in WAL mode (readers never wait for a writer), with a busy timeout, and every
write transaction starts with ``BEGIN IMMEDIATE``, so two gps processes on one file queue
instead of failing. With ``synchronous=NORMAL`` a transaction killed at any moment (SIGKILL,
power loss) is either whole or absent. On PostgreSQL, writers take one advisory lock per
transaction, which does the same.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConfigError, GpsError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

SQLITE_NAME = "gps.sqlite"
ENV_URL = "GPS_LEDGER_URL"
HEAD = "0004"  # the newest migration in migrations/versions (a test keeps them equal)
BUSY_SECONDS = 60
_WRITE_LOCK_KEY = 7_460_117  # pg_advisory_xact_lock: one writer at a time, per ledger database
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p", "afs", "ncpfs", "davfs", "fuse.davfs2"}


class LedgerError(GpsError):
    """The ledger cannot be opened or used (exit status 2: set-up, not data)."""

    exit_code = 2


class NoLedger(LedgerError):
    """The workspace has no ledger yet: no data, as for "没有找到报送表格" (exit status 1, not a usage error)."""

    exit_code = 1


def url_for(root: Path | None, configured: str | None) -> str | None:
    """The ledger's SQLAlchemy URL: ``GPS_LEDGER_URL``, then gps.toml's ``[ledger] url``, then
    ``gps.sqlite`` in the workspace; None outside a workspace with neither."""
    url = os.environ.get(ENV_URL) or configured
    if url:
        return _with_driver(url.strip())
    return None if root is None else sqlite_url(root / SQLITE_NAME)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def _with_driver(url: str) -> str:
    """``postgresql://…`` means psycopg 3 (SQLAlchemy's default PostgreSQL driver is psycopg2)."""
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain):]
    if url.startswith(("sqlite:", "postgresql+psycopg:")):
        return url
    raise ConfigError(f"账本地址「{_safe(url)}」不受支持;请写成 postgresql://用户@主机/数据库,"
                      f"或不设置(使用工作区的 {SQLITE_NAME})")


def _safe(url: str) -> str:
    """A URL fit to show: the password hidden."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@")[-1]


def sqlite_path(url: str) -> Path | None:
    if not url.startswith("sqlite:///"):
        return None
    return Path(url[len("sqlite:///"):])


def exists(url: str | None) -> bool:
    """Is there a ledger to read: a server named, or a gps.sqlite that was made."""
    if url is None:
        return False
    path = sqlite_path(url)
    return path is None or path.is_file()


def network_share(path: Path) -> bool:
    """Is ``path`` on a network file system (where SQLite's locks cannot be trusted)?"""
    if sys.platform == "win32":
        text = str(path.resolve())
        if text.startswith("\\\\"):
            return True
        try:
            import ctypes

            return ctypes.windll.kernel32.GetDriveTypeW(text[:3]) == 4  # type: ignore[attr-defined]  # DRIVE_REMOTE
        except (AttributeError, OSError):
            return False
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return False
    target = str(path.resolve())
    best, fstype = "", ""
    for line in mounts:
        parts = line.split()
        if len(parts) >= 3:
            point = parts[1].replace("\\040", " ")
            if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) > len(best):
                best, fstype = point, parts[2]
    return fstype in _NETWORK_FS


def make_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.pool import NullPool

    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool,
                               connect_args={"timeout": BUSY_SECONDS, "isolation_level": None})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
            cur.execute("PRAGMA cache_size=-65536")  # 64 MB: an ingest's index pages stay in memory
            cur.execute("PRAGMA wal_autocheckpoint=4000")  # 16 MB of WAL between checkpoints, not 4
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:
            # Writers take the write lock first (and wait for it), never half-way through.
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

        return engine
    try:
        return create_engine(url, poolclass=NullPool)
    except ImportError:
        raise LedgerError("使用 PostgreSQL 账本需要安装 psycopg:pip install \"gpscli[postgres]\"") from None


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction on a connection of its own."""
    with writer(engine) as conn, transaction(conn):
        yield conn


@contextmanager
def writer(engine: Engine) -> Iterator[Connection]:
    """A connection for write transactions (several, one after the other: see :func:`transaction`)."""
    with engine.connect() as conn:
        yield conn.execution_options(write=True)


@contextmanager
def transaction(conn: Connection) -> Iterator[Connection]:
    """One write transaction: whole or not at all, and one writer at a time."""
    with conn.begin():
        if conn.dialect.name == "postgresql":
            from sqlalchemy import text

            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK_KEY})
        yield conn


def revision(conn: Connection) -> str | None:
    """The schema's revision as Alembic recorded it; None for an empty database."""
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision (``gps db upgrade``); returns (before, after)."""
    from alembic import command
    from alembic.config import Config

    with writing(engine) as conn:
        before = revision(conn)
        if before == HEAD:
            return before, HEAD
        if before is not None and before > HEAD:
            raise LedgerError(_too_new(before))
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        return before, HEAD


def _too_new(found: str) -> str:
    return f"账本由较新版本的 gps 建立(结构版本 {found},本程序只认识到 {HEAD});请升级 gps 后再使用,不要用旧版本读写它"


def check(engine: Engine, create: bool) -> None:
    """Refuse a ledger whose schema this gps does not read exactly; make a new one when ``create``."""
    with engine.connect() as conn:
        found = revision(conn)
        conn.rollback()
    if found == HEAD:
        return
    if found is None:
        if create:
            upgrade(engine)
            return
        raise NoLedger("账本中还没有任何数据;请先用 gps ingest 导入报送的表格")
    if found > HEAD:
        raise LedgerError(_too_new(found))
    raise LedgerError(f"账本的结构版本是 {found},本版本 gps 需要 {HEAD};请先运行 gps db upgrade(升级前建议备份账本)")


def describe(url: str) -> str:
    """The ledger as people should read it in messages: a file path, or the server without password."""
    path = sqlite_path(url)
    return str(path) if path is not None else _safe(url).replace("postgresql+psycopg://", "postgresql://", 1)


# What the drivers say, as a clerk can act on it (the first match wins; the driver's words follow).
_REASONS = (
    ("readonly database", "账本文件是只读的(没有写入权限,或在只读的盘上)"),
    ("file is not a database", "这个文件不是 gps 的账本(不是 SQLite 数据库,或已损坏)"),
    ("database disk image is malformed", "账本文件已损坏;请用备份恢复"),
    ("database is locked", "账本正被另一个程序占用,等待后仍未释放;请稍后再试"),
    ("unable to open database", "无法打开账本文件(文件夹不存在或没有权限)"),
    ("disk is full", "磁盘已满"),
    ("disk i/o error", "读写磁盘出错"),
    ("failed to resolve host", "找不到数据库服务器(主机名无法解析)"),
    ("connection refused", "数据库服务器拒绝连接(地址或端口不对,或服务器没有运行)"),
    ("timeout expired", "连接数据库服务器超时"),
    ("password authentication failed", "数据库用户名或密码不对"),
    ("no password supplied", "数据库需要密码(写进 ~/.pgpass 或 PGPASSWORD)"),
    ("does not exist", "数据库或用户不存在"),
    ("permission denied", "数据库用户没有所需的权限"),
)


def reason(exc: BaseException) -> str:
    """A database error in Chinese, with the driver's own first line after it."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    low = first.lower()
    for needle, said in _REASONS:
        if needle in low:
            return f"{said}({first})"
    return first


@contextmanager
def errors_said(url: str) -> Iterator[None]:
    """Database errors out of a ledger operation become a :class:`LedgerError` in Chinese."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except SQLAlchemyError as exc:
        raise LedgerError(f"账本 {describe(url)} 出错:{reason(exc)}") from None


def os_user() -> str:
    """Who ran the ingest, as the operating system knows them."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return os.environ.get("USERNAME") or os.environ.get("USER") or "(未知)"
