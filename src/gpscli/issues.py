"""The issue vocabulary: every problem gps can find in a submission, with a stable code.

Codes are kebab-case and never renamed or reused: cron scripts and other tools depend on them.
The README's table of codes is checked against :data:`REGISTRY` by a test.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)
class IssueType:
    code: str
    severity: Severity
    title: str


_TYPES = [
    # errors
    IssueType("unreadable-file", Severity.ERROR, "文件无法读取(损坏、加密、为空、过大或不是表格)"),
    IssueType("no-table", Severity.ERROR, "找不到带有可识别表头的工作表"),
    IssueType("missing-column", Severity.ERROR, "缺少必填列"),
    IssueType("missing-value", Severity.ERROR, "必填单元格为空"),
    IssueType("invalid-amount", Severity.ERROR, "金额不是数字"),
    IssueType("negative-amount", Severity.ERROR, "金额为负数"),
    IssueType("unknown-category", Severity.ERROR, "一级目录不在指导性目录中"),
    IssueType("category-mismatch", Severity.ERROR, "二级目录不属于所填的一级目录"),
    IssueType("unknown-jurisdiction", Severity.ERROR, "地区不在地区名单中"),
    IssueType("invalid-year", Severity.ERROR, "年度无效或不是要求的年度"),
    IssueType("duplicate-project", Severity.ERROR, "同一项目重复填报"),
    IssueType("formula-without-value", Severity.ERROR, "公式没有保存计算结果"),
    IssueType("formula-error", Severity.ERROR, "公式计算结果为错误值"),
    IssueType("unit-conflict", Severity.ERROR, "金额的单位自相矛盾(表头与单位行不一致,或单元格写的单位与本列不同)"),
    IssueType("duplicate-submission", Severity.ERROR, "同一地区同一年度有两份项目基本相同的报送(如原表和更正表)"),
    # warnings
    IssueType("duplicate-file", Severity.WARNING, "与已读取的文件完全相同,已忽略"),
    IssueType("total-mismatch", Severity.WARNING, "合计行与明细之和不符"),
    IssueType("suspicious-amount", Severity.WARNING, "单个项目金额异常大"),
    IssueType("zero-amount", Severity.WARNING, "金额为零"),
    IssueType("unknown-subcategory", Severity.WARNING, "二级目录不在指导性目录中"),
    IssueType("skipped-file", Severity.WARNING, "已跳过:无法访问、不是普通文件,或是 gps 生成后未改动的标注副本"),
    IssueType("illegal-character", Severity.WARNING, "含有表格或文档不允许的控制字符,已删除"),
    IssueType("empty-table", Severity.WARNING, "有表头,但没有任何项目行"),
    IssueType("hidden-row", Severity.WARNING, "项目行是隐藏的(含被筛选隐藏),在 Excel 中看不到,已计入"),
    IssueType("hidden-column", Severity.WARNING, "读取的列是隐藏的,在 Excel 中看不到"),
    IssueType("hidden-sheet", Severity.WARNING, "隐藏的工作表中有项目表,没有读取"),
]

REGISTRY: dict[str, IssueType] = {t.code: t for t in _TYPES}


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
            kept.append(old)  # type: ignore[arg-type]
            continue
        total = len(rest) + (int(old.value) if old is not None and isinstance(old.value, int) else 0)
        first = rest[0] if old is None else old
        kept.append(Issue(code, f"{SUMMARY_PREFIX}{total} 个同类问题({REGISTRY[code].title})未逐一列出,"
                                f"{'第一个在 ' + (first.location or '文件中') if old is None else '见上面的例子'}",
                          path=first.path, sheet=first.sheet, value=total,
                          hint="请先改正上面列出的问题;同类问题的改法相同"))
        rows.update((i.sheet, i.row) for i in rest if i.is_error and i.sheet and i.row is not None)
    return kept, rows
