"""The estimated model every connectedness measure starts from (:class:`ModelFit`), and the
pieces every estimator shares to build one (:func:`window_sizes`, :func:`windowed_fit`).

The estimators are :func:`~bubblewatch.market.connectedness.models.fit_var`,
:func:`~bubblewatch.market.connectedness.tvp_var.fit_tvp_var` and
:func:`~bubblewatch.market.connectedness.qvar.fit_qvar`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InsufficientDataError
from bubblewatch.results import frozen_array
from bubblewatch.validation import Instance

#: public: the fit and its declaration; window_sizes / windowed_fit are the model modules'
#: shared plumbing (called with parameters their public functions have checked)
__all__ = ["FIT", "ModelFit"]


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
