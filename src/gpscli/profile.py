"""Jurisdiction profile (地区): the prefecture and the places that report to it, in order."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ConfigError
from .text import closest, key

KINDS = ("本级", "园区", "县市")


@dataclass(frozen=True)
class Jurisdiction:
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass
class Profile:
    name: str
    jurisdictions: list[Jurisdiction]
    short_name: str = ""
    bureau: str = ""
    source: str = "内置地区名单"
    _index: dict[str, Jurisdiction] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.jurisdictions:
            raise ConfigError(f"地区名单 {self.source} 中没有地区")
        self.short_name = self.short_name or self.name
        self._index = {}
        for j in self.jurisdictions:
            for text in (j.name, *j.aliases):
                k = key(text)
                other = self._index.get(k)
                if other is not None and other is not j:
                    raise ConfigError(f"地区名单 {self.source} 中「{text}」同时指向「{other.name}」和「{j.name}」")
                self._index[k] = j

    def names(self) -> list[str]:
        return [j.name for j in self.jurisdictions]

    def order(self) -> dict[str, int]:
        return {j.name: n for n, j in enumerate(self.jurisdictions)}

    def get(self, name: str) -> Jurisdiction:
        return self._index[key(name)]

    def match(self, text: object) -> Jurisdiction | None:
        return self._index.get(key(text)) if key(text) else None

    def suggest(self, text: str) -> str | None:
        return closest(text, self.names())

    def find_in_text(self, text: str) -> Jurisdiction | None:
        """The jurisdiction named inside a title line (longest name or alias wins)."""
        k = key(text)
        best: tuple[int, Jurisdiction] | None = None
        for alias, j in self._index.items():
            if len(alias) >= 2 and alias in k and (best is None or len(alias) > best[0]):
                best = (len(alias), j)
        return best[1] if best else None


def _from_toml(data: dict, source: str) -> Profile:
    items = data.get("jurisdictions")
    if not isinstance(items, list):
        raise ConfigError(f"地区名单 {source} 需要 [[jurisdictions]] 条目(name、kind、aliases)")
    js = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("name", "")).strip():
            raise ConfigError(f"地区名单 {source} 第{n}个地区缺少 name")
        kind = str(item.get("kind", "县市"))
        aliases = item.get("aliases", [])
        if not isinstance(aliases, list):
            raise ConfigError(f"地区名单 {source} 中「{item['name']}」的 aliases 应是列表")
        js.append(Jurisdiction(str(item["name"]).strip(), kind, tuple(str(a) for a in aliases)))
    return Profile(
        name=str(data.get("name", "")) or "本地区",
        short_name=str(data.get("short_name", "")),
        bureau=str(data.get("bureau", "")),
        jurisdictions=js,
        source=source,
    )


def load(path: str | Path | None = None) -> Profile:
    if path is None:
        return default()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"找不到地区名单文件:{p}")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"地区名单 {p} 格式不对:{exc}") from exc
    return _from_toml(data, str(p))


@lru_cache(maxsize=1)
def default() -> Profile:
    text = resources.files("gpscli").joinpath("data/profile.toml").read_text(encoding="utf-8")
    return _from_toml(tomllib.loads(text), "内置地区名单(昌吉回族自治州)")
