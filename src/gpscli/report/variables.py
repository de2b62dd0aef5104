"""The documented template variables: `gps report --variables`, docs/report.md and --check-template use this."""

from __future__ import annotations

from ..wording import (
    COUNTY_GROUP_NAME,
    COUNTY_LABEL,
    FALL,
    FILL_IN_MARK,
    FLAT,
    RISE,
    UNVERIFIED_MARK,
    bureau,
    count_change_text,
)

VARIABLES: list[tuple[str, str, str]] = [
    ("title", "文字", "报告标题(--title,或 gps.toml 的 [report] title)"),
    ("year", "整数", "报告年度,如 2016"),
    ("region", "文字", "地区全称,如 昌吉回族自治州"),
    ("region_short", "文字", "地区简称,如 昌吉州"),
    ("bureau", "文字", f"署名的财政部门,如 {bureau('昌吉回族自治州')}"),
    ("date", "文字", "成文日期(gps.toml 的 [report] date,默认生成当天),按 GB/T 9704 用阿拉伯数字写,如 2017年1月10日"),
    ("recipient", "文字", "主送机关(gps.toml 的 [report] recipient,如 自治区财政厅);没有设置时为空,内置模板此时不写这一行"),
    ("period", "文字", "本稿的期间,如 2016年;由账本起草季度报告时如 2017年第三季度"),
    ("total", "数字组", "本年度合计:total.count 项数、total.amount 金额、total.money「16252.68万元」、total.items「55项」"),
    ("categories", "列表", "本年度按一级目录的分类(目录顺序,没有项目的分类不列):name、count、amount、money、items、share"),
    ("jurisdictions", "列表", "全部地区(地区名单顺序),每项为一个地区,属性见下"),
    ("sections", "列表", "按地区名单 [[kinds]] 的顺序,每个有地区的类别一项(属性见下):逐个一段的类别列出 places,"
                         "合为一段的类别给出 group;内置模板的第二部分就是逐项写它,任何地区名单的地区都写得到"),
    ("own_level", "列表", "兼容昌吉州模板的别名:第一个类别逐个一段时,它的地区(如 州本级);否则为空列表"),
    ("parks", "列表", "兼容昌吉州模板的别名:其余逐个一段的类别的地区(昌吉州即各园区)"),
    ("counties", "列表", "兼容昌吉州模板的别名:第一个合为一段的类别的地区(昌吉州即各县(市));逐县写时用它"),
    ("county_group", "地区组", f"兼容昌吉州模板的别名:第一个合为一段的类别的地区组(昌吉州即{COUNTY_GROUP_NAME}):"
                             "合计、分类、最大项目、members 成员、missing 未报送;没有合为一段的类别时为空"),
    ("next_year", "年度数字组", "下一年度(计划)的项数、金额和分类;数据中没有该年度时为空(用 {% if next_year %} 判断)"),
    ("prev_year", "年度数字组", "上一年度(季度报告为上年同期,同比)的项数、金额、分类及本期相对它的变化 change;没有时为空"),
    ("prev_period", "年度数字组", "季度报告的上一期(环比,如 2017年第二季度,由账本计算;label 为其名称)的项数、金额、分类及变化;"
                    "年度报告或账本中没有时为空"),
    ("table", "表格数据", "附表数据:columns 分类名、rows 各地区行(cells 每类一格)、total 合计行"),
    ("appendix_table", "Word 表格", "附表(地区 × 分类,项数和金额,含合计),单独一段写 {{p appendix_table }} 插入"),
    ("progress", "段落列表", f"叙述文件「# 工作进展」一节的段落;为空时模板显示{FILL_IN_MARK}"),
    ("problems", "段落列表", f"叙述文件「# 问题和建议」一节的段落;为空时模板显示{FILL_IN_MARK}"),
    ("narrative_sections", "列表", "叙述文件的全部章节:title 标题、kind 用途、blocks 段落"),
    ("missing", "列表", "本期没有项目的地区名称(零报告的和尚未报送的都在内)"),
    ("not_reported", "列表", "尚未报送的地区名称(没有项目、也没有零报告;季度中途起草时常见),内置模板写明本稿数字不含它们"),
    ("zero_reports", "列表", "报送了零报告(有表头、没有项目,由账本得知)的地区名称"),
    ("history", "列表", "历年合计(趋势图用):year、count、amount、money、items,最后一项为本期;"
                "数据或账本中没有更早的年度时为空列表"),
    ("chart_categories", "图", "各类别项目资金占比图(饼图);单独一段写 {{ chart_categories }} 插入,"
                         "chart_categories.title 为图题文字(如 2016年各类别项目资金占比);本机没有中文字体时为空(并提示)"),
    ("chart_jurisdictions", "图", "各地区项目资金图(条形图),用法同上"),
    ("chart_trend", "图", "历年项目资金图(柱形图,按 history);没有更早的年度时为空(用 {% if chart_trend %} 判断)"),
    ("skipped", "整数", "使用 --skip-invalid 时未纳入统计的问题数,否则为 0"),
    ("register", "登记信息", "财政部令第102号登记信息(承接主体类型、购买方式、合同期限、预算和执行数)的统计:"
                 "social_org 向社会组织购买、single_source 单一来源采购、multi_year 一年以上的合同(各为分类,share 占全年金额的百分比),"
                 "budget_paid 同时填了预算金额和执行数的项目(count、items、budget、paid、rate_text 执行率);"
                 "报送表没有这些列时为空(用 {% if register %} 判断),各项没有时也为空"),
    ("review", "审核提示", "本稿的数据问题:review.skipped 未纳入的有错误的行、review.unverified 已计入但有待核实的金额"
               "(各为文字列表,skipped_text、unverified_text 为连写的一段);没有问题时为空(用 {% if review %} 判断)"),
]

