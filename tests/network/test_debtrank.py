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


# R NetworkRiskMeasures 0.1.7, the package's 3-bank example (tests/testthat/test_3_impacts.R,
# ?risk_matrix): assets_matrix <- matrix(c(0, 10, 3, 1, 0, 2, 0, 3, 0), ncol = 3) (A -> B: A
# holds an asset on B, the orientation of our `exposures`), buffer c(a = 2, b = 5, c = 2),
# weights c(a = 10, b = 100, c = 30). Reference values: contagion(exposures = assets_matrix,
# buffer = buffer, weights = weights, shock = ..., method = "debtrank", single.hit = TRUE /
# FALSE), its stress vectors capped at 1 and summary()$summary_table$additional_stress, run
# with R 4 on the package's own R sources (contagion.R, contagion_engine.R, risk_matrices.R).
NRM_ASSETS = np.array([[0, 1, 0], [10, 0, 3], [3, 2, 0]], dtype=float)
NRM_BUFFER = [2.0, 5.0, 2.0]
NRM_WEIGHTS = np.array([10.0, 100.0, 30.0]) / 140.0
NRM_SHOCKS = {
    "a": [1.0, 0.0, 0.0],
    "b": [0.0, 1.0, 0.0],
    "c": [0.0, 0.0, 1.0],
    "half": [0.5, 0.5, 0.5],
    "a10": [0.1, 0.0, 0.0],
}
# scenario -> (final stress, uncapped as R reports it; additional_stress)
NRM_SINGLE_HIT = {
    "a": ([1.5, 2.6, 2.5], 0.928571428571429),
    "b": ([0.5, 2.6, 1.75], 0.250000000000000),
    "c": ([0.3, 1.2, 2.05], 0.735714285714286),
    "half": ([0.75, 1.8, 1.75], 0.482142857142857),
    "a10": ([0.2, 0.29, 0.35], 0.289285714285714),
}
NRM_DIFFERENTIAL = {  # single.hit = FALSE (the package's default: Bardoscia et al. 2015)
    "a": ([1.5, 2.6, 2.5], 0.928571428571429),
    "b": ([0.5, 2.6, 1.75], 0.250000000000000),
    "c": ([0.5, 1.6, 2.75], 0.750000000000000),
    "half": ([1.0, 3.1, 3.0], 0.500000000000000),
    "a10": ([0.6, 1.8, 1.9], 0.964285714285714),
}


@pytest.mark.parametrize("scenario", sorted(NRM_SHOCKS))
def test_single_hit_matches_networkriskmeasures(scenario):
    stress, additional = NRM_SINGLE_HIT[scenario]
    r = debtrank(
        NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS[scenario], value=NRM_WEIGHTS, variant="single_hit"
    )
    np.testing.assert_allclose(r.distress, np.minimum(stress, 1.0), atol=1e-12)
    assert r.debtrank == pytest.approx(additional, abs=1e-12)
    assert r.variant == "single_hit" and not r.differential


@pytest.mark.parametrize("scenario", sorted(NRM_SHOCKS))
def test_differential_matches_networkriskmeasures_default(scenario):
    stress, additional = NRM_DIFFERENTIAL[scenario]
    r = debtrank(NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS[scenario], value=NRM_WEIGHTS, differential=True)
    np.testing.assert_allclose(r.distress, np.minimum(stress, 1.0), atol=1e-12)
    assert r.debtrank == pytest.approx(additional, abs=1e-12)


def test_battiston_caps_the_impact_single_hit_the_distress():
    # a 10% shock to a: Battiston caps a's impact on b (2.0) and c (1.5) at 1
    bat = debtrank(NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS["a10"], value=NRM_WEIGHTS)
    # round 1: b, c += 1 x 0.1; round 2: a += 0.5 x 0.1, b += 0.6 x 0.1, c += 1 x 0.1
    np.testing.assert_allclose(bat.distress, [0.15, 0.16, 0.2], atol=1e-12)
    assert bat.debtrank < NRM_SINGLE_HIT["a10"][1]
    # a capped impact never propagates more: Battiston <= single hit, scenario by scenario;
    # a's default reaches b and c at full strength either way (1 x min(1, 2) = min(1, 1 x 2))
    for name, shock in NRM_SHOCKS.items():
        one = debtrank(NRM_ASSETS, NRM_BUFFER, shock, value=NRM_WEIGHTS)
        assert one.debtrank <= NRM_SINGLE_HIT[name][1] + 1e-12
    one = debtrank(NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS["a"], value=NRM_WEIGHTS)
    assert one.debtrank == pytest.approx(NRM_SINGLE_HIT["a"][1], abs=1e-12)
    # c's default: b gets 0.6, passes 0.3 to a, whose impact on b (2.0) is capped at 1:
    # b ends at 0.9 under Battiston, at 1 (1.2 uncapped) in NetworkRiskMeasures
    c = debtrank(NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS["c"], value=NRM_WEIGHTS)
    np.testing.assert_allclose(c.distress, [0.3, 0.9, 1.0], atol=1e-12)
    with pytest.raises(InputError, match="variant"):
        debtrank(NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS["a"], variant="nope")
    with pytest.raises(InputError, match="contradicts"):
        debtrank(NRM_ASSETS, NRM_BUFFER, NRM_SHOCKS["a"], differential=True, variant="single_hit")
