"""One measured workload per process: ``python benchmarks/workloads.py KIND FOLDER [options]``.

bench.py starts this script in a fresh process for every measurement, so the peak memory it
reads (wait4's ru_maxrss, and the sampled PSS of the process tree) belongs to one workload.
The libraries are imported before the clock starts: interpreter start-up and imports are not
part of the figure (start-up is measured on its own, as case (d)).

Prints one JSON line: {"seconds": wall time of the work, "files": ..., "rows": ..., ...}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _files(folder: str, limit: int | None = None) -> list[Path]:
    files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".xlsx", ".xls", ".csv"))
    return files[:limit] if limit else files


def gps(folder: str, year: int, workers: int | None) -> dict:
    from gpscli import api

    t = time.perf_counter()
    res = api.load([folder], workers=workers)
    agg = api.aggregate(res, year=year)
    seconds = time.perf_counter() - t
    errors = res.errors
    return {"seconds": seconds, "files": len(res.files), "rows": agg.total.count, "errors": len(errors),
            "warnings": len(res.warnings), "total": str(agg.total.amount),
            "first_errors": [e.message for e in errors[:3]]}


def _each_file(folder: str, rows_of) -> dict:
    """``rows_of(path)`` for every workbook of the folder, timed together: the rows it read."""
    files = _files(folder)
    t = time.perf_counter()
    rows = sum(rows_of(p) for p in files)
    return {"seconds": time.perf_counter() - t, "files": len(files), "rows": rows}


def calamine(folder: str) -> dict:
    from python_calamine import CalamineWorkbook

    def rows_of(p: Path) -> int:
        wb = CalamineWorkbook.from_path(str(p))
        n = sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)
        wb.close()
        return n

    return _each_file(folder, rows_of)


def fastexcel(folder: str) -> dict:
    """fastexcel (calamine into Arrow): every sheet of every file to an Arrow record batch, no header row."""
    import fastexcel as fx
    import pyarrow  # noqa: F401  (to_arrow imports it on first use: not part of the figure)

    def rows_of(p: Path) -> int:
        reader = fx.read_excel(str(p))
        return sum(reader.load_sheet(name, header_row=None).to_arrow().num_rows for name in reader.sheet_names)

    return _each_file(folder, rows_of)


def csv_module(folder: str) -> dict:
    """The floor for CSV: the standard library's csv module over each file decoded as GBK."""
    import csv

    def rows_of(p: Path) -> int:
        with open(p, encoding="gbk", newline="") as fh:
            return sum(1 for _row in csv.reader(fh))

    return _each_file(folder, rows_of)


def pandas_csv(folder: str) -> dict:
    """pandas.read_csv of each file (GBK, ragged lines), concatenated."""
    import pandas as pd

    files = _files(folder)
    t = time.perf_counter()
    frames = [pd.read_csv(p, encoding="gbk", header=None, names=range(11), dtype=str) for p in files]
    rows = len(pd.concat(frames, ignore_index=True))
    return {"seconds": time.perf_counter() - t, "files": len(files), "rows": rows}


def pandas_calamine(folder: str) -> dict:
    """What a script would do: pandas.read_excel(engine="calamine") of every sheet, concatenated."""
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")
    files = _files(folder)
    t = time.perf_counter()
    frames = []
    for p in files:
        frames.extend(pd.read_excel(p, sheet_name=None, header=None, engine="calamine").values())
    rows = len(pd.concat(frames, ignore_index=True))
    return {"seconds": time.perf_counter() - t, "files": len(files), "rows": rows}


def pandas_openpyxl(folder: str, limit: int | None) -> dict:
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")
    files = _files(folder, limit)
    t = time.perf_counter()
    rows = 0
    for p in files:
        for df in pd.read_excel(p, sheet_name=None, header=None, engine="openpyxl").values():
            rows += len(df)
    return {"seconds": time.perf_counter() - t, "files": len(files), "rows": rows}