ATTRIBUTES: list[tuple[str, str]] = [
    ("数字组(total、各分类、各地区)", "count 项数;amount 金额(精确);money 如「1189万元」;wan 如「1189」;items 如「8项」"),
    ("分类(categories 的每项)", "name 名称;以及数字组的属性;share 占所属合计的百分比(全年的分类占全年合计,地区的分类占该地区合计;share_text 如「89.49%」)"),
    ("地区(jurisdictions、own_level、parks、counties、places、members 的每项)",
     "name 名称;kind 类别(地区名单 [[kinds]] 中的名称,如 本级/园区/县市);数字组的属性;submitted 是否报送;"
     "zero 报送了零报告;not_reported 尚未报送(没有项目也没有零报告);"
     "categories 按一级目录的分类;subcategories 按二级目录的分类(金额从大到小);top 金额最大的 3 个项目;projects 全部项目(金额从大到小)"),
    ("类别(sections 的每项)", "name 类别名(如 园区);report 写法:each 逐个一段、group 合为一段;grouped 是否合为一段;"
     f"label 正文中的称呼(如「{COUNTY_LABEL}」);places 该类别的地区(地区名单顺序);group 合为一段时的地区组,否则为空"),
    ("项目(top、projects 的每项)", "unit 购买主体;name 项目名称;jurisdiction 地区;category 一级目录;subcategory 二级目录;amount、money、wan;"
     f"mark 金额有警告(如异常大、隐藏行)时为「{UNVERIFIED_MARK}」,否则为空,写在金额之后"),
    ("地区组(county_group、sections 的 group)", f"name 段落名(如「{COUNTY_GROUP_NAME}」,取自 [[kinds]] 的 group_name);label 称呼(如「{COUNTY_LABEL}」);"
     "数字组的属性;categories;subcategories;top;members 成员地区;member_names 成员名称(顿号分隔);missing 尚未报送的成员名称;zero 报送了零报告的成员名称"),
    ("年度数字组(next_year、prev_year、prev_period)", f"year 年度;label 名称(如「2016年」「2017年第二季度」);数字组的属性;categories;change 变化:text「{RISE}19.61%」、"
     f"direction {RISE}/{FALL}/{FLAT}、percent、percent_text、count_diff、count_text「{count_change_text(13)}」"),
    ("段落(progress、problems 的每项)", "text 文字;level 0 为正文段落,2/3/4 为小标题;ordinal 小标题序号「（一）」「1.」;is_heading;full_text 序号加文字"),
]

FILTERS: list[tuple[str, str]] = [
    ("money", "{{ x|money }} 金额加单位:16252.68万元(最多两位小数,去掉末尾的 0)"),
    ("wan", "{{ x|wan }} 金额不加单位:16252.68"),
    ("table_wan", "{{ x|table_wan }} 表格中的金额:总是两位小数,2090.00;没有时为「—」"),
    ("items", "{{ n|items }} 55项;{{ n|items('个项目') }} 55个项目"),
    ("cn", "{{ 12|cn }} 十二"),
    ("ordinal", "{{ 2|ordinal(1) }} 二、 ;ordinal(2) （二）;ordinal(3) 2. ;ordinal(4) （2）"),
    ("percent", "{{ x|percent }} 19.61%"),
    ("counter()", "连续编号:{% set sec = counter() %} 之后每次 {{ sec.next(2) }} 依次得到（一）（二）……"),
]


def variable_names() -> list[str]:
    return [name for name, _, _ in VARIABLES]
