"""Who sent a file: its jurisdiction, and the submitter (the unit that sends) within it.

Usually one submitter per jurisdiction; the prefecture's own departments send separately
(州本级-文化传媒部门.xlsx, 州本级-其他部门.xlsx). The submitter is read from the file name: the
jurisdiction followed by the name of a unit, one that ends as units are named (部门, 局, 委,
办, 中心…): ``州本级-其他部门``, ``州本级文化传媒部门``. Anything else after the jurisdiction
(更正, 二次更正, 修改后, 最终版, 副本, 2017年第四季度, 政府购买服务项目表, (2)) is about the
file, not who sent it: the submitter is the jurisdiction, and a corrected file supersedes the one
before it whatever it is called. (A new submitter whose projects are another's current ones is
refused at ingest, whatever the name: see :mod:`.store`.)
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
    r"(修改|更正|调整|修正|修订)后|更正|修改|修订|修正|更新|调整|补报|重报|重新|最新|最终|终稿|定稿|正式|确认|副本|二次|"
    r"新版|版本?|"
    r"第\s*\d+\s*次|v\d+|"
    r"\(\s*\d*\s*\)|（\s*\d*\s*）|\d+|表)"
)
_SEPARATORS = "-_—–·.、 ()（）[]【】《》"
# How the names of units end: a word after the jurisdiction that ends otherwise (修改后, 二次, 最终版)
# is about the file.
_UNIT_ENDINGS = ("部门", "部", "局", "委", "委员会", "办", "办公室", "中心", "院", "所", "站", "队", "处", "科", "厅",
                 "会", "室", "馆", "团", "社", "署", "校", "学", "园", "场", "台", "社区", "街道", "乡", "镇", "村")


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
    if not unit.endswith(_UNIT_ENDINGS) or any(c in unit for c in _SEPARATORS):
        return jurisdiction
    return f"{jurisdiction}-{unit}"
