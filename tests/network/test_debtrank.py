"""DebtRank and differential DebtRank: hand-derived cases and the dense reference."""

from __future__ import annotations

import numpy as np
import pytest

from bubblewatch.errors import InputError
from bubblewatch.network._clearing_reference import debtrank_dense
from bubblewatch.network.debtrank import debtrank, leverage_matrix


def test_two_node_cycle_by_hand():
    # Lambda = [[0, .5], [.5, 0]]; A loses 20%.
    # DebtRank: t2 B gets 0.5*0.2 = 0.1 (A goes inactive); t3 A gets 0.5*0.1 -> 0.25, B inactive.
    r = debtrank([[0, 5], [5, 0]], [10, 10], {"0": 0.2})
    np.testing.assert_allclose(r.distress, [0.25, 0.1])
    assert r.rounds == 2
    # v = equity shares = (0.5, 0.5): R = 0.5*(0.25 + 0.1) - 0.5*0.2
    assert r.debtrank == pytest.approx(0.075)
    assert r.equity_loss == pytest.approx(3.5)
    # differential: h = (I - Lambda)^{-1} h0 = (0.2/0.75, 0.1/0.75) (no cap binds)
    d = debtrank([[0, 5], [5, 0]], [10, 10], [0.2, 0], differential=True)
    np.testing.assert_allclose(d.distress, [0.2 / 0.75, 0.1 / 0.75], atol=1e-12)
    assert d.converged and d.debtrank > r.debtrank


def test_chain_caps_at_one():
    # B lends 5 to A (equity 10): h_B = 0.5; C lends 30 to B (equity 10): impact
    # min(1, 3) = 1 in DebtRank -> h_C = 0.5; differential uses Lambda = 3 -> min(1, 1.5) = 1
    A = np.array([[0, 0, 0], [5, 0, 0], [0, 30, 0]])
    r = debtrank(A, [10, 10, 10], [1.0, 0, 0])
    np.testing.assert_allclose(r.distress, [1.0, 0.5, 0.5])
    d = debtrank(A, [10, 10, 10], [1.0, 0, 0], differential=True)
    np.testing.assert_allclose(d.distress, [1.0, 0.5, 1.0])


def test_star_example_battiston():
    # a hub everyone is exposed to for their whole equity: the hub's default wipes them out
    n = 5
    A = np.zeros((n, n))
    A[1:, 0] = 10.0
    r = debtrank(A, np.full(n, 10.0), [1, 0, 0, 0, 0], value=np.full(n, 0.2))
    np.testing.assert_allclose(r.distress, 1.0)
    assert r.debtrank == pytest.approx(0.8)


@pytest.mark.parametrize("differential", [False, True])
def test_matches_dense_reference(differential):
    rng = np.random.default_rng(3)
    n = 80
    A = rng.exponential(1.0, (n, n)) * (rng.random((n, n)) < 0.08)
    np.fill_diagonal(A, 0)
    E = rng.uniform(2, 8, n)
    h0 = np.zeros(n)
    h0[rng.choice(n, 4, replace=False)] = 0.5
    r = debtrank(A, E, h0, differential=differential)
    Lam = leverage_matrix(A, E).toarray()
    W = Lam if differential else np.minimum(Lam, 1.0)
    np.testing.assert_allclose(
        r.distress, debtrank_dense(W, h0, differential=differential), atol=1e-12
    )
    assert np.all(r.distress >= h0)


def test_validation_and_interface():
    with pytest.raises(InputError, match="equity"):
        debtrank([[0, 1], [1, 0]], [0, 1], [0.1, 0])
    with pytest.raises(InputError, match="shock"):
        debtrank([[0, 1], [1, 0]], [1, 1], [1.5, 0])
    with pytest.raises(InputError, match="unknown party"):
        debtrank([[0, 1], [1, 0]], [1, 1], {"Z": 0.5})
    r = debtrank([[0, 5], [5, 0]], [10, 10], [0.2, 0], names=["A", "B"])
    assert "DebtRank" in r.summary() and r.plot().data and '"debtrank"' in r.to_json()
