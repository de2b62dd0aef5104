"""gps serve: the counties' submission pages and the bureau's board (gpscli.web), and their links."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .app import app
from .common import guard, out, say, shown
from .ledger_cmd import open_ledger

BUREAU_NAME = "财政局"


@app.command("serve")
@guard(on_interrupt="服务已停止;已记入账本的报送不受影响")
def serve_command(
    host: Annotated[str | None, typer.Option("--host", help="监听的地址(默认 127.0.0.1,只有本机可访问;内网直接访问时写本机的内网地址)", show_default=False)] = None,
    port: Annotated[int | None, typer.Option("--port", help="端口(默认 8765)", min=1, max=65535, show_default=False)] = None,
    links: Annotated[bool, typer.Option("--links", help="为 --period 生成新的报送链接:每个地区一个,另有财政局查看报送情况的链接;只显示这一次")] = False,
    period: Annotated[str | None, typer.Option("--period", "-p", help="链接所属的期间,如 2017Q4", show_default=False)] = None,
    out_path: Annotated[Path | None, typer.Option("--out", "-o", help="把 --links 生成的链接另存为 CSV 文件", show_default=False)] = None,
    revoke: Annotated[str | None, typer.Option("--revoke", help="停用链接:写地区名、“财政局”或“全部”(给了 --period 时只停用该期间的)", show_default=False)] = None,
) -> None:
    """在浏览器中报送:各地区用自己的链接上传表格,几秒内看到与 gps validate 相同的检查结果,通过后确认报送即记入账本;财政局用自己的链接查看报送情况。

    示例:gps serve --links --period 2017Q4 --out 报送链接.csv;gps serve --port 8765

    链接中含有密钥,只在生成时显示一次,账本中只存其摘要;链接泄露时用 --revoke 停用后重新生成。
    设置(上传大小、同时检查的文件数、日志)在 gps.toml 的 [serve] 中。对外服务时放在单位的 HTTPS 反向代理(如 nginx)之后,部署方法见说明文档。
    """
    from ..errors import UsageError

    ledger, cfg = open_ledger(create=True)
    settings = cfg.serve
    host = host or settings.get("host", "127.0.0.1")
    port = port or settings.get("port", 8765)
    base = settings.get("public_url") or f"http://{host}:{port}"
    if links or revoke:
        if links and revoke:
            raise UsageError("--links 与 --revoke 请分两次运行")
        if links and not period:
            raise UsageError("--links 须同时用 --period 指定期间,如 --period 2017Q4")
        if links:
            _links(ledger, cfg, period or "", base.rstrip("/"), out_path)
        else:
            _revoke(ledger, cfg, revoke or "", period)
        return
    _run(ledger, cfg, host, port, base)


def _links(ledger, cfg, period: str, base: str, out_path: Path | None) -> None:
    from ..periods import Period
    from ..profile import load
    from ..web.tokens import BUREAU, issue

    p = Period.parse(period)
    if out_path is not None:
        from ..outputs.atomic import check_target

        check_target(out_path, False)
    made = issue(ledger, p, load(cfg.profile).names())
    rows = [(BUREAU_NAME if x.role == BUREAU else x.jurisdiction or "",
             f"{base}/{'b' if x.role == BUREAU else 'c'}/{x.token}") for x in made]
    for name, url in rows:
        out().print(f"{shown(name)}\t{url}", markup=False, soft_wrap=True)
    if out_path is not None:
        import csv
        import io

        from ..outputs import owned
        from ..outputs.atomic import write_bytes

        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(["地区", "期间", "链接"])
        w.writerows([(name, p.label, url) for name, url in rows])
        write_bytes(out_path, ("\ufeff" + buf.getvalue()).encode("utf-8"))
        owned.tag(out_path, role="links")
        say(f"已写入:{out_path}(含密钥,请只发给各地区本单位)")
    say(f"已为 {p.label} 生成 {len(rows)} 个链接;以前生成的链接仍然有效,停用用 --revoke")


def _revoke(ledger, cfg, who: str, period: str | None) -> None:
    from ..periods import Period
    from ..profile import load
    from ..web.tokens import revoke

    p = Period.parse(period) if period else None
    if who == BUREAU_NAME:
        n = revoke(ledger, bureau=True, period=p)
    elif who == "全部":
        n = revoke(ledger, period=p)
    else:
        n = revoke(ledger, jurisdiction=load(cfg.profile).canonical(who, "--revoke"), period=p)
    say(f"已停用 {n} 个链接")


def _run(ledger, cfg, host: str, port: int, base: str) -> None:
    import uvicorn

    from ..web import Settings, create_app

    s = cfg.serve
    settings = Settings(max_upload_mb=s.get("max_upload_mb", 20), workers=s.get("workers", 2),
                        queue_seconds=s.get("queue_seconds", 60), log=s.get("log"), public_url=base)
    application = create_app(cfg, ledger, settings)
    say(f"gps serve 正在 http://{host}:{port} 上运行(链接以 {base} 开头),按 Ctrl+C 停止;"
        f"同时检查 {settings.workers} 个文件,上传上限 {settings.max_upload_mb} MB")
    uvicorn.run(application, host=host, port=port, access_log=False, log_level="warning",
                server_header=False, proxy_headers=True, forwarded_allow_ips="127.0.0.1")
