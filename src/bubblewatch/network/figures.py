"""Plotly figures of the capital loop: the deals network and the stress waterfall."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from bubblewatch.network.ledger import Ledger
from bubblewatch.validation import ArrayLike, Instance, Integer, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.network.loops import Cycle

__all__ = ["network_figure", "waterfall_figure"]


def _layout(G: nx.DiGraph) -> dict[str, np.ndarray]:
    """Kamada-Kawai for the largest connected group; the other groups in a row below it."""
    U = G.to_undirected()
    comps = sorted(nx.connected_components(U), key=len, reverse=True)
    if not comps:
        return {}
    main = U.subgraph(comps[0])
    pos = nx.kamada_kawai_layout(main) if len(main) > 2 else nx.circular_layout(main)
    rest = comps[1:]
    for k, comp in enumerate(rest):
        sub = U.subgraph(comp)
        sp_ = (
            nx.circular_layout(sub, scale=0.15) if len(sub) > 1 else {next(iter(comp)): np.zeros(2)}
        )
        x = -1.0 + 2.0 * (k + 0.5) / max(len(rest), 1)
        for node, xy in sp_.items():
            pos[node] = np.asarray(xy) + np.array([x, -1.15])
    return {str(k): np.asarray(v) for k, v in pos.items()}


@validate_params(
    ledger=Instance(Ledger, what="a deals Ledger"),
    cycles=ArrayLike(what="a sequence of Cycle"),
    seed=Integer(min=0),
)
def network_figure(ledger: Ledger, cycles: Sequence[Cycle] = (), *, seed: int = 7) -> Any:
    """Interactive network: parties as nodes, one arrowed edge per ``from -> to`` pair,
    width proportional to USD (dotted when undisclosed), edges on a cycle in red."""
    import plotly.graph_objects as go

    flows = ledger.flows()
    G = nx.DiGraph()
    G.add_nodes_from(ledger.party_names)
    for r in flows.itertuples(index=False):
        G.add_edge(r.from_party, r.to_party)
    pos = _layout(G)
    pairs = {(r.from_party, r.to_party) for r in flows.itertuples(index=False)}
    on_cycle: set[tuple[str, str]] = set()
    for c in cycles:
        ps = c.parties
        on_cycle.update(zip(ps, (*ps[1:], ps[0])))
    known = flows["amount_usd"].dropna()
    top = float(known.max()) if len(known) else 1.0
    fig = go.Figure()
    annotations = []
    for r in flows.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[r.from_party], pos[r.to_party]
        if (r.to_party, r.from_party) in pairs:  # two-way: offset each direction sideways
            nx_, ny_ = y1 - y0, x0 - x1
            norm = math.hypot(nx_, ny_) or 1.0
            x0, x1 = x0 + 0.012 * nx_ / norm, x1 + 0.012 * nx_ / norm
            y0, y1 = y0 + 0.012 * ny_ / norm, y1 + 0.012 * ny_ / norm
        amt = float(r.amount_usd)
        undisclosed = math.isnan(amt)
        width = 1.0 if undisclosed else 1.0 + 11.0 * math.sqrt(amt / top)
        loop = (r.from_party, r.to_party) in on_cycle
        color = "rgba(214,39,40,0.75)" if loop else "rgba(120,120,120,0.55)"
        label = "undisclosed" if undisclosed else f"USD {amt / 1e9:,.1f}B"
        # shorten so that arrow heads do not hide under the markers
        dx, dy = x1 - x0, y1 - y0
        xe, ye = x1 - 0.06 * dx, y1 - 0.06 * dy
        fig.add_scatter(
            x=[x0, xe],
            y=[y0, ye],
            mode="lines",
            line={"width": width, "color": color, "dash": "dot" if undisclosed else "solid"},
            hoverinfo="text",
            text=f"{r.from_party} -> {r.to_party}: {label} ({r.n_deals} deal(s))",
            showlegend=False,
        )
        annotations.append(
            {
                "x": xe,
                "y": ye,
                "ax": x0 + 0.8 * dx,
                "ay": y0 + 0.8 * dy,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1,
                "arrowwidth": 1.5,
                "arrowcolor": color,
                "text": "",
            }
        )
    names = list(G.nodes)
    W = ledger.matrix()
    through = np.asarray(W.sum(axis=0)).ravel() + np.asarray(W.sum(axis=1)).ravel()
    size = (
        10 + 30 * np.sqrt(through / through.max()) if through.max() > 0 else np.full(len(names), 12)
    )
    order = {n: i for i, n in enumerate(ledger.party_names)}
    fig.add_scatter(
        x=[pos[n][0] for n in names],
        y=[pos[n][1] for n in names],
        mode="markers+text",
        text=names,
        textposition="top center",
        marker={"size": [float(size[order[n]]) for n in names], "color": "#1f77b4"},
        hovertext=[
            f"{n}: in USD {W[:, order[n]].sum() / 1e9:,.1f}B, out USD {W[order[n], :].sum() / 1e9:,.1f}B"
            for n in names
        ],
        hoverinfo="text",
        showlegend=False,
    )
    fig.update_layout(
        title=f"Deals network ({ledger.name}): edge width ~ USD, red = on a cycle, dotted = undisclosed",
        annotations=annotations,
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=700,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig


@validate_params(
    labels=ArrayLike(what="bar labels"),
    values=ArrayLike(what="bar values"),
    title=Text(),
)
def waterfall_figure(labels: Sequence[str], values: Sequence[float], title: str) -> Any:
    """A waterfall of round-by-round losses (USD) ending in their total.

    Trailing rounds that each add under 0.1% of the total are merged into one bar
    ("rounds k-n") so the chart shows the rounds that matter.
    """
    import plotly.graph_objects as go

    vals = [float(v) for v in values]
    labs = list(labels)
    total = sum(vals)
    keep = len(vals)
    while keep > 2 and total > 0 and abs(vals[keep - 1]) < 1e-3 * total:
        keep -= 1
    if keep < len(vals) - 1:
        tail = sum(vals[keep:])
        first, last = labs[keep].removeprefix("round "), labs[-1].removeprefix("round ")
        labs = [*labs[:keep], f"rounds {first}-{last}"]
        vals = [*vals[:keep], tail]
    fig = go.Figure(
        go.Waterfall(
            x=[*labs, "total"],
            y=[*(v / 1e9 for v in vals), 0.0],
            measure=["relative"] * len(vals) + ["total"],
            text=[f"{v / 1e9:,.1f}" for v in vals] + [f"{total / 1e9:,.1f}"],
            name="flows lost",
        )
    )
    fig.update_layout(
        title=title, yaxis_title="flows lost (USD B)", xaxis_title="round of the spiral"
    )
    return fig
