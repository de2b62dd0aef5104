"""Render a report template (.docx with Jinja tags) through docxtpl, safely.

* our own Jinja environment: ``autoescape=True`` (data holding & < > cannot break the XML),
  ``StrictUndefined`` (a misspelt variable is an error, not a blank), a sandbox, and the report
  filters (money, wan, table_wan, items, cn, ordinal, percent) and ``counter()``;
* any template problem (bad tag, unknown variable or attribute, broken file) becomes a
  :class:`TemplateError` whose message says in Chinese what is wrong and where (body, footer...,
  quoting the paragraph's text), never a Jinja traceback;
* the file is written atomically.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import traceback
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError, UsageError, describe
from ..outputs.atomic import atomic_open
from . import fmt
from .context import VARIABLES, demo_context

TEMPLATE_NAME = "report.docx"
_DOCX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def bundled_template(name: str = TEMPLATE_NAME) -> Path:
    """The default template: ``gpscli/templates`` in an installed wheel, else the repository's ``templates/``."""
    from importlib import resources

    try:
        res = resources.files("gpscli").joinpath("templates", name)
        if res.is_file():
            return Path(str(res))
    except (FileNotFoundError, ModuleNotFoundError, NotADirectoryError):  # pragma: no cover
        pass
    repo = Path(__file__).resolve().parents[3] / "templates" / name
    if repo.is_file():
        return repo
    raise UsageError(f"找不到内置报告模板 {name}(安装不完整?);请用 --template 指定模板文件")


def _finalize(value: Any) -> Any:
    if isinstance(value, Decimal):
        return fmt.wan(value)
    if value is None:
        return ""
    return value


def make_env() -> jinja2.Environment:
    env = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=_finalize)
    env.filters.update(money=fmt.money, wan=fmt.wan, table_wan=fmt.table_wan, items=fmt.items, cn=fmt.cn,
                       ordinal=fmt.ordinal, percent=fmt.percent)
    env.globals["counter"] = fmt.counter
    return env


def _part_label(part: Any) -> str:
    name = str(getattr(part, "partname", "") or "")
    if "header" in name:
        return "页眉"
    if "footer" in name:
        return "页脚"
    if "footnote" in name:
        return "脚注"
    if name.endswith("document.xml"):
        return "正文"
    return "文档属性" if not name else name


class _Template(DocxTemplate):
    """A DocxTemplate that remembers which part and which XML it was rendering when Jinja failed."""

    failed_part: Any = None
    failed_xml: str = ""

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        try:
            return super().render_xml_part(src_xml, part, context, jinja_env)
        except Exception:
            self.failed_part = part
            # docxtpl puts each paragraph on its own line: Jinja's line numbers point at paragraphs.
            self.failed_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            raise


def _template_lineno(exc: BaseException) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if lineno:
        return lineno
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename == "<template>":
            return frame.lineno
    return None


def _snippet(xml: str, lineno: int | None) -> str:
    if not xml or not lineno:
        return ""
    lines = xml.split("\n")
    for delta in (0, -1, 1, -2):
        i = lineno - 1 + delta
        if 0 <= i < len(lines):
            text = html.unescape(re.sub(r"<[^>]+>", "", lines[i])).strip()
            if text:
                return text if len(text) <= 60 else text[:57] + "……"
    return ""


_OBJECT_NAMES = {
    "Place": "地区", "Fig": "数字组", "Line": "分类", "Project": "项目", "Group": "地区组", "Section": "类别",
    "YearFigures": "年度数字组", "Block": "段落", "Table": "表格数据", "TableRow": "表格行", "Change": "变化",
    "Counter": "编号器", "list": "列表", "dict": "字典", "str": "文字", "int": "整数", "Decimal": "金额",
}


