"""gps ingest, gps history, gps lock / unlock, gps db upgrade: the ledger's commands (status: status_cmd)."""

from __future__ import annotations

import datetime as dt
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import EXIT_DATA, Progress, err, guard, load_config, out, say, warn

PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="期间:2017Q4(季度)、2017(全年),或 auto(最近一个已结束的季度)", show_default=False)]


class TableOrJson(str, Enum):
    table = "table"
    json = "json"


def open_ledger(create: bool = False):
    """The workspace's ledger (gps.sqlite beside gps.toml, or [ledger] url / GPS_LEDGER_URL)."""
    from ..errors import UsageError
    from ..ledger import Ledger

    cfg = load_config()
    url = cfg.ledger()
    if url is None:
        raise UsageError("找不到账本:当前文件夹及上级文件夹中没有 gps.toml;请先运行 gps init 新建工作区"
                         "(账本 gps.sqlite 建在工作区中),或用 --config 指定,或设置 GPS_LEDGER_URL")
    ledger = Ledger.open(url, create=create)
    if ledger.on_network_share():
        warn(f"警告:账本 {ledger.name} 在网络共享文件夹上,SQLite 在网络共享上的加锁不可靠,多人同时写入可能损坏账本;"
             "请把工作区放在本机磁盘上,多人共用时请改用 PostgreSQL(gps.toml 的 [ledger] url)")
    return ledger, cfg


def from_ledger(paths, **ledger_options) -> bool:
    """Does a command given these paths read the ledger? Yes with no path in a workspace that has
    one; options that only the ledger can answer, given with paths, are a usage error."""
    from ..errors import UsageError
    from ..ledger import engine

    if paths:
        given = [f"--{k.replace('_', '-')}" for k, v in ledger_options.items() if v]
        if given:
            raise UsageError(f"{'、'.join(given)} 用于从账本汇总:请不给路径,在有账本的工作区中运行")
        return False
    cfg = load_config()
    if engine.exists(cfg.ledger()):
        return True
    given = [f"--{k.replace('_', '-')}" for k, v in ledger_options.items() if v]
    if given:
        raise UsageError(f"{'、'.join(given)} 需要账本,但工作区中还没有(先用 gps ingest 导入报送的表格)")
    return False


def ledger_period(year: int | None, period: str | None, as_of: str | None):
    """The ledger, gps.toml, the period (``--period``, else the year ``--year``) and the moment (UTC,
    None for now) an output from the ledger is about."""
    from ..errors import UsageError
    from ..periods import Period, parse_time

    if period is not None:
        p = Period.parse(period)
        if year is not None and year != p.year:
            raise UsageError(f"--year {year} 与 --period {p.label} 不一致")
    elif year is not None:
        p = Period(year)
    else:
        raise UsageError("从账本汇总时请用 --year(全年)或 --period(如 2017Q4)指定期间")
    at = parse_time(as_of, "--as-of", end_of_day=True) if as_of else None
    ledger, cfg = open_ledger()
    return ledger, cfg, p, at


def said_basis(ledger, p, at, used: int) -> None:
    from ..periods import local_text

    say(f"数据来自账本 {ledger.name}:{p.text}各报送单位的当前版本({used} 个)" + (f",截至 {local_text(at)}" if at else ""))


