"""gps benchmark (issue #7): gps against python-calamine alone and pandas+openpyxl, same files, same run.

    make bench                                  # full run, median of 3 (about 2.5 minutes on 2 idle cores)
    .venv/bin/python benchmarks/bench.py --quick    # smaller corpora, 1 run each (about 1 minute)

Cases
  (a) 500 workbooks x 200 rows: gps api.load + api.aggregate (default workers) / calamine alone /
      pandas.read_excel(engine="openpyxl")
  (b) one workbook of 200,000 rows: gps / calamine alone
  (c) gps report on the corpus of (a), when src/gpscli/report exposes render(); with the default
      template's charts and without them (goal: charts add at most 1 s)
  (d) start-up: gps --help
  (j) the ledger: the corpus of (a) recorded by gps ingest into a new SQLite ledger, and aggregated
      from it (library and whole command)
  (k) gps serve: the 500 files of (a) (50 with --quick) uploaded by 8 concurrent clients, validations per
      second and the server's memory, against gps validate of the same files (serve_load.py)
  plus a determinism check: api.aggregate JSON identical with workers=1 and workers=2.

Every measurement runs in a fresh process (benchmarks/workloads.py). "seconds" is the wall time
of the work inside that process (after imports); memory is read two ways: the largest single
process (ru_maxrss from wait4, which covers the worker processes gps forks and reaps) and the
sampled sum of PSS over the whole process tree (workers running side by side add up). Sampling
PSS reads /proc/PID/smaps_rollup of every process 20 times a second, which takes CPU from the
measured processes on a 2-core machine (it slowed gps, with three processes, by up to 20%), so
it happens in one extra run per case whose time is not counted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))


PY = sys.executable
GPS = str(Path(sys.executable).parent / "gps")
WORKLOADS = str(HERE / "workloads.py")


# ---- measuring one process ------------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Peak of the summed PSS (RSS if PSS is unreadable) of a process and all its descendants."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.peak_procs = 0
        self._halt = threading.Event()

    @staticmethod
    def _children(pid: int) -> list[int]:
        out: list[int] = []
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children") as fh:
                    out.extend(int(x) for x in fh.read().split())
        except OSError:
            pass
        return out

    @staticmethod
    def _mem_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except OSError:
            pass
        try:
            with open(f"/proc/{pid}/statm") as fh:
                return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
        except OSError:
            return 0

    def sample(self) -> None:
        pids, stack = [], [self.pid]
        while stack:
            p = stack.pop()
            pids.append(p)
            stack.extend(self._children(p))
        total = sum(self._mem_kb(p) for p in pids)
        self.peak_kb = max(self.peak_kb, total)
        self.peak_procs = max(self.peak_procs, len(pids))

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


@dataclass
class Run:
    seconds: float  # the work, as timed inside the process (or the whole process for CLI runs)
    wall: float  # the whole process, start-up included
    maxrss_mb: float  # largest single process
    tree_mb: float  # sampled peak of the summed PSS of the process tree
    cpu: float = 0.0  # user + system CPU seconds of the process and its reaped children (whole process)
    memory_only: bool = False  # the extra run that sampled PSS: not counted in the times
    out: dict = field(default_factory=dict)
    ok: bool = True
    error: str = ""


# Measured processes run as on an installed gps: bytecode cached (pip writes it at install, Python
# at first import). An environment that sets PYTHONDONTWRITEBYTECODE would otherwise make every
# run compile gps's ~80 modules from source (about 50 ms of each start-up here).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd: list[str], *, cwd: str | None = None, timed_inside: bool = True, sample: bool = False) -> Run:
    """One fresh process. ``sample``: also sample the PSS of its process tree, which costs CPU on a
    2-core machine (reading smaps_rollup of every process 20 times a second), so timed runs don't."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=ENV)
        sampler = TreeSampler(p.pid)
        if sample:
            sampler.start()
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        if sample:
            sampler.stop()
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")
    run = Run(wall, wall, ru.ru_maxrss / 1024, sampler.peak_kb / 1024, ru.ru_utime + ru.ru_stime)
    if p.returncode != 0:
        tail = [ln for ln in stderr.strip().splitlines() if ln.strip()][-1:] or [f"exit {p.returncode}"]
        run.ok, run.error = False, tail[0][:160]
        return run
    if timed_inside:
        try:
            run.out = json.loads(stdout.strip().splitlines()[-1])
            run.seconds = run.out["seconds"]
        except (ValueError, IndexError, KeyError) as exc:
            run.ok, run.error = False, f"unreadable workload output ({exc})"
    return run


