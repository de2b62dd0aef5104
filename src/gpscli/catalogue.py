"""The 政府购买服务指导性目录: levels, codes, names and aliases, and matching against them."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError, describe
from .text import closest, key

# Suffixes that people add to or drop from category names (基本公共服务类, 技术服务事项).
_LOOSE_SUFFIXES = ("服务事项", "服务类", "事项", "服务", "类")

_COLUMNS = {
    "code": ("编码", "代码", "code", "目录编码"),
    "name": ("名称", "name", "目录名称"),
    "level": ("级别", "层级", "level"),
    "parent": ("上级编码", "上级", "parent", "parent_code"),
    "aliases": ("别名", "aliases", "alias"),
}


def _loose(k: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _LOOSE_SUFFIXES:
            if k.endswith(suffix) and len(k) > len(suffix) + 1:
                k = k[: -len(suffix)]
                changed = True
    return k


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    name: str
    level: int
    parent: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass
class Catalogue:
    """A catalogue of any depth. ``categories`` are the level-1 items, in file order."""

    items: list[CatalogueItem]
    source: str = "内置目录"
    _by_code: dict[str, CatalogueItem] = field(init=False, repr=False)
    _exact: dict[str, CatalogueItem] = field(init=False, repr=False)
    _loose: dict[str, CatalogueItem | None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_code = {}
        for item in self.items:
            if item.code in self._by_code:
                raise ConfigError(f"目录文件 {self.source} 中编码 {item.code} 重复")
            self._by_code[item.code] = item
        for item in self.items:
            if item.parent and item.parent not in self._by_code:
                raise ConfigError(f"目录文件 {self.source} 中「{item.name}」的上级编码 {item.parent} 不存在")
        self._exact = {}
        self._loose = {}
        for item in self.items:
            for text in (item.name, item.code, *item.aliases):
                k = key(text)
                if k:
                    self._exact.setdefault(k, item)
        for item in self.items:
            for text in (item.name, *item.aliases):
                lk = _loose(key(text))
                if lk in self._loose and self._loose[lk] is not item:
                    self._loose[lk] = None  # ambiguous: never guess
                else:
                    self._loose[lk] = item

    @property
    def categories(self) -> list[CatalogueItem]:
        return [i for i in self.items if i.level == 1]

    def category_names(self) -> list[str]:
        return [i.name for i in self.categories]

    def children(self, code: str) -> list[CatalogueItem]:
        return [i for i in self.items if i.parent == code]

    def top(self, item: CatalogueItem) -> CatalogueItem:
        """The level-1 ancestor of an item."""
        while item.parent:
            item = self._by_code[item.parent]
        return item

    def match(self, text: object) -> CatalogueItem | None:
        """Any item whose name, code or alias matches ``text`` (suffix and width insensitive)."""
        k = key(text)
        if not k:
            return None
        hit = self._exact.get(k)
        if hit is None:
            hit = self._loose.get(_loose(k))
        return hit

    def match_category(self, text: object) -> CatalogueItem | None:
        hit = self.match(text)
        return hit if hit is not None and hit.level == 1 else None

    def suggest(self, text: str, level: int | None = None) -> str | None:
        names = [i.name for i in self.items if level is None or i.level == level]
        return closest(text, names)

    def order(self) -> dict[str, int]:
        return {item.name: n for n, item in enumerate(self.items)}


def _split_aliases(text: str) -> tuple[str, ...]:
    for sep in "、;；":
        text = text.replace(sep, "|")
    return tuple(p.strip() for p in text.split("|") if p.strip())


def _rows_from_table(header: list[str], rows: Sequence[Sequence[object]], source: str) -> list[CatalogueItem]:
    # long: each column of a bureau's catalogue file (编码, 名称, 级别, 上级编码, 别名) is optional and spelled many ways
    keys = [key(h) for h in header]
    index: dict[str, int] = {}
    for field_name, names in _COLUMNS.items():
        for n, k in enumerate(keys):
            if k in {key(x) for x in names}:
                index[field_name] = n
                break
    if "name" not in index:
        raise ConfigError(f"目录文件 {source} 缺少「名称」列;需要的列:编码、名称、级别、上级编码、别名")
    items: list[CatalogueItem] = []
    for line_no, row in enumerate(rows, start=2):
        def get(f: str, row: Sequence[object] = row) -> str:
            n = index.get(f)
            if n is None or n >= len(row) or row[n] is None:
                return ""
            v = row[n]
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            return str(v).strip()

        name = get("name")
        if not name:
            continue
        code = get("code") or f"auto{line_no}"
        parent = get("parent") or None
        level_text = get("level")
        if level_text:
            try:
                level = int(float(level_text))
            except ValueError as exc:
                raise ConfigError(f"目录文件 {source} 第{line_no}行:级别「{level_text}」不是数字") from exc
        else:
            level = 1 if parent is None else 0
        items.append(CatalogueItem(code, name, level, parent, _split_aliases(get("aliases"))))
    # Derive missing levels from parents.
    by_code = {i.code: i for i in items}
    fixed: list[CatalogueItem] = []
    for item in items:
        if item.level == 0:
            depth, p = 1, item.parent
            while p and p in by_code and depth < 20:
                depth += 1
                p = by_code[p].parent
            item = CatalogueItem(item.code, item.name, depth, item.parent, item.aliases)
        fixed.append(item)
    if not any(i.level == 1 for i in fixed):
        raise ConfigError(f"目录文件 {source} 中没有一级目录")
    return fixed


def parse_csv_text(text: str, source: str) -> Catalogue:
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ConfigError(f"目录文件 {source} 是空的")
    return Catalogue(_rows_from_table(rows[0], rows[1:], source), source=source)


def load(path: str | Path | None = None) -> Catalogue:
    """Load a catalogue file (csv or xlsx); without a path, the bundled default."""
    if path is None:
        return default()
    header, rows = read_table(path, "目录文件")
    return Catalogue(_rows_from_table(header, rows, str(path)), source=str(path))


def read_table(path: str | Path, what: str) -> tuple[list[str], list[list[object]]]:
    """(header, rows) of a reference table a bureau keeps: the first sheet of an xlsx, or a CSV in
    UTF-8, GBK...; ``what`` names it in messages (目录文件, 对照表)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"找不到{what}:{p}")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
            ws = wb.worksheets[0]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            wb.close()
        except Exception as exc:
            raise ConfigError(f"{what} {p} 无法读取:{describe(exc)}") from exc
    else:
        from .readers.text import decode_bytes

        rows = [list(r) for r in csv.reader(io.StringIO(decode_bytes(p.read_bytes())[0]))]
    if not rows:
        raise ConfigError(f"{what} {p} 是空的")
    return [str(h or "") for h in rows[0]], rows[1:]


@lru_cache(maxsize=1)
def default() -> Catalogue:
    text = resources.files("gpscli").joinpath("data/catalogue.csv").read_text(encoding="utf-8")
    return parse_csv_text(text, "内置目录(财综〔2014〕96号)")
