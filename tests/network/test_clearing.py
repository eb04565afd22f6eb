"""Eisenberg-Noe / Rogers-Veraart clearing: known answers, hand-derived cases, references."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.errors import InputError
from bubblewatch.network._clearing_reference import clearing_dense_iteration, clearing_lp
from bubblewatch.network.clearing import clearing_vector

L3 = [[0, 4, 4], [2, 0, 2], [1, 1, 0]]
E3 = [1, 0.5, 1]


def test_eisenberg_noe_known_answer():
    r = clearing_vector(L3, E3, names=["A", "B", "C"])
    np.testing.assert_allclose(r.payments, [11 / 3, 10 / 3, 2], rtol=0, atol=1e-12)
    assert r.rounds == (("A",), ("A", "B"))
    assert r.defaulted.tolist() == [True, True, False]
    assert r.unique
    d = r.to_dict()
    assert d["defaulted"] == ["A", "B"] and d["rounds"] == [["A"], ["A", "B"]]
    assert set(d["payments"]) == {"A", "B", "C"}


def test_rogers_veraart_known_answer_and_non_uniqueness():
    r = clearing_vector(L3, E3, alpha=0.5, beta=0.5, names=["A", "B", "C"])
    np.testing.assert_allclose(r.payments, [19 / 15, 16 / 15, 2], rtol=0, atol=1e-12)
    assert r.rounds == (("A",), ("A", "B"))
    # by hand: if all three default, p = 0.5 e + 0.5 Pi^T p gives (0.9, 0.7, 0.9) and C's
    # assets 1 + 0.5*0.9 + 0.5*0.7 = 1.8 < 2, so that is a (lower) clearing vector too
    assert not r.unique
    np.testing.assert_allclose(r.least, [0.9, 0.7, 0.9], atol=1e-12)


def test_pure_ring_is_not_unique_and_greatest_is_returned():
    ring = [[0, 5, 0, 0], [0, 0, 5, 0], [0, 0, 0, 5], [5, 0, 0, 0]]
    r = clearing_vector(ring, [0, 0, 0, 0])
    np.testing.assert_allclose(r.payments, [5, 5, 5, 5])
    assert not r.unique and r.rounds == ()
    np.testing.assert_allclose(r.least, 0.0)
    assert "NOT unique" in r.summary()


def test_ring_with_outside_assets_is_unique():
    ring = [[0, 5, 0], [0, 0, 5], [5, 0, 0]]
    r = clearing_vector(ring, [0, 0, 1])
    assert r.unique
    np.testing.assert_allclose(r.payments, [5, 5, 5])


def test_hand_derived_chain_default():
    # A owes B 10 with 4 outside; B owes C 8 with 3 outside: A pays 4, B has 7 < 8 and pays 7
    L = [[0, 10, 0], [0, 0, 8], [0, 0, 0]]
    r = clearing_vector(L, [4, 3, 0], names=list("ABC"))
    np.testing.assert_allclose(r.payments, [4, 7, 0])
    assert r.rounds == (("A",), ("A", "B"))
    # with default costs alpha = beta = 0.5: A pays 2, B has 3 + 2 = 5 and pays 0.5*3 + 0.5*2
    r2 = clearing_vector(L, [4, 3, 0], alpha=0.5, beta=0.5)
    np.testing.assert_allclose(r2.payments, [2, 2.5, 0])


def test_unequal_closed_pair_has_zero_alternative():
    r = clearing_vector([[0, 2], [1, 0]], [0, 0], names=["A", "B"])
    np.testing.assert_allclose(r.payments, [1, 1])
    assert not r.unique


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_dense_iteration_and_linear_programme(seed):
    rng = np.random.default_rng(seed)
    n = 60
    L = np.zeros((n, n))
    for i in range(n):
        js = rng.choice(np.delete(np.arange(n), i), size=5, replace=False)
        L[i, js] = rng.exponential(1.0, 5)
    e = rng.exponential(0.6, n)
    r = clearing_vector(sp.csr_matrix(L), e)
    p_dense, _ = clearing_dense_iteration(L, e)
    p_lp = clearing_lp(L, e)
    assert r.defaulted.any()
    np.testing.assert_allclose(r.payments, p_dense, atol=1e-9)
    np.testing.assert_allclose(r.payments, p_lp, atol=1e-7)
    rv = clearing_vector(L, e, alpha=0.7, beta=0.9)
    p_rv, _ = clearing_dense_iteration(L, e, alpha=0.7, beta=0.9)
    np.testing.assert_allclose(rv.payments, p_rv, atol=1e-9)


def test_is_a_fixed_point():
    rng = np.random.default_rng(5)
    L = rng.exponential(1.0, (30, 30)) * (rng.random((30, 30)) < 0.2)
    np.fill_diagonal(L, 0)
    e = rng.exponential(0.5, 30)
    r = clearing_vector(L, e)
    pbar = L.sum(1)
    Pi = np.divide(L, pbar[:, None], out=np.zeros_like(L), where=pbar[:, None] > 0)
    np.testing.assert_allclose(r.payments, np.minimum(pbar, e + Pi.T @ r.payments), atol=1e-12)


def test_validation():
    with pytest.raises(InputError, match="square"):
        clearing_vector([[0, 1, 2]], [1])
    with pytest.raises(InputError, match="diagonal"):
        clearing_vector([[1, 1], [1, 0]], [1, 1])
    with pytest.raises(InputError, match="outside_assets"):
        clearing_vector(L3, [1, 2])
    with pytest.raises(InputError, match="alpha"):
        clearing_vector(L3, E3, alpha=0)


def test_result_interface():
    r = clearing_vector(L3, E3, names=["A", "B", "C"])
    df = r.to_frame()
    assert list(df.columns) == ["owes", "pays", "shortfall", "assets", "defaulted"]
    assert r.plot().data
    assert '"unique": true' in r.to_json()


def _rv_map(L, e, p, alpha, beta):
    pbar = L.sum(1)
    Pi = np.divide(L, pbar[:, None], out=np.zeros_like(L), where=pbar[:, None] > 0)
    v = e + Pi.T @ p
    return np.where(v >= pbar - 1e-12, pbar, np.minimum(pbar, alpha * e + beta * (Pi.T @ p)))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_rogers_veraart_greatest_and_least_are_clearing_vectors(seed):
    rng = np.random.default_rng(seed)
    n = 40
    L = rng.exponential(1.0, (n, n)) * (rng.random((n, n)) < 0.15)
    np.fill_diagonal(L, 0)
    e = rng.exponential(0.8, n)
    r = clearing_vector(L, e, alpha=0.6, beta=0.7)
    np.testing.assert_allclose(_rv_map(L, e, r.payments, 0.6, 0.7), r.payments, atol=1e-10)
    np.testing.assert_allclose(_rv_map(L, e, r.least, 0.6, 0.7), r.least, atol=1e-10)
    assert (r.least <= r.payments + 1e-12).all()
    assert r.unique == bool(np.abs(r.least - r.payments).max() <= 1e-9 * L.sum(1).max())


def test_iterative_and_direct_solves_agree(monkeypatch):
    import bubblewatch.network.clearing as clearing

    rng = np.random.default_rng(11)
    n = 300
    L = rng.exponential(1.0, (n, n)) * (rng.random((n, n)) < 0.03)
    np.fill_diagonal(L, 0)
    e = rng.uniform(0, 1.5, n)
    direct = clearing.clearing_vector(L, e)
    rv_direct = clearing.clearing_vector(L, e, alpha=0.8, beta=0.9)
    monkeypatch.setattr(clearing, "DIRECT_SOLVE_MAX", 5)
    iterative = clearing.clearing_vector(L, e)
    rv_iterative = clearing.clearing_vector(L, e, alpha=0.8, beta=0.9)
    assert direct.defaulted.sum() > 5
    np.testing.assert_allclose(iterative.payments, direct.payments, atol=1e-10)
    np.testing.assert_allclose(rv_iterative.payments, rv_direct.payments, atol=1e-10)
    assert iterative.rounds == direct.rounds


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=7).flatmap(
        lambda n: st.tuples(
            st.lists(
                st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5, 4.0]), min_size=n, max_size=n),
                min_size=n,
                max_size=n,
            ),
            st.lists(st.sampled_from([0.0, 0.5, 1.0, 3.0]), min_size=n, max_size=n),
        )
    ),
    st.sampled_from([(1.0, 1.0), (0.5, 0.5), (0.9, 0.6)]),
)
def test_clearing_properties(case, ab):
    L, e = np.array(case[0]), np.array(case[1])
    np.fill_diagonal(L, 0.0)
    alpha, beta = ab
    r = clearing_vector(L, e, alpha=alpha, beta=beta)
    pbar = L.sum(1)
    assert (r.payments >= -1e-12).all() and (r.payments <= pbar + 1e-12).all()
    np.testing.assert_allclose(_rv_map(L, e, r.payments, alpha, beta), r.payments, atol=1e-9)
    if r.least is not None:
        np.testing.assert_allclose(_rv_map(L, e, r.least, alpha, beta), r.least, atol=1e-9)
        assert (r.least <= r.payments + 1e-9).all()
    # greatest: matches the dense iteration from pbar
    p_dense, _ = clearing_dense_iteration(L, e, alpha, beta)
    np.testing.assert_allclose(r.payments, p_dense, atol=1e-9)


def test_a_ring_that_pays_itself_exactly_is_solvent_in_the_reference_too():
    """Found by hypothesis: 2.5/3.5 * 3.5 rounds 4e-16 below 2.5; the dense reference took
    that party as a defaulter (Rogers-Veraart discount: payments 0.61/0.22), the solver not."""
    L = np.array([[0, 0, 0, 0], [0, 0, 1, 2.5], [0, 0, 0, 0], [0, 2.5, 0, 0.0]])
    e = np.array([0, 1.0, 0, 0])
    p_dense, _ = clearing_dense_iteration(L, e, 0.5, 0.5)
    np.testing.assert_allclose(clearing_vector(L, e, alpha=0.5, beta=0.5).payments, p_dense)
    np.testing.assert_allclose(p_dense, [0, 3.5, 0, 2.5])


def test_huge_amounts_are_rescaled_exactly_or_refused():
    """Issue 10 item 7: liabilities of 1e308 gave NaN payments and exit 0."""
    from bubblewatch.errors import InputError

    big = clearing_vector([[0, 1e308], [1e308, 0]], [0.0, 0.0], names=["A", "B"])
    assert big.payments.tolist() == [1e308, 1e308]
    assert big.assets.tolist() == [1e308, 1e308]
    # the same network in small units: the same answer times the unit, exactly
    small = clearing_vector([[0, 3.0], [1.0, 0]], [1.0, 0.5], names=["A", "B"])
    scaled = clearing_vector([[0, 3e300], [1e300, 0]], [1e300, 5e299], names=["A", "B"])
    np.testing.assert_allclose(scaled.payments, small.payments * 1e300, rtol=1e-15)
    assert scaled.defaulted.tolist() == small.defaulted.tolist()
    with pytest.raises(InputError, match="A owes more in all than the largest number"):
        clearing_vector([[0, 1e308, 1e308], [0, 0, 0], [0, 0, 0]], [0, 0, 0], names=list("ABC"))
    with pytest.raises(InputError, match=r"A's assets .* more than the largest number"):
        clearing_vector([[0, 1e308], [1e308, 0]], [1e308, 0.0], names=["A", "B"])


def test_network_clear_cli_refuses_an_overflow(tmp_path, capsys):
    from bubblewatch.cli import main

    L = tmp_path / "L.csv"
    L.write_text("owes,A,B,C\nA,,1e308,1e308\nB,,,\nC,,,\n", encoding="utf-8")
    E = tmp_path / "E.csv"
    E.write_text("party,outside_assets\nA,1\nB,1\nC,1\n", encoding="utf-8")
    assert main(["network", "clear", str(L), str(E), "--json"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "A owes more in all than the largest number a double holds" in err
