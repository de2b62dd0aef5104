"""gps report as a library: the figures of the seed report, the 公文 layout, hostile text, template errors."""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from builders import project, standard_rows, write_xlsx
from gpscli import api
from gpscli.errors import DataError, TemplateError, UsageError
from gpscli.report import bundled_template, check_template, context, write_report
from gpscli.report.render import explain

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"


@pytest.fixture(scope="module")
def sample_result():
    return api.load([SAMPLE])


@pytest.fixture(scope="module")
def report_2016(sample_result, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "2016.docx"
    outcome = write_report(sample_result, 2016, out=out, narrative=SAMPLE / "narrative-2016.md")
    return outcome, docx.Document(str(out))


def text_of(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def paragraphs(document, style: str | None = None) -> list[str]:
    return [p.text for p in document.paragraphs if style is None or p.style.name == style]


# --- the figures -------------------------------------------------------------------------------

def test_2016_report_states_the_seed_figures(report_2016):
    _, d = report_2016
    text = text_of(d)
    for needle in ("55项", "16252.68万元", "基本公共服务45项，金额14543.68万元", "技术性服务8项，金额1189万元",
                   "政府履职所需辅助性事项2项，金额520万元"):
        assert needle in text, needle
    plan = next(p for p in paragraphs(d) if "2017年计划" in p)
    assert "68项" in plan and "19439.72万元" in plan
    for needle in ("基本公共服务47项，金额12577.62万元", "社会管理性服务11项，金额5379.6万元",
                   "行业管理与协调性服务1项，金额786万元", "技术性服务6项，金额222.5万元",
                   "政府履职所需辅助性事项2项，金额274万元", "其他适合由社会力量承担的服务事项1项，金额200万元"):
        assert needle in plan, needle
    assert "比2016年增长19.61%" in plan


def test_section_two_one_paragraph_per_place_in_profile_order_counties_grouped(report_2016):
    _, d = report_2016
    body = paragraphs(d, "Normal")
    leads = [re.match(r"（([一二三四五六七八九十]+)）([^。]+)。", p) for p in body]
    found = [(m.group(1), m.group(2)) for m in leads if m]
    assert found == [("一", "州本级"), ("二", "国家农业科技园区"), ("三", "准东经济技术开发区"),
                     ("四", "昌吉高新技术产业开发区"), ("五", "其他各县（市）"), ("六", "总体情况")]
    counties = next(p for p in body if p.startswith("（五）其他各县（市）"))
    assert "共安排政府购买服务项目29项，资金9192.8万元" in counties
    assert "昌吉市环境卫生管理局“城区道路清扫保洁”1200万元" in counties
    own = next(p for p in body if p.startswith("（一）州本级"))
    # the three largest projects with their purchasing units, largest first
    assert re.search(r"昌吉州传媒大厦管理中心“[^”]+”1100万元；昌吉州艺术剧院“[^”]+”470.6万元；"
                     r"昌吉州环境保护局“[^”]+”460万元。", own)


def test_text_table_and_aggregate_agree(report_2016, sample_result):
    outcome, d = report_2016
    agg = api.aggregate(sample_result, year=2016, by="jurisdiction,category")
    cells = dict(agg.cells)
    table = d.tables[0]
    header = [c.text for c in table.rows[0].cells]
    categories = header[1:-2:2]
    assert categories == [c for c, _ in agg.by["category"]]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[2:]}
    by_jur = dict(agg.by["jurisdiction"])
    body = paragraphs(d, "Normal")
    for name, f in by_jur.items():
        row = rows[name]
        assert (int(row[-2]), Decimal(row[-1])) == (f.count, f.amount)
        for k, cat in enumerate(categories):
            c = cells.get((name, cat))
            got = row[1 + 2 * k: 3 + 2 * k]
            assert ((int(got[0]), Decimal(got[1])) == (c.count, c.amount)) if c else got == ["—", "—"]
            assert re.fullmatch(r"\d+\.\d\d", got[1]) if c else True  # tables: two decimals (2090.00)
        lead = next((p for p in body if re.match(rf"（[一二三四五六七八九十]+）{name}。", p)), None)
        if lead:  # own level and parks have their own paragraph
            m = re.search(r"安排政府购买服务项目(\d+)项，资金([\d.]+)万元", lead)
            assert (int(m.group(1)), Decimal(m.group(2))) == (f.count, f.amount)
        else:
            m = re.search(rf"{name}(\d+)项、([\d.]+)万元", next(p for p in body if p.startswith("（五）")))
            assert (int(m.group(1)), Decimal(m.group(2))) == (f.count, f.amount)
    overall = next(p for p in body if p.startswith("（六）"))
    stated = re.findall(r"([^：；\d]+?)(\d+)项，金额([\d.]+)万元", overall)
    assert [(n, int(c), Decimal(a)) for n, c, a in stated] == [(n, f.count, f.amount) for n, f in agg.by["category"]]
    total = [c.text for c in table.rows[-1].cells]
    assert total[0] == "合计" and (int(total[-2]), Decimal(total[-1])) == (agg.total.count, agg.total.amount)
    assert outcome.context["total"].amount == agg.total.amount == Decimal("16252.68")


def test_appendix_is_a_real_word_table_in_a_landscape_section(report_2016):
    _, d = report_2016
    assert len(d.tables) == 1
    tbl = d.tables[0]
    assert len(tbl.rows) == 2 + 11 + 1 and len(tbl.columns) == 1 + 2 * 4
    assert [c.text for c in tbl.rows[1].cells][1:3] == ["项数", "金额"]
    assert tbl.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    last = d.sections[-1]
    assert last.page_width > last.page_height
    assert paragraphs(d, "附件标识") == ["附件"]


def test_narrative_fills_sections_one_and_three(report_2016):
    _, d = report_2016
    text = text_of(d)
    assert "【请在此填写" not in text
    h2 = paragraphs(d, "二级标题")
    assert h2[:3] == ["（一）理顺工作机制，明确各方责任", "（二）健全制度框架，规范操作流程", "（三）以点带面，逐步扩大购买范围"]
    assert h2[3] == "（一）配套制度仍不完善"
    assert paragraphs(d, "一级标题") == ["一、政府购买服务改革推进情况", "二、项目和资金安排情况", "三、存在的问题和下一步建议"]
    assert paragraphs(d, "公文标题")[0] == "2016年政府购买服务工作进展情况报告"


def test_without_narrative_the_places_to_fill_in_are_marked(sample_result, tmp_path):
    outcome = write_report(sample_result, 2017, out=tmp_path / "r.docx")
    text = text_of(docx.Document(str(tmp_path / "r.docx")))
    assert text.count("【请在此填写") == 2
    assert any("叙述文件" in w for w in outcome.warnings)
    # 2017 has a year before it: the change is stated, and no 2018 plan exists
    assert "与2016年（55项、16252.68万元）相比，项目数增加13项，资金增长19.61%。" in text
    assert "2018年" not in text and "68项" in text and "19439.72万元" in text


def test_missing_narrative_given_explicitly_is_a_usage_error(sample_result, tmp_path):
    with pytest.raises(UsageError, match="叙述文件"):
        write_report(sample_result, 2016, out=tmp_path / "r.docx", narrative=tmp_path / "none.md")
    assert not (tmp_path / "r.docx").exists()


# --- 公文 layout ---------------------------------------------------------------------------------

def east_asia(style) -> str:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:eastAsiaTheme")) is None
    return fonts.get(qn("w:eastAsia"))


def test_page_size_margins_and_grid(report_2016):
    _, d = report_2016
    s = d.sections[0]
    assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
    for got, want in ((s.top_margin, 37), (s.bottom_margin, 35), (s.left_margin, 28), (s.right_margin, 26)):
        assert abs(got.mm - want) < 0.1
    grid = s._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) in ("lines", "linesAndChars") and grid.get(qn("w:linePitch")) == "579"
    # 28 characters of 16 pt fit the 156 mm line: the body style condenses by a fraction of a point
    spacing = int(d.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val")))
    width_pt = s.page_width.pt - s.left_margin.pt - s.right_margin.pt
    assert 28 * (16 + spacing / 20) <= width_pt < 28 * 16


def test_fonts_of_body_title_and_headings(report_2016):
    _, d = report_2016
    normal, title = d.styles["Normal"], d.styles["公文标题"]
    assert east_asia(normal) == "仿宋_GB2312" and normal.font.size.pt == 16
    assert east_asia(title) == "方正小标宋简体" and title.font.size.pt == 22
    assert title.paragraph_format.alignment == 1  # centred
    assert normal.font.name == "Times New Roman"  # digits and Latin in the body: same size, a serif face
    assert normal.element.rPr.find(qn("w:szCs")).get(qn("w:val")) == "32"
    assert east_asia(d.styles["一级标题"]) == "黑体"
    assert east_asia(d.styles["二级标题"]) == "楷体_GB2312"
    assert east_asia(d.styles["三级标题"]) == "仿宋_GB2312" and d.styles["三级标题"].font.bold
    ppr = normal.element.pPr
    assert ppr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert ppr.find(qn("w:spacing")).get(qn("w:lineRule")) == "exact"


def test_page_numbers_odd_right_even_left(report_2016):
    _, d = report_2016
    assert d.settings.odd_and_even_pages_header_footer
    s = d.sections[0]
    odd, even = s.footer.paragraphs[0], s.even_page_footer.paragraphs[0]
    for p in (odd, even):
        assert p.text.startswith("—") and p.text.endswith("—")
        assert " PAGE " in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert east_asia(p.style) == "宋体" and p.style.font.size.pt == 14
    assert odd.alignment == 2 and even.alignment == 0  # right, left


# --- hostile text ---------------------------------------------------------------------------------

def test_markup_and_control_characters_from_the_data_cannot_break_the_document(tmp_path):
    unit = '甲&乙<县>"局"'
    name = "项目_x0001_名称_x000B_</w:t>&amp;{{ title }}"  # Excel's escapes for \x01 and \x0b
    inbox = tmp_path / "inbox"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([project(unit=unit, name=name, amount=100)]))
    res = api.load([inbox])
    out = tmp_path / "r.docx"
    write_report(res, 2016, out=out)
    d = docx.Document(str(out))
    text = text_of(d)
    assert '甲&乙<县>"局"“项目名称' in text
    assert "</w:t>&amp;{{ title }}”100万元" in text  # data is text, never markup or a template tag
    with zipfile.ZipFile(out) as z:
        assert "&lt;县&gt;" in z.read("word/document.xml").decode("utf-8")


