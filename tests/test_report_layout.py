"""Pagination as LibreOffice lays the draft out: the 落款 (issuing body and date) never stands alone on
a page (GB/T 9704-2012 7.3.5), whatever the length of the draft. Skips where LibreOffice or poppler is
absent; CI installs them (.ci/run)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest

from builders import project, standard_rows, write_xlsx
from conftest import ROOT, SAMPLE
from gpscli import api
from gpscli.report import write_report

sys.path.insert(0, str(ROOT / "tools"))
import render_docs

pytestmark = pytest.mark.skipif(not render_docs.have_tools(), reason="needs LibreOffice (soffice) and poppler-utils")

COUNTIES = ["昌吉市", "阜康市", "呼图壁县", "玛纳斯县", "奇台县", "吉木萨尔县", "木垒哈萨克自治县"]


def _generated(folder: Path, per_county: int) -> Path:
    folder.mkdir()
    for c in COUNTIES:
        rows = standard_rows([project(jurisdiction=c, unit=f"{c}第{n}单位", name=f"第{n}项服务", amount=10 + n)
                              for n in range(1, per_county + 1)], title=f"{c}2016年政府购买服务项目情况表")
        write_xlsx(folder / f"{c}.xlsx", rows)
    return folder


def _narrative(path: Path, paragraphs: int) -> Path:
    para = "各地按照年初的安排推进政府购买服务工作，逐项落实预算和合同管理要求，" * 3
    body = "\n\n".join(f"{para}（{n}）" for n in range(paragraphs))
    path.write_text(f"# 工作进展\n\n## 工作机制\n\n{body}\n\n# 问题和建议\n\n## 制度建设\n\n{body}\n",
                    encoding="utf-8")
    return path


def _drafts(tmp: Path):
    sample = api.load([SAMPLE])
    yield "sample-2016", sample, 2016, SAMPLE / "narrative-2016.md"
    yield "sample-2017", sample, 2017, None
    small = api.load([_generated(tmp / "small", 1)])
    yield "small", small, 2016, None
    # with these narratives the template before the fix put the 落款 alone on the last page
    for k in (4, 7):
        yield f"small-{k}", small, 2016, _narrative(tmp / f"n{k}.md", k)
    yield "large", api.load([_generated(tmp / "large", 30)]), 2016, _narrative(tmp / "long.md", 14)


@pytest.fixture(scope="module")
def laid_out():
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        out = []
        for name, result, year, narrative in _drafts(tmp):
            work = tmp / f"draft-{name}"
            work.mkdir()
            o = write_report(result, year, out=work / f"{name}.docx", narrative=narrative, narrative_required=False,
                             skip_invalid=True)
            pages = render_docs.page_texts(render_docs.to_pdf(o.path, work))
            out.append((name, o.context["bureau"], pages))
        yield out


def _lines(page: str) -> list[str]:
    return [" ".join(x.split()) for x in page.splitlines() if x.strip()]


def test_the_signature_shares_its_page_with_body_text(laid_out):
    seen = set()
    for name, bureau, pages in laid_out:
        where = [n for n, p in enumerate(pages) if bureau in "".join(p.split())]
        assert where, name
        page = _lines(pages[where[0]])
        body = [x for x in page if bureau not in "".join(x.split()) and not x.startswith("附件：")
                and not x.replace(" ", "").strip("—0123456789年月日") == ""]
        assert body, f"{name}: the 落款 is alone on page {where[0] + 1}: {page}"
        seen.add(len(pages))
    assert len(seen) > 1  # the drafts really differ in length
