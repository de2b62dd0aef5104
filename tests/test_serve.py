"""gps serve (issue #21): tokens, the verdict of an upload, ingest, hostile and oversize uploads,
concurrency; on SQLite, and on PostgreSQL with GPS_TEST_PG_URL."""

from __future__ import annotations

import asyncio
import json
import re
import warnings

import pytest

with warnings.catch_warnings():  # Starlette 1.x would rather see httpx2 under its test client; httpx works the same
    warnings.simplefilter("ignore", UserWarning)  # StarletteDeprecationWarning
    from starlette.testclient import TestClient

import hostile_builders as hb
from gpscli.web import tokens
from ledger_support import ENGINES, gps, make_workspace
from serve_support import PERIOD, confirm, county_file, csrf, make_site, upload, upload_id

J, OTHER = "奇台县", "阜康市"


@pytest.fixture(params=ENGINES)
def site(request, tmp_path):
    ws = make_workspace(tmp_path / "ws", request.param, request)
    return make_site(ws, max_upload_mb=1, workers=2, queue_seconds=120)


@pytest.fixture
def client(site):
    with TestClient(site.app) as c:
        yield c


def versions(site, jurisdiction=None):
    return [v for v in site.ledger.versions(jurisdiction=jurisdiction) if v.period == PERIOD]


def test_wrong_revoked_and_other_role_tokens_are_404(site, client):
    assert client.get("/c/" + "x" * 43).status_code == 404
    assert client.get("/c/short").status_code == 404
    assert client.get("/c/../../etc/passwd").status_code == 404
    assert client.get("/").status_code == 404
    assert client.get("/static/").status_code == 404  # no listing
    assert client.get(f"/c/{site.bureau}").status_code == 404  # the bureau's token is no county's
    assert client.get(f"/b/{site.county[J]}").status_code == 404  # nor a county's the bureau's
    assert client.get(f"/b/{site.county[J]}/summary.xlsx").status_code == 404
    assert client.get(f"/b/{site.county[J]}/j/{J}").status_code == 404
    page = client.get(site.url(J))
    assert page.status_code == 200 and J in page.text and "2016" in page.text
    assert page.headers["referrer-policy"] == "no-referrer" and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert tokens.revoke(site.ledger, jurisdiction=J) == 1
    assert client.get(site.url(J)).status_code == 404
    assert client.get(site.url(OTHER)).status_code == 200
    log = (site.ws / "gps-serve.log").read_text(encoding="utf-8")
    assert site.county[J] not in log and site.bureau not in log  # tokens never logged
    assert "request" in log


def test_the_ledger_keeps_only_digests(site):
    from sqlalchemy import select

    from gpscli.ledger import schema as s

    with site.ledger.engine.connect() as conn:
        stored = set(conn.execute(select(s.tokens.c.sha256)).scalars())
    assert site.county[J] not in stored and tokens.digest(site.county[J]) in stored


def test_good_file_is_ingested_as_a_new_version(site, client, tmp_path):
    f = county_file(tmp_path / f"{J}.xlsx", J)
    r = upload(client, site, J, f)
    assert r.status_code == 200 and "检查通过" in r.text and 'id="confirm"' in r.text
    assert versions(site) == []  # not before the county confirms
    done = confirm(client, site, J, r.text)
    assert done.status_code == 200 and "已记入账本" in done.text, done.text
    [v] = versions(site, J)
    assert v.accepted and v.rows == 2 and v.file_name == f"{J}.xlsx" and v.number == 1
    assert v.ingested_by.endswith(f"(网页报送,{J}的链接)")
    assert "第 1 版" in client.get(site.url(J)).text
    board = client.get(f"/b/{site.bureau}")
    assert board.status_code == 200 and "已报送" in board.text
    # the staged file went with the ingest: only the marker saying which version it became is kept
    assert [p.name for d in (site.ws / ".gps-uploads").iterdir() for p in d.iterdir()] == ["meta.json"]