def test_control_characters_reaching_the_report_are_dropped(tmp_path):
    """The readers already drop them (with a warning); the report does not rely on it."""
    from gpscli.aggregate import aggregate
    from gpscli.profile import default
    from gpscli.records import ProjectRecord, Source
    from gpscli.report.render import render, save

    prof = default()
    rec = ProjectRecord("昌吉市", "单位\x01甲\x0b&<", "名称\x1f\n乙", "基本公共服务", Decimal("12.5"), 2016,
                        Source("x.xlsx", "表", 4))
    agg = aggregate([rec], 2016, ["jurisdiction", "category"], jurisdictions=prof.names(),
                    categories_order={"基本公共服务": 0}, region=prof.name)
    ctx = context.build_context(agg, prof, title="标题\x07")
    out = save(render(bundled_template(), ctx), tmp_path / "r.docx")
    text = text_of(docx.Document(str(out)))
    assert "单位甲&<“名称 乙”12.5万元" in text
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


def test_data_errors_stop_the_report_unless_skipped(tmp_path):
    inbox = tmp_path / "inbox"
    write_xlsx(inbox / "昌吉市.xlsx", standard_rows([project(amount=100), project(name="另一项目", amount="待定")]))
    res = api.load([inbox])
    out = tmp_path / "r.docx"
    with pytest.raises(DataError):
        write_report(res, 2016, out=out)
    assert not out.exists()
    outcome = write_report(res, 2016, out=out, skip_invalid=True)
    assert out.exists() and outcome.aggregation.total.count == 1 and outcome.context["skipped"] == 1


