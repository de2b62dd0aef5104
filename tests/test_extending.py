"""Adding a check is one module: a record rule and a cell check, each in its own file
(tests/extensions/), fire on every row whichever path read it (column-wise or row by row)."""

from __future__ import annotations

import importlib
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from builders import project, standard_rows, write_xlsx
from gpscli import api
from gpscli.checks import unregister
from gpscli.codes import unregister as unregister_code

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.fixture
def extensions():
    sys.path.insert(0, str(Path(__file__).parent / "extensions"))
    big = importlib.import_module("big_project")
    word = importlib.import_module("name_check")
    yield big, word
    unregister(big.big_project)
    unregister(word.looks_like_a_test)
    for code in ("big-project", "test-project"):
        unregister_code(code)
    for name in ("big_project", "name_check"):
        sys.modules.pop(name, None)
    sys.path.remove(str(Path(__file__).parent / "extensions"))


def load_here(paths: list[Path]) -> api.Result:
    """Read in this process (a spy on the column-wise path sees what a worker process would hide)."""
    from gpscli import catalogue, checks, profile
    from gpscli.ingest import collect_paths, read_file
    from gpscli.normalise import Context
    from gpscli.readers import Limits

    cat, prof = catalogue.default(), profile.default()
    ctx = Context(prof, cat)
    files = [read_file(p, ctx, Limits()) for p in collect_paths(paths)[0]]
    checks.run(files, checks.RuleOptions())
    return api.Result(files, [], cat, prof)


def _paths_taken(monkeypatch) -> list[int]:
    from gpscli.normalise import plain

    taken: list[int] = []
    real = plain.PlainRows.take

    def spy(self, batch, k, stop, first_row, jurisdiction):
        taken.append(stop - k)
        return real(self, batch, k, stop, first_row, jurisdiction)

    monkeypatch.setattr(plain.PlainRows, "take", spy)
    return taken


def test_a_new_record_rule_fires_on_sample_data(extensions, monkeypatch):
    taken = _paths_taken(monkeypatch)
    res = load_here([SAMPLE])
    assert sum(taken) > 50  # most sample rows went the column-wise way
    big = [(i.path.rsplit("/", 1)[-1], i.cell) for i in res.warnings if i.code == "big-project"]
    want = [r for r in res.valid_records() if r.amount > Decimal(500)]
    assert len(big) == len(want) == 15
    assert sorted(big) == sorted((r.source.path.rsplit("/", 1)[-1], r.cell("amount")) for r in want)
    # and the same with the column-wise path switched off
    monkeypatch.setattr("gpscli.normalise.plain_rows", lambda *a, **k: None)
    slow = load_here([SAMPLE])
    assert sorted((i.path, i.cell) for i in slow.warnings if i.code == "big-project") == \
        sorted((i.path, i.cell) for i in res.warnings if i.code == "big-project")


@pytest.mark.parametrize("fast", [True, False], ids=["column-wise", "row-by-row"])
def test_a_new_cell_check_fires_on_both_paths(extensions, monkeypatch, tmp_path, fast):
    from gpscli.normalise import plain

    taken = _paths_taken(monkeypatch)
    if fast:
        monkeypatch.setattr(plain, "MIN_ROWS", 1)
    else:
        monkeypatch.setattr("gpscli.normalise.plain_rows", lambda *a, **k: None)
    rows = standard_rows([project(name=f"道路保洁{n}", amount=10 + n) for n in range(20)]
                         + [project(name="测试项目", amount=5)] + [project(name=f"绿化{n}", amount=3) for n in range(5)])
    res = load_here([write_xlsx(tmp_path / "昌吉市.xlsx", rows)])
    assert [(i.code, i.cell) for i in res.all_issues()] == [("test-project", "D24")]
    assert len(res.valid_records()) == 26  # a warning: the row is counted
    assert (sum(taken) >= 25) is fast


def test_registered_checks_run_in_the_reading_workers_too(extensions, tmp_path):
    rows = standard_rows([project(name=f"道路保洁{n}", amount=600 + n) for n in range(10)] + [project(name="测试项目")])
    res = api.load([write_xlsx(tmp_path / "昌吉市.xlsx", rows)], workers=2)
    assert sorted(i.code for i in res.warnings) == ["big-project"] * 10 + ["test-project"]
