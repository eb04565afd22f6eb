"""Event analytics for one symbol: the day's move, market value, rarity, volume, panic, drawdown.

Everything here is a pure function over a price frame (index: session dates; columns
``open, high, low, close, adj_close, volume``, as returned by ``Store.prices``), an optional
series of shares outstanding *as reported* (``Store.shares_outstanding``) and an optional
USD/CNY series (CNY per USD, ``Store.fx("DEXCHUS_USDCNY")``).

Conventions
-----------
* Returns are simple close-to-close returns on the ``close`` column, as fractions.
* Market value = close x shares outstanding in force that day. A share count is in force from
  its ``date`` (the cover-page date of the filing) until the next count. Reported counts are
  put on the price basis: by default closes are taken as split-adjusted to today
  (``price_basis="split_adjusted"``, the usual vendor convention), so every count reported
  before a split is multiplied by the split ratio. Splits are inferred from jumps in the
  reported counts whose ratio is close to an integer (NVDA: 4:1 in 2021, 10:1 in 2024) unless
  an explicit ``splits`` table is given. With ``price_basis="as_traded"`` the counts are put
  on the basis of each day instead, which needs the split dates (pass ``splits``).
* Traded value = close x volume (a proxy: no intraday VWAP in daily bars).
* z-scores compare a day with the *previous* 63 sessions (the day itself excluded).
* N-month highs compare a day with the previous ``21 * N`` sessions (strictly higher).

References
----------
.. [1] Campbell, J. Y., Lo, A. W. & MacKinlay, A. C. (1997). *The Econometrics of Financial
       Markets*, ch. 4 (event studies). Princeton University Press.
.. [2] Magdon-Ismail, M. & Atiya, A. (2004). Maximum drawdown. *Risk*, 17(10), 99-102.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.results import Result, frozen_array, make_metadata

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "PANIC_RULE",
    "EarningsReaction",
    "MarketEvent",
    "MarketEvents",
    "daily_metrics",
    "drawdown_from_peak",
    "earnings_reaction",
    "first_close_above",
    "infer_splits",
    "market_event",
    "market_events",
    "market_value",
    "session_of",
    "shares_in_force",
    "split_adjusted_shares",
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

PriceBasis = Literal["split_adjusted", "as_traded"]


# --------------------------------------------------------------------------- validation
def _check_prices(prices: pd.DataFrame, *, need: tuple[str, ...] = ("close",)) -> pd.DataFrame:
    if not isinstance(prices, pd.DataFrame):
        raise InputError(
            f"prices must be a DataFrame with columns open, high, low, close, volume; got {type(prices).__name__}"
        )
    missing = [c for c in need if c not in prices.columns]
    if missing:
        raise InputError(
            f"prices lack the column(s) {', '.join(missing)}; expected a frame like Store.prices(symbol)"
        )
    if not isinstance(prices.index, pd.DatetimeIndex):
        try:
            prices = prices.set_axis(pd.DatetimeIndex(pd.to_datetime(prices.index)), axis=0)
        except (TypeError, ValueError) as exc:
            raise InputError("prices must be indexed by date") from exc
    if prices.index.tz is not None:
        prices = prices.tz_localize(None)
    prices = prices[~prices.index.duplicated(keep="last")].sort_index()
    prices = prices[prices["close"].notna()]
    nonpos = prices.index[prices["close"].astype(float) <= 0]
    if len(nonpos):
        raise InputError(
            f"close must be positive; it is {prices.loc[nonpos[0], 'close']} on {nonpos[0].date()}"
        )
    if len(prices) < 2:
        raise InsufficientDataError(f"need at least two sessions with a close; got {len(prices)}")
    return prices


def session_of(index: pd.DatetimeIndex, date: Any, *, symbol: str | None = None) -> pd.Timestamp:
    """Return ``date`` as a session of ``index``, or raise naming the sessions around it.

    Examples
    --------
    >>> idx = pd.to_datetime(["2025-10-10", "2025-10-13", "2025-10-14"])
    >>> session_of(pd.DatetimeIndex(idx), "2025-10-13").date()
    datetime.date(2025, 10, 13)
    >>> session_of(pd.DatetimeIndex(idx), "2025-10-11")
    Traceback (most recent call last):
    ...
    bubblewatch.errors.NotFoundError: 2025-10-11 is not a session of the data: the sessions before and after it are 2025-10-10 and 2025-10-13
    """
    try:
        ts = pd.Timestamp(date)
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the date {date!r}; use YYYY-MM-DD") from exc
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    ts = ts.normalize()
    if ts in index:
        return ts
    who = f" of {symbol}" if symbol else " of the data"
    pos = int(index.searchsorted(ts))
    before = index[pos - 1].date().isoformat() if pos > 0 else None
    after = index[pos].date().isoformat() if pos < len(index) else None
    day = ts.date().isoformat()
    if before is None:
        raise NotFoundError(
            f"{day} is before the first session{who} ({after}); the data start on {after}"
        )
    if after is None:
        raise NotFoundError(
            f"{day} is after the last session{who} ({before}); the data end on {before}"
        )
    raise NotFoundError(
        f"{day} is not a session{who}: the sessions before and after it are {before} and {after}"
    )


# --------------------------------------------------------------------------- shares / value
def _clean_shares(shares: pd.Series) -> pd.Series:
    if not isinstance(shares, pd.Series):
        raise InputError(
            f"shares must be a Series of shares outstanding indexed by date; got {type(shares).__name__}"
        )
    s = pd.to_numeric(shares, errors="coerce").astype(float)
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
    s = s[~s.index.duplicated(keep="last")].sort_index().dropna()
    if s.empty:
        raise InsufficientDataError(f"the shares outstanding series {shares.name!r} is empty")
    if (s <= 0).any():
        bad = s[s <= 0].index[0].date().isoformat()
        raise InputError(f"shares outstanding {shares.name!r} is not positive on {bad}")
    return s


def infer_splits(
    shares: pd.Series, *, min_ratio: float = 1.5, tolerance: float = 0.05
) -> pd.DataFrame:
    """Infer stock splits from jumps in an as-reported share count.

    A jump between two consecutive reports whose ratio ``r >= min_ratio`` lies within
    ``tolerance`` (relative) of an integer ``k`` is read as a k-for-1 split between the two
    report dates; a ratio near ``1/k`` as a 1-for-k reverse split.

    Returns
    -------
    DataFrame
        Columns ``after`` (last report before the split), ``before`` (first report after it)
        and ``ratio`` (new shares per old share).

    Examples
    --------
    >>> s = pd.Series([623e6, 2.5e9, 2.46e9, 24.53e9],
    ...               index=pd.to_datetime(["2021-05-21", "2021-08-13", "2024-05-24", "2024-08-23"]))
    >>> infer_splits(s)["ratio"].tolist()
    [4.0, 10.0]
    """
    s = _clean_shares(shares)
    rows = []
    v = s.to_numpy()
    for i in range(1, len(v)):
        r = v[i] / v[i - 1]
        if r >= min_ratio:
            k = round(r)
            if abs(r / k - 1.0) <= tolerance:
                rows.append((s.index[i - 1], s.index[i], float(k)))
        elif r <= 1.0 / min_ratio:
            k = round(1.0 / r)
            if abs((1.0 / r) / k - 1.0) <= tolerance:
                rows.append((s.index[i - 1], s.index[i], 1.0 / k))
    return pd.DataFrame(rows, columns=["after", "before", "ratio"])


def _splits_table(shares: pd.Series, splits: pd.Series | None) -> pd.Series:
    """Split ratios indexed by a date on or before which the old basis applies."""
    if splits is None:
        inferred = infer_splits(shares)
        # the split happened in (after, before]; the exact day is unknown
        return pd.Series(
            inferred["ratio"].to_numpy(float), index=pd.DatetimeIndex(inferred["before"])
        )
    sp = pd.Series(splits, dtype=float)
    sp.index = pd.DatetimeIndex(pd.to_datetime(sp.index))
    if (sp <= 0).any():
        raise InputError(
            "split ratios must be positive (new shares per old share, e.g. 10 for 10:1)"
        )
    return sp.sort_index()


def split_adjusted_shares(shares: pd.Series, splits: pd.Series | None = None) -> pd.Series:
    """Put an as-reported share count on today's basis (after every split).

    Parameters
    ----------
    shares : Series
        Shares outstanding as reported, indexed by the date they refer to.
    splits : Series, optional
        Split ratios (new shares per old share) indexed by the split's effective date.
        Inferred from the share count's jumps when omitted (see :func:`infer_splits`).

    Examples
    --------
    >>> s = pd.Series([2.46e9, 24.53e9], index=pd.to_datetime(["2024-05-24", "2024-08-23"]))
    >>> split_adjusted_shares(s).tolist()
    [24600000000.0, 24530000000.0]
    """
    s = _clean_shares(shares)
    sp = _splits_table(s, splits)
    factor = np.ones(len(s))
    for when, ratio in sp.items():
        factor[s.index < when] *= ratio
    out = s * factor
    out.name = shares.name
    return out


def shares_in_force(
    shares: pd.Series,
    dates: pd.DatetimeIndex,
    *,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
) -> pd.Series:
    """Shares outstanding in force on each of ``dates``, on the price basis (NaN before the first report).

    Each reported count is in force from its date until the next report.
    """
    adj = split_adjusted_shares(shares, splits)
    out = adj.reindex(adj.index.union(dates)).ffill().reindex(dates)
    if price_basis == "as_traded":
        if splits is None:
            raise InputError(
                "price_basis='as_traded' needs the split dates: pass splits=pd.Series({date: ratio})"
            )
        sp = _splits_table(adj, splits)
        later = np.ones(len(dates))
        for when, ratio in sp.items():
            later[dates < when] *= ratio
        out = out / later
    elif price_basis != "split_adjusted":
        raise InputError(
            f"price_basis must be 'split_adjusted' or 'as_traded'; got {price_basis!r}"
        )
    out.name = "shares"
    return out


def market_value(
    prices: pd.DataFrame,
    shares: pd.Series,
    *,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
) -> pd.Series:
    """Daily market value (close x shares in force, split-aware), NaN before the first share report."""
    prices = _check_prices(prices)
    sh = shares_in_force(
        shares, pd.DatetimeIndex(prices.index), splits=splits, price_basis=price_basis
    )
    mv = prices["close"].astype(float) * sh
    mv.name = "market_value"
    return mv


def first_close_above(
    prices: pd.DataFrame,
    shares: pd.Series,
    threshold_usd: float,
    *,
    start: Any = None,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
) -> pd.Timestamp | None:
    """First session whose closing market value is at or above ``threshold_usd`` (None if never).

    Sessions before the first share report are skipped (their market value is unknown).

    Examples
    --------
    >>> px = pd.DataFrame({"close": [190.0, 201.0, 207.04]},
    ...                   index=pd.to_datetime(["2025-10-27", "2025-10-28", "2025-10-29"]))
    >>> sh = pd.Series([24.3e9], index=pd.to_datetime(["2025-08-22"]))
    >>> first_close_above(px, sh, 5e12).date()
    datetime.date(2025, 10, 29)
    """
    if not np.isfinite(threshold_usd) or threshold_usd <= 0:
        raise InputError(f"threshold_usd must be a positive number; got {threshold_usd!r}")
    mv = market_value(prices, shares, splits=splits, price_basis=price_basis)
    if start is not None:
        mv = mv[mv.index >= pd.Timestamp(start)]
    hit = mv[mv >= threshold_usd]
    return None if hit.empty else pd.Timestamp(hit.index[0])


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


# --------------------------------------------------------------------------- the event
@dataclasses.dataclass(frozen=True)
class MarketEvent(Result):
    """One session's move and its context (see :func:`market_event`).

    Fractions throughout (``ret=-0.044`` is -4.4%); money in USD or CNY; ``None`` where the
    inputs did not allow the figure (no shares, no FX, no volume).
    """

    symbol: str | None
    date: pd.Timestamp
    previous_date: pd.Timestamp
    ret: float
    close: float
    previous_close: float
    open_gap: float | None
    close_vs_high: float | None
    next_day_return: float | None
    shares: float | None
    market_value_usd: float | None
    market_value_change_usd: float | None
    usdcny: float | None
    usdcny_date: pd.Timestamp | None
    market_value_change_cny: float | None
    rank_in_year: int
    moves_in_year: int
    rank_in_window: int
    moves_in_window: int
    window_years: int
    window_start: pd.Timestamp
    window_span_years: float
    moves_as_large_10y: int
    return_period_years: float
    return_period_sessions: float
    volume: float | None
    volume_change: float | None
    volume_z: float | None
    traded_value: float | None
    traded_value_change: float | None
    traded_value_z: float | None
    turnover_rate: float | None
    turnover_z: float | None
    volume_high: Mapping[str, bool | None]
    traded_value_high: Mapping[str, bool | None]
    turnover_high: Mapping[str, bool | None]
    panic: bool | None
    drawdown: float
    peak_date: pd.Timestamp
    peak_close: float
    sessions_since_peak: int
    days_since_peak: int
    runup: float
    trough_date: pd.Timestamp
    trough_close: float
    window_dates: np.ndarray = dataclasses.field(repr=False)
    window_close: np.ndarray = dataclasses.field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "symbol": self.symbol,
            "date": self.date,
            "previous_date": self.previous_date,
            "return": self.ret,
            "close": self.close,
            "previous_close": self.previous_close,
            "open_gap": self.open_gap,
            "close_vs_high": self.close_vs_high,
            "next_day_return": self.next_day_return,
            "shares": self.shares,
            "market_value_usd": self.market_value_usd,
            "market_value_change_usd": self.market_value_change_usd,
            "usdcny": self.usdcny,
            "usdcny_date": self.usdcny_date,
            "market_value_change_cny": self.market_value_change_cny,
            "rank_in_year": self.rank_in_year,
            "moves_in_year": self.moves_in_year,
            "rank_in_window": self.rank_in_window,
            "moves_in_window": self.moves_in_window,
            "window_years": self.window_years,
            "window_start": self.window_start,
            "window_span_years": self.window_span_years,
            "moves_as_large_10y": self.moves_as_large_10y,
            "return_period_years": self.return_period_years,
            "return_period_sessions": self.return_period_sessions,
            "volume": self.volume,
            "volume_change": self.volume_change,
            "volume_z": self.volume_z,
            "traded_value": self.traded_value,
            "traded_value_change": self.traded_value_change,
            "traded_value_z": self.traded_value_z,
            "turnover_rate": self.turnover_rate,
            "turnover_z": self.turnover_z,
            "volume_high": dict(self.volume_high),
            "traded_value_high": dict(self.traded_value_high),
            "turnover_high": dict(self.turnover_high),
            "panic": self.panic,
            "panic_rule": PANIC_RULE,
            "drawdown": self.drawdown,
            "peak_date": self.peak_date,
            "peak_close": self.peak_close,
            "sessions_since_peak": self.sessions_since_peak,
            "days_since_peak": self.days_since_peak,
            "runup": self.runup,
            "trough_date": self.trough_date,
            "trough_close": self.trough_close,
        }
        return d

    def to_frame(self) -> pd.DataFrame:
        d = self.to_dict()
        rows = {k: v for k, v in d.items() if not isinstance(v, dict)}
        for key in ("volume_high", "traded_value_high", "turnover_high"):
            for n, flag in d[key].items():
                rows[f"{key}_{n}"] = flag
        return pd.DataFrame({"value": pd.Series(rows, dtype=object)})

    def summary(self) -> str:
        def pct(x: float | None) -> str:
            return "n/a" if x is None or not np.isfinite(x) else f"{100 * x:+.2f}%"

        def money(x: float | None, cur: str) -> str:
            if x is None or not np.isfinite(x):
                return "n/a"
            return f"{cur} {x / 1e9:+,.1f}B" if abs(x) < 1e12 else f"{cur} {x / 1e12:+,.3f}T"

        who = self.symbol or "series"
        lines = [
            f"{who} on {self.date.date()}: {pct(self.ret)} (close {self.close:,.2f}, "
            f"previous {self.previous_close:,.2f} on {self.previous_date.date()})",
        ]
        if self.market_value_usd is not None:
            lines.append(
                f"  market value USD {self.market_value_usd / 1e12:,.3f}T; change "
                f"{money(self.market_value_change_usd, 'USD')}, {money(self.market_value_change_cny, 'CNY')}"
                + (f" at {self.usdcny:.4f} CNY/USD" if self.usdcny is not None else "")
            )
        lines.append(
            f"  rank {self.rank_in_year} of {self.moves_in_year} moves in {self.date.year}; "
            f"rank {self.rank_in_window} of {self.moves_in_window} since {self.window_start.date()}; "
            f"{self.moves_as_large_10y} moves as large in {self.window_span_years:.1f} y of data "
            f"(return period {self.return_period_years:.2f} y = {self.return_period_sessions:.0f} sessions)"
        )
        if self.volume is not None:
            lines.append(
                f"  volume {self.volume:,.0f} ({pct(self.volume_change)} vs prior day, z {self.volume_z if self.volume_z is None else round(self.volume_z, 2)}); "
                f"traded value {pct(self.traded_value_change)} vs prior day"
                + (
                    f"; turnover {100 * self.turnover_rate:.3f}%"
                    if self.turnover_rate is not None
                    else ""
                )
            )
        lines.append(f"  panic selling: {self.panic} ({PANIC_RULE})")
        lines.append(
            f"  drawdown {pct(self.drawdown)} from the {self.peak_date.date()} peak "
            f"({self.sessions_since_peak} sessions ago); run-up {pct(self.runup)} from the "
            f"52-week low of {self.trough_date.date()}"
        )
        lines.append(
            f"  open gap {pct(self.open_gap)}, close vs high {pct(self.close_vs_high)}, "
            f"next day {pct(self.next_day_return)}"
        )
        return "\n".join(lines)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        x = pd.to_datetime(self.window_dates)
        fig = go.Figure(go.Scatter(x=x, y=self.window_close, mode="lines", name="close"))
        fig.add_trace(
            go.Scatter(
                x=[self.date],
                y=[self.close],
                mode="markers",
                marker={"size": 10, "color": "red"},
                name=f"{self.date.date()} {100 * self.ret:+.2f}%",
            )
        )
        fig.update_layout(
            title=f"{self.symbol or ''} around {self.date.date()}", yaxis_title="close"
        )
        return fig


def _opt(x: Any) -> float | None:
    if x is None:
        return None
    try:
        f = float(x)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def _flag(x: Any) -> bool | None:
    if x is None or (isinstance(x, float) and np.isnan(x)) or x is pd.NA:
        return None
    return bool(x)


def market_event(
    prices: pd.DataFrame,
    date: Any,
    *,
    shares: pd.Series | None = None,
    usdcny: pd.Series | None = None,
    years: int = 10,
    symbol: str | None = None,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
    panic_drop: float = 0.03,
    fx_name: str = "DEXCHUS_USDCNY",
) -> MarketEvent:
    """Analyse one session's move of a symbol.

    Parameters
    ----------
    prices : DataFrame
        Daily bars indexed by session date (``Store.prices``); ``close`` required, ``open``,
        ``high`` and ``volume`` used when present.
    date : date-like
        The event session; a date that is not a session raises
        :class:`~bubblewatch.errors.NotFoundError` naming the sessions before and after it.
    shares : Series, optional
        Shares outstanding as reported (split-aware, see the module notes). Without it
        the market value, its changes and the turnover rate are ``None``.
    usdcny : Series, optional
        CNY per USD. The market-value change in CNY uses the rate of the event day
        (or the last rate within 5 days before it, reported as ``usdcny_date``).
    years : int
        Length of the look-back window for the rank and the rarity count (default 10).
    symbol : str, optional
        Name used in messages and summaries.
    splits, price_basis
        See :func:`shares_in_force`.
    panic_drop : float
        The fall (fraction) that the panic rule needs (default 0.03).

    Returns
    -------
    MarketEvent
        Ranks count moves in the direction of the event (rank 1 = the largest fall of the
        period for a fall). ``moves_as_large_10y`` counts sessions in the ``years``-year window
        ending on the event whose move in the same direction is at least as large (the event
        included), and the implied return period is the window's span in years (``years``, or
        less when the data start later: ``window_span_years``) / count, and sessions / count. The panic flag follows :data:`PANIC_RULE`.
        Drawdown is from the running peak of all earlier closes; the run-up is from the lowest
        close of the previous 252 sessions (52-week low).

    References
    ----------
    .. [1] Campbell, Lo & MacKinlay (1997), *The Econometrics of Financial Markets*, ch. 4.
    """
    if years < 1:
        raise InputError(f"years must be at least 1; got {years}")
    px = _check_prices(prices)
    ts = session_of(pd.DatetimeIndex(px.index), date, symbol=symbol)
    pos = int(px.index.get_loc(ts))
    if pos == 0:
        raise InsufficientDataError(
            f"{ts.date()} is the first session of {symbol or 'the data'}: no previous close for a return"
        )
    who = symbol or "the symbol"
    if shares is not None:
        sh = _clean_shares(shares)
        if sh.index[0] > ts:
            raise InsufficientDataError(
                f"shares outstanding of {who} ({shares.name or 'shares'}) start on "
                f"{sh.index[0].date()}; the event needs a report on or before "
                f"{px.index[pos - 1].date()} (covering {px.index[pos - 1].date()}..{ts.date()})"
            )
    m = daily_metrics(
        px, shares, None, splits=splits, price_basis=price_basis, panic_drop=panic_drop
    )
    row = m.loc[ts]

    # FX at the day's rate
    rate = rate_date = cny = None
    if usdcny is not None:
        fx = pd.to_numeric(usdcny, errors="coerce").astype(float).dropna()
        fx.index = pd.DatetimeIndex(pd.to_datetime(fx.index))
        fx = fx.sort_index()
        avail = fx[(fx.index <= ts) & (fx.index >= ts - pd.Timedelta(days=5))]
        if avail.empty:
            span = f"{fx.index[0].date()}..{fx.index[-1].date()}" if len(fx) else "no observations"
            raise InsufficientDataError(
                f"no USD/CNY rate ({getattr(usdcny, 'name', None) or fx_name}) on or within 5 days before "
                f"{ts.date()}: the series covers {span}; it needs {(ts - pd.Timedelta(days=5)).date()}..{ts.date()}"
            )
        rate = float(avail.iloc[-1])
        rate_date = pd.Timestamp(avail.index[-1])
        if shares is not None and np.isfinite(row["market_value_change_usd"]):
            cny = float(row["market_value_change_usd"]) * rate

    # ranks and rarity
    rets = m["return"].dropna()
    r = float(row["return"])
    sign = -1.0 if r < 0 else 1.0
    in_year = rets[rets.index.year == ts.year] * sign
    rank_year = int((in_year > r * sign).sum()) + 1
    start = ts - pd.DateOffset(years=years)
    win = rets[(rets.index > start) & (rets.index <= ts)] * sign
    rank_win = int((win > r * sign).sum()) + 1
    as_large = int((win >= r * sign).sum())
    rp_sessions = len(win) / as_large if as_large else float("inf")
    span_years = min(float(years), (ts - rets.index[0]).days / 365.25)
    rp_years = span_years / as_large if as_large else float("inf")

    # drawdown, peak, trough
    hist = px["close"].astype(float).iloc[: pos + 1]
    peak_date = pd.Timestamp(hist.idxmax())
    peak_close = float(hist.max())
    trough_hist = hist.iloc[max(0, pos - 252) :]
    trough_date = pd.Timestamp(trough_hist.idxmin())
    trough_close = float(trough_hist.min())
    close = float(row["close"])

    def flags(prefix: str) -> dict[str, bool | None]:
        return {
            f"{k}m": _flag(row.get(f"{prefix}_high_{k}m"))
            for k in HIGH_MONTHS
            if f"{prefix}_high_{k}m" in m
        }

    lo, hi = max(0, pos - 126), min(len(px), pos + 64)
    panic = row.get("panic")
    return MarketEvent(
        metadata=make_metadata(
            {
                "symbol": symbol,
                "date": ts.date().isoformat(),
                "years": years,
                "price_basis": price_basis,
                "panic_drop": panic_drop,
            },
            data=px,
        ),
        symbol=symbol,
        date=ts,
        previous_date=pd.Timestamp(px.index[pos - 1]),
        ret=r,
        close=close,
        previous_close=float(px["close"].iloc[pos - 1]),
        open_gap=_opt(row.get("open_gap")),
        close_vs_high=_opt(row.get("close_vs_high")),
        next_day_return=_opt(row.get("next_day_return")),
        shares=_opt(row.get("shares")),
        market_value_usd=_opt(row.get("market_value_usd")),
        market_value_change_usd=_opt(row.get("market_value_change_usd")),
        usdcny=rate,
        usdcny_date=rate_date,
        market_value_change_cny=cny,
        rank_in_year=rank_year,
        moves_in_year=len(in_year),
        rank_in_window=rank_win,
        moves_in_window=len(win),
        window_years=years,
        window_start=pd.Timestamp(win.index[0]),
        window_span_years=span_years,
        moves_as_large_10y=as_large,
        return_period_years=rp_years,
        return_period_sessions=rp_sessions,
        volume=_opt(row.get("volume")),
        volume_change=_opt(row.get("volume_change")),
        volume_z=_opt(row.get("volume_z")),
        traded_value=_opt(row.get("traded_value")),
        traded_value_change=_opt(row.get("traded_value_change")),
        traded_value_z=_opt(row.get("traded_value_z")),
        turnover_rate=_opt(row.get("turnover_rate")),
        turnover_z=_opt(row.get("turnover_z")),
        volume_high=flags("volume"),
        traded_value_high=flags("traded_value"),
        turnover_high=flags("turnover"),
        panic=None
        if panic is None or (isinstance(panic, float) and np.isnan(panic))
        else bool(panic),
        drawdown=close / peak_close - 1.0,
        peak_date=peak_date,
        peak_close=peak_close,
        sessions_since_peak=pos - int(px.index.get_loc(peak_date)),
        days_since_peak=int((ts - peak_date).days),
        runup=close / trough_close - 1.0,
        trough_date=trough_date,
        trough_close=trough_close,
        window_dates=frozen_array(px.index[lo:hi].to_numpy(), dtype="datetime64[ns]"),
        window_close=frozen_array(px["close"].iloc[lo:hi].to_numpy(float)),
    )


# --------------------------------------------------------------------------- earnings reaction
@dataclasses.dataclass(frozen=True)
class EarningsReaction(Result):
    """The market's reaction to an announcement (see :func:`earnings_reaction`)."""

    symbol: str | None
    announcement: pd.Timestamp
    reaction_date: pd.Timestamp
    open_gap: float
    close_vs_high: float
    intraday_return: float
    ret: float
    next_day_return: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "announcement": self.announcement,
            "reaction_date": self.reaction_date,
            "open_gap": self.open_gap,
            "close_vs_high": self.close_vs_high,
            "intraday_return": self.intraday_return,
            "return": self.ret,
            "next_day_return": self.next_day_return,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.to_dict(), dtype=object)})

    def summary(self) -> str:
        nd = "n/a" if self.next_day_return is None else f"{100 * self.next_day_return:+.2f}%"
        return (
            f"{self.symbol or 'series'}: announcement {self.announcement.date()}, reaction session "
            f"{self.reaction_date.date()}: open gap {100 * self.open_gap:+.2f}%, open-to-close "
            f"{100 * self.intraday_return:+.2f}%, close {100 * self.close_vs_high:+.2f}% vs the day's high, "
            f"day {100 * self.ret:+.2f}%, next day {nd}"
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        labels = ["open gap", "open to close", "day", "next day"]
        vals = [self.open_gap, self.intraday_return, self.ret, self.next_day_return or 0.0]
        return go.Figure(go.Bar(x=labels, y=[100 * v for v in vals])).update_layout(
            title=f"Reaction to the {self.announcement.date()} announcement", yaxis_title="%"
        )


def earnings_reaction(
    prices: pd.DataFrame,
    announcement: Any,
    *,
    after_close: bool = True,
    symbol: str | None = None,
) -> EarningsReaction:
    """Open gap, close vs the day's high and next-day move after an announcement.

    With ``after_close=True`` (the usual US earnings timing) the reaction session is the
    first session after the announcement date; otherwise the announcement date itself
    (which must then be a session).

    Examples
    --------
    >>> px = pd.DataFrame({"open": [186.0, 195.95, 181.24], "high": [187.0, 196.0, 184.56],
    ...                    "close": [186.52, 180.64, 178.88]},
    ...                   index=pd.to_datetime(["2025-11-19", "2025-11-20", "2025-11-21"]))
    >>> r = earnings_reaction(px, "2025-11-19")
    >>> r.reaction_date.date(), round(100 * float(r.open_gap), 2), round(100 * float(r.ret), 2)
    (datetime.date(2025, 11, 20), 5.06, -3.15)
    """
    px = _check_prices(prices, need=("open", "high", "close"))
    idx = pd.DatetimeIndex(px.index)
    ts = pd.Timestamp(announcement).normalize()
    if after_close:
        pos = int(idx.searchsorted(ts, side="right"))
        if pos >= len(idx):
            raise NotFoundError(f"no session after {ts.date()} in the data (last {idx[-1].date()})")
    else:
        pos = int(idx.get_loc(session_of(idx, ts, symbol=symbol)))
    if pos == 0:
        raise InsufficientDataError(f"no session before {idx[0].date()} for the open gap")
    c = px["close"].astype(float).to_numpy()
    o = float(px["open"].iloc[pos])
    h = float(px["high"].iloc[pos])
    nxt = c[pos + 1] / c[pos] - 1.0 if pos + 1 < len(c) else None
    return EarningsReaction(
        metadata=make_metadata(
            {"announcement": ts.date().isoformat(), "after_close": after_close}, data=px
        ),
        symbol=symbol,
        announcement=ts,
        reaction_date=pd.Timestamp(idx[pos]),
        open_gap=o / c[pos - 1] - 1.0,
        close_vs_high=c[pos] / h - 1.0,
        intraday_return=c[pos] / o - 1.0,
        ret=c[pos] / c[pos - 1] - 1.0,
        next_day_return=nxt,
    )


# --------------------------------------------------------------------------- date ranges
@dataclasses.dataclass(frozen=True)
class MarketEvents(Result):
    """Per-session event metrics over a date range (see :func:`market_events`)."""

    symbol: str | None
    start: pd.Timestamp
    end: pd.Timestamp
    rows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "start": self.start,
            "end": self.end,
            "rows": self.rows.reset_index().to_dict(orient="records"),
        }

    def summary(self) -> str:
        r = self.rows
        who = self.symbol or "series"
        lines = [f"{who} {self.start.date()}..{self.end.date()}: {len(r)} sessions"]
        if len(r):
            worst = r["return"].idxmin()
            best = r["return"].idxmax()
            lines.append(
                f"  worst day {worst.date()} {100 * r.loc[worst, 'return']:+.2f}%, best day "
                f"{best.date()} {100 * r.loc[best, 'return']:+.2f}%, total "
                f"{100 * (float(np.prod(1 + r['return'].to_numpy())) - 1):+.2f}%"
            )
            if "market_value_change_usd" in r and r["market_value_change_usd"].notna().any():
                d = r["market_value_change_usd"].idxmin()
                lines.append(
                    f"  largest market-value loss {d.date()}: USD "
                    f"{r.loc[d, 'market_value_change_usd'] / 1e9:,.1f}B"
                )
            if "panic" in r:
                days = [str(d.date()) for d in r.index[r["panic"] == True]]  # noqa: E712
                lines.append(f"  panic-selling days: {', '.join(days) or 'none'}")
        return "\n".join(lines)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        r = self.rows
        return go.Figure(
            go.Bar(x=r.index, y=100 * r["return"].to_numpy(float), name="return")
        ).update_layout(title=f"{self.symbol or ''} daily returns", yaxis_title="%")


