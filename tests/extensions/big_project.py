"""An example record rule, written the documented way (README "如何扩展"): one module, a code with
its templates, one function over a sheet's columns."""

from decimal import Decimal

from gpscli.checks import Finding, record_rule
from gpscli.codes import IssueType, Severity, Template, register
from gpscli.money import display

LIMIT = Decimal(500)

register(IssueType("big-project", Severity.WARNING, "单个项目超过 500 万元", "单个项目金额超过 500 万元,需附论证材料",
                   {"": Template("{cell}:项目「{name}」金额 {amount} 万元,超过 500 万元", "请附上项目论证材料")}))


@record_rule(("big-project",))
def big_project(b, opts):
    for i, a in enumerate(b.amount):
        if a > LIMIT:
            yield i, "amount", Finding("big-project", {"name": b.name[i], "amount": display(a)}, value=str(a))
