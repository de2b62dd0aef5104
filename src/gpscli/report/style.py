"""公文 layout (GB/T 9704-2012) for python-docx documents: page, grid, styles, page numbers.

Used by ``templates/build_templates.py`` to make the default template; user templates keep
their own styles. East Asian fonts are set through ``w:rFonts/@w:eastAsia`` on every style (python-docx's
``font.name`` only sets the Latin slots), theme font attributes are removed (they would win over
explicit names), and the font table gets ``w:altName`` fallbacks for machines without the
GB2312 fonts.
"""

from __future__ import annotations

import math

from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

# Fonts (East Asian name, Latin name).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
H1_FONT = "黑体"
H2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# Substitutes Word may use when a font is missing (w:altName in the font table).
FONT_FALLBACKS: dict[str, tuple[str, str | None]] = {
    "方正小标宋简体": ("宋体", None),
    "仿宋_GB2312": ("仿宋", "02010609030101010101"),
    "楷体_GB2312": ("楷体", "02010609030101010101"),
    "黑体": ("SimHei", "02010609060101010101"),
    "宋体": ("SimSun", "02010600030101010101"),
}

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
TABLE_PT = 10.5  # 5号

# GB/T 9704-2012: A4, 天头 37 mm, 订口 28 mm, text block 156 x 225 mm, 22 lines x 28 characters.
PAGE_W_MM, PAGE_H_MM = 210, 297
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
LANDSCAPE_MARGINS_MM = {"top": 28, "bottom": 26, "left": 37, "right": 35}
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
FOOTER_MM = 22  # the page number's line starts about 7 mm below the text block
LINE_PITCH_TWIPS = 579  # 225 mm / 22 lines = 28.95 pt

# Style names (shown in Word) and their ids.
STYLE_IDS = {
    "公文标题": "GwTitle",
    "一级标题": "GwHeading1",
    "二级标题": "GwHeading2",
    "三级标题": "GwHeading3",
    "二级标题字符": "GwHeading2Char",
    "附件说明": "GwAttachNote",
    "附件标识": "GwAttachLabel",
    "落款": "GwSignature",
    "主送机关": "GwRecipient",
    "图": "GwFigure",
    "图题": "GwCaption",
    "表格说明": "GwTableNote",
    "表格文字": "GwTableText",
    "表头文字": "GwTableHead",
    "页码": "GwPageNumber",
}


def mm_to_twips(mm: float) -> int:
    return round(mm * 1440 / 25.4)


def set_fonts(rpr_parent, east_asia: str, latin: str = LATIN_FONT, size_pt: float | None = None,
              bold: bool | None = None) -> None:
    """Set explicit fonts (and size/bold) on a ``w:rPr`` holder: a style, a run, or docDefaults' rPr."""
    rpr = rpr_parent if rpr_parent.tag == qn("w:rPr") else rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")
    if bold is not None:
        for tag in ("w:b", "w:bCs"):
            _set_child(rpr, tag, None if bold else "0")
    if size_pt is not None:
        half = str(round(size_pt * 2))
        _set_child(rpr, "w:sz", half)
        _set_child(rpr, "w:szCs", half)


def _set_child(parent, tag: str, value: str | None, **attrs: str):
    """Replace (or add) ``parent/tag`` with w:val and other attributes, keeping schema order loosely."""
    old = parent.find(qn(tag))
    el = OxmlElement(tag)
    if value is not None:
        el.set(qn("w:val"), value)
    for k, v in attrs.items():
        el.set(qn(f"w:{k}"), v)
    if old is not None:
        parent.replace(old, el)
    else:
        parent.append(el)
    return el


def _ppr(style):
    return style.element.get_or_add_pPr()


# Children of w:pPr in schema order (the subset we write); Word is strict about the order.
_PPR_ORDER = ["w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:widowControl", "w:snapToGrid",
              "w:spacing", "w:ind", "w:jc", "w:outlineLvl"]
_RPR_ORDER = ["w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:color", "w:spacing", "w:kern", "w:sz", "w:szCs",
              "w:highlight", "w:lang"]


def _sort_children(el, order: list[str]) -> None:
    rank = {qn(t): n for n, t in enumerate(order)}
    kids = list(el)
    kids.sort(key=lambda k: rank.get(k.tag, len(rank)))
    for k in kids:
        el.remove(k)
    for k in kids:
        el.append(k)


