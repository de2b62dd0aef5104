"""What the project register (财政部令第102号's fields, :mod:`gpscli.register`) adds to section 二:
how much was bought from 社会组织, how much by 单一来源, how many contracts run over a year, and
budgets against what was paid, each where the submissions give the fields and from the same rows
the report counts. None where no row gives them: the template then says nothing of them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from . import fmt
from .model import Line

if TYPE_CHECKING:
    from ..aggregate import Aggregation

SOCIAL_ORG, SINGLE_SOURCE = "社会组织", "单一来源采购"


@dataclass(frozen=True)
class BudgetPaid:
    """Rows that give both 预算金额 and 执行数: how many, and the two sums."""

    count: int
    budget: Decimal
    paid: Decimal

    @property
    def items(self) -> str:
        return fmt.items(self.count)

    @property
    def rate(self) -> Decimal | None:
        return (self.paid * 100 / self.budget).quantize(Decimal("0.01")) if self.budget else None

    @property
    def rate_text(self) -> str:
        return fmt.percent(self.rate)


@dataclass(frozen=True)
class RegisterFigures:
    social_org: Line | None  # bought from 社会组织 (承接主体类型); share of the year's whole amount
    single_source: Line | None  # by 单一来源采购 (购买方式); share of the year's whole amount
    multi_year: Line | None  # contracts over a year (合同期限, or 合同起止日期)
    budget_paid: BudgetPaid | None

    def __bool__(self) -> bool:
        return any((self.social_org, self.single_source, self.multi_year, self.budget_paid))


class _Tally:
    def __init__(self) -> None:
        self.count, self.amount = 0, Decimal(0)

    def add(self, amount: Decimal) -> None:
        self.count += 1
        self.amount += amount

    def line(self, name: str, total: Decimal) -> Line | None:
        share = (self.amount * 100 / total).quantize(Decimal("0.01")) if total else None
        return Line(name, self.count, self.amount, share) if self.count else None


def build_register(agg: Aggregation) -> RegisterFigures | None:
    """The register's figures of the rows ``agg`` counted (None when it has no rows to look at, as
    an aggregation summed by the database, or when no row gives a register field)."""
    social, single, multi = _Tally(), _Tally(), _Tally()
    both, budget, paid = 0, Decimal(0), Decimal(0)
    seen_register = False
    for b, keep in agg.views:
        seen_register = seen_register or bool(b.extra)
        kinds, terms, budgets, paids = b.supplier_type, b.term, b.budget, b.paid
        for i in range(len(b.row)) if keep is None else keep:
            amount = b.amount[i]
            if kinds[i] == SOCIAL_ORG:
                social.add(amount)
            if b.method[i] == SINGLE_SOURCE:
                single.add(amount)
            if terms[i] is not None and terms[i] > 12:
                multi.add(amount)
            if budgets[i] is not None and paids[i] is not None:
                both += 1
                budget += budgets[i]
                paid += paids[i]
    if not seen_register and not single.count:
        return None
    total = agg.total.amount
    figures = RegisterFigures(social.line(SOCIAL_ORG, total), single.line(SINGLE_SOURCE, total),
                              multi.line("多年合同", total), BudgetPaid(both, budget, paid) if both else None)
    return figures if figures else None
