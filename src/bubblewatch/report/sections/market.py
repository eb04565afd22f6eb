"""Report section: market shocks on the source articles' dates, cross-market reactions, spillovers."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ARTICLE_DATES, ReportContext, SectionOutput, escape
from bubblewatch.series import USDCNY_SERIES

__all__ = ["REACTION_UNIVERSE", "SPILLOVER_SET", "build"]

#: the event symbol of the shock panel (the articles' subject)
EVENT_SYMBOL = "NVDA"
#: members of the reaction heat map (those present in the store are used)
REACTION_UNIVERSE: tuple[str, ...] = (
    "INTC",
    "AVGO",
    "AMD",
    "TSM",
    "MU",
    "SOX_2025_2026",
    "NASDAQ_COMPOSITE_2025_2026",
    "KOSPI",
    "SK_HYNIX_000660.KS",
    "SAMSUNG_005930.KS",
    "NIKKEI225",
    "ADVANTEST_6857.T",
    "TOKYO_ELECTRON_8035.T",
    "TAIEX",
    "HANG_SENG",
    "SSE_COMPOSITE",
    "ZHONGJI_INNOLIGHT_300308.SZ",
    "EOPTOLINK_300502.SZ",
    "TIANFU_COMM_300394.SZ",
    "BTC-USD",
    "GOLD_GC=F",
    "WTI_CL=F",
)
#: series of the spillover table (daily log returns, common dates)
SPILLOVER_SET: tuple[str, ...] = (
    "NVDA",
    "SOX_2025_2026",
    "KOSPI",
    "GOLD_GC=F",
    "WTI_CL=F",
    "BTC-USD",
)


def _pct(x: Any, digits: int = 2) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "n/a"
    return "n/a" if not np.isfinite(f) else f"{100 * f:+.{digits}f}%"


def _money(x: Any, cur: str) -> str:
    try:
        f = float(x)
    except (TypeError, ValueError):
        return "n/a"
    if not np.isfinite(f):
        return "n/a"
    return f"{cur} {f / 1e12:+.3f}T" if abs(f) >= 1e12 else f"{cur} {f / 1e9:+,.1f}B"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    h = "".join(f"<th>{escape(c)}</th>" for c in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="data"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def _shock_panel(ctx: ReportContext, missing: list[str]) -> tuple[str, list[Any]]:
    from bubblewatch.market.event import market_event

    st = ctx.store
    try:
        prices = st.prices(EVENT_SYMBOL)
    except BubblewatchError:
        missing.append(f"{EVENT_SYMBOL} prices (shock panel)")
        return "", []
    try:
        shares = st.shares_outstanding(EVENT_SYMBOL)
    except BubblewatchError:
        shares = None
        missing.append(f"{EVENT_SYMBOL} shares outstanding (market value)")
    try:
        fx = st.fx(USDCNY_SERIES)
    except BubblewatchError:
        fx = None
        missing.append(f"{USDCNY_SERIES} (CNY figures)")
    rows, events = [], []
    for d in ARTICLE_DATES:
        ts = pd.Timestamp(d)
        if ts not in prices.index:
            missing.append(f"{EVENT_SYMBOL} session {d}")
            continue
        use_fx = (
            fx
            if fx is not None and fx.index.min() <= ts <= fx.index.max() + pd.Timedelta(days=5)
            else None
        )
        try:
            ev = market_event(prices, ts, shares=shares, usdcny=use_fx, symbol=EVENT_SYMBOL)
        except BubblewatchError as exc:
            missing.append(f"{EVENT_SYMBOL} {d}: {exc}")
            continue
        events.append(ev)
        rows.append(
            [
                d,
                _pct(ev.ret),
                f"{ev.close:,.2f}",
                "n/a" if ev.market_value_usd is None else f"USD {ev.market_value_usd / 1e12:.3f}T",
                _money(ev.market_value_change_usd, "USD"),
                _money(ev.market_value_change_cny, "CNY"),
                "undefined"
                if ev.rank_in_year is None
                else f"{ev.rank_in_year} of {ev.moves_in_year}",
                "undefined" if ev.moves_as_large_10y is None else str(ev.moves_as_large_10y),
                _pct(ev.volume_change, 1),
                _pct(ev.traded_value_change, 1),
                "n/a" if ev.turnover_rate is None else f"{100 * ev.turnover_rate:.2f}%",
                "yes" if ev.panic else ("no" if ev.panic is not None else "n/a"),
                _pct(ev.drawdown, 1),
            ]
        )
    if not rows:
        return "", []
    html = (
        f"<h3>Shock panel: {escape(EVENT_SYMBOL)} on the articles' dates</h3>"
        + _table(
            [
                "date",
                "return",
                "close",
                "market value",
                "change USD",
                "change CNY",
                "rank in the year to date",
                "moves as large (10 y)",
                "volume chg",
                "traded value chg",
                "turnover",
                "panic",
                "drawdown",
            ],
            rows,
        )
        + "<p class='note'>Market value = close x shares outstanding in force (split-aware); CNY at "
        "that day's DEXCHUS rate. Panic = fall of 3% or more with abnormal traded value and "
        "turnover (see docs/market.md).</p>"
    )
    import plotly.graph_objects as go

    c = prices["close"].astype(float)
    c = c[c.index >= pd.Timestamp(ARTICLE_DATES[0]) - pd.Timedelta(days=120)]
    from bubblewatch.chart_style import color

    fig = go.Figure(
        go.Scatter(
            x=c.index,
            y=c.to_numpy(),
            mode="lines",
            name=f"{EVENT_SYMBOL} close",
            line={"color": color(0)},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[e.date for e in events],
            y=[e.close for e in events],
            mode="markers",
            marker={"size": 9, "color": "crimson"},
            name="the articles' dates (that day's return)",
        )
    )
    for i, e in enumerate(events):  # labels with arrows, staggered so that they never overlap
        fig.add_annotation(
            x=e.date,
            y=e.close,
            text=f"{e.date:%b %d}: {100 * e.ret:+.2f}%",
            showarrow=True,
            arrowhead=0,
            ax=0,
            ay=-(35 + 28 * (i % 2)),  # straight up, every other label higher
            font={"size": 11, "color": "crimson"},
            bgcolor="rgba(255,255,255,0.85)",
        )
    fig.update_layout(
        title=f"{EVENT_SYMBOL} close and the articles' dates",
        yaxis_title="close (USD)",
        xaxis_title="date",
        legend={"orientation": "h", "y": -0.2},
    )
    return html, [fig]


def _reaction_heatmap(ctx: ReportContext, missing: list[str]) -> tuple[str, list[Any]]:
    from bubblewatch.market.contagion import reaction_table

    st = ctx.store
    names = list(ctx.options.get("reaction_universe", REACTION_UNIVERSE))
    universe: dict[str, pd.Series] = {}
    for s in [EVENT_SYMBOL, *names]:
        try:
            universe[s] = st.prices(s)["close"].astype(float)
        except BubblewatchError:
            if s != EVENT_SYMBOL:
                missing.append(f"{s} prices (reaction heat map)")
    if EVENT_SYMBOL not in universe or len(universe) < 2:
        return "", []
    cols: dict[str, pd.Series] = {}
    sessions: dict[str, pd.Series] = {}
    flags: dict[str, pd.Series] = {}
    for d in ARTICLE_DATES:
        if pd.Timestamp(d) not in universe[EVENT_SYMBOL].index:
            continue
        t = reaction_table(universe, d, event_symbol=EVENT_SYMBOL)
        cols[d] = t.rows["return"]
        sessions[d] = t.rows["session"]
        flags[d] = t.rows["off_day"].astype(bool)
    if not cols:
        return "", []
    grid = pd.DataFrame(cols).reindex(list(universe))
    grid = grid.dropna(how="all")
    when = pd.DataFrame(sessions).reindex(grid.index)
    off = pd.DataFrame(flags).reindex(grid.index).fillna(False).astype(bool)
    import plotly.graph_objects as go

    z = grid.to_numpy(float) * 100
    # categorical x: one column per event session, labelled with its date (no calendar gaps)
    labels = [f"{pd.Timestamp(d):%a %Y-%m-%d}" for d in grid.columns]
    text = [
        [
            ("" if not np.isfinite(v) else f"{v:+.1f}" + (" !" if flag else ""))
            for v, flag in zip(row, frow, strict=True)
        ]
        for row, frow in zip(z, off.to_numpy(), strict=True)
    ]
    custom = [
        [
            (f"session {pd.Timestamp(s).date()}" if pd.notna(s) else "no session")
            + (" - not a trading day of its market: dates likely shifted" if flag else "")
            for s, flag in zip(srow, frow, strict=True)
        ]
        for srow, frow in zip(when.to_numpy(), off.to_numpy(), strict=True)
    ]
    from bubblewatch.chart_style import display_name

    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=[display_name(s) for s in grid.index],
            colorscale="RdBu",
            zmid=0,
            colorbar={"title": "return (%)"},
            customdata=custom,
            hovertemplate="%{y} after %{x}: %{z:.2f}%<br>%{customdata}<extra></extra>",
            text=text,
            texttemplate="%{text}",
        )
    )
    fig.update_layout(
        title=f"Reactions to {EVENT_SYMBOL}'s moves (US same session; Asia next session; crypto next UTC day)",
        xaxis={"type": "category", "title": f"{EVENT_SYMBOL} event session (US)", "side": "top"},
        yaxis={"autorange": "reversed", "title": "market (reaction session)"},
        height=max(400, 24 * len(grid) + 120),
    )
    n_off = int(off.to_numpy().sum())
    html = (
        "<h3>Cross-market reactions</h3><p class='note'>Each cell is the member's return on its "
        "reaction session to the event date: US names on the same session, Asian and European "
        "markets on their next session, crypto over the UTC day after the US close."
        + (
            f" {n_off} cell(s) marked '!' fall on a day that is not a weekday of their market: "
            "the data's dates are likely shifted, so read them with care."
            if n_off
            else " Every reaction session is a weekday of its market."
        )
        + "</p>"
    )
    return html, [fig]


def _spillovers(ctx: ReportContext, missing: list[str]) -> tuple[str, list[Any]]:
    from bubblewatch.chart_style import display_name
    from bubblewatch.market.spillover import rolling_spillover, spillover

    st = ctx.store
    series = {}
    for s in ctx.options.get("spillover_set", SPILLOVER_SET):
        try:
            series[display_name(s)] = st.prices(s)["close"].astype(float)
        except BubblewatchError:
            missing.append(f"{s} prices (spillover table)")
    if len(series) < 2:
        return "", []
    from bubblewatch.market.panel import aligned_panel

    lags, horizon = 1, 10
    window = int(ctx.options.get("spillover_window", 60))
    try:
        rets = aligned_panel(series, log_returns=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sp = spillover(rets, lags=lags, horizon=horizon)
    except BubblewatchError as exc:
        missing.append(f"spillover table: {exc}")
        return "", []
    t = sp.table()
    rows = [[str(ix), *[f"{v:.1f}" for v in r]] for ix, r in t.iterrows()]
    html = (
        f"<h3>Diebold-Yilmaz spillovers (daily log returns, {sp.start}..{sp.end})</h3>"
        + _table(["", *map(str, t.columns)], rows)
        + f"<p class='note'>Generalized FEVD (DY 2012), VAR({lags}) with intercept, H = {horizon} "
        f"(MA terms h = 0..H-1), {sp.nobs} common trading days; total spillover "
        f"{sp.total:.1f}%. Rows receive, columns transmit. Returns are matched by calendar date "
        "(no time-zone lag).</p>"
    )
    figs: list[Any] = [sp.plot()]
    if len(rets) >= window + 10:
        roll = rolling_spillover(rets, window, lags=lags, horizon=horizon)
        fig = roll.plot()
        for d in ARTICLE_DATES:
            ts = pd.Timestamp(d)
            if roll.index[0] <= ts <= roll.index[-1]:
                fig.add_vline(x=ts, line={"dash": "dot", "color": "grey"})
        figs.append(fig)
        html += f"<p>{escape(roll.summary())}</p>"
    else:
        missing.append(f"rolling spillovers: {len(rets)} common days < window {window} + 10")
    return html, figs


#: pairs of the rolling-correlation panel (the articles: gold and oil falling together, BTC-NASDAQ)
CORRELATION_PAIRS: tuple[tuple[str, str], ...] = (
    ("GOLD_GC=F", "WTI_CL=F"),
    ("GOLD_GC=F", "SP500_2025_2026"),
    ("BTC-USD", "NASDAQ_COMPOSITE_2025_2026"),
)


def _correlations(ctx: ReportContext, missing: list[str]) -> tuple[str, list[Any]]:
    from bubblewatch.market.contagion import rolling_correlation

    st = ctx.store
    window = int(ctx.options.get("correlation_window", 30))
    results = []
    for a, b in ctx.options.get("correlation_pairs", CORRELATION_PAIRS):
        try:
            sa, sb = st.prices(a)["close"], st.prices(b)["close"]
            results.append(rolling_correlation(sa, sb, window, names=[a, b]))
        except BubblewatchError as exc:
            missing.append(f"rolling correlation {a}-{b}: {exc}")
    if not results:
        return "", []
    import plotly.graph_objects as go

    from bubblewatch.chart_style import color, display_name

    fig = go.Figure()
    for i, r in enumerate(results):
        fig.add_trace(
            go.Scatter(
                x=r.correlation.index,
                y=r.correlation.to_numpy(),
                name=" vs ".join(display_name(p) for p in r.pair),
                line={"color": color(i)},
            )
        )
        for d in r.changes:
            fig.add_vline(x=d, line={"dash": "dot", "color": color(i), "width": 1})
    fig.update_layout(
        title=f"Rolling {window}-day correlations of daily log returns (dotted: regime changes)",
        yaxis={"range": [-1, 1], "title": "correlation", "dtick": 0.5},
        xaxis={"title": "last date of the window"},
        legend={"orientation": "h", "y": -0.2},
    )
    items = "".join(f"<li>{escape(r.summary())}</li>" for r in results)
    return f"<h3>Rolling correlations</h3><ul>{items}</ul>", [fig]


def build(ctx: ReportContext) -> SectionOutput:
    """Shock panel, reaction heat map, spillover table, rolling total spillover, correlations."""
    missing: list[str] = []
    parts: list[str] = []
    figures: list[Any] = []
    for part in (_shock_panel, _reaction_heatmap, _spillovers, _correlations):
        html, figs = part(ctx, missing)
        parts.append(html)
        figures.extend(figs)
    return SectionOutput(
        id="market",
        title="Market shocks and contagion",
        html="".join(parts),
        figures=tuple(figures),
        missing=tuple(missing),
    )