def explain(exc: BaseException) -> str:
    """The Chinese reason for a Jinja (or other rendering) error, without the location."""
    msg = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, jinja2.UndefinedError):
        m = re.match(r"'([^']+)' is undefined", msg)
        if m:
            return f"用到了报告没有提供的变量「{m.group(1)}」(可用的变量见 gps report --variables)"
        m = re.match(r"'(.+?)' has no attribute '([^']+)'", msg)
        if m:
            obj, attr = m.group(1), m.group(2)
            if obj == "None":
                return (f"对空值取属性「{attr}」:该变量在本次数据中为空(例如没有下一年度数据时 next_year 为空),"
                        "请先用 {% if … %} 判断")
            kind = obj.split()[0].split(".")[-1]
            return f"{_OBJECT_NAMES.get(kind, kind)}没有属性「{attr}」(各变量的属性见 gps report --variables)"
        return f"用到了不存在的值:{msg}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        low = msg.lower()
        block = re.search(r"innermost block that needs to be closed is '(\w+)'", msg)
        if "no filter named" in low:
            name = re.search(r"named '([^']+)'", msg)
            return (f"没有名为「{name.group(1) if name else '?'}」的过滤器"
                    "(可用:money、wan、table_wan、items、cn、ordinal、percent 及 Jinja 自带的过滤器)")
        if "unexpected end of template" in low:
            if block:
                return f"「{{% {block.group(1)} %}}」没有对应的「{{% end{block.group(1)} %}}」"
            return "模板提前结束:有标签没有闭合"
        m = re.match(r"Encountered unknown tag '([^']+)'", msg)
        if m:
            extra = f";最近未闭合的是「{{% {block.group(1)} %}}」" if block else ""
            return f"不认识的标签「{{% {m.group(1)} %}}」(是否拼错,或缺少与之配对的开始标签){extra}"
        m = re.match(r"unexpected '([^']+)'", msg) or re.match(r"unexpected char '([^']+)'", msg)
        if m:
            return f"标签中有多余或不认识的字符「{m.group(1)}」(检查 {{{{ }}}} 和 {{% %}} 是否配对)"
        m = re.match(r"expected token '([^']+)', got '([^']+)'", msg)
        if m:
            return f"标签写法有误:在「{m.group(2)}」附近(括号、引号或 }}}} %}} 是否配对?)"
        if "tag name expected" in low:
            return "「{% %}」中缺少标签名"
        return f"模板语法错误:{msg}"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        m = re.search(r"attribute '([^']+)'", msg)
        return f"模板中有不允许的写法:不能访问「{m.group(1) if m else msg}」这类内部属性"
    if isinstance(exc, jinja2.TemplateError):
        return f"模板错误:{msg}"
    m = re.match(r"'(\w+)' object is not iterable", msg)
    if m:
        return f"{_OBJECT_NAMES.get(m.group(1), m.group(1))}不是列表,不能用 {{% for %}} 逐项列出"
    if "unsupported operand" in msg or "can only concatenate" in msg:
        return "运算两边的类型不同(如数字加文字);连接文字请用 ~,如 {{ year ~ '年' }}"
    return f"渲染失败({describe(exc)}):{msg}"


def _template_error(exc: BaseException, tpl: Any, path: Path) -> TemplateError:
    where = _part_label(getattr(tpl, "failed_part", None)) if getattr(tpl, "failed_part", None) is not None else "正文"
    snippet = _snippet(getattr(tpl, "failed_xml", ""), _template_lineno(exc))
    loc = f"{where}中“{snippet}”一段" if snippet else where
    return TemplateError(f"报告模板 {path.name} 有误({loc}):{explain(exc)}")


