"""Serving during an import (issue 15 item 3): while the new data's answers are recomputed,
the previous data's answers are served at once, marked stale, and a page made of them is
rendered once; no request waits behind a recomputation."""

from __future__ import annotations

import threading
import time

from dashboard_stores import build_demo_store, make_client

from bubblewatch.web import api, page_frame

STALE_BANNER = "results computed on the data as it was before"


def test_previous_answers_are_served_at_once_while_the_recomputation_waits(tmp_path, monkeypatch):
    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store

    renders: list[str] = []
    real_render = page_frame.render

    def counting_render(request, name, *args, **kwargs):
        renders.append(name)
        return real_render(request, name, *args, **kwargs)

    serialised: list[int] = []
    real_json = api.render_json

    def counting_json(obj):
        serialised.append(id(obj))
        return real_json(obj)

    monkeypatch.setattr(page_frame, "render", counting_render)  # before the routes bind it
    monkeypatch.setattr(api, "render_json", counting_json)
    path = build_demo_store(tmp_path / "stale.duckdb", ["NVDA"])
    # stale_wait longer than the blocker below: a request that waited for its recomputation
    # would get the new answer (not the stale one) after the blocker ends
    c = make_client(path, workers=1, stale_wait=60.0, timeout=120.0, page_wait=60.0)
    c.app.state.bw.warmup.specs = list  # no precomputation competing for the only worker
    first_api, first_page = c.get("/api/series"), c.get("/data")
    assert first_api.status_code == first_page.status_code == 200
    assert "x-bubblewatch-stale" not in first_api.headers and STALE_BANNER not in first_page.text
    with Store(path) as st:
        load_demo(st, ["^IXIC"])  # an import publishes new data
    release = threading.Event()
    comp = c.app.state.bw.computer
    # the only worker is busy: the recomputations queue behind this one
    blocker = comp.submit("block", lambda: release.wait(30), store=False)
    try:
        n_renders, n_json = len(renders), len(serialised)
        for _ in range(3):
            r = c.get("/api/series")
            assert r.status_code == 200 and r.headers["x-bubblewatch-stale"] == "true"
            assert r.json() == first_api.json()
            page = c.get("/data")
            assert page.status_code == 200 and STALE_BANNER in page.text
        # every answer came while the recomputation still waited for the worker
        assert not blocker.future.done()
        assert len(renders) - n_renders == 1  # the stale page rendered once, then reused
        assert len(serialised) == n_json  # the previous JSON answer never serialised again
    finally:
        release.set()
    assert blocker.future.result(timeout=60) is True
    for _ in range(600):  # then the new data's answers replace them
        r = c.get("/api/series")
        if "x-bubblewatch-stale" not in r.headers:
            break
        time.sleep(0.1)
    assert [x["symbol"] for x in r.json()] == ["NVDA", "^IXIC"]
    for _ in range(600):
        page = c.get("/data")
        if STALE_BANNER not in page.text:
            break
        time.sleep(0.1)
    assert page.status_code == 200 and "^IXIC" in page.text


def test_a_request_that_outlives_its_data_asks_the_new_data(tmp_path):
    """A request looks at the store once; when its job is overtaken by an import while it
    waits, it looks again and asks the new data (no error, no answer of replaced data)."""
    import asyncio

    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store
    from bubblewatch.web import queries
    from bubblewatch.web.compute import Computer
    from bubblewatch.web.source import DataSource, one_look_per_request

    path = build_demo_store(tmp_path / "outlived.duckdb", ["NVDA"])
    comp = Computer(DataSource(path), workers=1)
    written = threading.Event()
    blocker = comp.submit("block", lambda st: written.wait(30))  # the only worker is busy

    async def request():
        with one_look_per_request():
            comp.submit("catalogue", queries.catalogue)  # queued on the data as seen now
            with Store(path) as st:
                load_demo(st, ["^IXIC"])  # an import publishes new data meanwhile
            written.set()
            return await comp.result("catalogue", queries.catalogue)

    rows = asyncio.run(request())
    assert blocker.future.result() is True
    assert [r["symbol"] for r in rows] == ["NVDA", "^IXIC"]
    comp.shutdown()
