"""The dashboard in a real browser: Playwright for Python driving Debian's chromium.

One server (uvicorn in a thread, 127.0.0.1, a free port) and one browser for the session.
Each test opens a page, works its controls and checks the numbers it renders; every test
fails on a console error, an uncaught page error or a request to any host other than the
app's own. Skipped cleanly without ``/usr/bin/chromium`` or the ``playwright`` package.

Screenshots of every page go to ``$BUBBLEWATCH_SCREENSHOTS`` when set (docs/dashboard.md's
are made with ``BUBBLEWATCH_SCREENSHOTS=docs/img/dashboard``); ``$BUBBLEWATCH_DASHBOARD_STORE``
serves another store (e.g. the embedded AI-2025 episode) instead of the small demo store.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("BUBBLEWATCH_CHROMIUM", "/usr/bin/chromium")
if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
    pytest.skip(f"no chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
pytestmark = pytest.mark.slow

#: seconds a control's recomputation may take before the test fails
SLOW = 240_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from dashboard_stores import build_demo_store

    from bubblewatch.commands.common import set_quiet
    from bubblewatch.web.app import LOOPBACK_HOSTS, create_app

    set_quiet(True)

    env_store = os.environ.get("BUBBLEWATCH_DASHBOARD_STORE")
    path = (
        Path(env_store)
        if env_store
        else build_demo_store(tmp_path_factory.mktemp("live") / "demo.duckdb")
    )
    app = create_app(path, allowed_hosts=LOOPBACK_HOSTS, timeout=60, page_wait=3)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    ready = False
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/progress", timeout=5) as r:
                import json

                prog = json.loads(r.read())
                if prog["ready"]:
                    ready = True
                    break
        except OSError:
            pass
        time.sleep(1)
    assert ready, "the start-up precomputation did not finish"
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    """One browser for this module, closed at its end: Playwright's sync API keeps an event
    loop running in the main thread while it is open, which breaks later tests that call
    ``asyncio.run`` (tests/web/test_serving.py)."""
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = ctx.new_page()
    problems: list[str] = []
    own = server.split("//", 1)[1]

    def on_console(msg):
        if msg.type == "error":
            problems.append(f"console error: {msg.text}")

    def on_request(req):
        url = req.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        host = url.split("//", 1)[1].split("/", 1)[0]
        if host != own:
            problems.append(f"request to another host: {url}")

    pg.on("console", on_console)
    pg.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    pg.on("request", on_request)
    pg.set_default_timeout(SLOW)
    yield pg
    ctx.close()
    assert problems == []


def _shot(pg, name: str) -> None:
    folder = os.environ.get("BUBBLEWATCH_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        pg.wait_for_timeout(500)
        out = Path(folder) / f"{name}.png"
        pg.screenshot(path=str(out), full_page=True)
        try:  # 256 colours keep the docs' screenshots small
            from PIL import Image

            with Image.open(out) as im:
                small = im.convert("RGB").quantize(colors=256)
            small.save(out, optimize=True)
        except ImportError:
            pass


def _number(text: str) -> float:
    m = re.search(r"[-+]?\d[\d,]*\.?\d*", text)
    assert m, f"no number in {text!r}"
    return float(m.group(0).replace(",", ""))


def _ready(pg, selector: str) -> None:
    """Wait until ``selector`` is rendered (panels still computing refresh themselves)."""
    pg.wait_for_selector(selector, state="attached")


def test_overview_and_as_of(page, server):
    page.goto(server + "/")
    _ready(page, "#status-table tbody tr")
    n = int(_number(page.inner_text("#n-members")))
    assert n >= 1 and page.locator("#status-table tbody tr").count() >= n
    assert 0 <= _number(page.inner_text("#share-explosive")) <= 100
    assert page.locator("#freshness tbody tr").count() >= 3
    _shot(page, "overview")
    page.fill("input[name=as_of]", "2024-12-31")
    page.click("form.controls button[type=submit]")
    page.locator("#panel-status h2", has_text="2024-12-31").wait_for()
    _ready(page, "#status-table tbody tr")
    assert "as_of=2024-12-31" in page.url
    levels = page.locator("#status-table td:nth-child(3)").all_inner_texts()
    assert set(levels) <= {"calm", "heating", "explosive", "critical", "bursting"}


def test_asset_psy_lags(page, server):
    page.goto(server + "/asset/NVDA")
    _ready(page, "#psy-bsadf")
    _ready(page, "#fig-psy .main-svg")
    _ready(page, "#lppls-pos")
    pos = page.inner_text("#lppls-pos")  # a share of fits: percent in page text
    assert pos.endswith("%") and 0.0 <= _number(pos) <= 100.0
    bsadf0 = _number(page.inner_text("#psy-bsadf"))
    _shot(page, "asset")
    page.fill("input[name=lags]", "1")
    page.click("#asset-apply")
    page.locator("#psy-latest", has_text="Lags 1,").wait_for()
    assert "lags=1" in page.url
    bsadf1 = _number(page.inner_text("#psy-bsadf"))
    assert bsadf1 != bsadf0  # one more lag changes the statistic
    _ready(page, "#fig-psy .main-svg")


def test_loop_stress_at_40_percent(page, server):
    page.goto(server + "/loop")
    _ready(page, "#fig-network .main-svg")
    cycles = int(_number(page.inner_text("#n-cycles")))
    assert cycles > 0
    page.fill("#honour", "40")
    page.click("#run-stress")
    page.locator("#stress-summary", has_text="honours 40%").wait_for()
    total = page.inner_text("#total-loss")
    direct = page.inner_text("#direct-loss")
    assert total.startswith("USD") and direct.startswith("USD")
    assert page.locator("#rounds tbody tr").count() >= 1
    _ready(page, "#fig-waterfall .main-svg")
    assert "honour=40" in page.url
    _shot(page, "loop")


def test_contagion_event_date(page, server):
    page.goto(server + "/contagion")
    _ready(page, "#reactions tbody tr")
    # the DeepSeek day, or the next session when it is already the page's default event
    when = "2025-01-27" if page.input_value("#event-date") != "2025-01-27" else "2025-01-28"
    page.fill("#source", "NVDA")
    page.fill("#event-date", when)
    page.click("#run-event")
    page.wait_for_url(f"**date={when}**")
    page.locator("main h1", has_text=when).wait_for()
    _ready(page, "#fig-heatmap .main-svg")
    _ready(page, "#reactions tbody tr")
    first = page.locator("#reactions tbody tr").first.inner_text()
    assert "%" in first
    # the heat map's columns are categories (session dates), not a date axis
    import json

    fig = json.loads(page.locator("script[data-figure=fig-heatmap]").text_content() or "{}")
    assert fig["layout"]["xaxis"]["type"] == "category"
    assert any(f"{when} " in x and "(event)" in x for x in fig["data"][0]["x"])
    n = len(fig["data"][0]["x"])
    for _ in range(120):  # a panel that was still computing may swap the figure in again
        if page.locator("#fig-heatmap .xtick").count() == n:
            break
        page.wait_for_timeout(250)
    assert page.locator("#fig-heatmap .xtick").count() == n
    _ready(page, "#net-transmitters tbody tr")
    _shot(page, "contagion")


def test_claims_search_and_csv(page, server, tmp_path):
    page.goto(server + "/claims")
    _ready(page, "#claims tbody tr")
    total = int(page.inner_text("#claims-count"))
    page.select_option("select[name=verdict]", "not checkable")
    shown = int(page.inner_text("#claims-count"))
    assert 0 < shown <= total
    _shot(page, "claims")
    with page.expect_download() as dl:
        page.click("button[data-csv=claims]")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert text.startswith("Id,Claim,Stated,Computed") and text.count("\n") == shown + 1


def test_data_page(page, server):
    page.goto(server + "/data")
    _ready(page, "#fig-coverage .main-svg")
    assert page.locator("#sources tbody tr").count() >= 3
    _shot(page, "data")


def test_api_reference_page(page, server):
    page.goto(server + "/api")
    assert page.locator("section.api-route").count() >= 10
    _shot(page, "api")
