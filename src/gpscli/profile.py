"""Jurisdiction profile (地区): the prefecture and the places that report to it, in order, and the
kinds of place (类别) the report writes about, each with its treatment.

A profile file declares its kinds before its jurisdictions::

    [[kinds]]
    name = "本级"
    report = "each"                 # a paragraph per jurisdiction
    [[kinds]]
    name = "县市"
    report = "group"                # all in one paragraph
    group_name = "其他各县（市）"     # that paragraph's name (default 各<label>)
    label = "县（市）"               # how one of them is called in a sentence (default the name)

Without ``[[kinds]]`` the three kinds of the bundled profile apply (:data:`DEFAULT_KINDS`). Every
jurisdiction's ``kind`` must be a declared kind: a typo is refused with the file and the line.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import wording
from .errors import ConfigError
from .text import closest, key

EACH, GROUP = "each", "group"
TREATMENTS = {EACH: "逐个一段", GROUP: "合为一段"}
KIND_KEYS = ("name", "report", "group_name", "label")
DEFAULT_KIND = "县市"  # a jurisdiction without ``kind`` in a file that declares no kinds


@dataclass(frozen=True)
class Kind:
    """A kind of jurisdiction and how the report's section 二 treats it."""

    name: str
    report: str = EACH  # each: a paragraph per jurisdiction; group: one paragraph for all of them
    group_name: str = ""  # group: the paragraph's name; default 各<label>
    label: str = ""  # how one of them is called in a sentence (其余各县（市）); default the name

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", self.label or self.name)
        if self.report == GROUP:
            object.__setattr__(self, "group_name", self.group_name or wording.group_name(self.label))

    @property
    def grouped(self) -> bool:
        return self.report == GROUP


DEFAULT_KINDS: tuple[Kind, ...] = (
    Kind("本级"), Kind("园区"), Kind("县市", GROUP, wording.COUNTY_GROUP_NAME, wording.COUNTY_LABEL))


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
    kinds: tuple[Kind, ...] | None = None  # None (made in code): the kinds the jurisdictions use
    _index: dict[str, Jurisdiction] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not self.jurisdictions:
            raise ConfigError(f"地区名单 {self.source} 中没有地区")
        self.short_name = self.short_name or self.name
        self._check_kinds()
        self._index = {}
        for j in self.jurisdictions:
            for text in (j.name, *j.aliases):
                k = key(text)
                other = self._index.get(k)
                if other is not None and other is not j:
                    raise ConfigError(f"地区名单 {self.source} 中「{text}」同时指向「{other.name}」和「{j.name}」")
                self._index[k] = j

    def _check_kinds(self) -> None:
        """Kinds given in code are held to what the loader checks in a file (without line numbers);
        without them, the kinds are those the jurisdictions use, in that order (a default kind's
        treatment for its name, else a paragraph each). A file always gives them (:func:`load`)."""
        if self.kinds is None:
            used = dict.fromkeys(j.kind for j in self.jurisdictions)
            defaults = {k.name: k for k in DEFAULT_KINDS}
            self.kinds = tuple(defaults.get(name, Kind(name)) for name in used)
        self.kinds = tuple(self.kinds)
        declared = self.kind_names()
        if not declared or len(set(declared)) != len(declared):
            raise ConfigError(f"地区名单 {self.source} 的类别应至少有一个且不重名:{'、'.join(declared)}")
        for k in self.kinds:
            if k.report not in TREATMENTS:
                raise ConfigError(
                    f"地区名单 {self.source} 中类别「{k.name}」的 report 应为 {_treatments()},不是「{k.report}」")
        for j in self.jurisdictions:
            if j.kind not in declared:
                raise ConfigError(
                    f"地区名单 {self.source} 中「{j.name}」的类别「{j.kind}」{_not_declared(j.kind, declared)}")

    def names(self) -> list[str]:
        return [j.name for j in self.jurisdictions]

    def declared_kinds(self) -> tuple[Kind, ...]:
        """The kinds, in order: ``kinds`` is None only until :meth:`__post_init__` has filled it in."""
        if self.kinds is None:
            raise AssertionError("Profile.kinds is set in __post_init__")
        return self.kinds

    def kind_names(self) -> list[str]:
        return [k.name for k in self.declared_kinds()]

    def kind(self, name: str) -> Kind:
        return next(k for k in self.declared_kinds() if k.name == name)

    def order(self) -> dict[str, int]:
        return {j.name: n for n, j in enumerate(self.jurisdictions)}

    def get(self, name: str) -> Jurisdiction:
        return self._index[key(name)]

    def match(self, text: object) -> Jurisdiction | None:
        return self._index.get(key(text)) if key(text) else None

    def suggest(self, text: str) -> str | None:
        return closest(text, self.names())

    def canonical(self, text: str, option: str = "--jurisdiction") -> str:
        """The profile's name for a jurisdiction typed on the command line; a UsageError naming the
        closest one when it is not in the list."""
        j = self.match(text)
        if j is None:
            from .errors import UsageError

            near = self.suggest(text)
            raise UsageError(f"{option}「{text}」不在地区名单中" + (f",是否应为「{near}」?" if near else "。")
                             + f"可用:{'、'.join(self.names())}")
        return j.name

    def find_in_text(self, text: str) -> Jurisdiction | None:
        """The jurisdiction named inside a title line (longest name or alias wins)."""
        k = key(text)
        best: tuple[int, Jurisdiction] | None = None
        for alias, j in self._index.items():
            if len(alias) >= 2 and alias in k and (best is None or len(alias) > best[0]):
                best = (len(alias), j)
        return best[1] if best else None