def open_template(path: Path):
    """Load a template, refusing what is not a .docx with a plain reason."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"找不到报告模板:{path}")
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        raise TemplateError(f"报告模板 {path.name} 是旧版 Word(.doc)或加密的文档;请在 Word/WPS 中另存为 .docx")
    if not head.startswith(_DOCX_MAGIC):
        raise TemplateError(f"报告模板 {path.name} 不是 Word 文档(.docx)")
    tpl = _Template(str(path))
    try:
        tpl.init_docx()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TemplateError(f"报告模板 {path.name} 无法打开({describe(exc)}):"
                            "它应是 Word 保存的 .docx 文件(不是 .dotx/.docm)") from exc
    except Exception as exc:
        raise TemplateError(f"报告模板 {path.name} 已损坏,无法读取({describe(exc)})") from exc
    return tpl


def _appendix_width(tpl) -> int:
    """Text width (twips) of the section holding ``appendix_table``, else of the last section."""
    from docx.oxml.ns import qn

    body = tpl.docx.element.body
    found = False
    for el in body.iterchildren():
        if not found and "appendix_table" in "".join(el.itertext()):
            found = True
        if found:
            sect = el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if el.tag == qn("w:p") else None
            if el.tag == qn("w:sectPr"):
                sect = el
            if sect is not None:
                return _width(sect)
    return _width(body.find(qn("w:sectPr")))


def _width(sect) -> int:
    from docx.oxml.ns import qn

    if sect is None:
        return 8845
    size, mar = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
    try:
        return int(size.get(qn("w:w"))) - int(mar.get(qn("w:left"))) - int(mar.get(qn("w:right")))
    except (AttributeError, TypeError, ValueError):
        return 8845


@dataclass
class Rendered:
    tpl: Any
    seconds: float = 0.0
    appendix_xml: str = ""  # the appendix table as inserted (where the body of the report ends)
    warnings: list[str] = field(default_factory=list)  # charts left out (no Chinese font)
    chart_seconds: float = 0.0  # of ``seconds``, drawing the charts (0 when the template has none)


def render(template: Path, context: dict[str, Any]) -> Rendered:
    """Render ``context`` into the template; the result is saved with :func:`save`."""
    import time

    from .table import appendix_fragment

    t0 = time.perf_counter()
    template = Path(template)
    tpl = open_template(template)
    ctx = dict(context)
    ctx["appendix_table"] = appendix = appendix_fragment(tpl.docx, ctx["table"], _appendix_width(tpl))
    charts = _charts(tpl, ctx)
    try:
        tpl.render(ctx, make_env(), autoescape=True)
    except TemplateError:
        raise
    except Exception as exc:
        raise _template_error(exc, tpl, template) from None
    props = tpl.docx.core_properties
    props.title = context.get("title", "")
    props.author = context.get("bureau", "")
    props.last_modified_by = "gps"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)
    props.created = props.modified = now
    props.revision = 1
    warnings = [w for c in charts for w in c.warnings]
    return Rendered(tpl, time.perf_counter() - t0, appendix.xml, warnings, sum(c.seconds for c in charts))


def _charts(tpl, ctx: dict[str, Any]) -> list:
    """Put the chart variables into ``ctx`` (drawn only if the template prints them), as wide as the
    body's text block; returns them, to collect their warnings and time afterwards."""
    from docx.shared import Twips

    from .charts import build_charts

    width = int(Twips(_body_width(tpl)))
    charts = build_charts(ctx)
    for name, chart in charts.items():
        if chart is not None:
            chart.tpl, chart.width_emu = tpl, width
        ctx[name] = chart
    return [c for c in charts.values() if c is not None]


def _body_width(tpl) -> int:
    """Text width (twips) of the first section, where the body of the report (and its charts) is."""
    from docx.oxml.ns import qn

    body = tpl.docx.element.body
    first = body.find(f"{qn('w:p')}/{qn('w:pPr')}/{qn('w:sectPr')}")
    return _width(first if first is not None else body.find(qn("w:sectPr")))


def save(rendered: Rendered, out: Path, force: bool = False) -> Path:
    out = Path(out)
    with atomic_open(out, "wb", force=force) as fh:
        rendered.tpl.save(fh)
    return out


@dataclass
class TemplateCheck:
    path: Path
    used: list[str]  # variables the template uses, sorted
    unknown: list[str]  # of those, the ones gps does not provide
    problems: list[str]  # errors found by rendering made-up data (attribute typos, tags...)

    @property
    def ok(self) -> bool:
        return not self.unknown and not self.problems


def check_template(path: Path) -> TemplateCheck:
    """What a template uses, what gps does not provide, and whether it renders with made-up data."""
    path = Path(path)
    tpl = open_template(path)
    env = make_env()
    try:
        used = set(tpl.get_undeclared_template_variables(jinja_env=env))
    except Exception as exc:
        render(path, demo_context())  # a syntax error: rendering says where it is
        raise _template_error(exc, tpl, path) from None
    provided = {name for name, _, _ in VARIABLES} | set(env.globals)
    unknown = sorted(used - provided)
    problems: list[str] = []
    if not unknown:
        for full in (True, False):
            try:
                render(path, demo_context(with_others=full))
            except TemplateError as exc:
                if str(exc) not in problems:
                    problems.append(str(exc))
    return TemplateCheck(path, sorted(used - set(env.globals)), unknown, problems)
