"""Wild-bootstrap BSADF critical values on chosen dates only (real-time monitoring).

A real-time flag needs the critical value of BSADF on the date being judged, not on every
date of the sample. The BSADF of a date ``t`` is the maximum ADF statistic over the windows
ending at ``t``: O(t) regressions. So the bootstrap distribution of BSADF on a few dates
costs O(reps·T) per date, against O(reps·T²) for the whole sequence
(:func:`bubblewatch.detect.psy_critical.wb_critical_values`).

The replications are exactly those of :func:`~bubblewatch.detect.psy_critical.wb_critical_values`
with ``variant="hlst"`` (Harvey, Leybourne, Sollis & Taylor 2016): replication ``i`` draws
``w ~ N(0, 1)`` from stream ``i`` of ``SeedSequence(seed)`` and builds
``y*_0 = 0, y*_t = sum_{s<=t} w_s Δy_s``; the BSADF of every replication on every asked date
comes from the same kernel as the batch statistics. Hence :func:`pointwise_critical_values`
equals, bit for bit, the ``rule="pointwise"`` critical values of ``wb_critical_values`` on
those dates (tested), at a small fraction of the cost.

Replication ``i``'s path up to a date ``t`` depends only on the increments up to ``t``, so the
value on ``t`` uses no later data: computed on the sample ending at a later date it is the
same as on the sample ending at ``t`` with the same first date.

References
----------
.. [1] Harvey, D.I., Leybourne, S.J., Sollis, R. & Taylor, A.M.R. (2016). Tests for explosive
   financial bubbles in the presence of non-stationary volatility. Journal of Empirical
   Finance 38, 548-574.
.. [2] Phillips, P.C.B. & Shi, S. (2020). Real time monitoring of asset markets: bubbles and
   crises. Handbook of Statistics 42, 61-80.
.. [3] Vasilopoulos, K., Pavlidis, E. & Martínez-García, E. (2022). exuber: Recursive
   right-tailed unit root testing with R. Journal of Statistical Software 103(10).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from numba import njit, prange

from bubblewatch.detect import _psy_kernels as _k
from bubblewatch.errors import InputError
from bubblewatch.validation import ArrayLike, Integer, validate_params

__all__ = ["bootstrap_bsadf", "hlst_replications", "pointwise_critical_values"]

_Q = np.array([0.90, 0.95, 0.99])


@njit(cache=True)
def _row_at(y, ends, min_window, K, ic, rec, out_row):  # pragma: no cover - numba
    p = K + 2
    C = np.empty((p, p))
    L = np.empty((p, p))
    mean = np.empty(p)
    z = np.empty(p)
    ring = np.empty(K + 1, dtype=np.int64)
    dyp = _k.padded_diff(y, K)
    for j in range(ends.shape[0]):
        out_row[j] = _k.psy_end(y, dyp, rec, ends[j], min_window, K, ic, C, mean, z, L, ring)[0]


@njit(cache=True, parallel=True)
def _bsadf_at(Y, ends, min_window, K, ic, out):  # pragma: no cover - numba
    """``out[r, j]`` = BSADF of row ``r`` of ``Y`` at position ``ends[j]`` (parallel over rows)."""
    rec = _k.reciprocals(Y.shape[1] + 1)
    for r in prange(Y.shape[0]):
        _row_at(Y[r], ends, min_window, K, ic, rec, out[r])


@njit(cache=True)
def _bsadf_at_serial(Y, ends, min_window, K, ic, out):  # pragma: no cover - numba
    """:func:`_bsadf_at` on the calling thread (small problems; the same values)."""
    rec = _k.reciprocals(Y.shape[1] + 1)
    for r in range(Y.shape[0]):
        _row_at(Y[r], ends, min_window, K, ic, rec, out[r])


#: below this many window regressions one thread is faster than waking the others
_SERIAL_WORK = 20_000_000


@validate_params(
    y=ArrayLike(what="the tested series"),
    reps=Integer(min=1),
    seed=[None, Integer(min=0)],
    upto=[None, Integer(min=2)],
)
def hlst_replications(
    y: Any, reps: int, seed: int | None, *, upto: int | None = None
) -> np.ndarray:
    """The ``reps`` wild-bootstrap paths (reps × T) of ``y`` (HLST 2016; see the module).

    ``upto`` keeps the first ``upto`` observations of each path (the same draws: a path's
    beginning does not depend on its length).
    """
    arr = np.asarray(y, dtype=float)
    T = arr.shape[0] if upto is None else int(upto)
    dy = np.diff(arr[:T])
    out = np.empty((reps, T))
    out[:, 0] = 0.0
    np.cumsum(_weights(seed, reps, T - 1) * dy, axis=1, out=out[:, 1:])
    return out


def _weights(seed: int | None, reps: int, n: int) -> np.ndarray:
    """The first ``n`` draws w ~ N(0, 1) of each replication's stream (reps × n).

    The draws do not depend on the data, and a stream's first draws do not depend on how
    many are taken, so a block drawn once for a seed serves every sample of that size or
    less (the replay of the status re-uses it thousands of times).
    """
    if seed is None:
        return _draw(None, reps, n)
    size = max(1024, 1 << math.ceil(math.log2(max(n, 1))))
    return _draw_cached(int(seed), int(reps), size)[:, :n]


def _draw(seed: int | None, reps: int, n: int) -> np.ndarray:
    out = np.empty((reps, n))
    for i, ss in enumerate(np.random.SeedSequence(seed).spawn(reps)):
        out[i] = np.random.Generator(np.random.PCG64(ss)).standard_normal(n)
    return out


@functools.lru_cache(maxsize=4)
def _draw_cached(seed: int, reps: int, n: int) -> np.ndarray:
    out = _draw(seed, reps, n)
    out.flags.writeable = False
    return out


@validate_params(
    y=ArrayLike(what="the tested series"),
    ends=ArrayLike(what="positions in the series"),
    min_window=Integer(min=2),
    lags=Integer(min=0),
    reps=Integer(min=1),
    seed=[None, Integer(min=0)],
    paths=[None, ArrayLike(what="replications (reps x T)")],
)
def bootstrap_bsadf(
    y: Any,
    ends: Any,
    *,
    min_window: int,
    lags: int = 0,
    reps: int = 199,
    seed: int | None = 0,
    paths: np.ndarray | None = None,
) -> np.ndarray:
    """BSADF of each wild-bootstrap replication at the positions ``ends`` (reps × len(ends)).

    Parameters
    ----------
    y : array-like
        The tested series (after any log).
    ends : sequence of int
        0-based positions in ``y`` (each at least ``min_window - 1``).
    min_window, lags
        As in :func:`bubblewatch.detect.psy.psy` (fixed lag).
    reps, seed
        Replications and seed (:func:`hlst_replications`).
    paths : ndarray, optional
        Replications already drawn (reused across calls on the same sample).
    """
    e = np.atleast_1d(np.asarray(ends, dtype=np.int64))
    arr = np.asarray(y, dtype=float)
    if e.size and (e.min() < min_window - 1 or e.max() > arr.shape[0] - 1):
        raise InputError(
            f"ends must lie between {min_window - 1} (the first BSADF) and {arr.shape[0] - 1}; "
            f"got {e.min()}..{e.max()}"
        )
    if int(lags) != lags or lags < 0:
        raise InputError(f"lags must be a non-negative integer; got {lags!r}")
    Y = hlst_replications(arr, reps, seed) if paths is None else paths
    out = np.empty((Y.shape[0], e.size))
    if e.size:
        kernel = _bsadf_at_serial if Y.shape[0] * int(e.sum()) < _SERIAL_WORK else _bsadf_at
        kernel(np.ascontiguousarray(Y), e, int(min_window), int(lags), 0, out)
    return out


@validate_params(draws=ArrayLike(what="bootstrap BSADF values (reps x dates)"))
def pointwise_critical_values(draws: np.ndarray) -> np.ndarray:
    """90/95/99% quantiles over replications (len(ends) × 3) of :func:`bootstrap_bsadf`'s output.

    The same quantiles as ``wb_critical_values(..., rule="pointwise")`` on those dates.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.cumsum(rng.normal(size=300))
    >>> cv = pointwise_critical_values(bootstrap_bsadf(y, [299], min_window=40, reps=99))
    >>> cv.shape, bool(cv[0, 0] < cv[0, 1] < cv[0, 2])
    ((1, 3), True)
    """
    d = np.asarray(draws, dtype=float)
    q = np.nanquantile(d, _Q, axis=0) if np.isnan(d).any() else np.quantile(d, _Q, axis=0)
    return q.T
