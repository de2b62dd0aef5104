"""The report's charts (图): one picture per chart variable the template prints, drawn with a font that
has the Chinese glyphs (never empty boxes), left out with a warning when the machine has none; the
主送机关 and 成文日期 from gps.toml; a partial quarter says who has not reported."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal

import docx
import pytest

from gpscli import api
from gpscli.config import load
from gpscli.errors import ConfigError
from gpscli.report import charts, write_report
from gpscli.report.sections import lines


def _font_or_skip():
    if charts.find_cjk_font() is None:
        pytest.skip("no CJK font on this machine (Debian: apt-get install fonts-noto-cjk)")


def _pictures(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [n for n in z.namelist() if n.startswith("word/media/")]


def _inline_pictures(path) -> int:
    d = docx.Document(str(path))
    return len(d.inline_shapes)


@pytest.fixture(scope="module")
def sample(request):
    from conftest import SAMPLE

    return api.load([SAMPLE])


def test_a_picture_per_chart_the_template_prints(sample, sample_dir, tmp_path):
    _font_or_skip()
    out16 = write_report(sample, 2016, out=tmp_path / "2016.docx", narrative=sample_dir / "narrative-2016.md")
    # 2016: categories and jurisdictions; no earlier year in sample_data, so no trend
    assert len(_pictures(out16.path)) == 2 == _inline_pictures(out16.path)
    assert out16.context["history"] == []
    text = [p.text for p in docx.Document(str(out16.path)).paragraphs]
    assert "图1 2016年各类别项目资金占比" in text and "图2 2016年各地区项目资金" in text
    out17 = write_report(sample, 2017, out=tmp_path / "2017.docx", narrative_required=False)
    assert len(_pictures(out17.path)) == 3 == _inline_pictures(out17.path)  # with 2016 before it: the trend
    first = out17.context["history"][0]
    assert (first.year, first.count, first.amount) == (2016, 55, Decimal("16252.68"))
    assert "图3 2016—2017年政府购买服务项目资金" in [p.text for p in docx.Document(str(out17.path)).paragraphs]
    assert out16.chart_seconds < 3  # the goal is about 1 s (benchmarks/bench.py measures it)


def test_the_picture_is_print_resolution_and_as_wide_as_the_text_block(sample, sample_dir, tmp_path):
    _font_or_skip()
    out = write_report(sample, 2016, out=tmp_path / "r.docx", narrative=sample_dir / "narrative-2016.md")
    shape = docx.Document(str(out.path)).inline_shapes[0]
    assert abs(shape.width.mm - 156) < 0.5
    from PIL import Image

    with zipfile.ZipFile(out.path) as z:
        img = Image.open(z.open(_pictures(out.path)[0]))
        assert img.size[0] / (shape.width.mm / 25.4) >= 200  # dots per inch as printed


def test_the_font_the_chart_is_drawn_with_has_the_glyphs_of_every_text(sample):
    _font_or_skip()
    from fontTools.ttLib import TTFont

    agg = api.aggregate(sample, year=2016, by="jurisdiction,category")
    chart = charts.categories_chart("2016年", lines(agg.by["category"], agg.total.amount))
    png = chart.png()
    assert png.startswith(b"\x89PNG")
    font = chart._font()
    # read independently of Pillow: the face's own character map
    cmap = TTFont(font.path, fontNumber=font.index, lazy=True).getBestCmap()
    assert all(ord(c) in cmap for c in chart.title + "".join(chart.labels) + "0123456789.%")


def test_a_character_the_font_lacks_is_known_before_drawing():
    """The check that keeps empty boxes out of the report: a character outside every CJK font
    (a private-use code point) is not "covered"; every ideograph of the labels is."""
    _font_or_skip()
    from PIL import ImageFont

    from gpscli import painting

    font = painting.find_cjk_font()
    face = ImageFont.truetype(font.path, 24, index=font.index)
    assert painting.covers(face, "昌吉回族自治州各类别项目资金占比 64.70%")
    assert not painting.covers(face, "资金\ue000")
    assert painting.find_cjk_font("资金\U000f0000") is None  # no font has it: no chart, a warning


def test_without_a_chinese_font_the_charts_are_left_out_with_a_warning(sample, sample_dir, tmp_path, monkeypatch):
    from gpscli import painting

    monkeypatch.setattr(painting, "find_cjk_font", lambda text="": None)
    out = write_report(sample, 2016, out=tmp_path / "r.docx", narrative=sample_dir / "narrative-2016.md")
    assert _pictures(out.path) == []
    text = "\n".join(p.text for p in docx.Document(str(out.path)).paragraphs)
    assert "图1" not in text and "□" not in text
    warned = [w for w in out.warnings if "中文字体" in w]
    assert len(warned) == 2 and "fonts-noto-cjk" in warned[0]


def test_a_template_without_charts_does_not_load_the_drawing_library(sample, tmp_path):
    import subprocess
    import sys

    from conftest import ROOT, SAMPLE
    from legacy_template import write_legacy_template  # noqa: F401  (a template with no chart)

    code = ("import sys; from gpscli import api; from gpscli.report import write_report; "
            "from legacy_template import write_legacy_template; "
            f"t = write_legacy_template(__import__('pathlib').Path({str(tmp_path)!r}) / 't.docx'); "
            f"write_report(api.load([{str(SAMPLE)!r}]), 2016, out={str(tmp_path / 'o.docx')!r}, template=t, "
            "narrative_required=False); print('PIL.ImageDraw' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                       env={**__import__("os").environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT / 'tests'}"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_recipient_and_date_from_gps_toml(sample, sample_dir, tmp_path):
    (tmp_path / "gps.toml").write_text('[report]\nrecipient = "自治区财政厅："\ndate = "2017-01-10"\n', encoding="utf-8")
    cfg = load(tmp_path / "gps.toml")
    assert (cfg.report_recipient, cfg.report_date) == ("自治区财政厅", dt.date(2017, 1, 10))
    out = write_report(sample, 2016, out=tmp_path / "r.docx", narrative=sample_dir / "narrative-2016.md",
                       recipient=cfg.report_recipient, date=cfg.report_date)
    paras = [(p.style.name, p.text) for p in docx.Document(str(out.path)).paragraphs]
    assert paras[0][1] == "2016年政府购买服务工作进展情况报告" and paras[1] == ("主送机关", "自治区财政厅：")
    assert [t for s, t in paras if s == "落款"] == ["昌吉回族自治州财政局", "2017年1月10日"]
    plain = write_report(sample, 2016, out=tmp_path / "p.docx", narrative=sample_dir / "narrative-2016.md")
    assert "主送机关" not in [p.style.name for p in docx.Document(str(plain.path)).paragraphs]


@pytest.mark.parametrize("toml", ['[report]\ndate = "2017-13-40"\n', "[report]\ndate = 5\n", "[report]\nrecipient = 3\n"])
def test_bad_report_keys_are_config_errors(tmp_path, toml):
    (tmp_path / "gps.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[report\]"):
        load(tmp_path / "gps.toml")


def test_toml_dates_are_accepted(tmp_path):
    (tmp_path / "gps.toml").write_text("[report]\ndate = 2017-01-10\n", encoding="utf-8")
    assert load(tmp_path / "gps.toml").report_date == dt.date(2017, 1, 10)


def test_a_partial_quarter_tells_zero_reports_from_jurisdictions_not_reported(tmp_path):
    """Two counties without projects: one sent a 零报告 (the ledger knows), one has not reported yet."""
    from gpscli.profile import default
    from gpscli.report.context import build_context
    from gpscli.report.render import render

    sample = api.load([__import__("conftest").SAMPLE])
    agg = api.aggregate(sample, year=2016, by="jurisdiction,category")
    prof = default()
    agg_missing = api.aggregate(api.Result([f for f in sample.files if "奇台县" not in f.path and "木垒" not in f.path],
                                           [], sample.catalogue, sample.profile), year=2016,
                                by="jurisdiction,category")
    for s in agg_missing.submissions:
        if s.jurisdiction == "奇台县":
            s.zero = True
    ctx = build_context(agg_missing, prof, title="t", period="2017年第三季度")
    assert ctx["zero_reports"] == ["奇台县"] and ctx["not_reported"] == ["木垒哈萨克自治县"]
    assert sorted(ctx["missing"]) == sorted(["奇台县", "木垒哈萨克自治县"])
    from gpscli.report import bundled_template

    d = render(bundled_template(), ctx).tpl.docx
    text = "\n".join(p.text for p in d.paragraphs)
    assert "奇台县报送了零报告" in text
    assert "木垒哈萨克自治县尚未报送" in text
    assert "以上数字不含截至成文日尚未报送2017年第三季度情况的木垒哈萨克自治县。" in text
    assert "未报送政府购买服务项目" not in text  # the old wording, which read as "had none"
    assert agg.total.count > agg_missing.total.count


def test_axis_marks_are_round_numbers_up_to_the_largest_bar():
    from gpscli.painting import nice_ticks, tick_label

    assert nice_ticks(4270) == [0, 1000, 2000, 3000, 4000, 5000]
    assert nice_ticks(19439.72) == [0, 5000, 10000, 15000, 20000]
    assert [tick_label(t) for t in nice_ticks(1.2)] == ["0", "0.25", "0.5", "0.75", "1", "1.25"]


def test_a_long_legend_makes_the_pie_taller_rather_than_cut_names_off():
    _font_or_skip()
    from PIL import Image

    from gpscli import painting

    items = [(f"第{i}类服务事项", Decimal(i), f"{i}%") for i in range(1, 15)]
    text = "".join(n for n, _a, _s in items) + "0123456789%"
    short = Image.open(__import__("io").BytesIO(painting.paint(("shares", items[:3], text, 6.14, 0.45))))
    tall = Image.open(__import__("io").BytesIO(painting.paint(("shares", items, text, 6.14, 0.45))))
    assert short.size == (1289, 580) and tall.size[0] == 1289
    assert tall.size[1] > 14 * 10 / 72 * painting.DPI  # a row of 10-point text for each of the 14 names
