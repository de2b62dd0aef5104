"""The output formats of an aggregate: one record per format, the one place where they vary.

A record names the format (the ``--format`` choice), the suffixes ``--out`` accepts for it, the
writer of a file (atomic, refusing to overwrite a person's file) and what ``--format NAME`` puts on
standard output. ``tables.write``, the ``--out`` check and the ``--format`` choices of
``gps aggregate`` all come from here. Adding a format = one record + its writer.

Imports nothing heavy: the CLI builds its options from it at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from ..aggregate import Aggregation


@dataclass(frozen=True)
class OutputFormat:
    name: str  # json / csv / xlsx: the --format choice
    label: str  # the format's Chinese name
    suffixes: tuple[str, ...]  # accepted by --out (lower case, with the dot); the first is the usual one
    write: Callable[[Aggregation, Path, bool], None]  # (aggregation, path, force): one file, atomically
    show: Callable[[Aggregation, IO[str]], None]  # --format NAME: to standard output (a text stream)
    binary: bool = False  # not for a terminal


def _write_json(agg: Aggregation, path: Path, force: bool) -> None:
    from .atomic import write_bytes
    from .tables import to_json

    write_bytes(path, to_json(agg).encode("utf-8"), force=force)


def _show_json(agg: Aggregation, out: IO[str]) -> None:
    from .tables import to_json

    out.write(to_json(agg))


def _write_csv(agg: Aggregation, path: Path, force: bool) -> None:
    from .atomic import write_bytes
    from .safe import csv_bom
    from .tables import to_csv

    write_bytes(path, csv_bom(to_csv(agg)).encode("utf-8"), force=force)


def _show_csv(agg: Aggregation, out: IO[str]) -> None:
    from .safe import show_csv
    from .tables import to_csv

    show_csv(out, to_csv(agg))  # `> 汇总.csv` is a file Excel opens: UTF-8, the BOM unless GPS_NO_BOM


def _write_xlsx(agg: Aggregation, path: Path, force: bool) -> None:
    from .tables import write_xlsx

    write_xlsx(agg, path, force=force)


def _show_xlsx(agg: Aggregation, out: IO[str]) -> None:
    import io

    from .tables import write_xlsx_to

    buf = io.BytesIO()
    write_xlsx_to(agg, buf)
    out.flush()
    out.buffer.write(buf.getvalue())  # type: ignore[attr-defined]


_FORMATS = (
    OutputFormat("json", "JSON", (".json",), _write_json, _show_json),
    OutputFormat("csv", "CSV", (".csv",), _write_csv, _show_csv),
    OutputFormat("xlsx", "Excel 汇总表", (".xlsx",), _write_xlsx, _show_xlsx, binary=True),
)

OUTPUT_FORMATS: dict[str, OutputFormat] = {f.name: f for f in _FORMATS}


def for_suffix(suffix: str) -> OutputFormat | None:
    """The format written to a file with this suffix (".xlsx"; any case), or None."""
    suffix = suffix.lower()
    return next((f for f in OUTPUT_FORMATS.values() if suffix in f.suffixes), None)


def suffixes() -> list[str]:
    return [s for f in OUTPUT_FORMATS.values() for s in f.suffixes]


def suffix_text(sep: str = "、", last: str = " 或 ") -> str:
    """The suffixes --out accepts, as a person reads them: ".json、.csv 或 .xlsx"."""
    all_ = suffixes()
    return all_[0] if len(all_) == 1 else sep.join(all_[:-1]) + last + all_[-1]
