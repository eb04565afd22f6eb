"""PSY recursive right-tailed unit-root tests: ADF, SADF, GSADF, BADF and BSADF.

The recursive tests of Phillips, Wu & Yu (2011) and Phillips, Shi & Yu (2015) look for
explosive behaviour (a bubble) in a price series: the ADF regression

    Δy_t = a + b·y_{t-1} + Σ_{j=1..k} φ_j Δy_{t-j} + e_t

is fitted on many windows, and the right-tailed t-ratio of ``b`` is taken over windows.

Window convention
-----------------
``min_window`` is the smallest window counted in observations of ``y`` (PSY's
``swindow0``); the default is ``floor((0.01 + 1.8/sqrt(T))·T)``. A window of ``w``
observations holds ``w - lags - 1`` regression rows, so R exuber's ``minw`` (which counts
regression rows) is ``min_window - lags - 1``. The first BADF/BSADF value belongs to the
observation at position ``min_window - 1``.

* ``badf[t]``: the ADF statistic of the window ``y[0..t]``;
* ``bsadf[t]``: the maximum ADF statistic over the windows ``y[s..t]`` with
  ``t - s + 1 >= min_window``;
* ``adf = badf[T-1]``, ``sadf = max badf``, ``gsadf = max bsadf``.

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles: historical
   episodes of exuberance and collapse in the S&P 500. International Economic Review
   56(4), 1043-1078.
.. [2] Phillips, P.C.B., Wu, Y. & Yu, J. (2011). Explosive behavior in the 1990s NASDAQ:
   when did exuberance escalate asset values? International Economic Review 52(1), 201-226.
.. [3] Vasilopoulos, K., Pavlidis, E. & Martínez-García, E. (2022). exuber: Recursive
   right-tailed unit root testing with R. Journal of Statistical Software 103(10).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.detect import _psy_kernels as _k
from bubblewatch.detect.psy_result import (
    RULE_TEXT,
    PSYResult,
    PSYVerdict,
    cv_source,
    episodes_from,
)
from bubblewatch.detect.psy_setup import (
    IC_CODES,
    SAMPLE,
    check_window,
    default_min_duration,
    default_min_window,
)
from bubblewatch.errors import InputError, NumericalWarning
from bubblewatch.results import make_metadata
from bubblewatch.series import price_series
from bubblewatch.validation import (
    ArrayLike,
    Bool,
    Text,
    validate_params,
)

__all__ = [
    "RULE_TEXT",
    "PSYResult",
    "PSYVerdict",
    "cv_source",
    "default_min_duration",
    "default_min_window",
    "episodes_from",
    "prepare_series",
    "psy",
]


@validate_params(
    y=ArrayLike(what="a series (array-like or pandas Series)"),
    log=Bool(),
    name=Text(),
)
def prepare_series(y: Any, *, log: bool = False, name: str = "y") -> pd.Series:
    """Turn ``y`` into a float Series and check it by the price-series policy
    (:mod:`bubblewatch.series`): a date index is sorted, repeated dates, NaN and infinite
    values are errors naming the first date; non-positive values too when ``log`` is true.
    A plain array gets positions; a non-date index keeps its order.
    """
    s = price_series(
        y,
        what=name,
        positive=log,
        dates=False,
        nonpositive="{what} has a non-positive value ({value}) at {date}, so its log is "
        "undefined; use positive prices or turn the log off (log=False)",
        positive_parameter="log",
    )
    if log:
        s = pd.Series(np.log(s.to_numpy()), index=s.index, name=s.name)
    return s


#: below this many windows one thread is faster than waking the others
_SERIAL_WINDOWS = 300_000


def _run(y: np.ndarray, min_window: int, K: int, ic: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Run the batch kernel; returns (badf, bsadf) over positions min_window-1..T-1."""
    T = y.shape[0]
    badf = np.full(T, np.nan)
    bsadf = np.full(T, np.nan)
    nan_count = np.zeros(T, dtype=np.int64)
    n = T - min_window + 1
    kernel = _k.psy_serial if n * (n + 1) // 2 < _SERIAL_WINDOWS else _k.psy_batch
    kernel(np.ascontiguousarray(y, dtype=np.float64), min_window, K, ic, badf, bsadf, nan_count)
    first = min_window - 1
    return badf[first:], bsadf[first:], int(nan_count.sum())


