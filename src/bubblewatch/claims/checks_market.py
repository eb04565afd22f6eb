"""Claim checks on market data: daily moves, market value, traded value, drawdowns."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from bubblewatch.claims.registry import (
    FX_PAIR,
    ClaimData,
    Computed,
    MissingData,
    _d,
    _event,
    _shares_src,
    _src_prices,
    _window,
    register,
)


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
    from bubblewatch.market.daily import daily_metrics

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
    from bubblewatch.market.shares import first_close_above

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
    from bubblewatch.market.shares import market_value

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
    from bubblewatch.market.daily import daily_metrics

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
    from bubblewatch.market.daily import drawdown_from_peak

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
    from bubblewatch.market.shares import market_value

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
    """Combined market-value change of several companies on the date, USD trillions.

    Market value = close x shares outstanding in force. A company without a count in the
    store is valued with the diluted weighted shares of its latest quarter known on the date
    (fundamentals) and named in the note; one with neither makes the claim not checkable.
    """
    from bubblewatch.claims.checks_valuation import diluted_shares_known

    total, src, parts, stand_ins, missing = 0.0, list[str](), list[str](), list[str](), []
    for s in p["symbols"]:
        try:
            data.shares(s)
        except MissingData:
            try:
                count, label = diluted_shares_known(s, p["date"], data)
            except MissingData:
                missing.append(s)
                continue
            ev = _event({**p, "symbol": s}, data)
            v = (ev.close - ev.previous_close) * count / 1e12
            src.append(_src_prices(s, ev.previous_date, ev.date))
            stand_ins.append(f"{s} has no shares-outstanding count: {label} used")
        else:
            v, srcs, _ = _mv_change({**p, "symbol": s, "currency": "USD"}, data)
            src.extend(srcs)
        total += v
        parts.append(f"{s} {v * 1e3:+.1f}B")
    if missing:
        raise MissingData(
            f"shares outstanding of {', '.join(missing)} around {p['date']} (cover page of the "
            "latest 10-Q/10-K: dei:EntityCommonStockSharesOutstanding in SEC company facts, "
            "bubblewatch data fetch --provider sec)"
        )
    return Computed(total, tuple(src), note="; ".join(["USD " + ", ".join(parts), *stand_ins]))


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
