"""One session's move of a symbol and its context (:func:`market_event`).

References
----------
.. [1] Campbell, J. Y., Lo, A. W. & MacKinlay, A. C. (1997). *The Econometrics of Financial
       Markets*, ch. 4 (event studies). Princeton University Press.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InsufficientDataError, ParameterValueError
from bubblewatch.market.daily import HIGH_MONTHS, PANIC_RULE, daily_metrics
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
from bubblewatch.market.shares import PriceBasis, _clean_shares
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.series import USDCNY_SERIES
from bubblewatch.validation import (
    ArrayLike,
    Date,
    Integer,
    Real,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["MIN_RARITY_MOVES", "MarketEvent", "market_event", "rarity_undefined"]


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
    rank_in_year: int | None
    moves_in_year: int
    rank_in_window: int | None
    moves_in_window: int
    window_years: int
    window_start: pd.Timestamp
    window_span_years: float
    moves_as_large_10y: int | None
    return_period_years: float | None
    return_period_sessions: float | None
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
    notes: tuple[str, ...] = ()
    #: why the ranks and the rarity are ``None`` (too few returns, a constant series, no move)
    rarity_undefined: str = ""

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
            "rarity_undefined": self.rarity_undefined or None,
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
            "notes": list(self.notes),
        }
        return d

    def to_frame(self) -> pd.DataFrame:
        d = self.to_dict()
        rows = {k: v for k, v in d.items() if not isinstance(v, dict | list)}
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
        if self.rarity_undefined:
            lines.append(f"  rank and rarity: undefined ({self.rarity_undefined})")
        else:
            lines.append(
                f"  rank {self.rank_in_year} of {self.moves_in_year} moves in {self.date.year} "
                f"to {self.date.date()}; rank {self.rank_in_window} of {self.moves_in_window} "
                f"since {self.window_start.date()}; {self.moves_as_large_10y} moves as large in "
                f"{self.window_span_years:.1f} y of data (return period "
                f"{self.return_period_years:.2f} y = {self.return_period_sessions:.0f} sessions)"
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
        panic = "n/a" if self.panic is None else ("yes" if self.panic else "no")
        lines.append(f"  panic selling: {panic} ({PANIC_RULE})")
        lines.append(
            f"  drawdown {pct(self.drawdown)} from the {self.peak_date.date()} peak "
            f"({self.sessions_since_peak} sessions ago); run-up {pct(self.runup)} from the "
            f"52-week low of {self.trough_date.date()}"
        )
        lines.append(
            f"  open gap {pct(self.open_gap)}, close vs high {pct(self.close_vs_high)}, "
            f"next day {pct(self.next_day_return)}"
        )
        lines += [f"  note: {n}" for n in self.notes]
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


#: the longest look-back (the store's dates span 1800-2100)
MAX_YEARS = 300
#: fewest daily returns in the window for a rank or a return period to mean anything
MIN_RARITY_MOVES = 20


@validate_params(ret=Real(), window=ArrayLike(what="the window's daily returns"))
def rarity_undefined(ret: float, window: np.ndarray) -> str:
    """Why a move's rank and return period are undefined in ``window`` (its daily returns,
    signed in the move's direction), or ``""`` when they are defined.

    Examples
    --------
    >>> rarity_undefined(0.01, np.array([0.01, -0.02]))
    'only 2 daily returns in the window; a rank or return period needs at least 20'
    >>> rarity_undefined(0.0, np.zeros(30))
    'every daily return in the window is 0: a constant price has no rare moves'
    """
    window = np.asarray(window, dtype=float)
    if len(window) < MIN_RARITY_MOVES:
        return (
            f"only {len(window)} daily returns in the window; a rank or return period needs "
            f"at least {MIN_RARITY_MOVES}"
        )
    if float(np.ptp(window)) == 0.0:
        return (
            f"every daily return in the window is {abs(float(window[0])):g}: a constant price "
            "has no rare moves"
        )
    if ret == 0.0:
        return "the close did not move (a return of 0 has no direction to rank)"
    return ""


@validate_params(
    prices=PRICES,
    date=Date(),
    shares=[None, SHARES],
    usdcny=USDCNY,
    years=Integer(min=1),
    symbol=[None, Text()],
    splits=SPLITS,
    price_basis=PRICE_BASIS,
    panic_drop=PANIC_DROP,
    fx_name=Text(),
)
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
    fx_name: str = USDCNY_SERIES,
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
        (or the last rate within 5 days before it, reported as ``usdcny_date``). When the
        series has no rate that close to the date (it ends before), the CNY figures are
        ``None`` and ``notes`` says why; the USD figures stay.
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
        period for a fall); the rank "in the year" counts only the year's sessions up to
        and including the event (what was known that day), ``moves_in_year`` their number. ``moves_as_large_10y`` counts sessions in the ``years``-year window
        ending on the event whose move in the same direction is at least as large (the event
        included), and the implied return period is the window's span in years (``years``, or
        less when the data start later: ``window_span_years``) / count, and sessions / count. The panic flag follows :data:`PANIC_RULE`.
        Drawdown is from the running peak of all earlier closes; the run-up is from the lowest
        close of the previous 252 sessions (52-week low).

    References
    ----------
    .. [1] Campbell, Lo & MacKinlay (1997), *The Econometrics of Financial Markets*, ch. 4.
    """
    if years > MAX_YEARS:  # the declaration keeps >= 1; the span of the dates bounds it
        raise ParameterValueError(
            "market_event",
            "years",
            years,
            f"an integer in [1, {MAX_YEARS}] (the accepted dates span 1800-2100)",
        )
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
                f"{px.index[pos - 1].date()} (covering {px.index[pos - 1].date()}..{ts.date()})",
                parameter="shares",
            )
    m = daily_metrics(
        px, shares, None, splits=splits, price_basis=price_basis, panic_drop=panic_drop
    )
    row = m.loc[ts]

    # FX at the day's rate
    rate = rate_date = cny = None
    notes: list[str] = []
    if usdcny is not None:
        fx = pd.to_numeric(usdcny, errors="coerce").astype(float).dropna()
        fx.index = pd.DatetimeIndex(pd.to_datetime(fx.index))
        fx = fx.sort_index()
        avail = fx[(fx.index <= ts) & (fx.index >= ts - pd.Timedelta(days=5))]
        if avail.empty:
            span = f"{fx.index[0].date()}..{fx.index[-1].date()}" if len(fx) else "no observations"
            notes.append(
                f"CNY figure omitted: no USD/CNY rate "
                f"({getattr(usdcny, 'name', None) or fx_name}) on or within 5 days before "
                f"{ts.date()}; the series covers {span} (it would need a rate in "
                f"{(ts - pd.Timedelta(days=5)).date()}..{ts.date()})"
            )
        else:
            rate = float(avail.iloc[-1])
            rate_date = pd.Timestamp(avail.index[-1])
            if shares is not None and np.isfinite(row["market_value_change_usd"]):
                cny = float(row["market_value_change_usd"]) * rate

    # ranks and rarity
    rets = m["return"].dropna()
    r = float(row["return"])
    sign = -1.0 if r < 0 else 1.0
    in_year = rets[(rets.index.year == ts.year) & (rets.index <= ts)] * sign
    rank_year = int((in_year > r * sign).sum()) + 1
    start = ts - pd.DateOffset(years=years)
    win = rets[(rets.index > start) & (rets.index <= ts)] * sign
    rank_win = int((win > r * sign).sum()) + 1
    as_large = int((win >= r * sign).sum())
    rp_sessions = len(win) / as_large if as_large else float("inf")
    span_years = min(float(years), (ts - rets.index[0]).days / 365.25)
    rp_years = span_years / as_large if as_large else float("inf")
    undefined = rarity_undefined(r, win.to_numpy())

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
        rank_in_year=None if undefined else rank_year,
        moves_in_year=len(in_year),
        rank_in_window=None if undefined else rank_win,
        moves_in_window=len(win),
        window_years=years,
        window_start=pd.Timestamp(win.index[0]),
        window_span_years=span_years,
        moves_as_large_10y=None if undefined else as_large,
        return_period_years=None if undefined else rp_years,
        return_period_sessions=None if undefined else rp_sessions,
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
        notes=tuple(notes),
        rarity_undefined=undefined,
    )
