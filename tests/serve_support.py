"""A workspace with a ledger and links, and the `gps serve` application on it, for the web tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import builders as b
from gpscli import config
from gpscli.ledger import Ledger
from gpscli.periods import Period
from gpscli.web import Settings, create_app
from gpscli.web.tokens import BUREAU, issue

PERIOD = "2016"


@dataclass
class Site:
    ws: Path
    cfg: config.Config
    ledger: Ledger
    app: object
    county: dict[str, str]  # jurisdiction -> token
    bureau: str

    def url(self, jurisdiction: str, tail: str = "") -> str:
        return f"/c/{self.county[jurisdiction]}{tail}"


def make_site(ws: Path, **settings) -> Site:
    cfg = config.load(ws / "gps.toml")
    ledger = Ledger.open(cfg.ledger(), create=True)
    from gpscli.profile import load

    links = issue(ledger, Period.parse(PERIOD), load(cfg.profile).names())
    county = {x.jurisdiction: x.token for x in links if x.role != BUREAU}
    bureau = next(x.token for x in links if x.role == BUREAU)
    app = create_app(cfg, ledger, Settings(**settings))
    return Site(ws, cfg, ledger, app, county, bureau)


def county_file(path: Path, jurisdiction: str, amount: object = 120.5, name: str = "城区道路清扫保洁服务") -> Path:
    projects = [b.project(jurisdiction=jurisdiction, unit=f"{jurisdiction}环境卫生管理局", name=name, amount=amount),
                b.project(jurisdiction=jurisdiction, unit=f"{jurisdiction}民政局", name="居家养老服务", amount=30,
                          category="基本公共服务", subcategory="养老服务")]
    return b.write_xlsx(path, b.standard_rows(projects, title=f"{jurisdiction}2016年政府购买服务项目情况表",
                                              unit_line=f"填报单位:{jurisdiction}财政局    单位:万元"))


def csrf(html: str, action_tail: str = "/upload") -> str:
    form = re.search(r'action="[^"]*' + re.escape(action_tail) + r'"[^>]*>\s*<input type="hidden" name="csrf" value="([0-9a-f]+)"', html)
    assert form, html[:2000]
    return form.group(1)


def upload(client, site: Site, jurisdiction: str, path: Path, token: str | None = None):
    """GET the county page, POST the file with the page's hidden field; the response."""
    base = f"/c/{token or site.county[jurisdiction]}"
    page = client.get(base)
    assert page.status_code == 200, page.text
    with open(path, "rb") as fh:
        return client.post(base + "/upload", data={"csrf": csrf(page.text)}, files={"file": (path.name, fh.read())})


def upload_id(html: str) -> str:
    m = re.search(r'action="/c/[^/]+/u/([A-Za-z0-9_-]+)/submit"', html) or re.search(r'/u/([A-Za-z0-9_-]+)/', html)
    assert m, html[:2000]
    return m.group(1)


def confirm(client, site: Site, jurisdiction: str, verdict_html: str, reason: str = ""):
    uid = upload_id(verdict_html)
    token = csrf(verdict_html, f"/u/{uid}/submit")
    return client.post(site.url(jurisdiction, f"/u/{uid}/submit"), data={"csrf": token, "reason": reason})
