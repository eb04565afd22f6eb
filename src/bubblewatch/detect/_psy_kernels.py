"""Numba kernels of the PSY recursive ADF statistics, with plain numpy references for tests.

The statistic of a window is the t-ratio of ``b`` in the ADF regression

    Δy_τ = a + b·y_{τ-1} + Σ_{j=1..k} φ_j Δy_{τ-j} + e_τ

over the window's regression rows. For a fixed end ``t`` the kernel grows the window
*backwards* one row at a time (start ``s = t - min_window + 1`` down to ``0``) and keeps the
running means and centred co-moments of the vector ``(Δy_{τ-1}, …, Δy_{τ-k}, y_{τ-1} - y_t,
Δy_τ)`` by Welford's update: O(k²) work per window, O(k²) memory per end, and the sums are
taken about the local shift ``y_t`` and about the running means, so the accuracy does not
depend on the level of ``y``. The t-ratio comes from the Cholesky factor ``L`` of the
co-moment matrix (regressors ordered lags first, ``y_{τ-1}`` last, then ``Δy_τ``):
``t = sqrt(n - k - 2) · L[d, y] / L[d, d]`` (the constant is absorbed by the centring).

Every end ``t`` is computed by the same sequential code, so the batch result, the
monitor's one-step update and any thread count give bit-identical values; the parallel
loops write disjoint outputs and never reduce across threads.

Lag selection (``ic`` 1 = AIC, 2 = BIC, up to ``K`` lags) follows statsmodels' ``adfuller``:
the criterion ``n·log(RSS_k/n) + pen·(k + 2)`` is compared on the common sample of the
window (the rows available with ``K`` lags), ties go to the smaller lag, and the chosen
lag's statistic is re-estimated on all rows the window holds for that lag.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

__all__ = [
    "adf_window_lstsq",
    "psy_batch",
    "psy_end",
    "psy_many",
    "psy_reference",
    "psy_serial",
]

#: relative pivot below which a window's design is treated as singular (zero variance)
_SINGULAR = 1e-13


@njit(cache=True)
def psy_end(y, dyp, rec, t, min_window, K, ic, C, mean, z, L, ring):  # pragma: no cover - numba
    """BSADF, BADF and the number of degenerate windows for the end position ``t``.

    ``dyp`` is the first difference padded with ``K`` leading zeros (``dyp[K + i] = y[i] -
    y[i-1]``, ``dyp[K] = 0``); ``rec[n] = 1/n`` (n >= 1, length > t). ``C`` (p×p), ``mean``/``z`` (p), ``L`` (p×p) and ``ring``
    (K+1, int) are workspaces, ``p = K + 2``. ``ic`` 0 uses ``K`` fixed lags; 1/2 choose
    ``k <= K`` by AIC/BIC. Returns ``(bsadf_t, badf_t, n_nan)``; windows with zero
    variance count in ``n_nan`` and are skipped in the maximum (all degenerate: NaN).
    """
    if ic == 0 and K == 0:
        return _end_lag0(y, rec, t, min_window)
    if ic == 0 and K == 2:
        return _end_lag2(y, rec, t, min_window)
    p = K + 2
    shift = y[t]
    smax = t - min_window + 1
    for i in range(p):
        mean[i] = 0.0
        for j in range(p):
            C[i, j] = 0.0
    for i in range(K + 1):
        ring[i] = -1
    best = -np.inf
    badf = np.nan
    n_nan = 0
    n = 0
    tau = t
    # rows tau = t, t-1, ..., 1; the window start for lag k is s = tau - k - 1
    while tau >= 1:
        # the row vector: Δy_{tau-1..tau-K} (0 where undefined), y_{tau-1} - shift, Δy_tau
        for j in range(1, K + 1):
            z[j - 1] = dyp[K + tau - j]
        z[K] = y[tau - 1] - shift
        z[K + 1] = dyp[K + tau]
        n += 1
        inv = rec[n]
        g = 1.0 - inv
        for i in range(p):
            d = z[i] - mean[i]
            mean[i] += d * inv
            z[i] = d
        for i in range(p):
            # Welford: C += (z - mean_old)(z - mean_new)' and z - mean_new = (z - mean_old)(1 - 1/n);
            # the full square (fixed trip count) is faster than the triangle
            f = z[i] * g
            for j in range(p):
                C[i, j] += f * z[j]
        if ic == 0:
            s = tau - K - 1
            if s < 0:
                break
            if s <= smax:
                stat = _tstat(C, L, K, K, n)
                if math.isnan(stat):
                    n_nan += 1
                elif stat > best:
                    best = stat
                if s == 0:
                    badf = _unsquare(stat)
        else:
            # choose the lag of the window whose common sample is rows [tau, t]
            s_c = tau - K - 1
            if s_c >= 0 and s_c <= smax:
                ring[s_c % (K + 1)] = _choose_lag(C, L, K, n, ic)
            for k in range(K + 1):
                s = tau - k - 1
                if s < 0 or s > smax:
                    continue
                if ring[s % (K + 1)] != k:
                    continue
                stat = _tstat(C, L, K, k, n)
                ring[s % (K + 1)] = -1
                if math.isnan(stat):
                    n_nan += 1
                elif stat > best:
                    best = stat
                if s == 0:
                    badf = _unsquare(stat)
        tau -= 1
    if best == -np.inf:
        return np.nan, badf, n_nan
    return _unsquare(best), badf, n_nan


@njit(cache=True, inline="always")
def _end_lag0(y, rec, t, min_window):  # pragma: no cover - numba
    """The lag-0 case of :func:`psy_end` with scalar Welford sums."""
    shift = y[t]
    smax = t - min_window + 1
    sy = 0.0
    sd = 0.0
    cyy = 0.0
    cyd = 0.0
    cdd = 0.0
    best = -np.inf
    badf = np.nan
    n_nan = 0
    n = 0
    prev_inv = 0.0
    for tau in range(t, 0, -1):
        # Welford's co-moment update with the old mean taken as sum/(n-1): the same
        # arithmetic, but the loop-carried chains are plain additions
        zy = y[tau - 1] - shift
        zd = y[tau] - y[tau - 1]
        n += 1
        inv = rec[n]
        g = 1.0 - inv
        dy_ = zy - sy * prev_inv
        dd = zd - sd * prev_inv
        sy += zy
        sd += zd
        prev_inv = inv
        fy = dy_ * g
        cyy += fy * dy_
        cyd += fy * dd
        cdd += dd * dd * g
        s = tau - 1
        if s <= smax:
            # signed square of the t-ratio, (n-2)·cyd²/(cyy·cdd - cyd²): one division, and
            # the square root is taken once for the maximum (a monotone transform)
            det = cyy * cdd - cyd * cyd
            if n > 2 and cyy > 0.0 and cdd > 0.0 and det > _SINGULAR * cyy * cdd:
                num = (n - 2) * cyd * cyd
                if cyd < 0.0:
                    num = -num
                # q = num/det; compare by cross-multiplication (det > 0) and divide only
                # for a new maximum
                if num > best * det:
                    best = num / det
                if s == 0:
                    badf = _unsquare(num / det)
            else:
                n_nan += 1
    if best == -np.inf:
        return np.nan, badf, n_nan
    return _unsquare(best), badf, n_nan


@njit(cache=True)
def _end_lag2(y, rec, t, min_window):  # pragma: no cover - numba
    """The fixed lag-2 case of :func:`psy_end` with scalar Welford sums and a scalar LDL'
    (the general loops' small, varying trip counts cost more than the arithmetic)."""
    shift = y[t]
    smax = t - min_window + 1
    s1 = s2 = sy = sd = 0.0
    c11 = c12 = c13 = c14 = c22 = c23 = c24 = c33 = c34 = c44 = 0.0
    best = -np.inf
    badf = np.nan
    n_nan = 0
    n = 0
    num = 0.0
    den = 1.0
    prev_inv = 0.0
    for tau in range(t, 2, -1):
        # row: (Δy_{tau-1}, Δy_{tau-2}, y_{tau-1} - shift, Δy_tau); old means are sum/(n-1)
        n += 1
        inv = rec[n]
        g = 1.0 - inv
        z1 = y[tau - 1] - y[tau - 2]
        z2 = y[tau - 2] - y[tau - 3]
        zy = y[tau - 1] - shift
        zd = y[tau] - y[tau - 1]
        e1 = z1 - s1 * prev_inv
        e2 = z2 - s2 * prev_inv
        ey = zy - sy * prev_inv
        ed = zd - sd * prev_inv
        s1 += z1
        s2 += z2
        sy += zy
        sd += zd
        prev_inv = inv
        f1 = e1 * g
        f2 = e2 * g
        fy = ey * g
        c11 += f1 * e1
        c12 += f1 * e2
        c13 += f1 * ey
        c14 += f1 * ed
        c22 += f2 * e2
        c23 += f2 * ey
        c24 += f2 * ed
        c33 += fy * ey
        c34 += fy * ed
        c44 += ed * ed * g
        if tau - 3 > smax:
            continue
        q = np.nan
        if n > 4 and c11 > 0.0:
            i1 = 1.0 / c11
            d2 = c22 - c12 * c12 * i1
            if d2 > _SINGULAR * c22 and d2 > 0.0:
                i2 = 1.0 / d2
                w32 = c23 - c13 * c12 * i1
                w42 = c24 - c14 * c12 * i1
                d3 = c33 - c13 * c13 * i1 - w32 * w32 * i2
                if d3 > _SINGULAR * c33 and d3 > 0.0:
                    w43 = c34 - c14 * c13 * i1 - w42 * w32 * i2
                    d4 = c44 - c14 * c14 * i1 - w42 * w42 * i2 - w43 * w43 / d3
                    if d4 > _SINGULAR * c44 and d4 > 0.0:
                        num = (n - 4) * w43 * w43
                        if w43 < 0.0:
                            num = -num
                        den = d3 * d4
                        q = 0.0  # finite marker; the value is divided out only when needed
                        if num > best * den:
                            best = num / den
                        if tau == 3:
                            badf = _unsquare(num / den)
        if math.isnan(q):
            n_nan += 1
    if best == -np.inf:
        return np.nan, badf, n_nan
    return _unsquare(best), badf, n_nan


@njit(cache=True, inline="always")
def _unsquare(q):  # pragma: no cover - numba
    """Invert the signed square q = sign(t)·t²."""
    return math.sqrt(q) if q >= 0.0 else -math.sqrt(-q)


@njit(cache=True, inline="always")
def _tstat(C, L, K, k, n):  # pragma: no cover - numba
    """Signed square sign(t)·t² of the t-ratio of b with k lags from the co-moments C (lower
    index layout of psy_end); NaN if the window is degenerate or has no residual
    degrees of freedom."""
    dof = n - k - 2
    if dof <= 0:
        return np.nan
    if k == 0:
        cyy = C[K, K]
        cdd = C[K + 1, K + 1]
        cyd = C[K + 1, K]
        if cyy <= 0.0 or cdd <= 0.0:
            return np.nan
        det = cyy * cdd - cyd * cyd
        if det <= _SINGULAR * cyy * cdd:
            return np.nan
        q = dof * cyd * cyd / det
        return q if cyd >= 0.0 else -q
    # LDL' of the sub-problem (lags 0..k-1, then y at K, then d at K+1) without square
    # roots: L holds W[a, c] = l[a, c]·D[c] below the diagonal, D[a] on it and 1/D[a] in
    # the last column (upper triangle, unused otherwise).
    m = k + 2
    q = L.shape[1] - 1
    if k == K:
        # the whole matrix, already in the order (lags, y, d)
        for a in range(m):
            for b in range(a):
                v = C[a, b]
                for c in range(b):
                    v -= L[a, c] * L[b, c] * L[c, q]
                L[a, b] = v
            v = C[a, a]
            for c in range(a):
                v -= L[a, c] * L[a, c] * L[c, q]
            if v <= _SINGULAR * C[a, a] or v <= 0.0:
                return np.nan
            L[a, a] = v
            if a < q:
                L[a, q] = 1.0 / v
    else:
        for a in range(m):
            ia = a if a < k else K + (a - k)
            for b in range(a):
                ib = b if b < k else K + (b - k)
                v = C[ia, ib]
                for c in range(b):
                    v -= L[a, c] * L[b, c] * L[c, q]
                L[a, b] = v
            v = C[ia, ia]
            for c in range(a):
                v -= L[a, c] * L[a, c] * L[c, q]
            if v <= _SINGULAR * C[ia, ia] or v <= 0.0:
                return np.nan
            L[a, a] = v
            if a < q:
                L[a, q] = 1.0 / v
    # t = sqrt(dof)·chol[d, y]/chol[d, d] = W[d, y]·sqrt(dof/(D_y·D_d)); return sign(t)·t²
    w = L[m - 1, m - 2]
    q = dof * w * w / (L[m - 2, m - 2] * L[m - 1, m - 1])
    return q if w >= 0.0 else -q


@njit(cache=True, inline="always")
def _choose_lag(C, L, K, n, ic):  # pragma: no cover - numba
    """The lag 0..K minimising AIC (ic=1) or BIC (ic=2) on the common sample (n rows).

    One Cholesky factor of the co-moments in the nested order (y, lag 1..K, Δy) gives the
    residual sum of squares of every nested model: RSS_k = L_dd² + Σ_{j>k} L[d, j]².
    A degenerate window returns K (its statistic is then NaN).
    """
    m = K + 2
    for a in range(m):
        ia = K if a == 0 else (a - 1 if a <= K else K + 1)
        for b in range(a + 1):
            ib = K if b == 0 else (b - 1 if b <= K else K + 1)
            v = C[ia, ib] if ia >= ib else C[ib, ia]
            for c in range(b):
                v -= L[a, c] * L[b, c]
            if a == b:
                if v <= _SINGULAR * C[ia, ia] or v <= 0.0:
                    return K
                L[a, a] = math.sqrt(v)
            else:
                L[a, b] = v / L[b, b]
    pen = 2.0 if ic == 1 else math.log(n)
    d = m - 1
    rss = L[d, d] * L[d, d]
    best_k = K
    best_v = np.inf
    for k in range(K, -1, -1):
        if k < K:
            rss += L[d, k + 1] * L[d, k + 1]
        if n - k - 2 > 0:
            v = n * math.log(rss / n) + pen * (k + 2)
            if v <= best_v:  # walking down, so ties go to the smaller lag
                best_v = v
                best_k = k
    return best_k


@njit(cache=True)
def padded_diff(y, K):  # pragma: no cover - numba
    """First difference of ``y`` with ``K + 1`` leading zeros: ``out[K + i] = y[i] - y[i-1]``."""
    out = np.zeros(y.shape[0] + K)
    for i in range(1, y.shape[0]):
        out[K + i] = y[i] - y[i - 1]
    return out


@njit(cache=True)
def reciprocals(n):  # pragma: no cover - numba
    """``out[i] = 1/i`` for ``i = 1..n-1`` (``out[0] = 0``): the same doubles as dividing in
    the loop, without a division per window."""
    out = np.zeros(n)
    for i in range(1, n):
        out[i] = 1.0 / i
    return out


@njit(cache=True, parallel=True)
def psy_batch(y, min_window, K, ic, badf, bsadf, nan_count):  # pragma: no cover - numba
    """Fill ``badf``, ``bsadf`` and ``nan_count`` (length T) for ends ``min_window-1 .. T-1``.

    Ends are paired (first with last) so the triangular work is balanced across threads.
    """
    T = y.shape[0]
    first = min_window - 1
    m = T - first
    half = (m + 1) // 2
    p = K + 2
    dyp = padded_diff(y, K)
    rec = reciprocals(y.shape[0] + 1)
    for i in prange(half):
        C = np.empty((p, p))
        L = np.empty((p, p))
        mean = np.empty(p)
        z = np.empty(p)
        ring = np.empty(K + 1, dtype=np.int64)
        t = first + i
        b, a, nn = psy_end(y, dyp, rec, t, min_window, K, ic, C, mean, z, L, ring)
        bsadf[t] = b
        badf[t] = a
        nan_count[t] = nn
        t2 = T - 1 - i
        if t2 != t:
            b, a, nn = psy_end(y, dyp, rec, t2, min_window, K, ic, C, mean, z, L, ring)
            bsadf[t2] = b
            badf[t2] = a
            nan_count[t2] = nn


@njit(cache=True)
def psy_serial(y, min_window, K, ic, badf, bsadf, nan_count):  # pragma: no cover - numba
    """:func:`psy_batch` on the calling thread, for small problems where waking the thread
    pool costs more than the work (same values)."""
    T = y.shape[0]
    p = K + 2
    dyp = padded_diff(y, K)
    rec = reciprocals(y.shape[0] + 1)
    C = np.empty((p, p))
    L = np.empty((p, p))
    mean = np.empty(p)
    z = np.empty(p)
    ring = np.empty(K + 1, dtype=np.int64)
    for t in range(min_window - 1, T):
        b, a, nn = psy_end(y, dyp, rec, t, min_window, K, ic, C, mean, z, L, ring)
        bsadf[t] = b
        badf[t] = a
        nan_count[t] = nn


@njit(cache=True, parallel=True)
def psy_many(Y, min_window, K, ic, badf, bsadf, nan_count):  # pragma: no cover - numba
    """Rows of ``Y`` (R×T) are independent series; fill ``badf``/``bsadf`` (R×(T-min_window+1))
    and ``nan_count`` (R). Parallel over rows (Monte Carlo and bootstrap replications)."""
    R, T = Y.shape
    first = min_window - 1
    p = K + 2
    rec = reciprocals(T + 1)
    for r in prange(R):
        C = np.empty((p, p))
        L = np.empty((p, p))
        mean = np.empty(p)
        z = np.empty(p)
        ring = np.empty(K + 1, dtype=np.int64)
        y = Y[r]
        dyp = padded_diff(y, K)
        total = 0
        for t in range(first, T):
            b, a, nn = psy_end(y, dyp, rec, t, min_window, K, ic, C, mean, z, L, ring)
            bsadf[r, t - first] = b
            badf[r, t - first] = a
            total += nn
        nan_count[r] = total


# --------------------------------------------------------------------------------------
# plain numpy references (tests only): least squares on the shifted series, window by window


def adf_window_lstsq(y: np.ndarray, s: int, t: int, lags: int) -> float:
    """ADF t-ratio of ``b`` on the window ``y[s..t]`` by ``np.linalg.lstsq`` (float64), on the
    series shifted by its first value ``y[s]``."""
    w = np.asarray(y[s : t + 1], dtype=float) - float(y[s])
    dy = np.diff(w)
    rows = np.arange(lags, dy.shape[0])
    X = np.column_stack(
        [np.ones(rows.shape[0]), w[rows]] + [dy[rows - j] for j in range(1, lags + 1)]
    )
    d = dy[rows]
    beta, _, rank, _ = np.linalg.lstsq(X, d, rcond=None)
    if rank < X.shape[1]:
        return float("nan")
    e = d - X @ beta
    dof = X.shape[0] - X.shape[1]
    s2 = float(e @ e) / dof
    cov = s2 * np.linalg.inv(X.T @ X)
    return float(beta[1] / np.sqrt(cov[1, 1]))


def psy_reference(y: np.ndarray, min_window: int, lags: int) -> tuple[np.ndarray, np.ndarray]:
    """BADF and BSADF (length T, NaN before ``min_window - 1``) by brute-force least squares."""
    y = np.asarray(y, dtype=float)
    T = y.shape[0]
    badf = np.full(T, np.nan)
    bsadf = np.full(T, np.nan)
    for t in range(min_window - 1, T):
        vals = [adf_window_lstsq(y, s, t, lags) for s in range(t - min_window + 2)]
        badf[t] = vals[0]
        bsadf[t] = np.nanmax(vals)
    return badf, bsadf
