"""Quantile VAR: equation-by-equation quantile regressions, on the sample or rolling windows.

Each equation of the VAR(p) with intercept is estimated by the tau-th regression quantile
(Frisch-Newton interior point, the "fn" method of R's quantreg, in a compiled kernel); the
residual covariance is ``U'U / n`` of the quantile residuals - both as ConnectednessApproach's
``QVAR``. Windows run in parallel.

References
----------
.. [1] Chatziantoniou, I., Gabauer, D. & Stenfors, A. (2021). Interest rate swaps and the
       transmission mechanism of monetary policy: a quantile connectedness approach.
       *Economics Letters*, 204, 109891.
.. [2] Ando, T., Greenwood-Nimmo, M. & Shin, Y. (2022). Quantile connectedness: modeling tail
       behavior in the topology of financial networks. *Management Science*, 68(4), 2401-2431.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.errors import InsufficientDataError
from bubblewatch.market.connectedness import _quantreg_kernels as QK
from bubblewatch.market.connectedness._inputs import (
    check_positive_int,
    check_tau,
    label,
    prepare_data,
)
from bubblewatch.market.connectedness._specs import DATA, UNIT_OPEN, WINDOW
from bubblewatch.market.connectedness.model_fit import ModelFit, window_sizes, windowed_fit
from bubblewatch.validation import Bool, Integer, validate_params

__all__ = ["fit_qvar"]


@validate_params(data=DATA, lags=Integer(min=1), tau=UNIT_OPEN, window=WINDOW, dropna=Bool())
def fit_qvar(
    data: pd.DataFrame | np.ndarray,
    *,
    lags: int = 1,
    tau: float = 0.5,
    window: int | None = None,
    dropna: bool = False,
) -> ModelFit:
    """Estimate a QVAR(p) at quantile ``tau`` on the whole sample or on rolling windows.

    Parameters
    ----------
    data : DataFrame
        One column per series, rows in time order.
    lags : int
        VAR order p.
    tau : float in (0, 1)
        The quantile (the same for every equation).
    window : int, optional
        Rolling window in observations *including* the lags, as ConnectednessApproach's
        ``window.size``: each estimate uses ``window - lags`` observations. Default: one
        estimate on the whole sample.
    dropna : bool
        Drop dates with a missing value instead of raising.
    """
    lags = check_positive_int(lags, "lags")
    taus = check_tau(tau)
    if len(taus) != 1:
        from bubblewatch.errors import InputError

        raise InputError("fit_qvar takes one quantile; use quantile_sweep for several")
    if window is not None:
        window = check_positive_int(window, "window", 2)
    df, dropped = prepare_data(data, lags=lags, dropna=dropna)
    return estimate_qvar(df, lags=lags, tau=float(taus[0]), window=window, dropped=dropped)


def estimate_qvar(
    df: pd.DataFrame, *, lags: int, tau: float, window: int | None, dropped: int = 0
) -> ModelFit:
    """:func:`fit_qvar` on an already validated frame (the bootstrap's path)."""
    n, k = df.shape
    obs, first = window_sizes(window, lags, n, k)
    y = np.ascontiguousarray(df.to_numpy(dtype=float))
    coefs, intercept, sigma, ok = QK.rolling_qvar(y, obs, lags, np.full(k, tau))
    if not ok.all():
        bad = int(np.flatnonzero(~ok)[0])
        raise InsufficientDataError(
            f"the quantile regressions are singular in the window ending "
            f"{label(df.index[first + bad])} (a series is constant or collinear there); use a "
            "longer window"
        )
    return windowed_fit(
        "qvar",
        df,
        first,
        coefs,
        intercept,
        sigma,
        lags,
        {"tau": float(tau), "window": window},
        dropped,
    )
