"""What the county's pages say in the county's words: the CLI's hints without its commands and
options (a county has no gps), what each of its versions counts for, and what a confirmation will
replace. The CLI's own texts are left as they are; only the web pages are reworded here."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from ..money import amount_str

if TYPE_CHECKING:
    from ..ledger import Ledger, Version
    from ..periods import Period

TEMPLATE = "标准格式见财政局下发的填报模板"
# (pattern, replacement), in order: the specific ones first, then what is left of gps and its options
_WORDING: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in [
    (r"标准格式见 ?gps template ?生成的模板|标准模板见 ?gps template", TEMPLATE),
    (r"请财政局把它加到 ?gps\.toml ?的 methods 中", "请与财政局联系,由财政局把它加入所列方式"),
    (r"财政局在 ?gps\.toml ?中加上的方式", "财政局加上的方式"),
    (r"[,,]?或(?:使用|用) ?--(?:jurisdiction|year)(?: 指定)?", ""),
    (r"请检查 ?--period,或让报送单位报送", "请报送"),
    (r"请加 ?--submitter \S+? ?重新导入", "请与财政局联系"),
    (r"与 ?`?validate --year`? ?要求的年度", "与要求的年度"),
    (r"gps\.toml", "财政局的设置"),
    (r"gps ?生成", "本系统生成"),
    (r"(?<![A-Za-z])gps(?![A-Za-z.]) ?", "系统"),
]]


def for_county(text: str | None) -> str | None:
    """A message or hint of the CLI as the county's page says it."""
    if not text:
        return text
    for pattern, replacement in _WORDING:
        text = pattern.sub(replacement, text)
    return text


def version_states(versions: list[Version]) -> dict[int, tuple[str, str]]:
    """For each version of a period (any order): its CSS class and what it counts for. Only each
    submitter's newest valid version counts (当前); older valid ones were replaced by the next."""
    out: dict[int, tuple[str, str]] = {}
    by_submitter: dict[str, list[Version]] = {}
    for v in sorted(versions, key=lambda x: x.sort_key):
        if not v.accepted:
            out[v.id] = ("bad", f"有 {v.errors} 个错误,未采用")
        else:
            by_submitter.setdefault(v.submitter, []).append(v)
    for valid in by_submitter.values():
        for older, newer in itertools.pairwise(valid):
            out[older.id] = ("note", ("零报告," if older.zero else "") + f"已被第 {newer.number} 版取代")
        last = valid[-1]
        out[last.id] = ("ok", "当前(零报告)" if last.zero else "当前(采用)")
    return out


def _size(rows: int, amount: str) -> str:
    return f"有 {rows} 个项目、{amount} 万元" if rows else "是零报告(没有项目)"


def replacing(ledger: Ledger, period: Period, jurisdiction: str, meta: dict[str, Any]) -> str:
    """What confirming the upload of ``meta`` will replace: the submitter's current version for the
    period, said with both versions' project counts and amounts; "" when there is none."""
    submitter = meta.get("submitter") or ""
    if not submitter or "year_rows" not in meta:
        return ""
    held = [v for v in ledger.current(period) if v.jurisdiction == jurisdiction and v.submitter == submitter]
    if not held or held[0].sha256 == meta.get("sha256"):  # none, or the same file again (no new version)
        return ""
    cur = held[0]
    number = max((v.number for v in ledger.versions(year=period.year) if v.submitter == submitter), default=0) + 1
    which = f"第 {cur.number} 版" + (f"({cur.period})" if cur.period != period.label else "")
    return (f"确认后,本文件将作为第 {number} 版取代{which}:{which}{_size(cur.rows, amount_str(cur.amount))},"
            f"本文件{_size(meta['year_rows'], meta['year_amount'])}。表中没有的项目将不再计入。"
            "如果只是补报新增的项目,请把全部项目填在同一个表里重新上传。")
