"""What :func:`gpscli.normalise.extract` settles about a sheet before it reads its rows (where its
default jurisdiction and year come from, which required columns it lacks, which cells must be
treated specially), and what it says about the sheet's hidden rows and columns after."""

from __future__ import annotations

from collections.abc import Callable

from ..issues import Issue
from ..money import display
from ..readers.grid import SheetGrid, a1, col_letter
from ..records import FIELD_LABELS, RecordBatch, SheetReport
from .context import Context, title_context
from .layout import REQUIRED_COLUMNS, Layout


def defaults(layout: Layout, ctx: Context, file_stem: str,
             report: SheetReport) -> tuple[str | None, int | None, list[str]]:
    """(default jurisdiction, default year, missing required fields) of a sheet; says in ``report``
    where the jurisdiction and the year of its rows come from (shown by ``validate -v``)."""
    cols, letters = layout.columns, report.columns
    missing = [f for f in REQUIRED_COLUMNS if f not in cols]
    title_jur, jur_from, title_year, year_from = title_context(layout, ctx, report.name, file_stem)
    default_jur = ctx.jurisdiction or title_jur
    default_year = ctx.year or title_year
    jur_default_from = "命令行 --jurisdiction" if ctx.jurisdiction else jur_from
    year_default_from = "命令行 --year" if ctx.year else year_from
    if "jurisdiction" in cols:
        report.jurisdiction_from = f"「{layout.headers.get('jurisdiction', '地区')}」列({letters['jurisdiction']}列)" + (
            f",空白处取自{jur_default_from}" if default_jur else "")
    else:
        report.jurisdiction_from = jur_default_from
    if "year" in cols:
        report.year_from = f"「{layout.headers.get('year', '年度')}」列({letters['year']}列)" + (
            f",空白处取自{year_default_from}" if default_year else "")
    else:
        report.year_from = year_default_from
    if "jurisdiction" not in cols and default_jur is None:
        missing.append("jurisdiction")
    if "year" not in cols and default_year is None:
        missing.append("year")
    return default_jur, default_year, missing


def missing_columns(missing: list[str], layout: Layout, issue: Callable) -> None:
    """One missing-column issue for each required field the sheet lacks."""
    seen = "、".join(layout.headers_seen) or "(无)"
    for f in missing:
        variant = f if f in ("jurisdiction", "year") else ""
        issue("missing-column", variant, row=layout.header_row, field=FIELD_LABELS[f], seen=seen)


def special_cells(grid: SheetGrid, col_field: dict[int, str], data_start: int) -> tuple[dict, dict, dict]:
    """Cells to treat specially, by row: (flags, fills, merged amounts).

    Untrustworthy formula cells ({row: {field: flag}}); cells under a vertical merge, which read as
    if the merged value were written on every row, as 购买主体 merged over its projects ({row: {field:
    value}}); and amounts merged over several rows, which cannot be split ({row: "G5:G7"}).
    """
    flags_by_row: dict[int, dict[str, str]] = {}
    for (r, c), flag in grid.flags.items():
        f = col_field.get(c)
        if f is not None and r >= data_start:
            flags_by_row.setdefault(r, {})[f] = flag
    fill_by_row: dict[int, dict[str, object]] = {}
    merged_amount: dict[int, str] = {}
    for r1, c1, r2, c2 in grid.merged:
        if r2 < data_start or r2 == r1 or c1 != c2 or c1 not in col_field:
            continue
        f = col_field[c1]
        if f == "seq":
            continue
        v = grid.value(r1, c1)
        if v is None or v == "":
            continue
        for r in range(max(r1 + 1, data_start), r2 + 1):
            if f == "amount":
                merged_amount[r] = f"{a1(r1, c1)}:{a1(r2, c2)}"
            else:
                fill_by_row.setdefault(r, {})[f] = v
    return flags_by_row, fill_by_row, merged_amount


def hidden_cells(grid: SheetGrid, layout: Layout, batch: RecordBatch, issues: list[Issue], issue: Callable) -> None:
    """A project row, or a column gps reads, that Excel does not show: counted as read, but said
    at its place (a county hides the row of a cancelled project; a filter hides rows)."""
    cols = layout.columns
    for f, c in sorted(cols.items(), key=lambda kv: kv[1]):
        if c in grid.hidden_cols:
            issue("hidden-column", row=layout.header_row, col=c, header=layout.headers.get(f, FIELD_LABELS[f]),
                  letter=col_letter(c))
    if not grid.hidden_rows:
        return
    counted = {row - 1: i for i, row in enumerate(batch.row)}
    with_errors = {i.row - 1 for i in issues if i.is_error and i.row is not None}
    name_col = cols["name"]
    for r in sorted(grid.hidden_rows):
        if r < layout.data_start:
            continue
        k = counted.get(r)
        if k is not None:
            issue("hidden-row", row=r, col=name_col, value=batch.name[k], line=r + 1, name=batch.name[k],
                  amount=display(batch.amount[k]))
        elif r in with_errors:
            issue("hidden-row", "error", row=r, col=name_col, line=r + 1)
