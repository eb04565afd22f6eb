"""The registered computations that check the articles' claims, one per claim ``check`` name.

Each check takes the claim's ``params`` (plus its ``date``/``window``) and a
:class:`ClaimData` (the store, read through recording accessors) and returns a
:class:`Computed`: the value in the claim's unit and the series and dates it used. A check
that lacks data raises :class:`MissingData` naming the series and dates; the engine turns
that into a *not checkable* verdict instead of failing the run.

Checks compose the pure analyses (``market.events``, ``valuation``, ``macro``); they are
the only place in ``claims`` that reads data, and they read it only through ``ClaimData``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, NotFoundError

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

__all__ = ["CHECKS", "ClaimData", "Computed", "MissingData", "register"]

FX_PAIR = "DEXCHUS_USDCNY"


class MissingData(NotFoundError):
    """The data a check needs are not in the store; ``what`` names series and dates."""

    def __init__(self, *what: str) -> None:
        self.what = tuple(what)
        super().__init__("missing: " + "; ".join(what))


@dataclasses.dataclass(frozen=True)
class Computed:
    """A check's answer: value (claim unit), sources used, and an optional note."""

    value: Any
    source: tuple[str, ...]
    note: str = ""
    detail: Mapping[str, Any] = dataclasses.field(default_factory=dict)


def _d(x: Any) -> str:
    return pd.Timestamp(x).date().isoformat()