def test_file_with_errors_gets_the_validate_verdict_and_is_not_ingested(site, client, monkeypatch):
    f = county_file(site.ws / "inbox" / f"{J}-有错.xlsx", J, amount="待定")
    r = upload(client, site, J, f)
    assert r.status_code == 200 and "未通过" in r.text and 'id="confirm"' not in r.text
    assert "项目明细!G4" in r.text and "待定" in r.text
    uid = upload_id(r.text)
    served = client.get(site.url(J, f"/u/{uid}/verdict.json")).json()
    monkeypatch.chdir(f.parent)
    cli = gps("validate", f.name, "--jurisdiction", J, "--format", "json")
    assert cli.exit_code == 1
    assert served == json.loads(cli.stdout)  # the same codes, messages, cells, paths
    copy = client.get(site.url(J, f"/u/{uid}/annotated"))
    assert copy.status_code == 200 and copy.content[:2] == b"PK"
    assert "filename*=UTF-8''" in copy.headers["content-disposition"]
    # posting the confirm form anyway changes nothing
    forged = client.post(site.url(J, f"/u/{uid}/submit"), data={"csrf": "0" * 64})
    assert forged.status_code == 403
    assert versions(site) == []


def test_a_county_cannot_read_or_submit_for_another(site, client, tmp_path):
    f = county_file(tmp_path / f"{J}.xlsx", J)
    r = upload(client, site, J, f)
    uid = upload_id(r.text)
    mine = csrf(r.text, f"/u/{uid}/submit")
    for tail in (f"/u/{uid}", f"/u/{uid}/verdict.json", f"/u/{uid}/annotated"):
        assert client.get(site.url(OTHER, tail)).status_code == 404
    assert client.post(site.url(OTHER, f"/u/{uid}/submit"), data={"csrf": mine}).status_code == 404
    # a file of another jurisdiction, uploaded on this county's link, cannot be submitted
    theirs = upload(client, site, J, county_file(tmp_path / f"{OTHER}.xlsx", OTHER))
    assert theirs.status_code == 200 and 'id="confirm"' not in theirs.text and "只能报送" in theirs.text
    assert confirm_refused(client, site, theirs.text)
    assert versions(site) == []


def confirm_refused(client, site, html) -> bool:
    uid = upload_id(html)
    from serve_support import csrf as field

    page = client.get(site.url(J, f"/u/{uid}"))
    assert page.status_code == 200
    # the page offers no submit form; a forged one with the upload form's field is refused
    r = client.post(site.url(J, f"/u/{uid}/submit"), data={"csrf": field(page.text)})
    return r.status_code in (403, 409)


def test_upload_without_the_hidden_field_is_refused(site, client, tmp_path):
    f = county_file(tmp_path / f"{J}.xlsx", J)
    r = client.post(site.url(J, "/upload"), files={"file": (f.name, f.read_bytes())})
    assert r.status_code == 403
    assert not any((site.ws / ".gps-uploads").iterdir())


def test_locked_period_asks_for_the_reason(site, client, tmp_path):
    from gpscli.periods import Period

    site.ledger.lock(Period.parse(PERIOD))
    r = upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J))
    assert "必须填写" in r.text
    assert confirm(client, site, J, r.text).status_code == 400
    r = upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J))
    done = confirm(client, site, J, r.text, reason="更正金额")
    assert "已记入账本" in done.text
    [v] = versions(site, J)
    assert v.reason == "更正金额" and v.locked


def test_file_names_are_never_paths(site, client, tmp_path):
    f = county_file(tmp_path / "x.xlsx", J)
    page = client.get(site.url(J))
    r = client.post(site.url(J, "/upload"), data={"csrf": csrf(page.text)},
                    files={"file": ("../../../gps.toml\x1b<script>.xlsx", f.read_bytes())})
    assert r.status_code == 200
    assert "<script>" not in r.text and "gps.toml__script_.xlsx" in r.text
    staged = [p.name for d in (site.ws / ".gps-uploads").iterdir() for p in d.iterdir()]
    assert all("/" not in n and ".." not in n.split(".")[0] for n in staged)
    assert any(n.startswith("gps.toml_") for n in staged), staged


