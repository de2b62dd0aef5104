"""Workspace configuration: ``gps.toml``, found in the current folder or a parent.

All paths in it are relative to the folder that holds it. Every key is optional::

    data = ["inbox"]              # folders/files read when a command is given no PATH
    output = "output"             # where report/run outputs go
    catalogue = "目录.xlsx"        # own catalogue (csv/xlsx); default: the bundled one
    # or, catalogues by year (editions.py), instead of the line above:
    # [catalogue.editions]
    # "2014-2020" = "builtin"
    # "2021-" = "目录2021.csv"
    # [catalogue]  crosswalk = "对照表.csv"; default = "..." (years no range covers)
    profile = "地区.toml"          # own jurisdiction profile; default: 昌吉回族自治州
    negative_list = "禁止事项.csv"  # more keywords of 第十条 (关键词,条款,事项), added to the bundled ones
    methods = ["定点采购"]         # 购买方式 used here besides the law's (others are warned about)

    [report]
    title = "{year}年政府购买服务工作进展情况报告"
    template = "templates/report.docx"
    narrative = "narrative/{year}.md"
    recipient = "自治区财政厅"      # 主送机关, printed with a colon under the title (default: none)
    date = "2017-01-10"           # 成文日期 (default: the day the draft is made)

    [limits]
    suspicious_amount = 100000    # 万元, one project
    max_uncompressed_mb = 1024
    max_rows = 1000000
    max_cells = 10000000          # rows x columns spanned by one sheet
    memory_mb = 2048
    seconds = 120                 # CPU seconds to read one file
    wall_seconds = 250            # wall-clock seconds to read one file (default 2 x seconds + 10)
    workers = 0                   # 0: one per core

    [ledger]
    url = "postgresql://gps@db.example/gps"   # a shared ledger; default: gps.sqlite beside gps.toml

    [deadlines]
    quarter_days = 25             # a quarter's submissions are due 25 days after it ends
    year_days = 31                # the annual round's

    [serve]                       # gps serve (web/)
    host = "127.0.0.1"
    port = 8765
    public_url = "https://gps.example.gov.cn"   # how printed links begin (behind a reverse proxy)
    max_upload_mb = 20            # an upload past this is refused before it is read whole
    workers = 2                   # validations at once; others wait in line
    queue_seconds = 60            # the longest wait in line before "busy, retry" (503)
    log = "gps-serve.log"         # requests, uploads, submissions (tokens never written)
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from . import wording
from .errors import ConfigError
from .readers.limits import Limits

if TYPE_CHECKING:
    from .editions import Catalogues, EditionSpec

CONFIG_NAME = "gps.toml"


@dataclass
class Config:
    root: Path | None = None  # folder of gps.toml; None when there is none
    data: list[Path] = field(default_factory=list)
    output: Path = Path("output")
    catalogue: Path | None = None
    catalogue_editions: list[EditionSpec] = field(default_factory=list)  # [catalogue.editions]
    catalogue_crosswalk: Path | None = None  # [catalogue] crosswalk
    profile: Path | None = None
    negative_list: Path | None = None
    methods: tuple[str, ...] = ()
    report_title: str = wording.REPORT_TITLE
    report_template: Path | None = None
    report_narrative: str | None = None  # may contain {year}
    report_recipient: str = ""  # [report] recipient: the 主送机关 (自治区财政厅), printed with a colon under the title
    report_date: dt.date | None = None  # [report] date: the 成文日期 (default: the day the draft is made)
    suspicious_amount: Decimal = Decimal(100000)
    limits: Limits = field(default_factory=Limits)
    workers: int = 0
    ledger_url: str | None = None  # [ledger] url: a shared PostgreSQL server (default: gps.sqlite here)
    quarter_days: int | None = None  # [deadlines]: days after a quarter (a year) ends to submit
    year_days: int | None = None
    serve: dict = field(default_factory=dict)  # [serve], checked (see _serve_options)

    def ledger(self) -> str | None:
        """The ledger's URL (``GPS_LEDGER_URL``, ``[ledger] url``, or the workspace's gps.sqlite)."""
        from .ledger.engine import url_for

        return url_for(self.root, self.ledger_url)

    def deadline(self, period) -> object:
        """The deadline of a :class:`~gpscli.periods.Period` under ``[deadlines]`` (None: none set)."""
        return period.deadline(self.quarter_days, self.year_days)

    def catalogue_source(self) -> Path | Catalogues | None:
        """What commands read with: the catalogues by year when ``[catalogue.editions]`` is set, else
        the one catalogue file (None: the bundled one)."""
        if not self.catalogue_editions:
            return self.catalogue
        from .editions import load as load_editions

        return load_editions(self.catalogue_editions, self.catalogue, self.catalogue_crosswalk)

    def load_options(self) -> dict:
        """The keyword arguments of :func:`gpscli.api.load` that come from this workspace."""
        return {"catalogue": self.catalogue_source(), "profile": self.profile,
                "suspicious_amount": self.suspicious_amount, "negative_list": self.negative_list, "methods": self.methods,
                "limits": self.limits, "workers": self.workers or None}


def find(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load(path: Path | None = None, search: bool = True) -> Config:
    """Load gps.toml (explicit path, else found upwards from the current folder, else defaults)."""
    if path is None and search:
        path = find()
    if path is None:
        return Config()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"找不到配置文件:{path}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"配置文件 {path} 不是 UTF-8 编码:请用记事本打开,「另存为」时编码选 UTF-8") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {path} 格式有误:{toml_error(str(exc), text)}") from None
    _check_keys(data, path)
    root = path.parent.resolve()

    def rel(value: object, name: str) -> Path:
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"配置文件 {path} 中 {name} 应是路径字符串")
        p = Path(value)
        return p if p.is_absolute() else root / p

    cfg = Config(root=root, output=root / "output")
    data_value = data.get("data", [])
    if isinstance(data_value, str):
        data_value = [data_value]
    if not isinstance(data_value, list):
        raise ConfigError(f"配置文件 {path} 中 data 应是路径或路径列表,如 data = [\"inbox\"]")
    cfg.data = [rel(v, "data") for v in data_value]
    if "output" in data:
        cfg.output = rel(data["output"], "output")
    if isinstance(data.get("catalogue"), dict):
        from .editions import parse_config

        cfg.catalogue_editions, cfg.catalogue, cfg.catalogue_crosswalk = parse_config(data["catalogue"], rel, path)
    elif data.get("catalogue"):
        cfg.catalogue = rel(data["catalogue"], "catalogue")
    if data.get("profile"):
        cfg.profile = rel(data["profile"], "profile")
    if data.get("negative_list"):
        cfg.negative_list = rel(data["negative_list"], "negative_list")
    cfg.methods = _methods(data, path)
    report = data.get("report", {})
    if not isinstance(report, dict):
        raise ConfigError(f"配置文件 {path} 中 [report] 应是一个表")
    cfg.report_title = str(report.get("title", cfg.report_title))
    if report.get("template"):
        cfg.report_template = rel(report["template"], "report.template")
    if report.get("narrative"):
        cfg.report_narrative = str(rel(report["narrative"], "report.narrative"))
    _report_options(cfg, report, path)
    lim = data.get("limits", {})
    if not isinstance(lim, dict):
        raise ConfigError(f"配置文件 {path} 中 [limits] 应是一个表")
    cfg.suspicious_amount, cfg.limits, cfg.workers = _limits(lim, path)
    _ledger_options(cfg, data, path)
    cfg.serve = _serve_options(_table(data, "serve", path), path, root)
    return cfg


def _limits(lim: dict, path: Path) -> tuple[Decimal, Limits, int]:
    """[limits]: each value a number, or a message naming the one that is not."""
    def number(key: str, default: int) -> int:
        value = lim.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ConfigError(f"配置文件 {path} 中 [limits] {key} 应是不小于 0 的数字,如 {key} = {default}")
        return int(value)

    amount = lim.get("suspicious_amount", 100000)
    try:
        suspicious = Decimal(str(amount))
    except InvalidOperation:
        suspicious = Decimal("NaN")
    if isinstance(amount, bool) or not suspicious.is_finite():
        raise ConfigError(f"配置文件 {path} 中 [limits] suspicious_amount 应是金额(万元),如 suspicious_amount = 100000")
    base = Limits()
    limits = Limits(
        max_file_bytes=number("max_file_mb", base.max_file_bytes // 1048576) * 1048576,
        max_uncompressed_bytes=number("max_uncompressed_mb", base.max_uncompressed_bytes // 1048576) * 1048576,
        max_rows=number("max_rows", base.max_rows),
        max_cells=number("max_cells", base.max_cells),
        memory_bytes=number("memory_mb", base.memory_bytes // 1048576) * 1048576,
        seconds=number("seconds", base.seconds),
        wall_seconds=number("wall_seconds", 0) if "wall_seconds" in lim else None,
    )
    return suspicious, limits, number("workers", 0)


# tomllib's messages (Python 3.11-3.14) in Chinese; the position is said separately.
_TOML_MESSAGES = [
    (r"Illegal character '\\n'", "这一行的文字没有结束的引号(文字要用一对英文引号括起来,如 data = \"inbox\")"),
    (r"Illegal character (.+)", "有不允许的字符{0}"),
    (r"Found invalid character (.+)", "有不允许的字符{0}"),
    (r"Invalid value", "值写得不对(文字要加英文引号,如 output = \"output\";列表用方括号,如 data = [\"inbox\"])"),
    (r"Invalid statement", "无法识别这一行(每行应是「名称 = 值」、[表名] 或以 # 开头的注释)"),
    (r"Expected newline or end of document after a statement", "值的后面还有多余的内容(一行只能写一项)"),
    (r"Cannot overwrite a value", "同一项设置了两次"),
    (r"Cannot declare (.+) twice", "表 [{0}] 出现了两次"),
    (r"Cannot mutate immutable namespace (.+)", "不能再向 {0} 添加项"),
    (r"Cannot redefine namespace (.+)", "{0} 重复定义"),
    (r"Expected '\]' at the end of a table declaration", "表名后面缺少右方括号 ]"),
    (r"Expected '\]\]' at the end of an array declaration", "缺少 ]]"),
    (r"Expected '=' after a key in a key/value pair", "名称后面缺少等号 ="),
    (r"Invalid initial character for a key part", "名称写得不对(名称只能含字母、数字、_ 和 -;中文名称要加英文引号)"),
    (r"Unclosed array", "列表缺少右方括号 ]"),
    (r"Unclosed inline table", "缺少右花括号 }"),
    (r"Unterminated string", "文字没有结束的引号"),
    (r"Unescaped '\\' in a string", "引号中的反斜杠 \\ 要写两次(\\\\),或改用单引号,或把路径中的 \\ 改成 /"),
    (r"Invalid hex value", "转义序列中的十六进制数无效"),
    (r"Escaped character is not a Unicode scalar value", "转义的字符无效"),
    (r"Invalid date or datetime", "日期或时间无效(应如 2017-01-10)"),
    (r"Duplicate inline table key (.+)", "花括号中的{0}出现了两次"),
    (r"Expected (.+)", "缺少 {0}"),
]
_CHARS = {"\n": "(换行)", "\t": "(制表符)", "\r": "(回车)", " ": "(空格)"}


def _toml_part(text: str) -> str:
    """A key (``('report', 'title')``) or a character (``'\\x01'``) as tomllib quotes it, said plainly."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    if isinstance(value, tuple):
        return ".".join(map(str, value))
    if isinstance(value, str) and len(value) == 1:
        return _CHARS.get(value) or (f"「{value}」" if value.isprintable() else f"(字符 U+{ord(value):04X})")
    return f"「{value}」"


