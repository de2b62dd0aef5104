"""Mutation fuzzing, bounded and seeded: a few hundred damaged copies of real-looking submissions
(byte flips, XML tags broken inside the zip, ODS repeat attributes, CSV separators and encodings).

For every mutant: no crash (never an internal error, never exit 3), bounded time and memory, and
either an error or warning about it, or the same figures as the file it was made from. A mutant
whose figures changed without a word would be a cell read otherwise than a person sees it.
"""

from __future__ import annotations

import io
import json
import random
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

import hidden_builders as hdb
from builders import project, standard_rows, write_csv, write_xls, write_xlsx
from gpscli import api
from gpscli.cli import app
from gpscli.readers import Limits

SEED = 20161231
PER_BASE = 100  # mutants per base file
LIMITS = Limits(memory_bytes=768 * 1048576, seconds=15, wall_seconds=30)


def _projects(j: str) -> list[dict]:
    return [project(jurisdiction=j, unit=f"{j}民政局", name=f"项目{n}", amount=[120.5, 88, 1100, 4.25, 16][n % 5],
                    category=["基本公共服务", "技术性服务"][n % 2], subcategory=None) for n in range(12)]


def _bases(folder: Path) -> list[Path]:
    import hostile_builders as hb

    folder.mkdir()
    return [
        write_xlsx(folder / "昌吉市.xlsx", standard_rows(_projects("昌吉市"))),
        hb.shared_strings_xlsx(folder / "阜康市.xlsx", standard_rows(_projects("阜康市"))),
        write_xls(folder / "玛纳斯县.xls", standard_rows(_projects("玛纳斯县"))),
        hdb.ods(folder / "奇台县.ods", standard_rows(_projects("奇台县"))),
        write_csv(folder / "木垒哈萨克自治县.csv", standard_rows(_projects("木垒哈萨克自治县")), encoding="gbk"),
    ]


_JUNK = [b"<", b">", b'"', b"&", b"<!--", b"-->", b"]]>", b"\x00", b"x", b"=", b"/", b"<v>", b"</v>", b"<c>",
         b"<row>", b"&#0;", b"&amp;", b"\xff\xfe", b" "]
_REPEATS = [b"0", b"1", b"2", b"999", b"1001", b"1048576", b"999999999", b"-1", b"x"]


def _flip(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def _break_tag(xml: bytes, rng: random.Random) -> bytes:
    """One tag of the XML broken: removed, doubled, cut short, junk written inside it, or the part
    truncated there. Text between tags (the values themselves) is left as it was."""
    tags = [m.span() for m in re.finditer(rb"<[^<>]{1,200}>", xml)]
    if not tags:
        return xml
    start, end = tags[rng.randrange(len(tags))]
    tag = xml[start:end]
    how = rng.randrange(5)
    if how == 0:
        tag = b""
    elif how == 1:
        tag = tag + tag
    elif how == 2:
        tag = tag[: rng.randrange(1, len(tag))]
    elif how == 3:
        at = rng.randrange(1, len(tag))
        tag = tag[:at] + rng.choice(_JUNK) + tag[at:]
    else:
        return xml[:start]
    return xml[:start] + tag + xml[end:]


def _repeat_attr(xml: bytes, rng: random.Random) -> bytes:
    rows = [m.end() for m in re.finditer(rb"<table:table-(?:row|cell)\b", xml)]
    if not rows:
        return xml
    at = rows[rng.randrange(len(rows))]
    attr = rng.choice([b"table:number-rows-repeated", b"table:number-columns-repeated",
                       b"table:number-rows-spanned", b"table:number-columns-spanned"])
    return xml[:at] + b" " + attr + b'="' + rng.choice(_REPEATS) + b'"' + xml[at:]


def _in_zip(data: bytes, rng: random.Random, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in src.namelist() if n.endswith(".xml")]
    target = rng.choice([n for n in names if "sheet" in n or n == "content.xml"] or names)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info.filename)
            dst.writestr(info, change(part, rng) if info.filename == target else part)
    return out.getvalue()