def report(folder: str, year: int, out: str) -> dict:
    """api.load + gpscli.report.write_report (aggregates, builds the context, renders the DOCX)."""
    from gpscli import api
    from gpscli.report import write_report

    t = time.perf_counter()
    res = api.load([folder])
    outcome = write_report(res, year, out=out, narrative=None, narrative_required=False)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "files": len(res.files), "rows": outcome.aggregation.total.count,
            "render_seconds": outcome.render_seconds, "bytes": Path(out).stat().st_size}


def ingest(folder: str, year: int, ws: str) -> dict:
    """A new SQLite ledger in ``ws``, and every file of the folder recorded in it (gps ingest)."""
    from gpscli.ledger import NEW, Ledger, Request
    from gpscli.ledger.engine import sqlite_url
    from gpscli.periods import Period

    db = Path(ws) / "gps.sqlite"
    for p in Path(ws).glob("gps.sqlite*"):
        p.unlink()
    t = time.perf_counter()
    ledger = Ledger.open(sqlite_url(db), create=True)
    report = ledger.ingest([folder], Request(Period(year)))
    seconds = time.perf_counter() - t
    ledger.engine.dispose()
    new = [o for o in report.outcomes if o.status == NEW]
    refused = [o for o in report.outcomes if not o.accepted]
    return {"seconds": seconds, "files": len(report.outcomes), "rows": sum(o.rows for o in new),
            "errors": len(refused), "first_errors": [o.message or f"{o.errors} errors" for o in refused[:3]],
            "ledger_bytes": sum(p.stat().st_size for p in Path(ws).glob("gps.sqlite*"))}


def ledger_aggregate(ws: str, year: int) -> dict:
    """The state of the year from the ledger in ``ws``, aggregated (summed by the database, as
    ``gps aggregate --format json`` does) and written as JSON."""
    from gpscli.ledger import Ledger
    from gpscli.ledger.engine import sqlite_url
    from gpscli.outputs.tables import to_json
    from gpscli.periods import Period

    t = time.perf_counter()
    ledger = Ledger.open(sqlite_url(Path(ws) / "gps.sqlite"))
    agg = ledger.aggregate(Period(year))
    text = to_json(agg)
    return {"seconds": time.perf_counter() - t, "files": len(agg.files), "rows": agg.total.count, "errors": 0,
            "total": str(agg.total.amount), "bytes": len(text)}


def determinism(folder: str, year: int) -> dict:
    from gpscli import api
    from gpscli.outputs.tables import to_json

    one = to_json(api.aggregate(api.load([folder], workers=1), year=year))
    two = to_json(api.aggregate(api.load([folder], workers=2), year=year))
    return {"seconds": 0.0, "same": one == two, "bytes": len(one)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["gps", "calamine", "fastexcel", "pandas", "pandas-calamine", "csv", "pandas-csv",
                                     "report", "determinism", "ingest", "ledger-aggregate"])
    ap.add_argument("folder")
    ap.add_argument("--year", type=int, default=2016)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--ws", default=None, help="ingest, ledger-aggregate: the folder of the ledger")
    a = ap.parse_args()
    if a.kind == "gps":
        out = gps(a.folder, a.year, a.workers)
    elif a.kind == "calamine":
        out = calamine(a.folder)
    elif a.kind == "fastexcel":
        out = fastexcel(a.folder)
    elif a.kind == "pandas":
        out = pandas_openpyxl(a.folder, a.limit)
    elif a.kind == "pandas-calamine":
        out = pandas_calamine(a.folder)
    elif a.kind == "csv":
        out = csv_module(a.folder)
    elif a.kind == "pandas-csv":
        out = pandas_csv(a.folder)
    elif a.kind == "report":
        out = report(a.folder, a.year, a.out)
    elif a.kind == "ingest":
        out = ingest(a.folder, a.year, a.ws)
    elif a.kind == "ledger-aggregate":
        out = ledger_aggregate(a.ws or a.folder, a.year)
    else:
        out = determinism(a.folder, a.year)
    sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