class ClaimData:
    """Read-only access to a :class:`~bubblewatch.data.store.Store` for the checks.

    Every reader raises :class:`MissingData` (naming the series and the dates needed) when
    the store lacks what is asked; results are cached per run.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[tuple[str, str], Any] = {}

    def _get(self, kind: str, name: str, fn: Callable[[], Any]) -> Any:
        key = (kind, name)
        if key not in self._cache:
            try:
                self._cache[key] = fn()
            except NotFoundError:
                self._cache[key] = None
        return self._cache[key]

    def prices(self, symbol: str, need: tuple[Any, ...] = ()) -> pd.DataFrame:
        df = self._get("prices", symbol, lambda: self.store.prices(symbol))
        if df is None:
            span = f", {_d(need[0])}..{_d(need[-1])}" if need else ""
            raise MissingData(f"{symbol} daily prices{span}")
        for d in need:
            ts = pd.Timestamp(d)
            if ts < df.index[0] or ts > df.index[-1]:
                raise MissingData(
                    f"{symbol} prices on {_d(ts)} (the store has {_d(df.index[0])}..{_d(df.index[-1])})"
                )
        return df

    def macro(self, series: str, need: tuple[Any, ...] = ()) -> pd.Series:
        s = self._get("macro", series, lambda: self.store.macro(series))
        if s is None:
            span = f", {_d(need[0])}..{_d(need[-1])}" if need else ""
            raise MissingData(f"{series} (macro series){span}")
        for d in need:
            ts = pd.Timestamp(d)
            if ts < s.index[0] or ts > s.index[-1]:
                raise MissingData(
                    f"{series} on {_d(ts)} (the store has {_d(s.index[0])}..{_d(s.index[-1])})"
                )
        return s

    def fx(self, pair: str = FX_PAIR) -> pd.Series:
        s = self._get("fx", pair, lambda: self.store.fx(pair))
        if s is None:
            raise MissingData(f"{pair} (CNY per USD)")
        return s

    def shares(self, symbol: str) -> pd.Series:
        s = self._get("shares", symbol, lambda: self.store.shares_outstanding(symbol))
        if s is None:
            raise MissingData(f"{symbol} shares outstanding")
        return s

    def fundamentals(self, symbol: str, metric: str) -> pd.DataFrame:
        df = self._get(
            "fund", f"{symbol}:{metric}", lambda: self.store.fundamentals(symbol, metric)
        )
        if df is None:
            raise MissingData(f"{symbol} fundamentals '{metric}'")
        return df

    def holdings_dates(self, index: str) -> list[pd.Timestamp]:
        return self._get("hdates", index, lambda: self.store.holdings_dates(index)) or []

    def holdings(self, index: str, as_of: pd.Timestamp) -> pd.DataFrame:
        return self.store.holdings(index, _d(as_of))


Check = Callable[[Mapping[str, Any], ClaimData], Computed]
CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    """Register a check function under ``name`` (the claim file's ``check`` field)."""

    def deco(fn: Check) -> Check:
        CHECKS[name] = fn
        return fn

    return deco


# --------------------------------------------------------------------------- helpers
def _window(p: Mapping[str, Any]) -> tuple[pd.Timestamp, pd.Timestamp]:
    if "start" in p and "end" in p:
        return pd.Timestamp(p["start"]), pd.Timestamp(p["end"])
    w = str(p.get("window", ""))
    if ".." not in w:
        raise BubblewatchError(f"claim needs a window 'START..END' or start/end params; got {w!r}")
    a, b = w.split("..")
    return pd.Timestamp(a), pd.Timestamp(b)


def _event(p: Mapping[str, Any], data: ClaimData, *, shares: bool = False, fx: bool = False) -> Any:
    from bubblewatch.market.events import market_event

    sym = p["symbol"]
    date = pd.Timestamp(p["date"])
    px = data.prices(sym, (date,))
    if date not in px.index:
        raise MissingData(f"{sym} has no session on {_d(date)}")
    if px.index.get_loc(date) == 0:
        raise MissingData(f"{sym} prices before {_d(date)} (the previous close)")
    sh = data.shares(sym) if shares else None
    usdcny = data.fx() if fx else None
    try:
        return market_event(px, date, shares=sh, usdcny=usdcny, symbol=sym)
    except NotFoundError as exc:
        raise MissingData(str(exc)) from exc
    except BubblewatchError as exc:  # e.g. FX not covering the date
        raise MissingData(str(exc)) from exc


def _src_prices(sym: str, a: Any, b: Any) -> str:
    return f"{sym} close {_d(a)}..{_d(b)}"


def _shares_src(sym: str, sh: pd.Series, date: Any) -> str:
    s = sh[sh.index <= pd.Timestamp(date)]
    when = _d(s.index[-1]) if len(s) else "n/a"
    return f"{sym} shares outstanding (report of {when}, split-adjusted)"


# --------------------------------------------------------------------------- market checks
@register("daily_return")
def daily_return(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """One-session close-to-close return, percent."""
    ev = _event(p, data)
    return Computed(ev.ret * 100, (_src_prices(p["symbol"], ev.previous_date, ev.date),))


@register("min_daily_return")
def min_daily_return(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """The lowest one-session return among ``symbols`` on the date, percent."""
    vals, src = {}, []
    for s in p["symbols"]:
        ev = _event({**p, "symbol": s}, data)
        vals[s] = ev.ret * 100
        src.append(_src_prices(s, ev.previous_date, ev.date))
    worst = min(vals, key=lambda k: vals[k])
    note = ", ".join(f"{k} {v:+.2f}%" for k, v in vals.items())
    return Computed(vals[worst], tuple(src), note=note, detail=vals)


def _mv_change(p: Mapping[str, Any], data: ClaimData) -> tuple[float, tuple[str, ...], Any]:
    cny = str(p.get("currency", "USD")).upper() == "CNY"
    ev = _event(p, data, shares=True, fx=cny)
    if ev.market_value_change_usd is None:
        raise MissingData(
            f"{p['symbol']} shares outstanding on {_d(ev.previous_date)}..{_d(ev.date)}"
        )
    src = [
        _src_prices(p["symbol"], ev.previous_date, ev.date),
        _shares_src(p["symbol"], data.shares(p["symbol"]), ev.date),
    ]
    if cny:
        src.append(f"{FX_PAIR} {_d(ev.usdcny_date)} ({ev.usdcny:.4f} CNY/USD)")
        return ev.market_value_change_cny / 1e12, tuple(src), ev
    return ev.market_value_change_usd / 1e12, tuple(src), ev


@register("market_value_change")
def market_value_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Change in market value on the date, trillions of the claim's currency."""
    v, src, ev = _mv_change(p, data)
    return Computed(v, src, note=f"return {ev.ret * 100:+.2f}%")


@register("market_value_loss")
def market_value_loss(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Market-value loss on the date as a positive number, trillions."""
    v, src, ev = _mv_change(p, data)
    return Computed(-v, src, note=f"return {ev.ret * 100:+.2f}%")


def _daily(
    p: Mapping[str, Any], data: ClaimData, start: Any, end: Any, *, fx: bool = False
) -> pd.DataFrame:
    from bubblewatch.market.events import daily_metrics

    sym = p["symbol"]
    px = data.prices(sym, (start, end))
    return daily_metrics(px, data.shares(sym), data.fx() if fx else None)


@register("count_large_losses")
def count_large_losses(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Sessions in the window whose market-value loss exceeds ``threshold_t`` trillion (CNY)."""
    a, b = _window(p)
    m = _daily(p, data, a, b, fx=True)
    w = m[(m.index >= a) & (m.index <= b)]
    col = (
        "market_value_change_cny"
        if str(p.get("currency", "CNY")).upper() == "CNY"
        else "market_value_change_usd"
    )
    if w[col].isna().all():
        raise MissingData(f"{FX_PAIR} over {_d(a)}..{_d(b)}")
    hits = w[-w[col] > float(p["threshold_t"]) * 1e12]
    note = ", ".join(f"{_d(d)} {v / 1e12:+.2f}T" for d, v in hits[col].items())
    return Computed(
        len(hits),
        (
            _src_prices(p["symbol"], a, b),
            f"{p['symbol']} shares outstanding",
            f"{FX_PAIR} {_d(a)}..{_d(b)}",
        ),
        note=f"sessions: {note}",
    )


@register("first_close_above")
def first_close_above_check(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """First session at or above ``threshold_t`` trillion USD of market value (a date)."""
    from bubblewatch.market.events import first_close_above

    sym = p["symbol"]
    px = data.prices(sym, (p["start"],))
    when = first_close_above(
        px, data.shares(sym), float(p["threshold_t"]) * 1e12, start=p.get("start")
    )
    if when is None:
        return Computed(
            None,
            (_src_prices(sym, p["start"], px.index[-1]),),
            note="never at or above the threshold",
        )
    return Computed(
        _d(when), (_src_prices(sym, p["start"], when), _shares_src(sym, data.shares(sym), when))
    )


@register("first_close_below_after_above")
def first_close_below_after_above(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """First session below the threshold after the first close above it (a date)."""
    from bubblewatch.market.events import market_value

    sym = p["symbol"]
    px = data.prices(sym, (p["start"],))
    mv = market_value(px, data.shares(sym))
    mv = mv[mv.index >= pd.Timestamp(p["start"])]
    thr = float(p["threshold_t"]) * 1e12
    above = mv[mv >= thr]
    if above.empty:
        return Computed(
            None, (_src_prices(sym, p["start"], px.index[-1]),), note="never above the threshold"
        )
    after = mv[(mv.index > above.index[0]) & (mv < thr)]
    if after.empty:
        return Computed(
            None, (_src_prices(sym, above.index[0], px.index[-1]),), note="never back below"
        )
    when = after.index[0]
    return Computed(
        _d(when),
        (_src_prices(sym, above.index[0], when), _shares_src(sym, data.shares(sym), when)),
        note=f"first above on {_d(above.index[0])}; market value {mv[when] / 1e12:.3f}T on {_d(when)}",
    )


@register("rank_in_year")
def rank_in_year(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Rank of the session's fall among the year's one-day returns to date (1 = largest fall)."""
    from bubblewatch.market.events import daily_metrics

    ev = _event(p, data)
    y = ev.date.year
    sym = p["symbol"]
    px = data.prices(sym, (ev.date,))
    try:
        m = daily_metrics(px, data.shares(sym))
    except MissingData:
        m = daily_metrics(px)
    ytd = m[(m.index.year == y) & (m.index <= ev.date)]
    rets = ytd["return"].dropna()
    rank = int((rets < rets.loc[ev.date]).sum()) + 1
    note = f"return {ev.ret * 100:+.2f}%; {len(rets)} sessions in {y} to {_d(ev.date)}"
    if "market_value_change_usd" in ytd:
        mv = ytd["market_value_change_usd"].dropna()
        if ev.date in mv.index:
            by_value = int((mv < mv.loc[ev.date]).sum()) + 1
            note += f"; rank {by_value} by market value lost (USD {-mv.loc[ev.date] / 1e9:.0f}B)"
    return Computed(rank, (_src_prices(sym, rets.index[0], ev.date),), note=note)


@register("traded_value")
def traded_value(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Close x volume on the date, USD bn."""
    ev = _event(p, data)
    if ev.traded_value is None:
        raise MissingData(f"{p['symbol']} volume on {p['date']}")
    return Computed(
        ev.traded_value / 1e9,
        (f"{p['symbol']} close and volume {_d(ev.date)}",),
        note=f"volume {ev.volume / 1e6:.1f}M shares",
    )


@register("traded_value_change")
def traded_value_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Traded value vs the previous session, percent."""
    ev = _event(p, data)
    if ev.traded_value_change is None:
        raise MissingData(f"{p['symbol']} volume on {_d(ev.previous_date)}..{_d(ev.date)}")
    return Computed(
        ev.traded_value_change * 100,
        (f"{p['symbol']} close and volume {_d(ev.previous_date)}..{_d(ev.date)}",),
        note=f"volume change {ev.volume_change * 100:+.1f}%",
    )


@register("turnover_rate")
def turnover_rate(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Volume / shares outstanding on the date, percent."""
    ev = _event(p, data, shares=True)
    if ev.turnover_rate is None:
        raise MissingData(f"{p['symbol']} volume and shares outstanding on {p['date']}")
    return Computed(
        ev.turnover_rate * 100,
        (
            f"{p['symbol']} volume {_d(ev.date)}",
            _shares_src(p["symbol"], data.shares(p["symbol"]), ev.date),
        ),
    )


@register("turnover_rank_3m")
def turnover_rank_3m(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Rank of the day's turnover rate among the last 63 sessions (1 = highest)."""
    d = pd.Timestamp(p["date"])
    m = _daily(p, data, d - pd.Timedelta(days=100), d)
    if d not in m.index:
        raise MissingData(f"{p['symbol']} has no session on {_d(d)}")
    pos = m.index.get_loc(d)
    win = m["turnover_rate"].iloc[max(0, pos - 62) : pos + 1].dropna()
    rank = int((win > win.loc[d]).sum()) + 1
    return Computed(
        rank,
        (f"{p['symbol']} volume {_d(win.index[0])}..{_d(d)}", f"{p['symbol']} shares outstanding"),
        note=f"turnover {win.loc[d] * 100:.2f}% vs 3-month max {win.max() * 100:.2f}% on {_d(win.idxmax())}",
    )


@register("intraday_low")
def intraday_low(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Lowest intraday low over the window, in units of ``scale``."""
    a, b = _window(p)
    px = data.prices(p["symbol"], (a, b))
    w = px[(px.index >= a) & (px.index <= b)]
    low = w["low"].astype(float)
    if low.dropna().empty:
        raise MissingData(f"{p['symbol']} intraday lows {_d(a)}..{_d(b)}")
    return Computed(
        float(low.min()) / float(p.get("scale", 1)),
        (f"{p['symbol']} low {_d(a)}..{_d(b)}",),
        note=f"low {low.min():,.0f} on {_d(low.idxmin())}",
    )


@register("intraday_move")
def intraday_move(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Intraday low vs the previous close, percent."""
    ev = _event(p, data)
    px = data.prices(p["symbol"])
    low = float(px.loc[ev.date, "low"])
    return Computed(
        (low / ev.previous_close - 1) * 100,
        (f"{p['symbol']} close {_d(ev.previous_date)}, low {_d(ev.date)}",),
        note=f"close-to-close {ev.ret * 100:+.2f}%",
    )


@register("close_on")
def close_on(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Close on the date."""
    ev = _event(p, data)
    return Computed(
        ev.close, (f"{p['symbol']} close {_d(ev.date)}",), note=f"return {ev.ret * 100:+.2f}%"
    )


@register("price_change")
def price_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Close-to-close change between start and end, percent."""
    a, b = _window(p)
    px = data.prices(p["symbol"], (a, b))["close"].astype(float)
    c0 = px[px.index <= a]
    c1 = px[px.index <= b]
    if c0.empty:
        raise MissingData(f"{p['symbol']} close on or before {_d(a)}")
    return Computed(
        (c1.iloc[-1] / c0.iloc[-1] - 1) * 100,
        (_src_prices(p["symbol"], c0.index[-1], c1.index[-1]),),
        note=f"{c0.iloc[-1]:.2f} -> {c1.iloc[-1]:.2f}",
    )


@register("ytd_return")
def ytd_return(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Price return from the last close of the previous year to the date, percent."""
    d = pd.Timestamp(p["date"])
    return price_change({**p, "start": f"{d.year - 1}-12-31", "end": p["date"]}, data)


@register("drawdown")
def drawdown(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Drawdown of the close from the all-time closing high, percent."""
    from bubblewatch.market.events import drawdown_from_peak

    d = pd.Timestamp(p["date"])
    close = data.prices(p["symbol"], (d,))["close"].astype(float)
    close = close[close.index <= d]
    dd = drawdown_from_peak(close)
    peak = close.idxmax()
    return Computed(
        float(dd.iloc[-1]) * 100,
        (_src_prices(p["symbol"], close.index[0], d),),
        note=f"peak close {close.max():.2f} on {_d(peak)}; {close.iloc[-1]:.2f} on {_d(close.index[-1])}",
    )


def _market_values_in_window(
    p: Mapping[str, Any], data: ClaimData
) -> tuple[str, pd.Timestamp, pd.Timestamp, pd.Series]:
    """Symbol, window and the closing market values (USD) of ``p["symbol"]`` in the window."""
    from bubblewatch.market.events import market_value

    a, b = _window(p)
    sym = p["symbol"]
    mv = market_value(data.prices(sym, (a,)), data.shares(sym))
    return sym, a, b, mv[(mv.index >= a) & (mv.index <= b)].dropna()


@register("max_loss_window")
def max_loss_window(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Largest market-value fall over at most ``sessions`` sessions in the window, USD bn."""
    sym, a, b, w = _market_values_in_window(p, data)
    k = int(p.get("sessions", 5))
    best, when = 0.0, (w.index[0], w.index[0])
    vals = w.to_numpy()
    for i in range(len(vals)):
        for j in range(i + 1, min(len(vals), i + k + 1)):
            if vals[i] - vals[j] > best:
                best, when = float(vals[i] - vals[j]), (w.index[i], w.index[j])
    return Computed(
        best / 1e9,
        (_src_prices(sym, a, b), f"{sym} shares outstanding"),
        note=f"from {_d(when[0])} to {_d(when[1])}",
    )


@register("max_market_value")
def max_market_value(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Highest closing market value in the window, USD trillions."""
    sym, _, _, w = _market_values_in_window(p, data)
    return Computed(
        float(w.max()) / 1e12,
        (_src_prices(sym, w.index[0], w.index[-1]), f"{sym} shares outstanding"),
        note=f"on {_d(w.idxmax())}",
    )


@register("group_market_value_change")
def group_market_value_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Combined market-value change of several companies on the date, USD trillions."""
    missing = []
    for s in p["symbols"]:
        try:
            data.shares(s)
        except MissingData:
            missing.append(s)
    if missing:
        raise MissingData(f"shares outstanding of {', '.join(missing)} around {p['date']}")
    total, src = 0.0, list[str]()
    for s in p["symbols"]:
        v, srcs, _ = _mv_change({**p, "symbol": s, "currency": "USD"}, data)
        total += v
        src.extend(srcs)
    return Computed(total, tuple(src))


@register("share_of_outstanding")
def share_of_outstanding(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """``shares`` as a percentage of the shares outstanding on the date."""
    sh = data.shares(p["symbol"])
    s = sh[sh.index <= pd.Timestamp(p["date"])]
    if s.empty:
        raise MissingData(f"{p['symbol']} shares outstanding on or before {p['date']}")
    return Computed(
        float(p["shares"]) / float(s.iloc[-1]) * 100, (_shares_src(p["symbol"], sh, p["date"]),)
    )


# --------------------------------------------------------------------------- valuation checks
def _trailing_eps(p: Mapping[str, Any], data: ClaimData, d: pd.Timestamp) -> tuple[float, str]:
    sym = p["symbol"]
    try:
        f = data.fundamentals(sym, "eps")
    except MissingData:
        raise MissingData(
            f"{sym} quarterly EPS (fundamentals 'eps'), four quarters to {_d(d)}"
        ) from None
    f = f[f["period_end"] <= d].sort_values("period_end").tail(4)
    if len(f) < 4:
        raise MissingData(f"{sym} quarterly EPS, four quarters to {_d(d)} (have {len(f)})")
    return float(
        f["value"].sum()
    ), f"{sym} EPS {_d(f['period_end'].iloc[0])}..{_d(f['period_end'].iloc[-1])}"


@register("pe_ratio")
def pe_ratio(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Close / trailing four-quarter EPS."""
    d = pd.Timestamp(p["date"])
    eps, src = _trailing_eps(p, data, d)
    ev = _event(p, data)
    if eps <= 0:
        return Computed(None, (src,), note="trailing EPS not positive")
    return Computed(ev.close / eps, (f"{p['symbol']} close {_d(ev.date)}", src))


@register("fundamental")
def fundamental(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """A reported fundamental for the period ending on ``period_end``, scaled."""
    sym, metric, pe = p["symbol"], p["metric"], pd.Timestamp(p["period_end"])
    try:
        f = data.fundamentals(sym, metric)
    except MissingData:
        raise MissingData(
            f"{sym} {metric} (fundamentals) for the quarter ending {_d(pe)}"
        ) from None
    row = f[(f["period_end"] - pe).abs() <= pd.Timedelta(days=10)]
    if row.empty:
        raise MissingData(f"{sym} {metric} for the quarter ending {_d(pe)}")
    return Computed(
        float(row["value"].iloc[-1]) * float(p.get("scale", 1)),
        (f"{sym} {metric} {_d(row['period_end'].iloc[-1])}",),
    )


@register("fundamental_growth")
def fundamental_growth(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Year-on-year growth of a reported quarterly fundamental, percent."""
    now = fundamental(p, data)
    prev_end = pd.Timestamp(p["period_end"]) - pd.DateOffset(years=1)
    before = fundamental({**p, "period_end": _d(prev_end)}, data)
    return Computed((now.value / before.value - 1) * 100, now.source + before.source)


def _holdings_at(p: Mapping[str, Any], data: ClaimData) -> tuple[pd.Timestamp, pd.DataFrame]:
    d = pd.Timestamp(p["date"])
    idx = p.get("index", "SPY")
    dates = [x for x in data.holdings_dates(idx) if x <= d]
    lag = int(p.get("max_lag_days", 92))
    if not dates or (d - dates[-1]).days > lag:
        have = ", ".join(_d(x) for x in data.holdings_dates(idx)) or "none"
        raise MissingData(f"{idx} holdings within {lag} days before {_d(d)} (available: {have})")
    return dates[-1], data.holdings(idx, dates[-1])


@register("holdings_top_weight")
def holdings_top_weight(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Weight of the ``top_n`` largest companies in the latest holdings on or before the date."""
    from bubblewatch.valuation.concentration import concentration

    when, h = _holdings_at(p, data)
    r = concentration(h, top_n=int(p.get("top_n", 10)), as_of=when)
    line = concentration(h, top_n=int(p.get("top_n", 10)), as_of=when, by="line")
    return Computed(
        r.top_weight,
        (f"{p.get('index', 'SPY')} holdings {_d(when)}",),
        note=f"{r.rule}; {line.top_weight:.2f}% counting share lines separately",
        detail={"holdings_date": _d(when)},
    )


@register("holdings_group_weight")
def holdings_group_weight(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Weight of a named group (default the Magnificent 7) in the latest holdings on or before the date."""
    from bubblewatch.valuation.concentration import MAGNIFICENT_7, concentration

    when, h = _holdings_at(p, data)
    members = tuple(p.get("symbols", MAGNIFICENT_7))
    r = concentration(h, groups={"group": members}, as_of=when)
    return Computed(
        r.group_weight["group"],
        (f"{p.get('index', 'SPY')} holdings {_d(when)}",),
        note=f"members {', '.join(r.group_members['group'])}; {r.rule}",
        detail={"holdings_date": _d(when)},
    )


@register("decomposition")
def decomposition(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """A component of the Shiller return decomposition over the window, percent a year."""
    from bubblewatch.valuation.decomposition import return_decomposition

    a, b = _window(p)
    P = data.macro(p.get("price", "SHILLER_P"), (a, b))
    E = data.macro(p.get("earnings", "SHILLER_E"), (a, b))
    D = data.macro(p.get("dividends", "SHILLER_D"), (a, b))
    r = return_decomposition(P, E, D, start=a, end=b, source="Shiller monthly P, E, D")
    comp = p["component"]
    note = (
        f"total {r.total_return:.2f} = earnings {r.earnings_growth:.2f} + P/E {r.pe_change:.2f} "
        f"+ dividends {r.dividend_yield:.2f} + interaction {r.interaction:.2f} (% a year)"
    )
    return Computed(
        float(getattr(r, comp)),
        (f"SHILLER_P, SHILLER_E, SHILLER_D {_d(r.start)}..{_d(r.end)}",),
        note=note,
        detail=r.to_dict(),
    )


# --------------------------------------------------------------------------- macro checks
def _macro_at(series: pd.Series, d: pd.Timestamp, name: str) -> tuple[pd.Timestamp, float]:
    s = series[series.index <= d]
    if s.empty or (d - s.index[-1]).days > 100:
        raise MissingData(f"{name} on {_d(d)}")
    return s.index[-1], float(s.iloc[-1])


@register("macro_value")
def macro_value(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """A macro series' value on the date (last observation within 100 days), scaled."""
    d = pd.Timestamp(p["date"])
    s = data.macro(p["series"], (d,))
    when, v = _macro_at(s, d, p["series"])
    return Computed(v * float(p.get("scale", 1)), (f"{p['series']} {_d(when)}",))


@register("macro_ratio")
def macro_ratio(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Ratio of two macro series on the date, times ``scale``."""
    d = pd.Timestamp(p["date"])
    n = data.macro(p["numerator"], (d,))
    m = data.macro(p["denominator"], (d,))
    wn, vn = _macro_at(n, d, p["numerator"])
    wd, vd = _macro_at(m, d, p["denominator"])
    return Computed(
        vn / vd * float(p.get("scale", 1)),
        (f"{p['numerator']} {_d(wn)}", f"{p['denominator']} {_d(wd)}"),
    )


@register("macro_max")
def macro_max(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Maximum of a macro series over the window."""
    a, b = _window(p)
    s = data.macro(p["series"], (a, b))
    w = s[(s.index >= a) & (s.index <= b)]
    return Computed(
        float(w.max()), (f"{p['series']} {_d(a)}..{_d(b)}",), note=f"on {_d(w.idxmax())}"
    )


@register("policy_rate_change")
def policy_rate_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Change of a policy-rate series between two dates, bp, divided by ``per_cuts``."""
    a, b = _window(p)
    s = data.macro(p["series"], (a, b))
    wa, va = _macro_at(s, a, p["series"])
    wb, vb = _macro_at(s, b, p["series"])
    k = float(p.get("per_cuts", 1))
    return Computed(
        (vb - va) * 100 / k, (f"{p['series']} {_d(wa)}, {_d(wb)}",), note=f"{va:.2f}% -> {vb:.2f}%"
    )


def _baseline(data: ClaimData) -> dict[str, Any]:
    """Latest r, g, pb and debt/GDP of the federal government from FRED series."""
    gdp = data.macro("GDP")
    debt = data.macro("FYGFDPUN")  # debt held by the public, USD mn
    intr = data.macro("A091RC1Q027SBEA")  # interest outlays, USD bn SAAR
    bal = data.macro("FYFSD")  # fiscal-year surplus(+)/deficit(-), USD mn
    when = min(gdp.index[-1], debt.index[-1], intr.index[-1])
    g_last4 = gdp[gdp.index <= when]
    g = float(g_last4.iloc[-1] / g_last4.iloc[-5] - 1)
    d0 = float(debt[debt.index <= when].iloc[-1] / 1000 / g_last4.iloc[-1])
    i4 = intr[intr.index <= when].tail(4).mean()
    debt4 = debt[debt.index <= when].tail(4).mean() / 1000
    r = float(i4 / debt4)
    fy = bal.index[-1]
    fy_int = intr[(intr.index > fy - pd.DateOffset(years=1)) & (intr.index <= fy)].mean()
    fy_gdp = gdp[(gdp.index > fy - pd.DateOffset(years=1)) & (gdp.index <= fy)].mean()
    pb = float((bal.iloc[-1] / 1000 + fy_int) / fy_gdp)
    return {"when": when, "d0": d0, "r": r, "g": g, "pb": pb, "fy": fy}


@register("debt_projection")
def debt_projection(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Debt held by the public / GDP at ``end_year`` with the latest r, g and pb held constant."""
    from bubblewatch.macro.debt import debt_path

    b = _baseline(data)
    path = debt_path(
        b["d0"],
        b["r"],
        b["g"],
        b["pb"],
        start_year=b["when"].year,
        end_year=int(p.get("end_year", 2034)),
    )
    return Computed(
        path.final * 100,
        (f"FYGFDPUN, GDP, A091RC1Q027SBEA to {_d(b['when'])}", f"FYFSD fiscal year {_d(b['fy'])}"),
        note=(
            f"d0 {b['d0'] * 100:.1f}%, r {b['r'] * 100:.2f}%, g {b['g'] * 100:.2f}%, "
            f"pb {b['pb'] * 100:.2f}% of GDP held constant"
        ),
        detail=path.to_dict(),
    )


@register("rate_cut_bound")
def rate_cut_bound(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Largest first-year saving of a cut: all of ``debt_series`` repricing at once, USD bn."""
    from bubblewatch.macro.interest import rate_cut_saving

    d = pd.Timestamp(p["date"])
    s = data.macro(p["debt_series"], (d,))
    when, v = _macro_at(s, d, p["debt_series"])
    rc = rate_cut_saving(
        v / 1000,
        float(p.get("cut_bp", 25)),
        repricing_share=1.0,
        stated_saving_usd_bn=float(p["stated"]),
        debt_label=p["debt_series"],
    )
    gross = data.macro("GFDEBTN")
    gw, gv = _macro_at(gross, d, "GFDEBTN")
    g_share = float(p["stated"]) / (gv / 1000 * float(p.get("cut_bp", 25)) / 1e4)
    return Computed(
        rc.full_pass_through_usd_bn,
        (f"{p['debt_series']} {_d(when)}", f"GFDEBTN {_d(gw)}"),
        note=(
            f"the stated saving needs {(rc.implied_share or 0.0) * 100:.0f}% of the debt held by the public "
            f"({g_share * 100:.0f}% of total public debt) to reprice within a year"
        ),
    )


@register("balance_sheet_change")
def balance_sheet_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Change in WALCL over ``weeks`` weeks from the first week after ``start``, USD bn."""
    a = pd.Timestamp(p["start"])
    b = a + pd.Timedelta(weeks=int(p.get("weeks", 13)))
    s = data.macro("WALCL", (a, b))
    w = s[(s.index >= a) & (s.index <= b)]
    before = s[(s.index < a) & (s.index >= a - pd.Timedelta(weeks=int(p.get("weeks", 13))))]
    note = ""
    if len(before) >= 2:
        note = f"the {len(before)} weeks before: {(before.iloc[-1] - before.iloc[0]) / 1000:+,.0f}B"
    return Computed(
        (w.iloc[-1] - w.iloc[0]) / 1000, (f"WALCL {_d(w.index[0])}..{_d(w.index[-1])}",), note=note
    )


@register("arithmetic_sum")
def arithmetic_sum(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """The sum of the stated parts (internal consistency of a sentence)."""
    return Computed(float(np.sum(p["parts"])), ("the claim's own figures",))


@register("count_falls")
def count_falls(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """How many of ``symbols`` closed lower on the date."""
    rets, src = {}, []
    for s in p["symbols"]:
        ev = _event({**p, "symbol": s}, data)
        rets[s] = ev.ret * 100
        src.append(_src_prices(s, ev.previous_date, ev.date))
    note = ", ".join(f"{k} {v:+.2f}%" for k, v in rets.items())
    return Computed(sum(v < 0 for v in rets.values()), tuple(src), note=note, detail=rets)


@register("max_daily_return")
def max_daily_return(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """The highest one-session return among ``symbols`` on the date, percent."""
    res = count_falls(p, data)
    rets = dict(res.detail)
    return Computed(max(rets.values()), res.source, note=res.note, detail=rets)


@register("below_year_high")
def below_year_high(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Largest distance (percent, <= 0) of ``symbols``' closes from their year-to-date closing highs."""
    d = pd.Timestamp(p["date"])
    dist, src = {}, []
    for s in p["symbols"]:
        c = data.prices(s, (d,))["close"].astype(float)
        ytd = c[(c.index.year == d.year) & (c.index <= d)]
        if d not in ytd.index:
            raise MissingData(f"{s} has no session on {_d(d)}")
        dist[s] = (ytd.loc[d] / ytd.max() - 1) * 100
        src.append(_src_prices(s, ytd.index[0], d))
    note = ", ".join(f"{k} {v:+.2f}% from its {d.year} high" for k, v in dist.items())
    return Computed(min(dist.values()), tuple(src), note=note, detail=dist)
