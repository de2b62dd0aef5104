"""Build templates/report.docx, the default report template, with python-docx.

    make report-template          (or: python templates/build_templates.py [--no-charts] [OUT.docx])

The template is generated, not drawn by hand, so the committed binary is explained by this
file: styles and page layout come from gpscli.report.style (GB/T 9704-2012), the wording and
the Jinja tags are below. The output is byte-for-byte reproducible (fixed dates and zip times).
Users copy it and edit fonts, wording and layout in Word or WPS; `gps report --check-template`
then checks their copy.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX

from gpscli import wording
from gpscli.report import style

HERE = Path(__file__).resolve().parent
OUT = HERE / "report.docx"
FIXED = dt.datetime(2017, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

# Section 二 follows the profile's kinds (`sections`): a kind written one by one has a paragraph per
# jurisdiction, a grouped kind one paragraph for all its jurisdictions (`s.group`, here `g`).
# One paragraph per jurisdiction: the lead in 楷体 (a character style), the rest in the body font.
PLACE_LEAD = "{{ sec.next(2) }}{{ j.name }}。"
PLACE_TEXT = (
    "{% if j.submitted %}"
    "{{ year }}年安排政府购买服务项目{{ j.items }}，资金{{ j.money }}"
    "{% if j.categories|length == 1 %}，全部为{{ j.categories[0].name }}"
    "{% else %}，其中{% for c in j.categories %}{{ c.name }}{{ c.items }}、{{ c.money }}"
    "{{ '，' if not loop.last }}{% endfor %}{% endif %}。"
    "{{ '具体项目为' if j.count <= 3 else '资金量居前的项目有' }}："
    "{% for p in j.top %}{{ p.unit }}“{{ p.name }}”{{ p.money }}{{ p.mark }}"
    "{{ '；' if not loop.last else '。' }}{% endfor %}"
    "{% elif j.zero %}{{ period }}报送了零报告，未安排政府购买服务项目。"
    f"{{% else %}}截至成文日{wording.NOT_REPORTED}{{{{ period }}}}政府购买服务情况，本稿数字不含该地区。{{% endif %}}"
)
GROUP_LEAD = "{{ sec.next(2) }}{{ g.name }}。"
GROUP_TEXT = (
    "{% if g.count %}"
    "{{ g.member_names }}"
    "{% if g.missing or g.zero %}中，{% if g.zero %}{{ g.zero|join('、') }}报送了零报告"
    "{{ '，' if g.missing }}{% endif %}"
    f"{{% if g.missing %}}{{{{ g.missing|join('、') }}}}{wording.NOT_REPORTED}{{% endif %}}"
    "，其余各{{ g.label }}{% endif %}"
    "共安排政府购买服务项目{{ g.items }}，资金{{ g.money }}"
    "{% if g.categories|length == 1 %}，全部为{{ g.categories[0].name }}"
    "{% else %}，其中{% for c in g.categories %}{{ c.name }}{{ c.items }}、{{ c.money }}"
    "{{ '，' if not loop.last }}{% endfor %}{% endif %}。"
    "{% if g.subcategories %}资金主要用于"
    "{% for sc in g.subcategories[:4] %}{{ sc.name }}{{ '、' if not loop.last }}{% endfor %}等方面。{% endif %}"
    "分{{ g.label }}看，{% for m in g.submitted %}{{ m.name }}{{ m.items }}、{{ m.money }}"
    "{{ '，' if not loop.last else '。' }}{% endfor %}"
    "单项资金较多的有：{% for p in g.top %}{{ p.unit }}“{{ p.name }}”{{ p.money }}{{ p.mark }}"
    "{{ '；' if not loop.last else '。' }}{% endfor %}"
    "{% elif not g.missing %}{{ g.member_names }}{{ period }}均报送了零报告，未安排政府购买服务项目。"
    "{% else %}{% if g.zero %}{{ g.zero|join('、') }}{{ period }}报送了零报告；{% endif %}"
    f"{{{{ g.missing|join('、') }}}}截至成文日{wording.NOT_REPORTED}{{{{ period }}}}政府购买服务情况。{{% endif %}}"
)
TOTAL_LEAD = "{{ sec.next(2) }}总体情况。"
TOTAL_TEXT = (
    "{{ year }}年，{{ region_short }}共实施政府购买服务项目{{ total.items }}，安排资金{{ total.money }}。"
    "{% if categories %}按指导性目录一级分类：{% for c in categories %}{{ c.name }}{{ c.items }}，"
    "金额{{ c.money }}{{ '；' if not loop.last else '。' }}{% endfor %}{% endif %}"
    "{% if prev_year %}与{{ prev_year.label }}（{{ prev_year.items }}、{{ prev_year.money }}）相比，"
    "项目数{{ prev_year.change.count_text }}，资金{{ prev_year.change.text }}。{% endif %}"
    f"{{% if not_reported %}}以上数字不含截至成文日{wording.NOT_REPORTED}{{{{ period }}}}情况的"
    "{{ not_reported|join('、') }}。{% endif %}"
    "{% if prev_period %}与{{ prev_period.label }}（{{ prev_period.items }}、{{ prev_period.money }}）相比，"
    "项目数{{ prev_period.change.count_text }}，资金{{ prev_period.change.text }}。{% endif %}"
)
REGISTER_TEXT = (
    "{% if register.social_org %}按承接主体看，向社会组织购买服务{{ register.social_org.items }}、"
    "{{ register.social_org.money }}，占资金总额的{{ register.social_org.share_text }}。{% endif %}"
    "{% if register.single_source %}按购买方式看，以单一来源方式采购{{ register.single_source.items }}、"
    "{{ register.single_source.money }}，占资金总额的{{ register.single_source.share_text }}。{% endif %}"
    "{% if register.multi_year %}合同期限超过一年的项目{{ register.multi_year.items }}、"
    "{{ register.multi_year.money }}。{% endif %}"
    "{% if register.budget_paid %}同时填报预算和执行数的{{ register.budget_paid.items }}，"
    "预算{{ register.budget_paid.budget|money }}，"
    "已支付{{ register.budget_paid.paid|money }}，执行率{{ register.budget_paid.rate_text }}。{% endif %}"
)
NEXT_TEXT = (
    "从已报送的{{ next_year.year }}年计划看，预计实施项目{{ next_year.items }}，安排资金{{ next_year.money }}，"
    "比{{ year }}年{{ next_year.change.text }}。其中：{% for c in next_year.categories %}{{ c.name }}{{ c.items }}，"
    "金额{{ c.money }}{{ '；' if not loop.last else '。' }}{% endfor %}"
)


REVIEW_SKIPPED = ("【本稿未纳入{{ review.skipped|length }}处有错误的数据（{{ review.skipped_text }}）；"
                  "以下数字不含这些行，请核实更正后重新生成】")
REVIEW_UNVERIFIED = ("【以下金额有待核实，已计入本稿的数字：{{ review.unverified_text }}；"
                     f"文中标有“{wording.UNVERIFIED_MARK}”的项目即是，请核实后再定稿】")
ANNEX_TITLE = wording.annex_title("{{ year }}", "{{ region_short }}")


def highlighted(doc, text: str) -> None:
    """A paragraph the drafter must act on before the report goes out: yellow, like the gaps to fill."""
    p = doc.add_paragraph()
    p.add_run(text).font.highlight_color = WD_COLOR_INDEX.YELLOW


def narrative_loop(doc, var: str, hint: str, *, last_keeps: bool = False) -> None:
    """Headings and paragraphs from the narrative file, each in its style; a marked gap when empty.
    ``last_keeps``: the last paragraph stays on the page of what follows (the 落款, GB/T 9704-2012
    7.3.5: the signature is never alone on a page)."""
    tag(doc, f"{{%p for b in {var} %}}")
    tag(doc, "{%p if b.level == 2 %}")
    doc.add_paragraph("{{ b.ordinal }}{{ b.text }}", style="二级标题")
    tag(doc, "{%p elif b.level == 3 %}")
    doc.add_paragraph("{{ b.ordinal }}{{ b.text }}", style="三级标题")
    if last_keeps:
        tag(doc, "{%p elif loop.last %}")
        keep_with_next(doc.add_paragraph("{{ b.ordinal }}{{ b.text }}"))
    tag(doc, "{%p else %}")
    doc.add_paragraph("{{ b.ordinal }}{{ b.text }}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, f"{{%p if not {var} %}}")
    p = doc.add_paragraph()
    p.add_run(hint).font.highlight_color = WD_COLOR_INDEX.YELLOW
    if last_keeps:
        keep_with_next(p)
    tag(doc, "{%p endif %}")


def keep_with_next(p) -> None:
    """On the same page as the next paragraph, and not split leaving one line behind."""
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.widow_control = True


CHARTS = (("chart_categories", "各类别资金占比"), ("chart_jurisdictions", "各地区资金"), ("chart_trend", "历年资金"))


def charts(doc) -> None:
    """Each chart with its caption (图1 …), numbered in the order printed; drop or move them in Word."""
    tag(doc, "{%p set fig = counter() %}")
    for name, _what in CHARTS:
        tag(doc, f"{{%p if {name} %}}")
        doc.add_paragraph(f"{{{{ {name} }}}}", style="图")
        doc.add_paragraph(f"图{{{{ fig.next() }}}} {{{{ {name}.title }}}}", style="图题")
        tag(doc, "{%p endif %}")


def tag(doc, text: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it disappears when rendered."""
    doc.add_paragraph(text)