@app.command("ingest")
@guard
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(metavar="路径", help="报送的文件或文件夹", show_default=False)],
    period: PeriodOpt,
    reason: Annotated[str | None, typer.Option("--reason", help="重新报送的原因(如 更正奇台县金额);期间已锁定时必须填写", show_default=False)] = None,
    received: Annotated[str | None, typer.Option("--received", help="收到文件的日期或时间(补录往年文件时用,如 2017-01-20);默认为现在", show_default=False)] = None,
    submitter: Annotated[str | None, typer.Option("--submitter", help="报送单位(默认从文件名识别,如 州本级-其他部门)", show_default=False)] = None,
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="表中和文件名中都没有地区时使用的地区", show_default=False)] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="输出格式:table 或 json")] = TableOrJson.table,
) -> None:
    """校验报送的表格并记入账本:每个收到的文件都保留为一个版本(原文件、行、问题、时间、导入人)。

    示例:gps ingest inbox/ --period 2017Q4

    同一文件再次导入会被认出,不新建版本;有错误的文件也会记录(连同问题),但不成为该地区的当前版本。
    期间已锁定(gps lock)时,新版本必须用 --reason 说明更正原因,记为“更正”。
    退出状态:0 全部记入且无错误;1 有文件有错误或被拒绝,或没有找到报送表格;2 用法错误。
    """
    from ..errors import UsageError
    from ..ledger import Request
    from ..periods import Period, parse_time

    p = Period.parse(period)
    if reason is not None and not reason.strip():
        raise UsageError("--reason 不能为空")
    req = Request(p, reason.strip() if reason else None, parse_time(received, "--received") if received else None,
                  submitter.strip() if submitter else None, None)
    if req.received is not None and req.received > dt.datetime.now(dt.UTC).replace(tzinfo=None):
        raise UsageError(f"--received「{received}」晚于现在;请写收到文件的日期(补录往年文件时用)")
    ledger, cfg = open_ledger(create=True)
    if jurisdiction:
        req.jurisdiction = _profile(cfg).canonical(jurisdiction)
    with Progress("读取并校验") as progress:
        report = ledger.ingest(paths, req, load_options=cfg.load_options(), progress=progress)
    if not report.outcomes and not report.skipped:
        from .common import nothing_found

        raise nothing_found(paths, 0)
    if fmt is TableOrJson.json:
        from ..outputs.safe import json_text

        sys.stdout.write(json_text(_report_dict(report, p)) + "\n")
    else:
        _print_report(report, p)
    if not report.ok:
        raise typer.Exit(EXIT_DATA)


def _profile(cfg):
    from .. import profile

    return profile.load(cfg.profile)


def _report_dict(report, period) -> dict:
    from ..money import amount_str

    files = []
    for o in report.outcomes:
        files.append({"path": o.path, "status": o.status, "message": o.message or None,
                      "jurisdiction": o.jurisdiction or None, "submitter": o.submitter or None,
                      "version": o.number or None, "accepted": o.accepted, "zero_report": o.zero,
                      "rows": o.rows, "amount": amount_str(o.amount), "errors": o.errors, "warnings": o.warnings,
                      "other_year_rows": o.other_rows, "correction": o.correction,
                      "replaced_rows": o.replaced_rows, "replaces": _replaces_dict(o)})
    issues = [i.to_dict(with_path=True) for o in report.outcomes for i in o.issues]
    return {"period": period.label, "ok": report.ok, "files": files, "issues": issues,
            "skipped": [i.to_dict(with_path=True) for i in report.skipped]}


def _replaces_dict(o) -> dict | None:
    """The version a new one superseded when it lacks some of that version's projects."""
    from ..money import amount_str

    r = o.replaced
    if r is None:
        return None
    return {"version": r.number, "rows": r.rows, "amount": amount_str(r.amount), "dropped_rows": r.dropped}


MANY_FILES = 30


def _print_report(report, period) -> None:
    from ..ledger import KNOWN, NEW
    from .validate_cmd import print_issue_table, print_warnings

    recorded = known = refused = 0
    other = [o for o in report.outcomes if o.status == NEW and o.other_rows]
    quiet = len(report.outcomes) > MANY_FILES  # then only the files that need a look are listed
    for o in report.outcomes:
        name = Path(o.path).name
        if o.status == KNOWN:
            known += 1
            if not quiet:
                say(f"{name}:{o.message}")
        elif o.status == NEW:
            recorded += 1
            _print_new(o, name, period, quiet)
        else:
            refused += 1
            warn(f"{name}:未记录。{o.message}")
    found = [i for o in report.outcomes for i in o.issues]
    errors = [i for i in found if i.is_error]
    if errors:
        print_issue_table(err(), errors, title="错误", with_file=True)
    print_warnings(err(), [i for i in found if not i.is_error])
    if report.skipped:
        print_issue_table(err(), report.skipped, title="无法读取的路径", with_file=True)
    if other:
        say(f"{len(other)} 个文件中另有 {sum(o.other_rows for o in other)} 行属于其他年度,不计入本次 {period.label} 的报送"
            f"(需要时以相应的 --period 另行导入)")
    if quiet:
        say("(文件较多,上面只列出有错误、零报告或需注意的文件;--format json 列出每个文件)")
    say(f"{period.label}:新记录 {recorded} 个版本,已有 {known} 个,未记录 {refused} 个")


