"""The TVP-VAR's forgetting-factor Kalman filter: a numba kernel and a plain numpy reference.

State ``beta`` (m = p*k*k) stacks the coefficient matrices lag by lag, equation by equation
(``beta[l*k*k + i*k + j] = A_{l+1}[i, j]``); the observation matrix of date t is
``F_t = [I_k kron y_{t-1}', ..., I_k kron y_{t-p}']`` (k x m). Per date (Koop & Korobilis 2014,
with the choices of the reference package ConnectednessApproach):

* residual covariance ``Q_t = kappa2 Q_{t-1} + (1 - kappa2) e_t e_t'`` with ``e_t`` the residual
  of ``y_t`` under the previous step's *unconstrained* coefficients (``0.1 y_t y_t'`` for the
  first p dates; ``Q_0`` from the prior);
* prediction ``beta_{t|t-1} = beta_{t-1|t-1}``, ``P_{t|t-1} = P_{t-1|t-1} / kappa1`` (reset to the
  prior for t <= p);
* update (from t = p on) with gain ``K = P F' (Q_t + F P F')^{-1}``;
* if the companion matrix of the update has an eigenvalue of modulus above one (t > 0), the
  date keeps the previous date's coefficients and the carried state becomes 0.99 times the
  previous carried state (its covariance is kept).

Structure used by the kernel (the reference costs ~3 m^2 k per date): ``F`` is a Kronecker
product, so ``P F'`` costs m^2 (not m^2 k); ``F P = (P F')'``; the covariance downdate is the
symmetric rank-k product ``W W'`` with ``W = P F' L^{-T}`` (``L`` the Cholesky factor of the
k x k innovation covariance), one BLAS call of m^2 k; the 1/kappa1 inflation is folded in;
the eigenvalue test is skipped when the infinity norm of the companion matrix or of one of
its repeated squares already bounds the spectral radius below one.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "companion_radius",
    "tvp_var_filter",
    "tvp_var_filter_batch",
    "tvp_var_filter_reference",
]

#: the carried state's shrink factor when a step is explosive (as the reference package)
SHRINK = 0.99

OK = 0
NOT_POSITIVE_DEFINITE = 1


def companion_radius(a: np.ndarray) -> float:
    """Spectral radius of the companion matrix of coefficient blocks ``a`` (p, k, k)."""
    p, k, _ = a.shape
    c = np.zeros((k * p, k * p))
    c[:k] = np.concatenate(list(a), axis=1)
    c[k:, : k * (p - 1)] = np.eye(k * (p - 1))
    return float(np.max(np.abs(np.linalg.eigvals(c))))


def tvp_var_filter_reference(
    y: np.ndarray,
    p: int,
    b0: np.ndarray,
    v0: np.ndarray,
    q0: np.ndarray,
    kappa1: float,
    kappa2: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Plain dense version of the filter (for tests): coefs (T, p, k, k), Q (T, k, k), fallbacks."""
    n, k = y.shape
    m = p * k * k
    coefs = np.empty((n, p, k, k))
    sig = np.empty((n, k, k))
    fell = np.zeros(n, dtype=bool)
    q = np.array(q0, dtype=float)
    carried = np.array(b0, dtype=float)
    raw = np.array(b0, dtype=float)
    s = np.zeros((m, m))
    for t in range(n):
        if t > 0:
            if t <= p:
                g = 0.1 * np.outer(y[t], y[t])
            else:
                a = raw.reshape(p, k, k)
                e = y[t] - sum(a[la] @ y[t - 1 - la] for la in range(p))
                g = np.outer(e, e)
            q = kappa2 * q + (1.0 - kappa2) * g
        if t <= p:
            pred, r = np.array(b0, dtype=float), np.array(v0, dtype=float)
        else:
            pred, r = carried.copy(), s / kappa1
        if t >= p:
            f = np.zeros((k, m))
            for la in range(p):
                for i in range(k):
                    f[i, la * k * k + i * k : la * k * k + (i + 1) * k] = y[t - 1 - la]
            rx = r @ f.T
            gain = rx @ np.linalg.pinv(q + f @ rx)
            new = pred + gain @ (y[t] - f @ pred)
            s = r - gain @ (f @ r)
        else:
            new = pred
        raw = new
        if t == 0 or companion_radius(new.reshape(p, k, k)) <= 1.0:
            coefs[t] = new.reshape(p, k, k)
            carried = new
        else:
            coefs[t] = coefs[t - 1]
            carried = SHRINK * carried
            fell[t] = True
        sig[t] = q
    return coefs, sig, fell


