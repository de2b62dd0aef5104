"""The registry of issue codes: each code with its severity, Chinese title, README description and
message templates, in one place.

Codes are kebab-case and never renamed or reused: cron scripts and other tools depend on them. A
new code is appended here (errors before warnings is only the README's order); the README's
table of codes is generated from this list (``make readme-codes``) and a test keeps them equal.

Messages are templates filled by :func:`gpscli.issues.make`: ``{cell}`` is the A1 reference of the
cell the issue names; other fields are given by the check that finds the problem. A code may
have several variants (the same problem said differently where it arises), named by a key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)
class Template:
    message: str
    hint: str | None = None


@dataclass(frozen=True)
class IssueType:
    code: str
    severity: Severity
    title: str  # short, for tables and the "另有 N 个同类问题" line
    description: str  # the README's table
    templates: dict[str, Template] = field(default_factory=dict)  # variant -> template ("" the usual one)


E, W = Severity.ERROR, Severity.WARNING
T = Template

_TYPES = [
    IssueType("unreadable-file", E, "文件无法读取(损坏、加密、为空、过大或不是表格)",
              "文件无法读取:损坏、截断、为空、设有密码、过大、压缩炸弹/XML 炸弹、不是表格(PDF、Word、图片等);说明会写明是哪一种",
              {"": T("无法读取:{why}")}),
    IssueType("no-table", E, "找不到带有可识别表头的工作表", "没有任何可见工作表带有可识别的表头",
              {"": T("没有找到可读取的项目表:{sheets}", "表头应包含 项目名称、金额 等列(标准格式见 gps template 生成的模板)")}),
    IssueType("missing-column", E, "缺少必填列",
              "缺少必填列(购买主体、项目名称、一级目录、金额;没有地区/年度列且标题和命令行也没有给出时,地区/年度);列出识别到的表头",
              {"": T("找不到「{field}」列,无法读取本表;识别到的表头:{seen}", "请在表头中添加「{field}」列(标准模板见 gps template)"),
               "jurisdiction": T("找不到「地区」列,标题、填报单位行、工作表名和文件名中也没有,无法读取本表;识别到的表头:{seen}",
                                 "请添加「地区」列,或在标题中写明地区,或使用 --jurisdiction"),
               "year": T("找不到「年度」列,标题、填报单位行、工作表名和文件名中也没有,无法读取本表;识别到的表头:{seen}",
                         "请添加「年度」列,或在标题中写明年度(如“2016年”),或使用 --year")}),
    IssueType("missing-value", E, "必填单元格为空", "必填单元格为空",
              {"": T("{cell}:「{field}」为空", "请填写{field}"),
               "jurisdiction": T("{cell}:「地区」为空,标题中也没有写明地区", "请填写地区,或使用 --jurisdiction"),
               "year": T("{cell}:「年度」为空,标题中也没有写明年度", "请填写年度,或使用 --year"),
               "category": T("{cell}:「一级目录」为空", "请从下拉列表中选择一级目录"),
               "amount": T("{cell}:「金额」为空", "请填写以{unit}为单位的数字")}),
    IssueType("invalid-amount", E, "金额不是数字", "金额不是数字(如“待定”)",
              {"": T("{cell}:金额“{text}”{why},无法计入", "请填写以{unit}为单位的数字,如 120.5"),
               "merged": T("{cell}:金额与其他行合并在 {merged} 中,无法分到本行项目,无法计入",
                           "请取消合并单元格,为每个项目分别填写金额")}),
    IssueType("negative-amount", E, "金额为负数", "金额为负数",
              {"": T("{cell}:金额 {amount} 为负数", "项目金额应大于零;如为调减,请与财政局联系确认填报口径")}),
    IssueType("unknown-category", E, "一级目录不在指导性目录中",
              "一级目录不在指导性目录中(建议栏给出最接近的名称;填成二级目录时指出应填的一级目录)",
              {"": T("{cell}:一级目录「{text}」不在指导性目录中", "{suggestion}"),
               "level2": T("{cell}:「{text}」是二级目录,不是一级目录", "一级目录应填「{top}」,「{item}」填在二级目录列"),
               "edition": T("{cell}:一级目录「{text}」不在 {year} 年适用的目录({source})中", "{suggestion}")}),
    IssueType("category-mismatch", E, "二级目录不属于所填的一级目录", "二级目录属于另一个一级目录(写明应为哪个)",
              {"": T("{cell}:二级目录「{item}」属于「{top}」,不属于所填的一级目录「{category}」",
                     "请把一级目录改为「{top}」,或改选「{category}」下的二级目录")}),
    IssueType("unknown-jurisdiction", E, "地区不在地区名单中", "地区不在地区名单中(建议最接近的名称)",
              {"": T("{cell}:地区「{text}」不在{region}的地区名单中", "{suggestion}")}),
    IssueType("invalid-year", E, "年度无效或不是要求的年度", "年度不是合理的年份,或与 `validate --year` 要求的年度不同",
              {"": T("{cell}:年度“{text}”{why}", "请填写四位数年份,如 2016"),
               "demanded": T("{cell}:本行年度为 {year},要求报送的是 {wanted} 年", "请只报送 {wanted} 年的项目,或检查年度是否填错")}),
    IssueType("duplicate-project", E, "同一项目重复填报",
              "同一(地区、购买主体、项目名称、年度)出现两次;标在后出现的一行,说明前一次所在的文件和单元格",
              {"": T("{cell}:项目「{name}」({unit},{year}年)与{where}重复", "同一项目只能填报一次;如确为不同项目,请在项目名称中区分")}),
    IssueType("formula-without-value", E, "公式没有保存计算结果",
              "公式没有保存计算结果(程序生成的文件常见);用 Excel/WPS 打开保存一次即可",
              {"": T("{cell}:{field}是公式,但文件中没有保存计算结果,无法计入",
                     "请用 Excel 或 WPS 打开该文件并保存一次(让公式算出结果),或直接填写数值")}),
    IssueType("formula-error", E, "公式计算结果为错误值", "公式结果是错误值(#DIV/0!、#REF!、#VALUE!、#N/A 等)",
              {"": T("{cell}:{field}的公式结果是错误值 {error},无法计入", "请在 Excel/WPS 中修正该公式(或改为直接填写数值)后重新保存")}),
    IssueType("unit-conflict", E, "金额的单位自相矛盾(表头与单位行不一致,或单元格写的单位与本列不同)",
              "金额的单位自相矛盾,两者相差一万倍:金额列表头写的单位(如“金额(元)”)与表头上方的单位行(如“单位:万元”)不一致"
              "(标在表头单元格);或单元格里写的单位与本列不同(“860000元”在“金额(万元)”列,“￥120.5”在万元列:¥ 表示元)"
              "(标在该单元格,本行不计入)。表格没有写明单位时,单元格里的“元”“万元”照写法读",
              {"": T("{cell}:金额“{text}”{why},两者相差一万倍,无法计入",
                     "请删去单元格中的单位或符号,只填以{unit}为单位的数字(如本列写{unit}、单元格是{cell_unit},请换算后填写)"),
               "header": T("{cell}:金额列表头「{header}」的单位是{unit},表头上方「{line}」写的却是{above};"
                           "本表金额已按表头的{unit}换算,两者相差一万倍",
                           "请确认金额实际以哪个单位填写,把表头或表头上方的单位改成一致后重新报送")}),
    IssueType("duplicate-submission", E, "同一地区同一年度有两份项目基本相同的报送(如原表和更正表)",
              "同一地区同一年度有两份项目基本相同的文件(如原表和更正表,一半以上项目相同):作为一个问题报告,写明两个文件、"
              "相同的项目数和金额不同的单元格;其中一份不计入(文件名带“更正”“修改”“最新”等的那份计入),请只保留一份",
              {"": T("{jurisdiction} 有两份 {year} 年报送(「{first}」和「{second}」):{what};本文件未计入",
                     "请只保留一份(通常是更正后的那份),删除或移走另一份后重新汇总")}),
    # warnings
    IssueType("duplicate-file", W, "与已读取的文件完全相同,已忽略", "与另一个文件逐字节相同(“(1)”副本),已忽略,不重复计入",
              {"": T("与文件「{keeper}」内容完全相同,已忽略,不重复计入", "多半是重复下载的副本(文件名带“(1)”),可以删除")}),
    IssueType("total-mismatch", W, "合计行与明细之和不符", "合计/总计/小计行与其上方明细之和不符(写明两个数和差额);合计行本身从不计入",
              {"": T("{cell}:{what}为 {amount},但{side} {rows} 个项目之和为 {expected},相差 {diff}",
                     "合计行不计入汇总;请核对明细或合计公式")}),
    IssueType("suspicious-amount", W, "单个项目金额异常大",
              "单个项目金额超过阈值(默认 100000 万元,`[limits] suspicious_amount`),常见于把元填进万元列",
              {"": T("{cell}:项目「{name}」金额 {amount} 万元,超过 {limit} 万元", "是否把“元”填进了“万元”列?金额列以万元为单位")}),
    IssueType("future-year", W, "年度晚于明年", "年度晚于明年(今年加一),常见于数字颠倒,如 2016 写成 2061;本行仍按所填年度计入",
              {"": T("{cell}:项目「{name}」的年度为 {year},晚于 {latest} 年", "是否填错了年度?如 2016 误写成 2061")}),
    IssueType("zero-amount", W, "金额为零", "金额为 0",
              {"": T("{cell}:项目「{name}」的金额为 0", "如项目未安排资金,请确认是否应当填报")}),
    IssueType("unknown-subcategory", W, "二级目录不在指导性目录中", "二级目录不在目录中(一级目录正确时仍计入)",
              {"": T("{cell}:二级目录「{text}」不在指导性目录中", "{suggestion}")}),
    IssueType("skipped-file", W, "已跳过:无法访问、不是普通文件,或是 gps 生成后未改动的标注副本",
              "路径无法访问(权限、失效的快捷方式/链接)或不是普通文件,已跳过;或是 gps 生成后没有改动过的问题标注副本,不当作报送表读取",
              {"": T("已跳过:{why}"),
               "annotated": T("这是 gps 生成的问题标注副本,生成后没有改动过,不是报送表,未读取",
                              "如果这是县里退回的文件,说明问题还没有改正;请让报送单位在副本中改正后再报送")}),
    IssueType("illegal-character", W, "含有表格或文档不允许的控制字符,已删除",
              "单元格含有不可见的控制字符,已删除(否则 Excel/Word 文件会损坏)",
              {"": T("{cell}:{field}含有不可见的控制字符,已删除", "请检查该单元格内容是否从其他系统复制而来"),
               "optional": T("{cell}:{field}含有不可见的控制字符,已删除")}),
    IssueType("empty-table", W, "有表头,但没有任何项目行",
              "认出了表头,但没有任何项目行(常见于报来的是空白模板);本期确无项目时可忽略",
              {"": T("工作表「{sheet}」有表头,但下面没有任何项目行(可能报来的是空白模板)",
                     "请填写项目后重新报送;如本期确实没有政府购买服务项目,可忽略本提示")}),
    IssueType("hidden-row", W, "项目行是隐藏的(含被筛选隐藏),在 Excel 中看不到,已计入",
              "项目行是隐藏的(手工隐藏或被自动筛选隐藏),在 Excel 中看不到;该项目照常计入(报告中标「【金额有待核实】」),请核实是否应当计入",
              {"": T("{cell}:第 {line} 行是隐藏的(手工隐藏或被筛选),在 Excel 中看不到,但其中的项目「{name}」({amount} 万元)已计入",
                     "如该项目已取消,请删除该行后重新报送;如应计入,请取消隐藏,以免合计与看到的不符"),
               "error": T("{cell}:第 {line} 行是隐藏的(手工隐藏或被筛选),在 Excel 中看不到,本行的错误见上",
                          "请取消隐藏该行,改正或删除后重新报送")}),
    IssueType("hidden-column", W, "读取的列是隐藏的,在 Excel 中看不到",
              "gps 读取的列(如金额列)是隐藏的,在 Excel 中看不到;照常读取,标在该列表头",
              {"": T("{cell}:「{header}」列({letter}列)是隐藏的,在 Excel 中看不到;gps 照常读取了其中的内容",
                     "请取消隐藏该列,核对其中的内容")}),
    IssueType("hidden-sheet", W, "隐藏的工作表中有项目表,没有读取",
              "隐藏的工作表里有一张完整的项目表(有购买主体、项目名称、一级目录、金额列和项目行);隐藏工作表不读,所以这些项目没有计入,请核实",
              {"": T("隐藏工作表「{sheet}」中有一张项目表({rows} 行),gps 没有读取它",
                     "如这些项目应当报送,请取消隐藏该工作表(或把项目移到报送表中)后重新报送")}),
    IssueType("amount-below-fen", W, "金额精确到了分以下",
              "金额(万元)的小数超过 6 位,即精确到了分以下,常见于公式计算的结果;照原值计入,账本按四舍五入到分另记一份整数分",
              {"": T("{cell}:金额 {amount} 万元精确到了分以下(小数点后 {places} 位)",
                     "以万元为单位时最多保留 6 位小数(到分);如是公式结果,请用 ROUND(…,6) 取到分")}),
    IssueType("several-jurisdictions", E, "一个文件里有多个地区的项目,不能作为一个地区的报送",
              "导入账本时:一份报送只能是一个地区的项目清单,而文件中有多个地区的项目(如汇总表);按地区分开文件后再导入",
              {"": T("文件中有 {count} 个地区的项目({names}),账本按地区记录报送,无法作为一份报送导入",
                     "请每个地区一个文件;如这是汇总表,请改为导入各地报来的原表")}),
    IssueType("no-rows-for-period", E, "文件中没有该期间年度的项目",
              "导入账本时:文件中有项目,但没有一行属于所导入期间的年度(可能是 --period 写错了,或报来的是别的年度的表)",
              {"": T("文件中有 {rows} 个项目,但没有一个是 {year} 年的(有:{years} 年),不能作为 {period} 的报送",
                     "请检查 --period,或让报送单位报送 {year} 年的项目表;本期确无项目时请报送空白模板(零报告)")}),
    IssueType("same-projects-as-other-submitter", E, "与同一地区另一报送单位的当前版本有相同的项目,可能是重报",
              "导入账本时:一个新的报送单位(通常因文件名不同而认作新单位)报来的项目与同一地区另一报送单位当前版本中的项目相同;"
              "两者都计入就会重复,所以本文件不采用",
              {"": T("本文件有 {count} 个项目与「{other}」已报送的当前版本相同(如「{example}」),可能是同一单位的重报;为免重复计入,未采用",
                     "如是「{other}」的更正或重报,请加 --submitter {other} 重新导入;如确是另一个报送单位,请删去与其重复的项目")}),
    IssueType("unknown-submitter", E, "无法确定是哪个地区的报送",
              "导入账本时:表中没有项目行,标题、填报单位行和文件名中也没有地区名,无法确定是哪个地区的报送",
              {"": T("无法确定本文件是哪个地区的报送(表中没有项目行,文件名和标题中也没有地区名)",
                     "请在文件名中写明地区(如 奇台县.xlsx),或用 --jurisdiction 指定")}),
    IssueType("invalid-register-value", E, "登记信息(预算、合同、日期、期限)读不出",
              "财政部令第102号登记信息列(预算金额、合同金额、执行数、合同起止日期、签订日期、公告日期、合同期限)中的内容读不出;"
              "这些列可以不填,填了就要能读",
              {"money": T("{cell}:{field}“{text}”{why},无法读取", "请填写数字(万元),如 120.5;不知道时留空"),
               "date": T("{cell}:{field}“{text}”不是日期", "请填写日期,如 2017-03-01 或 2017年3月1日;不知道时留空"),
               "months": T("{cell}:{field}“{text}”{why}", "请写明年或月,如 1年、18个月;或在表头写明单位,如 合同期限(月)")}),
    IssueType("invalid-credit-code", E, "统一社会信用代码无效",
              "承接主体的统一社会信用代码不是 18 位,含有不用的字符,或校验位不符(GB 32100-2015)",
              {"": T("{cell}:统一社会信用代码“{text}”无效:{why}",
                     "请对照营业执照或登记证书逐位核对整个代码(不要只改最后一位);不知道时留空")}),
    IssueType("refused-supplier-type", E, "承接主体不能是公益一类事业单位或财政拨款保障的群团组织",
              "承接主体类型是公益一类事业单位或使用事业编制且由财政拨款保障的群团组织:财政部令第102号第八条规定它们不得作为承接主体",
              {"": T("{cell}:承接主体「{supplier}」的类型是{kind},按财政部令第102号第八条不得作为承接主体",
                     "请核实承接主体及其类型;确属此类的,该事项不应以政府购买服务方式实施")}),
    IssueType("contract-too-long", E, "合同期限超过 3 年",
              "合同期限超过 3 年(36 个月):财政部令第102号规定政府购买服务合同履行期限最长不超过 3 年",
              {"": T("{cell}:合同期限 {months} 个月,超过 3 年", "请核实合同期限;超过 3 年的须分期签订合同")}),
    IssueType("unknown-supplier-type", W, "承接主体类型不在第六条所列类型中",
              "承接主体类型不是财政部令第102号第六条所列的类型(企业、社会组织、事业单位、农村集体经济组织、基层群众性自治组织、个人)之一;照原文记录",
              {"": T("{cell}:承接主体类型“{text}”不在所列类型中", "请从下拉列表中选择:{types}")}),
    IssueType("contract-over-one-year", W, "合同期限超过 1 年",
              "合同期限超过 1 年而备注中没有说明:只有服务内容稳定、需要连续提供且资金有保障的项目可以签订 1 年以上(最长 3 年)的合同",
              {"": T("{cell}:合同期限 {months} 个月,超过 1 年", "请在备注中说明签订多年合同的理由(服务稳定、需连续提供、资金有保障)")}),
    IssueType("negative-list", W, "项目可能属于不得作为政府购买服务的事项",
              "项目名称或目录含有禁止事项的关键词(如劳务派遣、公益性岗位、工程施工、货物采购):财政部令第102号第十条列出不得作为"
              "政府购买服务内容的事项;关键词表可由财政局扩充",
              {"": T("{cell}:「{name}」含有“{keyword}”,可能属于{clause}所列不得作为政府购买服务内容的事项({what})",
                     "请核实项目内容;确属该类事项的,不应作为政府购买服务项目报送")}),
    IssueType("unknown-method", W, "购买方式不在所列方式中",
              "购买方式不是政府采购的方式(公开招标、邀请招标、竞争性谈判、竞争性磋商、询价、单一来源采购、框架协议采购)或委托、其他,"
              "也不在财政局在 gps.toml 中加上的方式里;照原文计入“购买方式”的汇总",
              {"": T("{cell}:购买方式“{text}”不在所列方式中", "请从下拉列表中选择:{methods};如确是本地使用的方式,请财政局把它加到 gps.toml 的 methods 中")}),
    IssueType("contract-above-budget", W, "合同金额大于预算金额",
              "合同金额大于该项目的预算金额", {"": T("{cell}:合同金额 {contract} 万元大于预算金额 {budget} 万元",
                                                 "请核对合同金额和预算金额;如有追加预算请在备注中说明")}),
    IssueType("paid-above-contract", W, "执行数大于合同金额",
              "已支付(执行数)大于合同金额", {"": T("{cell}:执行数 {paid} 万元大于合同金额 {contract} 万元",
                                               "请核对执行数和合同金额")}),
    IssueType("dates-out-of-order", W, "合同日期先后不对",
              "合同日期的先后不对:终止日期早于起始日期,或公告日期早于签订日期",
              {"": T("{cell}:{later}({late})早于{earlier}({early})", "请核对两个日期")}),
    IssueType("late-notice", W, "合同签订后超过 2 个工作日才公告",
              "合同公告日期在签订日期后超过 2 个工作日(只算周末,不知道节假日:因节假日而晚的可在备注中说明)",
              {"": T("{cell}:合同 {signed} 签订,{notice} 才公告,相隔 {days} 个工作日(应在 2 个工作日内)",
                     "请核对日期;因节假日顺延的请在备注中说明")}),
]

REGISTRY: dict[str, IssueType] = {t.code: t for t in _TYPES}


def register(t: IssueType) -> IssueType:
    """Add a code (a check in another module, or a test); its code must be new."""
    if t.code in REGISTRY:
        raise ValueError(f"issue code {t.code!r} is registered already")
    REGISTRY[t.code] = t
    return t


def unregister(code: str) -> None:
    REGISTRY.pop(code, None)


def readme_table() -> str:
    """The README's table of codes, generated from the registry (``make readme-codes``)."""
    lines = ["| 代码 | 级别 | 含义 |", "|---|---|---|"]
    lines += [f"| `{t.code}` | {t.severity.label} | {t.description} |" for t in REGISTRY.values()]
    return "\n".join(lines)
