"""The estimated model every connectedness measure starts from, and the (rolling) OLS VAR.

A :class:`ModelFit` holds, for each estimation date, the VAR coefficient blocks, intercepts
and residual covariance: one date for a static VAR, one per window for rolling VAR/QVAR
(labelled by the window's last observation), one per observation for the TVP-VAR.

Rolling windows follow ConnectednessApproach: ``window=W`` estimates on ``W - p``
consecutive observations (``W - 2p`` regressions), so the first estimate is dated at
observation ``W - p``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InsufficientDataError
from bubblewatch.market import _spillover_kernels as SK
from bubblewatch.market.connectedness._inputs import check_positive_int, prepare_data
from bubblewatch.market.connectedness._specs import DATA, WINDOW
from bubblewatch.results import frozen_array
from bubblewatch.validation import ArrayLike, Bool, Instance, Integer, validate_params

__all__ = ["MODELS", "ModelFit", "fit_var", "refit"]

MODELS = ("var", "tvp-var", "qvar")


@dataclasses.dataclass(frozen=True)
class ModelFit:
    """A VAR-type model estimated at one or more dates.

    Attributes
    ----------
    model : {"var", "tvp-var", "qvar"}
    names : tuple of str
    data : DataFrame
        The validated sample the model was estimated on.
    index : Index
        Dates of the estimates (labels of ``data``).
    offset : int
        Row of ``data`` of the first estimate.
    coefs : ndarray (n_est, p, k, k)
        ``coefs[e, l]`` is A_{l+1} of estimate e (row: equation, column: lagged series).
    intercept : ndarray (n_est, k)
    sigma : ndarray (n_est, k, k)
        Residual covariance of each estimate.
    lags : int
    params : Mapping
        The estimation parameters (enough to re-estimate on new data, see :func:`refit`).
    fallbacks : ndarray of bool (n_est,)
        TVP-VAR dates whose update was explosive (previous coefficients kept).
    dropped : int
        Dates dropped for missing values (``dropna=True``).
    """

    model: str
    names: tuple[str, ...]
    data: pd.DataFrame
    index: pd.Index
    offset: int
    coefs: np.ndarray
    intercept: np.ndarray
    sigma: np.ndarray
    lags: int
    params: Mapping[str, Any]
    fallbacks: np.ndarray
    dropped: int = 0

    @property
    def k(self) -> int:
        return len(self.names)

    def describe(self) -> str:
        """One line naming the model and its parameters."""
        p = dict(self.params)
        if self.model == "tvp-var":
            pw = p.get("prior_window")
            prior = p["prior"] + (
                f"(gamma={p['gamma']})"
                if p["prior"] == "minnesota"
                else f"(first {pw} obs)"
                if p["prior"] == "bayes" and pw
                else ""
            )
            return (
                f"TVP-VAR({self.lags}), kappa1={p['kappa1']}, kappa2={p['kappa2']}, prior {prior}"
            )
        win = p.get("window")
        roll = f", rolling window {win}" if win else ", whole sample"
        if self.model == "qvar":
            return f"QVAR({self.lags}) at tau={p['tau']}{roll}"
        return f"VAR({self.lags}){roll}"


#: the declaration of a model-fit parameter
FIT = Instance(ModelFit, what="a model fit (fit_tvp_var(), fit_qvar() or fit_var())")


def window_sizes(window: int | None, lags: int, n: int, k: int) -> tuple[int, int]:
    """(observations per estimate, row of the first estimate) of a rolling window or the sample."""
    obs = n if window is None else int(window) - lags
    need = lags + 2 + k * lags  # regressions >= parameters per equation + 1
    if obs > n:
        raise InsufficientDataError(
            f"window {window} is longer than the sample ({n} observations) plus the lags"
        )
    if obs < need:
        if window is None:
            raise InsufficientDataError(
                f"a VAR({lags}) on {k} series needs at least {need} observations; got {n}"
            )
        raise InsufficientDataError(
            f"window must be at least {need + lags} for a VAR({lags}) on {k} series (it counts "
            f"the lags, as ConnectednessApproach: each estimate uses window - lags = {obs} "
            f"observations); got {window}"
        )
    return obs, obs - 1


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


def windowed_fit(
    model: str,
    df: pd.DataFrame,
    first: int,
    coefs: np.ndarray,
    intercept: np.ndarray,
    sigma: np.ndarray,
    lags: int,
    params: dict[str, Any],
    dropped: int,
) -> ModelFit:
    """A :class:`ModelFit` of estimates on (rolling) windows, the first dated at row ``first``."""
    return ModelFit(
        model=model,
        names=tuple(df.columns),
        data=df,
        index=df.index[first:],
        offset=first,
        coefs=frozen_array(coefs),
        intercept=frozen_array(intercept),
        sigma=frozen_array(sigma),
        lags=int(lags),
        params=params,
        fallbacks=frozen_array(np.zeros(len(coefs), dtype=bool), dtype=bool),
        dropped=dropped,
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
        from bubblewatch.market.connectedness.tvp_var import fit_tvp_var

        return fit_tvp_var(df, lags=fit.lags, **p)
    from bubblewatch.market.connectedness.qvar import estimate_qvar

    return estimate_qvar(df, lags=fit.lags, tau=p["tau"], window=p["window"])