def _max(a: np.ndarray) -> float:
    """Largest non-NaN value (NaN if none)."""
    v = float(a.max())
    if math.isnan(v):
        v = float(np.nanmax(a)) if not np.isnan(a).all() else math.nan
    return v


def _warn_nan(n_nan: int) -> None:
    if n_nan:
        warnings.warn(
            f"{n_nan} window(s) have zero variance (or a perfect fit); their ADF statistics "
            "are NaN and left out of the maxima",
            NumericalWarning,
            stacklevel=3,
        )


@validate_params(
    y=ArrayLike(what="a series (array-like or pandas Series)"),
    **SAMPLE,
    log=Bool(),
)
def psy(
    y: Any,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    log: bool = False,
) -> PSYResult:
    """Recursive ADF tests of Phillips, Shi & Yu (2015): ADF, SADF, GSADF, BADF, BSADF.

    Parameters
    ----------
    y : array-like or pandas.Series
        The series (e.g. log prices, or a price-dividend ratio). A Series keeps its index.
    min_window : int, optional
        Smallest window in observations of ``y`` (PSY's ``swindow0``); default
        ``floor((0.01 + 1.8/sqrt(T))·T)``. exuber's ``minw`` is ``min_window - lags - 1``.
    lags : int
        Fixed number of lagged differences in the ADF regression (ignored with ``ic``).
    ic : {None, "aic", "bic"}
        Choose the lag of every window by AIC or BIC up to ``max_lags`` (statsmodels'
        ``adfuller`` convention: common sample, ties to the smaller lag, re-estimated on
        the chosen lag's full sample).
    max_lags : int, optional
        Largest lag tried with ``ic``.
    log : bool
        Take the natural log of ``y`` first (prices must be positive).

    Returns
    -------
    PSYResult

    Notes
    -----
    Every window is computed exactly (no approximation) in O(T²·k²) time and O(T) memory:
    for each end the window grows backwards and the regression's co-moments are updated
    by Welford's recursion about the local level, so the accuracy does not depend on the
    level of ``y``. A window whose regressors or residuals have zero variance gives NaN
    (with a :class:`~bubblewatch.errors.NumericalWarning`) and is left out of the maxima.

    References
    ----------
    .. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
       International Economic Review 56(4), 1043-1078.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> r = psy(np.cumsum(rng.normal(size=200)), min_window=30)
    >>> round(r.gsadf, 4) >= round(r.sadf, 4)
    True
    """
    s = prepare_series(y, log=log, name=str(getattr(y, "name", None) or "y"))
    T = s.shape[0]
    ic_key = None if ic is None else str(ic).lower()
    if ic_key not in IC_CODES:
        raise InputError(f"ic must be 'aic', 'bic' or None; got {ic!r}")
    if int(lags) != lags or lags < 0:
        raise InputError(f"lags must be a non-negative integer; got {lags!r}")
    if ic_key is None:
        K = int(lags)
        if max_lags is not None:
            raise InputError(
                "max_lags is only used with ic='aic' or 'bic'; pass lags= for a fixed lag"
            )
    else:
        if max_lags is None:
            raise InputError(f"ic={ic_key!r} needs max_lags (the largest lag to try)")
        if int(max_lags) != max_lags or max_lags < 0:
            raise InputError(f"max_lags must be a non-negative integer; got {max_lags!r}")
        K = int(max_lags)
    m = check_window(T, min_window, K, f"lags={K}" if ic_key is None else f"max_lags={K}")
    badf, bsadf, n_nan = _run(s.to_numpy(), m, K, IC_CODES[ic_key])
    _warn_nan(n_nan)
    idx = s.index[m - 1 :]
    badf_s = pd.Series(badf, index=idx, name="badf")
    bsadf_s = pd.Series(bsadf, index=idx, name="bsadf")
    params = {
        "min_window": m,
        "lags": K if ic_key is None else None,
        "ic": ic_key,
        "max_lags": K if ic_key is not None else None,
        "log": bool(log),
        "nobs": T,
    }
    return PSYResult(
        metadata=make_metadata(params, data=s),
        y=s,
        adf=float(badf[-1]),
        sadf=_max(badf),
        gsadf=_max(bsadf),
        badf=badf_s,
        bsadf=bsadf_s,
        min_window=m,
        lags=K,
        ic=ic_key,
        nan_windows=n_nan,
    )
