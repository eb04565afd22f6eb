"""P-values of the GSADF statistic from its simulated null distribution, tabulated by T.

The shipped table ``detect/tables/psy_gsadf_null.npz`` holds the GSADF statistics of
20,000 driftless Gaussian random walks (the PSY null) for each sample size T in
{50, 100, 200, 400, 800, 1600, 3200}, lag 0 and PSY's default smallest window, made by
``scripts/make_psy_null_table.py`` (its first 2000 replications per T are those of the
critical-value table, so both tables agree). The p-value of a statistic ``g`` at a grid
point is the Monte Carlo p-value ``(1 + #{null >= g}) / (R + 1)`` (never 0: the smallest is
1/20,001); between grid points it is interpolated linearly in log T, and outside the grid
the nearest end is used (``pvalue_method`` says which).

The p-values inherit the table's null: homoskedastic random walks. Under volatility
clustering (GARCH) the GSADF of a random walk is larger, so these p-values are too small
and the false-alarm rate is above its nominal level; ``benchmarks/scan.py`` measures it.

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
   International Economic Review 56(4), 1043-1078.
.. [2] Davison, A.C. & Hinkley, D.V. (1997). Bootstrap Methods and their Application.
   Cambridge University Press, section 4.2 (Monte Carlo p-values).
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import math
from typing import Any

import numpy as np

from bubblewatch.errors import InputError
from bubblewatch.validation import ArrayLike, Integer, Real, validate_params

__all__ = ["NULL_TABLE_FILE", "gsadf_pvalue", "pvalue_method"]

NULL_TABLE_FILE = "psy_gsadf_null.npz"


@dataclasses.dataclass(frozen=True)
class _NullTable:
    grid: np.ndarray
    reps: int
    seed: int
    sorted_gsadf: np.ndarray  # (len(grid), reps), ascending


_CACHE: list[_NullTable] = []


def _table() -> _NullTable:
    if not _CACHE:
        ref = importlib.resources.files("bubblewatch.detect") / "tables" / NULL_TABLE_FILE
        with importlib.resources.as_file(ref) as path, np.load(path) as z:
            _CACHE.append(
                _NullTable(
                    grid=z["grid"].astype(int),
                    reps=int(z["reps"]),
                    seed=int(z["seed"]),
                    sorted_gsadf=z["gsadf"].astype(float),
                )
            )
    return _CACHE[0]


def _weights(T: int) -> list[tuple[int, float]]:
    grid = _table().grid
    if T <= grid[0]:
        return [(0, 1.0)]
    if T >= grid[-1]:
        return [(len(grid) - 1, 1.0)]
    hi = int(np.searchsorted(grid, T))
    if grid[hi] == T:
        return [(hi, 1.0)]
    w = (math.log(T) - math.log(grid[hi - 1])) / (math.log(grid[hi]) - math.log(grid[hi - 1]))
    return [(hi - 1, 1.0 - w), (hi, w)]


@validate_params(T=Integer(min=1))
def pvalue_method(T: int) -> str:
    """How :func:`gsadf_pvalue` gets a p-value for sample size ``T`` (for outputs).

    Examples
    --------
    >>> pvalue_method(800)
    'null table (T=800, 20000 random walks)'
    >>> pvalue_method(1000)
    'null table (interpolated between T=800 and T=1600, 20000 random walks)'
    """
    tab = _table()
    pairs = _weights(int(T))
    reps = f"{tab.reps} random walks"
    if len(pairs) == 2:
        lo, hi = (int(tab.grid[j]) for j, _ in pairs)
        return f"null table (interpolated between T={lo} and T={hi}, {reps})"
    g = int(tab.grid[pairs[0][0]])
    near = "" if g == T else ", nearest grid point"
    return f"null table (T={g}{near}, {reps})"


@validate_params(
    gsadf=[Real(), ArrayLike(what="GSADF statistics")],
    nobs=Integer(min=1),
    lags=Integer(min=0),
    min_window=[None, Integer(min=1)],
)
def gsadf_pvalue(
    gsadf: Any, nobs: int, *, lags: int = 0, min_window: int | None = None
) -> float | np.ndarray:
    """Monte Carlo p-value(s) of GSADF statistic(s) for a sample of ``nobs`` observations.

    Parameters
    ----------
    gsadf : float or array-like
        GSADF statistic(s) of series of length ``nobs`` (a NaN in an array gives NaN).
    nobs : int
        Sample size T the statistics were computed on.
    lags : int
        ADF lag of the statistics; the table is for lag 0 only.
    min_window : int, optional
        Smallest window used; the table is for PSY's default window only.

    Returns
    -------
    float or numpy.ndarray
        ``P(GSADF_null >= gsadf)`` under the PSY null, in (0, 1].

    Raises
    ------
    InputError
        For ``lags != 0`` or a non-default window (no tabulated null for them).

    Examples
    --------
    >>> p = gsadf_pvalue([0.0, 2.35, 6.0], 800)
    >>> bool(p[0] > 0.5), round(float(p[1]), 2), float(p[2]) == 1 / 20001
    (True, 0.05, True)
    """
    from bubblewatch.detect.psy_setup import default_min_window

    T = int(nobs)
    if lags != 0:
        raise InputError(
            f"GSADF p-values are tabulated for lag 0 only; got lags={lags} (use lags=0)"
        )
    if min_window is not None and int(min_window) != default_min_window(T):
        raise InputError(
            f"GSADF p-values are tabulated for PSY's default window ({default_min_window(T)} "
            f"for T={T}); got min_window={min_window}"
        )
    tab = _table()
    g = np.asarray(gsadf, dtype=float)
    out = np.zeros(g.shape)
    for j, w in _weights(T):
        null = tab.sorted_gsadf[j]
        at_least = null.size - np.searchsorted(null, np.where(np.isnan(g), 0.0, g), side="left")
        out += w * (1.0 + at_least) / (null.size + 1.0)
    out = np.where(np.isnan(g), np.nan, out)
    return float(out) if out.ndim == 0 else out
