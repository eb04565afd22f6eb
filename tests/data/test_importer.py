"""The importer on small files and on the whole shared data layout."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data.store import Store

PRICE_HEADER = "date,open,high,low,close,adj_close,volume\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "s.duckdb") as st:
        yield st


# -- the shared data layout ---------------------------------------------------------------
@pytest.mark.shared
def test_shared_layout_nvda_through_2026_05_21(shared_store: Store) -> None:
    listing = shared_store.list_series().set_index("symbol")
    nvda = listing.loc["NVDA"]
    assert nvda["kind"] == "equity"
    # SOURCES caveat 12: prices/us/NVDA.csv is cut at 2026-05-21 in this copy
    assert str(nvda["last"])[:10] == "2026-05-21"
    assert str(nvda["first"])[:10] == "2010-03-15"
    assert int(nvda["rows"]) == 4073
    assert str(listing.loc["NVDA_LONG", "last"])[:10] == "2025-12-30"


@pytest.mark.shared
def test_shared_layout_symbols_and_tables(shared_store: Store) -> None:
    listing = shared_store.list_series().set_index("symbol")
    expected_kinds = {
        "NASDAQ_COMPOSITE_1971_2020": "index",
        "TSMC_2330.TW": "equity",
        "DEXCHUS_USDCNY": "fx",
        "GFDEBTN": "macro",
        "KOSPI": "index",
        "BTC-USD": "crypto",
        "WTI_CL=F_2000_2020": "future",
        "DCOILWTICO": "future",
        "SHILLER_CAPE": "macro",
        "SHILLER_P": "macro",
        "DY2012_SP500": "macro",
        "NVDA:shares": "shares",
        "SPY:holdings": "holdings",
        "A": "equity",  # from the panel
    }
    for sym, kind in expected_kinds.items():
        assert listing.loc[sym, "kind"] == kind, sym
    # the panel does not duplicate tickers covered by prices/us (NVDA stays the long file)
    assert shared_store.prices("NVDA").index[0] == pd.Timestamp("2010-03-15")
    assert shared_store.fx("DEXCHUS_USDCNY").index[-1] == pd.Timestamp("2025-11-28")
    shiller = shared_store.macro("SHILLER_P")
    assert shiller.index[0] == pd.Timestamp("1871-01-01")
    assert shiller.iloc[0] == pytest.approx(4.44)
    assert shared_store.macro("DATAHUB_SP500").index[-1] == pd.Timestamp("2026-06-01")
    # datahub zeros after 2023-06 are not data
    assert shared_store.macro("DATAHUB_DIVIDEND").index[-1] <= pd.Timestamp("2023-12-01")
    shares = shared_store.shares_outstanding("NVDA")
    assert len(shares) == 24 and shares.iloc[-1] == pytest.approx(24.1e9)
    src = shared_store.query("SELECT source FROM shares ORDER BY date DESC LIMIT 1")["source"][0]
    assert "form 10-Q" in src and "filed 2026-08-26" in src
    h = shared_store.holdings("SPY", "2025-09-30")
    assert h.iloc[0]["symbol"] == "NVDA"
    assert next(d.date().isoformat() for d in shared_store.holdings_dates("SPY")) == "2022-06-13"
    vint = shared_store.query("SELECT DISTINCT vintage FROM macro WHERE series = 'GDP'")
    assert vint["vintage"][0].startswith("github:opxie1/usd@")


@pytest.mark.shared
def test_shared_layout_wti_negative_and_gold_warning(shared_store: Store) -> None:
    wti = shared_store.prices("WTI_CL=F_2000_2020")
    assert wti.loc["2020-04-20", "close"] == pytest.approx(-37.630001)
    gold = shared_store.prices("GOLD_GC=F_2000_2020")
    flagged = gold[gold["warning"].notna()]
    assert list(flagged.index) == [pd.Timestamp("2009-11-23")]
    assert flagged["warning"].iloc[0] == "high < low"