def _print_new(o, name: str, period, quiet: bool) -> None:
    """What became of a file recorded as a new version: the warnings whatever the flags."""
    from ..ledger.store import dropped_text
    from ..money import display

    head = f"{name} → {o.submitter} {period.label} 第 {o.number} 版"
    if o.correction:
        head += "(更正)"
    if not o.accepted:
        warn(f"{head}:有 {o.errors} 个错误,已记录,但不作为当前版本;请报送单位改正后重新报送")
    elif o.zero:
        say(f"{head}:零报告(有表头,没有项目行)")
        if o.replaced_rows:
            warn(f"  注意:{o.submitter}此前的当前版本有 {o.replaced_rows} 个项目,这份零报告取代它之后,"
                 f"本期该单位为 0;如是误报了空白模板,请让其重报")
    elif not quiet:
        say(f"{head}:{o.rows} 个项目,{display(o.amount)} 万元")
    if o.replaced is not None:  # projects the new version lacks are gone from the period's state
        warn(f"{name}:{dropped_text(o, period.label)}" if quiet else f"  警告:{dropped_text(o, period.label)}")
    if o.new_submitter_beside:
        warn(f"  注意:{o.jurisdiction}已有报送单位 {'、'.join(o.new_submitter_beside)},本文件作为另一个报送单位"
             f"「{o.submitter}」记录,两者的项目都会计入;如是同一单位重报,请用 --submitter 指定相同的名称")


@app.command("history")
@guard
def history_command(
    jurisdiction: Annotated[str | None, typer.Option("--jurisdiction", "-j", help="只看这个地区", show_default=False)] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="只看这个年度", min=2000, max=2100, show_default=False)] = None,
    fmt: Annotated[TableOrJson, typer.Option("--format", "-f", help="输出格式:table 或 json")] = TableOrJson.table,
    save: Annotated[Path | None, typer.Option("--save", help="把列出的各版本的原始文件取出到这个文件夹(收件箱清空后,可再校验或生成问题标注副本)", show_default=False)] = None,
) -> None:
    """账本中的每个版本:何时从谁收到、哪个文件、与上一版相比改了什么(新增、删除、改动的单元格)。

    示例:gps history --jurisdiction 奇台县 --year 2016 --save 取出/

    --save 取出的文件名为“报送单位-期间-第n版-原文件名”,已有的同名文件不会被覆盖(另存为“…(2)”)。
    """

    ledger, cfg = open_ledger()
    name = _profile(cfg).canonical(jurisdiction) if jurisdiction else None
    entries = ledger.history(jurisdiction=name, year=year)
    if save is not None:
        for path in _save_originals(ledger, entries, save):
            say(f"已取出:{path}")
    if fmt is TableOrJson.json:
        from ..outputs.safe import json_text

        sys.stdout.write(json_text({"ledger": ledger.name, "versions": [e.to_dict() for e in entries]}) + "\n")
        return
    if not entries:
        say("账本中没有符合条件的版本")
        return
    _print_history(entries)


def _save_originals(ledger, entries, folder: Path) -> list[Path]:
    """The original bytes of each listed version, written into ``folder`` (never over a person's file)."""
    from ..outputs import owned
    from ..outputs.atomic import free_name, make_dir, write_bytes

    make_dir(folder)
    written: list[Path] = []
    for e in entries:
        v = e.version
        data = ledger.blob(v.sha256)
        if data is None:  # pragma: no cover - every version's bytes are stored with it
            continue
        target = free_name(folder / _safe_name(f"{v.submitter}-{v.period}-第{v.number}版-{v.file_name}"),
                           taken=[str(p) for p in written])
        write_bytes(target, data)
        owned.tag(target, role="original")
        written.append(target)
    return written


