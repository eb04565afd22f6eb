"""Models: the compiled TVP-VAR filter against its dense reference, priors, QVAR, joint shares."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.market import _spillover_kernels as SK
from bubblewatch.market.connectedness import _fevd_kernels as FK
from bubblewatch.market.connectedness import _quantreg_kernels as QK
from bubblewatch.market.connectedness import _tvp_var_kernels as TK
from bubblewatch.market.connectedness import (
    connectedness,
    fit_qvar,
    fit_tvp_var,
    fit_var,
    joint_connectedness,
)
from bubblewatch.market.connectedness import priors as P


def _var_data(n: int = 240, k: int = 3, seed: int = 0, unit_root: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = np.array([[0.4, 0.1, 0.0], [0.2, 0.3, 0.1], [0.0, 0.2, 0.5]])[:k, :k]
    if unit_root:
        a = np.eye(k) * 0.995
    y = np.zeros((n, k))
    e = rng.standard_normal((n, k)) @ np.linalg.cholesky(np.eye(k) * 0.7 + 0.3).T
    for t in range(1, n):
        y[t] = a @ y[t - 1] + e[t]
    return pd.DataFrame(
        y, columns=[f"s{i}" for i in range(k)], index=pd.bdate_range("2024-01-01", periods=n)
    )


@pytest.mark.parametrize(
    ("lags", "unit_root", "prior"),
    [(1, False, "bayes"), (2, False, "minnesota"), (1, True, "uninformative"), (2, True, "bayes")],
)
def test_compiled_filter_equals_dense_reference(lags, unit_root, prior):
    df = _var_data(unit_root=unit_root, seed=lags)
    y = df.to_numpy()
    k = y.shape[1]
    if prior == "bayes":
        pr = P.bayes_prior(y, lags, 120)
    elif prior == "minnesota":
        pr = P.minnesota_prior(k, lags, 0.1)
    else:
        pr = P.uninformative_prior(k, lags)
    q0 = pr.q0 if pr.q0 is not None else np.cov(y, rowvar=False)
    yc = np.ascontiguousarray(y - y.mean(axis=0))
    c1, s1, f1, status, _ = TK.tvp_var_filter(yc, lags, pr.b0, pr.v0, q0, 0.98, 0.97)
    c2, s2, f2 = TK.tvp_var_filter_reference(yc, lags, pr.b0, pr.v0, q0, 0.98, 0.97)
    assert status == TK.OK
    np.testing.assert_allclose(c1, c2, atol=1e-10)
    np.testing.assert_allclose(s1, s2, atol=1e-10)
    assert (f1 == f2).all()
    for t in range(len(c1)):  # every kept coefficient set is stable
        assert TK.companion_radius(c1[t]) <= 1.0 + 1e-12


def test_explosive_updates_keep_previous_coefficients():
    """A random walk drives updates past the unit circle: the reference's fallback applies."""
    df = _var_data(n=300, unit_root=True, seed=3).cumsum()
    fit = fit_tvp_var(df, prior="uninformative", kappa1=0.96)
    assert fit.fallbacks.any()
    t = int(np.flatnonzero(fit.fallbacks)[0])
    np.testing.assert_array_equal(fit.coefs[t], fit.coefs[t - 1])
    c = connectedness(df, prior="uninformative", kappa1=0.96)
    assert np.isfinite(c.tci_t).all()
    assert "fallback_dates" in c.to_dict()


def test_batch_filter_equals_single_runs():
    df = _var_data(seed=5)
    fit = fit_tvp_var(df, prior="minnesota")
    from bubblewatch.market.connectedness.tvp_var import fit_tvp_var_batch

    other = df.to_numpy()[::-1].copy()
    fits = fit_tvp_var_batch(fit, [df.to_numpy(), other])
    np.testing.assert_allclose(fits[0].coefs, fit.coefs, atol=1e-12)
    single = fit_tvp_var(pd.DataFrame(other, index=df.index, columns=df.columns), prior="minnesota")
    np.testing.assert_allclose(fits[1].sigma, single.sigma, atol=1e-12)


