"""Chinese for the few English words Typer's help and errors print.

Typer does not translate its own help scaffolding ("Usage:", "Options", "Show this message and
exit."), and the clerks who use gps read Chinese. This adjusts those strings through small,
guarded patches: if a future Typer moves them, gps keeps working and merely shows English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_WORDS = {
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "required": "必填",
    "default: {default}": "默认:{default}",
    "Show this message and exit.": "显示本帮助并退出。",
}
_PHRASES = [
    ("Possible options", "可用的选项"),
    ("Did you mean", "是否想用"),
    ("No such option", "没有这个选项"),
    ("No such command", "没有这个命令"),
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("Invalid value for", "取值无效:"),
    ("Input should be a valid integer, unable to parse string as an integer", "应为整数(如 2016)"),
    ("Input should be a valid number, unable to parse string as a number", "应为数字"),
    ("Input should be a valid integer", "应为整数"),
    ("Input should be a valid number", "应为数字"),
    ("requires an argument.", "需要一个值。"),
    ("requires an argument", "需要一个值"),
    ("Option '", "选项 '"),
    ("is not a valid integer", "不是有效的整数"),
    ("is not a valid float", "不是有效的数字"),
    ("is not in the range", "不在允许的范围"),
    ("Input should be less than or equal to", "应不大于"),
    ("Input should be greater than or equal to", "应不小于"),
    ("Got unexpected extra argument", "多余的参数"),
    ("Got unexpected extra arguments", "多余的参数"),
    ("does not exist", "不存在"),
    ("is not one of", "不是以下之一:"),
    ("Value error, ", ""),
]


def translate(text: str) -> str:
    for en, zh in _PHRASES:
        text = text.replace(en, zh)
    return text


def _replace(owner: type, name: str, function: Callable[..., Any]) -> None:
    """Put ``function`` in place of the method ``name`` of one of Typer's classes: patching a class
    is what this module is for, and mypy rightly refuses it as a plain assignment."""
    setattr(owner, name, function)


def install() -> None:
    try:
        import typer.core as tcore
        from typer._click import core as ccore
        from typer._click import formatting
    except ImportError:  # pragma: no cover - another Typer layout: stay in English
        return
    original = getattr(tcore, "_", None)
    if callable(original):
        def chinese_word(message: str) -> str:
            return _WORDS.get(message, original(message))

        tcore._ = chinese_word
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