def _safe_name(name: str) -> str:
    """A file name fit for Windows and Linux alike (the original's name came from someone's disk)."""
    import re

    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .") or "原文件"


MAX_CHANGES_SHOWN = 20


def _print_history(entries) -> None:
    from ..money import display
    from ..periods import local_text
    from .fit import Cell, Head, lines, table, text

    readable = 8  # four Chinese characters a line at least: narrower, the versions are listed as lines
    heads = [Head("收到时间", whole=True), Head("报送单位", least=readable), Head("期间", whole=True),
             Head("版本", number=True), Head("类型", whole=True), Head("文件", least=readable), Head("项目", number=True),
             Head("金额(万元)", number=True), Head("说明", least=readable)]
    rows: list[list[Cell]] = []
    for e in entries:
        v = e.version
        amount = display(v.amount)
        if e.previous is not None and v.accepted and e.previous.amount != v.amount:
            amount = f"{display(e.previous.amount)} → {amount}"
        notes = []
        if not v.accepted:
            notes.append(f"有 {v.errors} 个错误,未采用")
        elif v.rows == 0:
            notes.append("零报告")
        if e.current:
            notes.append("当前")
        if v.reason:
            notes.append(f"原因:{v.reason}")
        rows.append([local_text(v.received_at), text(v.submitter), v.period, str(v.number), e.kind, text(v.file_name),
                     str(v.rows), amount, text(";".join(notes))])
        for c in e.changes[:MAX_CHANGES_SHOWN]:
            rows.append(["", "", "", "", "", text(c.cell), "", "", text(c.text())])
        if len(e.changes) > MAX_CHANGES_SHOWN:
            rows.append(["", "", "", "", "", "", "", "", f"另有 {len(e.changes) - MAX_CHANGES_SHOWN} 处变化(--format json 列出全部)"])
    t = table(heads, rows, out().width, title="报送版本")  # every cell whole, the texts wrapped (cli/fit.py)
    if t is not None:
        out().print(t)
    else:
        out().print("报送版本")
        lines(out(), heads, rows)


def _lock(period: str, lock: bool) -> None:
    from ..periods import Period

    p = Period.parse(period)
    ledger, _cfg = open_ledger()
    changed = ledger.lock(p, lock)
    if lock:
        say(f"已锁定 {p.label}:此后导入该期间的新版本须用 --reason 说明原因,记为“更正”" if changed
            else f"{p.label} 已经是锁定的")
    else:
        say(f"已解除 {p.label} 的锁定" if changed else f"{p.label} 没有锁定")


@app.command("lock")
@guard
def lock_command(period: PeriodOpt) -> None:
    """锁定一个期间(核对定稿后):此后该期间的新版本必须用 --reason 说明更正原因。

    示例:gps lock --period 2017Q4
    """
    _lock(period, True)


@app.command("unlock")
@guard
def unlock_command(period: PeriodOpt) -> None:
    """解除一个期间的锁定。

    示例:gps unlock --period 2017Q4
    """
    _lock(period, False)


db_app = typer.Typer(help="账本数据库的维护。\n\n示例:gps db upgrade", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
@guard
def db_upgrade_command() -> None:
    """把账本的结构升级到本版本 gps 所需的版本(新建账本时自动完成;升级前请先备份)。

    示例:gps db upgrade
    """
    from ..ledger import engine

    cfg = load_config()
    url = cfg.ledger()
    if url is None:
        from ..errors import UsageError

        raise UsageError("找不到账本:当前文件夹及上级文件夹中没有 gps.toml,也没有设置 GPS_LEDGER_URL")
    try:
        with engine.errors_said(url):
            before, after = engine.upgrade(engine.make_engine(url))
    except engine.LedgerError:
        raise
    except Exception as exc:  # a driver's own error before SQLAlchemy wraps it
        raise engine.LedgerError(f"无法打开账本 {engine.describe(url)}:{engine.reason(exc)}") from None
    where = engine.describe(url)
    if before == after:
        say(f"账本 {where} 已是最新结构(版本 {after}),无需升级")
    elif before is None:
        say(f"已新建账本 {where}(结构版本 {after})")
    else:
        say(f"已把账本 {where} 从结构版本 {before} 升级到 {after}")
