"""Chinese for the few English words Typer's help and errors print, and help laid out for Chinese.

Typer does not translate its own help scaffolding ("Usage:", "Options", "Show this message and
exit."), and the clerks who use gps read Chinese. This adjusts those strings through small,
guarded patches: if a future Typer moves them, gps keeps working and merely shows English.

Help is laid out in display cells (:mod:`.zhwidth`: a Chinese character takes two columns), and
ranges read in Chinese.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from typing import Any

_WORDS = {
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认:{default}",
    "Show this message and exit.": "显示本帮助并退出。",
    "Missing command.": "缺少命令。",
    "Aborted!": "已中断。",
    "(dynamic)": "(运行时确定)",
}
SHARED_SECTION = "全局选项"  # the options every command takes (--config, -q, -v, --log, --debug)
SHARED = "gps_shared"  # the attribute that marks a command's copy of a global option
_PHRASES = [
    ("Possible options", "相近的选项"),
    ("Did you mean", "是否想用"),
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("Missing parameter", "缺少参数"),
    ("Missing command", "缺少命令"),
    ("Invalid value for", "取值无效:"),
    ("Invalid value", "取值无效"),
    ("Input should be a valid integer, unable to parse string as an integer", "应为整数(如 2016)"),
    ("Input should be a valid number, unable to parse string as a number", "应为数字"),
    ("Input should be a valid integer, got a number with a fractional part", "应为整数"),
    ("Input should be a finite number", "应为有限的数字"),
    ("Input should be a valid integer", "应为整数"),
    ("Input should be a valid number", "应为数字"),
    ("Input should be a valid string", "应为文字"),
    ("Input should be a valid path", "应为路径"),
    ("requires an argument.", "需要一个值。"),
    ("requires an argument", "需要一个值"),
    ("does not take a value", "不接受取值"),
    ("Option '", "选项 '"),
    ("is not a valid integer", "不是有效的整数"),
    ("is not a valid float", "不是有效的数字"),
    ("is not in the range", "不在允许的范围"),
    ("Input should be less than or equal to", "应不大于"),
    ("Input should be greater than or equal to", "应不小于"),
    ("Input should be less than", "应小于"),
    ("Input should be greater than", "应大于"),
    ("Got unexpected extra arguments", "多余的参数"),
    ("Got unexpected extra argument", "多余的参数"),
    ("does not exist", "不存在"),
    ("is a directory", "是文件夹,应为文件"),
    ("is a file", "是文件,应为文件夹"),
    ("is not readable", "无法读取"),
    ("is not writable", "无法写入"),
    ("is not one of", "不是以下之一:"),
    ("Value error, ", ""),
]
# Whole messages said again in Chinese (before the phrase table, which catches the rest).
_MESSAGES = [
    (re.compile(r"^(.*?) is not one of (.*?)\.?$", re.S),
     lambda m: f"{_quoted(m.group(1))}不是可选的值;可选:{'、'.join(_unquote(c) for c in m.group(2).split(', '))}"),
    (re.compile(r"^Got unexpected extra arguments?(?:\(s\))? \((.*)\)$", re.S), lambda m: f"多余的参数「{m.group(1)}」"),
    (re.compile(r"^No such command '(.*?)'\.(?: Did you mean (.*)\?)?$", re.S),
     lambda m: f"没有「{m.group(1)}」这个命令" + (f";是否想用 {_unquote(m.group(2))}?" if m.group(2) else "")),
    (re.compile(r"^Value (.*) is not a valid (.*?)\.?$", re.S), lambda m: f"{_quoted(m.group(1))}不是有效的取值"),
    (re.compile(r"^(?:Path|File|Directory) '(.*)' does not exist\.?$", re.S), lambda m: f"「{m.group(1)}」不存在"),
    (re.compile(r"^Option '(.*?)' requires (\d+) arguments\.?$", re.S),
     lambda m: f"选项 '{m.group(1)}' 需要 {m.group(2)} 个值"),
    (re.compile(r"^Argument '(.*?)' takes (\d+) values\.?$", re.S), lambda m: f"参数「{m.group(1)}」需要 {m.group(2)} 个值"),
]


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _quoted(text: str) -> str:
    return f"「{_unquote(text)}」"


def translate(text: str) -> str:
    """A Typer/Click/pydantic message in Chinese (whole known messages first, then known phrases)."""
    text = text.replace("Value error, ", "")
    for pattern, said in _MESSAGES:
        m = pattern.match(text.strip())
        if m:
            return said(m)
    for en, zh in _PHRASES:
        text = text.replace(en, zh)
    return text


def _hint(exc: Any) -> str:
    """The option or argument a usage error is about: ``--format / -f``, 「路径」."""
    param = getattr(exc, "param", None)
    if getattr(exc, "param_hint", None) is not None:
        hint = exc.param_hint
        return " / ".join(hint) if isinstance(hint, (list, tuple)) else _unquote(str(hint))
    if param is None:
        return ""
    if param.param_type_name == "argument":
        return f"「{getattr(param, 'metavar', None) or param.name}」"
    return " / ".join(param.opts)


def _choices(param: Any) -> list[str]:
    choices = getattr(getattr(param, "type_descriptor", None), "choices", None) or getattr(
        getattr(param, "type", None), "choices", None) or []
    return [str(getattr(c, "value", c)) for c in choices]


def usage_message(exc: Any) -> str:
    """A usage error (Click's exception) said in Chinese, from what it is about rather than its text."""
    try:
        said = _usage_message(exc)
    except Exception:  # an unforeseen Click: its own message, through the phrase table
        said = translate(exc.format_message() if hasattr(exc, "format_message") else str(exc))
    said = said.strip().rstrip(".")
    return said if said.endswith(("。", "?", "!", "?", "!")) else f"{said}。"


def _usage_message(exc: Any) -> str:
    kind = type(exc).__name__
    hint = _hint(exc)
    if kind == "NoSuchOption":
        near = sorted(getattr(exc, "possibilities", None) or [])
        said = f"没有 {exc.option_name} 这个选项" + (f";相近的选项:{'、'.join(near)}" if near else "")
    elif kind == "MissingParameter" and hint:
        is_argument = getattr(exc.param, "param_type_name", "") == "argument"
        said = f"缺少参数{hint}" if is_argument else f"缺少必填的选项 {hint}"
        choices = _choices(exc.param)
        said += f"(可选:{'、'.join(choices)})" if choices else ""
    elif kind == "BadParameter" and hint:
        said = f"{hint} 的取值无效:{translate(exc.message).rstrip('.。')}"
    elif hasattr(exc, "format_message"):
        said = translate(exc.message if kind == "BadOptionUsage" else exc.format_message())
    else:
        said = translate(str(exc))
    return said


from .zhwidth import CellWrapping, cells, short_help  # noqa: E402  (help laid out in display cells)


def _number(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def number_range(low: float | None, high: float | None) -> str | None:
    if low is None and high is None:
        return None
    if low is None:
        return f"不大于 {_number(high)}"
    if high is None:
        return f"不小于 {_number(low)}"
    return f"范围:{_number(low)}–{_number(high)}"


def _extra(help: str) -> str:
    """``… [默认:60.0; 不小于 0]`` → ``… [默认:60;不小于 0]``."""
    def tidy(m: re.Match) -> str:
        inner = re.sub(r"(默认:\d+)\.0(?=;|$)", r"\1", m.group(1).replace("; ", ";"))
        return f"[{inner}]"

    return re.sub(r"\[([^\[\]]*)\]$", tidy, help)


def format_options(self: Any, ctx: Any, formatter: Any) -> None:
    """Typer's arguments and options, with the global options every command takes in their own section."""
    sections: dict[str, list[tuple[str, str]]] = {_WORDS["Arguments"]: [], _WORDS["Options"]: [], SHARED_SECTION: []}
    for param in self.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        if getattr(param, SHARED, False):
            sections[SHARED_SECTION].append(record)
        else:
            sections[_WORDS["Arguments" if param.param_type_name == "argument" else "Options"]].append(record)
    first = [cells(row[0]) for rows in sections.values() for row in rows]
    column = min(max(first, default=0), 30)  # one description column for all sections
    for title, rows in sections.items():
        if rows:
            with formatter.section(title):
                formatter.write_dl([(a + " " * (column - cells(a)), b) for a, b in rows])


def _replace(owner: object, name: str, function: Callable[..., Any]) -> None:
    """Put ``function`` in place of ``name`` in one of Typer's classes or modules: patching them
    is what this module is for, and mypy rightly refuses it as a plain assignment."""
    setattr(owner, name, function)


def install() -> None:
    try:
        import typer.core as tcore
        from typer._click import _textwrap, formatting
        from typer._click import core as ccore
    except ImportError:  # pragma: no cover - another Typer layout: stay in English
        return
    _words(tcore)
    _layout(tcore, ccore, formatting, _textwrap)
    write_usage = formatting.HelpFormatter.write_usage

    def chinese_usage(self, prog, args="", prefix=None):
        return write_usage(self, prog, args, "用法:" if prefix is None else prefix)

    _replace(formatting.HelpFormatter, "write_usage", chinese_usage)
    get_help_option = getattr(ccore.Command, "get_help_option", None)
    if get_help_option is None:  # pragma: no cover
        return

    def chinese_help_option(self, ctx):
        opt = get_help_option(self, ctx)
        if opt is not None and opt.help == "Show this message and exit.":
            opt.help = _WORDS[opt.help]
        return opt

    _replace(ccore.Command, "get_help_option", chinese_help_option)
    _types(tcore, ccore)


def _words(tcore: Any) -> None:
    original = getattr(tcore, "_", None)
    if callable(original):
        def chinese_word(message: str) -> str:
            return _WORDS.get(message, original(message))

        tcore._ = chinese_word
    if callable(getattr(tcore, "describe_number_range", None)):
        _replace(tcore, "describe_number_range", number_range)
    for cls in (getattr(tcore, "TyperOption", None), getattr(tcore, "TyperArgument", None)):
        record = cls.__dict__.get("get_help_record") if cls is not None else None
        if record is not None:
            _replace(cls, "get_help_record", (lambda f: lambda self, ctx: (
                lambda rv: rv if rv is None else (rv[0], _extra(rv[1])))(f(self, ctx)))(record))


def _layout(tcore: Any, ccore: Any, formatting: Any, wrapping: Any) -> None:
    """Widths in display cells, Chinese line breaking, short help by sentence, the global options' section."""
    if callable(getattr(formatting, "term_len", None)):
        _replace(formatting, "term_len", cells)
    base = getattr(wrapping, "TextWrapper", None)
    if isinstance(base, type) and issubclass(base, textwrap.TextWrapper) and not issubclass(base, CellWrapping):
        _replace(wrapping, "TextWrapper", type("CellWrapper", (CellWrapping, base), {}))
    if callable(getattr(ccore, "make_default_short_help", None)):
        _replace(ccore, "make_default_short_help", short_help)
    if callable(getattr(tcore, "_typer_format_options", None)):
        _replace(tcore, "_typer_format_options", format_options)


def _types(tcore: Any, ccore: Any) -> None:
    types = {"int range": "整数", "int": "整数", "str": "文本", "path": "路径", "list[Path]": "路径",
             "list[path]": "路径", "float range": "秒数", "float": "数字", "list[str]": "文本"}
    types = {f"<{k}>": f"<{v}>" for k, v in types.items()}
    display_type = getattr(tcore._TyperParameter, "display_type", None)
    if display_type is not None:
        def chinese_type(self, ctx):
            shown = display_type(self, ctx)
            return types.get(shown, shown)

        _replace(tcore._TyperParameter, "display_type", chinese_type)
    usage = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}
    for cls in (ccore.Command, tcore.TyperCommand, tcore.TyperGroup):
        pieces = cls.__dict__.get("collect_usage_pieces")
        if pieces is not None:
            _replace(cls, "collect_usage_pieces", (lambda f: lambda self, ctx: [usage.get(p, p) for p in f(self, ctx)])(pieces))
