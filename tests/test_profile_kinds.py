"""Profile kinds are data (issue #15): declared in the profile file, validated with the file and the
line, and they drive section 二 of the report, for Changji and for a different prefecture."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

import second_prefecture as qy
from gpscli import api, profile
from gpscli.errors import ConfigError
from gpscli.report import context, write_report
from legacy_template import write_legacy_template

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
CHANGJI = (ROOT / "src" / "gpscli" / "data" / "profile.toml").read_text(encoding="utf-8")
COUNTIES_2016 = (29, Decimal("9192.8"))  # the seed report's 其他各县（市）
CHANGJI_CITY_2016 = (6, Decimal("3291.5"))  # 昌吉市 in it
LEAD = re.compile(r"（([一二三四五六七八九十]+)）([^。]+)。")


def old_format(text: str) -> str:
    """The bundled profile as files were written before [[kinds]]."""
    return text[:text.index("# The kinds")] + text[text.index("[[jurisdictions]]"):]


def with_kind(text: str, place: str, kind: str) -> str:
    old = f'name = "{place}"\nkind = "'
    start = text.index(old) + len(old)
    return text[:start] + kind + text[text.index('"', start):]


def add_kind(text: str, toml: str, before: str | None = "县市") -> str:
    """Declare one more kind before the kind ``before``, or after the last kind."""
    anchor = f'[[kinds]]\nname = "{before}"' if before else "[[jurisdictions]]"
    assert anchor in text
    return text.replace(anchor, toml + "\n" + anchor, 1)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def section_two(d) -> list[str]:
    texts = [p.text for p in d.paragraphs]
    start = texts.index("二、项目和资金安排情况")
    end = next(i for i, t in enumerate(texts) if t.startswith("三、"))
    return texts[start + 1:end]


def leads(paragraphs: list[str]) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in map(LEAD.match, paragraphs) if m]


def stated(paragraph: str) -> tuple[int, Decimal]:
    m = re.search(r"安排政府购买服务项目(\d+)项，资金([\d.]+)万元", paragraph)
    return int(m.group(1)), Decimal(m.group(2))


def written(amount: Decimal) -> str:
    return format(amount.normalize(), "f")


# --- the bug of issue #15, and the kinds as data -----------------------------------------------------

def test_the_vanishing_county_is_refused_with_the_file_and_the_line(tmp_path):
    """昌吉市 set to 市辖区: the report still totalled 16252.68 and listed 昌吉市 in the annex, but
    section 二 lost it without a word. An undeclared kind is now refused where it is written."""
    text = with_kind(old_format(CHANGJI), "昌吉市", "市辖区")
    path = write(tmp_path / "地区.toml", text)
    line = text.splitlines().index('kind = "市辖区"') + 1
    with pytest.raises(ConfigError) as e:
        api.load([SAMPLE], profile=path)
    msg = str(e.value)
    assert str(path) in msg and f"第{line}行" in msg
    assert "「昌吉市」的类别「市辖区」不在声明的类别中" in msg and "本级、园区、县市" in msg


def test_a_typo_in_a_kind_is_refused_with_a_suggestion(tmp_path):
    text = with_kind(CHANGJI, "奇台县", "县")
    path = write(tmp_path / "地区.toml", text)
    lines = text.splitlines()
    line = lines.index('name = "奇台县"') + 2
    assert lines[line - 1] == 'kind = "县"'
    with pytest.raises(ConfigError, match=rf"第{line}行:「奇台县」的类别「县」.*是否应为「县市」"):
        profile.load(path)


def test_the_cli_refuses_the_profile_with_exit_2(tmp_path, monkeypatch):
    from gpscli.cli import app

    text = with_kind(CHANGJI, "昌吉市", "市辖区")
    write(tmp_path / "地区.toml", text)
    write(tmp_path / "gps.toml", f'data = ["{SAMPLE.as_posix()}"]\nprofile = "地区.toml"\n')
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["report", "--year", "2016", "--out", str(tmp_path / "r.docx")])
    assert r.exit_code == 2, r.output
    line = text.splitlines().index('kind = "市辖区"') + 1
    assert f"第{line}行" in r.stderr and "Traceback" not in r.output
    assert not (tmp_path / "r.docx").exists()


def test_a_declared_kind_gets_its_paragraphs(tmp_path):
    text = add_kind(with_kind(CHANGJI, "昌吉市", "市辖区"), '[[kinds]]\nname = "市辖区"\nreport = "each"\n')
    res = api.load([SAMPLE], profile=write(tmp_path / "地区.toml", text))
    outcome = write_report(res, 2016, out=tmp_path / "r.docx")
    body = section_two(docx.Document(str(tmp_path / "r.docx")))
    assert leads(body) == [("一", "州本级"), ("二", "国家农业科技园区"), ("三", "准东经济技术开发区"),
                           ("四", "昌吉高新技术产业开发区"), ("五", "昌吉市"), ("六", "其他各县（市）"), ("七", "总体情况")]
    assert stated(next(p for p in body if p.startswith("（五）昌吉市。"))) == CHANGJI_CITY_2016
    group = next(p for p in body if p.startswith("（六）"))
    assert "昌吉市" not in group.split("。")[1]  # not a member any more
    assert re.search(r"共安排政府购买服务项目(\d+)项，资金([\d.]+)万元", group).groups() == (
        str(COUNTIES_2016[0] - CHANGJI_CITY_2016[0]), written(COUNTIES_2016[1] - CHANGJI_CITY_2016[1]))
    assert outcome.context["total"].amount == Decimal("16252.68")
    assert not any("没有写到" in w for w in outcome.warnings)


def test_a_template_that_does_not_place_a_kind_is_warned_about(tmp_path):
    """A Changji template of old (own_level + parks, county_group) and a profile with a second
    grouped kind: the report is written, the totals and the annex hold 昌吉市, and a warning names it."""
    text = add_kind(with_kind(CHANGJI, "昌吉市", "市辖区"), '[[kinds]]\nname = "市辖区"\nreport = "group"\n',
                    before=None)
    res = api.load([SAMPLE], profile=write(tmp_path / "地区.toml", text))
    old = write_report(res, 2016, out=tmp_path / "old.docx", template=write_legacy_template(tmp_path / "t.docx"))
    d = docx.Document(str(tmp_path / "old.docx"))
    assert not any("昌吉市" in p for p in section_two_of_legacy(d))
    assert "昌吉市" in [r.cells[0].text for r in d.tables[0].rows]
    assert old.context["total"].amount == Decimal("16252.68")
    [warning] = [w for w in old.warnings if "没有写到" in w]
    assert "昌吉市(类别「市辖区」,6项、3291.5万元)" in warning and "州本级" not in warning
    new = write_report(res, 2016, out=tmp_path / "new.docx")  # the bundled template follows the kinds
    assert not any("没有写到" in w for w in new.warnings)
    body = section_two(docx.Document(str(tmp_path / "new.docx")))
    assert [name for _n, name in leads(body)][4:] == ["其他各县（市）", "各市辖区", "总体情况"]
    assert "昌吉市" in next(p for p in body if p.startswith("（六）各市辖区。"))


def section_two_of_legacy(d) -> list[str]:
    texts = [p.text for p in d.paragraphs]
    return texts[texts.index("二、项目和资金安排情况") + 1:texts.index("附件")]


def test_an_old_template_writes_changji_exactly_as_the_bundled_one(tmp_path):
    res = api.load([SAMPLE])
    write_report(res, 2016, out=tmp_path / "new.docx")
    write_report(res, 2016, out=tmp_path / "old.docx", template=write_legacy_template(tmp_path / "t.docx"))
    new = [p for p in section_two(docx.Document(str(tmp_path / "new.docx"))) if LEAD.match(p)][:5]
    old = [p for p in section_two_of_legacy(docx.Document(str(tmp_path / "old.docx"))) if LEAD.match(p)][:5]
    assert len(new) == 5 and new == old


def test_files_without_kinds_get_changjis_kinds_and_the_bundled_file_declares_them(tmp_path):
    assert [(k.name, k.report, k.group_name, k.label) for k in profile.default().kinds] == [
        ("本级", "each", "", "本级"), ("园区", "each", "", "园区"), ("县市", "group", "其他各县（市）", "县（市）")]
    assert profile.default().kinds == profile.DEFAULT_KINDS
    old = profile.load(write(tmp_path / "old.toml", old_format(CHANGJI).replace('kind = "县市"\n', "", 1)))
    assert old.kinds == profile.DEFAULT_KINDS
    assert [j.kind for j in old.jurisdictions] == [j.kind for j in profile.default().jurisdictions]


@pytest.mark.parametrize("kinds, words", [
    ('[[kinds]]\nname = "本级"\nreport = "grouped"\n', ["report = \"grouped\"", "report 应为", "\"each\"", "\"group\""]),
    ('[[kinds]]\nname = "本级"\nreprot = "group"\n', ["reprot = \"group\"", "不认识的设置「reprot」"]),
    ('[[kinds]]\nname = "本级"\n[[kinds]]\nname = "本级"\n', ['name = "本级"', "声明了两次"]),
    ('[[kinds]]\nreport = "each"\n', ['[[kinds]]', "缺少 name"]),
])
def test_bad_kinds_are_refused_at_their_line(tmp_path, kinds, words):
    text = f'name = "某州"\n\n{kinds}\n[[jurisdictions]]\nname = "州本级"\nkind = "本级"\n'
    path = write(tmp_path / "p.toml", text)
    with pytest.raises(ConfigError) as e:
        profile.load(path)
    msg = str(e.value)
    m = re.search(r"第(\d+)行", msg)
    assert str(path) in msg and m, msg
    assert words[0] in text.splitlines()[int(m.group(1)) - 1], (msg, words[0])
    for w in words[1:]:
        assert w in msg, msg


def test_with_declared_kinds_every_jurisdiction_names_its_kind(tmp_path):
    text = qy.PROFILE_TOML.replace('name = "河东区"\nkind = "市辖区"\n', 'name = "河东区"\n')
    with pytest.raises(ConfigError, match=r"第\d+行:「河东区」缺少 kind\(可用:市本级、市辖区、县\)"):
        profile.load(write(tmp_path / "p.toml", text))


def test_a_profile_built_in_code_declares_its_kinds_or_uses_those_of_its_jurisdictions():
    given = (profile.Kind("本级"), profile.Kind("县市", "group"))
    with pytest.raises(ConfigError, match="「甲县」的类别「县」不在声明的类别中"):
        profile.Profile("某州", [profile.Jurisdiction("甲县", "县")], kinds=given)
    with pytest.raises(ConfigError, match="report 应为"):
        profile.Profile("某州", [profile.Jurisdiction("甲县", "县")], kinds=(profile.Kind("县", "grouped"),))
    p = profile.Profile("某市", [profile.Jurisdiction("甲县", "县")], kinds=(profile.Kind("县", "group"),))
    assert p.kind("县").group_name == "各县" and p.kind("县").grouped
    # without kinds: those the jurisdictions use, in order, Changji's treatment for Changji's names
    p = profile.Profile("某州", [profile.Jurisdiction("甲县", "县市"), profile.Jurisdiction("州本级", "州级"),
                               profile.Jurisdiction("乙县", "县市")])
    assert [(k.name, k.report, k.group_name) for k in p.kinds] == [("县市", "group", "其他各县（市）"), ("州级", "each", "")]


def test_line_of_finds_the_value_inside_the_nth_block():
    text = '[[a]]\nkind = "x"\n\n[[a]]\nname = "y"\n[b]\nkind = "z"\n[[a]]\n  kind = "w"\n'
    assert profile.line_of(text, "a", 1, "kind") == 2
    assert profile.line_of(text, "a", 2, "kind") == 4  # no kind in that block: its header
    assert profile.line_of(text, "a", 3, "kind") == 9
    assert profile.line_of(text, "a", 4, "kind") is None


# --- a second, different prefecture ------------------------------------------------------------------

@pytest.fixture(scope="module")
def second(tmp_path_factory):
    root = tmp_path_factory.mktemp("qingyuan")
    prof = qy.write_profile(root)
    qy.write_submissions(root / "inbox")
    res = api.load([root / "inbox"], profile=prof)
    out = root / "清源市报告.docx"
    outcome = write_report(res, 2016, out=out)
    return res, outcome, docx.Document(str(out))


def test_second_prefecture_every_jurisdiction_is_in_section_two(second):
    res, outcome, d = second
    assert not res.errors
    body = section_two(d)
    assert leads(body) == [("一", "市本级"), ("二", "城关区"), ("三", "河东区"), ("四", "各县"), ("五", "总体情况")]
    text = "\n".join(body)
    for name in qy.EXPECTED:
        assert name in text, name
    assert not any("没有写到" in w for w in outcome.warnings)
    for name in ("市本级", "城关区", "河东区"):
        assert stated(next(p for p in body if LEAD.match(p) and LEAD.match(p).group(2) == name)) == qy.total_of([name])


def test_second_prefecture_totals_equal_an_independent_decimal_sum(second):
    _res, outcome, d = second
    count, amount = qy.total()
    assert (outcome.context["total"].count, outcome.context["total"].amount) == (count, amount)
    overall = next(p for p in section_two(d) if p.startswith("（五）总体情况"))
    assert f"共实施政府购买服务项目{count}项，安排资金{written(amount)}万元" in overall
    table = d.tables[0]
    assert [r.cells[0].text for r in table.rows[2:]] == [*qy.EXPECTED, "合计"]
    total = [c.text for c in table.rows[-1].cells]
    assert (int(total[-2]), Decimal(total[-1])) == (count, amount)


def test_second_prefecture_counties_in_one_paragraph_with_their_own_words(second):
    _res, _outcome, d = second
    group = next(p for p in section_two(d) if p.startswith("（四）各县。"))
    n, amount = qy.total_of(["青山县", "白水县", "石门县"])
    assert group.startswith(f"（四）各县。青山县、白水县、石门县中，石门县尚未报送，其余各县共安排政府购买服务项目{n}项，"
                            f"资金{written(amount)}万元")
    parts = "，".join(f"{j}{qy.total_of([j])[0]}项、{written(qy.total_of([j])[1])}万元" for j in ("青山县", "白水县"))
    assert f"分县看，{parts}。" in group and "县（市）" not in group


def test_second_prefecture_sections_and_aliases(second):
    _res, outcome, _d = second
    ctx = outcome.context
    assert [(s.name, s.report, s.grouped, [p.name for p in s.places]) for s in ctx["sections"]] == [
        ("市本级", "each", False, ["市本级"]), ("市辖区", "each", False, ["城关区", "河东区"]),
        ("县", "group", True, ["青山县", "白水县", "石门县"])]
    assert ctx["sections"][2].group.name == "各县" and ctx["sections"][2].group.missing == ["石门县"]
    assert [p.name for p in ctx["own_level"]] == ["市本级"]
    assert [p.name for p in ctx["parks"]] == ["城关区", "河东区"]
    assert [p.name for p in ctx["counties"]] == ["青山县", "白水县", "石门县"]
    assert ctx["county_group"] is ctx["sections"][2].group
    made_by_renderer = {"appendix_table", "chart_categories", "chart_jurisdictions", "chart_trend"}
    assert set(ctx) - made_by_renderer == set(context.variable_names()) - made_by_renderer


def test_second_prefecture_unknown_kind_is_refused_with_the_file_and_the_line(tmp_path):
    text = qy.PROFILE_TOML.replace('name = "白水县"\nkind = "县"', 'name = "白水县"\nkind = "乡"')
    path = qy.write_profile(tmp_path, text)
    line = text.splitlines().index('kind = "乡"') + 1
    with pytest.raises(ConfigError) as e:
        profile.load(path)
    msg = str(e.value)
    assert str(path) in msg and f"第{line}行" in msg and "「白水县」的类别「乡」" in msg and "市本级、市辖区、县" in msg


def test_a_misspelt_attribute_of_a_section_is_explained(tmp_path):
    from gpscli.errors import TemplateError

    d = docx.Document()
    d.add_paragraph("{% for s in sections %}{{ s.nmae }}{% endfor %}")
    d.save(str(tmp_path / "t.docx"))
    with pytest.raises(TemplateError, match="类别没有属性「nmae」"):
        write_report(api.load([SAMPLE]), 2016, out=tmp_path / "r.docx", template=tmp_path / "t.docx")