HOSTILE = {
    "random.xlsx": lambda d: hb.random_bytes(d / "random.xlsx"),
    "zip_bomb.xlsx": lambda d: hb.zip_bomb_xlsx(d / "zip_bomb.xlsx", 5 * 1024 * 1024),
    "lying_sizes.xlsx": lambda d: hb.lying_zip_bomb(d / "lying_sizes.xlsx"),
    "xml_bomb.xlsx": lambda d: hb.write_xlsx_parts(d / "xml_bomb.xlsx", dtd_in="sheet"),
    "far_cell.xlsx": lambda d: hb.far_cell_xlsx(d / "far_cell.xlsx"),
    "dense.ods": lambda d: hb.dense_ods(d / "dense.ods"),
    "encrypted.xlsx": lambda d: hb.encrypted_ooxml(d / "encrypted.xlsx"),
    "empty.xlsx": lambda d: hb.empty_file(d / "empty.xlsx"),
    "excel4.xls": lambda d: hb.biff4_raw(d / "excel4.xls"),
}


@pytest.mark.parametrize("engine", ["sqlite"])
def test_hostile_files_get_clean_verdicts_and_the_server_still_answers(engine, tmp_path, request):
    site = make_site(make_workspace(tmp_path / "ws", engine, request), max_upload_mb=2)
    with TestClient(site.app) as client:
        for name, make in HOSTILE.items():
            path = make(tmp_path)
            r = upload(client, site, J, path)
            assert r.status_code in (200, 413), (name, r.status_code)
            if r.status_code == 200:
                assert "未通过" in r.text and 'id="confirm"' not in r.text, name
                served = client.get(site.url(J, f"/u/{upload_id(r.text)}/verdict.json")).json()
                assert not served["ok"] and served["files"][0]["issues"], name
            assert client.get(site.url(J)).status_code == 200
    assert versions(site) == []


def test_oversize_upload_is_refused_before_it_is_read_whole(site):
    chunk = b"x" * 65536
    total = 64  # 4 MB against a 1 MB limit
    sent = [0]
    head = (b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n")

    async def receive():
        sent[0] += 1
        return {"type": "http.request", "body": head if sent[0] == 1 else chunk, "more_body": sent[0] < total}

    messages = []

    async def send(message):
        messages.append(message)

    async def call():
        page = site.county[J]
        scope = {"type": "http", "method": "POST", "path": f"/c/{page}/upload", "raw_path": b"", "root_path": "",
                 "query_string": b"", "scheme": "http", "server": ("t", 80), "client": ("127.0.0.1", 1),
                 "http_version": "1.1", "asgi": {"version": "3.0"},
                 "headers": [(b"content-type", b"multipart/form-data; boundary=XyZ")]}
        await site.app(scope, receive, send)

    asyncio.run(call())
    assert messages[0]["status"] == 413
    assert sent[0] < 20  # stopped after ~1 MB of 4
    declared = []

    async def call_declared():
        scope = {"type": "http", "method": "POST", "path": f"/c/{site.county[J]}/upload", "raw_path": b"",
                 "root_path": "", "query_string": b"", "scheme": "http", "server": ("t", 80), "client": ("127.0.0.1", 1),
                 "http_version": "1.1", "asgi": {"version": "3.0"},
                 "headers": [(b"content-type", b"multipart/form-data; boundary=XyZ"), (b"content-length", b"99999999")]}

        async def never():
            declared.append(1)
            return {"type": "http.request", "body": chunk, "more_body": True}

        await site.app(scope, never, send)

    messages.clear()
    asyncio.run(call_declared())
    assert messages[0]["status"] == 413 and declared == []  # the declared length alone refused it
    assert not any((site.ws / ".gps-uploads").iterdir())


def test_twenty_concurrent_uploads_all_answered_nothing_lost(tmp_path, request):
    import httpx

    site = make_site(make_workspace(tmp_path / "ws", "sqlite", request), workers=2, queue_seconds=300)
    names = sorted(site.county)
    files = [county_file(tmp_path / f"{names[n % len(names)]}-{n}.xlsx", names[n % len(names)], amount=100 + n,
                         name=f"项目{n}") for n in range(20)]

    async def one(client, n):
        j = names[n % len(names)]
        base = f"/c/{site.county[j]}"
        page = await client.get(base)
        r = await client.post(base + "/upload", data={"csrf": csrf(page.text)},
                              files={"file": (files[n].name, files[n].read_bytes())})
        assert r.status_code == 200, r.text
        uid = upload_id(r.text)
        return await client.post(f"{base}/u/{uid}/submit", data={"csrf": csrf(r.text, f"/u/{uid}/submit")})

    async def all_of_them():
        transport = httpx.ASGITransport(app=site.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=600,
                                     follow_redirects=True) as client:  # confirm: POST, 303, the result page
            return await asyncio.gather(*(one(client, n) for n in range(20)))

    answers = asyncio.run(all_of_them())
    assert [r.status_code for r in answers] == [200] * 20
    assert all("已记入账本" in r.text for r in answers)
    recorded = versions(site)
    assert len(recorded) == 20 and all(v.accepted for v in recorded)
    assert sorted(v.file_name for v in recorded) == sorted(f.name for f in files)


def test_board_history_and_downloads(site, client, tmp_path):
    r = upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J, amount="待定"))
    r = upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J))
    confirm(client, site, J, r.text)
    r = upload(client, site, J, county_file(tmp_path / f"{J}-更正.xlsx", J, amount=130))
    confirm(client, site, J, r.text)
    board = client.get(f"/b/{site.bureau}")
    assert "已报送" in board.text and "未报送" in board.text
    hist = client.get(f"/b/{site.bureau}/j/{J}")
    assert hist.status_code == 200 and "120.5 → 130" in hist.text
    assert client.get(f"/b/{site.bureau}/j/nowhere").status_code == 404
    table = client.get(f"/b/{site.bureau}/summary.xlsx")
    assert table.status_code == 200 and table.content[:2] == b"PK"
    report = client.get(f"/b/{site.bureau}/report.docx")
    assert report.status_code == 200 and report.content[:2] == b"PK"


