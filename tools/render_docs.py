"""Render the pictures the README and docs/report.md show, through LibreOffice -> PDF -> pdftoppm.

    python tools/render_docs.py              (both)
    python tools/render_docs.py report       docs/report-page-N.png: every page of the 2016 sample report
    python tools/render_docs.py summary      docs/summary-<sheet>.png: each sheet of the 2016 汇总表 xlsx
    python tools/render_docs.py chart        docs/report-chart.png: the first chart of the 2016 report

Needs LibreOffice Writer/Calc and poppler (Debian: apt-get install libreoffice-writer-nogui
libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-arphic-ukai). The GB2312 fonts a 公文 uses
(仿宋_GB2312, 方正小标宋简体, 楷体_GB2312) are not free, so a private fontconfig file maps them to the
nearest free fonts for these pictures only: 仿宋/宋体 -> Noto Serif CJK SC, 小标宋 -> Noto Serif CJK SC
Bold, 黑体 -> Noto Sans CJK SC, 楷体 -> AR PL UKai CN. The tests (tests/test_report_layout.py) use
the same functions to check pagination. GPS=path/to/gps runs another gps; DPI (default 72) sets
the resolution of the pictures (greyscale).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

_ALIASES = (
    (("仿宋_GB2312", "仿宋", "FangSong", "宋体", "SimSun"), "Noto Serif CJK SC"),
    (("黑体", "SimHei"), "Noto Sans CJK SC"),
    (("楷体_GB2312", "楷体", "KaiTi"), "AR PL UKai CN"),
    (("Times New Roman",), "Liberation Serif"),
)


def have_tools() -> bool:
    return bool(shutil.which("soffice") and shutil.which("pdftotext") and shutil.which("pdftoppm"))


def fontconfig(work: Path) -> Path:
    """A fontconfig file mapping the 公文 fonts to free ones (this process's conversions only)."""
    lines = ['<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>',
             '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
    for families, target in _ALIASES:
        for f in families:
            lines.append(f'  <alias binding="same"><family>{f}</family><prefer><family>{target}</family></prefer></alias>')
    lines += ['  <match target="pattern"><test name="family"><string>方正小标宋简体</string></test>',
              '    <edit name="family" mode="assign" binding="same"><string>Noto Serif CJK SC</string></edit>',
              '    <edit name="weight" mode="assign"><const>bold</const></edit></match>',
              "</fontconfig>"]
    path = work / "fonts.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def to_pdf(doc: Path, work: Path) -> Path:
    """``doc`` (.docx, .xlsx) converted to PDF in ``work`` by LibreOffice, with the mapped fonts."""
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig(work)))
    profile = (work / "lo-profile").as_uri()
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation={profile}",
                    "--convert-to", "pdf", "--outdir", str(work), str(doc)],
                   env=env, check=True, capture_output=True, timeout=300)
    pdf = work / (doc.stem + ".pdf")
    if not pdf.is_file():
        raise RuntimeError(f"LibreOffice did not convert {doc}")
    return pdf


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    return int(m.group(1)) if m else 0


def page_texts(pdf: Path) -> list[str]:
    """The text of each page (pdftotext -layout, page by page)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def to_pngs(pdf: Path, out_prefix: Path, dpi: int) -> list[Path]:
    """Every page of ``pdf`` as greyscale PNG: out_prefix-1.png, -2.png…"""
    work = Path(tempfile.mkdtemp())
    try:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), str(work / "p")], check=True)
        made = sorted(work.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        out = []
        for n, png in enumerate(made, 1):
            target = Path(f"{out_prefix}-{n}.png")
            shutil.move(str(png), target)
            out.append(target)
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _gps() -> list[str]:
    gps = os.environ.get("GPS")
    if gps:
        return [gps]
    return [sys.executable, "-c", "import sys; from gpscli.cli import main; sys.exit(main())"]


def report_pages(work: Path, dpi: int) -> list[Path]:
    doc = work / "report.docx"
    subprocess.run([*_gps(), "--quiet", "report", "--year", "2016", "--out", str(doc)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    for old in DOCS.glob("report-page-*.png"):
        old.unlink()
    return to_pngs(to_pdf(doc, work), DOCS / "report-page", dpi)


def report_chart() -> Path:
    """The first chart of the 2016 sample report, as the README shows it."""
    from gpscli import api
    from gpscli.report.charts import categories_chart

    agg = api.aggregate(api.load([ROOT / "sample_data"]), year=2016, by="jurisdiction,category")
    from gpscli.report.sections import lines

    chart = categories_chart("2016年", lines(agg.by["category"], agg.total.amount))
    assert chart is not None
    out = DOCS / "report-chart.png"
    out.write_bytes(chart.png())
    return out


def summary_sheets(work: Path, dpi: int) -> list[Path]:
    """Each sheet of the 汇总表: LibreOffice prints every sheet of a workbook, one after the other;
    each sheet is converted alone (the others deleted) to name its pictures after it."""
    from openpyxl import load_workbook

    xlsx = work / "汇总表.xlsx"
    subprocess.run([*_gps(), "--quiet", "aggregate", "sample_data", "--year", "2016", "--out", str(xlsx)],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    names = load_workbook(xlsx, read_only=True).sheetnames
    out = []
    for n, name in enumerate(names):
        wb = load_workbook(xlsx)
        for other in [s for s in wb.sheetnames if s != name]:
            del wb[other]
        one = work / f"sheet{n}.xlsx"
        wb.save(one)
        sub = work / f"s{n}"
        sub.mkdir()
        pdf = to_pdf(one, sub)
        pngs = to_pngs(pdf, work / f"sheet{n}", dpi)
        target = DOCS / f"summary-{name}.png"
        shutil.move(str(pngs[0]), target)  # the first page of the sheet
        out.append(target)
    return out


def main(argv: list[str]) -> int:
    what = argv[1:] or ["report", "chart", "summary"]
    if not have_tools():
        print("需要 LibreOffice(soffice)和 poppler-utils(pdftotext、pdftoppm)", file=sys.stderr)
        return 2
    dpi = int(os.environ.get("DPI", "72"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        made: list[Path] = []
        if "report" in what:
            made += report_pages(work, dpi)
        if "chart" in what:
            made.append(report_chart())
        if "summary" in what:
            made += summary_sheets(work, dpi)
    for p in made:
        print(f"{p.relative_to(ROOT)} ({p.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
