"""Catalogue editions by year: which 指导性目录 is in force for a year's rows.

The 2014 edition (财综〔2014〕96号, six level-1 categories) gave way to the 公共服务 /
政府履职所需辅助性服务 trees each province publishes; a workspace that reports across the change
maps years to catalogue files in gps.toml::

    [catalogue.editions]
    "2014-2020" = "builtin"       # the bundled 2014 edition (also: "内置")
    "2021-" = "目录2021.csv"

A year no range covers takes the default catalogue (``[catalogue] default``, else the bundled one).
:class:`Catalogues` answers "which catalogue for this year"; with one catalogue for all years
(``catalogue = "..."``, ``--catalogue``) there is no Catalogues at all and nothing changes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalogue import Catalogue
from .errors import ConfigError

if TYPE_CHECKING:
    from .crosswalk import Crosswalk

BUILTIN = ("builtin", "内置", "内置目录")
_RANGE = re.compile(r"^(\d{4})?\s*(?:([-~—–至到])\s*(\d{4})?)?$")
_EXAMPLE = '"2014-2020" = "builtin"、"2021-" = "目录2021.csv"'


@dataclass(frozen=True)
class EditionSpec:
    """One line of ``[catalogue.editions]``: years ``first``..``last`` (None: open) and the file
    (None: the bundled 2014 edition)."""

    first: int | None
    last: int | None
    file: Path | None
    written: str = ""  # the range as the clerk wrote it, for messages

    def covers(self, year: int) -> bool:
        return (self.first is None or year >= self.first) and (self.last is None or year <= self.last)

    @property
    def label(self) -> str:
        if self.first is not None and self.last is not None:
            return f"{self.first}年" if self.first == self.last else f"{self.first}—{self.last}年"
        if self.first is not None:
            return f"{self.first}年起"
        return f"{self.last}年及以前"


def parse_range(text: str) -> tuple[int | None, int | None]:
    """"2014-2020", "2021-", "-2013", "2019" (full-width digits, —, ~, 至 allowed) -> (first, last)."""
    s = unicodedata.normalize("NFKC", text).strip().removesuffix("年")
    m = _RANGE.match(s)
    if not m or not (m.group(1) or m.group(3)):
        raise ValueError(f"年度范围「{text}」写法有误;应写作 {_EXAMPLE} 或单独一年 \"2019\"")
    first = int(m.group(1)) if m.group(1) else None
    last = int(m.group(3)) if m.group(3) else (first if not m.group(2) else None)
    if first is not None and last is not None and first > last:
        raise ValueError(f"年度范围「{text}」的起始年度晚于结束年度")
    return first, last


def parse_config(table: object, rel: Callable[[object, str], Path],
                 path: Path) -> tuple[list[EditionSpec], Path | None, Path | None]:
    """``[catalogue]`` of gps.toml as a table: (editions, default file, crosswalk file). Every
    mistake a clerk can make here is a :class:`ConfigError` naming the line: a range that does not
    read, two ranges sharing a year, a file that is not there, an unknown key."""
    where = f"配置文件 {path} 中 [catalogue]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} 应是目录文件路径,或含 editions 的表")
    unknown = set(table) - {"editions", "default", "crosswalk"}
    if unknown:
        raise ConfigError(f"{where} 中不认识的项:{'、'.join(sorted(unknown))};可用:editions(各年度的目录)、"
                          "default(其他年度的目录)、crosswalk(新旧目录对照表)")
    editions = table.get("editions", {})
    if not isinstance(editions, dict) or not editions:
        raise ConfigError(f"{where}.editions 应是一个表,每行「年度范围 = 目录文件」,如 {_EXAMPLE}")
    specs: list[EditionSpec] = []
    for written, value in editions.items():
        try:
            first, last = parse_range(written)
        except ValueError as exc:
            raise ConfigError(f"{where}.editions:{exc}") from None
        file = None if isinstance(value, str) and value.strip() in BUILTIN else _existing(
            rel(value, f"catalogue.editions「{written}」"), f"{where}.editions「{written}」的目录文件")
        spec = EditionSpec(first, last, file, written)
        for other in specs:
            shared = _shared_year(spec, other)
            if shared is not None:
                raise ConfigError(f"{where}.editions 中「{other.written}」与「{written}」的年度重叠({shared}年);"
                                  "每个年度只能适用一个目录,请调整年度范围")
        specs.append(spec)
    specs.sort(key=lambda s: s.first if s.first is not None else -1)
    default = table.get("default")
    default_file = None if default is None or (isinstance(default, str) and default.strip() in BUILTIN) else \
        _existing(rel(default, "catalogue.default"), f"{where} default 的目录文件")
    cw = table.get("crosswalk")
    crosswalk = _existing(rel(cw, "catalogue.crosswalk"), f"{where} crosswalk 的对照表") if cw else None
    return specs, default_file, crosswalk


def _existing(p: Path, what: str) -> Path:
    if not p.is_file():
        raise ConfigError(f"{what}不存在:{p}")
    return p


def _shared_year(a: EditionSpec, b: EditionSpec) -> int | None:
    """A year both ranges cover (the first such), or None."""
    lo = max(a.first if a.first is not None else 0, b.first if b.first is not None else 0)
    hi = min(a.last if a.last is not None else 9999, b.last if b.last is not None else 9999)
    return lo if lo <= hi else None


@dataclass(frozen=True)
class Edition:
    spec: EditionSpec
    catalogue: Catalogue


@dataclass
class Catalogues:
    """The catalogue in force for each year: the editions, the default for the other years, and
    the crosswalk that re-expresses an older edition's categories in a newer one's."""

    default: Catalogue
    editions: list[Edition]
    crosswalk: Crosswalk | None = None
    _by_year: dict[int | None, Catalogue] = field(default_factory=dict, init=False, repr=False)

    def for_year(self, year: int | None) -> Catalogue:
        hit = self._by_year.get(year)
        if hit is None:
            hit = self.default
            if year is not None:
                for e in self.editions:
                    if e.spec.covers(year):
                        hit = e.catalogue
                        break
            self._by_year[year] = hit
        return hit

    def all(self) -> list[Catalogue]:
        """Every catalogue, the default first, each once."""
        out = [self.default]
        for e in self.editions:
            if all(e.catalogue is not c for c in out):
                out.append(e.catalogue)
        return out

    def in_force(self, cat: Catalogue) -> str:
        """The years a catalogue is in force, for messages: "2014—2020年", "其他年度"."""
        labels = [e.spec.label for e in self.editions if e.catalogue is cat]
        if cat is self.default:
            labels.append("其他年度")
        return "、".join(labels)


def load(specs: list[EditionSpec], default_file: Path | None = None, crosswalk_file: Path | None = None) -> Catalogues:
    """Read the catalogue files of the editions (each file once) and the crosswalk."""
    from . import catalogue as catalogue_mod

    read: dict[Path | None, Catalogue] = {}

    def get(p: Path | None) -> Catalogue:
        if p not in read:
            read[p] = catalogue_mod.load(p)
        return read[p]

    crosswalk = None
    if crosswalk_file is not None:
        from .crosswalk import load as load_crosswalk

        crosswalk = load_crosswalk(crosswalk_file)
    return Catalogues(get(default_file), [Edition(s, get(s.file)) for s in specs], crosswalk)


def resolve(catalogue: Catalogue | Catalogues | str | Path | None) -> tuple[Catalogue, Catalogues | None]:
    """What ``api.load`` and the ledger accept as a catalogue: (the default catalogue, the editions or None)."""
    if isinstance(catalogue, Catalogues):
        return catalogue.default, catalogue
    if isinstance(catalogue, Catalogue):
        return catalogue, None
    from . import catalogue as catalogue_mod

    return catalogue_mod.load(catalogue), None