def test_links_command(tmp_path, request, monkeypatch):
    ws = make_workspace(tmp_path / "ws", "sqlite", request)
    monkeypatch.chdir(ws)
    r = gps("serve", "--links", "--period", "2017Q4", "--out", "链接.csv")
    assert r.exit_code == 0, r.output
    text = (ws / "链接.csv").read_text(encoding="utf-8-sig")
    assert text.count("/c/") == 11 and text.count("/b/") == 1 and "财政局" in text
    assert gps("serve", "--revoke", J).exit_code == 0
    assert gps("serve", "--links").exit_code == 2


def test_staged_uploads_are_bounded_in_age_and_number(tmp_path):
    import os

    from gpscli.web import uploads

    folders = [uploads.new_folder(tmp_path) for _ in range(5)]
    for n, d in enumerate(folders):
        (d / "f.xlsx").write_bytes(b"x")
        os.utime(d, (1000 + n, 1000 + n) if n < 2 else None)  # two are hours old
    assert uploads.sweep(tmp_path, max_kept=2) == 3
    assert sorted(p.name for p in uploads.root(tmp_path).iterdir()) == sorted(d.name for d in folders[3:])
    assert uploads.folder_of(tmp_path, "../ws") is None and uploads.folder_of(tmp_path, folders[0].name) is None
    assert uploads.leaf_name("C:\\Users\\a\\..\\CON.xlsx") == "_CON.xlsx"
    assert uploads.leaf_name("") == "上传文件" and "/" not in uploads.leaf_name("a/../../b.xlsx")


