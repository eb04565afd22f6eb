"""The dashboard app over a small store, through FastAPI's TestClient (no server, no network)."""

from __future__ import annotations

import pytest
from dashboard_stores import TestClient

from bubblewatch.data.datasets import load_demo
from bubblewatch.data.store import Store
from bubblewatch.errors import NotFoundError
from bubblewatch.web.app import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "s.duckdb"
    with Store(path) as st:
        load_demo(st, ["NVDA", "^IXIC", "DCOILWTICO"])
    return TestClient(create_app(path, warm=False))


def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_series_list(client):
    rows = client.get("/api/series").json()
    assert [r["symbol"] for r in rows] == ["DCOILWTICO", "NVDA", "^IXIC"]
    nvda = rows[1]
    assert (nvda["kind"], nvda["rows"], nvda["first"], nvda["last"]) == (
        "equity",
        6558,
        "1999-01-22",
        "2025-02-14",
    )


def test_series_json_window(client):
    r = client.get("/api/series/NVDA", params={"start": "2025-02-12", "end": "2025-02-14"})
    assert r.status_code == 200
    doc = r.json()
    assert doc["kind"] == "equity" and doc["source"].endswith("data/NVDA.csv")
    assert [p["date"] for p in doc["data"]] == ["2025-02-12", "2025-02-13", "2025-02-14"]
    assert doc["data"][-1]["value"] == pytest.approx(138.8500061)


def test_series_index_symbol_and_macro(client):
    r = client.get("/api/series/%5EIXIC", params={"start": "2018-12-31"})
    assert r.json()["data"] == [{"date": "2018-12-31", "value": pytest.approx(6635.279785)}]
    w = client.get("/api/series/DCOILWTICO", params={"end": "1986-01-03"}).json()
    assert [p["value"] for p in w["data"]] == [25.56, 26.0]


def test_series_errors(client):
    r = client.get("/api/series/NOPE")
    # the symbol asked and the nearest three, never the store's catalogue or its path
    assert r.status_code == 404 and "no series 'NOPE'" in r.json()["detail"]
    assert r.json()["detail"].count(",") == 2 and "holds" not in r.json()["detail"]
    assert client.get("/api/series/NVDA", params={"column": "vwap"}).status_code == 422
    assert client.get("/api/series/NVDA", params={"start": "someday"}).status_code == 422


def test_report_is_served_at_report(client):
    # "/" is the status overview now; the static report moved to /report
    r = client.get("/report")
    for _ in range(600):
        if "inputs-hash" in r.text:
            break
        import time

        time.sleep(1)
        r = client.get("/report")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Data coverage" in r.text and 'id="inputs-hash"' in r.text


def test_missing_store(tmp_path):
    with pytest.raises(NotFoundError, match="does not exist"):
        create_app(tmp_path / "absent.duckdb")


def test_lookups_read_the_store_catalogue(tmp_path):
    from bubblewatch.web import queries as q

    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        load_demo(st, ["NVDA", "^IXIC", "DCOILWTICO"])
        assert q.store_symbol(st, "nvda") == "NVDA"
        assert q.store_symbol(st, "dcoilwtico", table=None) == "DCOILWTICO"
        with pytest.raises(NotFoundError, match="no price series 'DCOILWTICO'"):
            q.store_symbol(st, "DCOILWTICO")
        # the catalogue's per-company pseudo-series are not series of their own
        assert "NVDA:shares" not in set(q._series_catalogue(st)["symbol"])
        # ^IXIC is a piece of the NASDAQ composite's history, still found by its own name
        assert q.asset_names(st) == ["NASDAQ_COMPOSITE", "NVDA"]
        assert q.asset_symbol(st, "nasdaq_composite") == "NASDAQ_COMPOSITE"
        assert q.asset_symbol(st, "^ixic") == "^IXIC"
        with pytest.raises(NotFoundError, match="nearest: NVDA"):
            q.asset_symbol(st, "NVDX")
