"""Report section "Data coverage": what the store holds and log-scale charts of the tracked prices.

Tables: the series per kind, the tracked series, and (collapsed) every series in the store
(symbol, kind, rows, first, last, source). Charts, both on a log axis with the source
articles' dates (:data:`bubblewatch.report.context.ARTICLE_DATES`) drawn as dotted vertical
lines when they fall inside the plotted range:

1. the tracked closes rebased to 100 at their common start (the latest first date among
   them), when that leaves at least :data:`MIN_COMMON_DAYS` calendar days before the as-of
   date -- comparable across currencies;
2. the full history of each close in its own currency, weekly before the last two years and
   daily within them.
"""

from __future__ import annotations

import pandas as pd

from bubblewatch.errors import NotFoundError
from bubblewatch.report.context import ARTICLE_DATES, ReportContext, SectionOutput, escape

__all__ = ["build", "coverage_figure"]

#: points older than this many days before the as-of date are thinned to weekly closes
DAILY_WINDOW_DAYS = 730
#: the rebased chart needs a common window at least this long (calendar days)
MIN_COMMON_DAYS = 30


def _thin(close: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    cut = as_of - pd.Timedelta(days=DAILY_WINDOW_DAYS)
    old, recent = close[close.index < cut], close[close.index >= cut]
    if len(old) > 260:
        old = old.resample("W-FRI").last().dropna()
    return pd.concat([old, recent])


def coverage_figure(
    closes: dict[str, pd.Series],
    title: str = "Tracked prices (log scale)",
    *,
    y_title: str = "close (log scale, own currency)",
    label_dates: bool = True,
):
    """A log-scale line chart of ``closes`` with the article dates marked when in range.

    ``label_dates`` writes each date above its line (off on long charts, where the four
    dates' labels would overlap). More than :data:`~bubblewatch.chart_style.MAX_LINES` series
    are drawn as small multiples (one panel each, same axes) instead of one tangle of lines.
    """
    import plotly.graph_objects as go

    from bubblewatch.chart_style import MAX_LINES, color, display_name, small_multiples

    shown = {k: v for k, v in closes.items() if not v.empty}
    if len(shown) > MAX_LINES:
        lo_all = min(s.index[0] for s in shown.values())
        hi_all = max(s.index[-1] for s in shown.values())
        fig = small_multiples(
            shown,
            title=title,
            y_title=y_title,
            log=True,
            shared_y=y_title.startswith("rebased"),
            vlines=ARTICLE_DATES,
        )
        fig.layout.meta = {
            "article_dates_marked": [
                d for d in ARTICLE_DATES if lo_all <= pd.Timestamp(d) <= hi_all
            ],
            "panels": list(shown),
        }
        return fig
    fig = go.Figure()
    lo, hi = None, None
    for i, (sym, s) in enumerate(shown.items()):
        fig.add_trace(
            go.Scatter(
                x=s.index.strftime("%Y-%m-%d"),
                y=s.to_numpy(float),
                mode="lines",
                name=display_name(sym),
                line={"width": 1.3, "color": color(i)},
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
                if not label_dates:
                    continue
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
        yaxis={"type": "log", "title": y_title},
        xaxis={"title": "date"},
        legend={"orientation": "h", "y": -0.15},
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        hovermode="closest",
    )
    fig.layout.meta = {"article_dates_marked": marked}
    return fig


def _catalogue_table(cat: pd.DataFrame, highlight: set[str]) -> str:
    rows = []
    for r in cat.itertuples(index=False):
        mark = ' class="tracked"' if r.symbol in highlight else ""
        kind = "" if pd.isna(r.kind) else r.kind
        source = "" if pd.isna(r.source) else r.source
        rows.append(
            f"<tr{mark}><td>{escape(r.symbol)}</td><td>{escape(kind)}</td>"
            f'<td class="num">{int(r.rows):,}</td><td class="date">{escape(str(r.first)[:10])}</td>'
            f'<td class="date">{escape(str(r.last)[:10])}</td><td>{escape(source)}</td></tr>'
        )
    return (
        '<table class="coverage"><tr><th>symbol</th><th>kind</th><th>rows</th><th>first</th>'
        "<th>last</th><th>source</th></tr>" + "".join(rows) + "</table>"
    )


def _kind_table(cat: pd.DataFrame) -> str:
    kinds = cat.assign(kind=cat["kind"].fillna("other"))
    agg = kinds.groupby("kind", sort=True).agg(
        series=("symbol", "size"),
        rows=("rows", "sum"),
        first=("first", "min"),
        last=("last", "max"),
    )
    body = "".join(
        f'<tr><td>{escape(k)}</td><td class="num">{int(r.series):,}</td>'
        f'<td class="num">{int(r.rows):,}</td><td class="date">{escape(str(r.first)[:10])}</td>'
        f'<td class="date">{escape(str(r.last)[:10])}</td></tr>'
        for k, r in agg.iterrows()
    )
    return (
        '<table class="kinds"><tr><th>kind</th><th>series</th><th>rows</th><th>first</th>'
        "<th>last</th></tr>" + body + "</table>"
    )


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
    table_all = _catalogue_table(cat, tracked)
    table_tracked = _catalogue_table(cat[cat["symbol"].isin(tracked)], set())
    by_kind = _kind_table(cat)
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
        closes[sym] = close
    if not ctx.symbols:
        missing.append("a tracked equity or index (none of the watch list is in the store)")
    figures = []
    in_range: list[str] = []
    rebased_note = ""
    if closes:
        start = max(c.index[0] for c in closes.values())
        if start <= ctx.as_of - pd.Timedelta(days=MIN_COMMON_DAYS):
            rebased = {}
            for sym, c in closes.items():
                win = c[c.index >= start]
                if len(win) >= 2:
                    rebased[sym] = 100.0 * win / float(win.iloc[0])
            if rebased:
                figures.append(
                    coverage_figure(
                        rebased,
                        f"Tracked prices since {start.date().isoformat()}, rebased to 100 (log scale)",
                        y_title="rebased close (100 = common start, log scale)",
                    )
                )
                rebased_note = (
                    f"The first chart rebases every tracked close to 100 on {start.date().isoformat()} "
                    "(their common start); the second shows each full history in its own currency. "
                )
        figures.append(
            coverage_figure(
                {sym: _thin(c, ctx.as_of) for sym, c in closes.items()},
                "Tracked prices, full history (log scale, own currency)",
                label_dates=False,
            )
        )
        lo = min(c.index[0] for c in closes.values())
        hi = max(c.index[-1] for c in closes.values())
        in_range = [d for d in ARTICLE_DATES if lo <= pd.Timestamp(d) <= hi]
    note = (
        f"Dotted lines mark the source articles' dates: {', '.join(in_range)}."
        if in_range
        else "The source articles' dates (" + ", ".join(ARTICLE_DATES) + ") fall outside the "
        "plotted range, so none is marked."
    )
    html = (
        f"<p>{len(cat)} series in the store; {len(closes)} tracked price series charted below "
        f"on log axes. {escape(rebased_note)}The full history is weekly before the last "
        f"{DAILY_WINDOW_DAYS // 365} years and daily after. {escape(note)}</p>"
        + by_kind
        + "<h3>Tracked series</h3>"
        + (table_tracked if tracked else "<p>none</p>")
        + f"<details><summary>Every series in the store ({len(cat)})</summary>{table_all}</details>"
    )
    return SectionOutput(
        id="coverage",
        title="Data coverage",
        html=html,
        figures=tuple(figures),
        missing=tuple(missing),
    )
