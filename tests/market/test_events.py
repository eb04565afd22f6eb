"""Event analytics: the source articles' NVDA figures from ../shared/data, plus synthetic cases."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.market.events import (
    daily_metrics,
    drawdown_from_peak,
    earnings_reaction,
    first_close_above,
    infer_splits,
    market_event,
    market_value,
    split_adjusted_shares,
)


def _read(path, column=None):
    df = pd.read_csv(path, parse_dates=["date"], index_col="date")
    return df if column is None else df[column].rename(path.stem)


@pytest.fixture(scope="module")
def nvda(shared_data):
    px = _read(shared_data / "prices/us/NVDA.csv")
    sh = _read(shared_data / "constituents/NVDA_shares_outstanding.csv", "shares_outstanding")
    fx = _read(shared_data / "fx_commodities_crypto/DEXCHUS_USDCNY.csv", "value")
    return px, sh, fx


@pytest.mark.shared
@pytest.mark.parametrize(
    ("day", "pct"), [("2025-10-14", -4.40), ("2025-11-04", -3.96), ("2025-11-20", -3.15)]
)
def test_nvda_article_moves(nvda, day, pct):
    px, sh, fx = nvda
    ev = market_event(px, day, shares=sh, usdcny=fx, symbol="NVDA")
    assert round(100 * ev.ret, 2) == pct
    d = ev.to_dict()
    for key in (
        "return",
        "close",
        "market_value_usd",
        "market_value_change_usd",
        "market_value_change_cny",
        "rank_in_year",
        "moves_as_large_10y",
        "volume_change",
        "turnover_rate",
        "panic",
        "drawdown",
    ):
        assert key in d
    json.loads(ev.to_json())
    assert d["return"] == ev.ret


@pytest.mark.shared
def test_nvda_2025_11_04_loss_matches_1_42t_yuan(nvda):
    # DIGEST S2-1: "over 1.4 trillion yuan" of market value lost; -3.96% is the move that matches
    px, sh, fx = nvda
    ev = market_event(px, "2025-11-04", shares=sh, usdcny=fx, symbol="NVDA")
    assert ev.market_value_change_cny == pytest.approx(-1.42e12, rel=0.01)
    assert ev.shares == 24.3e9
    assert ev.usdcny_date == pd.Timestamp("2025-11-04")


@pytest.mark.shared
def test_nvda_first_close_above_5t_and_drawdown(nvda):
    px, sh, _ = nvda
    day = first_close_above(px, sh, 5e12)
    assert day == pd.Timestamp("2025-10-29")
    assert px.loc[day, "close"] == 207.04
    dd = drawdown_from_peak(px["close"], day)
    assert round(100 * dd.loc["2025-12-17"], 1) == -17.4
    # 2025-10-29 is also the running peak on 2025-12-17
    ev = market_event(px, "2025-12-17", shares=sh, symbol="NVDA")
    assert ev.peak_date == day
    assert round(100 * ev.drawdown, 1) == -17.4


@pytest.mark.shared
def test_nvda_split_aware_market_value(nvda):
    px, sh, _ = nvda
    sp = infer_splits(sh)
    assert sp["ratio"].tolist() == [4.0, 10.0]
    mv = market_value(px, sh)
    # across the 10:1 split of 2024-06-10 the market value moves with the (adjusted) close only
    r_mv = mv.loc["2024-06-10"] / mv.loc["2024-06-07"]
    r_px = px.loc["2024-06-10", "close"] / px.loc["2024-06-07", "close"]
    assert r_mv == pytest.approx(r_px)
    assert 2.5e12 < mv.loc["2024-06-07"] < 3.5e12  # about USD 3T before the split


@pytest.mark.shared
def test_nvda_2025_11_20_reaction_and_panic(nvda):
    px, sh, _ = nvda
    r = earnings_reaction(px, "2025-11-19", symbol="NVDA")  # results after the 11-19 close
    assert r.reaction_date == pd.Timestamp("2025-11-20")
    assert r.open_gap > 0.05 and r.close_vs_high < -0.07
    ev = market_event(px, "2025-11-20", shares=sh, symbol="NVDA")
    assert ev.panic is True
    assert ev.volume_z > 2


@pytest.mark.shared
def test_missing_fx_names_series_and_range(nvda):
    # issue 14: an FX series that ends before the date omits the CNY figure with a note
    # naming the series and the range (it used to fail); the USD figures stay
    px, sh, fx = nvda
    ev = market_event(px, "2025-12-17", shares=sh, usdcny=fx, symbol="NVDA")
    assert ev.market_value_change_cny is None and ev.usdcny is None
    assert ev.market_value_change_usd is not None and ev.market_value_change_usd < 0
    (note,) = ev.notes
    assert re.search(r"DEXCHUS_USDCNY.*2025-11-28.*2025-12-17", note)
    assert "CNY figure omitted" in note and note in ev.summary()
    assert ev.to_dict()["notes"] == [note]


@pytest.mark.shared
def test_rank_in_year_counts_only_sessions_up_to_the_event(nvda):
    px, sh, _ = nvda
    # 2025-01-07 (-6.2%) was the largest fall of 2025 so far; DeepSeek's -17% came later
    ev = market_event(px, "2025-01-07", shares=sh, symbol="NVDA")
    rets = px["close"].pct_change()
    ytd = rets[(rets.index.year == 2025) & (rets.index <= "2025-01-07")]
    assert ev.moves_in_year == len(ytd) == 4 and ev.rank_in_year == 1
    whole = rets[rets.index.year == 2025]
    assert int((whole < ev.ret).sum()) + 1 > 1  # the whole year would rank it lower


@pytest.mark.shared
def test_missing_shares_names_series_and_range(nvda):
    px, sh, _ = nvda
    with pytest.raises(InsufficientDataError, match=r"shares outstanding of NVDA.*2020-11-13"):
        market_event(px, "2015-03-02", shares=sh, symbol="NVDA")


def _synthetic(n=600, seed=0):
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=n)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    vol = rng.integers(1_000_000, 2_000_000, n).astype(float)
    df = pd.DataFrame(
        {"open": close, "high": close * 1.01, "low": close * 0.99, "close": close, "volume": vol},
        index=idx,
    )
    return df


def test_non_session_date_names_neighbours():
    px = _synthetic()
    with pytest.raises(
        NotFoundError, match=r"2020-01-04 is not a session of X.*2020-01-03 and 2020-01-06"
    ):
        market_event(px, "2020-01-04", symbol="X")


def test_rank_and_rarity_synthetic():
    px = _synthetic()
    day = px.index[400]
    px.loc[day:, ["open", "high", "low", "close"]] *= 0.8  # a -20% day
    ev = market_event(px, day, years=1)
    assert ev.ret < -0.15
    assert ev.rank_in_year == 1 and ev.rank_in_window == 1
    assert ev.moves_as_large_10y == 1
    assert ev.market_value_usd is None and ev.market_value_change_cny is None


def test_panic_flag_synthetic():
    px = _synthetic()
    day = px.index[500]
    px.loc[day:, ["open", "high", "low", "close"]] *= 0.95
    px.loc[day, "volume"] = 10_000_000.0
    sh = pd.Series([1e9], index=[px.index[0]])
    m = daily_metrics(px, sh)
    assert bool(m.loc[day, "panic"]) is True
    assert m.loc[day, "turnover_high_3m"] == True  # noqa: E712
    assert m["panic"].sum() == 1


def test_split_adjusted_shares_explicit_table_and_as_traded():
    sh = pd.Series([100.0, 1000.0], index=pd.to_datetime(["2024-01-01", "2024-09-01"]))
    splits = pd.Series({pd.Timestamp("2024-06-10"): 10.0})
    assert split_adjusted_shares(sh, splits).tolist() == [1000.0, 1000.0]
    px = pd.DataFrame({"close": [100.0, 10.0]}, index=pd.to_datetime(["2024-06-07", "2024-06-10"]))
    mv = market_value(px, sh, splits=splits, price_basis="as_traded")
    assert mv.tolist() == [10000.0, 10000.0]
    with pytest.raises(InputError, match="split dates"):
        market_value(px, sh, price_basis="as_traded")


@pytest.mark.shared
def test_nvda_range_october_november_2025(nvda):
    from bubblewatch.market.events import market_events

    px, sh, fx = nvda
    evs = market_events(px, "2025-10-01", "2025-11-28", shares=sh, usdcny=fx, symbol="NVDA")
    r = evs.rows
    assert r.index[0] == pd.Timestamp("2025-10-01") and r.index[-1] == pd.Timestamp("2025-11-28")
    single = market_event(px, "2025-11-04", shares=sh, usdcny=fx, symbol="NVDA")
    assert r.loc["2025-11-04", "rank_in_year"] == single.rank_in_year
    assert r.loc["2025-11-04", "market_value_change_cny"] == pytest.approx(
        single.market_value_change_cny
    )
    assert "2025-11-20" in evs.summary()
    json.loads(evs.to_json())


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0.5, 2.0), min_size=2, max_size=60),
    st.sampled_from([2, 3, 4, 5, 10, 20]),
)
def test_properties_drawdown_and_split_inference(prices, ratio):
    idx = pd.date_range("2024-01-01", periods=len(prices))
    c = pd.Series(np.cumprod(prices), index=idx)
    dd = drawdown_from_peak(c)
    assert (dd <= 0).all() and dd.iloc[0] == 0
    assert dd.min() == pytest.approx(float((c / c.cummax() - 1).min()))
    sh = pd.Series(
        [1e9, 1.01e9 * ratio, 0.99e9 * ratio],
        index=pd.to_datetime(["2024-01-01", "2024-04-01", "2024-07-01"]),
    )
    assert infer_splits(sh)["ratio"].tolist() == [float(ratio)]
    adj = split_adjusted_shares(sh)
    assert adj.iloc[0] == pytest.approx(1e9 * ratio)


def test_unreadable_range_dates_are_input_errors():
    from bubblewatch.market.events import market_events

    with pytest.raises(InputError, match="cannot read the dates"):
        market_events(_synthetic(), "2020-01-06", "not-a-date", symbol="X")


def test_rarity_is_undefined_on_degenerate_series():
    """Issue 10 item 7: a constant or 3-row series said "rank 1 of 261" and "return period
    0.00 y"; the rank and rarity are now None with the reason."""
    from bubblewatch.market.event import market_event

    flat = pd.DataFrame({"close": 10.0}, index=pd.bdate_range("2024-01-01", periods=262))
    ev = market_event(flat, flat.index[-1])
    assert ev.rank_in_year is None and ev.rank_in_window is None
    assert ev.moves_as_large_10y is None and ev.return_period_years is None
    assert "every daily return in the window is 0" in ev.rarity_undefined
    assert "rank and rarity: undefined" in ev.summary()
    assert ev.to_dict()["return_period_years"] is None
    short = pd.DataFrame(
        {"close": [10.0, 11.0, 9.0]}, index=pd.bdate_range("2024-01-01", periods=3)
    )
    ev = market_event(short, short.index[-1])
    assert ev.rank_in_window is None
    assert ev.rarity_undefined.startswith("only 2 daily returns in the window")
    px = pd.DataFrame(
        {"close": 10.0 * np.exp(np.cumsum(np.r_[0.0, np.tile([0.01, -0.01], 60)]))},
        index=pd.bdate_range("2024-01-01", periods=121),
    )
    ev = market_event(px, px.index[-1])
    assert ev.rank_in_window is not None and ev.rarity_undefined == ""