def market_events(
    prices: pd.DataFrame,
    start: Any,
    end: Any,
    *,
    shares: pd.Series | None = None,
    usdcny: pd.Series | None = None,
    symbol: str | None = None,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
    panic_drop: float = 0.03,
) -> MarketEvents:
    """The metrics of :func:`daily_metrics` for every session in ``[start, end]``, plus the
    direction-aware rank of each move within its calendar year (``rank_in_year``).

    The CNY change uses each day's own USD/CNY rate (NaN on days without one: nothing is
    filled in).
    """
    px = _check_prices(prices)
    try:
        lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the dates {start!r}..{end!r}; use YYYY-MM-DD") from exc
    if hi < lo:
        raise InputError(f"end {hi.date()} is before start {lo.date()}")
    m = daily_metrics(
        px, shares, usdcny, splits=splits, price_basis=price_basis, panic_drop=panic_drop
    )
    r = m["return"]
    signed = r.where(r >= 0, -r)  # magnitude, ranked within same-sign moves of the year
    sign = np.sign(r)
    key = pd.DataFrame({"y": r.index.year, "s": sign, "v": signed})
    m["rank_in_year"] = key.groupby(["y", "s"])["v"].rank(ascending=False, method="min")
    rows = m[(m.index >= lo) & (m.index <= hi)]
    if rows.empty:
        raise NotFoundError(
            f"no session of {symbol or 'the data'} between {lo.date()} and {hi.date()} "
            f"(data {px.index[0].date()}..{px.index[-1].date()})"
        )
    return MarketEvents(
        metadata=make_metadata(
            {"symbol": symbol, "start": lo.date().isoformat(), "end": hi.date().isoformat()},
            data=px,
        ),
        symbol=symbol,
        start=lo,
        end=hi,
        rows=rows,
    )
