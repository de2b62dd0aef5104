"""gps status: 报送情况 of a period, from the ledger."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import ForceOpt, guard, out, say, shown
from .ledger_cmd import PeriodOpt, open_ledger


class StatusFormat(str, Enum):
    table = "table"
    json = "json"
    xlsx = "xlsx"


@app.command("status")
@guard
def status_command(
    period: PeriodOpt,
    fmt: Annotated[StatusFormat, typer.Option("--format", "-f", help="输出格式:table、json 或 xlsx(xlsx 须同时给 --out)")] = StatusFormat.table,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="写入文件(.xlsx 或 .json)", show_default=False)] = None,
    remind: Annotated[bool, typer.Option("--remind", help="催报:只列出未报送(含逾期未报)和有错误待更正的地区,并给出可直接发送的催报通知")] = False,
    force: ForceOpt = False,
) -> None:
    """报送情况:地区名单中每个地区本期是已报送、零报告、有错误待更正还是未报送,是否逾期。

    示例:gps status --period 2017Q4 --remind

    逾期按 gps.toml 的 [deadlines] 计算(quarter_days = 25:季度结束后 25 天内报送)。
    """
    from ..errors import UsageError
    from ..periods import Period
    from ..profile import load as load_profile

    p = Period.parse(period)
    if out_path is not None and out_path.suffix.lower() not in (".xlsx", ".json"):
        raise UsageError(f"输出文件 {out_path} 的扩展名应为 .xlsx 或 .json")
    if fmt is StatusFormat.xlsx and out_path is None:
        raise UsageError("--format xlsx 须同时用 --out 指定文件,如 --out 报送情况.xlsx")
    if out_path is not None:
        from ..outputs.atomic import check_target

        check_target(out_path, force)
    ledger, cfg = open_ledger()
    say(f"账本:{ledger.name}")
    st = ledger.status(p, load_profile(cfg.profile).names(), cfg.deadline(p))
    if remind:
        st.lines = [x for x in st.lines if x.needs_reminder]
    if out_path is not None:
        _write(st, out_path, force)
        say(f"已写入:{out_path}")
    if fmt is StatusFormat.json and out_path is None:
        from ..outputs.safe import json_text

        sys.stdout.write(json_text(st.to_dict()) + "\n")
    elif out_path is None or fmt is StatusFormat.table:
        _print(st, remind)


def _print(st, remind: bool) -> None:
    from ..money import display
    from ..periods import local_text
    from .fit import Head, lines, table, text

    deadline = f",截止 {st.deadline.isoformat()}" if st.deadline else ""
    locked = ",已锁定" if st.locked else ""
    title = f"{st.period.text}报送情况{deadline}{locked}"
    heads = [Head("地区"), Head("状态"), Head("版本", number=True), Head("收到时间", whole=True), Head("项目", number=True),
             Head("金额(万元)", number=True), Head("错误", number=True), Head("报送单位")]
    rows = [[text(x.jurisdiction), x.shown_status, str(x.version or ""), local_text(x.received_at),
             str(x.rows) if x.counted else "", display(x.amount) if x.rows else "", str(x.errors or ""),
             text("、".join(x.submitters))] for x in st.lines]
    t = table(heads, rows, out().width, title=title)  # every cell whole, the texts wrapped (cli/fit.py)
    if t is not None:
        out().print(t)
    else:
        out().print(text(title))
        lines(out(), heads, rows)
    counts: dict[str, int] = {}
    for x in st.lines:
        counts[x.status] = counts.get(x.status, 0) + 1
    say(";".join(f"{k} {v} 个" for k, v in counts.items()) + (f";其中逾期 {sum(x.overdue for x in st.lines)} 个"
                                                              if any(x.overdue for x in st.lines) else ""))
    if remind:
        for notice in reminders(st):
            out().print(shown(notice))


def reminders(st) -> list[str]:
    """The 催报 notices: those with nothing accepted are asked to report; those whose later file has
    errors (an accepted version or not) are asked to correct it, not "to report"."""
    until = f"(报送期限:{st.deadline.isoformat()})" if st.deadline else ""
    missing = [x.jurisdiction for x in st.lines if x.needs_reminder and not x.counted and not x.errors]
    fixing = [x.jurisdiction for x in st.lines if x.needs_reminder and (x.counted or x.errors)]
    said = []
    if missing:
        said.append(f"催报通知:请{'、'.join(missing)}尽快报送{st.period.text}政府购买服务项目表{until};"
                    "本期确无项目的,请报送空白模板(零报告)。")
    if fixing:
        said.append(f"更正通知:{'、'.join(fixing)}报送的{st.period.text}政府购买服务项目表有错误,"
                    f"请按问题标注改正后重新报送{until}。")
    return said


def _write(st, path: Path, force: bool) -> None:
    from ..outputs import owned
    from ..outputs.atomic import write_bytes
    from ..outputs.safe import json_text
    from ..outputs.status import status_xlsx

    if path.suffix.lower() == ".json":
        write_bytes(path, (json_text(st.to_dict()) + "\n").encode("utf-8"), force=force)
    else:
        write_bytes(path, status_xlsx(st), force=force)
    owned.tag(path, role="status")
