"""Simulated critical values of the PSY statistics: Monte Carlo under the null and the wild bootstrap.

Monte Carlo (``method="mc"``)
    The PSY null is a driftless random walk ``y_t = y_{t-1} + e_t``, ``e_t ~ N(0, 1)``
    (the ``d·T^{-η}`` drift of PSY (2015) vanishes asymptotically and exuber omits it too);
    each replication is tested with the same window and lags (fixed or chosen by AIC/BIC)
    as the data, so critical values exist for any lag.
Wild bootstrap (``method="wb"``)
    ``variant="hlst"`` (Harvey, Leybourne, Sollis & Taylor 2016): ``y*_t = Σ_{i<=t} w_i Δy_i``
    with ``w_i ~ N(0, 1)``, robust to non-stationary volatility. ``variant="ps"`` (Phillips &
    Shi 2020): fit ``Δy_t = a + Σ φ_j Δy_{t-j} + e_t`` (``lags`` lags), then
    ``Δy*_t = Σ φ_j Δy*_{t-j} + w_t·ê_{r_t}`` with ``r_t`` drawn uniformly from the residuals
    and ``w_t ~ N(0, 1)``, started at the first observed differences; no drift is imposed.

Reproducibility: replication ``i`` draws from its own stream ``SeedSequence(seed).spawn``;
replications are computed independently (numba, parallel) and the quantiles are taken
afterwards in a fixed order, so the values are bit-identical for any thread count.

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
   International Economic Review 56(4), 1043-1078.
.. [2] Harvey, D.I., Leybourne, S.J., Sollis, R. & Taylor, A.M.R. (2016). Tests for explosive
   financial bubbles in the presence of non-stationary volatility. Journal of Empirical
   Finance 38, 548-574.
.. [3] Phillips, P.C.B. & Shi, S. (2020). Real time monitoring of asset markets: bubbles and
   crises. Handbook of Statistics 42, 61-80.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblewatch import progress
from bubblewatch.detect import _psy_kernels as _k
from bubblewatch.detect.psy_cv import PSYCriticalValues, _assemble
from bubblewatch.detect.psy_setup import (
    CV_RULE,
    IC_CODES,
    INDEX,
    REPLICATIONS,
    SAMPLE,
    VARIANT,
    check_window,
)
from bubblewatch.detect.psy_setup import threads as _threads
from bubblewatch.errors import InputError
from bubblewatch.validation import ArrayLike, Integer, validate_params

__all__ = ["mc_critical_values", "simulate_statistics", "wb_critical_values"]


def _streams(seed: int | None, reps: int) -> list[np.random.Generator]:
    return [
        np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(reps)
    ]


def _stats_of(Y: np.ndarray, min_window: int, K: int, ic: int) -> dict[str, np.ndarray]:
    R, T = Y.shape
    n = T - min_window + 1
    badf = np.empty((R, n))
    bsadf = np.empty((R, n))
    nan_count = np.zeros(R, dtype=np.int64)
    _k.psy_many(np.ascontiguousarray(Y), min_window, K, ic, badf, bsadf, nan_count)
    return {"badf": badf, "bsadf": bsadf}


def _run_reps(
    make: Any, reps: int, T: int, min_window: int, K: int, ic: int, threads: int | None
) -> dict[str, np.ndarray]:
    """Build replications in chunks (``make(i)`` gives series i) and compute their sequences."""
    n = T - min_window + 1
    badf = np.empty((reps, n))
    bsadf = np.empty((reps, n))
    chunk = max(1, min(reps, 4_000_000 // max(T, 1)))
    if progress.listening():  # about 20 steps for the watcher (same numbers: one seed per rep)
        chunk = min(chunk, max(1, -(-reps // 20)))
    with _threads(threads):
        for lo in range(0, reps, chunk):
            hi = min(reps, lo + chunk)
            Y = np.empty((hi - lo, T))
            for i in range(lo, hi):
                Y[i - lo] = make(i)
            r = _stats_of(Y, min_window, K, ic)
            badf[lo:hi] = r["badf"]
            bsadf[lo:hi] = r["bsadf"]
            progress.step("replications", hi, reps)
    return {"badf": badf, "bsadf": bsadf}


def _validate(
    T: int, min_window: int | None, lags: int, ic: str | None, max_lags: int | None, reps: int
) -> tuple[int, int, int]:
    if reps < 10:
        raise InputError(f"reps must be at least 10; got {reps}")
    ic_key = None if ic is None else str(ic).lower()
    if ic_key not in IC_CODES:
        raise InputError(f"ic must be 'aic', 'bic' or None; got {ic!r}")
    K = int(lags) if ic_key is None else int(max_lags if max_lags is not None else lags)
    m = check_window(T, min_window, K, f"lags={K}")
    return m, K, IC_CODES[ic_key]


@validate_params(T=Integer(min=1), **SAMPLE, **REPLICATIONS)
def simulate_statistics(
    T: int,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    reps: int = 2000,
    seed: int | None = 0,
    threads: int | None = None,
) -> dict[str, np.ndarray]:
    """BADF and BSADF sequences (reps × (T - min_window + 1)) of random walks (the PSY null)."""
    m, K, icc = _validate(T, min_window, lags, ic, max_lags, reps)
    gens = _streams(seed, reps)
    return _run_reps(lambda i: np.cumsum(gens[i].standard_normal(T)), reps, T, m, K, icc, threads)


@validate_params(T=Integer(min=1), **SAMPLE, **REPLICATIONS, **CV_RULE, index=INDEX)
def mc_critical_values(
    T: int,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    reps: int = 2000,
    seed: int | None = 0,
    rule: str = "psy",
    span: int | None = None,
    threads: int | None = None,
    index: pd.Index | None = None,
) -> PSYCriticalValues:
    """Monte Carlo critical values under the PSY null (driftless Gaussian random walk).

    Parameters
    ----------
    T : int
        Sample size.
    min_window, lags, ic, max_lags
        As in :func:`bubblewatch.detect.psy.psy`.
    reps : int
        Replications (2000 in PSY 2015).
    seed : int or None
        Seed of the replications' independent streams.
    rule : {"psy", "pointwise", "familywise"}
        BSADF rule; see the module docstring.
    span : int, optional
        Family-wise rule's span.
    threads : int, optional
        Numba threads (results do not depend on it).
    index : pandas.Index, optional
        Labels of the BSADF sequence (length ``T - min_window + 1``).

    Examples
    --------
    >>> cv = mc_critical_values(100, reps=50, seed=1)
    >>> cv.gsadf[95] > cv.sadf[95]
    True
    """
    m, K, _ = _validate(T, min_window, lags, ic, max_lags, reps)
    sims = simulate_statistics(
        T, min_window=m, lags=lags, ic=ic, max_lags=max_lags, reps=reps, seed=seed, threads=threads
    )
    return _assemble(
        sims,
        method="mc",
        rule=rule,
        span=span,
        reps=reps,
        seed=seed,
        T=T,
        min_window=m,
        K=K,
        ic=ic,
        index=index,
    )


def _ps_fit(y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    dy = np.diff(y)
    rows = np.arange(k, dy.shape[0])
    X = np.column_stack([np.ones(rows.shape[0])] + [dy[rows - j] for j in range(1, k + 1)])
    beta, *_ = np.linalg.lstsq(X, dy[rows], rcond=None)
    return beta[1:], dy[rows] - X @ beta


@validate_params(
    y=ArrayLike(what="a series (array-like or pandas Series)"),
    **SAMPLE,
    **REPLICATIONS,
    **CV_RULE,
    variant=VARIANT,
    index=INDEX,
)
def wb_critical_values(
    y: Any,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    reps: int = 500,
    seed: int | None = 0,
    rule: str = "psy",
    span: int | None = None,
    variant: str = "hlst",
    threads: int | None = None,
    index: pd.Index | None = None,
) -> PSYCriticalValues:
    """Wild-bootstrap critical values for the series ``y`` (see the module docstring).

    Parameters
    ----------
    y : array-like
        The series the statistics were computed on (after any log).
    variant : {"hlst", "ps"}
        Harvey, Leybourne, Sollis & Taylor (2016) or Phillips & Shi (2020).
    Other parameters
        As in :func:`mc_critical_values`.
    """
    from scipy.signal import lfilter, lfiltic

    arr = np.asarray(y, dtype=float)
    T = arr.shape[0]
    m, K, icc = _validate(T, min_window, lags, ic, max_lags, reps)
    gens = _streams(seed, reps)
    dy = np.diff(arr)
    if variant == "hlst":

        def make(i: int) -> np.ndarray:
            out = np.empty(T)
            out[0] = 0.0
            np.cumsum(gens[i].standard_normal(T - 1) * dy, out=out[1:])
            return out

    elif variant == "ps":
        k = K
        phi, resid = _ps_fit(arr, k)
        a = np.concatenate(([1.0], -phi))
        zi = lfiltic([1.0], a, dy[k - 1 :: -1][:k]) if k else None

        def make(i: int) -> np.ndarray:
            g = gens[i]
            draw = resid[g.integers(0, resid.shape[0], size=T - 1 - k)] * g.standard_normal(
                T - 1 - k
            )
            dyb = np.empty(T - 1)
            dyb[:k] = dy[:k]
            if k:
                dyb[k:], _ = lfilter([1.0], a, draw, zi=zi)
            else:
                dyb[:] = draw
            out = np.empty(T)
            out[0] = arr[0]
            out[1:] = arr[0] + np.cumsum(dyb)
            return out

    else:
        raise InputError(f"variant must be 'hlst' or 'ps'; got {variant!r}")
    sims = _run_reps(make, reps, T, m, K, icc, threads)
    return _assemble(
        sims,
        method=f"wb-{variant}",
        rule=rule,
        span=span,
        reps=reps,
        seed=seed,
        T=T,
        min_window=m,
        K=K,
        ic=ic,
        index=index,
    )