@dataclass
class Row:
    case: str
    name: str
    files: int
    rows: int
    runs: list[Run]
    scale: float = 1.0  # extrapolation factor (pandas on a subset in --quick)
    note: str = ""
    asked: int = 0  # runs asked for

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.ok for r in self.runs)

    @property
    def timed(self) -> list[Run]:
        return [r for r in self.runs if not r.memory_only] or self.runs

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.timed) * self.scale

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.timed) * self.scale

    @property
    def maxrss(self) -> float:
        return max(r.maxrss_mb for r in self.runs)

    @property
    def tree(self) -> float:
        return max(r.tree_mb for r in self.runs)


# make bench must finish within 10 minutes even when other processes share the 2 CPUs: a second or
# third run of a measurement is started only if it is expected to end before this deadline (the
# remaining cases then still fit); a row measured fewer times than asked says so.
DEADLINE = [float("inf")]
BUDGET_SECONDS = 480


def repeat(n: int, cmd: list[str], label: str, memory: bool = True, **kw) -> list[Run]:
    runs: list[Run] = []
    for i in range(n):
        if runs and time.perf_counter() + runs[-1].wall > DEADLINE[0]:
            print(f"  {label:<44} stopping after {len(runs)} run(s): time budget", file=sys.stderr, flush=True)
            break
        r = measure(cmd, **kw)
        status = f"{r.seconds:7.2f} s" if r.ok else f"FAILED: {r.error}"
        print(f"  {label:<44} run {i + 1}/{n}: {status}", file=sys.stderr, flush=True)
        runs.append(r)
        if not r.ok:
            break
    if memory and runs and runs[-1].ok and time.perf_counter() + runs[-1].wall <= DEADLINE[0]:
        r = measure(cmd, sample=True, **kw)  # one more run for the memory columns only
        r.memory_only = True
        print(f"  {label:<44} memory run: {r.tree_mb:,.0f} MB" if r.ok else f"  {label:<44} memory run FAILED",
              file=sys.stderr, flush=True)
        runs.append(r)
    return runs


def check_gps(row: Row, expected_rows: int) -> None:
    """The gps figure counts only if every row was read and nothing was refused."""
    for r in row.runs:
        if r.ok and (r.out.get("errors") or r.out.get("rows") != expected_rows):
            r.ok = False
            r.error = f"{r.out.get('errors')} errors, {r.out.get('rows')} rows counted of {expected_rows}: " \
                      f"{'; '.join(r.out.get('first_errors') or [])[:200]}"


# ---- cases ----------------------------------------------------------------------------------------

def corpus(files: int, rows: int, year: int, fmt: str = "xlsx") -> Path:
    """Generate (or find in the cache) a corpus in a child process, so that this process stays small:
    a child's ru_maxrss starts from its parent's high-water mark at fork, on Linux."""
    p = subprocess.run([PY, str(HERE / "corpus.py"), str(files), str(rows), str(year), fmt], capture_output=True,
                       text=True, check=True)
    return Path(p.stdout.split()[0])