def test_confirming_redirects_and_a_second_confirmation_says_it_is_done(site, client, tmp_path):
    r = upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J))
    uid = upload_id(r.text)
    form = {"csrf": csrf(r.text, f"/u/{uid}/submit"), "reason": ""}
    first = client.post(site.url(J, f"/u/{uid}/submit"), data=form, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == site.url(J, f"/u/{uid}")
    shown = client.get(first.headers["location"])  # the result page: a refresh only GETs it again
    assert shown.status_code == 200 and "已记入账本" in shown.text and 'id="done"' in shown.text
    again = client.post(site.url(J, f"/u/{uid}/submit"), data=form)  # a double click, a re-POST
    assert again.status_code in (200, 409) and "本文件已报送(第 1 版),无需再次确认" in again.text
    assert "链接无效" not in again.text
    assert len(versions(site, J)) == 1


def test_two_confirmations_at_once_record_one_version(site, tmp_path):
    import httpx

    path = county_file(tmp_path / f"{J}.xlsx", J)

    async def run():
        transport = httpx.ASGITransport(app=site.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=600) as c:
            page = await c.get(site.url(J))
            r = await c.post(site.url(J, "/upload"), data={"csrf": csrf(page.text)},
                             files={"file": (path.name, path.read_bytes())})
            uid = upload_id(r.text)
            form = {"csrf": csrf(r.text, f"/u/{uid}/submit")}
            return await asyncio.gather(*(c.post(site.url(J, f"/u/{uid}/submit"), data=form) for _ in range(2)))

    answers = asyncio.run(run())
    assert sorted(a.status_code for a in answers) == [200, 303]
    assert "无需再次确认" in next(a for a in answers if a.status_code == 200).text
    assert len(versions(site, J)) == 1


def test_version_list_marks_only_the_newest_valid_version_current(site, client, tmp_path):
    confirm(client, site, J, upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J)).text)
    bad = upload(client, site, J, county_file(tmp_path / "a" / f"{J}.xlsx", J, amount="待定"))
    assert 'id="confirm"' not in bad.text
    confirm(client, site, J, upload(client, site, J, county_file(tmp_path / "b" / f"{J}.xlsx", J, amount=130)).text)
    page = client.get(site.url(J)).text
    rows = {m[0]: m[1] for m in re.findall(r"<tr><td>第 (\d+) 版</td>.*?<td class=\"state\"><span[^>]*>([^<]*)</span>",
                                            page, re.S)}
    assert rows == {"1": "已被第 2 版取代", "2": "当前(采用)"}, rows
    assert "已采用" not in page


def test_version_list_says_when_a_version_had_errors(site, client, tmp_path):
    from gpscli.ledger import Request
    from gpscli.periods import Period

    f = county_file(tmp_path / f"{J}.xlsx", J, amount="待定")
    site.ledger.ingest([f], Request(Period.parse(PERIOD), jurisdiction=J))
    page = client.get(site.url(J)).text
    assert "个错误,未采用" in page and "当前(采用)" not in page


def test_confirm_page_says_what_the_file_replaces(site, client, tmp_path):
    confirm(client, site, J, upload(client, site, J, county_file(tmp_path / f"{J}.xlsx", J)).text)
    [v1] = versions(site, J)
    assert v1.rows == 2
    r = upload(client, site, J, county_file(tmp_path / "b" / f"{J}.xlsx", J, amount=130))
    assert ("确认后,本文件将作为第 2 版取代第 1 版:第 1 版有 2 个项目、150.5 万元,本文件有 2 个项目、160 万元。"
            "表中没有的项目将不再计入。如果只是补报新增的项目,请把全部项目填在同一个表里重新上传。") in r.text
    # nothing to replace on a first submission
    first = upload(client, site, OTHER, county_file(tmp_path / f"{OTHER}.xlsx", OTHER))
    assert 'id="confirm"' in first.text and "取代" not in first.text


def test_county_pages_speak_without_gps_commands(site, client, tmp_path):
    r = upload(client, site, J, hb.empty_file(tmp_path / "empty.xlsx"))
    assert "检查结果(JSON,供技术人员)" in r.text and "gps validate" not in r.text
    f = tmp_path / "no-table.xlsx"
    import builders as b

    b.write_xlsx(f, [["说明"], ["本表为空"]])
    r = upload(client, site, J, f)
    assert "标准格式见财政局下发的填报模板" in r.text, r.text
    assert "gps template" not in r.text and "--jurisdiction" not in r.text
    from gpscli.web.words import for_county

    assert for_county("请填写地区,或使用 --jurisdiction") == "请填写地区"
    assert for_county("请财政局把它加到 gps.toml 的 methods 中") == "请与财政局联系,由财政局把它加入所列方式"
    assert "gps" not in for_county("隐藏工作表「x」中有一张项目表(3 行),gps 没有读取它")


@pytest.mark.parametrize("asked", ["2017Q5", "abc"])
def test_board_says_when_the_period_asked_is_malformed(site, client, asked):
    r = client.get(f"/b/{site.bureau}?period={asked}")
    assert r.status_code == 400 and f"期间「{asked}」格式不对,请写成 2017Q4 或 2017" in r.text
    assert client.get(f"/b/{site.bureau}/summary.xlsx?period={asked}").status_code == 400
    assert client.get(f"/b/{site.bureau}/j/{J}?period={asked}").status_code == 400
    assert client.get(f"/b/{site.bureau}?period=2016").status_code == 200