# --- templates ------------------------------------------------------------------------------------

def make_template(path: Path, *texts: str) -> Path:
    d = docx.Document()
    for t in texts:
        d.add_paragraph(t)
    d.save(str(path))
    return path


@pytest.mark.parametrize("texts, words", [
    (("第一段", "合计{{ total.count 项"), ["合计{{ total.count 项", "标签"]),
    (("{%p for j in parks %}", "{{ j.name }}"), ["for", "endfor"]),
    (("{% iff year %}x{% endif %}",), ["不认识的标签", "iff"]),
    (("{{ year|tomoney }}",), ["tomoney", "过滤器"]),
])
def test_bad_tags_are_explained_in_chinese_with_the_place(sample_result, tmp_path, texts, words):
    tpl = make_template(tmp_path / "坏模板.docx", *texts)
    with pytest.raises(TemplateError) as e:
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tpl)
    msg = str(e.value)
    assert msg.startswith("报告模板 坏模板.docx 有误")
    for w in words:
        assert w in msg, msg
    assert "Traceback" not in msg and "jinja2" not in msg
    assert not (tmp_path / "r.docx").exists()


def test_unknown_variable_and_attribute(sample_result, tmp_path):
    tpl = make_template(tmp_path / "t.docx", "标题", "本年度共{{ totl.count }}项")
    with pytest.raises(TemplateError, match="变量「totl」") as e:
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tpl)
    assert "本年度共{{ totl.count }}项" in str(e.value)
    tpl = make_template(tmp_path / "t2.docx", "{% for j in parks %}{{ j.nmae }}{% endfor %}")
    with pytest.raises(TemplateError, match="地区没有属性「nmae」"):
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tpl)


