"""A run killed at any moment leaves one generation of outputs and no process behind, and the next
run succeeds (SIGKILL: no handler runs; only the design can make this hold)."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builders import project, standard_rows, write_csv, write_xlsx

GPS = shutil.which("gps", path=os.path.dirname(sys.executable))
JURISDICTIONS = ["昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县", "木垒哈萨克自治县"]
KILLS = 20

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc, sends SIGKILL")


def _workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "ws"
    r = subprocess.run([GPS, "init", str(ws)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    for n in range(240):
        j = JURISDICTIONS[n % len(JURISDICTIONS)]
        rows = standard_rows([project(jurisdiction=j, unit=f"{j}第{n}局", name=f"项目{n}-{k}", amount=10 + k)
                              for k in range(5)], title=f"{j}2016年政府购买服务项目情况表")
        write_csv(ws / "inbox" / f"{j}-{n:03d}.csv", rows)
    # one file with a warning: the run writes an annotated copy too, and succeeds
    write_xlsx(ws / "inbox" / "州本级.xlsx", standard_rows([project(jurisdiction="州本级", unit="州民政局",
                                                                    name="大项目", amount=200000)]))
    return ws


def _descendants(pid: int) -> set[int]:
    kids: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(ppid, []).append(int(d.name))
    out, todo = set(), [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            if k not in out:
                out.add(k)
                todo.append(k)
    return out


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for p in pids:
        try:
            if Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.add(p)
        except OSError:
            pass
    return alive


def _one_generation(out: Path) -> None:
    """The period folder holds the outputs of exactly one run: every file its summary lists, with
    the bytes gps wrote (manifest), and no gps file from any other run."""
    if not out.exists():
        return  # killed before the first run ever finished: no generation yet, and none half made
    summary = json.loads((out / "运行摘要.json").read_text(encoding="utf-8"))
    run = summary["run_id"]
    manifest = json.loads((out / ".gps-outputs.json").read_text(encoding="utf-8"))["files"]
    listed = {Path(p).relative_to(out).as_posix() for p in summary["outputs"]}
    top = set(manifest)
    assert top == {p for p in listed if "/" not in p}, (top, listed)
    for name, entry in manifest.items():
        assert entry.get("run", run) == run, (name, entry)
    for p in listed:
        assert (out / p).is_file(), p
    from gpscli.outputs import owned

    for folder in {out, *((out / p).parent for p in listed)}:
        data = owned.load(folder)
        for name in data["files"]:
            assert owned.is_owned(folder / name, data), folder / name


def _run(ws: Path) -> subprocess.CompletedProcess:
    return subprocess.run([GPS, "run", "--period", "2016Q4"], cwd=ws, capture_output=True, text=True, timeout=300)


def test_killing_a_run_at_random_moments_leaves_one_generation(tmp_path):
    ws = _workspace(tmp_path)
    out = ws / "output" / "2016Q4"
    t0 = time.monotonic()
    first = _run(ws)
    took = time.monotonic() - t0
    assert first.returncode == 0, first.stderr
    _one_generation(out)
    rng = random.Random(4)
    for k in range(KILLS):
        proc = subprocess.Popen([GPS, "run", "--period", "2016Q4"], cwd=ws, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + rng.uniform(0.05, took * 1.1)
        family: set[int] = set()
        while time.monotonic() < deadline and proc.poll() is None:
            family |= _descendants(proc.pid)
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        give_up = time.monotonic() + 10
        while _alive(family) and time.monotonic() < give_up:
            time.sleep(0.05)
        assert not _alive(family), f"kill {k}: processes of the run survived"
        _one_generation(out)  # the old generation (killed before the switch) or a whole new one
        r = _run(ws)
        assert r.returncode == 0, (k, r.stderr)
        _one_generation(out)
        left = [p.name for p in (ws / "output").iterdir() if p.name != "2016Q4"]
        assert left == [], f"kill {k}: the next run left {left}"
        assert not list(out.rglob("*.tmp"))
