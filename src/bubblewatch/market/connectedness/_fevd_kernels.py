"""Per-date FEVD kernels (time domain, frequency bands, joint) with numpy references.

Every kernel takes a sequence of VAR coefficient blocks ``coefs`` (T, p, k, k) and residual
covariances ``sigma`` (T, k, k) and loops over dates in parallel (``prange``): the dates are
independent once the model is estimated.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from bubblewatch.market import _spillover_kernels as SK

__all__ = [
    "dynamic_fevd",
    "frequency_fevd",
    "frequency_fevd_reference",
    "joint_from",
    "joint_from_reference",
    "ma_coefficients",
    "ma_sequences",
]


#: floating-point work (about) below which a loop runs on one thread: a parallel region
#: costs tens of microseconds on a quiet machine and far more on a loaded one
PARALLEL_WORK = 5e6


def parallel_worth(work: float) -> bool:
    """Whether ``work`` flops justify a parallel region."""
    import numba

    return work > PARALLEL_WORK and numba.get_num_threads() > 1


@njit(cache=True)
def _fevd_dates(coefs, sigma, n_terms, method, theta, ok, lo, hi):  # type: ignore[no-untyped-def]
    k = sigma.shape[1]
    out = np.empty((k, k))
    for t in range(lo, hi):
        if SK._fevd(coefs[t], sigma[t], n_terms, method, out):
            theta[t] = out
            ok[t] = True


@njit(cache=True, parallel=True)
def _fevd_chunks(coefs, sigma, n_terms, method, theta, ok, chunk):  # type: ignore[no-untyped-def]
    n = coefs.shape[0]
    for c in prange((n + chunk - 1) // chunk):
        _fevd_dates(coefs, sigma, n_terms, method, theta, ok, c * chunk, min(n, (c + 1) * chunk))


def dynamic_fevd(
    coefs: np.ndarray, sigma: np.ndarray, n_terms: int, method: int
) -> tuple[np.ndarray, np.ndarray]:
    """Row-normalised FEVD (generalized or Cholesky) of every date; ``ok`` False where singular.

    Dates run in parallel chunks when the work is large enough (:func:`parallel_worth`).
    """
    n, k = sigma.shape[0], sigma.shape[1]
    theta = np.full((n, k, k), np.nan)
    ok = np.zeros(n, dtype=np.bool_)
    if not parallel_worth(2.0 * n * n_terms * k**3):
        _fevd_dates(coefs, sigma, n_terms, method, theta, ok, 0, n)
    else:
        _fevd_chunks(coefs, sigma, n_terms, method, theta, ok, 32)
    return theta, ok


#: MA matrices Psi_0..Psi_{n_terms-1} of one date (the spillover kernels' recursion)
ma_coefficients = SK.ma_terms


# --------------------------------------------------------------------------- frequency
def frequency_fevd_reference(
    a: np.ndarray, sigma: np.ndarray, n_terms: int, band_of: np.ndarray, n_bands: int
) -> np.ndarray:
    """Generalized FEVD by frequency band (Barunik-Krehlik 2018) of one date, numpy version.

    The MA coefficients h = 0..n_terms-1 are Fourier-transformed over n = n_terms points
    (frequencies ``2 pi j / n``); ``band_of[j]`` is the band of frequency index j (-1: left
    out). Returns (n_bands, k, k): ``|(F_j Sigma)_rq|^2 / Sigma_qq`` summed over each band,
    divided by row r's total over all kept frequencies - so the bands add up to the
    row-normalised table (the variance denominators of the paper cancel in that ratio).
    """
    psi = SK.ma_coefficients_reference(a, n_terms)
    k = sigma.shape[0]
    out = np.zeros((n_bands, k, k))
    for j in range(n_terms):
        if band_of[j] < 0:
            continue
        f = sum(psi[h] * np.exp(-2j * np.pi * j * h / n_terms) for h in range(n_terms))
        out[band_of[j]] += np.abs(f @ sigma) ** 2 / np.diag(sigma)[None, :]
    return out / out.sum(axis=(0, 2))[None, :, None]


@njit(cache=True, parallel=True)
def _ma_parallel(coefs: np.ndarray, out: np.ndarray) -> None:
    for t in prange(coefs.shape[0]):
        out[t] = ma_coefficients(coefs[t], out.shape[1])


@njit(cache=True)
def _ma_serial(coefs: np.ndarray, out: np.ndarray) -> None:
    for t in range(coefs.shape[0]):
        out[t] = ma_coefficients(coefs[t], out.shape[1])


def ma_sequences(coefs: np.ndarray, n_terms: int) -> np.ndarray:
    """MA matrices of every date: (T, n_terms, k, k)."""
    n, k = coefs.shape[0], coefs.shape[2]
    out = np.empty((n, n_terms, k, k))
    (_ma_parallel if parallel_worth(n * n_terms * k**3 * coefs.shape[1]) else _ma_serial)(
        coefs, out
    )
    return out


def frequency_fevd(
    coefs: np.ndarray,
    sigma: np.ndarray,
    n_terms: int,
    band_of: np.ndarray,
    n_bands: int,
    chunk: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    """Frequency-band generalized FEVD of every date: (T, n_bands, k, k) and ``ok`` (T,).

    Dates are processed in chunks: MA sequences (compiled, parallel), one FFT along the
    horizon axis, then the band sums - O(n log n k^2 + n k^3) per date.
    """
    n, k = sigma.shape[0], sigma.shape[1]
    out = np.full((n, n_bands, k, k), np.nan)
    ok = np.zeros(n, dtype=bool)
    band_of = np.asarray(band_of)
    used = np.flatnonzero(band_of >= 0)
    onehot = np.zeros((len(used), n_bands))
    onehot[np.arange(len(used)), band_of[used]] = 1.0
    for s0 in range(0, n, chunk):
        sl = slice(s0, min(n, s0 + chunk))
        sg = sigma[sl]
        sd = np.diagonal(sg, axis1=1, axis2=2)
        good = np.all(np.isfinite(sg), axis=(1, 2)) & np.all(sd > 0, axis=1)
        if not good.any():
            continue
        psi = ma_sequences(np.ascontiguousarray(coefs[sl][good]), n_terms)
        ft = np.fft.fft(psi, axis=1)[:, used]  # (c, kept frequencies, k, k)
        fs = np.einsum("cjrq,cqs->cjrs", ft, sg[good])
        num = (
            np.einsum("cjrq,jb->cbrq", fs.real**2 + fs.imag**2, onehot) / sd[good][:, None, None, :]
        )
        tot = num.sum(axis=(1, 3))
        fine = np.all(tot > 0, axis=1)
        res = num / np.where(tot > 0, tot, 1.0)[:, None, :, None]
        pos = np.arange(sl.start, sl.stop)[good][fine]
        out[pos] = res[fine]
        ok[pos] = True
    return out, ok


# --------------------------------------------------------------------------- joint
def joint_from_reference(a: np.ndarray, sigma: np.ndarray, n_terms: int) -> np.ndarray:
    """Lastrapes-Wiesen joint FROM shares (fractions) of one date, numpy version.

    ``S_i = sum_h e_i' Psi_h Sigma M_i (M_i' Sigma M_i)^{-1} M_i' Sigma Psi_h' e_i / Xi_ii``
    with ``M_i`` the identity without column i and ``Xi = sum_h Psi_h Sigma Psi_h'``.
    """
    psi = SK.ma_coefficients_reference(a, n_terms)
    k = sigma.shape[0]
    xi = sum(ph @ sigma @ ph.T for ph in psi)
    out = np.empty(k)
    for i in range(k):
        keep = [j for j in range(k) if j != i]
        s_ = sigma[:, keep]
        proj = s_ @ np.linalg.pinv(sigma[np.ix_(keep, keep)]) @ s_.T
        out[i] = sum(ph[i] @ proj @ ph[i] for ph in psi) / xi[i, i]
    return out


def joint_from(coefs: np.ndarray, sigma: np.ndarray, n_terms: int) -> tuple[np.ndarray, np.ndarray]:
    """Joint FROM shares (T, k) of every date (fractions); ``ok`` False where singular.

    With Sigma invertible, ``Sigma M_i (M_i' Sigma M_i)^{-1} M_i' Sigma = Sigma - e_i e_i' /
    (Sigma^{-1})_ii`` (the Sigma-orthogonal complement of the columns of M_i is spanned by
    ``Sigma^{-1} e_i``), so the numerator's quadratic form in ``x = Psi_h' e_i`` is
    ``x' Sigma x - x_i^2 / (Sigma^{-1})_ii``: O(k^2) per variable and horizon instead of an
    inverse of order k-1 per variable.
    """
    n, k = sigma.shape[0], sigma.shape[1]
    out = np.full((n, k), np.nan)
    ok = np.zeros(n, dtype=np.bool_)
    if not parallel_worth(2.0 * n * n_terms * k**3):
        _joint_dates(coefs, sigma, n_terms, out, ok, 0, n)
    else:
        _joint_chunks(coefs, sigma, n_terms, out, ok, 32)
    return out, ok


@njit(cache=True)
def _joint_dates(coefs, sigma, n_terms, out, ok, lo, hi):  # type: ignore[no-untyped-def]
    k = sigma.shape[1]
    for t in range(lo, hi):
        sg = sigma[t]
        lo = np.zeros((k, k))
        good = True
        for i in range(k):
            for j in range(i + 1):
                acc = sg[i, j]
                for h in range(j):
                    acc -= lo[i, h] * lo[j, h]
                if i == j:
                    if not acc > 1e-14 * abs(sg[i, i]):
                        good = False
                        break
                    lo[i, i] = np.sqrt(acc)
                else:
                    lo[i, j] = acc / lo[j, j]
            if not good:
                break
        if not good:
            continue
        # diagonal of Sigma^{-1} = sum_r (L^{-1})_{ri}^2
        linv = np.zeros((k, k))
        for c in range(k):
            for r in range(c, k):
                acc = 1.0 if r == c else 0.0
                for h in range(c, r):
                    acc -= lo[r, h] * linv[h, c]
                linv[r, c] = acc / lo[r, r]
        invd = np.zeros(k)
        for c in range(k):
            for r in range(k):
                invd[c] += linv[r, c] * linv[r, c]
        psi = ma_coefficients(coefs[t], n_terms)
        ps = np.empty((k, k))
        num = np.zeros(k)
        den = np.zeros(k)
        for h in range(n_terms):
            SK._matmul(psi[h], sg, ps)
            for i in range(k):
                q = 0.0
                for r in range(k):
                    q += ps[i, r] * psi[h, i, r]
                num[i] += q - psi[h, i, i] * psi[h, i, i] / invd[i]
                den[i] += q
        for i in range(k):
            out[t, i] = num[i] / den[i]
        ok[t] = True


@njit(cache=True, parallel=True)
def _joint_chunks(coefs, sigma, n_terms, out, ok, chunk):  # type: ignore[no-untyped-def]
    n = coefs.shape[0]
    for c in prange((n + chunk - 1) // chunk):
        _joint_dates(coefs, sigma, n_terms, out, ok, c * chunk, min(n, (c + 1) * chunk))
