"""Numba kernels of the Diebold-Yilmaz spillovers, with plain numpy references for the tests.

The rolling kernel slides a window over the sample and reuses work between windows: the
OLS cross-products ``X'X``, ``X'Y`` and ``Y'Y`` are updated by adding the observation that
enters and removing the one that leaves (rank-one updates), and recomputed from scratch every
``refresh`` windows so that rounding errors cannot accumulate. Each window then costs one
small linear solve plus the MA recursion and the FEVD, all inside one compiled loop.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "CHOLESKY",
    "GENERALIZED",
    "design",
    "fevd_reference",
    "ma_coefficients_reference",
    "ma_terms",
    "rolling_connectedness",
    "rolling_var",
    "var_ols_reference",
]

GENERALIZED = 0
CHOLESKY = 1


# --------------------------------------------------------------------------- numpy references
def design(y: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Regressors ``[1, y_{t-1}, ..., y_{t-p}]`` and targets ``y_t`` for t = p..n-1."""
    n, k = y.shape
    x = np.ones((n - p, 1 + k * p))
    for j in range(1, p + 1):
        x[:, 1 + (j - 1) * k : 1 + j * k] = y[p - j : n - j]
    return x, y[p:]


def var_ols_reference(y: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS VAR(p) with intercept: coefficient blocks A (p, k, k), intercept c (k,), Sigma (k, k).

    Sigma is ``U'U / (T - kp - 1)`` (the statsmodels convention; the FEVDs do not depend on the
    divisor).
    """
    x, yy = design(y, p)
    b, *_ = np.linalg.lstsq(x, yy, rcond=None)
    u = yy - x @ b
    t, m = x.shape
    sigma = u.T @ u / (t - m)
    k = y.shape[1]
    a = np.empty((p, k, k))
    for j in range(p):
        a[j] = b[1 + j * k : 1 + (j + 1) * k].T
    return a, b[0], sigma


def ma_coefficients_reference(a: np.ndarray, n_terms: int) -> np.ndarray:
    """MA matrices Phi_0..Phi_{n_terms-1} of a VAR with blocks ``a`` (Phi_0 = I)."""
    p, k, _ = a.shape
    phi = np.zeros((n_terms, k, k))
    phi[0] = np.eye(k)
    for h in range(1, n_terms):
        for j in range(1, min(h, p) + 1):
            phi[h] += a[j - 1] @ phi[h - j]
    return phi


def fevd_reference(phi: np.ndarray, sigma: np.ndarray, method: int) -> np.ndarray:
    """Row-normalised FEVD: generalized (Pesaran-Shin) or Cholesky (Sims)."""
    k = sigma.shape[0]
    num = np.zeros((k, k))
    den = np.zeros(k)
    if method == GENERALIZED:
        for ph in phi:
            ps = ph @ sigma
            num += ps**2
            den += np.einsum("ij,ij->i", ps, ph)
        num = num / np.diag(sigma)[None, :]
    else:
        chol = np.linalg.cholesky(sigma)
        for ph in phi:
            num += (ph @ chol) ** 2
            den += np.einsum("ij,ij->i", ph @ sigma, ph)
    theta = num / den[:, None]
    return theta / theta.sum(axis=1, keepdims=True)


# --------------------------------------------------------------------------- numba kernels
@njit(cache=True)
def _matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """out = a @ b for small matrices (plain loops: no BLAS call, quick to compile)."""
    n, m = a.shape
    q = b.shape[1]
    for i in range(n):
        for j in range(q):
            s = 0.0
            for r in range(m):
                s += a[i, r] * b[r, j]
            out[i, j] = s


@njit(cache=True)
def ma_terms(a: np.ndarray, n_terms: int) -> np.ndarray:
    """MA matrices Phi_0..Phi_{n_terms-1} of the VAR with blocks ``a`` (p, k, k), compiled."""
    p, k = a.shape[0], a.shape[1]
    phi = np.zeros((n_terms, k, k))
    for i in range(k):
        phi[0, i, i] = 1.0
    tmp = np.empty((k, k))
    for h in range(1, n_terms):
        for j in range(1, min(h, p) + 1):
            _matmul(a[j - 1], phi[h - j], tmp)
            phi[h] += tmp
    return phi


@njit(cache=True)
def _fevd(a: np.ndarray, sigma: np.ndarray, n_terms: int, method: int, out: np.ndarray) -> bool:
    k = a.shape[1]
    phi = ma_terms(a, n_terms)
    num = np.zeros((k, k))
    ps = np.empty((k, k))
    pc = np.empty((k, k))
    den = np.zeros(k)
    if method == GENERALIZED:
        for i in range(k):
            if not sigma[i, i] > 0.0:
                return False
        for h in range(n_terms):
            _matmul(phi[h], sigma, ps)
            for i in range(k):
                s = 0.0
                for j in range(k):
                    num[i, j] += ps[i, j] * ps[i, j] / sigma[j, j]
                    s += ps[i, j] * phi[h, i, j]
                den[i] += s
    else:
        # Cholesky factor by hand (no exception inside the loop when not positive definite)
        chol = np.zeros((k, k))
        for j in range(k):
            s = sigma[j, j]
            for m in range(j):
                s -= chol[j, m] * chol[j, m]
            if not s > 0.0:
                return False
            chol[j, j] = np.sqrt(s)
            for i in range(j + 1, k):
                t = sigma[i, j]
                for m in range(j):
                    t -= chol[i, m] * chol[j, m]
                chol[i, j] = t / chol[j, j]
        for h in range(n_terms):
            _matmul(phi[h], chol, pc)
            _matmul(phi[h], sigma, ps)
            for i in range(k):
                s = 0.0
                for j in range(k):
                    num[i, j] += pc[i, j] * pc[i, j]
                    s += ps[i, j] * phi[h, i, j]
                den[i] += s
    for i in range(k):
        if not den[i] > 0.0:
            return False
        row = 0.0
        for j in range(k):
            out[i, j] = num[i, j] / den[i]
            row += out[i, j]
        for j in range(k):
            out[i, j] /= row
    return True


@njit(cache=True)
def rolling_var(
    y: np.ndarray, window: int, p: int, refresh: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """OLS VAR(p) with intercept re-estimated on every window of ``window`` observations.

    Returns coefficient blocks (n_windows, p, k, k), intercepts (n_windows, k), residual
    covariances ``U'U / (window - p - kp - 1)`` (n_windows, k, k) and ``ok`` (n_windows,) -
    False where the window's regressors were singular (NaN there).
    """
    n, k = y.shape
    m = 1 + k * p
    n_win = n - window + 1
    length = window - p  # regressions per window
    coefs = np.full((n_win, p, k, k), np.nan)
    intercept = np.full((n_win, k), np.nan)
    sigmas = np.full((n_win, k, k), np.nan)
    ok = np.zeros(n_win, dtype=np.bool_)
    xtx = np.zeros((m, m))
    xty = np.zeros((m, k))
    yty = np.zeros((k, k))
    z = np.empty(m)
    sigma = np.empty((k, k))
    for w in range(n_win):
        if w % refresh == 0:
            xtx[:, :] = 0.0
            xty[:, :] = 0.0
            yty[:, :] = 0.0
            for t in range(w + p, w + window):
                z[0] = 1.0
                for j in range(1, p + 1):
                    for c in range(k):
                        z[1 + (j - 1) * k + c] = y[t - j, c]
                for r in range(m):
                    for c in range(m):
                        xtx[r, c] += z[r] * z[c]
                    for c in range(k):
                        xty[r, c] += z[r] * y[t, c]
                for r in range(k):
                    for c in range(k):
                        yty[r, c] += y[t, r] * y[t, c]
        else:
            # remove the regression of row w - 1 + p, add the one of row w + window - 1
            for sgn, t in ((-1.0, w - 1 + p), (1.0, w + window - 1)):
                z[0] = 1.0
                for j in range(1, p + 1):
                    for c in range(k):
                        z[1 + (j - 1) * k + c] = y[t - j, c]
                for r in range(m):
                    for c in range(m):
                        xtx[r, c] += sgn * z[r] * z[c]
                    for c in range(k):
                        xty[r, c] += sgn * z[r] * y[t, c]
                for r in range(k):
                    for c in range(k):
                        yty[r, c] += sgn * y[t, r] * y[t, c]
        # symmetric positive-definite solve by Cholesky (guarding against singular windows)
        lo = np.zeros((m, m))
        good = True
        for j in range(m):
            s = xtx[j, j]
            for q in range(j):
                s -= lo[j, q] * lo[j, q]
            if not s > 1e-12 * max(1.0, xtx[j, j]):
                good = False
                break
            lo[j, j] = np.sqrt(s)
            for i in range(j + 1, m):
                t2 = xtx[i, j]
                for q in range(j):
                    t2 -= lo[i, q] * lo[j, q]
                lo[i, j] = t2 / lo[j, j]
        if not good:
            continue
        b = xty.copy()
        for c in range(k):
            for i in range(m):
                s = b[i, c]
                for q in range(i):
                    s -= lo[i, q] * b[q, c]
                b[i, c] = s / lo[i, i]
            for i in range(m - 1, -1, -1):
                s = b[i, c]
                for q in range(i + 1, m):
                    s -= lo[q, i] * b[q, c]
                b[i, c] = s / lo[i, i]
        _matmul(xty.T, b, sigma)
        for r in range(k):
            for c in range(k):
                sigmas[w, r, c] = (yty[r, c] - sigma[r, c]) / (length - m)
        for j in range(p):
            for r in range(k):
                for c in range(k):
                    coefs[w, j, r, c] = b[1 + j * k + c, r]
        for r in range(k):
            intercept[w, r] = b[0, r]
        ok[w] = True
    return coefs, intercept, sigmas, ok


@njit(cache=True)
def rolling_connectedness(
    y: np.ndarray, window: int, p: int, n_terms: int, method: int, refresh: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row-normalised FEVDs of a VAR(p) re-estimated on every window of ``window`` observations.

    Returns ``theta`` (n_windows, k, k) and ``ok`` (n_windows,) - False where the window's
    covariance was singular (theta is NaN there).
    """
    coefs, _c, sigmas, good = rolling_var(y, window, p, refresh)
    n_win, k = sigmas.shape[0], sigmas.shape[1]
    theta = np.full((n_win, k, k), np.nan)
    ok = np.zeros(n_win, dtype=np.bool_)
    out = np.empty((k, k))
    for w in range(n_win):
        if good[w] and _fevd(coefs[w], sigmas[w], n_terms, method, out):
            theta[w] = out
            ok[w] = True
    return theta, ok
