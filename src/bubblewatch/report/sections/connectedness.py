"""Report section: connectedness of the AI complex (TVP-VAR, frequency bands, quantile sweep).

Daily log returns of the AI complex's members present in the store, matched by calendar date
(no time-zone lag: Asian closes precede the US close of the same date), feed

* a TVP-VAR(1) (Minnesota prior, gamma 0.1, kappa1 = kappa2 = 0.99) with generalized FEVD at
  H = 10: the dynamic TCI with bootstrap bands and the articles' dates marked, NVDA's NET over
  time (transmitter or receiver, and when it changed), and a test of the change in the TCI
  between the month before 2025-11-20 and the month after;
* frequency connectedness of the same model (H = 100; cycles of up to a week, a week to a
  month, longer) around 2025-11-20;
* a quantile sweep (whole-sample QVAR at 19 quantiles, block-bootstrap bands): is
  connectedness higher in the left tail?

:func:`ai_complex_results` returns the result objects (the dashboard's input: each has
``to_json()`` and ``plot()``); :func:`build` renders them.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ARTICLE_DATES, ReportContext, SectionOutput, escape

__all__ = ["AI_COMPLEX", "ai_complex_results", "ai_complex_returns", "band_words", "build"]

#: (label, store symbol) of the AI complex, in the order of the tables
AI_COMPLEX: tuple[tuple[str, str], ...] = (
    ("NVDA", "NVDA"),
    ("AMD", "AMD"),
    ("AVGO", "AVGO"),
    ("MSFT", "MSFT"),
    ("ORCL", "ORCL"),
    ("TSM", "TSM"),
    ("SK Hynix", "SK_HYNIX_000660.KS"),
    ("Samsung", "SAMSUNG_005930.KS"),
    ("Tokyo Electron", "TOKYO_ELECTRON_8035.T"),
    ("SOX", "SOX"),
    ("NASDAQ", "NASDAQ_COMPOSITE"),
    ("BTC", "BTC-USD"),
)
#: the sample the section studies
START, END = "2025-01-01", "2026-12-31"
#: fewest common return dates the TVP-VAR gets; members that would cut the sample below it
#: are left out (and named)
MIN_COMMON = 150
#: the turning point the seeds describe (NVDA's post-earnings reversal, DIGEST S1-2)
PIVOT = "2025-11-20"
#: frequency bands: cycles of up to a week, a week to a month, longer (trading days)
PERIODS = (5.0, 21.0)


def ai_complex_returns(
    store: Any, *, start: str = START, end: str = END, min_common: int = MIN_COMMON
) -> tuple[pd.DataFrame, list[str]]:
    """Daily log returns of the members in the store on their common dates, and notes.

    Each member's returns are taken on its own trading days (history joined by
    :func:`bubblewatch.data.resolve.resolve_history`), then the dates all members share are
    kept. While they share fewer than ``min_common`` dates, the member binding the common span
    (the latest to start or the earliest to end, whichever frees more dates) is left out and
    named in the notes.
    """
    from bubblewatch.data.resolve import resolve_history

    notes: list[str] = []
    rets: dict[str, pd.Series] = {}
    for label, sym in AI_COMPLEX:
        try:
            close = resolve_history(store, sym).close
        except BubblewatchError as exc:
            notes.append(f"{sym} ({label}): not in the store ({exc})")
            continue
        c = close[(close.index >= pd.Timestamp(start)) & (close.index <= pd.Timestamp(end))]
        c = c[c > 0].dropna()
        r = np.log(c).diff().dropna()
        if len(r) < min_common:
            notes.append(
                f"{sym} ({label}): {len(r)} returns in {start}..{end}, fewer than {min_common}"
            )
            continue
        rets[label] = r
    while len(rets) > 2:
        df = pd.concat(rets, axis=1, join="inner")
        if len(df) >= min_common:
            return df, notes
        # the members binding the common span: the latest to start, the earliest to end
        binding = {
            max(rets, key=lambda n: rets[n].index[0]),
            min(rets, key=lambda n: rets[n].index[-1]),
        }
        gains = {
            name: len(pd.concat({n: s for n, s in rets.items() if n != name}, axis=1, join="inner"))
            for name in rets
            if name in binding
        }
        worst = max(gains, key=lambda n: gains[n])
        s = rets.pop(worst)
        notes.append(
            f"{worst}: left out - its returns run {s.index[0].date()}..{s.index[-1].date()}, "
            f"which bounds the dates the members share ({len(df)} with it, {gains[worst]} "
            f"without it; the TVP-VAR here needs {min_common})"
        )
    return pd.DataFrame(), notes


def ai_complex_results(
    store: Any, *, options: dict[str, Any] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The section's results (dashboard input) and notes on the data it lacked.

    Keys: ``"tvp_var"`` (Connectedness with bands), ``"change_test"`` (TCIChangeTest),
    ``"frequency"`` (FrequencyConnectedness), ``"sweep"`` (QuantileSweep).
    """
    from bubblewatch.market.connectedness import (
        bootstrap_bands,
        connectedness,
        frequency_connectedness,
        partition_from_periods,
        quantile_sweep,
    )

    opts = dict(options or {})
    fast = bool(opts.get("fast"))
    n_boot = int(opts.get("connectedness_boot", 20 if fast else 100))
    df, notes = ai_complex_returns(
        store, min_common=int(opts.get("connectedness_min_common", MIN_COMMON))
    )
    out: dict[str, Any] = {}
    if df.empty:
        notes.append("AI complex connectedness: fewer than three members share enough dates")
        return out, notes
    tvp = connectedness(df, model="tvp-var", prior="minnesota", gamma=0.1, horizon=10)
    tvp = bootstrap_bands(tvp, n_boot=n_boot, seed=0)
    out["tvp_var"] = tvp
    pivot = pd.Timestamp(PIVOT)
    if tvp.index[0] < pivot - pd.Timedelta(days=20) and tvp.index[-1] > pivot + pd.Timedelta(
        days=20
    ):
        assert tvp.bands is not None
        month = pd.Timedelta(days=30)
        out["change_test"] = tvp.bands.change_test(
            ((pivot - month).date().isoformat(), (pivot - pd.Timedelta(days=1)).date().isoformat()),
            (PIVOT, (pivot + month).date().isoformat()),
        )
    else:
        notes.append(f"TCI change test: the sample {tvp.span()} does not surround {PIVOT}")
    assert tvp.fit is not None
    out["frequency"] = frequency_connectedness(
        tvp.fit, horizon=100, partition=partition_from_periods(PERIODS)
    )
    out["sweep"] = quantile_sweep(
        df, n_boot=int(opts.get("sweep_boot", 10 if fast else 30)), block_length=5, seed=0
    )
    return out, notes