def toml_error(message: str, text: str = "") -> str:
    """tomllib's ``Illegal character '\\n' (at line 1, column 17)`` in Chinese: 第 1 行第 17 列:…, with
    the line itself; a message it does not know is said generically, still with line and column."""
    import re

    m = re.match(r"^(.*?)(?: \(at (?:line (\d+), column (\d+)|end of document)\))?$", message.strip(), re.S)
    what = m.group(1) if m else message
    said = "格式有误"
    for pattern, chinese in _TOML_MESSAGES:
        hit = re.fullmatch(pattern, what)
        if hit:
            said = chinese.format(*(_toml_part(g) for g in hit.groups()))
            break
    if m and m.group(2):
        line_no = int(m.group(2))
        lines = text.splitlines()
        line = lines[line_no - 1].strip() if 0 < line_no <= len(lines) else ""
        shown = f"(该行:「{line}」)" if line and len(line) <= 80 else ""
        return f"第 {line_no} 行第 {m.group(3)} 列{shown}:{said}"
    if m and "end of document" in message:
        return f"文件末尾:{said}"
    return said


def _report_options(cfg: Config, report: dict, path: Path) -> None:
    """[report] recipient (the 主送机关) and date (the 成文日期, 2017-01-10)."""
    recipient = report.get("recipient", "")
    if not isinstance(recipient, str):
        raise ConfigError(f"配置文件 {path} 中 [report] recipient 应是文字,如 recipient = \"自治区财政厅\"")
    cfg.report_recipient = recipient.strip().rstrip(":：")
    day = report.get("date")
    if day is None or day == "":
        return
    if isinstance(day, dt.datetime):
        day = day.date()
    if isinstance(day, str):
        try:
            day = dt.date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if not isinstance(day, dt.date):
        raise ConfigError(f"配置文件 {path} 中 [report] date 应是日期,如 date = \"2017-01-10\"")
    cfg.report_date = day


