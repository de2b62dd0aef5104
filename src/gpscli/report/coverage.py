"""Did the rendered report write about every jurisdiction that has projects?

A user's template may place only some kinds of jurisdiction (an old Changji template with
``own_level``, ``parks`` and ``county_group`` and a profile with a fourth kind, a template that
forgets ``counties``...). Their projects still count in the totals and the appendix, so the
report looks right; this check names them instead of letting them vanish from the text.
"""

from __future__ import annotations

from lxml import etree

from . import fmt
from .model import Place

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_T, _TBL = f"{{{W}}}t", f"{{{W}}}tbl"


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(_T))


def body_text(body, appendix_xml: str = "") -> str:
    """The text of the document body up to the appendix table (``appendix_xml``, as inserted)."""
    stop = _text(etree.fromstring(f'<r xmlns:w="{W}">{appendix_xml}</r>')) if appendix_xml else None
    parts = []
    for el in body.iterchildren():
        text = _text(el)
        if stop is not None and el.tag == _TBL and text == stop:
            break
        parts.append(text)
    return "\n".join(parts)


def unplaced(places: list[Place], text: str) -> list[Place]:
    """The places with projects whose name the text never mentions."""
    return [p for p in places if p.count and p.name not in text]


def check(body, appendix_xml: str, places: list[Place]) -> list[str]:
    """The warning (none or one) about the places with projects the rendered body never names."""
    missed = unplaced(places, body_text(body, appendix_xml))
    return [warning(missed)] if missed else []


def warning(missed: list[Place]) -> str:
    listed = "、".join(f"{p.name}(类别「{p.kind}」,{fmt.items(p.count)}、{fmt.money(p.amount)})" for p in missed)
    return (f"报告正文中没有写到这些有项目的地区:{listed};它们已计入合计和附表。"
            "模板可能没有为它们的类别安排段落,请在模板中用 sections(或 jurisdictions)写到它们")