def _csv(data: bytes, rng: random.Random) -> bytes:
    text = data.decode("gbk")
    how = rng.randrange(4)
    if how == 0:
        return text.replace("\r\n", rng.choice(["\r", "\x1c", "\x85", "\u2028", "\x0b", "\n\n"])).encode("utf-8")
    if how == 1:
        return text.replace(",", rng.choice([";", "\t", "，", "|"])).encode("gbk")
    if how == 2:
        at = rng.randrange(len(text))
        return (text[:at] + rng.choice(['"', '""', "\x00", "\ufffe"]) + text[at:]).encode("utf-8", "surrogatepass")
    return rng.choice([b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf"]) + data


def mutants(base: Path, rng: random.Random, n: int) -> list[tuple[str, bytes]]:
    data = base.read_bytes()
    out = []
    for k in range(n):
        if base.suffix == ".csv":
            kind, body = "csv", _csv(data, rng)
        elif base.suffix == ".xls" or k % 3 == 0:
            kind, body = "flip", _flip(data, rng)
        elif base.suffix == ".ods" and k % 3 == 1:
            kind, body = "repeat", _in_zip(data, rng, _repeat_attr)
        else:
            kind, body = "tag", _in_zip(data, rng, _break_tag)
        out.append((kind, body))
    return out


def figures(res: api.Result) -> tuple[int, Decimal, tuple]:
    recs = res.valid_records()
    by_cat: dict[str, Decimal] = {}
    for r in recs:
        by_cat[r.category] = by_cat.get(r.category, Decimal(0)) + r.amount
    return len(recs), sum((r.amount for r in recs), Decimal(0)), tuple(sorted(by_cat.items()))


def read_alone(paths: list[Path]) -> list[api.Result]:
    """Each file read in the limited workers and checked on its own (mutants of one base share
    their projects: read together they would only be duplicates of each other)."""
    from gpscli import catalogue, checks, profile
    from gpscli.ingest import read_files
    from gpscli.normalise import Context

    cat, prof = catalogue.default(), profile.default()
    out = []
    for f in read_files(paths, Context(prof, cat), LIMITS):
        checks.run([f], checks.RuleOptions())
        out.append(api.Result([f], [], cat, prof))
    return out


def verdicts_or_same_figures(bases: list[Path], folder: Path, made: dict[str, tuple[str, str]]) -> list:
    want = {p.suffix: figures(r) for p, r in zip(bases, read_alone(bases))}
    silent = []
    for res in read_alone(sorted(folder.iterdir())):
        f = res.files[0]
        for i in f.issues:
            assert "内部错误" not in i.message, (f.path, i.message)
        suffix, kind = made[f.path]
        if f.issues or (suffix, kind) == (".xls", "flip"):
            # A verdict: an error or a warning about this file. (A .xls has no checksum: a flipped
            # bit inside a stored number is another number, in Excel as in gps.)
            continue
        if figures(res) != want[suffix]:
            silent.append((Path(f.path).name, figures(res), want[suffix]))
    return silent


def test_mutants_get_a_verdict_or_the_same_figures(tmp_path):
    rng = random.Random(SEED)
    bases = _bases(tmp_path / "原件")
    folder = tmp_path / "变体"
    folder.mkdir()
    made: dict[str, tuple[str, str]] = {}
    for base in bases:
        for n, (kind, body) in enumerate(mutants(base, rng, PER_BASE)):
            p = folder / f"{base.stem}-{n:03d}-{kind}{base.suffix}"
            p.write_bytes(body)
            made[str(p)] = (base.suffix, kind)
    t0 = time.monotonic()
    silent = verdicts_or_same_figures(bases, folder, made)
    spent = time.monotonic() - t0
    assert not silent, silent
    assert spent < 240, f"{len(made)} mutants took {spent:.0f} s"

    r = CliRunner().invoke(app, ["validate", str(folder), "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    assert json.loads(r.stdout)["summary"]["files"] == len(made)