# Every key gps.toml may hold, by table ("": the top level; [catalogue] checks its own, in editions.py).
KEYS: dict[str, tuple[str, ...]] = {
    "": ("data", "output", "catalogue", "profile", "negative_list", "methods", "report", "limits", "ledger",
         "deadlines", "serve"),
    "report": ("title", "template", "narrative", "recipient", "date"),
    "limits": ("suspicious_amount", "max_file_mb", "max_uncompressed_mb", "max_rows", "max_cells", "memory_mb",
               "seconds", "wall_seconds", "workers"),
    "ledger": ("url",),
    "deadlines": ("quarter_days", "year_days"),
    "serve": ("host", "port", "public_url", "max_upload_mb", "workers", "queue_seconds", "log"),
}


def _check_keys(data: dict, path: Path) -> None:
    """A misspelt key is refused, naming the one meant: a setting silently not applied (a keyword
    list, a deadline) is worse than an error."""
    from .text import closest

    for table, allowed in KEYS.items():
        section = data if not table else data.get(table)
        if not isinstance(section, dict):
            continue
        for k in section:
            if k not in allowed:
                near = closest(k, list(allowed), cutoff=0.6)
                where = f"[{table}] 中" if table else ""
                hint = f";是否应为「{near}」?" if near else f";可用:{'、'.join(allowed)}"
                raise ConfigError(f"配置文件 {path} {where}有不认识的项「{k}」{hint}")


