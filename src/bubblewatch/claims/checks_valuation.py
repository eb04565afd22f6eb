"""Claim checks on valuation: point-in-time P/E, company fundamentals and their growth, free
cash flow, index holdings, return decomposition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from bubblewatch.claims.registry import (
    ClaimData,
    Computed,
    MissingData,
    _d,
    _window,
    register,
)

# --------------------------------------------------------------------------- fundamentals checks
SEC_HINT = "SEC company facts: bubblewatch data fetch --provider sec {sym}"


def _fundamentals(sym: str, data: ClaimData, what: str) -> pd.DataFrame:
    try:
        return data.fundamentals(sym)
    except MissingData:
        raise MissingData(f"{sym} {what} ({SEC_HINT.format(sym=sym)})") from None


def _pe_methods(p: Mapping[str, Any], data: ClaimData) -> dict[str, Any]:
    """P/E of ``p['symbol']`` on the claim's date by every method (``PriceEarnings``)."""
    from bubblewatch.errors import InsufficientDataError
    from bubblewatch.valuation.earnings import METHODS, price_earnings

    sym, d = p["symbol"], pd.Timestamp(p["date"])
    f = _fundamentals(
        sym, data, f"quarterly diluted EPS with filing dates, four quarters to {_d(d)}"
    )
    close = data.prices(sym, (d,))["close"].astype(float)
    out: dict[str, Any] = {}
    for m in METHODS if p.get("method") is None else (p["method"],):
        try:
            out[m] = price_earnings(f, close, d, method=m, symbol=sym)
        except InsufficientDataError as exc:
            if m == "trailing" or p.get("method"):
                raise MissingData(f"{exc} ({SEC_HINT.format(sym=sym)})") from None
    return out


