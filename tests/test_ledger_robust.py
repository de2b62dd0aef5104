"""The ledger under stress, on SQLite and PostgreSQL: SIGKILL at random moments during an ingest,
two ingests at once, schema revisions older and newer than this gps, a file that is no database."""

from __future__ import annotations

import itertools
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders import project, standard_rows, write_csv
from gpscli.ledger.engine import HEAD
from ledger_support import ENGINES, gps, make_workspace

GPS = shutil.which("gps", path=os.path.dirname(sys.executable))
KILLS = 20
FILES = 500
_NAMES = ["".join(t) for t in itertools.product("甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥", "东西南北中")]


@pytest.fixture(params=ENGINES)
def ws(request, tmp_path, monkeypatch):
    root = make_workspace(tmp_path / "ws", request.param, request)
    monkeypatch.chdir(root)
    return root


def _departments(folder: Path, names: list[str], rows: int = 3) -> int:
    """One CSV per 州本级 department (each its own submitter); returns the total in fen."""
    folder.mkdir(parents=True, exist_ok=True)
    fen = 0
    for n, name in enumerate(names):
        projects = [project(jurisdiction="州本级", unit=f"州{name}科", name=f"{name}项目{k}", amount=f"{n + 1}.{k}1")
                    for k in range(rows)]
        fen += sum(int((n + 1) * 1_000_000 + k * 100_000 + 10_000) for k in range(rows))
        write_csv(folder / f"州本级-{name}科.csv", standard_rows(projects, title="州本级2016年政府购买服务项目情况表"))
    return fen


def _engine():
    from gpscli import config
    from gpscli.ledger.engine import make_engine

    return make_engine(config.load().ledger())


def _consistent(engine) -> int:
    """The ledger opens, passes its integrity checks and holds only whole versions; returns how many."""
    from sqlalchemy import text

    with engine.connect() as c:
        if engine.dialect.name == "sqlite":
            assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert c.execute(text("PRAGMA foreign_key_check")).all() == []
        if c.execute(text("SELECT count(*) FROM information_schema.tables WHERE table_name = 'versions'")
                     if engine.dialect.name == "postgresql" else
                     text("SELECT count(*) FROM sqlite_master WHERE name = 'versions'")).scalar() == 0:
            return 0  # killed before the ledger was made: nothing half made either
        broken = c.execute(text(
            "SELECT v.id FROM versions v LEFT JOIN rows r ON r.version_id = v.id AND r.year = v.year "
            "GROUP BY v.id, v.rows, v.amount_fen "
            "HAVING count(r.seq) <> v.rows OR coalesce(sum(r.amount_fen), 0) <> v.amount_fen")).all()
        assert broken == []
        assert c.execute(text("SELECT count(*) FROM versions v LEFT JOIN blobs b ON b.sha256 = v.sha256 "
                              "WHERE b.sha256 IS NULL")).scalar() == 0
        assert c.execute(text("SELECT count(*) FROM sheets s LEFT JOIN versions v ON v.id = s.version_id "
                              "WHERE v.id IS NULL")).scalar() == 0
        return c.execute(text("SELECT count(*) FROM versions")).scalar()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="sends SIGKILL")
def test_killing_an_ingest_at_random_moments_leaves_whole_versions(ws):
    folder = ws / "来文"
    fen = _departments(folder, _NAMES[:FILES])
    cmd = [GPS, "ingest", str(folder), "--period", "2016"]
    probe = ws.parent / "probe"  # how long a whole ingest takes, into a SQLite ledger of its own
    shutil.copytree(ws, probe, ignore=shutil.ignore_patterns("gps.sqlite*"))
    toml = probe / "gps.toml"
    toml.write_text(toml.read_text(encoding="utf-8").split("\n[ledger]\n")[0], encoding="utf-8")
    t0 = time.monotonic()
    assert subprocess.run(cmd, cwd=probe, capture_output=True, timeout=600).returncode == 0
    took = time.monotonic() - t0
    rng = random.Random(17)
    engine = _engine()
    seen = 0
    for k in range(KILLS):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.3, took))
        os.killpg(proc.pid, signal.SIGKILL)  # gps and its reading workers
        proc.wait()
        now = _consistent(engine)
        assert now >= seen, f"kill {k}: versions went from {seen} to {now}"
        seen = now
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert _consistent(engine) == FILES
    out = json.loads(gps("aggregate", "--year", "2016", "--format", "json").stdout)
    assert out["total"]["count"] == 3 * FILES
    from gpscli.money import from_fen

    assert out["total"]["amount"] == str(from_fen(fen))


