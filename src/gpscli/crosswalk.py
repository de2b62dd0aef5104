"""A crosswalk between two catalogue editions, and aggregations re-expressed through it.

同比 by category across an edition change (2019 under the six categories of 财综〔2014〕96号, 2021
under a province's 公共服务 / 政府履职所需辅助性服务 tree) compares the earlier year in the NEWER
edition's categories. The crosswalk is a CSV (UTF-8 or GBK) or xlsx file with the columns
旧编码, 旧名称, 新编码, 新名称 (a code or a name is enough on each side; both must then agree),
one line per old item; many old items may map to one new item, one old item to one new item only.

An old value without a line is never dropped or lumped into another: it stays under its own name
with its figures and is listed in :attr:`Aligned.unmapped`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import Catalogue, CatalogueItem, read_table
from .errors import ConfigError
from .text import key

if TYPE_CHECKING:
    from .aggregate import Aggregation, Figure
    from .editions import Catalogues

_COLUMNS = {
    "old_code": ("旧编码", "原编码", "旧代码", "old_code"),
    "old_name": ("旧名称", "原名称", "旧目录", "old_name"),
    "new_code": ("新编码", "新代码", "new_code"),
    "new_name": ("新名称", "新目录", "new_name"),
}
# The aggregation columns whose values are catalogue items.
_CATALOGUE_COLUMNS = {"category": 1, "subcategory": 2}


@dataclass(frozen=True)
class Pair:
    line: int  # the line of the file (the header is line 1)
    old_code: str
    old_name: str
    new_code: str
    new_name: str

    @property
    def old(self) -> str:
        return " ".join(x for x in (self.old_code, self.old_name) if x)

    @property
    def new(self) -> str:
        return " ".join(x for x in (self.new_code, self.new_name) if x)


@dataclass(frozen=True)
class Crosswalk:
    pairs: tuple[Pair, ...]
    source: str

    def resolve(self, old: Catalogue, new: Catalogue) -> dict[str, CatalogueItem]:
        """Old item code -> new item, each side looked up in its edition; a line that names no
        item there, or an old item given two different new ones, is a ConfigError."""
        out: dict[str, CatalogueItem] = {}
        first: dict[str, Pair] = {}
        for p in self.pairs:
            o = _item(old, p.old_code, p.old_name, f"对照表 {self.source} 第{p.line}行的旧目录「{p.old}」", old.source)
            n = _item(new, p.new_code, p.new_name, f"对照表 {self.source} 第{p.line}行的新目录「{p.new}」", new.source)
            had = out.get(o.code)
            if had is not None and had is not n:
                raise ConfigError(f"对照表 {self.source} 第{first[o.code].line}行和第{p.line}行把旧目录「{o.name}」"
                                  f"对应到不同的新目录(「{had.name}」「{n.name}」);一个旧目录只能对应一个新目录")
            out[o.code] = n
            first.setdefault(o.code, p)
        return out


def _item(cat: Catalogue, code: str, name: str, what: str, source: str) -> CatalogueItem:
    by_code = cat.match(code) if code else None
    by_name = cat.match(name) if name else None
    if (code and by_code is None) or (name and by_name is None):
        raise ConfigError(f"{what}不在目录 {source} 中;请核对编码和名称")
    if by_code is not None and by_name is not None and by_code is not by_name:
        raise ConfigError(f"{what}的编码和名称不一致(编码是「{by_code.name}」);请核对")
    hit = by_code or by_name
    assert hit is not None  # a line without code and name is skipped when read
    return hit


def load(path: str | Path) -> Crosswalk:
    """Read a crosswalk file (CSV in UTF-8/GBK, or xlsx)."""
    header, rows = read_table(path, "对照表")
    keys = [key(h) for h in header]
    index: dict[str, int] = {}
    for name, spellings in _COLUMNS.items():
        wanted = {key(s) for s in spellings}
        for n, k in enumerate(keys):
            if k in wanted:
                index[name] = n
                break
    if not ({"old_code", "old_name"} & set(index) and {"new_code", "new_name"} & set(index)):
        raise ConfigError(f"对照表 {path} 缺少列;需要的列:旧编码、旧名称、新编码、新名称(每边至少有编码或名称)")
    pairs = []
    for line, row in enumerate(rows, start=2):
        cells = {f: _cell(row, n) for f, n in index.items()}
        if not any(cells.values()):
            continue
        pair = Pair(line, cells.get("old_code", ""), cells.get("old_name", ""), cells.get("new_code", ""),
                    cells.get("new_name", ""))
        if not pair.old or not pair.new:
            raise ConfigError(f"对照表 {path} 第{line}行:旧目录和新目录都要填写(编码或名称)")
        pairs.append(pair)
    return Crosswalk(tuple(pairs), str(path))


def _cell(row: list[object], n: int) -> str:
    if n >= len(row) or row[n] is None:
        return ""
    v = row[n]
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


@dataclass(frozen=True)
class Unmapped:
    """An old value with no line in the crosswalk: kept under its own name, with its figures."""

    dimension: str
    value: str
    figure: Figure


@dataclass(frozen=True)
class Aligned:
    aggregation: Aggregation  # the earlier aggregation in the later year's categories
    unmapped: tuple[Unmapped, ...] = ()
    old: str = ""  # the editions (sources), when they differ
    new: str = ""
    no_crosswalk: bool = False  # the editions differ and no crosswalk is configured

    def messages(self) -> list[str]:
        """What a person must be told (Chinese), one line per unmapped value."""
        from .aggregate import DIMENSIONS
        from .money import display

        out = []
        if self.no_crosswalk:
            out.append(f"{self.aggregation.year} 年适用的目录({self.old})与本期({self.new})不同,且没有配置目录对照表"
                       "(gps.toml 的 [catalogue] crosswalk),分类数字无法换算,按原目录名列出")
        for u in self.unmapped:
            out.append(f"{self.aggregation.year} 年的{DIMENSIONS.get(u.dimension, u.dimension)}「{u.value}」"
                       f"({u.figure.count}项,{display(u.figure.amount)}万元)在对照表中没有对应的新目录,按原名列出")
        return out


def align(earlier: Aggregation, later_year: int, catalogues: Catalogues | None) -> Aligned:
    """``earlier`` re-expressed in the categories of the catalogue in force in ``later_year``: the
    aggregation itself when both years have the same catalogue (or there are no editions)."""
    if catalogues is None:
        return Aligned(earlier)
    old, new = catalogues.for_year(earlier.year), catalogues.for_year(later_year)
    if old is new:
        return Aligned(earlier)
    mapping = catalogues.crosswalk.resolve(old, new) if catalogues.crosswalk is not None else {}
    agg, unmapped = _reexpress(earlier, old, new, mapping)
    return Aligned(agg, unmapped, old.source, new.source, no_crosswalk=catalogues.crosswalk is None)


def _reexpress(agg: Aggregation, old: Catalogue, new: Catalogue,
               mapping: dict[str, CatalogueItem]) -> tuple[Aggregation, tuple[Unmapped, ...]]:
    from .aggregate import DIMENSION_REGISTRY, NO_VALUE, Figure

    levels = [(_CATALOGUE_COLUMNS.get(DIMENSION_REGISTRY[d].column) if DIMENSION_REGISTRY[d].derive is None else None)
              for d in agg.dimensions]
    missed: dict[tuple[str, str], Figure] = {}

    def translate(n: int, value: str, f: Figure) -> str:
        level = levels[n]
        if level is None or value == NO_VALUE:
            return value
        item = old.match(value)
        hit = mapping.get(item.code) if item is not None else None
        if hit is not None and level == 1:
            return new.top(hit).name
        if hit is not None and hit.level >= 2:
            return hit.name
        m = missed.setdefault((agg.dimensions[n], value), Figure())
        m.count += f.count
        m.amount += f.amount
        return value

    cells: dict[tuple[str, ...], Figure] = {}
    for values, f in agg.cells:
        k = tuple(translate(n, v, f) for n, v in enumerate(values))
        c = cells.setdefault(k, Figure())
        c.count += f.count
        c.amount += f.amount
    order = new.order()
    by: dict[str, list[tuple[str, Figure]]] = {}
    for n, d in enumerate(agg.dimensions):
        sums: dict[str, Figure] = {}
        for k, f in cells.items():
            s = sums.setdefault(k[n], Figure())
            s.count += f.count
            s.amount += f.amount
        ranked = (lambda v: (order.get(v, len(order)), v)) if levels[n] else None
        by[d] = sorted(sums.items(), key=lambda kv: ranked(kv[0])) if ranked else [
            (v, sums[v]) for v, _f in agg.by[d] if v in sums]
    unmapped = tuple(Unmapped(d, v, f) for (d, v), f in missed.items())
    return replace(agg, by=by, cells=list(cells.items())), unmapped