def test_footer_errors_name_the_footer(sample_result, tmp_path):
    d = docx.Document()
    d.add_paragraph("{{ year }}")
    d.sections[0].footer.paragraphs[0].text = "{{ pagee }}"
    d.save(str(tmp_path / "t.docx"))
    with pytest.raises(TemplateError, match="页脚"):
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tmp_path / "t.docx")


def test_not_a_docx(sample_result, tmp_path):
    (tmp_path / "t.docx").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    with pytest.raises(TemplateError, match=r"\.doc"):
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tmp_path / "t.docx")
    (tmp_path / "t.docx").write_text("hello")
    with pytest.raises(TemplateError, match="不是 Word 文档"):
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tmp_path / "t.docx")
    with pytest.raises(UsageError, match="找不到报告模板"):
        write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tmp_path / "none.docx")


def test_a_users_own_template_with_rows_loop_and_filters(sample_result, tmp_path):
    d = docx.Document()
    d.add_paragraph("{{ region }}{{ year|cn }}年:{{ total.count|items('个项目') }},{{ total.amount|money }}")
    d.add_paragraph("{%p for j in counties %}")
    d.add_paragraph("{{ loop.index|ordinal(3) }}{{ j.name }}{{ j.money }}")
    d.add_paragraph("{%p endfor %}")
    t = d.add_table(rows=2, cols=2)
    t.cell(0, 0).text = "{%tr for c in categories %}"
    t.cell(1, 0).text = "{{ c.name }}"
    t.cell(1, 1).text = "{{ c.amount }}"
    t.add_row().cells[0].text = "{%tr endfor %}"
    d.save(str(tmp_path / "own.docx"))
    write_report(sample_result, 2016, out=tmp_path / "r.docx", template=tmp_path / "own.docx")
    out = docx.Document(str(tmp_path / "r.docx"))
    text = text_of(out)
    assert "昌吉回族自治州二千零一十六年:55个项目,16252.68万元" in text
    assert "1.昌吉市3291.5万元" in text and "7.木垒哈萨克自治县342万元" in text
    assert [[c.text for c in r.cells] for r in out.tables[0].rows] == [
        ["基本公共服务", "14543.68"], ["技术性服务", "1189"], ["政府履职所需辅助性事项", "520"]]