def test_two_ingests_at_once_lose_nothing(ws):
    a, b = ws / "甲", ws / "乙"
    fen = _departments(a, _NAMES[:40]) + _departments(b, _NAMES[40:80])
    procs = [subprocess.Popen([GPS, "ingest", str(d), "--period", "2016"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for d in (a, b)]
    for p in procs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err
    assert _consistent(_engine()) == 80
    out = json.loads(gps("aggregate", "--year", "2016", "--format", "json").stdout)
    from gpscli.money import from_fen

    assert out["total"] == {"count": 240, "amount": str(from_fen(fen))}


def _at_revision(revision: str) -> None:
    """Make the workspace's ledger as an older (or newer) gps left it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from gpscli.ledger import engine as eng

    engine = _engine()
    if revision == "9999":
        eng.upgrade(engine)
        with engine.begin() as c:
            c.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        return
    with engine.begin() as c:
        cfg = Config()
        cfg.set_main_option("script_location", str(Path(eng.__file__).parent / "migrations"))
        cfg.attributes["connection"] = c
        command.upgrade(cfg, revision)


def test_an_older_ledger_is_upgraded_not_misread(ws):
    _at_revision("0001")
    r = gps("status", "--period", "2016")
    assert r.exit_code == 2
    assert "gps db upgrade" in r.stderr and "Traceback" not in r.output
    up = gps("db", "upgrade")
    assert up.exit_code == 0, up.output
    assert "0001" in up.stderr and HEAD in up.stderr
    assert gps("lock", "--period", "2016").exit_code == 0  # the table 0002 added
    assert "已是最新" in gps("db", "upgrade").stderr


def test_a_ledger_from_a_newer_gps_is_refused(ws):
    _at_revision("9999")
    r = gps("history")
    assert r.exit_code == 2
    assert "较新版本的 gps" in r.stderr


def test_the_migrations_make_the_schema_the_queries_use(ws):
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from gpscli.ledger import engine as eng
    from gpscli.ledger.schema import metadata

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(eng.__file__).parent / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == eng.HEAD
    engine = _engine()
    eng.upgrade(engine)
    found = inspect(engine)
    for table in metadata.sorted_tables:
        assert {c["name"] for c in found.get_columns(table.name)} == {c.name for c in table.columns}, table.name


def test_a_file_that_is_no_database_is_a_clear_error(tmp_path, monkeypatch):
    assert gps("init", str(tmp_path / "w")).exit_code == 0
    monkeypatch.chdir(tmp_path / "w")
    (tmp_path / "w" / "gps.sqlite").write_bytes(b"this is a spreadsheet, not a ledger" * 100)
    for args in (["history"], ["db", "upgrade"]):
        r = gps(*args)
        assert r.exit_code == 2, args
        assert "不是 gps 的账本" in r.stderr and "Traceback" not in r.output and "内部错误" not in r.stderr


def test_a_server_that_cannot_be_reached_is_a_clear_error(tmp_path, monkeypatch):
    assert gps("init", str(tmp_path / "w")).exit_code == 0
    monkeypatch.chdir(tmp_path / "w")
    monkeypatch.setenv("GPS_LEDGER_URL", "postgresql://gps@127.0.0.1:9/none?connect_timeout=3")
    for args in (["status", "--period", "2016"], ["db", "upgrade"]):
        r = gps(*args)
        assert r.exit_code == 2, args
        assert "拒绝连接" in r.stderr and "Traceback" not in r.output and "内部错误" not in r.stderr
