"""The ledger: every received file kept as a version, the state of each period, and who has reported.

    from gpscli.ledger import Ledger
    from gpscli.periods import Period
    ledger = Ledger.open("sqlite:///gps.sqlite", create=True)
    report = ledger.ingest(["inbox"], Period.parse("2016"))
    result = ledger.result(Period(2016))          # an api.Result: aggregate and report it as usual

A **version** is one received file answering one period for one submitter (its bytes, rows,
issues, who and when); a **state** is, for each submitter, its latest accepted version of the
year tagged with the period or an earlier one. Nothing is ever updated or deleted.

Modules: :mod:`.engine` (where the ledger is, SQLite/PostgreSQL, schema revisions), :mod:`.schema`
(tables), :mod:`.store` (recording a version), :mod:`.state` (reading versions and states),
:mod:`.status` (报送情况 and deadlines), :mod:`.history` (what changed between versions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .engine import LedgerError, describe, errors_said, reason, writer
from .state import Version
from .store import KNOWN, NEW, REFUSED, Outcome, Request

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ..aggregate import Aggregation
    from ..api import Result
    from ..catalogue import Catalogue
    from ..editions import Catalogues
    from ..issues import Issue
    from ..periods import Period
    from ..profile import Profile
    from .history import Entry
    from .status import Status

__all__ = ["KNOWN", "NEW", "REFUSED", "Basis", "IngestReport", "Ledger", "LedgerError", "Outcome", "Request",
           "Version"]


@dataclass
class IngestReport:
    outcomes: list[Outcome]
    result: Result | None  # the files read this time, validated (None when nothing needed reading)
    skipped: list[Issue] = field(default_factory=list)  # paths that could not be reached

    @property
    def ok(self) -> bool:
        """Every file recorded (or already there) without errors, and nothing refused or skipped (a
        byte-identical copy of another file of the same ingest counts as recorded)."""
        return not self.skipped and all(o.status in (KNOWN, NEW) and o.accepted for o in self.outcomes)


@dataclass(frozen=True)
class Basis:
    """What an output made from the ledger stands on: the period's state as of a moment."""

    period: Period
    as_of: dt.datetime | None  # UTC; None: everything received so far
    ledger: str  # the ledger, as messages name it
    versions: tuple[Version, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"ledger": self.ledger, "period": self.period.label,
                "as_of": None if self.as_of is None else self.as_of.replace(tzinfo=dt.UTC).isoformat(timespec="seconds")}


