"""The narrative file: the parts of the report people write (work progress, problems and suggestions).

A plain UTF-8 (or GBK) text/Markdown file. The only markup is headings and paragraphs::

    # 工作进展                 <- a section (level 1); its title decides where it goes
    ## 健全组织领导机制          <- a sub-heading, numbered （一）（二）… in the report
    ### 成立工作专班             <- a third-level heading, numbered 1. 2. …
    A paragraph: one or more lines; a blank line ends it.

    # 问题和建议

Sections whose title mentions 问题/建议/困难 fill the template's ``problems``; those that mention
进展/推进/开展/工作/情况 fill ``progress``. Numbers people already typed before a heading
(（一）, 一、, 1.) are dropped: the report numbers headings itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .fmt import clean, ordinal

_HEADING = re.compile(r"^(#{1,4})(?!#)\s*(.*?)\s*$")
_TYPED_ORDINAL = re.compile(
    r"^(?:[（(][一二三四五六七八九十百]+[）)]|[一二三四五六七八九十百]+[、.．]|\d{1,3}[.．、](?!\d)|[（(]\d{1,3}[）)]"
    r"|[①-⑳])\s*")
_LIST_ITEM = re.compile(r"^(?:[-*+•·]\s+)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ASCII_END = re.compile(r"[A-Za-z0-9,.;:!?)]$")
_ASCII_START = re.compile(r"^[A-Za-z0-9(]")
_MAX_BYTES = 5 * 1024 * 1024

PROGRESS_WORDS = ("进展", "推进", "开展", "工作", "情况", "做法", "成效")
PROBLEM_WORDS = ("问题", "建议", "困难", "不足", "打算")


@dataclass(frozen=True)
class Block:
    """One paragraph of narrative: a heading (level 2–4, with its number) or body text (level 0)."""

    text: str
    level: int = 0
    ordinal: str = ""

    @property
    def is_heading(self) -> bool:
        return self.level > 0

    @property
    def full_text(self) -> str:
        return self.ordinal + self.text


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    kind: str = ""  # progress | problems | "" (not used by the default template)


@dataclass
class Narrative:
    source: str = ""
    sections: list[Section] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def blocks(self, kind: str) -> list[Block]:
        return [b for s in self.sections if s.kind == kind for b in s.blocks]


def section_kind(title: str) -> str:
    if any(w in title for w in PROBLEM_WORDS):
        return "problems"
    if any(w in title for w in PROGRESS_WORDS):
        return "progress"
    return ""


def read_text(path: Path) -> str:
    """The file as text: UTF-8 (with or without BOM), else GBK/GB18030 as Windows editors save it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UsageError(f"找不到叙述文件:{path}") from exc
    if not path.is_file():
        raise UsageError(f"叙述文件 {path} 不是文件")
    if size > _MAX_BYTES:
        raise UsageError(f"叙述文件 {path} 过大({size // 1024} KB);它应只包含报告的文字部分")
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError(f"叙述文件 {path} 既不是 UTF-8 也不是 GBK 编码的文本;请用记事本或 WPS 另存为 UTF-8 文本")


def parse(text: str, source: str = "") -> Narrative:
    """Split the text into sections of numbered headings and paragraphs."""
    text = _COMMENT.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = Narrative(source=source)
    current: Section | None = None
    para: list[str] = []
    counters = [0, 0, 0, 0, 0]
    preamble = False

    def flush() -> None:
        nonlocal preamble
        if not para:
            return
        joined = ""
        for line in para:
            if joined and _ASCII_END.search(joined) and _ASCII_START.search(line):
                joined += " "
            joined += line
        para.clear()
        body = clean(joined)
        if not body:
            return
        if current is None:
            preamble = True
            return
        current.blocks.append(Block(body))

    for raw in text.split("\n"):
        line = raw.strip().strip("\u3000").strip()
        m = _HEADING.match(line)
        if m and m.group(2):
            flush()
            level = len(m.group(1))
            title = clean(_TYPED_ORDINAL.sub("", m.group(2)))
            if not title:
                continue
            if level == 1:
                current = Section(title, kind=section_kind(title))
                out.sections.append(current)
                counters = [0, 0, 0, 0, 0]
                continue
            if current is None:
                preamble = True
                continue
            counters[level] += 1
            for deeper in range(level + 1, len(counters)):
                counters[deeper] = 0
            current.blocks.append(Block(title, level, ordinal(counters[level], level)))
            continue
        if not line:
            flush()
            continue
        if _LIST_ITEM.match(line):  # "- item": a paragraph of its own
            flush()
            para.append(_LIST_ITEM.sub("", line))
            flush()
            continue
        para.append(line)
    flush()

    if preamble:
        out.warnings.append(f"叙述文件{_of(source)}第一个「# 标题」之前的文字未使用;请把它放到「# 工作进展」等章节下")
    for s in out.sections:
        if not s.kind:
            out.warnings.append(f"叙述文件{_of(source)}的章节「{s.title}」未放入报告:默认模板只使用标题含"
                                f"“进展/工作/情况”和“问题/建议”的章节(自定义模板可用 narrative_sections)")
        elif not s.blocks:
            out.warnings.append(f"叙述文件{_of(source)}的章节「{s.title}」没有内容")
    if not out.sections:
        out.warnings.append(f"叙述文件{_of(source)}中没有以「# 」开头的章节标题(如「# 工作进展」「# 问题和建议」),"
                            "未使用其中的文字")
    return out


def _of(source: str) -> str:
    return f" {source} " if source else ""


def load(path: str | Path) -> Narrative:
    p = Path(path)
    return parse(read_text(p), source=p.name)
