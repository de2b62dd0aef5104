"""Workspaces with a ledger, on SQLite or on the throwaway PostgreSQL server `.ci/run` starts.

``GPS_TEST_PG_URL`` names that server (an admin URL: each test gets a database of its own). Without
it the PostgreSQL cases skip, unless ``GPS_REQUIRE_PG=1`` (as in CI), where they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpscli.cli import app

runner = CliRunner()
ENGINES = ["sqlite", "postgresql"]


def pg_admin_url() -> str | None:
    url = os.environ.get("GPS_TEST_PG_URL")
    if not url:
        if os.environ.get("GPS_REQUIRE_PG") == "1":
            pytest.fail("GPS_REQUIRE_PG=1 but GPS_TEST_PG_URL is not set: .ci/run should have started PostgreSQL")
        pytest.skip("no PostgreSQL server (GPS_TEST_PG_URL); .ci/run starts one")
    return url


class PgDatabase:
    """A fresh database on the test server, dropped afterwards."""

    def __init__(self) -> None:
        import psycopg

        self.admin = pg_admin_url()
        self.name = f"gps_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin.replace("postgresql://", "postgresql://", 1), autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{self.name}"')
        self.url = self.admin.rsplit("/", 1)[0] + "/" + self.name

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def make_workspace(root: Path, engine: str, request) -> Path:
    """``gps init`` in ``root``; on PostgreSQL, gps.toml's [ledger] url points at a new database."""
    r = runner.invoke(app, ["init", str(root)])
    assert r.exit_code == 0, r.output
    if engine == "postgresql":
        db = PgDatabase()
        request.addfinalizer(db.drop)
        cfg = root / "gps.toml"
        cfg.write_text(cfg.read_text(encoding="utf-8") + f'\n[ledger]\nurl = "{db.url}"\n', encoding="utf-8")
    return root


def fill_inbox(ws: Path, sample: Path) -> Path:
    inbox = ws / "inbox"
    for f in sample.glob("*.xlsx"):
        shutil.copy(f, inbox / f.name)
    return inbox


def gps(*args: str) -> object:
    return runner.invoke(app, list(args))


def gps_json(*args: str) -> dict:
    r = runner.invoke(app, [*args, "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)
