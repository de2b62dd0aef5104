"""Exceptions: conditions under which gps cannot go on (bad config, bad template...).

Problems *in the data* are never exceptions: they are :class:`gpscli.issues.Issue` values.
The CLI turns a :class:`GpsError` into a Chinese message and exit status 2 (usage) or 1.
"""


class GpsError(Exception):
    """Base of every exception gps raises on purpose. ``str(e)`` is a Chinese message."""

    exit_code = 1


class UsageError(GpsError):
    """The user asked for something impossible: a missing path, a bad option value."""

    exit_code = 2


class ConfigError(UsageError):
    """gps.toml, a catalogue or a profile file is malformed."""


class TemplateError(GpsError):
    """A report template cannot be rendered (bad tag, unknown variable)."""


class DataError(GpsError):
    """The data has errors and the requested output would be wrong."""


class LockError(GpsError):
    """Another gps run holds the workspace lock."""


# What an exception means, in Chinese, by class name (the first match along its class's MRO): the
# clerk sees this where a message used to show Python's class name (BadZipFile, XMLSyntaxError).
_DESCRIPTIONS = {
    "BadZipFile": "压缩结构损坏", "LargeZipFile": "压缩包过大", "error": "压缩数据损坏",  # zlib.error
    "EOFError": "文件意外结束,可能不完整", "KeyError": "缺少必需的部件",
    "UnicodeError": "文字编码无法识别", "MemoryError": "内存不足", "RecursionError": "结构嵌套过深",
    "PermissionError": "没有访问权限", "FileNotFoundError": "文件不存在", "IsADirectoryError": "这是文件夹,不是文件",
    "TimeoutError": "超时", "OSError": "系统读写错误",
    "XMLSyntaxError": "XML 结构错误", "ParseError": "XML 结构错误", "ParserError": "结构无法解析",
    "DTDForbidden": "含有不允许的 XML 文档类型声明", "EntitiesForbidden": "含有不允许的 XML 实体",
    "DefusedXmlException": "含有不安全的 XML 内容",
    "CalamineError": "表格内容无法解析", "PasswordError": "文件已加密",
    "TemplateSyntaxError": "模板语法错误", "UndefinedError": "用到了没有的变量", "TemplateError": "模板错误",
    "ZeroDivisionError": "除以零", "OverflowError": "数值过大", "IndexError": "位置超出范围",
    "ValueError": "数据格式不对", "TypeError": "数据类型不对", "AttributeError": "缺少所需的属性",
}


def describe(exc: BaseException) -> str:
    """``exc`` said in Chinese without Python's class name: 压缩结构损坏, 文件意外结束…"""
    for cls in type(exc).__mro__:
        said = _DESCRIPTIONS.get(cls.__name__)
        if said:
            return said
    return "无法识别的错误"