def submitters(folder: Path) -> Path:
    """The corpus again, each file hard-linked under a name that makes it a submitter of its own."""
    out = folder.parent / f"{folder.name}-submitters"
    if (out / ".complete").exists():
        return out
    out.mkdir(exist_ok=True)
    names = ("".join(t) for t in itertools.product("甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳午未申酉戌亥", "东西南北中"))
    for p, name in zip(sorted(q for q in folder.iterdir() if q.suffix == ".xlsx"), names):
        target = out / f"{p.name.split('20')[0]}-{name}科{p.suffix}"  # 昌吉市2016年…_0001.xlsx -> 昌吉市-甲子东科.xlsx
        if not target.exists():
            os.link(p, target)
    (out / ".complete").write_text("", encoding="utf-8")
    return out


def report_status() -> tuple[str, str]:
    """("cli"|"library"|"", why): how case (c) can run with the code as it is now.

    "cli" when ``gps report --help`` works; "library" when gpscli.report exposes a render function
    and write_report (the library call the CLI command wraps); "" otherwise.
    """
    if subprocess.run([GPS, "report", "--help"], capture_output=True).returncode == 0:
        return "cli", ""
    code = ("import importlib, sys\n"
            "try:\n    m = importlib.import_module('gpscli.report')\nexcept Exception as e:\n"
            "    print('import failed: ' + type(e).__name__); sys.exit()\n"
            "try:\n    r = importlib.import_module('gpscli.report.render')\nexcept Exception:\n    r = None\n"
            "has_render = callable(getattr(m, 'render', None)) or callable(getattr(r, 'render', None))\n"
            "print('yes' if has_render and callable(getattr(m, 'write_report', None)) else 'no render function')\n")
    p = subprocess.run([PY, "-c", code], capture_output=True, text=True)
    ans = (p.stdout.strip() or p.stderr.strip() or "?").splitlines()[-1]
    return ("library", "") if ans == "yes" else ("", ans)


def fmt_mb(x: float) -> str:
    return f"{x:,.0f}"