@njit(cache=True)
def _inf_norm(c: np.ndarray) -> float:
    out = 0.0
    for i in range(c.shape[0]):
        row = 0.0
        for j in range(c.shape[1]):
            row += abs(c[i, j])
        if row > out:
            out = row
    return out


@njit(cache=True)
def _radius_ok(state: np.ndarray, p: int, k: int) -> bool:
    """Spectral radius of the companion matrix <= 1 (as the reference's eigen test).

    ``rho(C) <= ||C^(2^j)||^(1/2^j)`` for any norm: the infinity norm of C and of up to four
    repeated squares settles almost every stable date for O(k^3) work; only the rest (the
    bound stays above 1 - 1e-9) goes to the eigenvalues.
    """
    kp = k * p
    c = np.zeros((kp, kp))
    for la in range(p):
        for i in range(k):
            for j in range(k):
                c[i, la * k + j] = state[la * k * k + i * k + j]
    for i in range(k, kp):
        c[i, i - k] = 1.0
    bound = _inf_norm(c)
    power = 1.0
    for _ in range(4):
        if bound ** (1.0 / power) < 1.0 - 1e-9:
            return True
        if bound > 1e150:
            break
        c = np.dot(c, c)
        power *= 2.0
        bound = _inf_norm(c)
    if bound ** (1.0 / power) < 1.0 - 1e-9:
        return True
    cc = np.zeros((kp, kp), dtype=np.complex128)
    for la in range(p):
        for i in range(k):
            for j in range(k):
                cc[i, la * k + j] = state[la * k * k + i * k + j]
    for i in range(k, kp):
        cc[i, i - k] = 1.0
    ev = np.linalg.eigvals(cc)
    r = 0.0
    for v in ev:
        a = abs(v)
        if a > r:
            r = a
    return r <= 1.0


