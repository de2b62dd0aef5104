"""The appendix table (附表) as a real Word table, written as WordprocessingML and inserted with
``{{p appendix_table }}``.

Rows: jurisdictions in profile order, then 合计. Columns: for each category that has projects,
项数 and 金额 (万元); then 合计. Two header rows (the category over its two columns) repeat on every
page; rows do not split across pages. Amounts have two decimals (:func:`.fmt.table_wan`), a cell
without projects holds ``wording.NO_FIGURE``. Cell text uses the template's 表头文字 / 表格文字 styles when it
has them (so fonts can be changed in Word), else direct formatting.

The XML is built with lxml rather than python-docx's table API: python-docx looks every cell up
from the start of the table, which is quadratic and took seconds for a 14 x 15 table.
"""

from __future__ import annotations

from lxml import etree

from .. import wording
from . import fmt
from .model import Table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
HEAD_STYLE, CELL_STYLE = "表头文字", "表格文字"
_CELL_MARGIN = 57  # twips (1 mm) left and right inside each cell


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _el(parent, tag: str, **attrs: str | int):
    el = etree.SubElement(parent, _w(tag)) if parent is not None else etree.Element(_w(tag), nsmap={"w": W})
    for k, v in attrs.items():
        el.set(_w(k), str(v))
    return el


def style_id(doc, name: str) -> str | None:
    """The id of a paragraph style of the template, or None when it has no such style."""
    try:
        return doc.styles[name].style_id
    except KeyError:
        return None


def column_widths(n_categories: int, width_twips: int) -> list[int]:
    """Name column, then 项数/金额 pairs for each category and for 合计, filling ``width_twips``."""
    name = max(int(width_twips * 0.2), 1600)
    groups = n_categories + 1
    group = (width_twips - name) // groups
    count = int(group * 0.36)
    amount = group - count
    widths = [name] + [count, amount] * groups
    widths[0] += width_twips - sum(widths)
    return widths


class _Builder:
    def __init__(self, head_style: str | None, cell_style: str | None, size_pt: float | None) -> None:
        self.head_style, self.cell_style, self.size = head_style, cell_style, size_pt

    def cell(self, tr, width: int, text: str, *, head: bool = False, align: str = "center", span: int = 1,
             vmerge: str | None = None) -> None:
        tc = _el(tr, "tc")
        pr = _el(tc, "tcPr")
        _el(pr, "tcW", w=width, type="dxa")
        if span > 1:
            _el(pr, "gridSpan", val=span)
        if vmerge is not None:
            vm = _el(pr, "vMerge")
            if vmerge:
                vm.set(_w("val"), vmerge)
        _el(pr, "vAlign", val="center")
        p = _el(tc, "p")
        ppr = _el(p, "pPr")
        style = self.head_style if head else self.cell_style
        if style:
            _el(ppr, "pStyle", val=style)
        else:
            _el(ppr, "spacing", before=0, after=0, line=240, lineRule="auto")
            _el(ppr, "ind", firstLine=0, firstLineChars=0)
        _el(ppr, "jc", val=align)
        if not text:
            return
        r = _el(p, "r")
        rpr = None
        if head and not self.head_style:
            rpr = _el(r, "rPr")
            _el(rpr, "b")
        if self.size is not None:
            rpr = rpr if rpr is not None else _el(r, "rPr")
            half = str(int(self.size * 2))
            _el(rpr, "sz", val=half)
            _el(rpr, "szCs", val=half)
        t = _el(r, "t")
        t.text = fmt.clean(text)


def _row(tbl, header: bool):
    tr = _el(tbl, "tr")
    trpr = _el(tr, "trPr")
    _el(trpr, "cantSplit")
    if header:
        _el(trpr, "tblHeader")
    return tr


def table_xml(table: Table, width_twips: int, *, head_style: str | None = None, cell_style: str | None = None) -> str:
    """The ``w:tbl`` element (as a string) for the appendix."""
    cols = table.columns
    widths = column_widths(len(cols), width_twips)
    b = _Builder(head_style, cell_style or head_style, None if len(cols) <= 6 else 9)
    tbl = _el(None, "tbl")
    pr = _el(tbl, "tblPr")
    _el(pr, "tblW", w=sum(widths), type="dxa")
    _el(pr, "jc", val="center")
    borders = _el(pr, "tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(borders, edge, val="single", sz=6 if edge.startswith("inside") else 8, space=0, color="000000")
    _el(pr, "tblLayout", type="fixed")
    mar = _el(pr, "tblCellMar")
    for edge in ("left", "right"):
        _el(mar, edge, w=_CELL_MARGIN, type="dxa")
    grid = _el(tbl, "tblGrid")
    for w in widths:
        _el(grid, "gridCol", w=w)

    top = _row(tbl, header=True)
    b.cell(top, widths[0], wording.TABLE_PLACE, head=True, vmerge="restart")
    for k, name in enumerate([*cols, wording.TOTAL]):
        c = 1 + 2 * k
        b.cell(top, widths[c] + widths[c + 1], name, head=True, span=2)
    sub = _row(tbl, header=True)
    b.cell(sub, widths[0], "", head=True, vmerge="")
    for k in range(len(cols) + 1):
        c = 1 + 2 * k
        b.cell(sub, widths[c], wording.TABLE_COUNT, head=True)
        b.cell(sub, widths[c + 1], wording.TABLE_AMOUNT, head=True)

    for row in [*table.rows, table.total]:
        is_total = row is table.total
        tr = _row(tbl, header=False)
        b.cell(tr, widths[0], row.name, head=is_total, align="center" if is_total else "left")
        for k, fig in enumerate([*row.cells, row.total]):
            c = 1 + 2 * k
            b.cell(tr, widths[c], fmt.table_count(None if fig is None else fig.count), head=is_total)
            b.cell(tr, widths[c + 1], fmt.table_wan(None if fig is None else fig.amount), head=is_total,
                   align="right")
    xml = etree.tostring(tbl, encoding="unicode")
    return xml.replace(f' xmlns:w="{W}"', "", 1)


class WordFragment:
    """Ready WordprocessingML inserted with ``{{p name }}``; ``__html__`` marks it as markup for the
    autoescaping Jinja environment (its texts were escaped when lxml wrote them)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml

    def __html__(self) -> str:
        return self.xml

    def __str__(self) -> str:
        return self.xml


def appendix_fragment(template_docx, table: Table, width_twips: int) -> WordFragment:
    return WordFragment(table_xml(table, width_twips, head_style=style_id(template_docx, HEAD_STYLE),
                                  cell_style=style_id(template_docx, CELL_STYLE)))
