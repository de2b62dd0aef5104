"""The template context: every figure the report states, computed from :class:`Aggregation` objects.

Nothing here reads files or renders: ``build_context`` takes the aggregations of the report year
(and of the years before and after, when the data has them) and returns plain values. Every figure
comes from ``Aggregation.by`` / ``Aggregation.cells``, the same numbers ``gps aggregate`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from ..aggregate import NO_VALUE, Aggregation, Figure
from ..profile import Profile
from . import fmt
from .narrative import Block, Narrative

COUNTY_KIND, PARK_KIND, OWN_KIND = "县市", "园区", "本级"
COUNTY_GROUP_NAME = "其他各县（市）"


class _Money:
    """An amount with the ready-written forms templates use."""

    amount: Decimal

    @property
    def money(self) -> str:
        return fmt.money(self.amount)

    @property
    def wan(self) -> str:
        return fmt.wan(self.amount)


class _Figured(_Money):
    """count + amount, with the ready-written forms templates use."""

    count: int
    amount: Decimal

    @property
    def items(self) -> str:
        return fmt.items(self.count)


@dataclass(frozen=True)
class Fig(_Figured):
    count: int
    amount: Decimal


@dataclass(frozen=True)
class Line(_Figured):
    """A named figure: a category, a sub-category or a jurisdiction in a list."""

    name: str
    count: int
    amount: Decimal
    share: Decimal | None = None  # percent of the enclosing total's amount, two decimals

    @property
    def share_text(self) -> str:
        return fmt.percent(self.share)


@dataclass(frozen=True)
class Project(_Money):
    jurisdiction: str
    unit: str
    name: str
    category: str
    subcategory: str
    amount: Decimal
    mark: str = ""  # 【金额有待核实】 when a warning stands on its row: never an ordinary figure then


@dataclass(frozen=True)
class Review:
    """What the draft must say before anyone reads its figures: rows left out, amounts to check."""

    skipped: list[str]  # one line per error whose row was left out (--skip-invalid)
    unverified: list[str]  # one line per counted amount a warning questions

    @property
    def skipped_text(self) -> str:
        return _listed(self.skipped)

    @property
    def unverified_text(self) -> str:
        return _listed(self.unverified)

    def __bool__(self) -> bool:
        return bool(self.skipped or self.unverified)


def _listed(lines: list[str], most: int = 10) -> str:
    shown = "；".join(lines[:most])
    return shown + (f"；等共{len(lines)}处" if len(lines) > most else "")


UNVERIFIED_CODES = ("suspicious-amount", "hidden-row")
UNVERIFIED_MARK = "【金额有待核实】"


@dataclass(frozen=True)
class Place(_Figured):
    """One jurisdiction (州本级, a park, a county or city) in the report year."""

    name: str
    kind: str
    count: int
    amount: Decimal
    categories: list[Line]
    subcategories: list[Line]
    top: list[Project]
    projects: list[Project]

    @property
    def submitted(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class Group(_Figured):
    """Several jurisdictions written as one paragraph (the counties and cities: 其他各县（市）)."""

    name: str
    count: int
    amount: Decimal
    categories: list[Line]
    subcategories: list[Line]
    top: list[Project]
    members: list[Place]
    missing: list[str]

    @property
    def member_names(self) -> str:
        return "、".join(m.name for m in self.members)

    @property
    def submitted(self) -> list[Place]:
        return [m for m in self.members if m.submitted]


@dataclass(frozen=True)
class Change:
    percent: Decimal | None
    direction: str  # 增长 | 下降 | 持平
    text: str  # 增长19.61%
    amount_diff: Decimal
    count_diff: int
    count_text: str  # 增加13项 | 减少2项 | 持平

    @property
    def percent_text(self) -> str:
        return fmt.percent(None if self.percent is None else abs(self.percent))


@dataclass(frozen=True)
class YearFigures(_Figured):
    """Another year's totals (the next year's plan, or the previous year), with the change."""

    year: int
    count: int
    amount: Decimal
    categories: list[Line]
    change: Change  # next_year: from the report year to it; prev_year: from it to the report year

    @property
    def total(self) -> Fig:
        return Fig(self.count, self.amount)


@dataclass(frozen=True)
class TableRow:
    name: str
    kind: str
    cells: list[Fig | None]  # one per table column (category); None where there is no project
    total: Fig


@dataclass(frozen=True)
class Table:
    """The appendix: jurisdictions x categories, counts and amounts, with totals."""

    year: int
    columns: list[str]
    rows: list[TableRow]
    total: TableRow


# ---------------------------------------------------------------------------------------------
# The documented variables: `gps report --variables`, docs/report.md and --check-template use this.

VARIABLES: list[tuple[str, str, str]] = [
    ("title", "文字", "报告标题(--title,或 gps.toml 的 [report] title)"),
    ("year", "整数", "报告年度,如 2016"),
    ("region", "文字", "地区全称,如 昌吉回族自治州"),
    ("region_short", "文字", "地区简称,如 昌吉州"),
    ("bureau", "文字", "署名的财政部门,如 昌吉回族自治州财政局"),
    ("date", "文字", "成文日期(生成当天),如 2017年1月10日"),
    ("total", "数字组", "本年度合计:total.count 项数、total.amount 金额、total.money「16252.68万元」、total.items「55项」"),
    ("categories", "列表", "本年度按一级目录的分类(目录顺序,没有项目的分类不列):name、count、amount、money、items、share"),
    ("jurisdictions", "列表", "全部地区(地区名单顺序),每项为一个地区,属性见下"),
    ("own_level", "列表", "本级(如 州本级),每项为一个地区"),
    ("parks", "列表", "各园区,每项为一个地区"),
    ("counties", "列表", "各县(市),每项为一个地区;逐县写时用它"),
    ("county_group", "地区组", "各县(市)合在一起(其他各县(市)):合计、分类、最大项目、members 成员、missing 未报送;没有县市时为空"),
    ("next_year", "年度数字组", "下一年度(计划)的项数、金额和分类;数据中没有该年度时为空(用 {% if next_year %} 判断)"),
    ("prev_year", "年度数字组", "上一年度的项数、金额、分类及本年度相对它的变化 change;没有时为空"),
    ("table", "表格数据", "附表数据:columns 分类名、rows 各地区行(cells 每类一格)、total 合计行"),
    ("appendix_table", "Word 表格", "附表(地区 × 分类,项数和金额,含合计),单独一段写 {{p appendix_table }} 插入"),
    ("progress", "段落列表", "叙述文件「# 工作进展」一节的段落;为空时模板显示【请在此填写……】"),
    ("problems", "段落列表", "叙述文件「# 问题和建议」一节的段落;为空时模板显示【请在此填写……】"),
    ("narrative_sections", "列表", "叙述文件的全部章节:title 标题、kind 用途、blocks 段落"),
    ("missing", "列表", "本年度没有报送项目的地区名称"),
    ("skipped", "整数", "使用 --skip-invalid 时未纳入统计的问题数,否则为 0"),
    ("review", "审核提示", "本稿的数据问题:review.skipped 未纳入的有错误的行、review.unverified 已计入但有待核实的金额"
               "(各为文字列表,skipped_text、unverified_text 为连写的一段);没有问题时为空(用 {% if review %} 判断)"),
]

ATTRIBUTES: list[tuple[str, str]] = [
    ("数字组(total、各分类、各地区)", "count 项数;amount 金额(精确);money 如「1189万元」;wan 如「1189」;items 如「8项」"),
    ("分类(categories 的每项)", "name 名称;以及数字组的属性;share 占所属合计的百分比(全年的分类占全年合计,地区的分类占该地区合计;share_text 如「89.49%」)"),
    ("地区(jurisdictions、own_level、parks、counties 的每项)",
     "name 名称;kind 类别(本级/园区/县市);数字组的属性;submitted 是否报送;categories 按一级目录的分类;"
     "subcategories 按二级目录的分类(金额从大到小);top 金额最大的 3 个项目;projects 全部项目(金额从大到小)"),
    ("项目(top、projects 的每项)", "unit 购买主体;name 项目名称;jurisdiction 地区;category 一级目录;subcategory 二级目录;amount、money、wan;"
     "mark 金额有警告(如异常大、隐藏行)时为「【金额有待核实】」,否则为空,写在金额之后"),
    ("地区组(county_group)", "name「其他各县（市）」;数字组的属性;categories;subcategories;top;members 成员地区;member_names 成员名称(顿号分隔);missing 未报送的成员名称"),
    ("年度数字组(next_year、prev_year)", "year 年度;数字组的属性;categories;change 变化:text「增长19.61%」、direction 增长/下降/持平、percent、percent_text、count_diff、count_text「增加13项」"),
    ("段落(progress、problems 的每项)", "text 文字;level 0 为正文段落,2/3/4 为小标题;ordinal 小标题序号「（一）」「1.」;is_heading;full_text 序号加文字"),
]

FILTERS: list[tuple[str, str]] = [
    ("money", "{{ x|money }} 金额加单位:16252.68万元(最多两位小数,去掉末尾的 0)"),
    ("wan", "{{ x|wan }} 金额不加单位:16252.68"),
    ("items", "{{ n|items }} 55项;{{ n|items('个项目') }} 55个项目"),
    ("cn", "{{ 12|cn }} 十二"),
    ("ordinal", "{{ 2|ordinal(1) }} 二、 ;ordinal(2) （二）;ordinal(3) 2. ;ordinal(4) （2）"),
    ("percent", "{{ x|percent }} 19.61%"),
    ("counter()", "连续编号:{% set sec = counter() %} 之后每次 {{ sec.next(2) }} 依次得到（一）（二）……"),
]


def variable_names() -> list[str]:
    return [name for name, _, _ in VARIABLES]


# ---------------------------------------------------------------------------------------------


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _lines(pairs: Iterable[tuple[str, Figure]], whole: Decimal) -> list[Line]:
    return [Line(fmt.clean(name), f.count, f.amount, _share(f.amount, whole)) for name, f in pairs if f.count]


def _project(r, flagged: frozenset = frozenset()) -> Project:
    mark = UNVERIFIED_MARK if (r.source.path, r.source.sheet, r.source.row) in flagged else ""
    return Project(fmt.clean(r.jurisdiction), fmt.clean(r.unit), fmt.clean(r.name), fmt.clean(r.category),
                   fmt.clean(r.subcategory or ""), r.amount, mark)


# A counted row, as the report handles it: (amount, batch, index in the batch). Records are made
# only for the projects a template prints, not for the 100,000 a province may have.
_Row = tuple


def _rows(agg: Aggregation, keep_jurisdiction=None) -> list[_Row]:
    """The counted rows in the order they were read, optionally only those whose jurisdiction passes."""
    out: list[_Row] = []
    for b, keep in agg.views:
        jurs, amounts = b.jurisdiction, b.amount
        for i in (range(len(amounts)) if keep is None else keep):
            if keep_jurisdiction is None or keep_jurisdiction(jurs[i]):
                out.append((amounts[i], b, i))
    return out


class _Ranked(Sequence):
    """Projects by amount, largest first, formatted only when a template reads them."""

    def __init__(self, rows: list[_Row], flagged: frozenset = frozenset()) -> None:
        # Stable: equal amounts keep the order of the files and rows.
        self._rows = sorted(rows, key=lambda t: -t[0])
        self._flagged = flagged

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [_project(b.records()[n], self._flagged) for _a, b, n in self._rows[i]]
        _a, b, n = self._rows[i]
        return _project(b.records()[n], self._flagged)

    def __len__(self) -> int:
        return len(self._rows)


def _by_amount(rows: list[_Row], flagged: frozenset = frozenset()) -> _Ranked:
    return _Ranked(rows, flagged)


def flagged_rows(agg: Aggregation) -> frozenset:
    """(path, sheet, row) of the counted rows whose amount a warning questions."""
    return frozenset((i.path, i.sheet, i.row) for i in agg.warnings if i.code in UNVERIFIED_CODES and i.row)


def build_review(agg: Aggregation) -> Review:
    def where(i) -> str:
        from pathlib import PurePath

        place = "".join(x for x in (PurePath(i.path).name if i.path else "", " " + i.location if i.location else ""))
        return fmt.clean(f"{place}:{i.message}")

    unverified = [where(i) for i in agg.warnings if i.code in UNVERIFIED_CODES]
    return Review([where(i) for i in agg.skipped], unverified)


def _subcategories(rows: list[_Row], whole: Decimal) -> list[Line]:
    sums: dict[str, Figure] = {}
    for amount, b, i in rows:
        sub = b.subcategory[i]
        if sub and sub != NO_VALUE:
            sums.setdefault(sub, Figure()).add(amount)
    ranked = sorted(sums.items(), key=lambda kv: (-kv[1].amount, -kv[1].count))
    return _lines(ranked, whole)


def _category_cells(agg: Aggregation) -> dict[tuple[str, str], Figure]:
    if agg.dimensions[:2] != ["jurisdiction", "category"]:
        raise ValueError("报告需要按 jurisdiction,category 汇总的结果")
    return {(k[0], k[1]): f for k, f in agg.cells}


def _change(new: Figure | Fig, old: Figure | Fig) -> Change:
    c = fmt.change(new.amount, old.amount, new.count, old.count)
    return Change(c["percent"], c["direction"], c["text"], c["amount_diff"], c["count_diff"], c["count_text"])


def _year_figures(agg: Aggregation, change: Change) -> YearFigures:
    return YearFigures(agg.year, agg.total.count, agg.total.amount,
                       _lines(agg.by["category"], agg.total.amount), change)


def build_places(agg: Aggregation, profile: Profile, top_n: int = 3) -> list[Place]:
    cells = _category_cells(agg)
    flagged = flagged_rows(agg)
    by_jur = dict(agg.by["jurisdiction"])
    order = [(j.name, j.kind) for j in profile.jurisdictions]
    known = {name for name, _ in order}
    order += [(name, "其他") for name, _ in agg.by["jurisdiction"] if name not in known]
    records: dict[str, list[_Row]] = {}
    for row in _rows(agg):
        records.setdefault(row[1].jurisdiction[row[2]], []).append(row)
    places = []
    for name, kind in order:
        f = by_jur.get(name, Figure())
        cats = [(c, cells[(name, c)]) for c, _ in agg.by["category"] if (name, c) in cells]
        rs = records.get(name, [])
        ranked = _by_amount(rs, flagged)
        places.append(Place(fmt.clean(name), kind, f.count, f.amount, _lines(cats, f.amount),
                            _subcategories(rs, f.amount), ranked[:top_n], ranked))
    return places


def build_group(members: list[Place], agg: Aggregation, top_n: int = 3) -> Group | None:
    if not members:
        return None
    names = {m.name for m in members}
    count = sum(m.count for m in members)
    amount = sum((m.amount for m in members), Decimal(0))
    cells = _category_cells(agg)
    cats = []
    for c, _ in agg.by["category"]:
        f = Figure()
        for (j, cc), cf in cells.items():
            if cc == c and fmt.clean(j) in names:
                f.count += cf.count
                f.amount += cf.amount
        cats.append((c, f))
    member = {j: fmt.clean(j) in names for j, _f in agg.by["jurisdiction"]}
    rs = _rows(agg, lambda j: member.get(j, False))
    ranked = _by_amount(rs, flagged_rows(agg))
    return Group(COUNTY_GROUP_NAME, count, amount, _lines(cats, amount), _subcategories(rs, amount),
                 ranked[:top_n], members, [m.name for m in members if not m.submitted])


def build_table(agg: Aggregation, places: list[Place]) -> Table:
    cells = _category_cells(agg)
    columns = [c for c, f in agg.by["category"] if f.count]
    raw_names = {fmt.clean(n): n for n, _ in agg.by["jurisdiction"]}
    rows = []
    for p in places:
        raw = raw_names.get(p.name, p.name)
        row = []
        for c in columns:
            f = cells.get((raw, c))
            row.append(Fig(f.count, f.amount) if f and f.count else None)
        rows.append(TableRow(p.name, p.kind, row, Fig(p.count, p.amount)))
    by_cat = dict(agg.by["category"])
    total = TableRow("合计", "", [Fig(by_cat[c].count, by_cat[c].amount) for c in columns],
                     Fig(agg.total.count, agg.total.amount))
    return Table(agg.year, [fmt.clean(c) for c in columns], rows, total)


def build_context(agg: Aggregation, profile: Profile, *, title: str,
                  next_agg: Aggregation | None = None, prev_agg: Aggregation | None = None,
                  narrative: Narrative | None = None, date: dt.date | None = None, top_n: int = 3) -> dict[str, Any]:
    """Everything the template may use (see :data:`VARIABLES`), except ``appendix_table``, which the
    renderer builds from ``table`` because a Word table belongs to one document."""
    places = build_places(agg, profile, top_n)
    total = Fig(agg.total.count, agg.total.amount)
    d = date or dt.date.today()
    counties = [p for p in places if p.kind == COUNTY_KIND]
    narrative = narrative or Narrative()
    ctx: dict[str, Any] = {
        "title": fmt.clean(title),
        "year": agg.year,
        "region": fmt.clean(profile.name),
        "region_short": fmt.clean(profile.short_name or profile.name),
        "bureau": fmt.clean(profile.bureau or f"{profile.name}财政局"),
        "date": f"{d.year}年{d.month}月{d.day}日",
        "total": total,
        "categories": _lines(agg.by["category"], agg.total.amount),
        "jurisdictions": places,
        "own_level": [p for p in places if p.kind == OWN_KIND],
        "parks": [p for p in places if p.kind == PARK_KIND],
        "counties": counties,
        "county_group": build_group(counties, agg, top_n),
        "next_year": _year_figures(next_agg, _change(next_agg.total, agg.total)) if next_agg and next_agg.total.count else None,
        "prev_year": _year_figures(prev_agg, _change(agg.total, prev_agg.total)) if prev_agg and prev_agg.total.count else None,
        "table": build_table(agg, places),
        "progress": narrative.blocks("progress"),
        "problems": narrative.blocks("problems"),
        "narrative_sections": [{"title": s.title, "kind": s.kind, "blocks": s.blocks} for s in narrative.sections],
        "missing": [p.name for p in places if not p.submitted],
        "skipped": len(agg.skipped),
        "review": build_review(agg),
    }
    return ctx


def demo_context(year: int = 2016, profile: Profile | None = None, *, with_others: bool = True) -> dict[str, Any]:
    """A small made-up context (one project per jurisdiction) for trying a template out."""
    from ..aggregate import aggregate
    from ..profile import default
    from ..records import ProjectRecord, Source

    prof = profile or default()
    cats = ["基本公共服务", "技术性服务"]

    def recs(y: int) -> list:
        out = []
        for n, j in enumerate(prof.jurisdictions):
            out.append(ProjectRecord(j.name, f"{j.name}示例单位", "示例服务项目", cats[n % 2], Decimal(100 + n), y,
                                     Source("示例", "示例", n + 1), subcategory="城市维护"))
        return out

    order = {c: n for n, c in enumerate(cats)}

    def agg_of(y: int) -> Aggregation:
        return aggregate(recs(y), y, ["jurisdiction", "category"], jurisdictions=prof.names(),
                         categories_order=order, region=prof.name)

    narrative = Narrative(sections=[
        _demo_section("工作进展", "progress"), _demo_section("问题和建议", "problems")]) if with_others else None
    return build_context(agg_of(year), prof, title=f"{year}年政府购买服务工作进展情况报告",
                         next_agg=agg_of(year + 1) if with_others else None,
                         prev_agg=agg_of(year - 1) if with_others else None, narrative=narrative)


def _demo_section(title: str, kind: str):
    from .narrative import Section

    return Section(title, [Block("示例小标题", 2, "（一）"), Block("示例段落。"), Block("示例三级标题", 3, "1.")], kind)
