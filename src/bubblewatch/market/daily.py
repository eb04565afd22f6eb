"""Per-session metrics of one symbol: returns, market value, volume, turnover, rarity, panic.

Conventions
-----------
* Returns are simple close-to-close returns on the ``close`` column, as fractions.
* Traded value = close x volume (a proxy: no intraday VWAP in daily bars).
* z-scores compare a day with the *previous* 63 sessions (the day itself excluded).
* N-month highs compare a day with the previous ``21 * N`` sessions (strictly higher).

References
----------
.. [1] Magdon-Ismail, M. & Atiya, A. (2004). Maximum drawdown. *Risk*, 17(10), 99-102.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblewatch.errors import InsufficientDataError
from bubblewatch.market.sessions import (
    PANIC_DROP,
    PRICE_BASIS,
    PRICES,
    SHARES,
    SPLITS,
    USDCNY,
    _check_prices,
    session_of,
)
from bubblewatch.market.shares import PriceBasis, shares_in_force
from bubblewatch.validation import (
    Date,
    Frame,
    SeriesLike,
    validate_params,
)

__all__ = [
    "HIGH_MONTHS",
    "PANIC_RULE",
    "SESSIONS_PER_MONTH",
    "ZSCORE_WINDOW",
    "daily_metrics",
    "drawdown_from_peak",
]


#: sessions per month used by the N-month-high flags
SESSIONS_PER_MONTH = 21
#: trailing window (sessions) of the z-scores: about three months
ZSCORE_WINDOW = 63
#: the N-month highs reported
HIGH_MONTHS: tuple[int, ...] = (1, 3, 6, 12)

#: the documented panic-selling rule (see :func:`market_event`)
PANIC_RULE = (
    "panic = return <= -3% AND abnormal traded value (change vs prior day >= +30% or "
    "z-score vs the previous 63 sessions >= 2) AND abnormal turnover (turnover rate - or "
    "volume when shares are unknown - at a 3-month high or z-score >= 2)"
)


@validate_params(
    close=[SeriesLike(what="closes (a pandas Series by date)"), Frame("a price frame")],
    peak_date=[None, Date()],
)
def drawdown_from_peak(close: pd.Series, peak_date: Any = None) -> pd.Series:
    """Drawdown (fraction, <= 0) of ``close`` from its running peak, or from a fixed peak.

    Parameters
    ----------
    close : Series
        Closing prices (or market values) indexed by date.
    peak_date : date-like, optional
        When given, the drawdown is measured from the close of that session for every
        later session (the result starts at ``peak_date``); otherwise from the running
        maximum of all earlier closes.

    Examples
    --------
    >>> c = pd.Series([100.0, 120.0, 90.0, 110.0],
    ...               index=pd.date_range("2025-01-01", periods=4))
    >>> drawdown_from_peak(c).round(3).tolist()
    [0.0, 0.0, -0.25, -0.083]
    >>> drawdown_from_peak(c, "2025-01-02").round(3).tolist()
    [0.0, -0.25, -0.083]
    """
    if isinstance(close, pd.DataFrame):
        close = _check_prices(close)["close"]
    c = pd.to_numeric(close, errors="coerce").astype(float).dropna()
    c.index = pd.DatetimeIndex(pd.to_datetime(c.index))
    c = c.sort_index()
    if c.empty:
        raise InsufficientDataError("drawdown_from_peak needs at least one close")
    if peak_date is None:
        out = c / c.cummax() - 1.0
    else:
        ts = session_of(pd.DatetimeIndex(c.index), peak_date)
        tail = c[c.index >= ts]
        out = tail / float(c.loc[ts]) - 1.0
    out.name = "drawdown"
    return out


# --------------------------------------------------------------------------- daily metrics
def _trailing_z(x: pd.Series, window: int) -> pd.Series:
    prev = x.shift(1)
    mean = prev.rolling(window, min_periods=max(10, window // 3)).mean()
    std = prev.rolling(window, min_periods=max(10, window // 3)).std()
    std = std.where(std > 0)
    return (x - mean) / std


def _n_high(x: pd.Series, sessions: int) -> pd.Series:
    prev_max = x.shift(1).rolling(sessions, min_periods=sessions).max()
    flag = x > prev_max
    return flag.where(prev_max.notna())


@validate_params(
    prices=PRICES,
    shares=[None, SHARES],
    usdcny=USDCNY,
    splits=SPLITS,
    price_basis=PRICE_BASIS,
    panic_drop=PANIC_DROP,
)
def daily_metrics(
    prices: pd.DataFrame,
    shares: pd.Series | None = None,
    usdcny: pd.Series | None = None,
    *,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
    panic_drop: float = 0.03,
) -> pd.DataFrame:
    """Every per-session metric of the event analytics, vectorised over the whole history.

    Columns: ``close, return, open_gap, close_vs_high, next_day_return, shares,
    market_value_usd, market_value_change_usd, usdcny, market_value_change_cny, volume,
    volume_change, volume_z, traded_value, traded_value_change, traded_value_z,
    turnover_rate, turnover_z, volume_high_{N}m, traded_value_high_{N}m, turnover_high_{N}m,
    drawdown, panic``. The FX rate is that day's rate (NaN when the series has no
    observation that day).
    """
    px = _check_prices(prices)
    close = px["close"].astype(float)
    out = pd.DataFrame(index=px.index)
    out["close"] = close
    prev = close.shift(1)
    out["return"] = close / prev - 1.0
    if "open" in px:
        out["open_gap"] = px["open"].astype(float) / prev - 1.0
    if "high" in px:
        out["close_vs_high"] = close / px["high"].astype(float) - 1.0
    out["next_day_return"] = out["return"].shift(-1)
    if shares is not None:
        sh = shares_in_force(
            shares, pd.DatetimeIndex(px.index), splits=splits, price_basis=price_basis
        )
        out["shares"] = sh
        out["market_value_usd"] = close * sh
        out["market_value_change_usd"] = out["market_value_usd"].diff()
    if usdcny is not None:
        fx = pd.to_numeric(usdcny, errors="coerce").astype(float).dropna()
        fx.index = pd.DatetimeIndex(pd.to_datetime(fx.index))
        fx = fx[~fx.index.duplicated(keep="last")]
        out["usdcny"] = fx.reindex(px.index)
        if "market_value_change_usd" in out:
            out["market_value_change_cny"] = out["market_value_change_usd"] * out["usdcny"]
    if "volume" in px and px["volume"].notna().any():
        vol = px["volume"].astype(float)
        vol = vol.where(vol > 0)
        tv = vol * close
        out["volume"] = vol
        out["volume_change"] = vol / vol.shift(1) - 1.0
        out["volume_z"] = _trailing_z(vol, ZSCORE_WINDOW)
        out["traded_value"] = tv
        out["traded_value_change"] = tv / tv.shift(1) - 1.0
        out["traded_value_z"] = _trailing_z(tv, ZSCORE_WINDOW)
        if "shares" in out:
            to = vol / out["shares"]
            out["turnover_rate"] = to
            out["turnover_z"] = _trailing_z(to, ZSCORE_WINDOW)
        for m in HIGH_MONTHS:
            n = m * SESSIONS_PER_MONTH
            out[f"volume_high_{m}m"] = _n_high(vol, n)
            out[f"traded_value_high_{m}m"] = _n_high(tv, n)
            if "turnover_rate" in out:
                out[f"turnover_high_{m}m"] = _n_high(out["turnover_rate"], n)
    out["drawdown"] = close / close.cummax() - 1.0
    out["panic"] = _panic(out, panic_drop)
    return out


def _panic(m: pd.DataFrame, panic_drop: float) -> pd.Series:
    fall = m["return"] <= -panic_drop
    if "traded_value" not in m:  # no volume: the rule cannot be evaluated
        return pd.Series([None] * len(m), index=m.index, dtype=object)
    tv = (m["traded_value_change"] >= 0.30) | (m["traded_value_z"] >= 2.0)
    if "turnover_rate" in m:
        to = (m["turnover_high_3m"] == True) | (m["turnover_z"] >= 2.0)  # noqa: E712
    else:
        to = (m["volume_high_3m"] == True) | (m["volume_z"] >= 2.0)  # noqa: E712
    return (fall & tv & to).astype(bool)
