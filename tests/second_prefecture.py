"""A second, different prefecture for the report: a 地级市 whose kinds are 市本级 (a paragraph
each), 市辖区 (a paragraph each) and 县 (one paragraph, 各县), with no parks; and its 2016
submissions, one workbook per jurisdiction, built in code. The catalogue is the bundled one.

``EXPECTED`` keeps every amount as the Decimal written into the workbooks, so tests can sum them
independently of gps.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from builders import project, standard_rows, write_xlsx

PROFILE_TOML = """\
name = "清源市"
short_name = "清源市"
bureau = "清源市财政局"

[[kinds]]
name = "市本级"
report = "each"

[[kinds]]
name = "市辖区"
report = "each"

[[kinds]]
name = "县"
report = "group"
group_name = "各县"

[[jurisdictions]]
name = "市本级"
kind = "市本级"
aliases = ["市直", "市级"]

[[jurisdictions]]
name = "城关区"
kind = "市辖区"
aliases = []

[[jurisdictions]]
name = "河东区"
kind = "市辖区"
aliases = []

[[jurisdictions]]
name = "青山县"
kind = "县"
aliases = []

[[jurisdictions]]
name = "白水县"
kind = "县"
aliases = []

[[jurisdictions]]
name = "石门县"
kind = "县"
aliases = []
"""

D = Decimal

# jurisdiction -> [(unit, project name, category, subcategory, amount)]; 石门县 reports nothing.
EXPECTED: dict[str, list[tuple[str, str, str, str, Decimal]]] = {
    "市本级": [("清源市城市管理局", "主城区道路清扫保洁", "基本公共服务", "城市维护", D("860.25")),
             ("清源市教育局", "课后托管服务", "基本公共服务", "公共教育", D("312.4")),
             ("清源市财政局", "预算绩效评价第三方服务", "技术性服务", "", D("96"))],
    "城关区": [("城关区民政局", "居家养老上门服务", "基本公共服务", "养老服务", D("205.75")),
             ("城关区司法局", "社区矫正辅助服务", "社会管理性服务", "社区矫正", D("48.3"))],
    "河东区": [("河东区住建局", "老旧小区物业托管", "基本公共服务", "住房保障", D("133.33"))],
    "青山县": [("青山县环保局", "农村生活垃圾收运", "基本公共服务", "环境治理", D("420.1")),
             ("青山县卫健委", "家庭医生签约辅助服务", "基本公共服务", "医疗卫生", D("87.65"))],
    "白水县": [("白水县农业农村局", "农业技术推广服务", "基本公共服务", "三农服务", D("150.05"))],
    "石门县": [],
}
KINDS = {"市本级": "市本级", "城关区": "市辖区", "河东区": "市辖区", "青山县": "县", "白水县": "县", "石门县": "县"}


def write_profile(folder: Path, text: str = PROFILE_TOML) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "清源市地区.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_submissions(inbox: Path, year: int = 2016) -> list[Path]:
    """One standard workbook per jurisdiction that has projects."""
    out = []
    for jur, rows in EXPECTED.items():
        if not rows:
            continue
        projects = [project(jurisdiction=jur, unit=u, name=n, category=c, subcategory=s or None, amount=a,
                            supplier=f"{jur}承接单位{k}", year=year)
                    for k, (u, n, c, s, a) in enumerate(rows, start=1)]
        out.append(write_xlsx(inbox / f"{jur}.xlsx", standard_rows(
            projects, title=f"{jur}{year}年政府购买服务项目情况表", unit_line=f"填报单位:{jur}财政局    单位:万元")))
    return out


def total() -> tuple[int, Decimal]:
    """The count and amount of all projects, summed here with Decimal, not by gps."""
    amounts = [row[4] for rows in EXPECTED.values() for row in rows]
    return len(amounts), sum(amounts, D(0))


def total_of(jurisdictions: list[str]) -> tuple[int, Decimal]:
    amounts = [row[4] for j in jurisdictions for row in EXPECTED[j]]
    return len(amounts), sum(amounts, D(0))
