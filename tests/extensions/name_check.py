"""An example cell check, written the documented way (README "如何扩展"): one module, a code with
its templates, one function over a field's cells."""

from gpscli.checks import Finding, cell_check
from gpscli.codes import IssueType, Severity, Template, register

register(IssueType("test-project", Severity.WARNING, "项目名称像是测试数据", "项目名称中有“测试”二字,可能是试填的数据",
                   {"": Template("{cell}:项目名称「{text}」像是测试数据", "如是试填的行,请删除后重新报送")}))


@cell_check("name", ("test-project",))
def looks_like_a_test(text, value):
    if "测试" in text:
        return [Finding("test-project", {"text": text}, value=text)]
    return None