def _methods(data: dict, path: Path) -> tuple[str, ...]:
    """``methods``: the 购买方式 used here besides the law's."""
    methods = data.get("methods", [])
    if not isinstance(methods, list) or not all(isinstance(m, str) and m.strip() for m in methods):
        raise ConfigError(f"配置文件 {path} 中 methods 应是文字列表,如 methods = [\"定点采购\"]")
    return tuple(m.strip() for m in methods)


def _ledger_options(cfg: Config, data: dict, path: Path) -> None:
    """[ledger] and [deadlines]."""
    ledger = _table(data, "ledger", path)
    if ledger.get("url"):
        if not isinstance(ledger["url"], str):
            raise ConfigError(f"配置文件 {path} 中 [ledger] url 应是字符串,如 \"postgresql://gps@db.example/gps\"")
        cfg.ledger_url = ledger["url"]
    deadlines = _table(data, "deadlines", path)
    for key in ("quarter_days", "year_days"):
        if key in deadlines:
            value = deadlines[key]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 366:
                raise ConfigError(f"配置文件 {path} 中 [deadlines] {key} 应是 0 到 366 之间的天数")
            setattr(cfg, key, value)


def _table(data: dict, name: str, path: Path) -> dict:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"配置文件 {path} 中 [{name}] 应是一个表")
    return value


SERVE_NUMBERS = {"port": (1, 65535), "max_upload_mb": (1, 1024), "workers": (1, 64), "queue_seconds": (1, 3600)}


def _serve_options(serve: dict, path: Path, root: Path) -> dict:
    """[serve]: numbers in range, texts as texts, the log a path relative to the workspace."""
    out: dict = {}
    for key, (low, high) in SERVE_NUMBERS.items():
        if key in serve:
            value = serve[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"配置文件 {path} 中 [serve] {key} 应是 {low} 到 {high} 之间的整数")
            out[key] = value
    for key in ("host", "public_url", "log"):
        if key in serve:
            if not isinstance(serve[key], str) or not serve[key].strip():
                raise ConfigError(f"配置文件 {path} 中 [serve] {key} 应是文字")
            out[key] = serve[key].strip()
    if "log" in out:
        log = Path(out["log"])
        out["log"] = log if log.is_absolute() else root / log
    return out
