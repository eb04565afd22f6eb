"""Quantile regression by a primal-dual interior point (Frisch-Newton) and the rolling QVAR.

The tau-th regression quantile ``min_b sum_i rho_tau(y_i - x_i'b)`` is the dual of the bounded
linear programme

    max_a  y'a   s.t.  X'a = (1 - tau) X'1,  0 <= a <= 1,

solved here by Mehrotra's predictor-corrector path-following method (Portnoy & Koenker 1997,
the "fn" method of R's quantreg): each iteration forms and factors the small ``X'DX`` (p x p),
two back-substitutions give the predictor and the corrector, and the coefficients are read off
the dual variables. Stops when the duality gap falls below ``tol * (1 + |objective|)``.

References
----------
.. [1] Portnoy, S. & Koenker, R. (1997). The Gaussian hare and the Laplacian tortoise:
       computability of squared-error versus absolute-error estimators. *Statistical Science*,
       12(4), 279-300.
.. [2] Koenker, R. (2005). *Quantile Regression*. Cambridge University Press.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = ["quantile_regression", "quantile_regression_reference", "rolling_qvar"]

BETA = 0.99995
MAX_ITER = 100


def quantile_regression_reference(x: np.ndarray, y: np.ndarray, tau: float) -> np.ndarray:
    """Exact regression quantile by linear programming (scipy HiGHS), for tests."""
    from scipy.optimize import linprog

    n, p = x.shape
    # variables: b+ (p), b- (p), u (n), v (n); y = X(b+ - b-) + u - v
    c = np.concatenate([np.zeros(2 * p), tau * np.ones(n), (1 - tau) * np.ones(n)])
    a_eq = np.hstack([x, -x, np.eye(n), -np.eye(n)])
    res = linprog(c, A_eq=a_eq, b_eq=y, bounds=(0, None), method="highs")
    return np.asarray(res.x[:p] - res.x[p : 2 * p])


@njit(cache=True)
def _cholesky_solve(m: np.ndarray, lo: np.ndarray, rhs: np.ndarray, factor: bool) -> bool:
    """Solve ``m v = rhs`` in place (rhs); factors ``m`` into ``lo`` when ``factor``."""
    p = m.shape[0]
    if factor:
        for i in range(p):
            for j in range(i + 1):
                acc = m[i, j]
                for h in range(j):
                    acc -= lo[i, h] * lo[j, h]
                if i == j:
                    if not acc > 1e-300:
                        return False
                    lo[i, i] = np.sqrt(acc)
                else:
                    lo[i, j] = acc / lo[j, j]
    for i in range(p):
        acc = rhs[i]
        for h in range(i):
            acc -= lo[i, h] * rhs[h]
        rhs[i] = acc / lo[i, i]
    for i in range(p - 1, -1, -1):
        acc = rhs[i]
        for h in range(i + 1, p):
            acc -= lo[h, i] * rhs[h]
        rhs[i] = acc / lo[i, i]
    return True


@njit(cache=True)
def _step(v: np.ndarray, dv: np.ndarray, cap: float) -> float:
    for i in range(v.shape[0]):
        if dv[i] < 0.0:
            r = -v[i] / dv[i]
            if r < cap:
                cap = r
    return cap


@njit(cache=True)
def _steps(xa, s, z, w, dx, ds, dz, dw):  # type: ignore[no-untyped-def]
    """Primal and dual step lengths keeping every variable positive (damped by BETA)."""
    ap = _step(s, ds, _step(xa, dx, 1e300))
    ad = _step(w, dw, _step(z, dz, 1e300))
    return min(BETA * ap, 1.0), min(BETA * ad, 1.0)


@njit(cache=True)
def quantile_regression(
    x: np.ndarray, y: np.ndarray, tau: float, tol: float = 1e-11
) -> tuple[np.ndarray, bool]:
    """Coefficients of the tau-th regression quantile of ``y`` on ``x`` (n, p); ok flag."""
    n, p = x.shape
    c = -y
    # primal start: a = 1 - tau (feasible), slack s = tau
    xa = np.full(n, 1.0 - tau)
    s = np.full(n, tau)
    b = np.zeros(p)
    for j in range(p):
        acc = 0.0
        for i in range(n):
            acc += x[i, j]
        b[j] = (1.0 - tau) * acc
    # dual start: least squares pi = (X'X)^{-1} X'c, residual r = c - X pi
    m = np.zeros((p, p))
    lo = np.zeros((p, p))
    pi = np.zeros(p)
    for j in range(p):
        acc = 0.0
        for i in range(n):
            acc += x[i, j] * c[i]
        pi[j] = acc
        for j2 in range(j + 1):
            acc = 0.0
            for i in range(n):
                acc += x[i, j] * x[i, j2]
            m[j, j2] = acc
            m[j2, j] = acc
    if not _cholesky_solve(m, lo, pi, True):
        return -pi, False
    scale = 0.0
    for i in range(n):
        scale += abs(y[i])
    eps0 = 1e-9 * (scale / n + 1e-300)
    z = np.empty(n)
    w = np.empty(n)
    for i in range(n):
        acc = c[i]
        for j in range(p):
            acc -= x[i, j] * pi[j]
        zi = acc if acc > 0.0 else 0.0
        wi = -acc if acc < 0.0 else 0.0
        if abs(acc) < eps0:
            zi += eps0
            wi += eps0
        z[i] = zi
        w[i] = wi
    d = np.empty(n)
    rho = np.empty(n)
    dx = np.empty(n)
    ds = np.empty(n)
    dz = np.empty(n)
    dw = np.empty(n)
    rxz = np.empty(n)
    rsw = np.empty(n)
    rhs = np.empty(p)
    dpi = np.empty(p)
    for _it in range(MAX_ITER):
        gap = 0.0
        obj = 0.0
        for i in range(n):
            gap += xa[i] * z[i] + s[i] * w[i]
            obj += y[i] * xa[i]
        if gap <= tol * (1.0 + abs(obj)):
            break
        # residuals of the primal (b - X'a) and dual (c - X pi - z + w) equations
        rp = np.empty(p)
        for j in range(p):
            acc = b[j]
            for i in range(n):
                acc -= x[i, j] * xa[i]
            rp[j] = acc
        for i in range(n):
            d[i] = 1.0 / (z[i] / xa[i] + w[i] / s[i])
        for j in range(p):
            for j2 in range(j + 1):
                acc = 0.0
                for i in range(n):
                    acc += x[i, j] * d[i] * x[i, j2]
                m[j, j2] = acc
                m[j2, j] = acc
        for corrector in range(2):
            if corrector == 0:
                for i in range(n):
                    rxz[i] = -xa[i] * z[i]
                    rsw[i] = -s[i] * w[i]
            else:
                # predicted gap after the affine step -> centring parameter (Mehrotra)
                ap, ad = _steps(xa, s, z, w, dx, ds, dz, dw)
                g = 0.0
                for i in range(n):
                    g += (xa[i] + ap * dx[i]) * (z[i] + ad * dz[i])
                    g += (s[i] + ap * ds[i]) * (w[i] + ad * dw[i])
                mu = gap * (g / gap) ** 3 / (2.0 * n)
                for i in range(n):
                    rxz[i] = mu - xa[i] * z[i] - dx[i] * dz[i]
                    rsw[i] = mu - s[i] * w[i] - ds[i] * dw[i]
            for i in range(n):
                rdi = c[i] - z[i] + w[i]
                for j in range(p):
                    rdi -= x[i, j] * pi[j]
                rho[i] = rdi - rxz[i] / xa[i] + rsw[i] / s[i]
            for j in range(p):
                acc = rp[j]
                for i in range(n):
                    acc += x[i, j] * d[i] * rho[i]
                rhs[j] = acc
            if not _cholesky_solve(m, lo, rhs, corrector == 0):
                return -pi, True  # converged as far as the factorisation allows
            for j in range(p):
                dpi[j] = rhs[j]
            for i in range(n):
                acc = -rho[i]
                for j in range(p):
                    acc += x[i, j] * dpi[j]
                dxi = d[i] * acc
                dx[i] = dxi
                ds[i] = -dxi
                dz[i] = (rxz[i] - z[i] * dxi) / xa[i]
                dw[i] = (rsw[i] + w[i] * dxi) / s[i]
        ap, ad = _steps(xa, s, z, w, dx, ds, dz, dw)
        for i in range(n):
            xa[i] += ap * dx[i]
            s[i] += ap * ds[i]
            z[i] += ad * dz[i]
            w[i] += ad * dw[i]
        for j in range(p):
            pi[j] += ad * dpi[j]
    return -pi, True


def rolling_qvar(
    y: np.ndarray, window: int, p: int, tau: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Equation-by-equation QVAR(p) on every window of ``window`` observations.

    ``tau`` (k,) is the quantile of each equation. Returns coefficient blocks (W, p, k, k),
    intercepts (W, k), residual covariances ``U'U / n`` (W, k, k) and ``ok`` (W,). Windows
    run in parallel (one thread for a handful).
    """
    n_obs, k = y.shape
    n_win = n_obs - window + 1
    coefs = np.full((n_win, p, k, k), np.nan)
    intercept = np.full((n_win, k), np.nan)
    sigma = np.full((n_win, k, k), np.nan)
    ok = np.zeros(n_win, dtype=np.bool_)
    from bubblewatch.market.connectedness._fevd_kernels import parallel_worth

    if n_win < 2 or not parallel_worth(30.0 * n_win * k * (window - p) * (1 + k * p) ** 2):
        _qvar_windows(y, window, p, tau, coefs, intercept, sigma, ok, 0, n_win)
    else:
        _qvar_parallel(y, window, p, tau, coefs, intercept, sigma, ok)
    return coefs, intercept, sigma, ok


