"""The library entry points: what the CLI calls, and what other programs can call.

    from gpscli import api
    batch = api.load(["sample_data"])            # read + validate
    print(batch.ok, len(batch.valid_records()))
    table = api.aggregate(batch, year=2016)
    print(table.total.amount)                    # Decimal('16252.68')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from . import checks
from . import profile as profile_mod
from .catalogue import Catalogue
from .checks.register import load_negative_list
from .editions import Catalogues
from .editions import resolve as resolve_catalogue
from .errors import DataError
from .ingest import collect_paths, gc_paused, read_files
from .issues import Issue
from .normalise import Context
from .outputs.atomic import protect
from .profile import Profile
from .readers import Limits
from .records import FileResult, ProjectRecord

if TYPE_CHECKING:
    from .aggregate import Aggregation, View
    from .ledger import Basis


@dataclass
class Result:
    """Files read and validated. ``records`` are the rows without errors."""

    files: list[FileResult]
    issues: list[Issue]  # not tied to a readable file (inaccessible paths)
    catalogue: Catalogue
    profile: Profile
    options: checks.RuleOptions = field(default_factory=checks.RuleOptions)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # non-spreadsheet files met in folders
    basis: Basis | None = None  # read from the ledger: the period, the moment, the versions
    catalogues: Catalogues | None = None  # editions by year (``catalogue`` is then the default one)
    _valid: list[ProjectRecord] | None = field(default=None, init=False, repr=False)
    _views: list[View] | None = field(default=None, init=False, repr=False)
    _years: list[int] | None = field(default=None, init=False, repr=False)

    def catalogue_for(self, year: int) -> Catalogue:
        """The catalogue in force in ``year``."""
        return self.catalogue if self.catalogues is None else self.catalogues.for_year(year)

    def all_issues(self) -> list[Issue]:
        return self.issues + [i for f in self.files for i in f.issues]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.all_issues() if i.is_error]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.all_issues() if not i.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors

    def valid_views(self) -> list[View]:
        """The rows without errors, by sheet: (batch, indices of its rows, or None for all)."""
        if self._views is None:
            bad = checks.error_rows(self.files)
            bad_sheets = {(p, s) for p, s, _r in bad}
            views: list[View] = []
            for f in self.files:
                if f.ignored or any(i.is_error and i.sheet is None for i in f.issues):
                    continue  # a duplicate copy, or a file-level error (a whole-file repeat...)
                for b in f.batches:
                    if (b.path, b.sheet) in bad_sheets:
                        keep = [i for i, row in enumerate(b.row) if (b.path, b.sheet, row) not in bad]
                        views.append((b, keep))
                    else:
                        views.append((b, None))
            self._views = views
        return self._views

    def valid_records(self) -> list[ProjectRecord]:
        """Records of rows without errors (computed once: a Result does not change after load)."""
        if self._valid is None:
            out: list[ProjectRecord] = []
            for b, keep in self.valid_views():
                recs = b.records()
                out.extend(recs if keep is None else [recs[i] for i in keep])
            self._valid = out
        return self._valid

    def years(self) -> list[int]:
        if self._years is None:
            years: set[int] = set()
            for b, keep in self.valid_views():
                years.update(b.year if keep is None else (b.year[i] for i in keep))
            self._years = sorted(years)
        return self._years


def load(
    paths: Iterable[str | Path],
    *,
    catalogue: Catalogue | Catalogues | str | Path | None = None,
    profile: Profile | str | Path | None = None,
    jurisdiction: str | None = None,
    year: int | None = None,
    require_year: bool = False,
    suspicious_amount: Decimal = Decimal(100000),
    negative_list: str | Path | None = None,
    methods: Iterable[str] = (),
    limits: Limits | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Read every file under ``paths`` and validate it. Never raises for bad data. ``catalogue``:
    one catalogue for all years (a file, None for the bundled one), or :class:`~gpscli.editions.Catalogues`.
    ``negative_list``: the bureau's own keywords of 第十条 (CSV 关键词,条款,事项), added to the bundled ones;
    ``methods``: 购买方式 the bureau uses besides the law's."""
    cat, editions = resolve_catalogue(catalogue)
    prof = profile if isinstance(profile, Profile) else profile_mod.load(profile)
    canonical_jur = prof.canonical(jurisdiction) if jurisdiction else None
    ctx = Context(prof, cat, canonical_jur, year, editions)
    files, skipped, ignored = collect_paths(list(paths))
    opts = checks.RuleOptions(require_year=year if require_year else None, suspicious_amount=suspicious_amount,
                              negative_terms=load_negative_list(negative_list), methods=tuple(methods))
    with gc_paused():
        results = read_files(files, ctx, limits, workers=workers, progress=progress)
        checks.run(results, opts)
    protect(f.path for f in results)  # no output may ever be written over a file that was read
    return Result(results, skipped, cat, prof, opts, ignored, catalogues=editions)


__all__ = ["Result", "aggregate", "load"]


def aggregate(result: Result, year: int | None = None, by: str | list[str] = "jurisdiction,category",
              skip_invalid: bool = False) -> Aggregation:
    """Aggregate the valid rows of one year.

    With errors in the data this raises :class:`DataError` (a summary built on wrong rows would be
    wrong) unless ``skip_invalid``: then the valid rows are counted and every error is listed in
    ``Aggregation.skipped``.
    """
    from .aggregate import aggregate_views, choose_year, parse_dimensions

    dims = parse_dimensions(by)
    years = result.years()
    chosen = choose_year(years, year)
    errors = result.errors
    if errors and not skip_invalid:
        raise DataError(f"数据中有 {len(errors)} 个错误,未生成输出;请先修正(或使用 --skip-invalid 只用无误的行)")
    if chosen not in years and errors and skip_invalid:
        raise DataError(f"{chosen} 年没有无误的项目行:有错误的行都未纳入(共 {len(errors)} 个错误);请先修正")
    if chosen not in years:
        have = "、".join(map(str, years)) or "无"
        raise DataError(f"数据中没有 {chosen} 年的项目(有数据的年度:{have});请检查 --year 或各地是否已报送")
    with gc_paused():  # many small objects and no cycles: the collector would only cost time
        return aggregate_views(
            result.valid_views(), chosen, dims,
            jurisdictions=result.profile.names(), categories_order=result.catalogue_for(chosen).order(),
            files=result.files, skipped=errors if skip_invalid else [], region=result.profile.name,
            find_jurisdiction=lambda text: (j.name if (j := result.profile.find_in_text(text)) else None),
            warnings=_warnings_for(result, chosen), profile=result.profile, basis=result.basis,
        )


def _warnings_for(result: Result, year: int) -> list[Issue]:
    """The warnings an output of ``year`` must carry: all of them, except those on rows of another
    year (a suspicious 2017 amount is not a concern of the 2016 summary)."""
    warnings = result.warnings
    if not any(i.row is not None for i in warnings):
        return warnings
    other: set[tuple[str, str, int]] = set()
    for b, keep in result.valid_views():
        years = b.year
        if min(years, default=year) == max(years, default=year) == year:
            continue
        for i in (range(len(years)) if keep is None else keep):
            if years[i] != year:
                other.add((b.path, b.sheet, b.row[i]))
    return [i for i in warnings if (i.path, i.sheet, i.row) not in other]
