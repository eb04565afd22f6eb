"""The house style of every chart (results' ``plot()``, the report, the dashboard).

Rules, so that a chart reads without its legend being decoded:

* at most :data:`MAX_LINES` lines on one set of axes, in :data:`PALETTE`'s distinct colours;
  more series go to :func:`small_multiples` (one small panel each, same axes);
* every axis has a title in words, with its unit;
* a secondary y axis gets round ticks of its own (:func:`round_secondary_axis`) instead of
  ticks synchronised to the primary grid (13.7, 11.7, 9.69, ...);
* legends name the series (never ``y`` or ``trace 0``).

Plotly is imported lazily (inside the functions) so that importing this module costs nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "MAX_LINES",
    "PALETTE",
    "color",
    "display_name",
    "round_secondary_axis",
    "small_multiples",
]

#: at most this many lines share one set of axes
MAX_LINES = 8
#: eight distinct colours (Tableau 10 without its grey and olive), in the order lines take them
PALETTE: tuple[str, ...] = (
    "#4E79A7",
    "#F28E2B",
    "#E15759",
    "#59A14F",
    "#B07AA1",
    "#76B7B2",
    "#9C755F",
    "#EDC948",
)


def color(i: int) -> str:
    """The ``i``-th line colour (cycling through :data:`PALETTE`).

    >>> color(0), color(8) == color(0)
    ('#4E79A7', True)
    """
    return PALETTE[i % len(PALETTE)]


def display_name(symbol: str) -> str:
    """A store symbol as a chart label: file-name suffixes dropped, underscores as spaces.

    >>> [display_name(s) for s in ["SOX_2025_2026", "NASDAQ_COMPOSITE_2025_2026", "SK_HYNIX_000660.KS", "NVDA"]]
    ['SOX', 'NASDAQ COMPOSITE', 'SK HYNIX 000660.KS', 'NVDA']
    """
    import re

    name = re.sub(r"_(?:\d{4}_\d{4}|flippe2|LONG)$", "", str(symbol))
    name = re.sub(r"_(?:\d{4}_\d{4})(?=_)", "", name)
    return name.replace("_", " ")


def nice_step(span: float, target: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 times a power of ten) giving about ``target`` ticks.

    >>> nice_step(12.0), nice_step(0.9), nice_step(470)
    (2.5, 0.2, 100)
    """
    if not span > 0 or not math.isfinite(span):
        return 1.0
    raw = span / max(1, target)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag  # pragma: no cover


def log_ticks(lo: float, hi: float) -> list[float]:
    """Round ticks (1, 2, 5 times a power of ten) covering ``[lo, hi]`` on a log axis.

    >>> log_ticks(60, 230)
    [50, 100, 200, 500]
    """
    out: list[float] = []
    k = math.floor(math.log10(lo))
    while True:
        for m in (1, 2, 5):
            v = m * 10**k
            if v >= lo / 2.5 and v <= hi * 2.5:
                out.append(v)
        if 10**k > hi:
            break
        k += 1
    inside = [v for v in out if lo <= v <= hi]
    below = [v for v in out if v < lo][-1:]
    above = [v for v in out if v > hi][:1]
    return below + inside + above


def round_secondary_axis(fig: go.Figure, values: Iterable[float], *, title: str) -> go.Figure:
    """Give the secondary y axis round ticks covering ``values`` and a title; no grid of its own.

    Plotly synchronises an overlaying axis' ticks with the primary grid by default, which
    prints ticks such as 13.7, 11.7, 9.69. Here the axis gets its own range from 0 (or the
    minimum, when negative) to a round step above the maximum.
    """
    vals = [float(v) for v in values if v is not None and math.isfinite(float(v))]
    lo = min(0.0, min(vals)) if vals else 0.0
    hi = max(vals) if vals else 1.0
    step = nice_step(hi - lo)
    lo_r = math.floor(lo / step) * step
    hi_r = math.ceil(hi / step) * step
    fig.update_yaxes(
        secondary_y=True,
        title_text=title,
        tickmode="linear",
        tick0=lo_r,
        dtick=step,
        range=[lo_r, hi_r],
        showgrid=False,
    )
    return fig


def small_multiples(
    series: Mapping[str, pd.Series],
    *,
    title: str,
    y_title: str,
    x_title: str = "date",
    log: bool = False,
    cols: int = 3,
    shared_y: bool = True,
    vlines: Iterable[Any] = (),
    row_height: int = 170,
) -> go.Figure:
    """One small panel per series (same x axis, same y axis when ``shared_y``).

    ``vlines`` are x values (dates) drawn as dotted lines on every panel they fall into.
    The figure's ``layout.meta["panels"]`` lists the series in panel order.
    """
    from plotly.subplots import make_subplots

    names = [n for n, s in series.items() if len(s)]
    n = max(1, len(names))
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_xaxes=True,
        shared_yaxes=shared_y,
        subplot_titles=[display_name(n) for n in names],
        vertical_spacing=min(0.08, 0.5 / rows),
        horizontal_spacing=0.04,
    )
    lines = [pd.Timestamp(x) for x in vlines]
    shapes: list[dict[str, Any]] = []
    lo, hi = math.inf, -math.inf
    for i, name in enumerate(names):
        s = series[name]
        r, c = i // cols + 1, i % cols + 1
        fig.add_scatter(
            x=s.index,
            y=s.to_numpy(float),
            mode="lines",
            name=name,
            line={"width": 1.2, "color": PALETTE[0]},
            showlegend=False,
            hovertemplate=f"{name}<br>%{{x|%Y-%m-%d}}<br>%{{y:,.4g}}<extra></extra>",
            row=r,
            col=c,
        )
        vals = s.to_numpy(float)
        vals = vals[vals > 0] if log else vals
        if len(vals):
            lo, hi = min(lo, float(vals.min())), max(hi, float(vals.max()))
        axis = "" if i == 0 else str(i + 1)
        shapes += [
            {
                "type": "line",
                "xref": f"x{axis}",
                "yref": f"y{axis} domain",
                "x0": ts,
                "x1": ts,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#b03a2e", "width": 1, "dash": "dot"},
            }
            for ts in lines
            if s.index[0] <= ts <= s.index[-1]
        ]
    fig.update_layout(shapes=shapes)
    fig.update_yaxes(type="log" if log else "linear")
    if shared_y:
        fig.update_yaxes(matches="y")
        if log and math.isfinite(lo) and lo > 0:
            fig.update_yaxes(tickvals=log_ticks(lo, hi))
    for r in range(1, rows + 1):
        fig.update_yaxes(title_text=y_title if r == (rows + 1) // 2 else None, row=r, col=1)
    for c in range(1, cols + 1):
        fig.update_xaxes(title_text=x_title, row=rows, col=c)
    fig.update_layout(
        title=title,
        template="plotly_white",
        height=max(320, 90 + row_height * rows),
        margin={"l": 70, "r": 20, "t": 70, "b": 50},
        hovermode="closest",
    )
    fig.update_annotations(font_size=11)
    fig.layout.meta = {"panels": names}
    return fig
