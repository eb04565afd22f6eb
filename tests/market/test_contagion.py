"""Reaction tables aligned by calendars/time zones, and rolling correlations with regime flags."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.market.contagion import market_of, reaction_table, rolling_correlation


def _series(dates, start=100.0, step=0.01):
    idx = pd.to_datetime(dates)
    return pd.Series(start * (1 + step) ** np.arange(len(idx)), index=idx)


def test_market_of_table():
    assert market_of("SAMSUNG_005930.KS") == "KR"
    assert market_of("ADVANTEST_6857.T") == "JP"
    assert market_of("EOPTOLINK_300502.SZ") == "CN"
    assert market_of("SSE_COMPOSITE") == "CN"
    assert market_of("HANG_SENG") == "HK"
    assert market_of("TAIEX") == "TW"
    assert market_of("ASML.AS") == "EU"
    assert market_of("BTC-USD") == "CRYPTO"
    assert market_of("GOLD_GC=F") == "US"


def test_alignment_rules_synthetic():
    # event: Friday 2025-11-07 US close; Asia/Europe react on Monday 11-10, crypto on Saturday 11-08
    us = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    kr = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    eu = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    btc = _series(pd.date_range("2025-08-01", "2025-11-14"))
    t = reaction_table(
        {"NVDA": us, "KOSPI": kr, "SAP.DE": eu, "BTC-USD": btc}, "2025-11-07", event_symbol="NVDA"
    )
    rows = t.rows
    assert rows.loc["NVDA", "session"] == pd.Timestamp("2025-11-07")
    assert rows.loc["NVDA", "lag"] == "same session"
    assert rows.loc["KOSPI", "session"] == pd.Timestamp("2025-11-10")
    assert rows.loc["SAP.DE", "session"] == pd.Timestamp("2025-11-10")
    assert rows.loc["BTC-USD", "session"] == pd.Timestamp("2025-11-08")
    assert "24 h" in rows.loc["BTC-USD", "lag"]
    assert rows["return"].to_numpy() == pytest.approx(0.01)
    d = json.loads(t.to_json())
    assert len(d["rows"]) == 4 and {"lag", "return", "z"} <= set(d["rows"][0])


def test_holiday_moves_reaction_and_missing_rows_are_named():
    us = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    kr_days = pd.bdate_range("2025-08-01", "2025-11-14").drop(pd.Timestamp("2025-11-10"))
    kr = _series(kr_days)
    short = _series(pd.bdate_range("2025-08-01", "2025-11-05"))
    t = reaction_table(
        {"NVDA": us, "KOSPI": kr, "SK_HYNIX_000660.KS": short}, "2025-11-07", event_symbol="NVDA"
    )
    assert t.rows.loc["KOSPI", "session"] == pd.Timestamp("2025-11-11")
    assert np.isnan(t.rows.loc["SK_HYNIX_000660.KS", "return"])
    assert "ends 2025-11-05" in t.rows.loc["SK_HYNIX_000660.KS", "note"]
    assert t.rows.index[-1] == "SK_HYNIX_000660.KS"  # rows without data sort last


def test_weekend_sessions_are_flagged_not_used_silently():
    # a Taiwan file whose dates sit one day early (a UTC conversion): Friday sessions are
    # stored on Thursdays, Monday's on Sunday; the US event is Friday 2025-11-07
    us = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    tw = _series(pd.bdate_range("2025-08-01", "2025-11-14") - pd.Timedelta(days=1))
    btc = _series(pd.date_range("2025-08-01", "2025-11-14"))
    t = reaction_table(
        {"NVDA": us, "TSMC_2330.TW": tw, "BTC-USD": btc}, "2025-11-07", event_symbol="NVDA"
    )
    row = t.rows.loc["TSMC_2330.TW"]
    assert row["session"] == pd.Timestamp("2025-11-09")  # a Sunday: the next stored "session"
    assert row["off_day"] and "2025-11-09 is a Sunday" in row["note"] and "Taiwan" in row["note"]
    assert list(t.flagged.index) == ["TSMC_2330.TW"]
    assert "FLAG" in t.summary()
    # crypto trades every day: its Saturday reaction is not flagged
    assert not t.rows.loc["BTC-USD", "off_day"] and not t.rows.loc["NVDA", "off_day"]
    # shifted back to the right dates, nothing is flagged
    fixed = reaction_table(
        {"NVDA": us, "TSMC_2330.TW": _series(pd.bdate_range("2025-08-01", "2025-11-14"))},
        "2025-11-07",
        event_symbol="NVDA",
    )
    assert fixed.flagged.empty
    assert json.loads(t.to_json())["rows"][1]["off_day"] in (True, False)


def test_non_session_event_date():
    us = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    with pytest.raises(NotFoundError, match="2025-11-07 and 2025-11-10"):
        reaction_table({"NVDA": us}, "2025-11-08", event_symbol="NVDA")
    with pytest.raises(InputError, match="unknown market"):
        reaction_table({"NVDA": us}, "2025-11-07", markets={"NVDA": "MARS"})


@pytest.mark.shared
def test_nvda_2025_11_04_reactions(shared_data):
    def rd(p):
        return pd.read_csv(shared_data / p, parse_dates=["date"], index_col="date")

    u = {
        "NVDA": rd("prices/us/NVDA.csv"),
        "INTC": rd("prices/us/INTC.csv"),
        "AVGO": rd("prices/us/AVGO.csv"),
        "KOSPI": rd("indices/KOSPI.csv"),
        "BTC-USD": rd("fx_commodities_crypto/BTC-USD.csv"),
    }
    t = reaction_table(u, "2025-11-04", event_symbol="NVDA")
    r = t.rows
    assert round(100 * r.loc["NVDA", "return"], 2) == -3.96
    assert r.loc["INTC", "session"] == pd.Timestamp("2025-11-04")  # Intel the same day
    assert r.loc["KOSPI", "session"] == pd.Timestamp("2025-11-05")  # KOSPI the next Asian session
    assert round(100 * r.loc["KOSPI", "return"], 2) == -2.85
    assert r.loc["BTC-USD", "session"] == pd.Timestamp("2025-11-05")
    assert list(r["return"]) == sorted(r["return"])


def test_rolling_correlation_regime_change():
    rng = np.random.default_rng(5)
    n = 400
    common = rng.normal(size=n)
    a = rng.normal(size=n) * 0.3 + common
    b = np.where(
        np.arange(n) < 200, common + rng.normal(size=n) * 0.3, -common + rng.normal(size=n) * 0.3
    )
    idx = pd.bdate_range("2020-01-01", periods=n)
    rc = rolling_correlation(
        pd.Series(a, idx), pd.Series(b, idx), 60, names=["x", "y"], returns=False
    )
    assert rc.correlation.iloc[150] > 0.8 and rc.correlation.iloc[-1] < -0.8
    assert len(rc.changes) >= 1
    assert idx[200] <= rc.changes[0] <= idx[260]
    assert rc.regime_change.iloc[:200].sum() == 0
    ref = pd.Series(a, idx).rolling(60).corr(pd.Series(b, idx))
    np.testing.assert_allclose(rc.correlation.dropna(), ref.dropna(), atol=1e-9)
    json.loads(rc.to_json())


def test_rolling_correlation_too_short():
    idx = pd.bdate_range("2020-01-01", periods=50)
    s = pd.Series(np.linspace(1, 2, 50), idx)
    with pytest.raises(InsufficientDataError, match="share 49 aligned"):
        rolling_correlation(s, s * 1.5, 30, names=["gold", "oil"])


def test_unreadable_event_date_is_input_error():
    us = _series(pd.bdate_range("2025-08-01", "2025-11-14"))
    with pytest.raises(InputError, match="cannot read the event date 'xx'"):
        reaction_table({"NVDA": us}, "xx", event_symbol="NVDA")
