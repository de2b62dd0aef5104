"""The wheel a user installs (make wheel; the README's pipx and venv instructions) holds everything
gps needs at run time: run from it, outside the repository, a new workspace goes through a whole
quarter: template, validate, ledger, 汇总表, report with its charts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built as `make wheel` builds it, unpacked as pip installs it (its dependencies are
    this environment's: the test is about what the wheel itself carries)."""
    pytest.importorskip("hatchling")
    dist, target = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("site")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                            "--wheel-dir", str(dist), str(ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    (wheel,) = dist.glob("gpscli-*-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "gpscli/templates/report.docx" in names and "gpscli/data/catalogue.csv" in names
    assert "gpscli/web/templates/county.html" in names and "gpscli/web/templates/gps.css" in names  # gps serve
    assert not any(n.startswith(("tests/", "sample_data/", "benchmarks/")) for n in names)
    inst = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile",
                           "--target", str(target), str(wheel)], capture_output=True, text=True)
    assert inst.returncode == 0, inst.stderr
    return target


def _gps(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(site)}  # ahead of the repository's editable install
    return subprocess.run([sys.executable, "-c", "from gpscli.cli import main; main()", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_a_quarter_from_the_installed_wheel(installed, tmp_path):
    where = _gps(installed, tmp_path, "--version")
    assert where.returncode == 0 and where.stdout.startswith("gps ")
    code = "import gpscli; print(gpscli.__file__)"
    origin = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(installed)}).stdout
    assert origin.startswith(str(installed))  # the wheel's gpscli, not the repository's
    module = subprocess.run([sys.executable, "-m", "gpscli", "--version"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(installed)})
    assert module.returncode == 0 and module.stdout == where.stdout  # python -m gpscli is gps

    assert _gps(installed, tmp_path, "init", "工作区").returncode == 0
    ws = tmp_path / "工作区"
    assert (ws / "templates" / "report.docx").is_file()
    for f in SAMPLE.glob("*.xlsx"):
        shutil.copy(f, ws / "inbox" / f.name)
    assert _gps(installed, ws, "template", "-o", "模板.xlsx").returncode == 0
    assert _gps(installed, ws, "validate", "inbox").returncode == 0
    run = _gps(installed, ws, "run", "--period", "2017Q4", "--log", "gps.log")
    assert run.returncode == 0, run.stderr
    out = ws / "output" / "2017Q4"
    assert {"2017年政府购买服务项目汇总表.xlsx", "2017年政府购买服务工作进展情况报告.docx", "运行摘要.json"} <= {
        p.name for p in out.iterdir()}
    assert "本期汇总 68 个项目" in (ws / "gps.log").read_text(encoding="utf-8")
