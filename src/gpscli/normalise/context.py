"""What a run reads with: the profile and catalogue, what the command line says (--jurisdiction,
--year), and the caches that match the texts people type against them (kept across the files a
worker reads: the same 一级目录 and 地区 spellings come back in every submission)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..catalogue import Catalogue, CatalogueItem
from ..profile import Jurisdiction, Profile
from ..years import YearError, parse_year, years_in_text
from .layout import Layout

if TYPE_CHECKING:
    from ..editions import Catalogues

_CODE_PREFIX = re.compile(r"^([A-Za-z]?\d{1,8})\s*[-.、．:：_\s]?\s*(\D.*)$")
BRACKETED = re.compile(r"[(（\[【〔<《]([^)）\]】〕>》]*)[)）\]】〕>》]")
_BRACKET_CHARS = str.maketrans("", "", "()（）[]【】〔〕<>《》")


@dataclass
class Context:
    """What the command line says and what the shared reference data is."""

    profile: Profile
    catalogue: Catalogue
    jurisdiction: str | None = None  # --jurisdiction, canonical
    year: int | None = None  # --year used as a default for rows without one
    catalogues: Catalogues | None = None  # editions by year ([catalogue.editions]); None: ``catalogue`` for all
    _matcher: Matcher | None = field(default=None, init=False, repr=False, compare=False)
    # Set in a reading worker, whose results are pickled back whatever happens: the records of a
    # streamed big sheet are pickled window by window there (RecordBatch.pack), not held as objects.
    pack_records: bool = field(default=False, init=False, repr=False, compare=False)

    def matcher(self) -> Matcher:
        """Matches of texts against the catalogue and profile, kept across the files a process reads
        (the same 一级目录 and 地区 spellings come back in every submission)."""
        m = self._matcher
        if m is None or m.size() > 50_000:
            m = self._matcher = Matcher(self)
        return m

    def catalogues_for(self, year: int | None) -> list[Catalogue]:
        """The catalogues a row of ``year`` is matched in: the one in force that year; for a row
        without a year (its own error), any edition's."""
        if self.catalogues is None:
            return [self.catalogue]
        return [self.catalogues.for_year(year)] if year is not None else self.catalogues.all()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_matcher"] = None  # a worker builds its own
        return state


