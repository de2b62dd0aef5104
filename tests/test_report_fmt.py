"""How the report writes figures and heading numbers, and how it reads the narrative file."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gpscli.errors import UsageError
from gpscli.report import fmt, narrative


@pytest.mark.parametrize("n, text", [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九"),
                                     (100, "一百"), (101, "一百零一"), (110, "一百一十"), (1010, "一千零一十"),
                                     (1234, "一千二百三十四")])
def test_chinese_numerals(n, text):
    assert fmt.cn(n) == text


def test_ordinals_follow_gb_9704():
    assert [fmt.ordinal(3, level) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    with pytest.raises(ValueError):
        fmt.ordinal(1, 5)


def test_amounts_counts_and_percentages_as_the_seed_writes_them():
    assert fmt.money(Decimal("16252.68")) == "16252.68万元"
    assert fmt.money(Decimal("1189.00")) == "1189万元"
    assert fmt.money(Decimal("5379.60")) == "5379.6万元"
    assert fmt.money(Decimal("0.005")) == "0.01万元"
    assert fmt.wan(Decimal("222.50")) == "222.5"
    assert fmt.items(55) == "55项" and fmt.items(68, "个项目") == "68个项目"
    assert fmt.percent(Decimal("19.61")) == "19.61%" and fmt.percent(None) == ""


def test_change_between_years():
    up = fmt.change(Decimal("19439.72"), Decimal("16252.68"), 68, 55)
    assert (up["text"], up["count_text"], up["direction"]) == ("增长19.61%", "增加13项", "增长")
    down = fmt.change(Decimal("50"), Decimal("100"), 1, 3)
    assert (down["text"], down["count_text"]) == ("下降50%", "减少2项")
    assert fmt.change(Decimal(5), Decimal(5), 1, 1)["text"] == "持平"


def test_counter_numbers_paragraphs_in_order():
    c = fmt.counter()
    assert [c.next(2), c.next(2), c.next()] == ["（一）", "（二）", 3]


def test_clean_removes_xml_illegal_characters_and_folds_line_breaks():
    assert fmt.clean("甲\x00乙\x0b丙\n丁\t戊 ") == "甲乙丙 丁 戊"
    assert fmt.clean("A&B<C>") == "A&B<C>"  # escaping is the template engine's job


SAMPLE_TEXT = """\
这段在第一个标题之前,不会使用。

# 工作进展
## （一）建立机制
第一行
第二行

English words
continue here

### 1. 细项
- 要点甲
- 要点乙
## 第二个小标题
# 存在的问题和建议
## 一、制度有待完善
内容。
# 附录
不用的一节。
"""


def test_narrative_sections_headings_and_paragraphs():
    n = narrative.parse(SAMPLE_TEXT, "说明.md")
    assert [(s.title, s.kind) for s in n.sections] == [("工作进展", "progress"), ("存在的问题和建议", "problems"), ("附录", "")]
    assert [(b.level, b.ordinal, b.text) for b in n.blocks("progress")] == [
        (2, "（一）", "建立机制"), (0, "", "第一行第二行"), (0, "", "English words continue here"),
        (3, "1.", "细项"), (0, "", "要点甲"), (0, "", "要点乙"), (2, "（二）", "第二个小标题")]
    assert [(b.level, b.ordinal, b.text) for b in n.blocks("problems")] == [(2, "（一）", "制度有待完善"), (0, "", "内容。")]
    assert any("第一个「# 标题」之前" in w for w in n.warnings)
    assert any("「附录」未放入报告" in w for w in n.warnings)


def test_narrative_file_in_gbk_and_utf8_with_bom(tmp_path):
    text = "# 工作进展\n\n全州推进顺利。\n"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    bom = tmp_path / "bom.md"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for p in (gbk, bom):
        assert narrative.load(p).blocks("progress")[0].text == "全州推进顺利。"


def test_narrative_without_sections_warns_and_binary_is_refused(tmp_path):
    assert narrative.parse("只有一段文字。").warnings
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\x00\x81\x00\xff" * 10)
    with pytest.raises(UsageError, match="UTF-8"):
        narrative.load(bad)
    with pytest.raises(UsageError, match="找不到"):
        narrative.load(tmp_path / "missing.md")


def test_sample_narrative_fills_both_sections(sample_dir):
    n = narrative.load(sample_dir / "narrative-2016.md")
    assert not n.warnings
    assert len([b for b in n.blocks("progress") if b.level == 2]) == 3
    assert len([b for b in n.blocks("problems") if b.level == 2]) == 3
