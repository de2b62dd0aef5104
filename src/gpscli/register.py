"""The project register of 财政部令第102号 (政府购买服务管理办法): the optional fields a submission may
carry beyond the five gps counts by, each in one place with its Chinese label, the headers that name
it, what kind of value it holds and how a cell is read.

A sheet without these columns reads and counts exactly as before. Where a column is present, each
cell is read here into a typed value (text, one of a closed list, an exact amount in 万元, a date,
a number of months) or a finding at that cell; the checks that relate fields to each other (a term
over three years, 合同金额 above 预算金额...) are record rules in :mod:`gpscli.checks.register`.
Values travel with the records as ``RecordBatch.extra`` (one list per field present) and
``ProjectRecord.extra`` (field -> value).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .text import key

# 第六条: who may supply a service; 第八条: who may not (recognised in order to refuse them).
SUPPLIER_TYPES = ("企业", "社会组织", "事业单位", "农村集体经济组织", "基层群众性自治组织", "个人")
REFUSED_SUPPLIER_TYPES = ("公益一类事业单位", "财政拨款保障的群团组织")
_SUPPLIER_ALIASES = {
    "依法成立的企业": "企业", "公司": "企业", "民营企业": "企业", "国有企业": "企业",
    "社会组织(不含由财政拨款保障的群团组织)": "社会组织", "社会团体": "社会组织", "社团": "社会组织",
    "民办非企业单位": "社会组织", "民办非企业": "社会组织", "民非": "社会组织", "社会团体法人": "社会组织",
    "事业单位法人": "事业单位", "企业法人": "企业", "有限公司": "企业", "有限责任公司": "企业", "个体工商户": "企业",
    "社会服务机构": "社会组织", "基金会": "社会组织",
    "公益二类事业单位": "事业单位", "从事生产经营活动的事业单位": "事业单位", "公益二类": "事业单位",
    "经营类事业单位": "事业单位", "生产经营类事业单位": "事业单位",
    "村集体经济组织": "农村集体经济组织", "居民委员会": "基层群众性自治组织", "村民委员会": "基层群众性自治组织",
    "居委会": "基层群众性自治组织", "村委会": "基层群众性自治组织", "具备条件的个人": "个人", "自然人": "个人",
    "公益一类": "公益一类事业单位", "财政拨款保障的群团": "财政拨款保障的群团组织",
    "使用事业编制且由财政拨款保障的群团组织": "财政拨款保障的群团组织",
}
FUND_SOURCES = ("一般公共预算", "政府性基金预算", "国有资本经营预算", "社会保险基金预算", "其他资金")
FUND_ALIASES = {"一般预算": "一般公共预算", "公共预算": "一般公共预算", "一般公共预算资金": "一般公共预算",
                "财政资金": "一般公共预算", "政府性基金": "政府性基金预算", "基金预算": "政府性基金预算",
                "国有资本经营": "国有资本经营预算", "国有资本": "国有资本经营预算", "社会保险基金": "社会保险基金预算",
                "社保基金": "社会保险基金预算", "其他": "其他资金"}

_DATE = re.compile(r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TERM = re.compile(r"^(\d+(?:\.\d+)?)\s*(个月|月|年)$")
_TERM_RANGE = re.compile(r"^(.+?)\s*(?:至|到|—|--|~|～)\s*(.+)$")


@dataclass(frozen=True)
class RegisterField:
    name: str  # records, JSON, --by: extra[name]
    label: str  # Chinese: headers of 明细, template, messages
    synonyms: tuple[str, ...]  # header texts that name it (after text.key folding)
    kind: str  # text | choice | money | date | months | credit-code
    choices: tuple[str, ...] = ()  # kind choice: the closed list (the template's dropdown)
    hint: str = ""  # how to fill it (填报说明, the template's comment)


FIELDS: tuple[RegisterField, ...] = (
    RegisterField("supplier_type", "承接主体类型",
                  ("承接主体类型", "承接主体性质", "承接单位类型", "承接单位性质", "供应商类型", "承接主体类别"),
                  "choice", SUPPLIER_TYPES + REFUSED_SUPPLIER_TYPES, "财政部令第102号第六条所列类型,从下拉列表选择"),
    RegisterField("supplier_code", "统一社会信用代码",
                  ("统一社会信用代码", "承接主体统一社会信用代码", "社会信用代码", "信用代码", "承接单位统一社会信用代码"),
                  "credit-code", hint="承接主体的18位统一社会信用代码"),
    RegisterField("budget", "预算金额", ("预算金额", "预算数", "预算资金", "预算安排", "年度预算"), "money",
                  hint="万元"),
    RegisterField("contract_amount", "合同金额", ("合同金额", "合同价款", "中标金额", "成交金额", "合同总金额"), "money",
                  hint="万元"),
    RegisterField("paid", "执行数", ("执行数", "执行金额", "已支付", "已支付金额", "支付金额", "实际支付金额", "决算数"),
                  "money", hint="万元,截至填报时已支付"),
    RegisterField("fund_source", "资金来源", ("资金来源", "资金性质", "资金渠道"), "choice", FUND_SOURCES),
    RegisterField("start", "合同起始日期", ("合同起始日期", "合同开始日期", "服务开始日期", "起始日期", "开始日期",
                                      "合同起始时间", "服务起始日期"), "date"),
    RegisterField("end", "合同终止日期", ("合同终止日期", "合同结束日期", "合同截止日期", "服务结束日期", "终止日期",
                                    "结束日期", "合同到期日期", "服务终止日期"), "date"),
    RegisterField("term", "合同期限", ("合同期限", "服务期限", "合同期", "履约期限", "合同履行期限"), "months",
                  hint="如 1年、18个月"),
    RegisterField("signed", "合同签订日期", ("合同签订日期", "签订日期", "签约日期", "合同签订时间", "签订时间"), "date"),
    RegisterField("notice", "公告日期", ("公告日期", "公示日期", "合同公告日期", "公开日期", "合同公示日期"), "date"),
    RegisterField("annual_plan", "分年资金安排", ("分年资金安排", "分年度资金安排", "年度资金安排"), "text",
                  hint="跨年度合同各年安排的金额,如 2017年50万元;2018年50万元"),
    RegisterField("performance", "绩效评价", ("绩效评价", "绩效评价结果", "绩效评分", "绩效评价得分", "绩效评价等级"),
                  "text", hint="评价结果或得分"),
)
BY_NAME = {f.name: f for f in FIELDS}
LABELS = {f.name: f.label for f in FIELDS}
MONEY = tuple(f.name for f in FIELDS if f.kind == "money")
# Columns that are the sheet's 金额 when it has no other (预算金额 alone is the amount, as it always was).
AMOUNT_STANDINS = ("budget", "contract_amount")
# Header texts (folded) -> field, for the header detection of normalise.layout.
HEADER_NAMES = {key(s): f.name for f in FIELDS for s in f.synonyms}
# Substring rules, tried before the core fields' (合同金额(含税) is not 金额).
HEADER_CONTAINS = (("信用代码", "supplier_code"), ("承接主体类型", "supplier_type"), ("承接主体性质", "supplier_type"),
                   ("合同金额", "contract_amount"), ("预算金额", "budget"), ("预算数", "budget"),
                   ("执行数", "paid"), ("已支付", "paid"), ("资金来源", "fund_source"), ("合同期限", "term"),
                   ("签订日期", "signed"), ("公告日期", "notice"), ("绩效评价", "performance"),
                   ("起始日期", "start"), ("开始日期", "start"), ("终止日期", "end"), ("结束日期", "end"))


def supplier_type(text: str) -> str | None:
    """The 第六条/第八条 type a text names, or None."""
    k = key(text)
    for t in (*SUPPLIER_TYPES, *REFUSED_SUPPLIER_TYPES):
        if k == key(t):
            return t
    return _SUPPLIER_ALIASES.get(k) or _SUPPLIER_ALIASES.get(text.strip())


def parse_date(v: object) -> dt.date | None:
    """A date as the cell shows it: a date cell, 2017-03-01, 2017/3/1, 2017.3.1, 2017年3月1日, 20170301."""
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool) and float(v).is_integer() and 19000101 <= v <= 21001231:
        v = str(int(v))  # 20170301 typed into a number cell: Excel shows it so, and the clerk means the date
    if type(v) is not str:
        return None
    t = v.strip()
    m = _DATE.match(t) or _DATE_COMPACT.match(t)
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def parse_months(v: object, header_unit: str | None) -> int | Decimal | None:
    """合同期限 in months: 2年, 18个月, 1.5年; a bare number only when the header names its unit
    (合同期限(月)); a range of dates (2017.1.1至2018.12.31) counts its months."""
    if type(v) in (int, float, Decimal) and header_unit:
        n = Decimal(str(v))
        return _whole(n * 12 if header_unit == "年" else n)
    text = (v if type(v) is str else str(v)).replace(" ", "").strip()
    m = _TERM.match(text)
    if m:
        n = Decimal(m.group(1))
        return _whole(n * 12 if m.group(2) == "年" else n)
    if header_unit and re.fullmatch(r"\d+(?:\.\d+)?", text):
        n = Decimal(text)
        return _whole(n * 12 if header_unit == "年" else n)
    r = _TERM_RANGE.match(text)
    if r:
        a, b = parse_date(r.group(1)), parse_date(r.group(2))
        if a is not None and b is not None and b >= a:
            return months_between(a, b)
    return None


def _whole(n: Decimal) -> int | Decimal:
    return int(n) if n == n.to_integral_value() else n


def months_between(start: dt.date, end: dt.date) -> int | Decimal:
    """The length of a contract from its first day to its last, in months (2017-01-01 to
    2017-12-31 is 12; a part month counts as a fraction, to one decimal)."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    days = after.day - start.day
    if days == 0:
        return months
    if days < 0:
        months -= 1
        anchor = _add_months(start, months)
        days = (after - anchor).days
    return _whole((Decimal(months) + Decimal(days) / Decimal(30)).quantize(Decimal("0.1")))


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    year, month = d.year + y, m + 1
    for day in (d.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise ValueError(d)  # pragma: no cover - day 28 exists in every month


def working_days_after(first: dt.date, later: dt.date) -> int:
    """Working days (Monday to Friday) after ``first`` up to and including ``later``. Public holidays
    and the weekends worked in their place are not known to gps: a notice late only because of a
    holiday is said and can be explained in 备注."""
    if later <= first:
        return 0
    days = (later - first).days
    weeks, rest = divmod(days, 7)
    n = weeks * 5
    for i in range(1, rest + 1):
        if (first + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
            n += 1
    return n


def column(extra: dict[str, list], length: int, name: str) -> list:
    """A register column of a batch (``extra``: its register columns; ``length``: its rows): all
    None where the sheet lacks it. 合同期限 where blank or absent is worked out from 合同起始/终止日期."""
    values = extra.get(name)
    if name != "term":
        return values if values is not None else [None] * length
    start, end = extra.get("start"), extra.get("end")
    if start is None or end is None:
        return values if values is not None else [None] * length
    term = values if values is not None else [None] * length
    return [t if t is not None or not (a and b and b >= a) else months_between(a, b)
            for t, a, b in zip(term, start, end)]


def value_of(extra: Mapping[str, object], name: str) -> object:
    """One row's value of a register field (合同期限 as in :func:`column`)."""
    v = extra.get(name)
    if v is None and name == "term":
        a, b = extra.get("start"), extra.get("end")
        if isinstance(a, dt.date) and isinstance(b, dt.date) and b >= a:
            return months_between(a, b)
    return v


MULTI_YEAR, ONE_YEAR_OR_LESS = "多年合同", "一年以内"
TERM_KINDS = (ONE_YEAR_OR_LESS, MULTI_YEAR)


class TermKind:
    """合同期限 (months) -> 多年合同 | 一年以内: the derived dimension ``multi_year``."""

    def get(self, months: object, default: str | None = None) -> str | None:
        if months is None or not isinstance(months, int | Decimal):
            return default
        return MULTI_YEAR if months > 12 else ONE_YEAR_OR_LESS


# ---- stored: the values of one row as JSON text (the ledger) and back ----------------------------

def to_json(values: dict[str, object]) -> str | None:
    """A row's register values as JSON text (amounts and months as exact decimal text, dates ISO)."""
    if not values:
        return None
    return json.dumps({k: v if isinstance(v, str) else (v.isoformat() if isinstance(v, dt.date) else str(v))
                       for k, v in values.items()}, ensure_ascii=False)


def from_json(text: str | None) -> dict[str, object]:
    if not text:
        return {}
    out: dict[str, object] = {}
    for k, v in json.loads(text).items():
        kind = BY_NAME[k].kind if k in BY_NAME else "text"
        if kind == "money":
            out[k] = Decimal(v)
        elif kind == "date":
            out[k] = dt.date.fromisoformat(v)
        elif kind == "months":
            out[k] = _whole(Decimal(v))
        else:
            out[k] = v
    return out


# ---- GB 32100-2015: the 统一社会信用代码 and its check character --------------------------------

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码 (GB 32100-2015), or None when it is."""
    if len(code) != 18:
        return f"应为 18 位,实为 {len(code)} 位"
    bad = sorted({c for c in code if c not in _CODE_CHARS})
    if bad:
        return f"含有代码中不用的字符 {''.join(bad)}(不使用 I、O、Z、S、V)"
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(code[:17], _CODE_WEIGHTS))
    expected = _CODE_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"校验位不符(按前 17 位算应为 {expected},实为 {code[17]}),代码中很可能有输错的字符"
    return None


def credit_code_check_char(first17: str) -> str:
    """The check character that completes 17 characters (for test data and the template's example)."""
    total = sum(_CODE_CHARS.index(c) * w for c, w in zip(first17, _CODE_WEIGHTS))
    return _CODE_CHARS[(31 - total % 31) % 31]