class Matcher:
    """Caches: each distinct text is matched against the catalogue/profile once (see Context.matcher)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.categories: dict[tuple[str, bool], tuple[str, CatalogueItem | None]] = {}
        self.subcategories: dict[str, CatalogueItem | None] = {}
        self.jurisdictions: dict[str, Jurisdiction | None] = {}
        self.years: dict[tuple[type, object], int | str] = {}
        self.columns: dict[tuple[str, object], dict] = {}  # plainrows: (field, extra) -> raw -> value
        self.column_refused: dict[tuple[str, object], set] = {}  # plainrows: the raws in columns that fn refused
        self.titles: dict[str, Jurisdiction | None] = {}  # title line, sheet or file name -> jurisdiction in it
        self.title_years: dict[str, tuple[int, ...]] = {}  # ... -> the years it names
        # Catalogue editions other than ctx.catalogue: id(catalogue) -> (categories, subcategories)
        self.editions: dict[int, tuple[dict, dict]] = {}

    def size(self) -> int:
        return (len(self.categories) + len(self.subcategories) + len(self.jurisdictions) + len(self.years)
                + sum(map(len, self.columns.values())) + len(self.titles) + len(self.title_years)
                + sum(len(a) + len(b) for a, b in self.editions.values()))

    def _caches(self, cat: Catalogue) -> tuple[Catalogue, dict, dict]:
        """The caches of matches in an edition."""
        if cat is self.ctx.catalogue:
            return self.ctx.catalogue, self.categories, self.subcategories
        caches = self.editions.get(id(cat))
        if caches is None:
            caches = self.editions[id(cat)] = ({}, {})
        return cat, caches[0], caches[1]

    def jurisdiction_in(self, text: str) -> Jurisdiction | None:
        """profile.find_in_text (a pass over every name and alias), once per distinct title line:
        the submissions of a county come back with the same titles."""
        if text in self.titles:
            return self.titles[text]
        hit = self.titles[text] = self.ctx.profile.find_in_text(text)
        return hit

    def years_in(self, text: str) -> tuple[int, ...]:
        """years_in_text, once per distinct title line."""
        hit = self.title_years.get(text)
        if hit is None:
            hit = self.title_years[text] = tuple(years_in_text(text))
        return hit

    def jurisdiction(self, text: str) -> Jurisdiction | None:
        if text in self.jurisdictions:
            return self.jurisdictions[text]
        hit = self.ctx.profile.match(text)
        if hit is None:
            stripped = BRACKETED.sub("", text)
            hit = self.ctx.profile.match(stripped) if stripped != text else None
        self.jurisdictions[text] = hit
        return hit

    def category(self, text: str, numeric: bool, cat: Catalogue | None = None) -> tuple[str, CatalogueItem | None]:
        """("ok"|"level2"|"unknown", item) for what was typed in the 一级目录 column (in ``cat``, an
        edition; None: ctx.catalogue)."""
        k = (text, numeric)
        if cat is None:
            cat, categories = self.ctx.catalogue, self.categories
        else:
            cat, categories, _sub = self._caches(cat)
        hit = categories.get(k)
        if hit is None:
            item = _match_catalogue(cat, text, numeric)
            hit = ("unknown", None) if item is None else (("ok", item) if item.level == 1 else ("level2", item))
            categories[k] = hit
        return hit

    def subcategory(self, text: str, numeric: bool, cat: Catalogue | None = None) -> CatalogueItem | None:
        k = f"{int(numeric)}{text}"
        if cat is None:
            cat, subcategories = self.ctx.catalogue, self.subcategories
        else:
            cat, _cats, subcategories = self._caches(cat)
        if k not in subcategories:
            subcategories[k] = _match_catalogue(cat, text, numeric)
        return subcategories[k]

    def year(self, value: object) -> int | str:
        """The year a cell names (an int), or why it names none (a Chinese reason)."""
        k = (type(value), value)
        try:
            hit = self.years.get(k)
        except TypeError:  # an unhashable value: not cached
            return _year(value)
        if hit is None:
            hit = self.years[k] = _year(value)
        return hit


def _year(value: object) -> int | str:
    try:
        return parse_year(value)
    except YearError as exc:
        return str(exc)


def _match_catalogue(cat: Catalogue, text: str, numeric: bool) -> CatalogueItem | None:
    """Catalogue item for a name with 类 suffix, spaces, brackets or a code (01, 0101, 01 基本公共服务)."""
    if numeric or text.isdigit():
        digits = text.split(".")[0]
        return cat.match(digits) or cat.match(digits.zfill(len(digits) + len(digits) % 2))
    hit = cat.match(text)
    if hit is not None:
        return hit
    m = _CODE_PREFIX.match(text)
    if m:
        code, rest = m.group(1), m.group(2)
        by_name = _match_catalogue(cat, rest.strip(), False)
        by_code = cat.match(code) or (cat.match(code.zfill(len(code) + len(code) % 2)) if code.isdigit() else None)
        if by_name is not None and by_code is not None and by_name is not by_code:
            return None  # code and name disagree: never guess
        if by_name is not None:
            return by_name
    if BRACKETED.search(text):
        inner = [g.strip() for g in BRACKETED.findall(text) if g.strip()]
        outside = BRACKETED.sub("", text).strip()
        hit = cat.match(outside) if outside else None
        if hit is not None:
            for g in inner:  # 基本公共服务(01): a code in brackets must agree
                other = cat.match(g) if g.isdigit() else None
                if other is not None and other is not hit:
                    return None
            return hit
        flat = text.translate(_BRACKET_CHARS)
        if flat != text:
            return cat.match(flat)
    return None


def _line_kind(line: str) -> str:
    """What ``validate -v`` calls a line above the header: 填报单位行 (报送单位行), else 标题行."""
    for word in ("填报单位", "报送单位"):
        if word in line:
            return f"{word}行"
    return "标题行"


def title_context(layout: Layout, ctx: Context, sheet_name: str, file_name: str) -> tuple[str | None, str, int | None, str]:
    """Jurisdiction and year named by the title lines, the 填报单位 line, the sheet or file name."""
    jur, jur_from, year, year_from = None, "", None, ""
    match = ctx.matcher()
    lines = sorted(layout.title_lines, key=lambda s: 0 if "填报单位" in s or "报送单位" in s else 1)
    for line in lines:
        if jur is None:
            j = match.jurisdiction_in(line)
            if j:
                jur, jur_from = j.name, f"{_line_kind(line)}「{line}」"
    for line in layout.title_lines:
        if year is None:
            ys = match.years_in(line)
            if len(set(ys)) == 1:
                year, year_from = ys[0], f"{_line_kind(line)}「{line}」"
    for label, text in (("工作表名", sheet_name), ("文件名", file_name)):
        if jur is None:
            j = match.jurisdiction_in(text)
            if j:
                jur, jur_from = j.name, f"{label}「{text}」"
        if year is None:
            ys = match.years_in(text)
            if len(set(ys)) == 1:
                year, year_from = ys[0], f"{label}「{text}」"
    return jur, jur_from, year, year_from