def lead_paragraph(doc, lead: str, text: str) -> None:
    p = doc.add_paragraph()
    p.add_run(lead, style="二级标题字符")
    p.add_run(text)


def section_two_places(doc) -> None:
    """Every kind of the profile in its order: its jurisdictions one by one, or their group."""
    tag(doc, "{%p for s in sections %}")
    tag(doc, "{%p set g = s.group %}")
    tag(doc, "{%p if s.grouped %}")
    lead_paragraph(doc, GROUP_LEAD, GROUP_TEXT)
    tag(doc, "{%p else %}")
    tag(doc, "{%p for j in s.places %}")
    lead_paragraph(doc, PLACE_LEAD, PLACE_TEXT)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")


def build(with_charts: bool = True) -> Document:
    doc = Document()
    style.strip_extras(doc)
    style.define_styles(doc)
    style.add_font_fallbacks(doc)
    body = doc.sections[0]
    style.setup_page(body)
    style.add_page_numbers(doc, body)

    doc.add_paragraph("{{ title }}", style="公文标题")
    tag(doc, "{%p if recipient %}")
    doc.add_paragraph("{{ recipient }}：", style="主送机关")
    tag(doc, "{%p endif %}")
    doc.add_paragraph("为全面反映{{ year }}年{{ region_short }}政府购买服务改革的推进情况，根据上级财政部门关于"
                      "报送政府购买服务信息的工作安排，现将有关情况报告如下。")

    doc.add_paragraph("一、政府购买服务改革推进情况", style="一级标题")
    narrative_loop(doc, "progress", wording.PROGRESS_HINT)

    doc.add_paragraph("二、项目和资金安排情况", style="一级标题")
    tag(doc, "{%p if review.skipped %}")
    highlighted(doc, REVIEW_SKIPPED)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if review.unverified %}")
    highlighted(doc, REVIEW_UNVERIFIED)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p set sec = counter() %}")
    section_two_places(doc)
    lead_paragraph(doc, TOTAL_LEAD, TOTAL_TEXT)
    if with_charts:
        charts(doc)
    tag(doc, "{%p if register %}")
    doc.add_paragraph(REGISTER_TEXT)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if next_year %}")
    doc.add_paragraph(NEXT_TEXT)
    tag(doc, "{%p endif %}")

    doc.add_paragraph("三、存在的问题和下一步建议", style="一级标题")
    narrative_loop(doc, "problems", wording.PROBLEMS_HINT, last_keeps=True)

    doc.add_paragraph(f"附件：{ANNEX_TITLE}", style="附件说明")
    sign = doc.add_paragraph("{{ bureau }}", style="落款")
    sign.paragraph_format.space_before = style.Twips(style.LINE_PITCH_TWIPS * 2)
    sign.paragraph_format.keep_with_next = True
    doc.add_paragraph("{{ date }}", style="落款")

    appendix = doc.add_section(WD_SECTION.NEW_PAGE)
    style.setup_page(appendix, landscape=True)
    doc.add_paragraph("附件", style="附件标识")
    doc.add_paragraph(ANNEX_TITLE, style="公文标题")
    doc.add_paragraph("单位：项、万元", style="表格说明")
    doc.add_paragraph("{{p appendix_table }}", style="表格文字")
    note = doc.add_paragraph("注：本表根据各地区报送的项目清单汇总，金额四舍五入保留两位小数。", style="表格说明")
    note.alignment = WD_ALIGN_PARAGRAPH.LEFT

    props = doc.core_properties
    props.title = f"{wording.REPORT_NAME}（模板）"
    props.subject = "gps report 的默认模板：由 templates/build_templates.py 生成"
    props.author = "gpscli"
    props.last_modified_by = "gpscli"
    props.comments = "可在 Word/WPS 中修改字体、措辞和版式；花括号中的是数据占位符，变量见 gps report --variables"
    props.keywords = "政府购买服务"
    props.created = props.modified = FIXED
    props.revision = 1
    return doc


def reproducible(data: bytes) -> bytes:
    """The same zip with fixed member times, so building twice gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()


def build_bytes(with_charts: bool = True) -> bytes:
    buf = io.BytesIO()
    build(with_charts).save(buf)
    return reproducible(buf.getvalue())


def main(argv: list[str]) -> int:
    """[--no-charts] [OUT.docx]; --no-charts: the same template without the charts (the benchmark's
    measure of what they cost)."""
    with_charts = "--no-charts" not in argv
    argv = [a for a in argv if a != "--no-charts"]
    out = Path(argv[1]) if len(argv) > 1 else OUT
    from gpscli.outputs.atomic import atomic_open

    with atomic_open(out, force=True, record=False) as fh:  # the committed template: no manifest beside it
        fh.write(build_bytes(with_charts))
    os.chmod(out, 0o644)  # a file to commit and share, not a private temp file
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
