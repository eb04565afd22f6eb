"""Loop analytics: cycles, circulation, Hodge, Finn, round trip, cover, HHI."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import rustworkx as rx
import scipy.sparse as sp
from johnson_reference import johnson_cycles

from bubblewatch.episodes import ai2025
from bubblewatch.network.circulation import (
    finn_cycling_index,
    hodge_decomposition,
    max_circulation,
)
from bubblewatch.network.ledger import Ledger
from bubblewatch.network.loops import (
    loop_analysis,
    simple_cycles,
    strongly_connected_components,
)


def _ledger(rows):
    df = pd.DataFrame(rows, columns=["from_party", "to_party", "kind", "amount_usd"])
    df["deal_id"] = [f"D{i}" for i in range(len(df))]
    df["status"] = "announced"
    df["source"] = "test"
    return Ledger.from_frames(df)


def test_default_ledger_contains_the_articles_loop():
    res = loop_analysis(ai2025.ledger())
    cycles = res.to_dict()["cycles"]
    assert ["Nvidia", "OpenAI", "Oracle"] in cycles
    c = next(c for c in res.cycles if c.parties == ("Nvidia", "OpenAI", "Oracle"))
    assert c.bottleneck == 30e9  # A09b equity; OpenAI->Oracle 300B; Oracle->Nvidia 40B
    # the other loops the articles and references describe
    assert ["Microsoft", "Anthropic"] in cycles
    assert ["OpenAI", "AMD"] in cycles
    assert ["Nvidia", "xAI SPV"] in cycles
    assert {"Nvidia", "OpenAI", "Oracle", "Microsoft", "Anthropic"} <= set(res.components[0])
    d = res.to_dict()
    for key in (
        "deals",
        "parties",
        "cycles",
        "max_circulation_usd",
        "circular_share",
        "round_trip",
        "commitment_cover",
    ):
        assert key in d
    assert 0 < d["circular_share"] < 1
    assert d["commitment_cover"]["OpenAI"] == pytest.approx(625.4e9 / 8.6e9)
    assert (
        d["round_trip"]["Nvidia"] == 1.0
    )  # all its recorded revenue comes back from firms it financed


def test_cycles_bottleneck_and_engines_agree():
    W = np.array([[0, 5, 0, 0], [0, 0, 3, 0], [4, 1, 0, 2], [1, 0, 0, 0]], dtype=float)
    names = list("ABCD")
    got = simple_cycles(W, names)
    # sorted by bottleneck, then length
    assert [str(c) for c in got] == ["A -> B -> C -> A", "B -> C -> B", "A -> B -> C -> D -> A"]
    assert [c.bottleneck for c in got] == [3.0, 1.0, 1.0]
    rust = simple_cycles(W, names, engine="rustworkx")
    assert {c.parties for c in rust} == {c.parties for c in got}
    # undisclosed amount -> NaN bottleneck, listed last
    Wn = W.copy()
    Wn[1, 2] = np.nan
    got = simple_cycles(W, names, weights=Wn)
    assert all(math.isnan(c.bottleneck) for c in got)


def test_cycles_match_networkx_and_rustworkx_on_random_graph():
    g = nx.gnp_random_graph(20, 0.1, seed=4, directed=True)
    W = nx.to_scipy_sparse_array(g, format="csr")
    ours = {c.parties for c in simple_cycles(W)}
    ref_nx = {tuple(str(x) for x in _rot(c)) for c in nx.simple_cycles(g)}
    R = rx.PyDiGraph()
    R.add_nodes_from(range(20))
    R.add_edges_from_no_data(list(g.edges))
    ref_rx = {tuple(str(x) for x in _rot(list(c))) for c in rx.simple_cycles(R)}
    assert ours == ref_nx == ref_rx and len(ours) > 10


@pytest.mark.parametrize(
    ("n", "p", "seed"), [(12, 0.3, 1), (20, 0.1, 4), (40, 0.06, 3), (300, 0.004, 9)]
)
def test_own_johnson_matches_networkx(n, p, seed):
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    g.add_edge(0, 0)  # a self-loop is not a simple cycle of two parties: ignored
    W = nx.to_scipy_sparse_array(g, format="csr")
    ours = {tuple(str(x) for x in _rot(c)) for c in johnson_cycles(W)}
    g.remove_edge(0, 0)
    ref = {tuple(str(x) for x in _rot(c)) for c in nx.simple_cycles(g)}
    assert ours == ref


def _rot(c):
    k = c.index(min(c))
    return c[k:] + c[:k]


def test_scc():
    W = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 0], [0, 1, 0]], dtype=float))
    assert strongly_connected_components(W, list("ABC")) == [("A", "B")]


def test_max_circulation_by_hand():
    # A->B 5, B->C 3, C->A 4, A->C 2, C->D 7. The ring A->B->C->A carries x <= 3 on each of
    # its edges and the two-cycle A->C->A carries y <= 2, sharing C->A: x + y <= 4.
    # max 3x + 2y -> x = 3, y = 1: 11 of 21 gross.
    W = np.zeros((4, 4))
    W[0, 1], W[1, 2], W[2, 0], W[0, 2], W[2, 3] = 5, 3, 4, 2, 7
    F, total = max_circulation(W)
    assert total == pytest.approx(11.0)
    out = np.asarray(F.sum(axis=1)).ravel()
    inn = np.asarray(F.sum(axis=0)).ravel()
    np.testing.assert_allclose(out, inn)
    assert (F.toarray() <= W + 1e-9).all()
    assert F[2, 3] == 0


def test_hodge_by_hand():
    ring = np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0.0]])
    h = hodge_decomposition(ring)
    assert h.cyclic_share == pytest.approx(1.0) and h.gradient_share == pytest.approx(
        0.0, abs=1e-12
    )
    chain = np.array([[0, 2, 0], [0, 0, 2], [0, 0, 0.0]])
    h = hodge_decomposition(chain)
    assert h.gradient_share == pytest.approx(1.0)
    assert h.potential[0] > h.potential[1] > h.potential[2]
    # A->B 1, B->C 1, A->C 2 is a potential difference (s = (1, 0, -1)): all gradient
    assert hodge_decomposition(np.array([[0, 1, 2], [0, 0, 1], [0, 0, 0.0]])).gradient_share == (
        pytest.approx(1.0)
    )
    # y = (AB 1, BC 1, AC 1): least squares s = (2/3, 0, -2/3) gives (2/3, 2/3, 4/3);
    # residual (1/3, 1/3, -1/3): cyclic share (1/3) / 3 = 1/9, although no directed cycle exists
    h = hodge_decomposition(np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0.0]]))
    assert h.cyclic_share == pytest.approx(1 / 9)
    assert h.gradient_share + h.cyclic_share == pytest.approx(1.0)


def test_finn_cycling_by_hand():
    c, total = finn_cycling_index(np.array([[0, 2, 0], [0, 0, 2], [1, 0, 0.0]]))
    np.testing.assert_allclose(c, 0.5)
    assert total == pytest.approx(0.5)
    c, total = finn_cycling_index(np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0.0]]))
    assert total == 0.0


def test_round_trip_cover_and_hhi():
    led = _ledger(
        [
            ("V", "C", "equity_investment", 10.0),  # vendor finances customer
            ("C", "V", "chip_supply", 30.0),  # customer buys from vendor
            ("X", "V", "chip_supply", 10.0),  # an outside customer
            ("C", "M", "cloud_contract", 20.0),
            ("M", "V", "chip_supply", 20.0),  # via a middleman the vendor did not finance
        ]
    )
    res = loop_analysis(led)
    rt = res.round_trip
    assert rt.at["V", "revenue_usd"] == 60.0
    assert rt.at["V", "direct_share"] == pytest.approx(0.5)  # 30 of 60 directly from C
    assert rt.at["V", "round_trip_share"] == pytest.approx(50 / 60)  # + 20 via C -> M
    bl = res.backlog
    assert bl.at["V", "hhi"] == pytest.approx((30 / 60) ** 2 + (10 / 60) ** 2 + (20 / 60) ** 2)
    assert bl.at["V", "top_counterparty"] == "C"
    assert res.cover.at["C", "committed_usd"] == 50.0
    assert math.isnan(res.cover.at["C", "cover"])  # no revenue or cash figure
    assert res.plot().data
    assert "simple cycles" in res.summary()
    assert "finn_cycling" in res.to_frame().columns


def test_finn_matches_inverse_formula_on_leaky_random_network():
    # with exports at every node, N = (I - G)^{-1} exists and cycling_i = (n_ii - 1) / n_ii
    rng = np.random.default_rng(8)
    n = 15
    W = rng.exponential(1.0, (n, n)) * (rng.random((n, n)) < 0.3)
    np.fill_diagonal(W, 0)
    c, total = finn_cycling_index(W)
    T = np.maximum(W.sum(0), W.sum(1))
    G = W / T[:, None]
    N = np.linalg.inv(np.eye(n) - G)
    ref = (np.diag(N) - 1) / np.diag(N)
    np.testing.assert_allclose(c, ref, atol=1e-12)
    assert total == pytest.approx(float(ref @ T / T.sum()))


def test_degenerate_ledgers_do_not_break():
    one = _ledger([("A", "B", "equity_investment", 1.0)])
    res = loop_analysis(one)
    assert res.cycles == () and res.max_circulation_usd == 0.0
    assert "none" in res.summary() and len(res.to_frame()) == 2
    assert res.to_dict()["round_trip"] == {} and res.plot().data
    blank = _ledger([("A", "B", "cloud_contract", np.nan)])
    res = loop_analysis(blank)
    assert res.gross_usd == 0.0 and math.isnan(res.circular_share)
    assert res.to_json()
