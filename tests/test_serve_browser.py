"""gps serve end to end in a real headless browser (Debian's chromium driven by Selenium through the
system chromedriver; skipped only where they are not installed, and CI installs them): a county
opens its link, uploads a file with an error, sees the cell, downloads the annotated copy, uploads
the corrected file and confirms; the bureau's board shows it as 已报送.

With ``GPS_DOCS_SCREENSHOTS=folder`` the county page and the board are saved there as PNG (the
README's pictures, docs/serve-county.png and docs/serve-board.png)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger_support import make_workspace
from serve_support import county_file

CHROMIUM, DRIVER = shutil.which("chromium") or "/usr/bin/chromium", shutil.which("chromedriver") or "/usr/bin/chromedriver"
J = "奇台县"

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(DRIVER).exists()),
                                reason="no chromium/chromedriver (apt-get install chromium chromium-driver)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(ws: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    proc = subprocess.Popen([sys.executable, "-c", "from gpscli.cli import main; main()", "serve", "--port", str(port)],
                            cwd=ws, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "server died") from None
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def browser(downloads: Path):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium fetch a browser or a driver
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1200,900",
                "--lang=zh-CN"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service(DRIVER), options=opts)


def wait_for(fn, seconds: float = 60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        got = fn()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_county_uploads_corrects_and_the_board_shows_it(tmp_path, request):
    from selenium.webdriver.common.by import By

    from gpscli import config
    from gpscli.ledger import Ledger
    from gpscli.periods import Period
    from gpscli.profile import load
    from gpscli.web.tokens import BUREAU, issue

    ws = make_workspace(tmp_path / "ws", "sqlite", request)
    cfg = config.load(ws / "gps.toml")
    links = issue(Ledger.open(cfg.ledger(), create=True), Period.parse("2016"), load(cfg.profile).names())
    county = next(x.token for x in links if x.jurisdiction == J)
    bureau = next(x.token for x in links if x.role == BUREAU)
    port = free_port()
    server = start_server(ws, port)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = browser(downloads)
    shots = os.environ.get("GPS_DOCS_SCREENSHOTS")
    try:
        base = f"http://127.0.0.1:{port}"
        driver.get(f"{base}/c/{county}")
        assert J in driver.find_element(By.ID, "jurisdiction").text
        bad = county_file(tmp_path / "up" / f"{J}.xlsx", J, amount="待定")
        driver.find_element(By.ID, "file").send_keys(str(bad))
        driver.find_element(By.ID, "upload").click()
        table = wait_for(lambda: driver.find_elements(By.ID, "issues"))[0]
        assert "项目明细!G4" in table.text and "待定" in table.text
        if shots:
            driver.save_screenshot(str(Path(shots) / "serve-county.png"))
        driver.find_element(By.ID, "annotated").click()
        copy = wait_for(lambda: list(downloads.glob("*.xlsx")))[0]
        assert copy.name == f"{J}-问题标注.xlsx" and copy.read_bytes()[:2] == b"PK"
        good = county_file(tmp_path / "up2" / f"{J}.xlsx", J)
        driver.find_element(By.ID, "file").send_keys(str(good))
        driver.find_element(By.ID, "upload").click()
        wait_for(lambda: driver.find_elements(By.ID, "confirm"))[0].click()
        done = wait_for(lambda: driver.find_elements(By.ID, "done"))[0]
        assert "已记入账本" in done.text
        driver.get(f"{base}/b/{bureau}")
        rows = driver.find_elements(By.CSS_SELECTOR, "#status tbody tr")
        mine = next(r for r in rows if r.text.startswith(J))
        assert "已报送" in mine.find_element(By.CLASS_NAME, "state").text
        if shots:
            driver.save_screenshot(str(Path(shots) / "serve-board.png"))
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode in (0, 143, -15), server.returncode