@register("pe_ratio")
def pe_ratio(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Point-in-time P/E on the date (quarters counted from their filing dates).

    With ``method`` in the params that method; otherwise every method (trailing, dynamic,
    run rate) is computed and the one closest to the stated figure is the value, the note
    naming it, the distance and the others.
    """
    res = _pe_methods(p, data)
    ok = {m: r for m, r in res.items() if r.pe == r.pe}
    if not ok:
        r = next(iter(res.values()))
        return Computed(None, (f"{r.symbol} EPS {', '.join(r.quarters)}",), note=r.note)
    stated = p.get("stated")
    best = (
        min(ok, key=lambda m: abs(ok[m].pe - float(stated)))
        if isinstance(stated, int | float) and p.get("method") is None
        else next(iter(ok))
    )
    r = ok[best]
    others = "; ".join(f"{m} {v.pe:.1f} (EPS {v.eps:.2f})" for m, v in ok.items() if m != best)
    how = (
        f"closest method: {best} ({r.basis.definition}) = {r.pe:.2f}, "
        f"{r.pe - float(stated):+.2f} from the stated {float(stated):g}"
        if isinstance(stated, int | float)
        else f"{best} ({r.basis.definition})"
    )
    note = (
        f"{how}; {others + '; ' if others else ''}close {r.price:.2f} on {_d(r.price_date)}; "
        f"EPS quarters {', '.join(r.quarters)} ({'; '.join(r.rules)})"
    )
    return Computed(
        r.pe,
        (f"{r.symbol} close {_d(r.price_date)}", f"{r.symbol} diluted EPS {', '.join(r.quarters)}"),
        note=note,
        detail={m: v.to_dict() for m, v in ok.items()},
    )


def _quarter_source(sym: str, metric: str, row: pd.Series) -> str:
    filed = row.get("filed")
    when = f"; {row.get('form') or 'report'} filed {_d(filed)}" if pd.notna(filed) else ""
    fp = f"{row['fiscal_period']} " if isinstance(row.get("fiscal_period"), str) else ""
    return f"{sym} {metric} {fp}(ended {_d(row['period_end'])}{when})"


@register("fundamental")
def fundamental(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """A reported fundamental for the period ending on ``period_end``, scaled."""
    sym, metric, pe = p["symbol"], p["metric"], pd.Timestamp(p["period_end"])
    f = _fundamentals(sym, data, f"{metric} for the quarter ending {_d(pe)}")
    f = f[f["metric"] == metric]
    row = f[(f["period_end"] - pe).abs() <= pd.Timedelta(days=10)]
    if row.empty:
        raise MissingData(
            f"{sym} {metric} for the quarter ending {_d(pe)} ({SEC_HINT.format(sym=sym)})"
        )
    r = row.iloc[-1]
    return Computed(
        float(r["value"]) * float(p.get("scale", 1)), (_quarter_source(sym, metric, r),)
    )


@register("fundamental_growth")
def fundamental_growth(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Year-on-year growth of a reported quarterly fundamental, percent."""
    from bubblewatch.errors import InsufficientDataError
    from bubblewatch.valuation.quarters import year_on_year

    sym, metric = p["symbol"], p["metric"]
    f = _fundamentals(
        sym, data, f"{metric}, the quarter ending {p['period_end']} and a year earlier"
    )
    try:
        y = year_on_year(f, metric, p["period_end"])
    except InsufficientDataError as exc:
        raise MissingData(f"{sym} {exc} ({SEC_HINT.format(sym=sym)})") from None
    rows = f[f["metric"] == metric]

    def row(end: pd.Timestamp) -> pd.Series:
        return rows[rows["period_end"] == end].iloc[-1]

    return Computed(
        y.growth * 100,
        (
            _quarter_source(sym, metric, row(y.period_end)),
            _quarter_source(sym, metric, row(y.prior_period_end)),
        ),
        note=f"{y.fiscal_period or _d(y.period_end)} {y.value / 1e9:,.3f}B vs "
        f"{y.prior_fiscal_period or _d(y.prior_period_end)} {y.prior_value / 1e9:,.3f}B",
    )


def diluted_shares_known(sym: str, date: Any, data: ClaimData) -> tuple[float, str]:
    """The diluted weighted shares of the latest quarter known on ``date`` and their label
    (a stand-in for a missing shares-outstanding count)."""
    from bubblewatch.errors import InsufficientDataError
    from bubblewatch.valuation.earnings import annual_figure

    f = _fundamentals(sym, data, "diluted weighted shares")
    try:
        b = annual_figure(f, date, method="run_rate", metric="shares_diluted_weighted", symbol=sym)
    except InsufficientDataError as exc:
        raise MissingData(f"{sym} shares outstanding around {_d(date)} ({exc})") from None
    return b.quarter_values[-1], (
        f"diluted weighted shares of {b.quarters[-1]} ({b.quarter_values[-1] / 1e9:.3f}B, "
        f"counted from {b.rules[-1]})"
    )


def _fcf_definitions(group: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Free-cash-flow changes of the group under the definitions tried for S2-4 (fractions)."""
    from bubblewatch.valuation.cashflow import free_cash_flow

    tot = free_cash_flow(group, start="2024Q1", end="2025Q2").totals
    fcf = tot["free_cash_flow"].where(tot["complete"])

    def q(*qs: str) -> float:
        return float(sum(fcf[x] for x in qs))

    defs = {
        "2024Q4 -> 2025Q2, quarter against quarter": q("2025Q2") / q("2024Q4") - 1,
        "H2 2024 -> H1 2025 (two quarters each)": q("2025Q1", "2025Q2") / q("2024Q3", "2024Q4") - 1,
        "2025Q2 against 2024Q2 (year on year)": q("2025Q2") / q("2024Q2") - 1,
        "four quarters to 2024Q4 -> four quarters to 2025Q2": (
            q("2024Q3", "2024Q4", "2025Q1", "2025Q2") / q("2024Q1", "2024Q2", "2024Q3", "2024Q4")
            - 1
        ),
    }
    cloud: dict[str, pd.DataFrame] = {
        s: group[s] for s in ("MSFT", "GOOGL", "AMZN", "META") if s in group
    }
    if len(cloud) == 4:
        c = free_cash_flow(cloud, quarters=["2024Q4", "2025Q2"])
        defs["2024Q4 -> 2025Q2, the four cloud spenders only (MSFT, GOOGL, AMZN, META)"] = c.change
    return {k: v for k, v in defs.items() if v == v}


@register("group_fcf_change")
def group_fcf_change(p: Mapping[str, Any], data: ClaimData) -> Computed:
    """Change of a group's free cash flow (operating cash flow - capex), percent.

    Quarters pair by calendar quarter (period end nearest the quarter's end). Several
    definitions of the change are tried; the value is the one closest to the stated figure,
    and the note lists every definition with its result and the pairing of the quarters.
    """
    from bubblewatch.valuation.cashflow import free_cash_flow

    syms = list(p["symbols"])
    group = {
        s: _fundamentals(s, data, "quarterly operating cash flow and capex, 2024Q1-2025Q2")
        for s in syms
    }
    base = free_cash_flow(group, quarters=["2024Q4", "2025Q2"])
    missing = [f"{q}: {r['missing']}" for q, r in base.totals.iterrows() if not r["complete"]]
    if missing:
        raise MissingData(
            f"operating cash flow and capex of {'; '.join(missing)} ({SEC_HINT.format(sym='...')})"
        )
    defs = _fcf_definitions(group)
    stated = float(p["stated"]) / 100
    best = min(defs, key=lambda k: abs(defs[k] - stated))
    tot = base.totals["free_cash_flow"]
    tried = "; ".join(f"{k}: {v * 100:+.1f}%" for k, v in defs.items())
    none = (
        f"no definition gives {float(p['stated']):g}%; "
        if abs(defs[best] - stated) > float(p.get("tolerance_points", 5)) / 100
        else ""
    )
    return Computed(
        defs[best] * 100,
        tuple(f"{s} operating cash flow and capex 2024Q1-2025Q2" for s in syms),
        note=(
            f"closest definition: {best}; FCF USD {tot['2024Q4'] / 1e9:.2f}B (2024Q4) -> "
            f"USD {tot['2025Q2'] / 1e9:.2f}B (2025Q2); {none}definitions tried: {tried}; "
            f"pairing 2024Q4: {base.pairing['2024Q4']}; 2025Q2: {base.pairing['2025Q2']}"
        ),
        detail={"definitions": defs},
    )


def _holdings_at(p: Mapping[str, Any], data: ClaimData) -> tuple[pd.Timestamp, pd.DataFrame]:
    d = pd.Timestamp(p["date"])
    idx = p.get("index", "SPY")
    dates = [x for x in data.holdings_dates(idx) if x <= d]
    lag = int(p.get("max_lag_days", 92))
    if not dates or (d - dates[-1]).days > lag:
        have = ", ".join(_d(x) for x in data.holdings_dates(idx)) or "none"
        raise MissingData(
            f"{idx} holdings within {lag} days before {_d(d)} (available: {have}; earlier "
            "snapshots: SSGA's SPY holdings files or S&P Dow Jones Indices constituent weights)"
        )
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
