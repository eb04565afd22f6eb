"""Serving properly: host check, headers, bounds (422), unknown symbols (404 with the nearest
three), the time limit (503), cached failures, a busy or changing store, nothing leaked."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from dashboard_stores import build_demo_store, make_client

from bubblewatch.web import queries
from bubblewatch.web.app import LOOPBACK_HOSTS


@pytest.fixture(scope="module")
def client(demo_store):
    return make_client(demo_store, timeout=300)


def _clean(text: str, *paths: Path) -> None:
    """No traceback, PID, absolute path or catalogue dump in an answer."""
    assert "Traceback" not in text and "PID" not in text and "holds:" not in text
    for p in paths:
        assert str(p.parent) not in text
    assert not re.search(r"(?<![\w.:])/(home|tmp|root|work|usr)/", text)


def test_host_header_is_checked_on_loopback(demo_store):
    c = make_client(demo_store, allowed_hosts=LOOPBACK_HOSTS)
    assert c.get("http://127.0.0.1:8000/api/health").status_code == 200
    assert c.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
    assert c.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200
    r = c.get("/api/health", headers={"host": "evil.example:8000"})
    assert r.status_code == 400 and "DNS rebinding" in r.text


def test_pages_load_nothing_from_another_host(client):
    for url in ("/loop", "/data", "/api"):
        r = client.get(url)
        assert r.status_code == 200
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", r.text), url
        assert "/static/plotly.min.js" in r.text and "/static/htmx.min.js" in r.text


def test_static_files_are_served_locally(client):
    r = client.get("/static/plotly.min.js")
    assert r.status_code == 200 and len(r.content) > 1_000_000 and "ETag" in r.headers
    assert (
        client.get(
            "/static/plotly.min.js", headers={"if-none-match": r.headers["ETag"]}
        ).status_code
        == 304
    )
    h = client.get("/static/htmx.min.js")
    assert h.status_code == 200 and b"htmx" in h.content[:2000]
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE.txt").text


def test_openapi_offline(client):
    assert client.get("/docs").status_code == 404  # no CDN-backed Swagger page
    schema = client.get("/openapi.json").json()
    assert "/api/psy/{symbol}" in schema["paths"]
    page = client.get("/api").text
    assert "/api/psy/{symbol}" in page and "&lt;= 12" in page  # the bounds, readable


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/api/psy/NVDX", 404, "no asset 'NVDX' in the data; nearest: NVDA"),
        ("/api/psy/NVDA?lags=99", 422, "lags: Input should be less than or equal to 12"),
        ("/api/psy/NVDA?as_of=2025-13-45", 422, "as_of='2025-13-45': no such day"),
        ("/api/psy/NVDA?as_of=yesterday", 422, "not a date; give YYYY-MM-DD"),
        ("/api/psy/NVDA?as_of=1850-01-01", 422, "give YYYY-MM-DD between 1900-01-01"),
        ("/api/psy/NVDA?years=0&min_window=5000&as_of=2001-01-02", 422, "5000"),
        ("/api/status?symbol=" + ",".join(["NVDA"] * 2 + [f"S{i}" for i in range(20)]), 422, "at most 20"),
        ("/api/market/spillover?symbols=NVDA", 422, "give at least 2"),
        ("/api/lppls/confidence/NVDA?window_max=1500&window_min=20&window_step=1", 422, "at most 20,000 per request"),
        ("/api/series/NVDA?column=currency", 422, "column: Input should be"),
        ("/api/psy/..%2F..%2Fetc%2Fpasswd", 404, ""),
        ("/api/market/reaction/NVDA?date=2025-01-27&universe=a/b", 422, "is not a symbol"),
    ],
)  # fmt: skip
def test_bad_input_gets_a_clear_message(client, demo_store, url, status, words):
    r = client.get(url)
    assert r.status_code == status, r.text
    detail = r.json()["detail"]
    assert isinstance(detail, str) and words in detail
    _clean(r.text, demo_store)
    assert client.get("/api/health").status_code == 200  # and the server keeps serving


def test_unknown_asset_page_suggests_the_nearest(client, demo_store):
    r = client.get("/asset/NVDX")
    assert r.status_code == 404 and 'href="/asset/NVDA"' in r.text
    _clean(r.text, demo_store)


def test_time_limit_gives_503_and_the_job_goes_on(demo_store, monkeypatch):
    calls = []

    def slow(st, **kw):
        calls.append(kw)
        time.sleep(1.0)
        return {"ok": True}

    monkeypatch.setattr(queries, "psy", slow)
    c = make_client(demo_store, timeout=0.2)
    r = c.get("/api/psy/NVDA")
    assert r.status_code == 503 and r.headers["retry-after"] == "5"
    assert "longer than the 0.2 s" in r.json()["detail"]
    time.sleep(1.2)
    r = c.get("/api/psy/NVDA")
    assert r.status_code == 200 and r.json() == {"ok": True} and len(calls) == 1


def test_a_failure_is_computed_once_and_shown_without_traceback(demo_store, monkeypatch):
    calls = []

    def broken(st, ids=()):
        calls.append(1)
        raise ZeroDivisionError("a stored value broke the analysis")

    monkeypatch.setattr(queries, "claims", broken)
    c = make_client(demo_store)
    for _ in range(3):
        r = c.get("/api/claims")
        assert r.status_code == 500 and "internal error" in r.json()["detail"]
        _clean(r.text, demo_store)
    page = c.get("/claims")
    assert page.status_code == 200 and "internal error" in page.text
    assert len(calls) == 1


def test_a_poisoned_stored_value_never_fails_a_page(tmp_path):
    from bubblewatch.data.store import Store
    from bubblewatch.data.writer import put_rows, write_transaction

    path = build_demo_store(tmp_path / "poison.duckdb", ["NVDA"])
    with Store(path) as st, write_transaction(st) as con:
        row = st.query("SELECT * FROM prices WHERE symbol = 'NVDA' ORDER BY date DESC LIMIT 1")
        row["close"] = row["adj_close"] = row["high"] = 1e32
        put_rows(con, "prices", row)
    c = make_client(path, page_wait=60, timeout=120)
    for url in ("/", "/api/psy/NVDA", "/api/status?symbol=NVDA"):
        r = c.get(url)
        assert r.status_code in (200, 404, 422), (url, r.text[:300])
        _clean(r.text, path)


def test_store_change_refreshes_the_cache(tmp_path):
    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store

    path = build_demo_store(tmp_path / "grow.duckdb", ["NVDA"])
    c = make_client(path)
    assert [r["symbol"] for r in c.get("/api/series").json()] == ["NVDA"]
    with Store(path) as st:
        load_demo(st, ["^IXIC"])
    assert [r["symbol"] for r in c.get("/api/series").json()] == ["NVDA", "^IXIC"]


def test_after_an_import_the_previous_answer_is_served_while_recomputing(tmp_path, monkeypatch):
    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store

    path = build_demo_store(tmp_path / "stale.duckdb", ["NVDA"])
    c = make_client(path, stale_wait=0.1)
    first = c.get("/api/series")
    assert first.status_code == 200 and "x-bubblewatch-stale" not in first.headers
    real = queries.catalogue

    def slow(st):
        time.sleep(1.0)
        return real(st)

    monkeypatch.setattr(queries, "catalogue", slow)
    with Store(path) as st:
        load_demo(st, ["^IXIC"])
    r = c.get("/api/series")
    assert r.status_code == 200 and r.headers["x-bubblewatch-stale"] == "true"
    assert r.json() == first.json()
    page = c.get("/data")
    assert page.status_code == 200
    time.sleep(1.2)
    r = c.get("/api/series")
    assert "x-bubblewatch-stale" not in r.headers
    assert [x["symbol"] for x in r.json()] == ["NVDA", "^IXIC"]


def test_a_store_being_written_shows_updating(tmp_path):
    path = build_demo_store(tmp_path / "busy.duckdb", ["NVDA"])
    c = make_client(path)
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        assert c.get("/api/health").json()["updating"] is True
        page = c.get("/data")
        assert page.status_code == 200 and "being updated" in page.text
    finally:
        os.close(fd)
    assert c.get("/api/health").json()["updating"] is False


def test_a_store_locked_by_another_program_gives_503_then_recovers(tmp_path, monkeypatch):
    from bubblewatch.web import source

    monkeypatch.setattr(source, "READ_WAIT", 0.3)
    path = build_demo_store(tmp_path / "locked.duckdb", ["NVDA"])
    c = make_client(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb,sys,time; c=duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        r = c.get("/api/series")
        assert r.status_code == 503 and "being updated" in r.json()["detail"]
        assert r.headers["retry-after"] == "5"
        _clean(r.text, path)
        page = c.get("/data")
        assert page.status_code == 200 and "being updated" in page.text
    finally:
        holder.kill()
        holder.wait()
    assert c.get("/api/series").status_code == 200


def test_serve_refuses_a_missing_store_naming_the_command(tmp_path, capsys):
    from bubblewatch.cli import main

    assert main(["serve", "--store", str(tmp_path / "nope.duckdb")]) == 2
    assert "bubblewatch data load-demo --store" in capsys.readouterr().err


def test_serve_warns_that_another_host_has_no_authentication(demo_store, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from bubblewatch.cli import app as cli

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    res = CliRunner().invoke(cli, ["serve", "--store", str(demo_store), "--host", "0.0.0.0"])
    assert res.exit_code == 0, res.output
    assert "no authentication" in res.output and seen["host"] == "0.0.0.0"


def test_freshness_counts_days(client):
    from bubblewatch.web.pages import freshness_rows

    rows = freshness_rows(
        [{"symbol": "A", "kind": "equity", "first": "2020-01-01", "last": "2025-01-01", "rows": 1}],
        today=pd.Timestamp("2025-01-31").date(),
    )
    assert rows[0]["days_stale"] == 30


def test_the_start_up_precomputation_fits_the_queue(demo_store):
    from bubblewatch.web.pages import default_jobs

    app = make_client(demo_store).app
    state = app.state.bw
    jobs = default_jobs(state)
    names = {j.name for j in jobs}
    assert {
        "status",
        "compare_2000",
        "psy",
        "lppls_confidence",
        "network_stress",
        "claims",
    } <= names
    assert len(jobs) <= state.computer.max_pending


def test_lppls_fits_of_one_end_date(client):
    doc = client.get("/api/lppls/fits/NVDA?scale=short&end=2024-06-28").json()
    assert doc["end"] == "2024-06-28" and len(doc["fits"]) == 19  # 120..30 step 5
    assert {"window", "tc", "B_sign", "qualified_confidence"} <= set(doc["fits"][0])
    csv = client.get("/api/lppls/fits/NVDA?scale=short&end=2024-06-28&format=csv")
    assert csv.status_code == 200 and csv.text.startswith("window,start,tc")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/?as_of=2025-02-30", 422, "no such day"),
        ("/asset/NVDA?start=2030-01-01", 422, "is not before"),
        ("/asset/NVDA?lags=99", 422, "lags"),
        ("/asset/NVDA?min_window=3", 422, "from 10 to 5000"),
        ("/contagion?universe=" + ",".join(f"S{i}" for i in range(31)), 422, "at most 30"),
        ("/loop?party=Nobody", 404, "nearest"),
        ("/loop?honour=140", 422, "honour"),
    ],
)
def test_bad_page_input_gets_an_error_page(client, demo_store, url, status, words):
    r = client.get(url)
    assert r.status_code == status and words in r.text
    assert r.headers["content-type"].startswith("text/html")
    _clean(r.text, demo_store)


def test_a_job_the_data_overtook_is_computed_again_on_the_new_data(tmp_path):
    import asyncio

    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store
    from bubblewatch.web.compute import Computer
    from bubblewatch.web.source import DataSource

    path = build_demo_store(tmp_path / "overtaken.duckdb", ["NVDA"])
    comp = Computer(DataSource(path), workers=1, stale_wait=0.0)
    import threading

    written = threading.Event()
    blocker = comp.submit("block", lambda st: written.wait(30))  # the only worker is busy
    queued = comp.submit("catalogue", queries.catalogue)
    with Store(path) as st:
        load_demo(st, ["^IXIC"])  # a new store is published while the job waits
    written.set()
    rows = asyncio.run(comp.result("catalogue", queries.catalogue))
    assert blocker.future.result() is True
    assert type(queued.future.exception()).__name__ == "Superseded"
    assert [r["symbol"] for r in rows] == ["NVDA", "^IXIC"] and comp.runs["catalogue"] == 1
    comp.shutdown()


def test_serve_data_follows_the_folder(tmp_path, monkeypatch):
    from bubblewatch.commands.report import _follow_folder
    from bubblewatch.data.data_dir_store import open_data_dir_store
    from bubblewatch.web.source import DataSource

    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path / "home"))
    data = tmp_path / "data"
    data.mkdir()
    (data / "ACME.csv").write_text("date,close\n2025-01-02,1.5\n", encoding="utf-8")
    st = open_data_dir_store(data)
    src = DataSource(Path(str(st.path)), label="folder data")
    st.close()
    first = src.path
    stop = _follow_folder(src, data, every=0.1)
    try:
        (data / "BETA.csv").write_text("date,close\n2025-01-02,2.5\n", encoding="utf-8")
        for _ in range(300):
            if src.path != first:
                break
            time.sleep(0.1)
        with src.open() as new:
            assert sorted(new.list_series()["symbol"]) == ["ACME", "BETA"]
    finally:
        stop.set()


def test_a_busy_server_serves_the_previous_answer_else_503(tmp_path):
    import asyncio
    import threading

    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store
    from bubblewatch.web.compute import STALE, Computer, ServerBusy
    from bubblewatch.web.source import DataSource

    path = build_demo_store(tmp_path / "busy.duckdb", ["NVDA"])
    comp = Computer(DataSource(path), workers=1, max_pending=1, stale_wait=0.0)

    async def ask(name, fn):
        out = await comp.result(name, fn)
        return out, STALE.get()

    before, stale = asyncio.run(ask("catalogue", queries.catalogue))
    assert not stale
    with Store(path) as st:
        load_demo(st, ["^IXIC"])  # new data; then the only queue place is taken
    release = threading.Event()
    blocker = comp.submit("block", lambda st: release.wait(30))
    try:
        again, stale = asyncio.run(ask("catalogue", queries.catalogue))
        assert stale and again == before  # the previous data's answer, marked stale
        with pytest.raises(ServerBusy, match="busy with 1 computations"):
            asyncio.run(ask("assets", queries.asset_names))  # nothing to fall back on
    finally:
        release.set()
    assert blocker.future.result() is True
    fresh = comp.submit("catalogue", queries.catalogue).future.result(timeout=60)
    assert [r["symbol"] for r in fresh] == ["NVDA", "^IXIC"]  # and the next asks the new data
    comp.shutdown()
