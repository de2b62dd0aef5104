"""Synthetic submission corpora for the benchmark: seeded, Chinese, valid, cached.

Every workbook follows the standard submission layout (tests/builders.py): a title row merged
over A1:K1, a 填报单位 line, the header on row 3 (序号, 地区, 购买主体, 项目名称, 一级目录,
二级目录, 金额(万元), 购买方式, 承接主体, 年度, 备注), one row per project, a 合计 row whose
amount is the exact sum, and a 填表人 line. Jurisdictions come from the packaged profile and
categories from the packaged catalogue, project names are unique, amounts are positive and
below the suspicious threshold: ``gps validate`` finds no error, so ``api.aggregate`` runs.

The xlsx files are written as raw SpreadsheetML through :mod:`zipfile` (shared strings, as
Excel writes them) without openpyxl: 500 workbooks of 200 rows take about 5 s, the 200,000-row
workbook about 7 s.
Corpora are cached under ``$TMPDIR/gps-bench-cache/<key>``; the key covers the parameters and
this file's source, so changing the generator regenerates them.
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import shutil
import tempfile
import tomllib
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "gpscli" / "data"
HEADER = ["序号", "地区", "购买主体", "项目名称", "一级目录", "二级目录", "金额(万元)", "购买方式", "承接主体", "年度", "备注"]
COLS = "ABCDEFGHIJK"
METHODS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源采购", "委托", "其他")
DEPARTMENTS = (
    "教育局", "民政局", "人力资源和社会保障局", "卫生健康委员会", "住房和城乡建设局", "司法局", "财政局",
    "文化体育广播电视和旅游局", "城市管理局", "农业农村局", "自然资源局", "生态环境局", "交通运输局", "水利局",
    "应急管理局", "审计局", "统计局", "市场监督管理局", "医疗保障局", "退役军人事务局", "残疾人联合会", "妇女联合会",
    "共青团委员会", "科学技术局", "公安局", "林业和草原局", "发展和改革委员会", "商务和工业信息化局",
)
PLACES = ("城区", "社区", "农村", "全县", "全市", "乡镇", "街道", "园区", "老城区", "新区", "重点区域", "辖区")
SERVICES = (
    "道路清扫保洁服务", "居家养老服务", "法律援助服务", "公共文化活动组织", "体育赛事承办", "基层医疗卫生服务",
    "职业技能培训", "社会救助家庭经济状况核查", "残疾人康复服务", "困境儿童关爱服务", "社区矫正辅助服务",
    "人民调解服务", "农业技术推广服务", "环境质量监测", "财务审计服务", "绩效评价", "课题研究", "信息化系统运维",
    "物业管理服务", "安保服务", "会议服务", "政策宣传", "志愿服务运营管理", "公共安全巡逻", "园林绿化养护",
    "垃圾分类收运", "水质检测", "食品安全抽检", "档案数字化加工", "公益岗位开发",
)
SUPPLIER_WORDS = ("天山", "博格达", "绿洲", "丝路", "金源", "瑞丰", "恒信", "华泰", "鑫达", "众诚", "安泰", "新兴",
                  "益民", "同心", "阳光", "康宁", "德润", "宏远", "天润", "西域")
SUPPLIER_KINDS = ("环境服务有限公司", "物业服务有限公司", "社会工作服务中心", "律师事务所", "会计师事务所",
                  "科技有限公司", "养老服务中心", "文化传媒有限公司", "咨询有限公司", "检测技术有限公司")
NOTES = ("", "", "", "", "", "续签合同", "年中追加", "分两期支付", "含上年结转", "跨年度项目", "按季度考核")
PEOPLE = ("王芳", "李娜", "张伟", "刘洋", "陈静", "马丽", "阿依古丽", "艾力")


def _reference():
    prof = tomllib.loads((DATA / "profile.toml").read_text(encoding="utf-8"))
    jurisdictions = [j["name"] for j in prof["jurisdictions"]]
    with open(DATA / "catalogue.csv", encoding="utf-8") as fh:
        items = list(csv.DictReader(fh))
    top = {i["编码"]: i["名称"] for i in items if i["级别"] == "1"}
    pairs = [(top[i["上级编码"]], i["名称"]) for i in items if i["级别"] == "2"]
    return jurisdictions, pairs


def _cell_ref(col: int, row: int) -> str:
    return f"{COLS[col]}{row}"


class _Strings:
    """The shared-string table, in first-use order (as Excel builds it)."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, s: str) -> int:
        self.count += 1
        n = self.index.get(s)
        if n is None:
            n = self.index[s] = len(self.index)
        return n

    def xml(self) -> bytes:
        parts = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                 f'spreadsheetml/2006/main" count="{self.count}" uniqueCount="{len(self.index)}">']
        parts.extend(f"<si><t>{escape(s)}</t></si>" for s in self.index)
        parts.append("</sst>")
        return "".join(parts).encode("utf-8")


_CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"""
_ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
_WB_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"""
_STYLES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts><fonts count="2"><font><sz val="11"/><name val="\xe5\xae\x8b\xe4\xbd\x93"/></font><font><b/><sz val="16"/><name val="\xe5\xae\x8b\xe4\xbd\x93"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="\xe5\xb8\xb8\xe8\xa7\x84" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""
_CORE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>gps-bench</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2017-01-10T08:00:00Z</dcterms:created></cp:coreProperties>"""
_APP = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Excel</Application></Properties>"""


def _workbook_xml(sheet: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ).encode()


Cell = str | int | Decimal | None  # text, a whole number, an amount (two decimals), or empty


def submission_rows(rng: random.Random, file_no: int, rows: int, year: int, jurisdiction: str,
                    pairs: list[tuple[str, str]]) -> list[list[Cell]]:
    """The cells of one standard submission of ``rows`` projects, row by row from A1."""
    dept = rng.choice(DEPARTMENTS)
    grid: list[list[Cell]] = [[f"{jurisdiction}{year}年政府购买服务项目情况表"],
                              [f"填报单位:{jurisdiction}财政局    单位:万元"], list(HEADER)]
    total = Decimal(0)
    units = [f"{jurisdiction}{d}" for d in rng.sample(DEPARTMENTS, 4)] + [f"{jurisdiction}{dept}"]
    for i in range(rows):
        category, sub = rng.choice(pairs)
        cents = rng.randint(50, 300000) if rng.random() < 0.97 else rng.randint(300000, 2000000)
        amount = Decimal(cents) / 100
        total += amount
        grid.append([i + 1, jurisdiction, rng.choice(units), f"{rng.choice(PLACES)}{rng.choice(SERVICES)}(第{file_no}-{i + 1}号)",
                     category, sub, amount, rng.choice(METHODS),
                     f"{jurisdiction[:2]}{rng.choice(SUPPLIER_WORDS)}{rng.choice(SUPPLIER_KINDS)}", year,
                     rng.choice(NOTES) or None])
    grid.append(["合计", None, None, None, None, None, total])
    grid.append([f"填表人:{rng.choice(PEOPLE)}    联系电话:0994-{rng.randint(2000000, 2999999)}"])
    return grid


