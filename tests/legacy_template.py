"""A user's template written for gps before profiles declared their kinds: section 二 of the old
default template, word for word, placing ``own_level + parks`` one by one and ``county_group`` as
one paragraph. Such templates must keep working (the Changji-compatible aliases)."""

from __future__ import annotations

from pathlib import Path

import docx

PLACE = (
    "{{ sec.next(2) }}{{ j.name }}。"
    "{% if j.submitted %}"
    "{{ year }}年安排政府购买服务项目{{ j.items }}，资金{{ j.money }}"
    "{% if j.categories|length == 1 %}，全部为{{ j.categories[0].name }}"
    "{% else %}，其中{% for c in j.categories %}{{ c.name }}{{ c.items }}、{{ c.money }}"
    "{{ '，' if not loop.last }}{% endfor %}{% endif %}。"
    "{{ '具体项目为' if j.count <= 3 else '资金量居前的项目有' }}："
    "{% for p in j.top %}{{ p.unit }}“{{ p.name }}”{{ p.money }}{{ p.mark }}{{ '；' if not loop.last else '。' }}{% endfor %}"
    "{% else %}{{ year }}年未报送政府购买服务项目。{% endif %}"
)
GROUP = (
    "{{ sec.next(2) }}{{ county_group.name }}。"
    "{% if county_group.count %}"
    "{{ county_group.member_names }}"
    "{% if county_group.missing %}中，{{ county_group.missing|join('、') }}未报送项目，其余各县（市）{% endif %}"
    "共安排政府购买服务项目{{ county_group.items }}，资金{{ county_group.money }}"
    "{% if county_group.categories|length == 1 %}，全部为{{ county_group.categories[0].name }}"
    "{% else %}，其中{% for c in county_group.categories %}{{ c.name }}{{ c.items }}、{{ c.money }}"
    "{{ '，' if not loop.last }}{% endfor %}{% endif %}。"
    "{% if county_group.subcategories %}资金主要用于"
    "{% for s in county_group.subcategories[:4] %}{{ s.name }}{{ '、' if not loop.last }}{% endfor %}等方面。{% endif %}"
    "分县（市）看，{% for m in county_group.submitted %}{{ m.name }}{{ m.items }}、{{ m.money }}"
    "{{ '，' if not loop.last else '。' }}{% endfor %}"
    "单项资金较多的有：{% for p in county_group.top %}{{ p.unit }}“{{ p.name }}”{{ p.money }}{{ p.mark }}"
    "{{ '；' if not loop.last else '。' }}{% endfor %}"
    "{% else %}{{ county_group.member_names }}{{ year }}年均未报送政府购买服务项目。{% endif %}"
)


def write_legacy_template(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("二、项目和资金安排情况")
    d.add_paragraph("{%p set sec = counter() %}")
    d.add_paragraph("{%p for j in own_level + parks %}")
    d.add_paragraph(PLACE)
    d.add_paragraph("{%p endfor %}")
    d.add_paragraph("{%p if county_group %}")
    d.add_paragraph(GROUP)
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("{{ sec.next(2) }}总体情况。{{ year }}年共{{ total.items }}、{{ total.money }}。"
                    "{% if next_year %}{{ next_year.year }}年计划{{ next_year.items }}。{% endif %}")
    d.add_paragraph("附件")
    d.add_paragraph("{{p appendix_table }}")
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))
    return path
