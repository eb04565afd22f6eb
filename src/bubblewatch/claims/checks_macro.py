"""Claim checks on macro series: rates, debt projections, the Fed's balance sheet; sums of a claim's own figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.claims.registry import (
    ClaimData,
    Computed,
    MissingData,
    _d,
    _window,
    register,
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
            f"the stated saving needs {(rc.implied_share or 0.0) * 100:.0f}% of "
            f"{p['debt_series']} ({g_share * 100:.0f}% of total public debt, GFDEBTN) to reprice "
            "within a year"
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