def test_bayes_prior_is_ols_with_intercept():
    df = _var_data()
    y = df.to_numpy()
    pr = P.bayes_prior(y, 2, 150)
    a, _c, _s = SK.var_ols_reference(y[:150], 2)
    np.testing.assert_allclose(pr.b0.reshape(2, 3, 3), a, atol=1e-10)
    x, yy = SK.design(y[:150], 2)
    u = yy - x @ np.linalg.lstsq(x, yy, rcond=None)[0]
    np.testing.assert_allclose(pr.q0, u.T @ u / len(u), atol=1e-12)
    inv = np.linalg.inv(x.T @ x)[1:, 1:]
    # v0[(l,i,j),(l',i,j')] = inv[(l,j),(l',j')] within an equation, 0 across equations
    assert pr.v0[0 * 9 + 1 * 3 + 2, 1 * 9 + 1 * 3 + 0] == pytest.approx(inv[2, 3])
    assert pr.v0[0, 3] == 0.0
    assert pr.nobs == 148


def test_minnesota_prior_of_reference():
    p = P.minnesota_prior(3, 2, gamma=0.2)
    d = np.diag(p.v0)
    assert d[:9] == pytest.approx([0.2] * 9) and d[9:] == pytest.approx([0.05] * 9)
    assert P.uninformative_prior(2, 1).v0[0, 0] == 4.0


def test_quantile_regression_matches_linear_programme():
    rng = np.random.default_rng(2)
    for tau in (0.05, 0.3, 0.5, 0.9):
        x = np.column_stack([np.ones(150), rng.standard_normal((150, 3))])
        y = x @ np.array([0.1, 0.5, -0.2, 0.3]) + rng.standard_t(3, 150)
        b, ok = QK.quantile_regression(x, y, tau)
        exact = QK.quantile_regression_reference(x, y, tau)
        assert ok
        np.testing.assert_allclose(b, exact, atol=1e-7)


def test_rolling_qvar_equals_window_by_window():
    df = _var_data(n=120)
    fit = fit_qvar(df, tau=0.25, window=60)
    y = df.to_numpy()
    assert len(fit.index) == 120 - 59 + 1 and fit.index[0] == df.index[58]
    for e in (0, 17, len(fit.index) - 1):
        win = y[e : e + 59]
        x, yy = SK.design(win, 1)
        for i in range(3):
            b = QK.quantile_regression_reference(x, yy[:, i], 0.25)
            np.testing.assert_allclose(fit.coefs[e, 0, i], b[1:], atol=1e-6)


def test_rolling_var_windows_follow_reference_convention():
    df = _var_data(n=100)
    fit = fit_var(df, lags=2, window=50)
    # window.size 50 with nlag 2: estimates on 48 observations, first dated at row 47
    assert fit.index[0] == df.index[47] and len(fit.index) == 100 - 48 + 1
    a, c, s = SK.var_ols_reference(df.to_numpy()[:48], 2)
    np.testing.assert_allclose(fit.coefs[0], a, atol=1e-10)
    np.testing.assert_allclose(fit.intercept[0], c, atol=1e-10)
    np.testing.assert_allclose(fit.sigma[0], s * (46 - 7) / 46, atol=1e-10)  # U'U / n


def test_joint_kernel_equals_projection_formula():
    rng = np.random.default_rng(4)
    a = rng.uniform(-0.3, 0.3, (2, 4, 4))
    m = rng.standard_normal((4, 4))
    sig = m @ m.T + np.eye(4)
    got, ok = FK.joint_from(a[None], sig[None], 12)
    assert ok[0]
    np.testing.assert_allclose(got[0], FK.joint_from_reference(a, sig, 12), atol=1e-12)


def test_joint_measures_consistency():
    df = _var_data(n=200)
    j = joint_connectedness(fit_var(df, lags=1), horizon=10)
    assert float(j.to.sum()) == pytest.approx(float(j.from_.sum()), abs=1e-12)
    assert abs(float(j.net.sum())) < 1e-12
    e = connectedness(df, model="var", approach="extended-joint")
    np.testing.assert_allclose(np.asarray(e.fevd).sum(axis=2), 1.0, atol=1e-12)
    assert e.tci == pytest.approx(j.tci, abs=1e-12)
