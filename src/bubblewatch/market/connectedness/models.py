"""The (rolling) OLS VAR, and :func:`refit` (any model again on other values).

:class:`ModelFit` (re-exported here) lives in :mod:`~bubblewatch.market.connectedness.model_fit`:
it holds, for each estimation date, the VAR coefficient blocks, intercepts
and residual covariance: one date for a static VAR, one per window for rolling VAR/QVAR
(labelled by the window's last observation), one per observation for the TVP-VAR.

Rolling windows follow ConnectednessApproach: ``window=W`` estimates on ``W - p``
consecutive observations (``W - 2p`` regressions), so the first estimate is dated at
observation ``W - p``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.errors import InsufficientDataError
from bubblewatch.market import _spillover_kernels as SK
from bubblewatch.market.connectedness._inputs import check_positive_int, prepare_data
from bubblewatch.market.connectedness._specs import DATA, WINDOW
from bubblewatch.market.connectedness.model_fit import FIT, ModelFit, window_sizes, windowed_fit
from bubblewatch.market.connectedness.qvar import estimate_qvar
from bubblewatch.market.connectedness.tvp_var import fit_tvp_var
from bubblewatch.validation import ArrayLike, Bool, Integer, validate_params

__all__ = ["MODELS", "ModelFit", "fit_var", "refit"]

MODELS = ("var", "tvp-var", "qvar")


@validate_params(data=DATA, lags=Integer(min=1), window=WINDOW, dropna=Bool())
def fit_var(
    data: pd.DataFrame | np.ndarray,
    *,
    lags: int = 1,
    window: int | None = None,
    dropna: bool = False,
) -> ModelFit:
    """OLS VAR(p) with intercept, on the whole sample or on rolling windows.

    The residual covariance is ``U'U / n`` (n regressions), as ConnectednessApproach's VAR;
    generalized FEVDs do not depend on the divisor.
    """
    check_positive_int(lags, "lags")
    if window is not None:
        check_positive_int(window, "window", 2)
    df, dropped = prepare_data(data, lags=lags, dropna=dropna)
    return estimate_var(df, lags=lags, window=window, dropped=dropped)


def estimate_var(df: pd.DataFrame, *, lags: int, window: int | None, dropped: int = 0) -> ModelFit:
    """:func:`fit_var` on an already validated frame (the bootstrap's path)."""
    n, k = df.shape
    obs, first = window_sizes(window, lags, n, k)
    y = np.ascontiguousarray(df.to_numpy(dtype=float))
    coefs, intercept, sigma, ok = SK.rolling_var(y, obs, lags, 64)
    if not ok.all():
        bad = int(np.flatnonzero(~ok)[0])
        raise InsufficientDataError(
            f"the VAR regressors are singular in the window ending {df.index[first + bad]} "
            "(a series is constant or collinear there); use a longer window"
        )
    nreg = obs - lags
    sigma = sigma * (nreg - 1 - k * lags) / nreg
    return windowed_fit(
        "var", df, first, coefs, intercept, sigma, lags, {"window": window}, dropped
    )


@validate_params(fit=FIT, values=ArrayLike(what="an array shaped like the fit's data"))
def refit(fit: ModelFit, values: np.ndarray) -> ModelFit:
    """Re-estimate ``fit``'s model, with the same parameters, on other values (same shape).

    The values are not re-validated (a pseudo-sample of validated data); a singular one
    raises :class:`~bubblewatch.errors.InsufficientDataError` from the estimation.
    """
    df = pd.DataFrame(values, index=fit.data.index, columns=list(fit.names))
    p = dict(fit.params)
    if fit.model == "var":
        return estimate_var(df, lags=fit.lags, window=p["window"])
    if fit.model == "tvp-var":
        return fit_tvp_var(df, lags=fit.lags, **p)
    return estimate_qvar(df, lags=fit.lags, tau=p["tau"], window=p["window"])
