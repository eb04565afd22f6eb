"""Loops in the deals ledger: cycles, circulation, round-tripped revenue, commitment cover.

:func:`loop_analysis` runs every measure on a :class:`~bubblewatch.network.ledger.Ledger`'s
gross graph (one edge ``from -> to`` per active deal, weighted by its USD value; undisclosed
amounts count as 0 USD but keep the edge, so a cycle through them is found with an unknown
bottleneck):

* strongly connected components and simple cycles with their bottleneck (smallest edge) —
  networkx (Johnson's algorithm) for small graphs, rustworkx when the graph is large;
* maximum circulation, circular share, Hodge shares, Finn cycling index
  (:mod:`bubblewatch.network.circulation`);
* round-trip share per vendor: of the revenue (purchase, cloud, chip and licence deals) a
  vendor receives, the share coming from firms it financed (equity, warrant, debt, JV
  capital), directly or further along the money's path from them;
* commitment cover: what a party has committed to pay (purchase, cloud and chip deals) over
  its annual revenue plus cash (NaN when neither figure is known);
* backlog concentration: Herfindahl-Hirschman index (0-1) of each vendor's backlog by
  counterparty, and its top counterparty's share.

Caveat: a ledger records the deals someone chose to write down; shares are shares *of the
ledger*, not of a firm's whole business.

References
----------
.. [1] Johnson, D. B. (1975). Finding all the elementary circuits of a directed graph. SIAM
   Journal on Computing 4(1), 77-84.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order, connected_components

from bubblewatch.errors import InputError
from bubblewatch.network.circulation import (
    finn_cycling_index,
    hodge_decomposition,
    max_circulation,
)
from bubblewatch.network.ledger import (
    COMMITMENT_KINDS,
    FINANCING_KINDS,
    REVENUE_KINDS,
    Ledger,
)
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, Instance, Integer, Options, validate_params

__all__ = [
    "Cycle",
    "LoopAnalysis",
    "LoopResult",
    "backlog_concentration",
    "commitment_cover",
    "loop_analysis",
    "round_trip_share",
    "simple_cycles",
    "strongly_connected_components",
]

#: above this many edges, cycles are enumerated with rustworkx instead of networkx
RUSTWORKX_EDGES = 100


@dataclasses.dataclass(frozen=True)
class Cycle:
    """A simple cycle ``parties[0] -> parties[1] -> ... -> parties[0]``.

    ``bottleneck`` is the smallest edge amount on it (NaN if an edge's amount is undisclosed).
    """

    parties: tuple[str, ...]
    bottleneck: float

    def __str__(self) -> str:
        return " -> ".join((*self.parties, self.parties[0]))


@validate_params(
    W=ArrayLike(sparse=True, what="a flow matrix"),
    names=[None, ArrayLike(what="party names")],
)
def strongly_connected_components(
    W: sp.spmatrix | np.ndarray, names: Sequence[str] | None = None
) -> list[tuple[str, ...]]:
    """Strongly connected components with more than one node, largest first."""
    M = sp.csr_matrix(W)
    n = M.shape[0]
    labels = [str(x) for x in (names if names is not None else range(n))]
    ncomp, lab = connected_components(M, directed=True, connection="strong")
    comps = [tuple(labels[i] for i in np.flatnonzero(lab == c)) for c in range(ncomp)]
    return sorted((c for c in comps if len(c) > 1), key=lambda c: (-len(c), c))


def _canonical(cycle: Sequence[int]) -> tuple[int, ...]:
    c = list(cycle)
    k = c.index(min(c))
    return tuple(c[k:] + c[:k])


@validate_params(
    W=ArrayLike(sparse=True, what="a flow matrix"),
    names=[None, ArrayLike(what="party names")],
    weights=[None, ArrayLike(sparse=True, what="an amounts matrix")],
    max_cycles=Integer(min=1),
    engine=Options("auto", "networkx", "rustworkx"),
)
def simple_cycles(
    W: sp.spmatrix | np.ndarray,
    names: Sequence[str] | None = None,
    *,
    weights: sp.spmatrix | np.ndarray | None = None,
    max_cycles: int = 100_000,
    engine: str = "auto",
) -> list[Cycle]:
    """Every simple cycle of the graph whose edges are the stored entries of ``W``.

    Parameters
    ----------
    W : sparse or dense matrix
        Edges are its structurally stored (sparse) or non-zero (dense) entries.
    names : sequence of str, optional
    weights : matrix, optional
        Amounts for the bottleneck (default ``W``'s values); NaN marks an undisclosed amount.
    max_cycles : int
        Stop after this many cycles (cycle counts grow exponentially with density).
    engine : {"auto", "networkx", "rustworkx"}
        ``auto``: networkx up to :data:`RUSTWORKX_EDGES` edges, rustworkx above.

    Returns
    -------
    list of Cycle
        Rotated to start at their lowest-index node; sorted by bottleneck (largest first,
        unknown last), then length.

    Examples
    --------
    >>> W = np.array([[0, 5, 0], [0, 0, 3], [4, 1, 0]], dtype=float)
    >>> [str(c) for c in simple_cycles(W, ["A", "B", "C"])]
    ['A -> B -> C -> A', 'B -> C -> B']
    """
    M = sp.csr_matrix(W, dtype=float)
    n = M.shape[0]
    labels = [str(x) for x in (names if names is not None else range(n))]
    Wt = sp.csr_matrix(weights, dtype=float) if weights is not None else M
    C = M.tocoo()
    edges = [(int(a), int(b)) for a, b in zip(C.row, C.col) if a != b]
    if engine == "auto":
        engine = "rustworkx" if len(edges) > RUSTWORKX_EDGES else "networkx"
    found: list[tuple[int, ...]] = []
    if engine == "networkx":
        G = nx.DiGraph()
        G.add_nodes_from(range(n))
        G.add_edges_from(edges)
        for cyc in nx.simple_cycles(G):
            found.append(_canonical(cyc))
            if len(found) >= max_cycles:
                break
    elif engine == "rustworkx":
        import rustworkx as rx

        R = rx.PyDiGraph()
        R.add_nodes_from(range(n))
        R.add_edges_from_no_data(edges)
        for cyc in rx.simple_cycles(R):
            found.append(_canonical(list(cyc)))
            if len(found) >= max_cycles:
                break
    else:
        raise InputError(f"unknown engine {engine!r}; use auto, networkx or rustworkx")
    Wc = Wt.tocoo()
    lookup = dict(zip(zip(Wc.row.tolist(), Wc.col.tolist()), Wc.data.tolist()))
    keyed = []
    for cyc in found:
        amounts = [lookup.get(e, 0.0) for e in zip(cyc, (*cyc[1:], cyc[0]))]
        unknown = any(a != a for a in amounts)  # NaN: an undisclosed amount
        b = math.nan if unknown else min(amounts)
        keyed.append(((unknown, 0.0 if unknown else -b, len(cyc)), cyc, b))
    keyed.sort(key=lambda t: t[0])
    return [Cycle(tuple(labels[i] for i in cyc), b) for _, cyc, b in keyed]


_RT_COLS = ("revenue_usd", "direct_usd", "round_trip_usd", "direct_share", "round_trip_share")
_COVER_COLS = ("committed_usd", "undisclosed_deals", "revenue_usd", "cash_usd", "cover")
_BACKLOG_COLS = ("backlog_usd", "counterparties", "hhi", "top_counterparty", "top_share")


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows indexed by party, with the columns present even when there are no rows."""
    if rows:
        return pd.DataFrame(rows).set_index("party")
    return pd.DataFrame(columns=list(columns), index=pd.Index([], name="party"))


def _hhi(x: np.ndarray) -> float:
    s = x.sum()
    return float(((x / s) ** 2).sum()) if s > 0 else float("nan")


@validate_params(
    ledger=Instance(Ledger, what="a deals Ledger"),
)
def round_trip_share(ledger: Ledger) -> pd.DataFrame:
    """Per vendor: revenue received, the part from firms it financed (directly or along the
    money's path from them), and the round-trip share.

    Returns a frame indexed by vendor with columns ``revenue_usd``, ``direct_usd``,
    ``round_trip_usd``, ``direct_share``, ``round_trip_share`` (only vendors with revenue).
    """
    names = ledger.party_names
    idx = {nm: i for i, nm in enumerate(names)}
    money = ledger.matrix(unknown=1.0)  # structure of the money graph
    fin = ledger.active()
    fin = fin.loc[fin["kind"].isin(FINANCING_KINDS)]
    rev = ledger.active()
    rev = rev.loc[rev["kind"].isin(REVENUE_KINDS)]
    rows = []
    for vendor, grp in rev.groupby("to_party", sort=False):
        total = float(grp["value_usd"].sum())
        financed = set(fin.loc[fin["from_party"] == vendor, "to_party"])
        reach: set[str] = set()
        for f in financed:
            order = breadth_first_order(money, idx[f], directed=True, return_predecessors=False)
            reach.update(names[i] for i in order)
        reach.discard(str(vendor))
        direct = float(grp.loc[grp["from_party"].isin(financed), "value_usd"].sum())
        loop = float(grp.loc[grp["from_party"].isin(reach), "value_usd"].sum())
        rows.append(
            {
                "party": vendor,
                "revenue_usd": total,
                "direct_usd": direct,
                "round_trip_usd": loop,
                "direct_share": direct / total if total > 0 else float("nan"),
                "round_trip_share": loop / total if total > 0 else float("nan"),
            }
        )
    return _frame(rows, _RT_COLS)


@validate_params(
    ledger=Instance(Ledger, what="a deals Ledger"),
)
def commitment_cover(ledger: Ledger) -> pd.DataFrame:
    """Per party with commitments: USD committed, annual revenue, cash, and
    ``cover = committed / (revenue + cash)`` (unknown cash counts as 0, unknown revenue too;
    NaN when both are unknown)."""
    a = ledger.active()
    a = a.loc[a["kind"].isin(COMMITMENT_KINDS)]
    owed = a.groupby("from_party")["value_usd"].sum(min_count=1)
    p = ledger.parties
    rows = []
    for party, amount in owed.items():
        revenue = float(p.at[party, "revenue_usd"])
        cash = float(p.at[party, "cash_usd"])
        base = np.nansum([revenue, cash]) if not (np.isnan(revenue) and np.isnan(cash)) else np.nan
        n_unknown = int(a.loc[a["from_party"] == party, "value_usd"].isna().sum())
        rows.append(
            {
                "party": party,
                "committed_usd": float(amount) if not np.isnan(amount) else 0.0,
                "undisclosed_deals": n_unknown,
                "revenue_usd": revenue,
                "cash_usd": cash,
                "cover": float(amount) / base if base and not np.isnan(base) else float("nan"),
            }
        )
    return _frame(rows, _COVER_COLS).sort_values("committed_usd", ascending=False)


@validate_params(
    ledger=Instance(Ledger, what="a deals Ledger"),
)
def backlog_concentration(ledger: Ledger) -> pd.DataFrame:
    """Per vendor: backlog (revenue deals received), HHI by counterparty, top counterparty."""
    a = ledger.active()
    a = a.loc[a["kind"].isin(REVENUE_KINDS)]
    rows = []
    for vendor, grp in a.groupby("to_party", sort=False):
        by = grp.groupby("from_party")["value_usd"].sum().sort_values(ascending=False)
        x = by.to_numpy(dtype=float)
        rows.append(
            {
                "party": vendor,
                "backlog_usd": float(x.sum()),
                "counterparties": len(by),
                "hhi": _hhi(x),
                "top_counterparty": str(by.index[0]),
                "top_share": float(x[0] / x.sum()) if x.sum() > 0 else float("nan"),
            }
        )
    return _frame(rows, _BACKLOG_COLS)


@dataclasses.dataclass(frozen=True)
class LoopAnalysis(Result):
    """Loop analytics of a ledger (see :func:`loop_analysis`)."""

    ledger: Ledger
    components: tuple[tuple[str, ...], ...]
    cycles: tuple[Cycle, ...]
    gross_usd: float
    max_circulation_usd: float
    circulation: pd.DataFrame
    hodge_gradient_share: float
    hodge_cyclic_share: float
    finn_index: float
    parties: pd.DataFrame
    round_trip: pd.DataFrame
    cover: pd.DataFrame
    backlog: pd.DataFrame

    @property
    def circular_share(self) -> float:
        """Maximum circulation / gross flows."""
        return self.max_circulation_usd / self.gross_usd if self.gross_usd > 0 else float("nan")

    def summary(self) -> str:
        led = self.ledger
        n_act = int((led.deals["status"] != "replaced").sum())
        lines = [
            f"Ledger {led.name!r}: {len(led.deals)} deals ({n_act} standing), "
            f"{len(led.parties)} parties, gross flows USD {self.gross_usd / 1e9:,.1f}B",
            f"Maximum circulation USD {self.max_circulation_usd / 1e9:,.1f}B "
            f"= {self.circular_share:.1%} of gross flows; Hodge cyclic share "
            f"{self.hodge_cyclic_share:.1%}; Finn cycling index {self.finn_index:.1%}",
            "Strongly connected components: "
            + ("; ".join("{" + ", ".join(c) + "}" for c in self.components) or "none"),
            f"{len(self.cycles)} simple cycles (bottleneck USD B):",
        ]
        for c in self.cycles[:15]:
            b = "undisclosed" if math.isnan(c.bottleneck) else f"{c.bottleneck / 1e9:,.1f}"
            lines.append(f"  {c}  [{b}]")
        if len(self.cycles) > 15:
            lines.append(f"  ... and {len(self.cycles) - 15} more")
        if not self.round_trip.empty:
            lines.append("Round-trip share of recorded revenue:")
            rt = self.round_trip.loc[self.round_trip["revenue_usd"] > 0]
            for p, r in rt.sort_values("revenue_usd", ascending=False).iterrows():
                lines.append(
                    f"  {p:<12} {r['round_trip_share']:6.1%} of USD {r['revenue_usd'] / 1e9:,.1f}B"
                )
        if not self.cover.empty:
            lines.append("Commitment cover (committed / (annual revenue + cash)):")
            for p, r in self.cover.head(10).iterrows():
                cov = (
                    "n/a (no revenue or cash figure)"
                    if np.isnan(r["cover"])
                    else f"{r['cover']:.2f}x"
                )
                extra = f" + {r['undisclosed_deals']} undisclosed" if r["undisclosed_deals"] else ""
                lines.append(f"  {p:<12} USD {r['committed_usd'] / 1e9:,.1f}B{extra}  {cov}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Per-party table: Hodge potential, Finn cycling, round trip, cover, backlog HHI."""
        df = self.parties.copy()
        df = df.join(self.round_trip[["revenue_usd", "round_trip_share"]], how="left")
        df = df.join(self.cover[["committed_usd", "cover"]], how="left")
        return df.join(self.backlog[["backlog_usd", "hhi", "top_counterparty"]], how="left")

    def plot(self) -> Any:
        from bubblewatch.network.figures import network_figure

        return network_figure(self.ledger, self.cycles)

    def to_dict(self) -> dict[str, Any]:
        def _num(x: float) -> float | None:
            return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)

        return {
            "ledger": self.ledger.name,
            "deals": len(self.ledger.deals),
            "deals_standing": int((self.ledger.deals["status"] != "replaced").sum()),
            "parties": len(self.ledger.parties),
            "gross_usd": self.gross_usd,
            "components": [list(c) for c in self.components],
            "cycles": [list(c.parties) for c in self.cycles],
            "cycle_bottleneck_usd": [_num(c.bottleneck) for c in self.cycles],
            "max_circulation_usd": self.max_circulation_usd,
            "circular_share": self.circular_share,
            "hodge": {
                "gradient_share": self.hodge_gradient_share,
                "cyclic_share": self.hodge_cyclic_share,
            },
            "finn_cycling_index": self.finn_index,
            "finn_cycling": {k: _num(v) for k, v in self.parties["finn_cycling"].items()},
            "round_trip": {
                k: _num(v)
                for k, v in self.round_trip.get("round_trip_share", pd.Series(dtype=float)).items()
            },
            "commitment_cover": {
                k: _num(v) for k, v in self.cover.get("cover", pd.Series(dtype=float)).items()
            },
            "commitments_usd": {
                k: _num(v)
                for k, v in self.cover.get("committed_usd", pd.Series(dtype=float)).items()
            },
            "backlog_hhi": {
                k: _num(v) for k, v in self.backlog.get("hhi", pd.Series(dtype=float)).items()
            },
            "metadata": self.metadata.to_dict(),
        }


@validate_params(
    ledger=Instance(Ledger, what="a deals Ledger"),
    max_cycles=Integer(min=1),
)
def loop_analysis(ledger: Ledger, *, max_cycles: int = 100_000) -> LoopAnalysis:
    """Every loop measure on a ledger's gross graph (see the module docstring).

    Examples
    --------
    >>> from bubblewatch.episodes import ai2025
    >>> res = loop_analysis(ai2025.ledger())
    >>> ["Nvidia", "OpenAI", "Oracle"] in [c for c in res.to_dict()["cycles"]]
    True
    """
    names = ledger.party_names
    W = ledger.matrix(unknown=0.0)
    structure = ledger.matrix(unknown=1.0)
    flows = ledger.flows()
    idx = {nm: i for i, nm in enumerate(names)}
    weights = (
        sp.csr_matrix(
            (
                flows["amount_usd"].to_numpy(dtype=float),
                (flows["from_party"].map(idx).to_numpy(), flows["to_party"].map(idx).to_numpy()),
            ),
            shape=W.shape,
        )
        if not flows.empty
        else W
    )
    # keep NaN (undisclosed) in the bottleneck weights: the constructor above stores them
    cycles = simple_cycles(structure, names, weights=weights, max_cycles=max_cycles)
    comps = strongly_connected_components(structure, names)
    F, total = max_circulation(W)
    hodge = hodge_decomposition(W)
    finn, finn_total = finn_cycling_index(W)
    Fc = F.tocoo()
    circ = pd.DataFrame(
        {
            "from_party": [names[i] for i in Fc.row],
            "to_party": [names[j] for j in Fc.col],
            "circulating_usd": Fc.data,
        }
    )
    parties = pd.DataFrame(
        {
            "inflow_usd": np.asarray(W.sum(axis=0)).ravel(),
            "outflow_usd": np.asarray(W.sum(axis=1)).ravel(),
            "hodge_potential": hodge.potential,
            "finn_cycling": finn,
        },
        index=pd.Index(names, name="party"),
    )
    meta = make_metadata(
        {"ledger": ledger.name, "max_cycles": max_cycles},
        data_vintage=str(max(ledger.deals["announced"])),
    )
    return LoopAnalysis(
        metadata=meta,
        ledger=ledger,
        components=tuple(comps),
        cycles=tuple(cycles),
        gross_usd=float(W.sum()),
        max_circulation_usd=total,
        circulation=circ,
        hodge_gradient_share=hodge.gradient_share,
        hodge_cyclic_share=hodge.cyclic_share,
        finn_index=finn_total,
        parties=parties,
        round_trip=round_trip_share(ledger),
        cover=commitment_cover(ledger),
        backlog=backlog_concentration(ledger),
    )


#: the old name (kept working): result classes are named for what they hold
LoopResult = LoopAnalysis
