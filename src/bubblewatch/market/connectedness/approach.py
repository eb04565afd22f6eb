"""One entry point: estimate a model and compute the chosen connectedness (as R's
``ConnectednessApproach``)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from bubblewatch.market.connectedness._specs import DATA, MODEL, PRIOR, UNIT_OPEN, WINDOW
from bubblewatch.market.connectedness.frequency import (
    FrequencyConnectedness,
    frequency_connectedness,
)
from bubblewatch.market.connectedness.joint import (
    extended_joint_connectedness,
    joint_connectedness,
)
from bubblewatch.market.connectedness.models import ModelFit, fit_var
from bubblewatch.market.connectedness.qvar import fit_qvar
from bubblewatch.market.connectedness.tables import Connectedness, time_connectedness
from bubblewatch.market.connectedness.tvp_var import fit_tvp_var
from bubblewatch.validation import ArrayLike, Bool, Integer, Options, Real, validate_params

__all__ = ["APPROACHES", "connectedness", "fit_model"]

APPROACHES = ("time", "frequency", "joint", "extended-joint")


@validate_params(
    data=DATA,
    model=MODEL,
    lags=Integer(min=1),
    window=WINDOW,
    kappa1=UNIT_OPEN,
    kappa2=UNIT_OPEN,
    prior=PRIOR,
    gamma=Real(min=0, min_open=True),
    tau=UNIT_OPEN,
    dropna=Bool(),
)
def fit_model(
    data: pd.DataFrame | np.ndarray,
    *,
    model: str = "tvp-var",
    lags: int = 1,
    window: int | None = None,
    kappa1: float = 0.99,
    kappa2: float = 0.99,
    prior: str = "bayes",
    gamma: float = 0.1,
    tau: float = 0.5,
    dropna: bool = False,
) -> ModelFit:
    """Estimate ``model`` ("var", "tvp-var" or "qvar").

    ``window`` is the rolling window of VAR/QVAR and the prior window of the TVP-VAR's OLS
    prior (ConnectednessApproach's ``window.size`` in both roles).
    """
    m = str(model).lower()  # one of MODELS (declared)
    if m == "var":
        return fit_var(data, lags=lags, window=window, dropna=dropna)
    if m == "qvar":
        return fit_qvar(data, lags=lags, tau=tau, window=window, dropna=dropna)
    return fit_tvp_var(
        data,
        lags=lags,
        kappa1=kappa1,
        kappa2=kappa2,
        prior=prior,
        prior_window=window,
        gamma=gamma,
        dropna=dropna,
    )


@validate_params(
    data=DATA,
    model=MODEL,
    approach=Options(*APPROACHES, case=False),
    lags=Integer(min=1),
    horizon=[None, Integer(min=1)],
    window=WINDOW,
    kappa1=UNIT_OPEN,
    kappa2=UNIT_OPEN,
    prior=PRIOR,
    gamma=Real(min=0, min_open=True),
    tau=UNIT_OPEN,
    method=Options("generalized", "cholesky", case=False),
    partition=ArrayLike(what="frequency break points in radians, pi down to 0"),
    scenario=Options("absolute", "within"),
    grid=Options("exact", "reference"),
    dropna=Bool(),
)
def connectedness(
    data: pd.DataFrame | np.ndarray,
    *,
    model: str = "tvp-var",
    approach: str = "time",
    lags: int = 1,
    horizon: int | None = None,
    window: int | None = None,
    kappa1: float = 0.99,
    kappa2: float = 0.99,
    prior: str = "bayes",
    gamma: float = 0.1,
    tau: float = 0.5,
    method: str = "generalized",
    partition: Sequence[float] = (math.pi, math.pi / 2, 0.0),
    scenario: str = "absolute",
    grid: str = "exact",
    dropna: bool = False,
) -> Connectedness | FrequencyConnectedness:
    """Estimate a VAR, TVP-VAR or QVAR and compute its connectedness.

    Parameters
    ----------
    data : DataFrame
        One column per series (returns or volatilities), rows in time order.
    model : {"var", "tvp-var", "qvar"}
    approach : {"time", "frequency", "joint", "extended-joint"}
    lags : int
    horizon : int, optional
        Forecast horizon H (default 10; 100 for ``"frequency"``).
    window : int, optional
        Rolling window (VAR, QVAR) or OLS-prior window (TVP-VAR), counting the lags.
    kappa1, kappa2, prior, gamma
        TVP-VAR settings (:func:`~bubblewatch.market.connectedness.tvp_var.fit_tvp_var`).
    tau : float
        QVAR quantile.
    method : {"generalized", "cholesky"}
        FEVD of the time approach.
    partition, scenario, grid
        Frequency approach settings
        (:func:`~bubblewatch.market.connectedness.frequency.frequency_connectedness`).
    dropna : bool
        Drop dates with a missing value instead of raising.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = pd.DataFrame(rng.standard_normal((300, 3)), columns=["a", "b", "c"])
    >>> c = connectedness(y, model="tvp-var", approach="time", prior="minnesota")
    >>> 0 < c.tci < 0.5, len(c.dynamic) == 300
    (True, True)
    """
    a = str(approach).lower()  # one of APPROACHES (declared)
    fit = fit_model(
        data,
        model=model,
        lags=lags,
        window=window,
        kappa1=kappa1,
        kappa2=kappa2,
        prior=prior,
        gamma=gamma,
        tau=tau,
        dropna=dropna,
    )
    if a == "frequency":
        return frequency_connectedness(
            fit,
            horizon=100 if horizon is None else horizon,
            partition=partition,
            scenario=scenario,
            grid=grid,
        )
    h = 10 if horizon is None else horizon
    if a == "time":
        return time_connectedness(fit, horizon=h, method=method)
    if a == "joint":
        return joint_connectedness(fit, horizon=h)
    return extended_joint_connectedness(fit, horizon=h)