def _treatments() -> str:
    return "或".join(f'"{t}"({d})' for t, d in TREATMENTS.items())


def _not_declared(kind: str, declared: list[str]) -> str:
    guess = closest(kind, declared)
    hint = f",是否应为「{guess}」?" if guess else ";"
    return (f"不在声明的类别中(可用:{'、'.join(declared)}){hint}请改为其中之一,"
            f"或在 [[kinds]] 中声明这一类别")


# --- reading a profile file -----------------------------------------------------------------------

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_ANY_HEADER = re.compile(r"^\s*\[")


def line_of(text: str, table: str, n: int, name: str | None = None) -> int | None:
    """The 1-based line of ``name = …`` inside the n-th (from 1) ``[[table]]`` block of a TOML text,
    else the line of that block's header; None when the text has no such block (tomllib gives
    no line numbers for values)."""
    seen, header = 0, None
    pattern = re.compile(rf"""^\s*["']?{re.escape(name)}["']?\s*=""") if name else None
    for no, line in enumerate(text.splitlines(), start=1):
        if _ANY_HEADER.match(line):
            if header is not None:
                break
            m = _ARRAY_HEADER.match(line)
            if m and m.group(1).strip("\"'") == table:
                seen += 1
                if seen == n:
                    header = no
            continue
        if header is not None and pattern is not None and pattern.match(line):
            return no
    return header


class _Where:
    """Names a place in the profile file for a message: the file and, when found, the line."""

    def __init__(self, source: str, text: str) -> None:
        self.source, self.text = source, text

    def __call__(self, table: str, n: int, name: str | None = None, value: object = None) -> str:
        line = line_of(self.text, table, n, name)
        if line is None:  # not written as [[table]] blocks: the value, else the table's own line
            wanted = f'"{value}"' if isinstance(value, str) and value else None
            start = re.compile(rf"^\s*{re.escape(table)}\s*=")
            line = next((no for no, t in enumerate(self.text.splitlines(), 1)
                         if (wanted in t if wanted else start.match(t))), None)
        return f"地区名单 {self.source}" + (f" 第{line}行" if line else "")


def _kinds(items: object, where: _Where) -> tuple[Kind, ...]:
    if items is None:
        return DEFAULT_KINDS
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{where('kinds', 1)}:kinds 应是 [[kinds]] 条目(name、report、group_name、label)")
    out: list[Kind] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ConfigError(f"{where('kinds', n, 'name')}:第{n}个类别缺少 name")
        name = item["name"].strip()
        extra = [k for k in item if k not in KIND_KEYS]
        if extra:
            raise ConfigError(f"{where('kinds', n, extra[0])}:类别「{name}」中有不认识的设置「{extra[0]}」"
                              f"(可用:{'、'.join(KIND_KEYS)})")
        report = item.get("report", EACH)
        if not isinstance(report, str) or report not in TREATMENTS:
            raise ConfigError(f"{where('kinds', n, 'report')}:类别「{name}」的 report 应为 {_treatments()},不是「{report}」")
        for k in ("group_name", "label"):
            if not isinstance(item.get(k, ""), str):
                raise ConfigError(f"{where('kinds', n, k)}:类别「{name}」的 {k} 应是文字")
        if name in (k.name for k in out):
            raise ConfigError(f"{where('kinds', n, 'name')}:类别「{name}」声明了两次")
        out.append(Kind(name, report, item.get("group_name", "").strip(), item.get("label", "").strip()))
    return tuple(out)


