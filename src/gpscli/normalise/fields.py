"""One parser per field of a project row: each reads a cell into a value and lists the problems in
that cell (:class:`~gpscli.checks.registry.Finding`), ending with the field's registered cell checks.

The row-by-row path turns the findings into issues at the cell; the column-wise path
(:mod:`.plain`) calls the same parsers on each distinct value of a column and leaves every value
with a finding to the row-by-row path. A check is therefore written once, here or as a cell
check, and holds on both paths.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, TypeVar

from ..checks.registry import CHECKS, Finding, run_cell_checks
from ..money import AmountError, UnitConflict, parse_amount
from ..records import FIELD_LABELS, METHOD_ALIASES, METHODS
from ..text import ident, key
from .cells import cell_text, visible_text

if TYPE_CHECKING:
    from ..catalogue import Catalogue, CatalogueItem
    from .context import Context
    from .layout import Layout

METHOD_KEYS = {**{key(a): m for a, m in METHOD_ALIASES.items()}, **{key(m): m for m in METHODS}}
_V = TypeVar("_V")
NUMBER_TYPES = (int, float, Decimal)


def _blank(v: object) -> bool:
    return v is None or v == "" or (type(v) is str and v.isspace())


class Fields:
    """The field parsers of one sheet (its unit, its default jurisdiction and year)."""

    def __init__(self, ctx: Context, layout: Layout, default_jur: str | None, default_year: int | None) -> None:
        self.ctx, self.match = ctx, ctx.matcher()
        self.catalogue, self.profile = ctx.catalogue, ctx.profile
        self.unit, self.stated = layout.unit, layout.unit_stated
        self.default_jur, self.default_year = default_jur, default_year
        self.editions = ctx.catalogues is not None  # catalogues by year: a row's year picks its catalogue
        self._item_top: dict[object, str] = {}  # level-2 code -> the name of its level-1 category

    def _checked(self, field: str, v: object, value: _V, found: list[Finding]) -> _V:
        if value is not None and not found and CHECKS.cell_checks(field):  # the text only when a check reads it
            found.extend(run_cell_checks(field, cell_text(v), value))
        return value

    # ---- texts ------------------------------------------------------------------------------
    def text(self, field: str, v: object, found: list[Finding], required: bool = True) -> str | None:
        """购买主体, 项目名称 (required), 承接主体, 备注 (optional): the text shown, control characters
        removed (and said)."""
        t, removed = visible_text(v)
        if not t:
            if required:
                found.append(Finding("missing-value", {"field": FIELD_LABELS[field]}))
            return None
        if removed:
            found.append(Finding("illegal-character", {"field": FIELD_LABELS[field]},
                                 "" if required else "optional", cell_text(v)))
        return self._checked(field, v, t, found)

    def unit_pair(self, v: object, found: list[Finding]) -> tuple[str, str] | None:
        """购买主体 and its folded form (for duplicate detection)."""
        t = self.text("unit", v, found)
        return (t, ident(t)) if t is not None else None

    # ---- the catalogue and the profile -------------------------------------------------------
    def jurisdiction(self, v: object, fallback: str | None, found: list[Finding]) -> str | None:
        """地区 from the cell, else ``fallback`` (a heading or the title)."""
        text = cell_text(v) if not _blank(v) else ""
        if text:
            j = self.match.jurisdiction(text)
            if j is None:
                near = self.profile.suggest(text)
                found.append(Finding("unknown-jurisdiction", {
                    "text": text, "region": self.profile.name,
                    "suggestion": f"是否应为「{near}」?" if near else f"可填写:{'、'.join(self.profile.names())}"},
                    value=v))
                return None
            return self._checked("jurisdiction", v, j.name, found)
        if fallback is None:
            found.append(Finding("missing-value", {}, "jurisdiction"))
        return fallback

    def category(self, v: object, section: str | None, found: list[Finding], year: int | None = None) -> str | None:
        """一级目录, by name, alias or code; a blank under a section heading takes the heading's.
        With catalogue editions (``ctx.catalogues``), matched in the edition in force in ``year``."""
        raw = cell_text(v)
        if not raw:
            if section and not self.editions:
                return section
            if not section:
                found.append(Finding("missing-value", {}, "category"))
                return None
            v = raw = section  # the heading's category must be one of the row's edition too
        numeric = type(v) in NUMBER_TYPES
        cat = self.catalogue
        if self.editions:
            cat, (kind, item) = self._in_edition(raw, numeric, year)
        else:
            kind, item = self.match.category(raw, numeric)
        if kind == "ok" and item is not None:
            return self._checked("category", v, item.name, found)
        if kind == "level2" and item is not None:
            top = cat.top(item)
            found.append(Finding("unknown-category", {"text": raw, "top": top.name, "item": item.name}, "level2", v))
            return None
        near = cat.suggest(raw, level=1)
        suggestion = f"是否应为「{near}」?" if near else f"可填写:{'、'.join(cat.category_names())}"
        if self.editions and year is not None:
            found.append(Finding("unknown-category", {
                "text": raw, "year": year, "source": PurePath(cat.source).name,  # no server path in a county's copy
                "suggestion": self._other_edition(raw, numeric, cat) or suggestion}, "edition", v))
            return None
        found.append(Finding("unknown-category", {"text": raw, "suggestion": suggestion}, value=v))
        return None

    def _in_edition(self, raw: str, numeric: bool, year: int | None) -> tuple[Catalogue, tuple[str, CatalogueItem | None]]:
        """(the catalogue, the match) of a 一级目录 in the edition in force in ``year`` (a row
        without a year: the first edition that knows it)."""
        cats = self.ctx.catalogues_for(year)
        for cat in cats:
            hit = self.match.category(raw, numeric, cat)
            if hit[0] != "unknown":
                return cat, hit
        return cats[0], ("unknown", None)

    def _other_edition(self, raw: str, numeric: bool, cat: Catalogue) -> str | None:
        """The hint for a 一级目录 of another edition than the row's year's: which years it is of."""
        assert self.ctx.catalogues is not None  # only with editions
        for other in self.ctx.catalogues.all():
            if other is not cat and self.match.category(raw, numeric, other)[0] != "unknown":
                return (f"「{raw}」是{self.ctx.catalogues.in_force(other)}适用的目录中的名称;"
                        f"请核对年度,或按本年度的目录填写:{'、'.join(cat.category_names())}")
        return None

    def _edition(self, year: int | None) -> Catalogue | None:
        """The catalogue of a row of ``year`` when there are editions (None: ctx.catalogue)."""
        return self.ctx.catalogues_for(year)[0] if self.editions else None

    def subcategory_of(self, v: object, year: int | None = None) -> tuple[str, str | None, CatalogueItem | None] | None:
        """(text, the matched name, the matched item) of a 二级目录 cell; None when blank."""
        raw = cell_text(v)
        if not raw:
            return None
        item = self.match.subcategory(raw, type(v) in NUMBER_TYPES, self._edition(year))
        return raw, (item.name if item is not None else None), item

    def top_of(self, item: CatalogueItem, cat: Catalogue | None = None) -> str:
        k: object = item.code if cat is None else (id(cat), item.code)
        top = self._item_top.get(k)
        if top is None:
            top = self._item_top[k] = (cat or self.catalogue).top(item).name
        return top

    def subcategory(self, v: object, category: str | None, found: list[Finding], year: int | None = None) -> str | None:
        """二级目录 (optional): a level-2 item; under another level-1 category it is a mismatch."""
        hit = self.subcategory_of(v, year)
        if hit is None:
            return None
        raw, _name, item = hit
        cat = self._edition(year)
        if item is None or item.level == 1:
            if item is not None and category and item.name == category:
                return None  # the level-1 name repeated in the level-2 column
            near = (cat or self.catalogue).suggest(raw, level=2)
            found.append(Finding("unknown-subcategory", {
                "text": raw, "suggestion": f"是否应为「{near}」?" if near else "请从下拉列表中选择二级目录"}, value=v))
            return raw
        top = self.top_of(item, cat)
        if category and top != category:
            found.append(Finding("category-mismatch", {"item": item.name, "top": top, "category": category}, value=v))
        return self._checked("subcategory", v, item.name, found)

    # ---- amount and year ---------------------------------------------------------------------
    def amount(self, v: object, merged: str | None, found: list[Finding]) -> Decimal | None:
        """金额 in 万元, exactly; never a guess about a unit written in the cell."""
        if v is None or (type(v) is str and not v.strip()):
            if merged:
                found.append(Finding("invalid-amount", {"merged": merged}, "merged"))
            else:
                found.append(Finding("missing-value", {"unit": self.unit}, "amount"))
            return None
        try:
            amount = parse_amount(v, self.unit, self.stated)
        except UnitConflict as exc:
            found.append(Finding("unit-conflict", {"text": cell_text(v), "why": str(exc), "unit": self.unit,
                                                   "cell_unit": exc.cell_unit}, value=v))
            return None
        except AmountError as exc:
            found.append(Finding("invalid-amount", {"text": cell_text(v), "why": str(exc), "unit": self.unit}, value=v))
            return None
        return self._checked("amount", v, amount, found)

    def year(self, v: object, found: list[Finding]) -> int | None:
        """年度 from the cell, else the sheet's (title, --year)."""
        if not _blank(v):
            y = self.match.year(v)
            if type(y) is int:
                return self._checked("year", v, y, found)
            found.append(Finding("invalid-year", {"text": cell_text(v), "why": y}, value=v))
            return None
        if self.default_year is None:
            found.append(Finding("missing-value", {}, "year"))
        return self.default_year

    def method(self, v: object, found: list[Finding]) -> str | None:
        """购买方式 as the law names it when it is one of those, else as written."""
        t = cell_text(v)
        return self._checked("method", v, METHOD_KEYS.get(key(t), t), found) if t else None