def table(rows: list[Row], baselines: dict[str, Row]) -> str:
    head = ["case", "files", "rows", "seconds", "rows/s", "CPU s", "max RSS MB", "tree PSS MB", "vs calamine", "vs pandas"]
    lines, notes = [], []
    for row in rows:
        label = f"{row.case} {row.name}"
        note = row.note
        if row.asked and row.ok and len(row.timed) < row.asked:
            note = (note + "; " if note else "") + f"median of {len(row.timed)} run(s) only, not {row.asked}: time budget"
        if note and row.runs:
            notes.append(f"{row.case} {note}")
            label += "*" * len(notes)
        files = str(row.files) if row.files else ""
        nrows = f"{row.rows:,}" if row.rows else ""
        if not row.ok:
            err = next((r.error for r in row.runs if not r.ok), "")
            lines.append([label, files, nrows, row.note if not row.runs else f"FAILED ({err})"])
            continue
        cal = baselines.get(row.case + ":calamine") or baselines.get(row.case + ":csv")
        pan = (baselines.get(row.case + ":pandas") or baselines.get(row.case + ":pandas-calamine")
               or baselines.get(row.case + ":pandas-csv"))
        # vs calamine: how many times slower than the calamine floor; vs pandas: how many times faster than pandas.
        ratio_cal = f"{row.seconds / cal.seconds:.2f}× slower" if cal and cal.ok and row.rows else ""
        ratio_pan = f"{pan.seconds / row.seconds:.1f}× faster" if pan and pan.ok and row.rows else ""
        lines.append([label, files, nrows, f"{row.seconds:.3f}" if row.seconds < 1 else f"{row.seconds:.2f}",
                      f"{row.rows / row.seconds:,.0f}" if row.rows else "", f"{row.cpu:.2f}", fmt_mb(row.maxrss),
                      fmt_mb(row.tree) if any(r.memory_only for r in row.runs) else "",
                      ratio_cal, ratio_pan])
    full = [ln for ln in lines if len(ln) == len(head)]
    widths = [max(len(h), *(len(ln[i]) for ln in full)) for i, h in enumerate(head)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [fmt(head), "  ".join("-" * w for w in widths)]
    for ln in lines:
        out.append(fmt(ln) if len(ln) == len(head) else
                   f"{ln[0].ljust(widths[0])}  {ln[1].rjust(widths[1])}  {ln[2].rjust(widths[2])}  {ln[3]}".rstrip())
    out += [f"{'*' * (i + 1)} {n}" for i, n in enumerate(notes)]
    return "\n".join(out)


def source_state() -> str:
    """Which code was measured: the commit, and a fingerprint of src/ as it is on disk (the tree
    changes under uncommitted work, so the commit alone does not say)."""
    import hashlib

    h = hashlib.sha256()
    for p in sorted((ROOT / "src").rglob("*.py")):
        h.update(str(p.relative_to(ROOT)).encode() + b"\0" + p.read_bytes())
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"], capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head, dirty = "", ""
    return f"commit {head or '?'}{' + uncommitted changes in src/' if dirty else ''}, src/ fingerprint {h.hexdigest()[:12]}"


def cpu_busy() -> float:
    """CPU seconds all processes of the machine have used since boot (from /proc/stat)."""
    try:
        with open("/proc/stat") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = (f + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    import resource

    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1048576:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPU × {cpu}, {mem} RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def report_without_charts(tmp: str, year: int, corpus: Path, files: int, rows: int, n: int) -> Row | None:
    """(c) again with the default template built without its chart paragraphs: what the charts cost."""
    plain = Path(tmp) / "no-charts.docx"
    built = subprocess.run([PY, str(ROOT / "templates" / "build_templates.py"), "--no-charts", str(plain)],
                           capture_output=True, text=True)
    if built.returncode != 0:
        print(f"  (c) template without charts: FAILED: {built.stderr.strip()[-200:]}", file=sys.stderr)
        return None
    out = str(Path(tmp) / "报告-无图.docx")
    runs = repeat(n, [GPS, "report", "--year", str(year), "--data", str(corpus), "--out", out, "--template", str(plain)],
                  "(c) gps report (CLI, no charts)", cwd=tmp, timed_inside=False)
    return Row("(c)", "gps report (CLI, no charts)", files, rows, runs,
               note="the same, with the default template built without charts (build_templates.py --no-charts)")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ratio_goal(label: str, row: Row, base: Row, limit: float) -> str | None:
    """"X within N× of Y" (seconds / base seconds <= limit)."""
    if not (row.ok and base.ok):
        return None
    x = row.seconds / base.seconds
    return f"{label}: {x:.2f}× — {verdict(x <= limit)}"


def main() -> int:
    # long: the cases in the order they run, each a few lines; splitting would only scatter them
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller corpora, 1 run each, pandas on a subset (extrapolated)")
    ap.add_argument("--runs", type=int, default=None, help="runs per measurement (median); default 3, 1 with --quick")
    ap.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    a = ap.parse_args()
    n = a.runs or (1 if a.quick else 3)
    if a.quick:
        a_files, a_rows, b_rows, pandas_limit = 100, 200, 50_000, 20
        e_files, f_files, g_files, h_rows, i_files = 200, 100, 100, 100_000, 100
    else:
        a_files, a_rows, b_rows, pandas_limit = 500, 200, 200_000, None
        e_files, f_files, g_files, h_rows, i_files = 1000, 500, 100, 500_000, 500
    year = 2016
    started = time.perf_counter()
    busy_start, own_start = cpu_busy(), own_cpu()
    DEADLINE[0] = started + BUDGET_SECONDS
    print(f"gps benchmark: {'quick, ' if a.quick else ''}median of {n} run(s); {machine()}", file=sys.stderr, flush=True)

    t = time.perf_counter()
    corpus_a = corpus(a_files, a_rows, year)
    corpus_b = corpus(1, b_rows, year)
    corpus_e = corpus(e_files, 50, year)
    corpus_f = corpus(f_files, 50, year, "xls")
    corpus_g = corpus(g_files, 50, year)
    corpus_h = corpus(1, h_rows, year)
    corpus_i = corpus(i_files, 50, year, "csv")
    corpus_det = corpus(20, 50, year)
    print(f"corpora ready in {time.perf_counter() - t:.1f} s (cached under {corpus_a.parent})", file=sys.stderr, flush=True)

    rows: list[Row] = []
    base: dict[str, Row] = {}

    def work(case: str, name: str, kind: str, folder: Path, files: int, nrows: int, *extra: str, runs: int = n,
             memory: bool = True) -> Row:
        """One measured workload (workloads.py KIND FOLDER ...), added to the table."""
        cmd = [PY, WORKLOADS, kind, str(folder), *extra]
        if kind == "gps":
            cmd += ["--year", str(year)]
        row = Row(case, name, files, nrows, repeat(runs, cmd, f"{case} {name}", memory=memory), asked=runs)
        if kind == "gps":
            check_gps(row, nrows)
        else:
            base[f"{case}:{kind}"] = row
        rows.append(row)
        return row

    # Run order inside a case: gps and calamine first, the slow baselines last, so that the time
    # budget, if it bites, bites on them.
    ra = a_files * a_rows
    ga = work("(a)", "gps load+aggregate", "gps", corpus_a, a_files, ra)
    work("(a)", "calamine alone", "calamine", corpus_a, a_files, ra)
    # pandas+openpyxl takes ~30 s a run: once, and no memory run (the goal has a 10x margin)
    pa = work("(a)", "pandas+openpyxl", "pandas", corpus_a, a_files, ra,
              *(["--limit", str(pandas_limit)] if pandas_limit else []), runs=1, memory=False)
    if pandas_limit:
        pa.scale = a_files / pandas_limit
        pa.note = f"pandas read {pandas_limit} of the {a_files} files; its time is extrapolated ×{pa.scale:g}"
    else:
        pa.note = "pandas+openpyxl: one run (about 30 s), no memory run"
    gb = work("(b)", "gps load+aggregate", "gps", corpus_b, 1, b_rows)
    work("(b)", "calamine alone", "calamine", corpus_b, 1, b_rows)

    # (e) a prefecture's year of small submissions; gps with 2 workers (the default here) and 1
    re_ = e_files * 50
    ge = work("(e)", "gps load+aggregate", "gps", corpus_e, e_files, re_)
    ge1 = work("(e)", "gps, 1 worker", "gps", corpus_e, e_files, re_, "--workers", "1", memory=False)
    work("(e)", "calamine alone", "calamine", corpus_e, e_files, re_)
    work("(e)", "fastexcel", "fastexcel", corpus_e, e_files, re_)
    work("(e)", "pandas+calamine", "pandas-calamine", corpus_e, e_files, re_)
    # (f) legacy .xls
    rf = f_files * 50
    gf = work("(f)", "gps load+aggregate", "gps", corpus_f, f_files, rf)
    work("(f)", "calamine alone", "calamine", corpus_f, f_files, rf)
    work("(f)", "fastexcel", "fastexcel", corpus_f, f_files, rf)
    work("(f)", "pandas+calamine", "pandas-calamine", corpus_f, f_files, rf)
    # (h) one province-size sheet
    gh = work("(h)", "gps load+aggregate", "gps", corpus_h, 1, h_rows)
    work("(h)", "calamine alone", "calamine", corpus_h, 1, h_rows)
    work("(h)", "fastexcel", "fastexcel", corpus_h, 1, h_rows)

    # (i) GBK CSV exports: no calamine here; the csv module is the floor
    ri = i_files * 50
    gi = work("(i)", "gps load+aggregate", "gps", corpus_i, i_files, ri)
    ci = work("(i)", "csv module alone", "csv", corpus_i, i_files, ri)
    work("(i)", "pandas.read_csv", "pandas-csv", corpus_i, i_files, ri)

    # (c) report: median of n runs, with the default template's charts and with the same template without
    # them (the difference is a second or so on a noisy machine: one run each could not tell it)
    how, why = report_status()
    gc_charts: Row | None = None
    gc_plain: Row | None = None
    nc = n
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "报告.docx")
        runs: list[Run] = []
        if how == "cli":
            runs = repeat(nc, [GPS, "report", "--year", str(year), "--data", str(corpus_a), "--out", out], "(c) gps report (CLI)",
                          cwd=tmp, timed_inside=False)
            if runs and runs[0].ok:
                rows.append(Row("(c)", "gps report (CLI)", a_files, ra, runs,
                                note=f"gps report: median of {nc}, whole CLI process timed, start-up included; default template, "
                                     "with its charts"))
                gc_charts = rows[-1]
                gc_plain = report_without_charts(tmp, year, corpus_a, a_files, ra, nc)
                if gc_plain is not None:
                    rows.append(gc_plain)
            else:
                how, why = ("library" if report_status()[0] else ""), "CLI failed: " + (runs[0].error if runs else "?")
        if how == "library":
            runs = repeat(nc, [PY, WORKLOADS, "report", str(corpus_a), "--year", str(year), "--out", out],
                          "(c) gps report (library)", cwd=tmp)
            rend = statistics.median(r.out.get("render_seconds", 0) for r in runs) if all(r.ok for r in runs) else 0
            rows.append(Row("(c)", "gps report", a_files, ra, runs,
                            note=("one run; no `gps report` command yet: timed api.load + gpscli.report.write_report "
                                  f"(of which DOCX render {rend:.2f} s)" + (f"; {why}" if why else ""))))
        elif how == "":
            rows.append(Row("(c)", "gps report", 0, 0, [], note="n/a (report not available)"))

    # (d) start-up
    measure([GPS, "--help"], timed_inside=False)  # warm the .pyc files once, not counted
    gd = Row("(d)", "gps --help", 0, 0, repeat(5, [GPS, "--help"], "(d) gps --help", timed_inside=False),
             note="gps --help: whole process wall time, median of 5 (after one unmeasured warm-up)")
    rows.append(gd)

    # (g) what a clerk waits for: the whole command, start-up included, against a whole process
    # that imports calamine and parses the same files
    rg = g_files * 50
    with tempfile.TemporaryDirectory() as tmp:
        measure([GPS, "aggregate", str(corpus_g), "--year", str(year), "--format", "json"], cwd=tmp,
                timed_inside=False)  # warm the .pyc files and the page cache once, not counted
        gg = Row("(g)", "gps aggregate (CLI)", g_files, rg, repeat(
            5, [GPS, "aggregate", str(corpus_g), "--year", str(year), "--format", "json"], "(g) gps aggregate (CLI)",
            cwd=tmp, timed_inside=False), asked=5,
            note="whole processes timed (gps CLI --format json; python + import + parse), start-up included, median of 5")
        cg = Row("(g)", "calamine alone (process)", g_files, rg, repeat(
            5, [PY, WORKLOADS, "calamine", str(corpus_g)], "(g) calamine (process)", timed_inside=False), asked=5)
    rows += [gg, cg]
    base["(g):calamine"] = cg

    # (j) the ledger: the corpus of (a) recorded in a new SQLite ledger, then aggregated from it.
    # Each file is its own submitter (hard links named 昌吉市-甲子东科.xlsx...), so that all 100,000
    # rows are in the state; corpus (a)'s names would make each jurisdiction's files versions of one list.
    corpus_j = submitters(corpus_a)
    with tempfile.TemporaryDirectory() as ws:
        gj = Row("(j)", "gps ingest into SQLite", a_files, ra, repeat(
            n, [PY, WORKLOADS, "ingest", str(corpus_j), "--year", str(year), "--ws", ws], "(j) gps ingest"))
        check_gps(gj, ra)
        size = next((r.out.get("ledger_bytes", 0) for r in gj.runs if r.ok), 0)
        gj.note = f"gps ingest: a new SQLite ledger each run; ledger on disk {size / 1048576:.1f} MB for {ra:,} rows"
        lj = Row("(j)", "aggregate from the ledger", a_files, ra, repeat(
            n, [PY, WORKLOADS, "ledger-aggregate", ws, "--year", str(year)], "(j) ledger aggregate"))
        check_gps(lj, ra)
        (Path(ws) / "gps.toml").write_text("", encoding="utf-8")
        measure([GPS, "aggregate", "--year", str(year), "--format", "json"], cwd=ws, timed_inside=False)  # warm-up
        cj = Row("(j)", "gps aggregate from the ledger (CLI)", a_files, ra, repeat(
            5, [GPS, "aggregate", "--year", str(year), "--format", "json"], "(j) gps aggregate (CLI, ledger)", cwd=ws,
            timed_inside=False), asked=5, note="whole process, start-up included, median of 5")
    rows += [gj, lj, cj]

    # (k) gps serve under load: corpus (a) uploaded by 8 concurrent clients to a server on
    # loopback (2 validations at once, the default), against `gps validate` of the same files; one run
    # (the script samples the server's memory itself)
    k_files = 50 if a.quick else a_files
    gk = Row("(k)", f"gps serve, {k_files} uploads", k_files, k_files * a_rows, repeat(
        1, [PY, str(HERE / "serve_load.py"), str(corpus_a), "--files", str(k_files)], "(k) gps serve load", memory=False))
    kout = next((r.out for r in gk.runs if r.ok), {})
    if kout and kout.get("ok_answers") != k_files:
        gk.runs[0].ok, gk.runs[0].error = False, f"{kout.get('ok_answers')} of {k_files} uploads answered 200"
    elif kout:
        gk.note = (f"gps serve: {k_files} files of (a), 8 clients, 2 validations at once; "
                   f"{kout['per_second']:.1f} validations/s; server tree PSS {kout['server_idle_mb']:.0f} MB idle, "
                   f"{kout['server_peak_mb']:.0f} MB peak; gps validate of the same files {kout['validate_seconds']:.2f} s "
                   f"({kout['validate_per_second']:.1f} files/s, whole command)")
    rows.append(gk)

    # determinism
    det = measure([PY, WORKLOADS, "determinism", str(corpus_det), "--year", str(year)])
    det_ok = det.ok and det.out.get("same") is True
    det_line = (f"determinism (aggregate JSON, workers=1 vs workers=2, 20 files x 50 rows): "
                f"{'OK' if det_ok else 'FAIL'}" + ("" if det.ok else f" ({det.error})"))

    print(file=sys.stderr)
    print(f"gps benchmark — {machine()}")
    print(f"code: {source_state()}; {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"{'quick mode: smaller corpora, ' if a.quick else ''}seconds = median of {n} run(s) (start-up: median of 5), "
          "each run a fresh process; work timed after imports (CPU s: whole process incl. start-up and workers); "
          "tree PSS from one more run, not timed")
    print()
    print(table(rows, base))
    print()
    print(det_line)

    goals = [g for g in (
        ratio_goal("(a) gps within 2× of calamine alone", ga, base["(a):calamine"], 2),
        ratio_goal("(b) gps within 2× of calamine alone", gb, base["(b):calamine"], 2),
        ratio_goal("(e) gps within 1.5× of calamine alone", ge, base["(e):calamine"], 1.5),
        ratio_goal("(e) 2 workers at most 0.6× the time of 1 worker", ge, ge1, 0.6),
        ratio_goal("(f) .xls: gps within 2× of calamine alone", gf, base["(f):calamine"], 2),
        ratio_goal("(h) gps within 1.5× of calamine alone", gh, base["(h):calamine"], 1.5),
    ) if g]
    if ga.ok and pa.ok:
        x = pa.seconds / ga.seconds
        goals.insert(1, f"(a) gps ≥10× faster than pandas+openpyxl: {x:.1f}× — {verdict(x >= 10)}")
    pe = base["(e):pandas-calamine"]
    if ge.ok and pe.ok:
        x = pe.seconds / ge.seconds
        goals.append(f"(e) gps ≥3× faster than pandas+calamine: {x:.1f}× — {verdict(x >= 3)}")
    if gb.ok:
        goals.append(f"(b) peak memory < 1 GB: tree PSS {gb.tree:,.0f} MB, largest process {gb.maxrss:,.0f} MB — "
                     f"{verdict(max(gb.tree, gb.maxrss) < 1024)}")
    if gh.ok:
        goals.append(f"(h) peak memory < 600 MB: tree PSS {gh.tree:,.0f} MB, largest process {gh.maxrss:,.0f} MB — "
                     f"{verdict(max(gh.tree, gh.maxrss) < 600)}")
    if gg.ok and cg.ok:
        x = gg.seconds - cg.seconds
        goals.append(f"(g) gps aggregate at most 0.6 s above calamine, start-up included: +{x:.2f} s — {verdict(x <= 0.6)}")
    if gd.ok:
        goals.append(f"(d) gps --help < 0.5 s: {gd.seconds:.3f} s — {verdict(gd.seconds < 0.5)}")
    if gj.ok and ga.ok:
        x = gj.seconds / ga.seconds - 1
        goals.append(f"(j) ingest adds at most 30% to load+aggregate of the same files: +{x:.0%} — {verdict(x <= 0.3)}")
    if lj.ok and cj.ok:
        goals.append(f"(j) aggregate of {ra:,} rows from the ledger well under 1 s (at most 0.5 s): {lj.seconds:.2f} s "
                     f"— {verdict(lj.seconds <= 0.5)}; the whole command, start-up included: {cj.seconds:.2f} s")
    if gk.ok and kout:
        goals.append(f"(k) gps serve, no goal set: {kout['per_second']:.1f} validations/s through the server vs "
                     f"{kout['validate_per_second']:.1f} files/s for gps validate; server peak {kout['server_peak_mb']:.0f} MB")
    if gi.ok and ci.ok:
        goals.append(f"(i) GBK CSV, no goal set: gps {gi.seconds / ci.seconds:.1f}× the csv module alone")
    if gc_charts is not None and gc_plain is not None and gc_charts.ok and gc_plain.ok:
        x = gc_charts.seconds - gc_plain.seconds
        goals.append(f"(c) charts add at most 1 s to gps report: {x:+.2f} s — {verdict(x <= 1.0)}")
    goals.append(f"determinism: {verdict(det_ok)}")
    other = (cpu_busy() - busy_start - (own_cpu() - own_start)) / max(time.perf_counter() - started, 1e-9)
    print(f"other processes used {max(other, 0):.2f} of {os.cpu_count()} CPUs on average during the bench" + (
        " — WARNING: the timings are disturbed; rerun on an idle machine" if other > 0.25 else ""))
    print("goals:")
    for g in goals:
        print(f"  {g}")
    total = time.perf_counter() - started
    print(f"\nbench finished in {total:.0f} s")

    if a.json:
        a.json.write_text(json.dumps({
            "machine": machine(), "quick": a.quick, "runs": n, "determinism": det_ok, "goals": goals, "total_seconds": total,
            "rows": [{"case": r.case, "name": r.name, "note": r.note, "files": r.files, "rows": r.rows, "ok": r.ok,
                      "seconds": r.seconds if r.ok else None, "cpu": r.cpu if r.ok else None,
                      "maxrss_mb": r.maxrss if r.runs else None,
                      "tree_pss_mb": r.tree if r.runs else None, "runs": [vars(x) for x in r.runs]} for r in rows],
        }, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(r.ok for r in rows if r.runs) and det_ok else 1


if __name__ == "__main__":
    sys.exit(main())