def write_xlsx(path: Path, grid: list[list[Cell]]) -> None:
    """Raw SpreadsheetML through zipfile: shared strings, a bold merged title, amounts styled 0.00."""
    sst = _Strings()
    out: list[str] = []
    add = out.append
    for r, cells in enumerate(grid, start=1):
        add(f'<row r="{r}">')
        for c, v in enumerate(cells):
            if v is None:
                continue
            style = ' s="1"' if r == 1 else ' s="2"' if isinstance(v, Decimal) else ""
            if isinstance(v, str):
                add(f'<c r="{COLS[c]}{r}"{style} t="s"><v>{sst(v)}</v></c>')
            else:
                add(f'<c r="{COLS[c]}{r}"{style}><v>{v}</v></c>')
        add("</row>")
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:K{len(grid)}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        '<sheetFormatPr defaultRowHeight="13.5"/><cols><col min="1" max="1" width="6" customWidth="1"/>'
        '<col min="3" max="4" width="30" customWidth="1"/><col min="9" max="9" width="30" customWidth="1"/></cols>'
        "<sheetData>" + "".join(out) + "</sheetData>"
        '<mergeCells count="1"><mergeCell ref="A1:K1"/></mergeCells>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    ).encode("utf-8")
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("docProps/core.xml", _CORE)
        zf.writestr("docProps/app.xml", _APP)
        zf.writestr("xl/workbook.xml", _workbook_xml("项目明细"))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        zf.writestr("xl/sharedStrings.xml", sst.xml())
        zf.writestr("xl/worksheets/sheet1.xml", sheet)
    os.replace(tmp, path)


def write_xls(path: Path, grid: list[list[Cell]]) -> None:
    """Legacy BIFF8 through xlwt (as WPS and old Excel save it): the same cells, title merged, amounts 0.00."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("项目明细")
    money = xlwt.easyxf(num_format_str="0.00")
    ws.write_merge(0, 0, 0, len(HEADER) - 1, grid[0][0], xlwt.easyxf("font: bold on, height 320"))
    for r, cells in enumerate(grid[1:], start=1):
        for c, v in enumerate(cells):
            if isinstance(v, Decimal):
                ws.write(r, c, float(v), money)
            elif v is not None:
                ws.write(r, c, v)
    tmp = path.with_suffix(".tmp")
    wb.save(str(tmp))
    os.replace(tmp, path)


def write_csv(path: Path, grid: list[list[Cell]]) -> None:
    """A CSV as a county's software exports it: GBK, lines as long as their last cell (the 合计 and
    填表人 lines short), amounts with their decimals as written."""
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        for cells in grid:
            w.writerow(["" if v is None else str(v) for v in cells])
    os.replace(tmp, path)


WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "csv": write_csv}


def cache_root() -> Path:
    return Path(os.environ.get("GPS_BENCH_CACHE") or Path(tempfile.gettempdir()) / "gps-bench-cache")


def corpus(files: int, rows: int, seed: int = 2016, year: int = 2016, fmt: str = "xlsx") -> Path:
    """A folder of ``files`` submissions of ``rows`` projects each (generated once, then cached)."""
    src = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:10]
    stem = f"corpus-f{files}-r{rows}-s{seed}-y{year}-{fmt}-"
    folder = cache_root() / f"{stem}{src}"
    if (folder / ".complete").exists():
        return folder
    for stale in cache_root().glob(f"{stem}*"):  # made by an older version of this file
        shutil.rmtree(stale, ignore_errors=True)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    jurisdictions, pairs = _reference()
    rng = random.Random(seed * 1_000_003 + files * 7919 + rows)
    for f in range(1, files + 1):
        jur = jurisdictions[(f - 1) % len(jurisdictions)]
        name = f"{jur}{year}年政府购买服务项目_{f:04d}.{fmt}" if files > 1 else f"{jur}{year}年政府购买服务项目(全州明细).{fmt}"
        WRITERS[fmt](folder / name, submission_rows(random.Random(rng.getrandbits(64)), f, rows, year, jur, pairs))
    (folder / ".complete").write_text(f"{files} files x {rows} rows\n", encoding="utf-8")
    return folder


if __name__ == "__main__":
    import sys
    import time

    t = time.perf_counter()
    year = int(sys.argv[3]) if len(sys.argv) > 3 else 2016
    fmt = sys.argv[4] if len(sys.argv) > 4 else "xlsx"
    print(corpus(int(sys.argv[1]), int(sys.argv[2]), year=year, fmt=fmt), f"{time.perf_counter() - t:.1f}s")