def test_check_template():
    check = check_template(bundled_template())
    assert check.ok and not check.unknown and not check.problems
    # the bundled template writes section 二 from the profile's kinds (issue #15) ...
    assert {"year", "total", "sections", "next_year", "appendix_table"} <= set(check.used)
    assert set(check.used) <= set(context.variable_names())


def test_check_template_of_a_template_written_before_kinds(tmp_path):
    """... and a template written for Changji before the kinds were data (section 二 of the old
    default template) still checks clean with the Changji-compatible variables. Moved from
    test_check_template, whose subject was the bundled template when it used them."""
    from legacy_template import write_legacy_template

    check = check_template(write_legacy_template(tmp_path / "旧模板.docx"))
    assert check.ok and not check.unknown and not check.problems
    assert {"year", "total", "own_level", "parks", "county_group", "next_year", "appendix_table"} <= set(check.used)
    assert set(check.used) <= set(context.variable_names())


def test_check_template_flags_what_gps_does_not_provide(tmp_path):
    tpl = make_template(tmp_path / "t.docx", "{{ year }}{{ unknown_thing }}", "{% for x in nothing %}{% endfor %}")
    check = check_template(tpl)
    assert check.unknown == ["nothing", "unknown_thing"] and not check.ok
    tpl = make_template(tmp_path / "t2.docx", "{{ next_year.total.count }}")
    check = check_template(tpl)  # fine with next-year data, fails without it: found by the trial renders
    assert not check.unknown and check.problems and "空值" in check.problems[0]


def test_every_variable_is_documented():
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    for name in context.variable_names():
        assert f"`{name}`" in doc, name
    assert {"money", "items", "ordinal", "cn"} <= {n for n, _ in context.FILTERS}


def test_the_docs_tables_are_what_gps_report_variables_prints():
    doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    for name, kind, desc in context.VARIABLES:
        assert f"| `{name}` | {kind} | {desc} |" in doc, name
    for kind, desc in context.ATTRIBUTES:
        assert f"| {kind} | {desc} |" in doc, kind
    assert "[[kinds]]" in doc and "report = \"group\"" in doc  # the profile's kinds are documented


def test_explain_gives_chinese_for_jinja_errors():
    import jinja2

    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError) as e:
        env.from_string("{{ abc }}").render()
    assert "「abc」" in explain(e.value)


# --- the default template -------------------------------------------------------------------------

def test_bundled_template_is_what_build_templates_makes():
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "templates" / "build_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import io

    built = zipfile.ZipFile(io.BytesIO(mod.build_bytes()))
    committed = zipfile.ZipFile(bundled_template())
    assert built.namelist() == committed.namelist()
    for name in built.namelist():
        assert built.read(name) == committed.read(name), f"{name}: run `make report-template`"
    assert bundled_template() == ROOT / "templates" / "report.docx" or bundled_template().name == "report.docx"


def test_render_time_is_small(report_2016):
    outcome, _ = report_2016
    assert outcome.render_seconds - outcome.chart_seconds < 3  # the charts: tests/test_report_charts.py, bench (c)


def test_draft_for_run_uses_the_workspace_settings(sample_result, tmp_path):
    from gpscli.config import Config
    from gpscli.report import draft_for_run

    cfg = Config(report_narrative=str(SAMPLE / "narrative-{year}.md"), report_title="{region_short}{year}年工作报告")
    path = draft_for_run(sample_result, 2017, tmp_path / "2017Q4" / "2017年政府购买服务工作进展情况报告.docx",
                         cfg)  # no narrative-2017.md: only a hint
    assert path == tmp_path / "2017Q4" / "2017年政府购买服务工作进展情况报告.docx"
    d = docx.Document(str(path))
    assert d.paragraphs[0].text == "昌吉州2017年工作报告" and "【请在此填写" in text_of(d)
