"""Priors of the TVP-VAR's initial state: OLS ("Bayes"), Minnesota and uninformative.

The state vector stacks the VAR coefficients lag by lag and, inside a lag, equation by
equation: element ``l*k*k + i*k + j`` is ``A_{l+1}[i, j]`` (the effect of ``y_{t-l-1}[j]`` on
``y_t[i]``). Every prior gives the state's mean ``b0`` (m,), its covariance ``v0`` (m, m) and,
optionally, the first residual covariance ``q0`` (k, k); m = p*k*k.

References
----------
.. [1] Primiceri, G. E. (2005). Time varying structural vector autoregressions and monetary
       policy. *Review of Economic Studies*, 72(3), 821-852.
.. [2] Koop, G. & Korobilis, D. (2010). Bayesian multivariate time series methods for empirical
       macroeconomics. *Foundations and Trends in Econometrics*, 3(4), 267-358.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market import _spillover_kernels as SK
from bubblewatch.validation import ArrayLike, Integer, Real, validate_params

__all__ = ["Prior", "bayes_prior", "minnesota_prior", "uninformative_prior"]


@dataclasses.dataclass(frozen=True)
class Prior:
    """Initial state of the Kalman filter.

    Attributes
    ----------
    name : str
        ``"bayes"``, ``"minnesota"`` or ``"uninformative"``.
    b0 : ndarray (m,)
        Prior mean of the stacked coefficients.
    v0 : ndarray (m, m)
        Prior covariance of the stacked coefficients.
    q0 : ndarray (k, k) or None
        First residual covariance (``None``: the sample covariance of the data is used).
    nobs : int or None
        Observations the prior was estimated on (the OLS prior only).
    """

    name: str
    b0: np.ndarray
    v0: np.ndarray
    q0: np.ndarray | None
    nobs: int | None = None


def _check(k: int, lags: int) -> None:
    if int(k) != k or k < 2:
        raise InputError(f"a prior needs at least two series; got k={k!r}")
    if int(lags) != lags or lags < 1:
        raise InputError(f"lags must be a positive integer; got {lags!r}")


@validate_params(k=Integer(min=2), lags=Integer(min=1), gamma=Real(min=0, min_open=True))
def minnesota_prior(k: int, lags: int, gamma: float = 0.1) -> Prior:
    """Minnesota prior: zero mean, diagonal covariance ``gamma / l**2`` for lag ``l``.

    Examples
    --------
    >>> p = minnesota_prior(2, 2, gamma=0.1)
    >>> np.diag(p.v0).round(3).tolist()
    [0.1, 0.1, 0.1, 0.1, 0.025, 0.025, 0.025, 0.025]
    """
    _check(k, lags)
    if not (np.isfinite(gamma) and gamma > 0):
        raise InputError(f"gamma (the Minnesota prior's variance) must be > 0; got {gamma!r}")
    lag = np.repeat(np.arange(1, lags + 1), k * k)
    return Prior("minnesota", np.zeros(lags * k * k), np.diag(gamma / lag**2.0), None)


@validate_params(k=Integer(min=2), lags=Integer(min=1))
def uninformative_prior(k: int, lags: int) -> Prior:
    """Zero mean and covariance ``4 I`` (Koop & Korobilis 2010)."""
    _check(k, lags)
    m = lags * k * k
    return Prior("uninformative", np.zeros(m), 4.0 * np.eye(m), None)


@validate_params(
    y=ArrayLike(what="a 2-D array (observations x series)"),
    lags=Integer(min=1),
    nobs=[None, Integer(min=2)],
)
def bayes_prior(y: np.ndarray, lags: int, nobs: int | None = None) -> Prior:
    """OLS prior from a VAR(p) with intercept on the first ``nobs`` observations.

    The mean is the OLS coefficient vector, the covariance the matching block of
    ``(sum_t Z_t' Z_t)^+`` (not scaled by the residual variance, as the reference package
    does) and ``q0`` the residual covariance ``U'U / n`` (n regressions, no degrees-of-freedom
    correction). ``nobs=None`` uses the whole sample.
    """
    y = np.asarray(y, dtype=float)
    n_all, k = y.shape
    _check(k, lags)
    n = n_all if nobs is None else int(nobs)
    if n - lags < 1 + k * lags:
        raise InsufficientDataError(
            f"the OLS prior of a VAR({lags}) on {k} series needs at least {lags + 1 + k * lags} "
            f"observations in its window; got {n}"
        )
    if n > n_all:
        raise InsufficientDataError(
            f"the prior window ({n} observations) is longer than the sample ({n_all})"
        )
    x, yy = SK.design(y[:n], lags)
    xtx = x.T @ x
    inv = np.linalg.pinv(xtx)
    b = inv @ (x.T @ yy)  # (1 + kp, k)
    u = yy - x @ b
    q0 = u.T @ u / len(yy)
    m = lags * k * k
    b0 = np.empty(m)
    v0 = np.zeros((m, m))
    lagblock = inv[1:, 1:]  # (kp, kp), rows/cols ordered (lag, variable)
    for la in range(lags):
        for i in range(k):
            b0[la * k * k + i * k : la * k * k + (i + 1) * k] = b[1 + la * k : 1 + (la + 1) * k, i]
    # v0[(l,i,j), (l',i',j')] = delta_{ii'} * inv[(l,j), (l',j')]
    idx = np.arange(m)
    lag_of, eq_of, var_of = idx // (k * k), (idx // k) % k, idx % k
    same_eq = eq_of[:, None] == eq_of[None, :]
    pos = lag_of * k + var_of
    v0[same_eq] = lagblock[pos[:, None], pos[None, :]][same_eq]
    return Prior("bayes", b0, v0, q0, nobs=len(yy))