def _net_changes(net: pd.Series) -> list[pd.Timestamp]:
    sign = np.sign(net.to_numpy())
    idx = np.flatnonzero(sign[1:] * sign[:-1] < 0) + 1
    return [net.index[i] for i in idx]


def _around(series: pd.Series, days: int = 10) -> tuple[float, float]:
    pivot = pd.Timestamp(PIVOT)
    before = series[(series.index < pivot)].tail(days)
    after = series[(series.index >= pivot)].head(days)
    return float(before.mean()), float(after.mean())


def band_words(name: str) -> str:
    """A frequency band's name (cycle lengths in trading days) in words.

    >>> band_words("2-5"), band_words("21-inf")
    ('cycles of 2 to 5 days', 'cycles longer than 21 days')
    """
    lo, _, hi = name.partition("-")
    if hi in ("inf", ""):
        return f"cycles longer than {lo} days"
    return f"cycles of {lo} to {hi} days"


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def build(ctx: ReportContext) -> SectionOutput:
    """TVP-VAR dynamic TCI with bands, NVDA's NET, frequency bands around 2025-11-20, quantiles."""
    missing: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res, notes = ai_complex_results(ctx.store, options=ctx.options)
    except BubblewatchError as exc:
        return SectionOutput(
            id="connectedness",
            title="Connectedness of the AI complex",
            missing=(f"AI complex connectedness: {exc}",),
        )
    missing.extend(notes)
    if "tvp_var" not in res:
        return SectionOutput(
            id="connectedness", title="Connectedness of the AI complex", missing=tuple(missing)
        )
    tvp = res["tvp_var"]
    b = tvp.bands
    lo, hi = b.mean_tci_interval
    marks = tuple(d for d in ARTICLE_DATES)
    figs: list[Any] = []
    fig = tvp.plot(marks=marks)
    fig.update_layout(title="AI complex: dynamic total connectedness (TVP-VAR), 90% bootstrap band")
    figs.append(fig)
    parts = [
        "<h3>Dynamic connectedness of the AI complex</h3>",
        f"<p>{escape(', '.join(tvp.names))}: daily log returns on the {len(tvp.index)} dates "
        f"all of them traded ({escape(tvp.span())}), matched by calendar date. "
        f"{escape(tvp.description)}, generalized FEVD at H = {tvp.horizon}. Mean TCI "
        f"{_pct(tvp.tci)} (90% band {_pct(lo)}-{_pct(hi)}, {b.n_boot} residual-bootstrap "
        f"replications), cTCI {_pct(tvp.ctci)}. Dotted lines: the articles' dates "
        f"{escape(', '.join(ARTICLE_DATES))}.</p>",
    ]
    dyn = tvp.dynamic["tci"]
    rows = []
    for d in ARTICLE_DATES:
        ts = pd.Timestamp(d)
        pos = dyn.index.searchsorted(ts, side="right") - 1
        if pos < 0 or ts > dyn.index[-1]:
            missing.append(f"connectedness on {d}: outside the sample {tvp.span()}")
            continue
        rows.append(
            f"<tr><td>{escape(d)}</td><td>{escape(dyn.index[pos].date())}</td>"
            f"<td>{_pct(dyn.iloc[pos])}</td><td>{_pct(b.tci_lower[pos])}-{_pct(b.tci_upper[pos])}</td>"
            + (
                f"<td>{100 * tvp.net_t[pos, 0]:+.1f}%</td>"
                if tvp.names[0] == "NVDA"
                else "<td>n/a</td>"
            )
            + "</tr>"
        )
    if rows:
        parts.append(
            "<table class='data'><thead><tr><th>article date</th><th>estimate of</th><th>TCI</th>"
            "<th>90% band</th><th>NVDA NET</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    if "change_test" in res:
        parts.append(f"<p>{escape(res['change_test'].summary())}.</p>")
    if "NVDA" in tvp.names:
        i = tvp.names.index("NVDA")
        net = pd.Series(np.asarray(tvp.net_t)[:, i], index=tvp.index)
        changes = _net_changes(net)
        share = float((net > 0).mean())
        turned = (
            f"its sign changed {len(changes)} times, last on {changes[-1].date().isoformat()}"
            if changes
            else "it never changed sign"
        )
        lo_n, hi_n = b.mean_net_interval.loc["NVDA"]
        parts.append(
            f"<p>NVDA's NET connectedness: a net transmitter on {share:.0%} of the dates "
            f"(mean {100 * float(net.mean()):+.1f}%, 90% band {100 * lo_n:+.1f}% to "
            f"{100 * hi_n:+.1f}%; last {100 * float(net.iloc[-1]):+.1f}%: "
            f"{'transmitter' if net.iloc[-1] > 0 else 'receiver'}); {escape(turned)}.</p>"
        )
        nf = tvp.plot_net(names=("NVDA",), marks=marks)
        nl, nh = b.net_lower[:, i] * 100, b.net_upper[:, i] * 100
        import plotly.graph_objects as go

        nf.add_trace(go.Scatter(x=tvp.index, y=nh, line={"width": 0}, showlegend=False))
        nf.add_trace(
            go.Scatter(x=tvp.index, y=nl, fill="tonexty", line={"width": 0}, name="90% band")
        )
        nf.update_layout(title="NVDA's NET connectedness (>0: transmitter), 90% band")
        figs.append(nf)
    else:
        missing.append("NVDA returns (its NET over time)")
    f = res["frequency"]
    by = f.tci_by_band
    cells = []
    for name in f.band_names:
        bef, aft = _around(by[name])
        cells.append(
            f"<tr><td>{escape(band_words(name))}</td><td>{_pct(bef)}</td><td>{_pct(aft)}</td>"
            f"<td>{100 * (aft - bef):+.1f} pts</td></tr>"
        )
    parts.append(
        "<h3>Short- vs long-run spillovers around 2025-11-20</h3>"
        f"<p>Frequency connectedness (Baruník-Křehlík) of the same TVP-VAR, H = {f.horizon}: "
        "the TCI split by the cycle length of the shocks (absolute: the bands add up to the "
        "TCI). Mean over the 10 sessions before and from 2025-11-20:</p>"
        "<table class='data'><thead><tr><th>band</th><th>before</th><th>from 11-20</th>"
        "<th>change</th></tr></thead><tbody>" + "".join(cells) + "</tbody></table>"
    )
    ffig = f.plot(marks=marks)
    for trace in ffig.data:  # legend in words: "cycles longer than 21 days", never "21-inf"
        trace.name = band_words(str(trace.name).removeprefix("cycles "))
    figs.append(ffig)
    s = res["sweep"]
    tails = s.tails()
    iv = s.tci_interval
    taus = np.asarray(s.taus)
    verdict = ""
    if iv is not None:
        left, med, right = (iv[int(np.argmin(np.abs(taus - q)))] for q in (0.05, 0.5, 0.95))
        if left[0] > med[1]:
            verdict = (
                " The 5% quantile's band lies above the median's: connectedness is higher in "
                "the left tail (crash days) than in calm markets"
            )
        else:
            verdict = " The bands of the 5% quantile and of the median overlap"
        if left[0] > right[1]:
            verdict += ", and higher than in the right tail."
        elif right[0] > left[1]:
            verdict += "; the right tail (rallies) is higher still."
        else:
            verdict += "; the two tails' bands overlap (tail connectedness, not an asymmetry)."
    parts.append(
        "<h3>Quantile connectedness</h3>"
        f"<p>QVAR(1) on the whole sample at {len(s.taus)} quantiles (H = {s.horizon}; 90% "
        f"moving-block bootstrap bands): mean TCI {_pct(tails.get('left', float('nan')))} in "
        f"the left tail (tau &le; 0.10), {_pct(tails['median'])} at the median, "
        f"{_pct(tails.get('right', float('nan')))} in the right tail.{verdict}</p>"
    )
    figs.append(s.plot())
    return SectionOutput(
        id="connectedness",
        title="Connectedness of the AI complex",
        html="".join(parts),
        figures=tuple(figs),
        missing=tuple(missing),
    )
