"""Issues are values, not exceptions: every problem gps finds in a submission, located as a person
sees it in Excel, with a stable code from the registry (:mod:`gpscli.codes`).

Checks make them with :func:`make`, which fills the code's message template; nothing else writes
issue messages.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .codes import REGISTRY, IssueType, Severity, Template  # noqa: F401  (re-exported)


@dataclass(frozen=True)
class Issue:
    """One problem found in the data, located as a person sees it in Excel."""

    code: str
    message: str
    hint: str | None = None
    path: str | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    severity: Severity = field(default=Severity.ERROR)

    def __post_init__(self) -> None:
        if self.code not in REGISTRY:
            raise ValueError(f"unregistered issue code {self.code!r}")
        object.__setattr__(self, "severity", REGISTRY[self.code].severity)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """``工作表!G5`` style location, or whatever part of it is known."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        if self.sheet and self.row:
            return f"{self.sheet}!第{self.row}行"
        return self.sheet or self.cell or ""

    def to_dict(self, with_path: bool = False) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = self.severity.value
        d["value"] = json_safe(self.value)
        if not with_path:
            d.pop("path")
        order = ["severity", "code", "path", "sheet", "cell", "row", "column", "value", "message", "hint"]
        return {k: d[k] for k in order if k in d}


def make(code: str, variant: str = "", *, path: str | None = None, sheet: str | None = None,
         cell: str | None = None, row: int | None = None, column: str | None = None, value: Any = None,
         **params: Any) -> Issue:
    """The issue ``code`` (its ``variant`` template), its message and hint filled from ``params``
    and ``cell`` (a message about no cell loses its leading ":")."""
    t = REGISTRY[code].templates[variant]
    fill = {"cell": cell or "", "sheet": sheet or "", **params}
    message = t.message.format(**fill)
    if not cell and message.startswith(":"):
        message = message[1:]
    hint = t.hint.format(**fill) if t.hint else None
    return Issue(code, message, hint or None, path, sheet, cell, row, column, value)


def json_safe(value: Any) -> Any:
    """Make a cell value JSON-serialisable without losing its meaning."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    return str(value)


def count(issues: list[Issue]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = sum(1 for i in issues if i.is_error)
    return errors, len(issues) - errors


MAX_PER_CODE = 1000  # issues of one code listed per file; the rest are counted in one more
SUMMARY_PREFIX = "另有 "


def is_summary(issue: Issue) -> bool:
    """The issue that counts those of its code not listed one by one (:func:`cap`)."""
    return issue.row is None and issue.cell is None and issue.message.startswith(SUMMARY_PREFIX)


def cap(issues: list[Issue], most: int = MAX_PER_CODE) -> tuple[list[Issue], set[tuple[str, int]]]:
    """At most ``most`` issues of each code, then one that counts the rest ("另有 N 个同类问题"):
    a crafted file with half a million bad rows must not cost gigabytes of messages. Returns the
    issues kept and the (sheet, row) of the errors left out, whose rows still must not be counted.
    Capping again (more issues found later) adds to the count already made."""
    counts: dict[str, int] = {}
    kept: list[Issue] = []
    dropped: dict[str, list[Issue]] = {}
    before: dict[str, Issue] = {}
    for i in issues:
        if is_summary(i):
            before[i.code] = i
            continue
        n = counts.get(i.code, 0)
        counts[i.code] = n + 1
        if n < most:
            kept.append(i)
        else:
            dropped.setdefault(i.code, []).append(i)
    if not dropped:
        return issues, set()
    rows: set[tuple[str, int]] = set()
    for code in sorted(set(dropped) | set(before), key=list(REGISTRY).index):
        rest = dropped.get(code, [])
        old = before.get(code)
        if not rest:
            if old is not None:  # always: a code none of whose issues was dropped is one with a summary
                kept.append(old)
            continue
        total = len(rest) + (int(old.value) if old is not None and isinstance(old.value, int) else 0)
        first = rest[0] if old is None else old
        kept.append(Issue(code, f"{SUMMARY_PREFIX}{total} 个同类问题({REGISTRY[code].title})未逐一列出,"
                                f"{'第一个在 ' + (first.location or '文件中') if old is None else '见上面的例子'}",
                          path=first.path, sheet=first.sheet, value=total,
                          hint="请先改正上面列出的问题;同类问题的改法相同"))
        rows.update((i.sheet, i.row) for i in rest if i.is_error and i.sheet and i.row is not None)
    return kept, rows