def set_paragraph(ppr, *, first_line_chars: int | None = None, font_pt: float = BODY_PT, jc: str | None = None,
                  line_twips: int | None = None, line_rule: str = "exact", before: int = 0, after: int = 0,
                  right_chars: int | None = None, left_chars: int | None = None, keep_next: bool = False,
                  outline: int | None = None, snap: bool | None = None, widow: bool | None = False) -> None:
    if keep_next:
        _set_child(ppr, "w:keepNext", None)
    if widow is not None:
        _set_child(ppr, "w:widowControl", "1" if widow else "0")
    if snap is not None:
        _set_child(ppr, "w:snapToGrid", "1" if snap else "0")
    spacing = {"before": str(before), "after": str(after)}
    if line_twips is not None:
        spacing |= {"line": str(line_twips), "lineRule": line_rule}
    _set_child(ppr, "w:spacing", None, **spacing)
    char = round(font_pt * 20)
    ind: dict[str, str] = {}
    if first_line_chars is not None:
        ind |= {"firstLineChars": str(first_line_chars * 100), "firstLine": str(first_line_chars * char)}
    if left_chars is not None:
        ind |= {"leftChars": str(left_chars * 100), "left": str(left_chars * char)}
    if right_chars is not None:
        ind |= {"rightChars": str(right_chars * 100), "right": str(right_chars * char)}
    if ind:
        _set_child(ppr, "w:ind", None, **ind)
    if jc is not None:
        _set_child(ppr, "w:jc", jc)
    if outline is not None:
        _set_child(ppr, "w:outlineLvl", str(outline))
    _sort_children(ppr, _PPR_ORDER)


def _style(doc, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, base: str | None = "Normal"):
    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, kind)
    if name in STYLE_IDS:
        st.style_id = STYLE_IDS[name]
    if base is not None and kind == WD_STYLE_TYPE.PARAGRAPH:
        st.base_style = styles[base]
    st.quick_style = True
    st.hidden = False
    return st


def define_styles(doc) -> None:
    """Normal (正文) and the 公文 styles, with East Asian fonts set explicitly."""
    styles_el = doc.styles.element
    # Document defaults: 仿宋_GB2312 3号, Chinese language; no theme fonts.
    rpr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_fonts(rpr_default, BODY_FONT, size_pt=BODY_PT)
    _set_child(rpr_default, "w:lang", None, val="en-US", eastAsia="zh-CN", bidi="ar-SA")
    _sort_children(rpr_default, _RPR_ORDER)
    ppr_default = styles_el.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    set_paragraph(ppr_default, line_twips=LINE_PITCH_TWIPS)

    normal = doc.styles["Normal"]
    set_fonts(normal.element, BODY_FONT, size_pt=BODY_PT)
    body_width = mm_to_twips(PAGE_W_MM - MARGINS_MM["left"] - MARGINS_MM["right"])
    _set_child(normal.element.get_or_add_rPr(), "w:spacing", str(char_spacing_twips(body_width)))
    set_paragraph(_ppr(normal), first_line_chars=2, jc="both", line_twips=LINE_PITCH_TWIPS)

    title = _style(doc, "公文标题")
    set_fonts(title.element, TITLE_FONT, size_pt=TITLE_PT)
    set_paragraph(_ppr(title), first_line_chars=0, jc="center", line_twips=LINE_PITCH_TWIPS + 160,
                  after=LINE_PITCH_TWIPS, keep_next=True)

    for name, font, level, bold in (("一级标题", H1_FONT, 0, False), ("二级标题", H2_FONT, 1, False),
                                    ("三级标题", BODY_FONT, 2, True)):
        st = _style(doc, name)
        st.next_paragraph_style = doc.styles["Normal"]
        set_fonts(st.element, font, size_pt=BODY_PT, bold=bold)
        set_paragraph(_ppr(st), first_line_chars=2, jc="both", line_twips=LINE_PITCH_TWIPS, keep_next=True,
                      outline=level)

    char = _style(doc, "二级标题字符", WD_STYLE_TYPE.CHARACTER, base=None)
    set_fonts(char.element, H2_FONT)

    # GB/T 9704-2012 7.3.5: the signature is not separated from the body; 附件说明 goes with it.
    note = _style(doc, "附件说明")
    set_paragraph(_ppr(note), first_line_chars=2, jc="left", line_twips=LINE_PITCH_TWIPS, before=LINE_PITCH_TWIPS,
                  keep_next=True)

    recipient = _style(doc, "主送机关")
    set_paragraph(_ppr(recipient), first_line_chars=0, jc="left", line_twips=LINE_PITCH_TWIPS, keep_next=True)

    # A picture in a paragraph of exact line spacing is cut to one line: the figure's is "auto".
    figure = _style(doc, "图")
    set_paragraph(_ppr(figure), first_line_chars=0, jc="center", line_twips=240, line_rule="auto", snap=False,
                  before=120, keep_next=True)
    caption = _style(doc, "图题")
    set_fonts(caption.element, BODY_FONT, size_pt=14)
    set_paragraph(_ppr(caption), first_line_chars=0, jc="center", line_twips=LINE_PITCH_TWIPS, font_pt=14,
                  after=120)

    label = _style(doc, "附件标识")
    set_fonts(label.element, H1_FONT, size_pt=BODY_PT)
    set_paragraph(_ppr(label), first_line_chars=0, jc="left", line_twips=LINE_PITCH_TWIPS, keep_next=True)

    sign = _style(doc, "落款")
    set_paragraph(_ppr(sign), first_line_chars=0, jc="right", right_chars=4, line_twips=LINE_PITCH_TWIPS)

    table_note = _style(doc, "表格说明")
    set_fonts(table_note.element, BODY_FONT, size_pt=12)
    set_paragraph(_ppr(table_note), first_line_chars=0, jc="right", line_twips=None, snap=False, font_pt=12)

    cell = _style(doc, "表格文字")
    set_fonts(cell.element, BODY_FONT, size_pt=TABLE_PT)
    set_paragraph(_ppr(cell), first_line_chars=0, jc="center", line_twips=240, line_rule="auto", snap=False,
                  font_pt=TABLE_PT)
    head = _style(doc, "表头文字", base="表格文字")
    set_fonts(head.element, H1_FONT, size_pt=TABLE_PT)

    page = _style(doc, "页码")
    set_fonts(page.element, PAGE_NUMBER_FONT, latin=PAGE_NUMBER_FONT, size_pt=PAGE_NUMBER_PT)
    set_paragraph(_ppr(page), first_line_chars=0, line_twips=240, line_rule="auto", snap=False,
                  font_pt=PAGE_NUMBER_PT)
    for st in doc.styles:
        if st.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER) and st.element.rPr is not None:
            _sort_children(st.element.rPr, _RPR_ORDER)