@njit(cache=True)
def tvp_var_filter(
    y: np.ndarray,
    p: int,
    b0: np.ndarray,
    v0: np.ndarray,
    q0: np.ndarray,
    kappa1: float,
    kappa2: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Compiled filter: coefs (T, p, k, k), Q (T, k, k), fallback flags, status, failing date."""
    n, k = y.shape
    kk = k * k
    m = p * kk
    kp = k * p
    coefs = np.empty((n, p, k, k))
    sig = np.empty((n, k, k))
    fell = np.zeros(n, dtype=np.bool_)
    q = q0.copy()
    carried = b0.copy()
    raw = b0.copy()
    new = np.empty(m)
    pred = np.empty(m)
    s = np.zeros((m, m))
    z = np.empty(kp)
    rx = np.empty((m, k))
    w = np.empty((m, k))
    kv = np.empty((k, k))
    lo = np.zeros((k, k))
    v = np.empty(k)
    u = np.empty(k)
    e = np.empty(k)
    for t in range(n):
        # ---- residual covariance
        if t > 0:
            if t <= p:
                for i in range(k):
                    e[i] = y[t, i]
                c = 0.1 * (1.0 - kappa2)
            else:
                for i in range(k):
                    acc = y[t, i]
                    for la in range(p):
                        for j in range(k):
                            acc -= raw[la * kk + i * k + j] * y[t - 1 - la, j]
                    e[i] = acc
                c = 1.0 - kappa2
            for i in range(k):
                for j in range(k):
                    q[i, j] = kappa2 * q[i, j] + c * e[i] * e[j]
        # ---- prediction
        if t <= p:
            pred[:] = b0
            scale = 1.0
        else:
            pred[:] = carried
            scale = 1.0 / kappa1
        if t >= p:
            for la in range(p):
                for j in range(k):
                    z[la * k + j] = y[t - 1 - la, j]
            r = v0 if t == p else s
            # rx = scale * R F'  (F = [I kron z_l'] is a Kronecker product: m^2 work)
            if p == 1:  # one BLAS matrix-vector product over R seen as (m k) x k
                rv = np.dot(r.reshape((m * k, k)), z)
                for a in range(m):
                    for i in range(k):
                        rx[a, i] = scale * rv[a * k + i]
            else:
                for a in range(m):
                    for i in range(k):
                        acc = 0.0
                        for la in range(p):
                            base = la * kk + i * k
                            for j in range(k):
                                acc += r[a, base + j] * z[la * k + j]
                        rx[a, i] = scale * acc
            # kv = Q + F rx ; innovation v = y_t - F pred
            for i in range(k):
                acc = y[t, i]
                for la in range(p):
                    base = la * kk + i * k
                    for j in range(k):
                        acc -= z[la * k + j] * pred[base + j]
                v[i] = acc
                for i2 in range(k):
                    acc = q[i, i2]
                    for la in range(p):
                        base = la * kk + i * k
                        for j in range(k):
                            acc += z[la * k + j] * rx[base + j, i2]
                    kv[i, i2] = acc
            # Cholesky of the (symmetric) innovation covariance
            for i in range(k):
                for j2 in range(i + 1):
                    acc = 0.5 * (kv[i, j2] + kv[j2, i])
                    for h in range(j2):
                        acc -= lo[i, h] * lo[j2, h]
                    if i == j2:
                        if not acc > 0.0:
                            return coefs, sig, fell, NOT_POSITIVE_DEFINITE, t
                        lo[i, i] = np.sqrt(acc)
                    else:
                        lo[i, j2] = acc / lo[j2, j2]
            # u = L^{-1} v ; W = rx L^{-T} (row a: L w = rx[a])
            for i in range(k):
                acc = v[i]
                for h in range(i):
                    acc -= lo[i, h] * u[h]
                u[i] = acc / lo[i, i]
            for a in range(m):
                for i in range(k):
                    acc = rx[a, i]
                    for h in range(i):
                        acc -= lo[i, h] * w[a, h]
                    w[a, i] = acc / lo[i, i]
            for a in range(m):
                acc = pred[a]
                for i in range(k):
                    acc += w[a, i] * u[i]
                new[a] = acc
            ww = np.dot(w, w.T)
            if t == p:
                s[:, :] = v0 - ww
            else:
                s *= scale
                s -= ww
        else:
            new[:] = pred
        raw[:] = new
        if t == 0 or _radius_ok(new, p, k):
            for la in range(p):
                for i in range(k):
                    for j in range(k):
                        coefs[t, la, i, j] = new[la * kk + i * k + j]
            carried[:] = new
        else:
            coefs[t] = coefs[t - 1]
            for a in range(m):
                carried[a] = 0.99 * carried[a]
            fell[t] = True
        sig[t] = q
    return coefs, sig, fell, OK, -1


@njit(cache=True, parallel=True)
def tvp_var_filter_batch(
    ys: np.ndarray,
    p: int,
    b0s: np.ndarray,
    v0s: np.ndarray,
    q0s: np.ndarray,
    kappa1: float,
    kappa2: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The filter on several samples at once (bootstrap), one per thread."""
    nb, n, k = ys.shape
    coefs = np.empty((nb, n, p, k, k))
    sig = np.empty((nb, n, k, k))
    fell = np.zeros((nb, n), dtype=np.bool_)
    status = np.zeros(nb, dtype=np.int64)
    for r in prange(nb):
        c, s, f, st, _at = tvp_var_filter(ys[r], p, b0s[r], v0s[r], q0s[r], kappa1, kappa2)
        coefs[r] = c
        sig[r] = s
        fell[r] = f
        status[r] = st
    return coefs, sig, fell, status
