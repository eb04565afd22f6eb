"""Compiled loops of the residual bootstrap: standardized residuals and the rebuilt series.

``est[t]`` is the estimate that generates observation t (the one dated t-1); ``chol[e]`` the
lower Cholesky factor of estimate e's residual covariance.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["rebuild", "standardized_residuals"]


@njit(cache=True)
def standardized_residuals(
    y: np.ndarray,
    p: int,
    coefs: np.ndarray,
    intercept: np.ndarray,
    chol: np.ndarray,
    est: np.ndarray,
) -> np.ndarray:
    """``L_g^{-1} (y_t - c_g - sum_l A_{g,l} y_{t-1-l})`` for t = p..n-1 (g = est[t])."""
    n, k = y.shape
    u = np.empty((n - p, k))
    r = np.empty(k)
    for t in range(p, n):
        g = est[t]
        for i in range(k):
            acc = y[t, i] - intercept[g, i]
            for la in range(p):
                for j in range(k):
                    acc -= coefs[g, la, i, j] * y[t - 1 - la, j]
            r[i] = acc
        for i in range(k):
            acc = r[i]
            for h in range(i):
                acc -= chol[g, i, h] * u[t - p, h]
            u[t - p, i] = acc / chol[g, i, i]
    return u


@njit(cache=True)
def rebuild(
    y: np.ndarray,
    p: int,
    coefs: np.ndarray,
    intercept: np.ndarray,
    chol: np.ndarray,
    est: np.ndarray,
    u: np.ndarray,
) -> np.ndarray:
    """The series ``y*_t = c_g + sum_l A_{g,l} y*_{t-1-l} + L_g u_t`` from the first p values."""
    n, k = y.shape
    out = np.empty((n, k))
    for t in range(p):
        for i in range(k):
            out[t, i] = y[t, i]
    for t in range(p, n):
        g = est[t]
        for i in range(k):
            acc = intercept[g, i]
            for la in range(p):
                for j in range(k):
                    acc += coefs[g, la, i, j] * out[t - 1 - la, j]
            for h in range(i + 1):
                acc += chol[g, i, h] * u[t - p, h]
            out[t, i] = acc
    return out
