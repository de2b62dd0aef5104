"""Aggregate dimensions (issue #15): one record per dimension in aggregate.DIMENSION_REGISTRY.

The derived dimension ``kind`` (地区类别) is checked against sums made here from the sample
workbooks read with openpyxl and the kinds read from the profile TOML, not through gpscli.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from gpscli import aggregate as agg_mod
from gpscli import api
from gpscli.aggregate import DIMENSION_REGISTRY, DIMENSIONS, Dimension, aggregate, aggregate_views, parse_dimensions
from gpscli.cli import app
from gpscli.errors import UsageError
from gpscli.profile import Jurisdiction, Profile
from gpscli.records import ProjectRecord, RecordBatch, Source

runner = CliRunner()


def _profile_kinds() -> tuple[dict[str, str], list[str]]:
    """Jurisdiction -> kind, and the kinds in the order the built-in profile first lists them."""
    data = tomllib.loads(resources.files("gpscli").joinpath("data/profile.toml").read_text(encoding="utf-8"))
    kind_of = {j["name"]: j["kind"] for j in data["jurisdictions"]}
    return kind_of, list(dict.fromkeys(kind_of.values()))


def _sample_rows(folder: Path, year: int) -> list[tuple[str, str, Decimal]]:
    """(地区, 一级目录, 金额) of every project row of ``year``, read with openpyxl only."""
    out = []
    for path in sorted(folder.glob("*.xlsx")):
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        values = list(wb["项目明细"].iter_rows(values_only=True))
        wb.close()
        header = list(values[2])
        jur, cat, amount, yr = (header.index(h) for h in ("地区", "一级目录", "金额(万元)", "年度"))
        out += [(line[jur], line[cat], Decimal(str(line[amount]))) for line in values[3:]
                if line[0] is not None and int(line[yr]) == year]
    return out


def _sums(keys) -> dict:
    sums: dict = {}
    for key, amount in keys:
        count, total = sums.get(key, (0, Decimal(0)))
        sums[key] = (count + 1, total + amount)
    return sums


def _run(*args) -> dict:
    r = runner.invoke(app, ["aggregate", *map(str, args), "--format", "json"])
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_by_kind_equals_an_independent_decimal_sum(sample_dir):
    kind_of, kinds = _profile_kinds()
    want = _sums((kind_of[j], a) for j, _c, a in _sample_rows(sample_dir, 2016))
    assert sum(c for c, _a in want.values()) == 55 and sum(a for _c, a in want.values()) == Decimal("16252.68")
    d = _run(sample_dir, "--year", "2016", "--by", "kind")
    assert d["dimensions"] == ["kind"]
    got = [(e["kind"], e["count"], Decimal(e["amount"])) for e in d["by_kind"]]
    assert got == [(k, *want[k]) for k in kinds]  # the profile's order: 本级, 园区, 县市
    assert [k for k, _c, _a in got] == ["本级", "园区", "县市"]
    # The figures the sums above give (checked by hand against the seed report's 州本级 2978.88,
    # parks 2090 + 530 + 1461 and counties 9192.8):
    assert got == [("本级", 8, Decimal("2978.88")), ("园区", 18, Decimal("4081")), ("县市", 29, Decimal("9192.8"))]
    assert d["total"] == {"count": 55, "amount": "16252.68"}


def test_by_kind_and_category_in_json_csv_xlsx_and_table(sample_dir, tmp_path):
    kind_of, kinds = _profile_kinds()
    want = _sums(((kind_of[j], c), a) for j, c, a in _sample_rows(sample_dir, 2016))
    d = _run(sample_dir, "--year", "2016", "--by", "kind,category")
    cells = {(e["kind"], e["category"]): (e["count"], Decimal(e["amount"])) for e in d["cells"]}
    assert cells == want
    assert [e["kind"] for e in d["by_kind"]] == kinds
    assert [k for k, _c in cells] == sorted((k for k, _c in cells), key=kinds.index)  # cells in kind order

    out_csv, out_xlsx = tmp_path / "o.csv", tmp_path / "o.xlsx"
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--by", "kind,category",
                            "--out", str(out_csv), "--out", str(out_xlsx)])
    assert r.exit_code == 0, r.output
    lines = list(csv.reader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert lines[0] == ["年度", "地区类别", "一级目录", "项数", "金额(万元)"]
    assert {(k, c): (int(n), Decimal(a)) for _y, k, c, n, a in lines[1:-1]} == want
    ws = openpyxl.load_workbook(out_xlsx)["汇总表"]
    assert ws["A3"].value == "地区类别"
    assert [ws.cell(row=5 + n, column=1).value for n in range(len(kinds))] == kinds
    assert ws.cell(row=5 + len(kinds), column=1).value == "合计"

    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--by", "kind,category"])
    assert r.exit_code == 0, r.output
    assert "地区类别" in r.stdout and all(k in r.stdout for k in kinds)


def test_names_labels_and_aliases_choose_the_same_dimensions():
    assert parse_dimensions("kind,category") == parse_dimensions("地区类别,目录") == ["kind", "category"]
    assert parse_dimensions(["地区", "单位", "方式", "类别"]) == ["jurisdiction", "unit", "method", "category"]
    with pytest.raises(UsageError, match="kind"):
        parse_dimensions("县区")
    with pytest.raises(UsageError, match="重复"):
        parse_dimensions("kind,地区类型")


def test_every_name_says_one_dimension_and_the_help_lists_them():
    said = [n for d in DIMENSION_REGISTRY.values() for n in {d.name, d.label, *d.aliases}]
    assert len(said) == len(set(said))
    assert dict(DIMENSIONS) == {name: d.label for name, d in DIMENSION_REGISTRY.items()}
    help_text = re.sub(r"\s+", "", runner.invoke(app, ["aggregate", "--help"]).stdout)
    assert "、".join(f"{d.name}({d.label})" for d in DIMENSION_REGISTRY.values()) in help_text


def _records(rows: list[tuple[str, str, str]]) -> list[ProjectRecord]:
    return [ProjectRecord(j, u, f"项目{n}", c, Decimal("1.10"), 2016, Source("a.xlsx", "项目明细", n + 4))
            for n, (j, u, c) in enumerate(rows)]


def test_kind_order_and_values_follow_the_profile_given():
    prof = Profile("某州", [Jurisdiction("甲县", "县"), Jurisdiction("州本级", "州级"), Jurisdiction("乙县", "县")])
    recs = _records([("州本级", "单位", "技术性服务"), ("乙县", "单位", "技术性服务"), ("甲县", "单位", "技术性服务")])
    a = aggregate(recs, 2016, ["kind"], jurisdictions=prof.names(), categories_order={}, profile=prof)
    assert [(k, f.count, f.amount) for k, f in a.by["kind"]] == [("县", 2, Decimal("2.20")), ("州级", 1, Decimal("1.10"))]
    assert a.figure(kind="县").count == 2 and a.figure(kind="州级", category="技术性服务").count == 1
    # Without a profile, the built-in one tells the kinds (api.aggregate passes the loaded profile).
    a = aggregate(_records([("昌吉市", "单位", "技术性服务")]), 2016, ["kind"], jurisdictions=["昌吉市"],
                  categories_order={})
    assert [k for k, _f in a.by["kind"]] == ["县市"]


def test_kinds_are_ordered_as_the_profile_declares_them():
    from types import SimpleNamespace

    js = [Jurisdiction("州本级", "本级"), Jurisdiction("甲县", "县市"), Jurisdiction("高新区", "园区")]
    prof = SimpleNamespace(jurisdictions=js, kind_names=lambda: ["县市", "园区", "本级"])  # a profile with [[kinds]]
    recs = _records([("州本级", "单位", "技术性服务"), ("甲县", "单位", "技术性服务"), ("高新区", "单位", "技术性服务")])
    a = aggregate(recs, 2016, ["kind"], jurisdictions=[j.name for j in js], categories_order={}, profile=prof)
    assert [k for k, _f in a.by["kind"]] == ["县市", "园区", "本级"]
    a = aggregate(recs, 2016, ["kind"], jurisdictions=[j.name for j in js], categories_order={},
                  profile=SimpleNamespace(jurisdictions=js))  # no declared kinds: as first listed
    assert [k for k, _f in a.by["kind"]] == ["本级", "县市", "园区"]


class _CountingMap(Mapping):
    def __init__(self, data: dict[str, str]) -> None:
        self.data, self.lookups = data, 0

    def __getitem__(self, key):
        self.lookups += 1
        return self.data[key]

    def get(self, key, default=None):
        self.lookups += 1
        return self.data.get(key, default)

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)


def test_a_derived_value_is_worked_out_per_distinct_value_not_per_row(monkeypatch):
    calls, maps = [], []

    def derive(scope):
        calls.append(1)
        maps.append(_CountingMap(dict(scope.kinds)))
        return maps[-1]

    kind = DIMENSION_REGISTRY["kind"]
    monkeypatch.setitem(DIMENSION_REGISTRY, "kind", Dimension(kind.name, kind.label, kind.column, kind.order,
                                                             kind.aliases, derive))
    rows = [("昌吉市" if n % 3 else "州本级", "单位", "技术性服务") for n in range(3000)]
    batches = RecordBatch.of(_records(rows))
    a = aggregate_views([(b, None) for b in batches], 2016, ["kind"], jurisdictions=["州本级", "昌吉市"],
                        categories_order={})
    assert [(k, f.count) for k, f in a.by["kind"]] == [("本级", 1000), ("县市", 2000)]
    assert len(calls) == 1 and maps[0].lookups <= 2  # once per distinct jurisdiction, not 3000 times


def test_a_new_record_is_all_a_dimension_needs(sample_dir, monkeypatch, tmp_path):
    monkeypatch.setitem(DIMENSION_REGISTRY, "supplier", Dimension(
        "supplier", "承接主体", "supplier", agg_mod._as_met, aliases=("承接单位",)))
    monkeypatch.setitem(DIMENSION_REGISTRY, "county", Dimension(
        "county", "是否县市", "jurisdiction", agg_mod._by_kind,
        derive=lambda scope: {j: ("县市" if k == "县市" else "州级") for j, k in scope.kinds.items()}))
    res = api.load([sample_dir])
    a = api.aggregate(res, year=2016, by="承接单位,county")
    assert a.dimensions == ["supplier", "county"] and a.total.count == 55
    assert sum(f.count for _s, f in a.by["supplier"]) == 55
    kind_of, _kinds = _profile_kinds()
    want = _sums(("县市" if kind_of[j] == "县市" else "州级", amount) for j, _c, amount in _sample_rows(sample_dir, 2016))
    assert {k: (f.count, f.amount) for k, f in a.by["county"]} == want
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["aggregate", str(sample_dir), "--year", "2016", "--by", "county", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8-sig").splitlines()[0] == "年度,是否县市,项数,金额(万元)"
