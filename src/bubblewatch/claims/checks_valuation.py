"""Claim checks on valuation: P/E, fundamentals, index holdings, return decomposition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from bubblewatch.claims.registry import (
    ClaimData,
    Computed,
    MissingData,
    _d,
    _event,
    _window,
    register,
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
