"""A workspace for unattended use: gps.toml, inbox/, output/, editable templates, and a run lock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import wording
from .errors import LockError

LOCK_NAME = ".gps.lock"

CONFIG_TEMPLATE = """# gps 工作区配置。路径相对于本文件所在的文件夹。
# 各地报送的表格放进 inbox/;定时任务运行 gps run --period auto(刚结束的季度,也可写 2017Q4):先把收件箱导入账本(gps.sqlite),
# 再由账本写出报送情况、汇总表和报告初稿到 output/<期间>/。

data = ["inbox"]
output = "output"
# catalogue = "目录.xlsx"      # 自定义指导性目录(列:编码、名称、级别、上级编码、别名)
# profile = "地区.toml"        # 自定义地区名单(见 gps profile --format json)
# negative_list = "禁止事项.csv" # 第十条禁止事项的其他关键词(列:关键词、条款、事项),加在内置的之后
# methods = ["定点采购"]        # 本地使用的其他购买方式
# [catalogue.editions]          # 按年度适用不同的指导性目录(代替上面的 catalogue):
# "2014-2020" = "builtin"
# "2021-" = "目录2021.csv"

[report]
title = "@REPORT_TITLE@"
template = "templates/report.docx"
narrative = "narrative/{{year}}.md"   # 把 narrative/示例.md 复制为 narrative/2017.md 等再填写
# recipient = "自治区财政厅"    # 主送机关,写在标题下一行(带冒号);不写则没有这一行
# date = "2018-01-10"          # 成文日期,报告中写作 2018年1月10日;不写则为生成当天

[limits]
suspicious_amount = 100000   # 单个项目超过此金额(万元)时提示
max_uncompressed_mb = 1024   # 单个工作簿解压后的上限(100 万行的标准报表约 450 MB)
max_rows = 1000000           # 单个工作表的行数上限
seconds = 120                # 读取单个文件的时间上限(CPU 秒)
workers = 0                  # 并行读取的进程数,0 表示按 CPU 核数

[deadlines]
quarter_days = 25            # 季度结束后多少天内报送(gps status 据此标出逾期)
# year_days = 31             # 年度报送的期限(季度结束后的天数同理)

# [ledger]
# 账本默认是本文件夹中的 gps.sqlite;全省或多人共用一个 PostgreSQL 数据库时写:
# url = "postgresql://gps@数据库服务器/gps"
"""

NARRATIVE_EXAMPLE = """# 工作进展

## 加强组织领导
在这里写一段或几段文字,段落之间空一行。

# 问题和建议

## 制度有待完善
在这里写存在的问题和建议。
"""


def init(folder: Path) -> list[Path]:
    """Create a workspace in ``folder`` (which may exist); never overwrite existing files."""
    from . import catalogue, profile, workbook_template
    from .outputs.atomic import make_dir, write_bytes, write_text

    make_dir(folder)
    made: list[Path] = []
    for sub in ("inbox", "output", "templates", "narrative"):
        make_dir(folder / sub)
    cfg = folder / "gps.toml"
    if not cfg.exists():
        text = CONFIG_TEMPLATE.replace("{{", "{").replace("}}", "}").replace("@REPORT_TITLE@", wording.REPORT_TITLE)
        write_text(cfg, text)
        made.append(cfg)
    example = folder / "narrative" / "示例.md"
    if not example.exists():
        write_text(example, NARRATIVE_EXAMPLE)
        made.append(example)
    report_template = folder / "templates" / "report.docx"
    if not report_template.exists():
        from .report.render import bundled_template

        write_bytes(report_template, bundled_template().read_bytes())
        made.append(report_template)
    submission = folder / "templates" / "政府购买服务项目填报模板.xlsx"
    if not submission.exists():
        workbook_template.build(submission, catalogue.default(), profile.default())
        made.append(submission)
    return made


@contextmanager
def locked(root: Path, wait: float, *, what: str = "", on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the workspace lock; a second run waits up to ``wait`` seconds, then gives up clearly.

    The holder notes who it is beside the lock (:data:`LOCK_INFO`: process id, start time and
    ``what``, e.g. ``gps run --period 2017Q4``); a run that has to wait calls ``on_wait`` at once with
    that description (:func:`holder`), so that it does not sit silent for ``wait`` seconds."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(root / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = holder(root)
        if on_wait is not None:
            on_wait(who)
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise LockError(f"另一个 gps 任务{who}正在使用工作区 {root}(等待 {wait:g} 秒后仍未结束),本次未运行;"
                            "请稍后再试,或检查是否有定时任务重复启动") from None
    info = root / LOCK_INFO
    try:
        _note_holder(info, what)
        yield
    finally:
        try:
            info.unlink(missing_ok=True)
        except OSError:
            pass
        lock.release()


LOCK_INFO = ".gps.lock.json"  # who holds the lock (the lock file itself is emptied by each opener)


def _note_holder(info: Path, what: str) -> None:
    import datetime as dt
    import json
    import os

    data = {"pid": os.getpid(), "started": dt.datetime.now().isoformat(timespec="seconds"), "what": what}
    try:  # a reader finding it half-written says nothing about the holder, which is all it is for
        info.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # the note only helps a waiting run; the run goes on without it


def _alive(pid: int) -> None:
    """Raise OSError unless process ``pid`` exists (another user's process exists too)."""
    import os

    try:
        os.kill(pid, 0)
    except PermissionError:
        pass


def holder(root: Path) -> str:
    """The holder of the workspace lock as a waiting run describes it: "(进程 1234,2017-12-31 23:30:02
    开始的 gps run --period 2017Q4)", or "" when it did not say (or is not alive)."""
    import json
    import sys

    try:
        data = json.loads((root / LOCK_INFO).read_text(encoding="utf-8"))
        pid = int(data["pid"])
        if sys.platform != "win32":  # (on Windows os.kill(pid, 0) would stop the process)
            _alive(pid)  # a note left by a run that was killed names nobody
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    started = str(data.get("started", "")).replace("T", " ")
    what = str(data.get("what") or "")
    return f"(进程 {pid}" + (f",{started} 开始" if started else "") + (f"的 {what}" if what else "") + ")"
