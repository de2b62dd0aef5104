"""Case (k) of the bench: `gps serve` under load. Prints one JSON line.

    python benchmarks/serve_load.py CORPUS --files 100 --clients 8

A new workspace with a ledger and links; `gps serve` started as its own process on loopback (the
command as a bureau runs it); FILES files of the corpus uploaded through the county page by CLIENTS
concurrent clients (each upload: GET the page for the form's hidden field, POST the file, read the
verdict); the server's process tree sampled for memory (PSS) meanwhile. Then `gps validate` of the
same files as one command (``--format json``), for the comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
J = "昌吉市"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workspace(tmp: Path) -> tuple[Path, str]:
    from gpscli import config
    from gpscli.ledger import Ledger
    from gpscli.periods import Period
    from gpscli.workspace import init

    ws = tmp / "ws"
    init(ws)
    cfg = config.load(ws / "gps.toml")
    from gpscli.web.tokens import issue

    links = issue(Ledger.open(cfg.ledger(), create=True), Period.parse("2016"), [J], bureau=False)
    return ws, links[0].token


def gps_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", "from gpscli.cli import main; main()", *args]


async def uploads(port: int, token: str, files: list[Path], clients: int) -> tuple[float, list[int], int]:
    import httpx

    todo = list(files)
    codes: list[int] = []
    problems = 0

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal problems
        while todo:
            f = todo.pop()
            page = await client.get(f"/c/{token}")
            field = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
            r = await client.post(f"/c/{token}/upload", data={"csrf": field.group(1) if field else ""},
                                  files={"file": (f.name, f.read_bytes())})
            codes.append(r.status_code)
            if r.status_code != 200 or "个错误" not in r.text:
                problems += 1

    t = time.perf_counter()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
    return time.perf_counter() - t, codes, problems


def main() -> None:
    from bench import TreeSampler

    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2, help="[serve] workers: validations at once")
    a = ap.parse_args()
    files = sorted(p for p in Path(a.folder).iterdir() if p.suffix == ".xlsx")[: a.files]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ws, token = workspace(tmp)
        (ws / "gps.toml").write_text((ws / "gps.toml").read_text(encoding="utf-8")
                                     + f"\n[serve]\nworkers = {a.workers}\nqueue_seconds = 600\n", encoding="utf-8")
        port = free_port()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        server = subprocess.Popen(gps_cmd("serve", "--port", str(port)), cwd=ws, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.1)
            sampler = TreeSampler(server.pid, interval=0.1)
            sampler.sample()
            idle_mb = sampler.peak_kb / 1024
            sampler.start()
            seconds, codes, problems = asyncio.run(uploads(port, token, files, a.clients))
            sampler.stop()
        finally:
            server.terminate()
            server.wait(timeout=30)
        subset = tmp / "subset"
        subset.mkdir()
        for f in files:
            shutil.copy(f, subset / f.name)
        t = time.perf_counter()
        done = subprocess.run(gps_cmd("validate", str(subset), "--jurisdiction", J, "--format", "json"),
                              cwd=ws, env=env, capture_output=True)
        validate_seconds = time.perf_counter() - t
        validated = json.loads(done.stdout)["summary"]["files"] if done.stdout else 0
    print(json.dumps({
        "seconds": seconds, "files": len(files), "answered": len(codes), "ok_answers": codes.count(200),
        "problems": problems, "per_second": len(files) / seconds, "server_peak_mb": sampler.peak_kb / 1024,
        "server_idle_mb": idle_mb, "server_peak_procs": sampler.peak_procs, "clients": a.clients,
        "workers": a.workers, "validate_seconds": validate_seconds, "validate_files": validated,
        "validate_per_second": validated / validate_seconds if validate_seconds else 0,
    }))


if __name__ == "__main__":
    main()