def char_spacing_twips(text_width_twips: int, chars: int = CHARS_PER_LINE, font_pt: float = BODY_PT) -> int:
    """Character spacing (w:spacing/@w:val, twentieths of a point; negative condenses) that makes
    ``chars`` characters of ``font_pt`` fit one line: 156 mm holds 27 characters of 16 pt, not 28.

    A character grid (docGrid type linesAndChars) would do the same in Word, but LibreOffice
    spreads such lines to half as many characters; a tiny uniform condensing works everywhere.
    """
    pitch_twips = text_width_twips / chars
    return min(0, math.floor(pitch_twips - font_pt * 20) - 1)


def setup_page(section, landscape: bool = False) -> None:
    """A4 with the 公文 margins and a 22-line x 28-character document grid."""
    margins = LANDSCAPE_MARGINS_MM if landscape else MARGINS_MM
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Twips(mm_to_twips(PAGE_H_MM if landscape else PAGE_W_MM))
    section.page_height = Twips(mm_to_twips(PAGE_W_MM if landscape else PAGE_H_MM))
    section.top_margin = Twips(mm_to_twips(margins["top"]))
    section.bottom_margin = Twips(mm_to_twips(margins["bottom"]))
    section.left_margin = Twips(mm_to_twips(margins["left"]))
    section.right_margin = Twips(mm_to_twips(margins["right"]))
    section.footer_distance = Twips(mm_to_twips(FOOTER_MM if not landscape else FOOTER_MM - 9))
    section.header_distance = Twips(mm_to_twips(15))
    section.gutter = Twips(0)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    for k in list(grid.attrib):
        del grid.attrib[k]
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def _field_runs(paragraph, instr: str, placeholder: str) -> None:
    def run_with(child):
        r = paragraph.add_run()
        r._r.append(child)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instr} "
    run_with(text)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _page_number_paragraph(paragraph, odd: bool) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    one_char = Pt(PAGE_NUMBER_PT)
    if odd:
        paragraph.paragraph_format.right_indent = one_char
    else:
        paragraph.paragraph_format.left_indent = one_char
    paragraph.add_run("— ")
    _field_runs(paragraph, "PAGE", "1")
    paragraph.add_run(" —")


def add_page_numbers(doc, section) -> None:
    """— 1 — in 4号 宋体: odd pages right, even pages left, each one character in from the edge."""
    doc.settings.odd_and_even_pages_header_footer = True
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = doc.styles["页码"]
        _page_number_paragraph(p, odd)


def add_font_fallbacks(doc) -> None:
    """Declare the CJK fonts in word/fontTable.xml with GB2312 charset and a substitute (w:altName)."""
    from lxml import etree

    part = next((p for p in doc.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"), None)
    if part is None:  # pragma: no cover - python-docx's default template has one
        return
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (alt, panose) in FONT_FALLBACKS.items():
        for old in root.findall(f"{{{w}}}font"):
            if old.get(f"{{{w}}}name") == name:
                root.remove(old)
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        for tag, val in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", "modern"),
                         ("pitch", "fixed")):
            if val is None:
                continue
            el = etree.SubElement(font, f"{{{w}}}{tag}")
            el.set(f"{{{w}}}val", val)
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def strip_extras(doc) -> None:
    """Drop parts of python-docx's default template a report does not need (a Word 2010 styles copy
    that could shadow our styles, a thumbnail of an empty page, customXml)."""
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            target = "" if rel.is_external else str(rel.target_part.partname)
            if target.endswith(("stylesWithEffects.xml", "thumbnail.jpeg")) or target.startswith("/customXml/"):
                del rels[rid]

