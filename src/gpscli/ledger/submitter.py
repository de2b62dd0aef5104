"""Who sent a file: its jurisdiction, and the submitter (the unit that sends) within it.

Usually one submitter per jurisdiction; the prefecture's own departments send separately
(州本级-文化传媒部门.xlsx, 州本级-其他部门.xlsx). The submitter is read from the file name: the
jurisdiction, then a separator and a unit (``州本级-其他部门``); a name that only adds words
about the file itself (更正, 2017年第四季度, 政府购买服务项目表, (2)) is the jurisdiction alone,
so a corrected file supersedes the one before it whatever it is called.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..profile import Profile
    from ..records import FileResult

# Words about the file, not about who sent it.
_NOISE = re.compile(
    r"(\d{2,4}\s*年(度)?|第?[一二三四1-4]\s*季度|[1-4]\s*季度|\d{4}\s*[qQ][1-4]|[qQ][1-4]|"
    r"政府购买服务|指导性目录|项目|明细|清单|统计|汇总|报送|报表|情况|信息|数据|填报|模板|"
    r"更正|修改|修订|补报|重报|重新|最新|终稿|定稿|正式|确认|新|版本?|第\s*\d+\s*次|v\d+|"
    r"\(\s*\d*\s*\)|（\s*\d*\s*）|\d+|表)"
)
_SEPARATORS = "-_—–·.、 ()（）[]【】《》"


def jurisdiction_of(f: FileResult, year_rows: list[str], profile: Profile) -> list[str]:
    """The jurisdictions a file's rows of the year name; for a file without rows, the one its name,
    title or 填报单位 line names (empty when none does)."""
    names = list(dict.fromkeys(year_rows))
    if names:
        return names
    for text in (PurePath(f.path).stem, *(s.jurisdiction_from for s in f.sheets)):
        j = profile.find_in_text(text) if text else None
        if j is not None:
            return [j.name]
    return []


def submitter_of(file_name: str, jurisdiction: str, profile: Profile) -> str:
    """The submitter a file name shows: ``州本级-其他部门`` or just the jurisdiction."""
    stem = PurePath(file_name).stem
    found = profile.find_in_text(stem)
    if found is None or found.name != jurisdiction:
        return jurisdiction
    rest = stem
    for name in sorted((found.name, *found.aliases), key=len, reverse=True):
        at = rest.find(name)
        if at >= 0:
            rest = rest[at + len(name):]
            break
    else:
        return jurisdiction
    unit = _NOISE.sub("", rest).strip(_SEPARATORS + " ")
    if not unit or not rest[:1] or rest[0] not in _SEPARATORS:
        return jurisdiction
    return f"{jurisdiction}-{unit}"
