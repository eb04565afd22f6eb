"""Numba kernels of the LPPLS calibration (see :mod:`bubblewatch.detect.lppls`).

Everything here works in *scaled time*: a window's observation times (calendar days) are
mapped to ``x = (t - t_first) / span`` in ``[0, 1]`` and the critical time to
``tau = (tc - t_first) / span``. The profile SSE of the LPPLS model is invariant under
this change of unit (the factor ``span**m`` and the phase ``omega * ln(span)`` are absorbed
by the slaved linear parameters), so the optimum is the same as in days; only the linear
parameters differ, and the caller re-solves them in days.

The offset ``eps`` added to ``|tc - t|`` (1e-8 day, scaled) is the one the ``lppls``
package uses, so that both objectives are exactly the same function.

Kernels
-------
``fit_window``
    One window: a coarse grid over ``(tau, m, omega)`` on a subsample of the window
    (linear parameters by centred normal equations), then a bounded variable-projection
    Levenberg-Marquardt polish on all points from the best grid cells (and an optional
    warm start).
``fit_windows``
    Many windows (all window lengths x end dates), parallel over window lengths with
    ``prange``; each thread walks its end dates in order, so the result does not depend
    on the number of threads.

A plain numpy reference of the profile SSE (:func:`profile_sse_numpy`) is kept for tests.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

__all__ = [
    "N_OUT",
    "OUT_A",
    "OUT_B",
    "OUT_C1",
    "OUT_C2",
    "OUT_ITER",
    "OUT_M",
    "OUT_OMEGA",
    "OUT_RELERR",
    "OUT_SSE",
    "OUT_STATUS",
    "OUT_TAU",
    "fit_window",
    "fit_windows",
    "profile_sse_numpy",
]

# layout of one fit's output row (scaled units)
OUT_TAU, OUT_M, OUT_OMEGA, OUT_A, OUT_B, OUT_C1, OUT_C2 = 0, 1, 2, 3, 4, 5, 6
OUT_SSE, OUT_STATUS, OUT_ITER, OUT_RELERR = 7, 8, 9, 10
N_OUT = 11

# status codes
STATUS_CONVERGED = 0.0
STATUS_MAXITER = 1.0
STATUS_FAILED = 2.0

# fast-math flags without "nnan"/"ninf": the kernels test for non-finite SSEs
_FM = {"nsz", "arcp", "contract", "afn", "reassoc"}

# a grid polish with ``abort_after`` > 0 gives up when, after that many evaluations, its
# SSE is still above this multiple of the best SSE found so far in the window
ABORT_RATIO = 1.1


def profile_sse_numpy(x, y, tau, m, omega, eps):
    """Reference profile SSE and linear parameters (A, B, C1, C2) by ``numpy.linalg.lstsq``."""
    d = np.abs(tau - x) + eps
    ln = np.log(d)
    f = d**m
    X = np.column_stack([np.ones_like(x), f, f * np.cos(omega * ln), f * np.sin(omega * ln)])
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    r = y - X @ beta
    return float(r @ r), beta


@njit(cache=True, error_model="numpy")
def _solve3s(c00, c01, c02, c11, c12, c22, r0, r1, r2):
    """Solve the symmetric 3x3 system ``C b = r`` (scalars in, scalars out, no allocation).

    Jacobi scaling, then Cholesky; a variable whose scaled pivot falls below 1e-12 is
    dropped (coefficient 0), so collinear regressors give a finite answer instead of
    blowing up.
    """
    s0 = np.sqrt(c00) if c00 > 0.0 else 0.0
    s1 = np.sqrt(c11) if c11 > 0.0 else 0.0
    s2 = np.sqrt(c22) if c22 > 0.0 else 0.0
    k0 = s0 > 0.0
    a10 = c01 / (s0 * s1) if (k0 and s1 > 0.0) else 0.0
    a20 = c02 / (s0 * s2) if (k0 and s2 > 0.0) else 0.0
    a21 = c12 / (s1 * s2) if (s1 > 0.0 and s2 > 0.0) else 0.0
    b0 = r0 / s0 if k0 else 0.0
    b1 = r1 / s1 if s1 > 0.0 else 0.0
    b2 = r2 / s2 if s2 > 0.0 else 0.0
    L10 = a10 if k0 else 0.0
    L20 = a20 if k0 else 0.0
    v1 = 1.0 - L10 * L10
    k1 = s1 > 0.0 and v1 > 1e-12
    L11 = np.sqrt(v1) if k1 else 1.0
    L21 = (a21 - L20 * L10) / L11 if (k1 and s2 > 0.0) else 0.0
    v2 = 1.0 - L20 * L20 - L21 * L21
    k2 = s2 > 0.0 and v2 > 1e-12
    L22 = np.sqrt(v2) if k2 else 1.0
    z0 = b0 if k0 else 0.0
    z1 = (b1 - L10 * z0) / L11 if k1 else 0.0
    z2 = (b2 - L20 * z0 - L21 * z1) / L22 if k2 else 0.0
    u2 = z2 / L22 if k2 else 0.0
    u1 = (z1 - L21 * u2) / L11 if k1 else 0.0
    u0 = z0 - L10 * u1 - L20 * u2 if k0 else 0.0
    return (
        u0 / s0 if k0 else 0.0,
        u1 / s1 if k1 else 0.0,
        u2 / s2 if k2 else 0.0,
    )


@njit(cache=True, error_model="numpy")
def _solve3(C, rhs, out):
    """:func:`_solve3s` on a 3x3 array and a vector, into ``out``."""
    b0, b1, b2 = _solve3s(
        C[0, 0], C[0, 1], C[0, 2], C[1, 1], C[1, 2], C[2, 2], rhs[0], rhs[1], rhs[2]
    )
    out[0] = b0
    out[1] = b1
    out[2] = b2


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _evaluate(x, y, eps, tau, m, om, L, f, g, h, r, beta, C):
    """Profile SSE at (tau, m, om) on all points; fills L, f, g, h, residuals r,
    beta = (A, B, C1, C2) for the (mean-removed) y, and C = centred Gram matrix."""
    n = x.shape[0]
    sf = 0.0
    sg = 0.0
    sh = 0.0
    for i in range(n):
        d = abs(tau - x[i]) + eps
        li = np.log(d)
        fi = np.exp(m * li)
        L[i] = li
        f[i] = fi
        g[i] = fi * np.cos(om * li)
        h[i] = fi * np.sin(om * li)
        sf += fi
        sg += g[i]
        sh += h[i]
    mf = sf / n
    mg = sg / n
    mh = sh / n
    cff = 0.0
    cfg = 0.0
    cfh = 0.0
    cgg = 0.0
    cgh = 0.0
    chh = 0.0
    cyf = 0.0
    cyg = 0.0
    cyh = 0.0
    for i in range(n):
        a1 = f[i] - mf
        a2 = g[i] - mg
        a3 = h[i] - mh
        cff += a1 * a1
        cfg += a1 * a2
        cfh += a1 * a3
        cgg += a2 * a2
        cgh += a2 * a3
        chh += a3 * a3
        cyf += y[i] * a1
        cyg += y[i] * a2
        cyh += y[i] * a3
    C[0, 0] = cff
    C[0, 1] = cfg
    C[0, 2] = cfh
    C[1, 0] = cfg
    C[1, 1] = cgg
    C[1, 2] = cgh
    C[2, 0] = cfh
    C[2, 1] = cgh
    C[2, 2] = chh
    rhs = np.empty(3)
    rhs[0] = cyf
    rhs[1] = cyg
    rhs[2] = cyh
    b = np.empty(3)
    _solve3(C, rhs, b)
    beta[1] = b[0]
    beta[2] = b[1]
    beta[3] = b[2]
    beta[0] = -(b[0] * mf + b[1] * mg + b[2] * mh)  # y has mean 0
    sse = 0.0
    for i in range(n):
        ri = y[i] - beta[0] - b[0] * f[i] - b[1] * g[i] - b[2] * h[i]
        r[i] = ri
        sse += ri * ri
    return sse


@njit(cache=True, error_model="numpy")
def _clip(v, lo, hi):
    return min(max(v, lo), hi)


@njit(cache=True, error_model="numpy")
def _tau_of(u, mode):
    """tc in scaled time from the search variable: linear (0), log after t2 (1), log before t1 (2)."""
    if mode == 1:
        return 1.0 + np.exp(u)
    if mode == 2:
        return -np.exp(u)
    return u


@njit(cache=True, error_model="numpy")
def _u_of(tau, mode):
    if mode == 1:
        return np.log(max(tau - 1.0, 1e-300))
    if mode == 2:
        return np.log(max(-tau, 1e-300))
    return tau


@njit(cache=True, error_model="numpy", fastmath=_FM)
def _polish(x, y, eps, box, theta, maxit, res, abort_sse, abort_after):
    """Bounded variable-projection Levenberg-Marquardt from ``theta`` = (tau, m, om).

    Writes (tau, m, om, A, B, C1, C2, sse, status, iterations) into ``res[:10]``;
    A is for the mean-removed y. After ``abort_after`` evaluations (0: never) a polish
    whose SSE is still above ``abort_sse`` gives up (status "max iterations"): the caller
    passes a multiple of its incumbent, which such a polish is unlikely to beat.
    """
    n = x.shape[0]
    L = np.empty(n)
    f = np.empty(n)
    g = np.empty(n)
    h = np.empty(n)
    r = np.empty(n)
    L2 = np.empty(n)
    f2 = np.empty(n)
    g2 = np.empty(n)
    h2 = np.empty(n)
    r2 = np.empty(n)
    V = np.empty((3, n))
    beta = np.empty(4)
    beta2 = np.empty(4)
    C = np.empty((3, 3))
    C2 = np.empty((3, 3))
    mode = int(box[9])
    u = _clip(_u_of(theta[0], mode), box[0], box[1])
    tau = _tau_of(u, mode)
    m = _clip(theta[1], box[2], box[3])
    om = _clip(theta[2], box[4], box[5])
    sse = _evaluate(x, y, eps, tau, m, om, L, f, g, h, r, beta, C)
    if not np.isfinite(sse):
        res[7] = np.inf
        res[8] = STATUS_FAILED
        res[9] = 0.0
        return
    lam = 1e-3
    status = STATUS_MAXITER
    it = 0
    JJ = np.empty((3, 3))
    Jr = np.empty(3)
    Jr2 = np.empty(3)
    A3 = np.empty((3, 3))
    delta = np.empty(3)
    while it < maxit:
        if abort_after > 0 and it >= abort_after and sse > abort_sse:
            break
        # columns d yhat / d theta (beta held fixed)
        B = beta[1]
        c1 = beta[2]
        c2 = beta[3]
        mf = 0.0
        mg = 0.0
        mh = 0.0
        for i in range(n):
            mf += f[i]
            mg += g[i]
            mh += h[i]
        mf /= n
        mg /= n
        mh /= n
        # one pass: the columns, their means and their products with the centred
        # regressors (sum (f - mf) (v - vm) = sum (f - mf) v); then one pass for J'J, J'r
        # of the columns projected off span{1, f, g, h}: v_perp = v_c - X_c a, C a = X_c' v_c
        dtau = 1.0 if mode == 0 else (tau - 1.0 if mode == 1 else tau)
        vm0 = 0.0
        vm1 = 0.0
        vm2 = 0.0
        p00 = 0.0
        p01 = 0.0
        p02 = 0.0
        p10 = 0.0
        p11 = 0.0
        p12 = 0.0
        p20 = 0.0
        p21 = 0.0
        p22 = 0.0
        for i in range(n):
            uu = B * f[i] + c1 * g[i] + c2 * h[i]
            w = c2 * g[i] - c1 * h[i]
            d = abs(tau - x[i]) + eps
            sgn = 1.0 if tau >= x[i] else -1.0
            v0 = dtau * sgn / d * (m * uu + om * w)
            v1 = L[i] * uu
            v2 = L[i] * w
            V[0, i] = v0
            V[1, i] = v1
            V[2, i] = v2
            vm0 += v0
            vm1 += v1
            vm2 += v2
            fc = f[i] - mf
            gc = g[i] - mg
            hc = h[i] - mh
            p00 += fc * v0
            p01 += gc * v0
            p02 += hc * v0
            p10 += fc * v1
            p11 += gc * v1
            p12 += hc * v1
            p20 += fc * v2
            p21 += gc * v2
            p22 += hc * v2
        vm0 /= n
        vm1 /= n
        vm2 /= n
        c00 = C[0, 0]
        c01 = C[0, 1]
        c02 = C[0, 2]
        c11 = C[1, 1]
        c12 = C[1, 2]
        c22 = C[2, 2]
        a00, a01, a02 = _solve3s(c00, c01, c02, c11, c12, c22, p00, p01, p02)
        a10, a11, a12 = _solve3s(c00, c01, c02, c11, c12, c22, p10, p11, p12)
        a20, a21, a22 = _solve3s(c00, c01, c02, c11, c12, c22, p20, p21, p22)
        j00 = 0.0
        j01 = 0.0
        j02 = 0.0
        j11 = 0.0
        j12 = 0.0
        j22 = 0.0
        q0 = 0.0
        q1 = 0.0
        q2 = 0.0
        for i in range(n):
            fc = f[i] - mf
            gc = g[i] - mg
            hc = h[i] - mh
            w0 = V[0, i] - vm0 - a00 * fc - a01 * gc - a02 * hc
            w1 = V[1, i] - vm1 - a10 * fc - a11 * gc - a12 * hc
            w2 = V[2, i] - vm2 - a20 * fc - a21 * gc - a22 * hc
            j00 += w0 * w0
            j01 += w0 * w1
            j02 += w0 * w2
            j11 += w1 * w1
            j12 += w1 * w2
            j22 += w2 * w2
            ri = r[i]
            q0 += w0 * ri
            q1 += w1 * ri
            q2 += w2 * ri
        JJ[0, 0] = j00
        JJ[0, 1] = j01
        JJ[0, 2] = j02
        JJ[1, 0] = j01
        JJ[1, 1] = j11
        JJ[1, 2] = j12
        JJ[2, 0] = j02
        JJ[2, 1] = j12
        JJ[2, 2] = j22
        Jr[0] = q0
        Jr[1] = q1
        Jr[2] = q2
        accepted = False
        while lam < 1e12 and it < maxit:
            for j in range(3):
                for k in range(3):
                    A3[j, k] = JJ[j, k]
                A3[j, j] = JJ[j, j] * (1.0 + lam) + 1e-300
            _solve3(A3, Jr, delta)
            # active set: a parameter at a bound whose step points outwards is frozen
            lo_hi = False
            for k in range(3):
                v = u if k == 0 else (m if k == 1 else om)
                if (v <= box[2 * k] and delta[k] < 0.0) or (v >= box[2 * k + 1] and delta[k] > 0.0):
                    lo_hi = True
                    for j in range(3):
                        A3[k, j] = 0.0
                        A3[j, k] = 0.0
                    A3[k, k] = 1.0
                    Jr2[k] = 0.0
                else:
                    Jr2[k] = Jr[k]
            if lo_hi:
                _solve3(A3, Jr2, delta)
            nu = _clip(u + delta[0], box[0], box[1])
            nt = _tau_of(nu, mode)
            nm = _clip(m + delta[1], box[2], box[3])
            no = _clip(om + delta[2], box[4], box[5])
            if nu == u and nm == m and no == om:
                lam = 1e12
                break
            it += 1  # counts evaluations: the cap bounds the work of one polish
            sse2 = _evaluate(x, y, eps, nt, nm, no, L2, f2, g2, h2, r2, beta2, C2)
            if np.isfinite(sse2) and sse2 < sse:
                rel = (sse - sse2) / max(sse, 1e-300)
                step = abs(nu - u) + abs(nm - m) + abs(no - om) / 10.0
                u = nu
                tau = nt
                m = nm
                om = no
                sse = sse2
                L, L2 = L2, L
                f, f2 = f2, f
                g, g2 = g2, g
                h, h2 = h2, h
                r, r2 = r2, r
                beta, beta2 = beta2, beta
                C, C2 = C2, C
                lam = max(lam * 0.2, 1e-9)
                accepted = True
                if rel < box[10] or step < 1e-12:
                    status = STATUS_CONVERGED
                break
            lam *= 6.0
        if not accepted:
            status = STATUS_CONVERGED  # no descent step exists at this precision: a minimum
            break
        if status == STATUS_CONVERGED:
            break
    res[0] = tau
    res[1] = m
    res[2] = om
    res[3] = beta[0]
    res[4] = beta[1]
    res[5] = beta[2]
    res[6] = beta[3]
    res[7] = sse
    res[8] = status
    res[9] = it


@njit(cache=True, fastmath=True, error_model="numpy")
def _quad3(c00, c01, c02, c11, c12, c22, r0, r1, r2):
    """``r' C^-1 r`` for the symmetric 3x3 ``C`` by a square-root-free LDL' factorisation
    (the explained sum of squares of a grid cell). A pivot below 1e-12 of its diagonal
    entry drops that variable (its term is 0), as :func:`_solve3s` does."""
    k0 = c00 > 0.0
    i0 = 1.0 / c00 if k0 else 0.0
    l10 = c01 * i0
    l20 = c02 * i0
    d1 = c11 - l10 * c01
    k1 = d1 > 1e-12 * c11
    i1 = 1.0 / d1 if k1 else 0.0
    l21 = (c12 - l20 * c01) * i1
    d2 = c22 - l20 * c02 - l21 * l21 * d1 if k1 else c22 - l20 * c02
    k2 = d2 > 1e-12 * c22
    i2 = 1.0 / d2 if k2 else 0.0
    z1 = r1 - l10 * r0
    z2 = r2 - l20 * r0 - l21 * z1
    return r0 * r0 * i0 + z1 * z1 * i1 + z2 * z2 * i2


@njit(cache=True, fastmath=True, error_model="numpy")
def _sums8(F, FF, YF, c, s, c2, cs):
    """The eight grid sums of one (tau, m, omega) cell (a flat loop the compiler vectorises)."""
    sg = 0.0
    sh = 0.0
    sfg = 0.0
    sfh = 0.0
    sgg = 0.0
    sgh = 0.0
    syg = 0.0
    syh = 0.0
    for i in range(c.shape[0]):
        fi = F[i]
        ffi = FF[i]
        yfi = YF[i]
        sg += fi * c[i]
        sh += fi * s[i]
        sfg += ffi * c[i]
        sfh += ffi * s[i]
        sgg += ffi * c2[i]
        sgh += ffi * cs[i]
        syg += yfi * c[i]
        syh += yfi * s[i]
    return sg, sh, sfg, sfh, sgg, sgh, syg, syh


@njit(cache=True, fastmath=True, error_model="numpy")
def _grid(xg, yg, eps, box, n_tau, n_m, n_om, best):
    """Coarse grid: for each (tau row, m) the best (sse, tau, m, om) over om -> ``best``
    (row ``it * n_m + im``)."""
    n = xg.shape[0]
    Lg = np.empty(n)
    cd = np.empty(n)
    sd = np.empty(n)
    c = np.empty(n)
    s = np.empty(n)
    c2 = np.empty(n)
    cs = np.empty(n)
    F = np.empty((n_m, n))
    FF = np.empty((n_m, n))
    YF = np.empty((n_m, n))
    sF = np.empty(n_m)
    sFF = np.empty(n_m)
    sYF = np.empty(n_m)
    yy = 0.0
    for i in range(n):
        yy += yg[i] * yg[i]
    inv_n = 1.0 / n
    dom = (box[5] - box[4]) / n_om
    om0 = box[4] + dom * box[8]
    zlo = np.sqrt(1.0 - box[0]) * -1.0 if box[0] < 1.0 else np.sqrt(box[0] - 1.0)
    zhi = np.sqrt(box[1] - 1.0) if box[1] > 1.0 else -np.sqrt(1.0 - box[1])
    for it in range(n_tau):
        if int(box[9]) == 0:
            # tc rows dense near the window's end: tau = 1 + z |z|, z uniform
            z = zlo + (zhi - zlo) * (it + box[6]) / n_tau
            tau = 1.0 + z * abs(z)
        else:
            tau = _tau_of(box[0] + (box[1] - box[0]) * (it + box[6]) / n_tau, int(box[9]))
        for im in range(n_m):
            best[it * n_m + im, 0] = np.inf
        if box.shape[0] > 11 and box[11] > 0.0:
            # omega grid in oscillations: omega = 2 pi O / |ln(tau / (tau - 1))|, O <= box[11]
            lnr = abs(np.log(abs(tau) + eps) - np.log(abs(tau - 1.0) + eps))
            hi = min(box[5], 2.0 * np.pi * box[11] / max(lnr, 1e-300))
            dom = (hi - box[4]) / n_om
            om0 = box[4] + dom * box[8]
        for i in range(n):
            li = np.log(abs(tau - xg[i]) + eps)
            Lg[i] = li
            cd[i] = np.cos(dom * li)
            sd[i] = np.sin(dom * li)
            c[i] = np.cos(om0 * li)
            s[i] = np.sin(om0 * li)
        for im in range(n_m):
            m = box[2] + (box[3] - box[2]) * (im + box[7]) / n_m
            a0 = 0.0
            a1 = 0.0
            a2 = 0.0
            for i in range(n):
                fi = np.exp(m * Lg[i])
                F[im, i] = fi
                FF[im, i] = fi * fi
                YF[im, i] = yg[i] * fi
                a0 += fi
                a1 += fi * fi
                a2 += yg[i] * fi
            sF[im] = a0
            sFF[im] = a1
            sYF[im] = a2
        for io in range(n_om):
            om = om0 + dom * io
            if io > 0:
                for i in range(n):
                    cn = c[i] * cd[i] - s[i] * sd[i]
                    sn = s[i] * cd[i] + c[i] * sd[i]
                    c[i] = cn
                    s[i] = sn
            for i in range(n):
                c2[i] = c[i] * c[i]
                cs[i] = c[i] * s[i]
            for im in range(n_m):
                Fm = F[im]
                FFm = FF[im]
                YFm = YF[im]
                sg, sh, sfg, sfh, sgg, sgh, syg, syh = _sums8(Fm, FFm, YFm, c, s, c2, cs)
                sf = sF[im]
                shh = sFF[im] - sgg
                r0 = sYF[im]
                sse = yy - _quad3(
                    sFF[im] - sf * sf * inv_n,
                    sfg - sf * sg * inv_n,
                    sfh - sf * sh * inv_n,
                    sgg - sg * sg * inv_n,
                    sgh - sg * sh * inv_n,
                    shh - sh * sh * inv_n,
                    r0,
                    syg,
                    syh,
                )
                r = it * n_m + im
                if sse < best[r, 0]:
                    best[r, 0] = sse
                    best[r, 1] = tau
                    best[r, 2] = box[2] + (box[3] - box[2]) * (im + box[7]) / n_m
                    best[r, 3] = om


@njit(cache=True, error_model="numpy")
def fit_window(x, y, eps, box, grid, warm, out):
    """Fit one window (scaled time ``x`` in [0, 1], log prices ``y``) into ``out``.

    ``grid`` = (n_tau, n_m, n_om, n_sub, n_polish, maxit, sub_maxit[, abort_after]): with
    ``sub_maxit`` > 0 each polish first runs on the grid's subsample (at most that many
    evaluations); the warm start is polished first and, with ``abort_after`` > 0, a grid
    polish gives up after that many evaluations when its SSE is above ``ABORT_RATIO``
    times the best so far.
    ``box`` = (u_lo, u_hi, m_lo, m_hi, om_lo, om_hi, off_tau, off_m, off_om, mode, ftol) with
    the grid's offsets in fractions of a cell; ``u`` is tau itself (mode 0), or
    ``ln(tau - 1)`` (mode 1, tc after the window) or ``ln(-tau)`` (mode 2, tc before it);
    a polish stops when an accepted step lowers the SSE by less than ``ftol`` (relative);
    ``grid`` = (n_tau, n_m, n_om,
    n_sub, n_polish, maxit); ``warm`` = (tau, m, om) or NaNs. ``out`` gets the row
    described by the ``OUT_*`` constants (A for the original, not mean-removed, y).
    """
    n = x.shape[0]
    ybar = 0.0
    for i in range(n):
        ybar += y[i]
    ybar /= n
    yc = np.empty(n)
    for i in range(n):
        yc[i] = y[i] - ybar
    n_tau = grid[0]
    n_m = grid[1]
    n_om = grid[2]
    n_sub = grid[3]
    n_pol = grid[4]
    maxit = grid[5]
    sub_it = grid[6]
    abort_after = grid[7] if grid.shape[0] > 7 else 0
    best_sse = np.inf
    res = np.empty(10)
    bestres = np.full(10, np.nan)
    bestres[7] = np.inf
    bestres[8] = STATUS_FAILED
    theta = np.empty(3)
    if n_tau > 0 and n_pol > 0:
        # subsample (always keeping the last point) for the grid
        stride = max(1, (n + n_sub - 1) // n_sub) if n_sub > 0 else 1
        ng = (n - 1) // stride + 1
        xg = np.empty(ng)
        yg = np.empty(ng)
        gm = 0.0
        for k in range(ng):
            i = n - 1 - (ng - 1 - k) * stride
            xg[k] = x[i]
            yg[k] = yc[i]
            gm += yg[k]
        gm /= ng
        for k in range(ng):
            yg[k] -= gm
        cand = np.empty((n_tau * n_m, 4))
        if np.isfinite(warm[0]):
            # the warm start first: its optimum is the incumbent the grid's polishes must beat
            _polish(x, yc, eps, box, warm, maxit, res, np.inf, 0)
            if res[7] < best_sse:
                best_sse = res[7]
                bestres[:] = res
        _grid(xg, yg, eps, box, n_tau, n_m, n_om, cand)
        order = np.argsort(cand[:, 0])
        # the best cells, at most one per tc row and ceil(n_polish / 2) per m value, so
        # that the polishes start in different basins
        used_tau = np.zeros(n_tau, dtype=np.int64)
        used_m = np.zeros(n_m, dtype=np.int64)
        cap_m = (n_pol + 1) // 2
        done = 0
        for j in range(n_tau * n_m):
            if done >= n_pol:
                break
            k = order[j]
            if not np.isfinite(cand[k, 0]):
                continue
            if used_tau[k // n_m] > 0 or used_m[k % n_m] >= cap_m:
                continue
            used_tau[k // n_m] += 1
            used_m[k % n_m] += 1
            done += 1
            theta[0] = cand[k, 1]
            theta[1] = cand[k, 2]
            theta[2] = cand[k, 3]
            if sub_it > 0 and ng < n:
                # coarse-to-fine: polish on the subsample first, then on all points
                _polish(xg, yg, eps, box, theta, sub_it, res, np.inf, 0)
                if np.isfinite(res[7]):
                    theta[0] = res[0]
                    theta[1] = res[1]
                    theta[2] = res[2]
            _polish(x, yc, eps, box, theta, maxit, res, best_sse * ABORT_RATIO, abort_after)
            if res[7] < best_sse:
                best_sse = res[7]
                bestres[:] = res
    if np.isfinite(warm[0]) and not (n_tau > 0 and n_pol > 0):
        _polish(x, yc, eps, box, warm, maxit, res, np.inf, 0)
        if res[7] < best_sse:
            best_sse = res[7]
            bestres[:] = res
    for k in range(10):
        out[k] = bestres[k]
    out[OUT_A] = bestres[3] + ybar
    # mean relative error of the fitted price: mean |p / p_hat - 1|
    if np.isfinite(best_sse):
        tau = bestres[0]
        m = bestres[1]
        om = bestres[2]
        acc = 0.0
        for i in range(n):
            li = np.log(abs(tau - x[i]) + eps)
            fi = np.exp(m * li)
            yh = bestres[3] + fi * (
                bestres[4] + bestres[5] * np.cos(om * li) + bestres[6] * np.sin(om * li)
            )
            acc += abs(np.exp(yc[i] - yh) - 1.0)
        out[OUT_RELERR] = acc / n
    else:
        out[OUT_RELERR] = np.nan


@njit(cache=True, parallel=True, error_model="numpy")
def fit_windows(t, y, ends, lengths, box_rel, grid, warm_start, out, state):
    """Fit every (window length, end index) pair; ``out`` has shape (n_len, n_end, N_OUT).

    ``t`` are times in days, ``y`` log prices; window ``(j, e)`` covers observations
    ``ends[e] - lengths[j] + 1 .. ends[e]``. ``box_rel`` = (tc_lo, tc_hi, m_lo, m_hi,
    om_lo, om_hi, off_tau, off_m, off_om, ftol, max_osc) with tc bounds relative to the window end in units of its span
    (tc = t2 + tc_rel * span). The output tau is in scaled time of its own window.
    Parallel over lengths; each length walks its end dates in order (warm starts from the
    previous end date when ``warm_start``), so results do not depend on the thread count.
    ``state`` (n_len, 3: tc, m, omega of the last finite fit; NaN at first) carries the warm
    start in and out, so consecutive calls over consecutive blocks of end dates give the
    same fits as one call over all of them.
    """
    n_len = lengths.shape[0]
    n_end = ends.shape[0]
    for q in prange(n_len):
        # lengths in snake order (first, last, second, second last, ...): the threads'
        # static chunks then get about the same number of points to fit
        j = q // 2 if q % 2 == 0 else n_len - 1 - q // 2
        w = lengths[j]
        box = np.zeros(12)
        warm = np.empty(3)
        prev_tc = state[j, 0]
        prev_m = state[j, 1]
        prev_om = state[j, 2]
        row = np.empty(N_OUT)
        for e in range(n_end):
            i1 = ends[e]
            i0 = i1 - w + 1
            t0 = t[i0]
            span = t[i1] - t0
            xs = np.empty(w)
            for i in range(w):
                xs[i] = (t[i0 + i] - t0) / span
            box[0] = 1.0 + box_rel[0]
            box[1] = 1.0 + box_rel[1]
            box[2] = box_rel[2]
            box[3] = box_rel[3]
            box[4] = box_rel[4]
            box[5] = box_rel[5]
            box[6] = box_rel[6]
            box[7] = box_rel[7]
            box[8] = box_rel[8]
            box[10] = box_rel[9]
            box[11] = box_rel[10]
            if warm_start and np.isfinite(prev_tc):
                warm[0] = (prev_tc - t0) / span
                warm[1] = prev_m
                warm[2] = prev_om
            else:
                warm[0] = np.nan
                warm[1] = np.nan
                warm[2] = np.nan
            fit_window(xs, y[i0 : i1 + 1], 1e-8 / span, box, grid, warm, row)
            for k in range(N_OUT):
                out[j, e, k] = row[k]
            if np.isfinite(row[OUT_SSE]):
                prev_tc = t0 + row[OUT_TAU] * span
                prev_m = row[OUT_M]
                prev_om = row[OUT_OMEGA]
        state[j, 0] = prev_tc
        state[j, 1] = prev_m
        state[j, 2] = prev_om