def _jurisdiction(item: object, n: int, kinds: tuple[Kind, ...], declared_in_file: bool,
                  where: _Where) -> Jurisdiction:
    if not isinstance(item, dict) or not str(item.get("name", "")).strip():
        raise ConfigError(f"{where('jurisdictions', n, 'name')}:第{n}个地区缺少 name")
    name = str(item["name"]).strip()
    names = [k.name for k in kinds]
    if "kind" not in item and declared_in_file:
        raise ConfigError(f"{where('jurisdictions', n)}:「{name}」缺少 kind(可用:{'、'.join(names)})")
    kind = item.get("kind", DEFAULT_KIND)
    if not isinstance(kind, str) or kind.strip() not in names:
        raise ConfigError(f"{where('jurisdictions', n, 'kind', kind)}:「{name}」的类别「{kind}」"
                          f"{_not_declared(str(kind), names)}")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list):
        raise ConfigError(f"{where('jurisdictions', n, 'aliases')}:「{name}」的 aliases 应是列表")
    return Jurisdiction(name, kind.strip(), tuple(str(a) for a in aliases))


def _from_toml(data: dict, source: str, text: str = "") -> Profile:
    where = _Where(source, text)
    kinds = _kinds(data.get("kinds"), where)
    items = data.get("jurisdictions")
    if not isinstance(items, list):
        raise ConfigError(f"地区名单 {source} 需要 [[jurisdictions]] 条目(name、kind、aliases)")
    js = [_jurisdiction(item, n, kinds, "kinds" in data, where) for n, item in enumerate(items, start=1)]
    return Profile(
        name=str(data.get("name", "")) or "本地区",
        short_name=str(data.get("short_name", "")),
        bureau=str(data.get("bureau", "")),
        jurisdictions=js,
        source=source,
        kinds=kinds,
    )


def load(path: str | Path | None = None) -> Profile:
    if path is None:
        return default()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"找不到地区名单文件:{p}")
    try:
        text = p.read_text(encoding="utf-8-sig")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"地区名单 {p} 格式不对:{exc}") from exc
    return _from_toml(data, str(p), text)


@lru_cache(maxsize=1)
def default() -> Profile:
    text = resources.files("gpscli").joinpath("data/profile.toml").read_text(encoding="utf-8")
    return _from_toml(tomllib.loads(text), "内置地区名单(昌吉回族自治州)", text)


def to_toml(prof: Profile) -> str:
    """The profile as a file :func:`load` reads back to the same profile (``gps profile --format
    toml``): kinds, then jurisdictions in order, each value written out, with comments to edit by."""
    import json

    def q(text: str) -> str:  # a JSON string is a TOML basic string (same escapes)
        return json.dumps(text, ensure_ascii=False)

    lines = ["# 地区名单。保存为 地区.toml(与 gps.toml 放在同一文件夹),在 gps.toml 中写 profile = \"地区.toml\" 即可使用;",
             "# 改名、增删地区、增加别名后用 gps profile 检查。地区的顺序就是报告和汇总表中的顺序。",
             f"name = {q(prof.name)}"]
    lines += [f"{k} = {q(v)}" for k, v in (("short_name", prof.short_name), ("bureau", prof.bureau)) if v]
    lines += ["", "# 地区类别,按报告第二部分的顺序:report = \"each\" 每个地区一段,\"group\" 合为一段(段名 group_name);",
              "# label 是句中对其中一个地区的称呼(不写则为类别名)。"]
    for k in prof.declared_kinds():
        lines += ["", "[[kinds]]", f"name = {q(k.name)}", f"report = {q(k.report)}"]
        if k.grouped:
            lines.append(f"group_name = {q(k.group_name)}")
        if k.label != k.name:
            lines.append(f"label = {q(k.label)}")
    lines += ["", "# 地区:name 为报告中的写法,kind 为上面的类别之一,aliases 为报表中可能出现的其他写法。"]
    for j in prof.jurisdictions:
        lines += ["", "[[jurisdictions]]", f"name = {q(j.name)}", f"kind = {q(j.kind)}",
                  f"aliases = [{', '.join(q(a) for a in j.aliases)}]"]
    return "\n".join(lines) + "\n"
