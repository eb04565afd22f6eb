"""Report section "Data coverage": what the store holds and a log-scale chart of the tracked prices.

The table lists every series in the store (symbol, kind, rows, first, last, source); the
chart plots the close of each tracked symbol on a log axis (own currency, not rebased),
weekly before the last two years and daily within them, with the source articles' dates
(:data:`bubblewatch.report.context.ARTICLE_DATES`) marked as vertical lines when they fall
inside the plotted range.
"""

from __future__ import annotations

import pandas as pd

from bubblewatch.errors import NotFoundError
from bubblewatch.report.context import ARTICLE_DATES, ReportContext, SectionOutput, escape

__all__ = ["build", "coverage_figure"]

#: points older than this many days before the as-of date are thinned to weekly closes
DAILY_WINDOW_DAYS = 730


def _thin(close: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    cut = as_of - pd.Timedelta(days=DAILY_WINDOW_DAYS)
    old, recent = close[close.index < cut], close[close.index >= cut]
    if len(old) > 260:
        old = old.resample("W-FRI").last().dropna()
    return pd.concat([old, recent])


def coverage_figure(closes: dict[str, pd.Series], title: str = "Tracked prices (log scale)"):
    """A log-scale line chart of ``closes`` with the article dates marked when in range."""
    import plotly.graph_objects as go

    fig = go.Figure()
    lo, hi = None, None
    for sym, s in closes.items():
        if s.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=s.index.strftime("%Y-%m-%d"),
                y=s.to_numpy(float),
                mode="lines",
                name=sym,
                line={"width": 1.3},
                hovertemplate=f"{sym}<br>%{{x}}<br>%{{y:,.4g}}<extra></extra>",
            )
        )
        lo = s.index[0] if lo is None else min(lo, s.index[0])
        hi = s.index[-1] if hi is None else max(hi, s.index[-1])
    marked = []
    if lo is not None and hi is not None:
        for d in ARTICLE_DATES:
            ts = pd.Timestamp(d)
            if lo <= ts <= hi:
                marked.append(d)
                fig.add_shape(
                    type="line",
                    xref="x",
                    yref="paper",
                    x0=d,
                    x1=d,
                    y0=0,
                    y1=1,
                    line={"color": "#b03a2e", "width": 1, "dash": "dot"},
                )
                fig.add_annotation(
                    x=d,
                    y=1,
                    xref="x",
                    yref="paper",
                    text=d,
                    showarrow=False,
                    textangle=-90,
                    xanchor="right",
                    yanchor="top",
                    font={"size": 10, "color": "#b03a2e"},
                )
    fig.update_layout(
        title=title,
        template="plotly_white",
        yaxis={"type": "log", "title": "close (log scale, own currency)"},
        xaxis={"title": "date"},
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        hovermode="closest",
    )
    fig.layout.meta = {"article_dates_marked": marked}
    return fig


def build(ctx: ReportContext) -> SectionOutput:
    """The data coverage table and the tracked symbols' log-scale price chart."""
    cat = ctx.store.list_series()
    missing: list[str] = []
    if cat.empty:
        return SectionOutput(
            id="coverage",
            title="Data coverage",
            html="<p>The store is empty.</p>",
            missing=(
                "any series: run `bubblewatch data load-demo` or `bubblewatch data import PATH`",
            ),
        )
    tracked = set(ctx.symbols)
    rows = []
    for r in cat.itertuples(index=False):
        mark = ' class="tracked"' if r.symbol in tracked else ""
        kind = "" if pd.isna(r.kind) else r.kind
        source = "" if pd.isna(r.source) else r.source
        rows.append(
            f"<tr{mark}><td>{escape(r.symbol)}</td><td>{escape(kind)}</td>"
            f'<td class="num">{int(r.rows):,}</td><td>{escape(str(r.first)[:10])}</td>'
            f"<td>{escape(str(r.last)[:10])}</td><td>{escape(source)}</td></tr>"
        )
    table = (
        '<table class="coverage"><tr><th>symbol</th><th>kind</th><th>rows</th><th>first</th>'
        "<th>last</th><th>source</th></tr>" + "".join(rows) + "</table>"
    )
    closes: dict[str, pd.Series] = {}
    for sym in ctx.symbols:
        try:
            px = ctx.store.prices(sym, end=ctx.as_of.date().isoformat())
        except NotFoundError:
            missing.append(f"prices of {sym}")
            continue
        close = px["close"].astype(float)
        close = close[close > 0].dropna()
        if close.empty:
            missing.append(f"positive closes of {sym}")
            continue
        closes[sym] = _thin(close, ctx.as_of)
    if not ctx.symbols:
        missing.append("a tracked equity or index (none of the watch list is in the store)")
    figures = (coverage_figure(closes),) if closes else ()
    in_range = []
    if closes:
        lo = min(s.index[0] for s in closes.values())
        hi = max(s.index[-1] for s in closes.values())
        in_range = [d for d in ARTICLE_DATES if lo <= pd.Timestamp(d) <= hi]
    note = (
        f"Dotted lines mark the source articles' dates: {', '.join(in_range)}."
        if in_range
        else "The source articles' dates (" + ", ".join(ARTICLE_DATES) + ") fall outside the "
        "plotted range, so none is marked."
    )
    html = (
        f"<p>{len(cat)} series in the store; {len(closes)} tracked price series charted "
        f"(close on a log axis, weekly before the last {DAILY_WINDOW_DAYS // 365} years, daily after). "
        f"{escape(note)}</p>" + table
    )
    return SectionOutput(
        id="coverage", title="Data coverage", html=html, figures=figures, missing=tuple(missing)
    )