class Ledger:
    def __init__(self, engine: Engine, url: str) -> None:
        self.engine, self.url = engine, url

    @classmethod
    def open(cls, url: str, *, create: bool = False) -> Ledger:
        """Open the ledger at ``url``; ``create`` makes a new one (else a missing one is an error)."""
        from . import engine as eng

        path = eng.sqlite_path(url)
        if path is not None:
            if not path.is_file() and not create:
                raise eng.NoLedger(f"工作区中还没有账本({path});请先用 gps ingest 导入报送的表格")
            if not path.parent.is_dir():
                raise LedgerError(f"账本所在的文件夹不存在:{path.parent}")
        engine = eng.make_engine(url)
        try:
            eng.check(engine, create)
        except LedgerError:
            raise
        except Exception as exc:
            raise LedgerError(f"无法打开账本 {describe(url)}:{reason(exc)}") from None
        return cls(engine, url)

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        """A connection for reading; a database error becomes a :class:`LedgerError` in Chinese."""
        with errors_said(self.url), self.engine.connect() as conn:
            yield conn

    @property
    def name(self) -> str:
        return describe(self.url)

    def on_network_share(self) -> bool:
        from .engine import network_share, sqlite_path

        path = sqlite_path(self.url)
        return path is not None and network_share(path)

    # -- recording -----------------------------------------------------------------------------

    def ingest(self, paths: Iterable[str | Path], req: Request, *, load_options: dict[str, Any] | None = None,
               progress: Callable[[int, int], None] | None = None, run: bool = False) -> IngestReport:
        """Validate the files under ``paths`` and record each as a version of ``req.period``.

        Bytes already recorded for the period are recognised without being read again. With
        ``run`` (``gps run`` over its inbox) every file is read, so that the run's validation
        outputs cover the whole inbox, and bytes recorded for any earlier period are recognised
        too: a file left in the inbox is not a new submission for the next quarter."""
        from .. import api
        from ..ingest import collect_paths, display_path, os_reason

        options = dict(load_options or {})
        files, skipped, _ignored = collect_paths(list(paths))
        outcomes: list[Outcome] = []
        data: dict[str, bytes] = {}
        todo: list[Path] = []
        seen: dict[str, Outcome] = {}  # read again (run) but already recorded
        with self._connect() as conn:
            from .store import locked, refused_by_lock

            closed = locked(conn, req.period) and not req.reason
            for p in files:
                shown = display_path(p)
                try:
                    content = p.read_bytes()
                except OSError as exc:
                    outcomes.append(Outcome(shown, REFUSED, f"无法读取文件({os_reason(exc)})"))
                    continue
                hit = self._known(conn, hashlib.sha256(content).hexdigest(), req.period, run, req.submitter)
                if hit is not None:
                    hit.path = shown
                    if run:
                        seen[shown] = hit
                        todo.append(p)
                    else:
                        outcomes.append(hit)
                    continue
                if closed:  # said before reading: the file would be refused anyway
                    outcomes.append(Outcome(shown, REFUSED, refused_by_lock(req.period)))
                    continue
                data[shown] = content
                todo.append(p)
            conn.rollback()
        if not todo:
            return IngestReport(outcomes, None, skipped)
        if req.jurisdiction:
            options["jurisdiction"] = req.jurisdiction
        result = api.load(todo, progress=progress, **options)
        profile = result.profile
        with errors_said(self.url), writer(self.engine) as conn:
            for f in sorted(result.files, key=lambda f: (_saved_at(f.path), f.path)):  # the later saved, the later version
                stored = data.get(f.path)
                if f.path in seen:
                    outcomes.append(seen[f.path])
                elif f.ignored:
                    outcomes.append(Outcome(f.path, KNOWN, "与本次导入的另一个文件内容完全相同,未重复记录", accepted=True))
                elif stored is None or hashlib.sha256(stored).hexdigest() != f.sha256:
                    outcomes.append(Outcome(f.path, REFUSED, "文件在读取期间被改动,未记录;请确认文件已保存后重新导入"))
                else:
                    outcomes.append(self._record(conn, f, stored, req, profile))
        return IngestReport(outcomes, result, skipped + result.issues)

    def _known(self, conn, sha256: str, period: Period, of_year: bool, submitter: str | None) -> Outcome | None:
        from sqlalchemy import select

        from . import schema as s
        from .store import Known, known, known_columns

        hit = known(conn, sha256, period, submitter)
        if hit is not None:
            return hit.outcome("", f"与已导入的 {period.label} 第 {hit.number} 版({hit.submitter})内容完全相同,未新建版本")
        if of_year:
            v = s.versions.c
            earlier = (v.year < period.year) | ((v.year == period.year) & (v.period_rank < period.rank))
            row = conn.execute(select(*known_columns(v)).where(v.sha256 == sha256, earlier)).first()
            if row is not None:
                was = Known(*row)
                return was.outcome("", f"已作为 {was.period} 的第 {was.number} 版({was.submitter})导入过,内容没有变化,"
                                       f"不作为 {period.label} 的新报送")
        return None

    def _record(self, conn, f, content: bytes, req: Request, profile: Profile) -> Outcome:
        from .store import record

        try:
            return record(conn, f, content, req, profile)
        except Exception as exc:
            from sqlalchemy.exc import SQLAlchemyError

            if not isinstance(exc, SQLAlchemyError | OSError):
                raise
            return Outcome(f.path, REFUSED, f"写入账本失败,未记录:{reason(exc)}")

    def lock(self, period: Period, lock: bool = True) -> bool:
        """Lock (or unlock) a period; False when it already was (or was not)."""
        from sqlalchemy import delete

        from . import schema as s
        from .engine import os_user, writing
        from .store import locked

        with errors_said(self.url), writing(self.engine) as conn:
            if locked(conn, period) == lock:
                return False
            if lock:
                conn.execute(s.locks.insert().values(period=period.label, locked_by=os_user(),
                                                     locked_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
            else:
                conn.execute(delete(s.locks).where(s.locks.c.period == period.label))
        return True

    def locked_periods(self) -> list[str]:
        from sqlalchemy import select

        from . import schema as s

        with self._connect() as conn:
            return list(conn.execute(select(s.locks.c.period).order_by(s.locks.c.period)).scalars())

    # -- reading -------------------------------------------------------------------------------

    def versions(self, **where: Any) -> list[Version]:
        from .state import versions

        with self._connect() as conn:
            return versions(conn, **where)

    def current(self, period: Period, as_of: dt.datetime | None = None) -> list[Version]:
        from .state import current

        with self._connect() as conn:
            return current(conn, period, as_of)

    def result(self, *periods: Period, as_of: dt.datetime | None = None,
               catalogue: Catalogue | Catalogues | str | Path | None = None,
               profile: Profile | str | Path | None = None) -> Result:
        """The state of each period (the first is the one the output is about) as an
        :class:`~gpscli.api.Result` of the versions' rows: aggregate and draft from it as from files.
        When the first period is a year's round, a period of a year without versions of its own
        takes that year's rows from the first period's files, as a folder would (a 2016 file that
        lists the 2017 plan)."""
        from .. import api
        from .state import current, files

        cat, prof, editions = _tables(catalogue, profile)
        chosen: list[Version] = []
        with self._connect() as conn:
            for p in periods:
                chosen += current(conn, p, as_of)
            primary = [v for v in chosen if v.year == periods[0].year]
            # taken from the primary's files: only for a year's round (a quarter's files list last
            # year's whole year, which is no 同期 of the quarter)
            missing = {p.year for p in periods} - {v.year for v in chosen} if periods[0].quarter is None else set()
            read = files(conn, chosen, primary, missing)
        basis = Basis(periods[0], as_of, self.name, tuple(v for v in chosen if v.year == periods[0].year))
        return api.Result(read, [], cat, prof, basis=basis, catalogues=editions)

    def status(self, period: Period, jurisdictions: list[str], deadline: dt.date | None,
               today: dt.date | None = None) -> Status:
        from .status import status

        with self._connect() as conn:
            return status(conn, period, jurisdictions, deadline, today)

    def history(self, *, jurisdiction: str | None = None, year: int | None = None) -> list[Entry]:
        from .history import history

        with self._connect() as conn:
            return history(conn, jurisdiction=jurisdiction, year=year)

    def aggregate(self, period: Period, *, as_of: dt.datetime | None = None, by: str = "jurisdiction,category",
                  catalogue: Catalogue | Catalogues | str | Path | None = None,
                  profile: Profile | str | Path | None = None) -> Aggregation:
        """The state of ``period`` aggregated, the sums made by the database (no row is read into
        Python), for outputs that need no project list (JSON, CSV, the screen). Falls back to the
        rows (:meth:`result`) where the database cannot say it exactly: amounts finer than a fen,
        or the purchasing-unit dimension, whose order is that of the rows, and the register's fields
        (kept as JSON in the rows)."""
        from ..aggregate import DIMENSION_REGISTRY, aggregate_sums, parse_dimensions
        from ..errors import DataError
        from .schema import rows as rows_table
        from .state import current, file_of, has_register, sums, warnings_of

        dims = parse_dimensions(by)
        cat, prof, editions = _tables(catalogue, profile)
        with self._connect() as conn:
            chosen = current(conn, period, as_of)
            columns = [DIMENSION_REGISTRY[d].column for d in dims]
            by_rows = "unit" in dims or any(c not in rows_table.c for c in columns) or has_register(conn, chosen)
            summed = None if by_rows else sums(conn, chosen, columns)
            warnings = warnings_of(conn, chosen) if summed is not None else []
        if summed is None:
            from .. import api

            return api.aggregate(self.result(period, as_of=as_of, catalogue=editions or cat, profile=prof),
                                 year=period.year, by=by)
        totals, counts, paths, per_file = summed
        if not counts:
            raise DataError(f"账本中没有 {period.text}的项目;请先用 gps ingest 导入,或检查 --year/--period")
        files = [file_of(v) for v in chosen]
        return aggregate_sums(
            totals, counts, paths, period.year, dims, jurisdictions=prof.names(),
            categories_order=(editions.for_year(period.year) if editions else cat).order(),
            files=files, region=prof.name, warnings=warnings, profile=prof,
            basis=Basis(period, as_of, self.name, tuple(chosen)), counted=per_file)

    def blob(self, sha256: str) -> bytes | None:
        """The original bytes of a version."""
        from sqlalchemy import select

        from . import schema as s

        with self._connect() as conn:
            return conn.execute(select(s.blobs.c.content).where(s.blobs.c.sha256 == sha256)).scalar()


def _tables(catalogue, profile) -> tuple[Catalogue, Profile, Catalogues | None]:
    """The catalogue and profile given, or loaded from the paths given (None: the bundled ones); the
    catalogue editions by year when given."""
    from .. import profile as profile_mod
    from ..editions import resolve

    cat, editions = resolve(catalogue)
    prof = profile if isinstance(profile, profile_mod.Profile) else profile_mod.load(profile)
    return cat, prof, editions


def _saved_at(path: str) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