@njit(cache=True, parallel=True)
def _qvar_parallel(y, window, p, tau, coefs, intercept, sigma, ok):  # type: ignore[no-untyped-def]
    for wi in prange(coefs.shape[0]):
        _qvar_windows(y, window, p, tau, coefs, intercept, sigma, ok, wi, wi + 1)


@njit(cache=True)
def _qvar_windows(y, window, p, tau, coefs, intercept, sigma, ok, lo, hi):  # type: ignore[no-untyped-def]
    k = y.shape[1]
    nreg = window - p
    q = 1 + k * p
    x = np.empty((nreg, q))
    res = np.empty((nreg, k))
    yy = np.empty(nreg)
    for wi in range(lo, hi):
        for r in range(nreg):
            t = wi + p + r
            x[r, 0] = 1.0
            for la in range(p):
                for j in range(k):
                    x[r, 1 + la * k + j] = y[t - 1 - la, j]
        good = True
        for i in range(k):
            for r in range(nreg):
                yy[r] = y[wi + p + r, i]
            b, fine = quantile_regression(x, yy, tau[i], 1e-11)
            if not fine:
                good = False
                break
            intercept[wi, i] = b[0]
            for la in range(p):
                for j in range(k):
                    coefs[wi, la, i, j] = b[1 + la * k + j]
            for r in range(nreg):
                acc = yy[r]
                for j in range(q):
                    acc -= x[r, j] * b[j]
                res[r, i] = acc
        if not good:
            continue
        for i in range(k):
            for j in range(k):
                acc = 0.0
                for r in range(nreg):
                    acc += res[r, i] * res[r, j]
                sigma[wi, i, j] = acc / nreg
        ok[wi] = True
