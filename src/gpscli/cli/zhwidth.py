"""Help text laid out for Chinese on a terminal, where a Chinese character takes two columns.

Typer (its vendored Click) measures text in characters: the help's description column came out
two columns off after a Chinese placeholder, and its lines twice too long. Here widths are display
cells (:func:`unicodedata.east_asian_width`), and lines break between Chinese characters but never
inside an option name (``--skip-invalid``) or a file name. :mod:`.zh` puts these in Click's place.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200d\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for a Chinese character, one for a Latin letter."""
    return sum(_char_cells(ch) for ch in _ANSI.sub("", text))


def _is_wide(ch: str) -> bool:
    return _char_cells(ch) == 2


_CLOSING = set(",.;:!?)]}>%、，。；：！？）】》〉」』”’…—") | {"\u3015"}  # never begin a line
_OPENING = set("([{<（【《〈「『“‘") | {"\u3014"}  # never end one


def _pieces(chunk: str) -> list[str]:
    """Where a run of text may break: between two Chinese characters, not inside a Latin word (an
    option, a file name), never before a closing or after an opening punctuation mark."""
    tokens: list[str] = []
    for ch in chunk:
        if tokens and not _is_wide(ch) and not _is_wide(tokens[-1][-1]):
            tokens[-1] += ch
        else:
            tokens.append(ch)
    out: list[str] = []
    for token in tokens:
        if out and (token[0] in _CLOSING or out[-1][-1] in _OPENING):
            out[-1] += token
        else:
            out.append(token)
    return out


_PAUSES = set("。,;:、!?，；：！？")


def _joined(before: str, after: str) -> bool:
    """Whether the space between two chunks is one Click put where it joined two lines of a Chinese
    paragraph (after a Chinese full stop, or a comma after a Chinese character, before Chinese): dropped.
    A space the help means, as in 如 昌吉市, stays."""
    if before.endswith("。"):
        return True
    return (len(before) >= 2 and before[-1] in _PAUSES and _is_wide(before[-2]) and bool(after)
            and _is_wide(after[0]))


def _bracketed(chunks: list[str]) -> list[str]:
    """``[默认:60;不小于 0]`` after an option's help kept in one piece (a line never breaks inside it)."""
    out: list[str] = []
    open_ = False
    for chunk in chunks:
        if open_:
            out[-1] += chunk
            open_ = "]" not in chunk
        else:
            out.append(chunk)
            open_ = chunk.startswith("[") and "]" not in chunk
    return out


class CellWrapping(textwrap.TextWrapper):
    """Wraps by display cells, breaks between Chinese characters, and never at a hyphen (so that
    ``--skip-invalid`` stays on one line); a space Click put between two Chinese lines is dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["break_on_hyphens"] = False
        super().__init__(*args, **kwargs)

    def _split(self, text: str) -> list[str]:
        chunks = _bracketed(super()._split(text))
        out: list[str] = []
        for i, chunk in enumerate(chunks):
            if not chunk.strip():
                if not (out and i + 1 < len(chunks) and _joined(out[-1], chunks[i + 1])):
                    out.append(chunk)
            elif chunk.startswith("[") and chunk.endswith("]"):
                out.append(chunk)
            else:
                out.extend(_pieces(chunk))
        return out

    def _handle_long_word(self, reversed_chunks: list[str], cur_line: list[str], cur_len: int, width: int) -> None:
        word, room, cut = reversed_chunks[-1], max(width - cur_len, 1), 0
        while cut < len(word) and cells(word[:cut + 1]) <= room:
            cut += 1
        cut = max(cut, 1)
        cur_line.append(word[:cut])
        reversed_chunks[-1] = word[cut:]

    def _wrap_chunks(self, chunks: list[str]) -> list[str]:
        lines: list[str] = []
        chunks = list(reversed(chunks))
        while chunks:
            indent = self.subsequent_indent if lines else self.initial_indent
            width = max(self.width - cells(indent), 1)
            if self.drop_whitespace and lines and not chunks[-1].strip():
                chunks.pop()
                continue
            line: list[str] = []
            used = 0
            while chunks and used + cells(chunks[-1]) <= width:
                used += cells(chunks[-1])
                line.append(chunks.pop())
            if chunks and not line:
                self._handle_long_word(chunks, line, used, width)
            if self.drop_whitespace and line and not line[-1].strip():
                line.pop()
            if line:
                lines.append(indent + "".join(line))
        return lines


def short_help(help: str, max_length: int = 45) -> str:
    """A command's line in ``gps --help``: its first sentence, cut to ``max_length`` cells at a
    clause mark when it is longer."""
    first = re.sub(r"\s+", " ", help.split("\n\n")[0]).strip()
    first = first[1:].strip() if first.startswith("\b") else first
    end = first.find("。")
    first = first[:end + 1] if end != -1 else first
    if cells(first) <= max_length:
        return first
    cut = len(first)
    while cut and cells(first[:cut]) > max_length - 1:
        cut -= 1
    mark = max(first.rfind(m, 0, cut) for m in ",;:、,;:")
    cut = mark if mark >= cut // 2 else cut
    return first[:cut] + "…"
