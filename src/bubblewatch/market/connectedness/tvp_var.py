"""TVP-VAR(p) estimated by the Koop-Korobilis forgetting-factor Kalman filter.

Runs the filter exactly as the R package ConnectednessApproach (Gabauer) does, so its
connectedness tables reproduce the package's to machine precision (see
``tests/market/connectedness/test_reference_tables.py``):

* the data are demeaned; the filter has no intercept;
* prior ``"bayes"``: OLS VAR with intercept on the first ``prior_window - lags`` observations
  (the package subtracts the lags from its ``window.size``) or on the whole sample; its
  covariance is the coefficient block of ``(sum Z'Z)^+`` and its residual covariance (divisor
  n) starts the filter; ``"minnesota"``: zero mean, variance ``gamma / lag^2``;
  ``"uninformative"``: zero mean, variance 4; with these two the filter starts from the sample
  covariance of the data;
* ``Q_t = kappa2 Q_{t-1} + (1 - kappa2) e_t e_t'`` with ``e_t`` the residual of ``y_t`` under
  the previous date's *unconstrained* update (``0.1 y_t y_t'`` on the first ``lags`` dates);
  ``P_{t|t-1} = P_{t-1|t-1} / kappa1``; the first ``lags + 1`` dates restart from the prior;
* a date whose updated coefficients have a companion eigenvalue of modulus above one keeps the
  previous date's coefficients, and the state carried to the next date is 0.99 times the
  previous one (its covariance is kept) - ``ModelFit.fallbacks`` flags those dates;
* every observation gets an estimate, the first ``lags`` ones at the prior's coefficients.

References
----------
.. [1] Koop, G. & Korobilis, D. (2014). A new index of financial conditions. *European Economic
       Review*, 71, 101-116.
.. [2] Antonakakis, N., Chatziantoniou, I. & Gabauer, D. (2020). Refined measures of dynamic
       connectedness based on time-varying parameter vector autoregressions. *Journal of Risk
       and Financial Management*, 13(4), 84.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market.connectedness import _tvp_var_kernels as TK
from bubblewatch.market.connectedness import priors as P
from bubblewatch.market.connectedness._fevd_kernels import parallel_worth
from bubblewatch.market.connectedness._inputs import (
    check_fraction,
    check_positive_int,
    label,
    prepare_data,
)
from bubblewatch.market.connectedness._specs import DATA, PRIOR, UNIT_OPEN, WINDOW
from bubblewatch.market.connectedness.model_fit import ModelFit
from bubblewatch.results import frozen_array
from bubblewatch.validation import Bool, Integer, Real, validate_params

__all__ = ["PRIORS", "fit_tvp_var"]

PRIORS = ("bayes", "minnesota", "uninformative")
_ALIASES = {
    "bayes": "bayes",
    "bayesprior": "bayes",
    "minnesota": "minnesota",
    "minnesotaprior": "minnesota",
    "uninformative": "uninformative",
    "uninformativeprior": "uninformative",
}


def _prior_name(prior: str) -> str:
    key = str(prior).lower()
    if key not in _ALIASES:
        raise InputError(f"prior must be one of {', '.join(PRIORS)}; got {prior!r}")
    return _ALIASES[key]


@validate_params(
    data=DATA,
    lags=Integer(min=1),
    kappa1=UNIT_OPEN,
    kappa2=UNIT_OPEN,
    prior=PRIOR,
    prior_window=WINDOW,
    gamma=Real(min=0, min_open=True),
    dropna=Bool(),
)
def fit_tvp_var(
    data: pd.DataFrame | np.ndarray,
    *,
    lags: int = 1,
    kappa1: float = 0.99,
    kappa2: float = 0.99,
    prior: str = "bayes",
    prior_window: int | None = None,
    gamma: float = 0.1,
    dropna: bool = False,
) -> ModelFit:
    """Estimate a TVP-VAR(p) by the forgetting-factor Kalman filter (module docstring).

    Parameters
    ----------
    data : DataFrame
        One column per series (returns, volatilities...), rows in time order.
    lags : int
        VAR order p.
    kappa1, kappa2 : float in (0, 1)
        Forgetting factors of the coefficients' and of the residuals' covariance.
    prior : {"bayes", "minnesota", "uninformative"}
    prior_window : int, optional
        ``window.size`` of the reference package: the OLS prior uses the first
        ``prior_window - lags`` observations (default: the whole sample).
    gamma : float
        Prior variance of the first lag's coefficients (``"minnesota"``).
    dropna : bool
        Drop dates with a missing value instead of raising.

    Returns
    -------
    ModelFit
        One estimate per observation.
    """
    lags = check_positive_int(lags, "lags")
    kappa1 = check_fraction(kappa1, "kappa1 (the coefficients' forgetting factor)")
    kappa2 = check_fraction(kappa2, "kappa2 (the covariance's forgetting factor)")
    name = _prior_name(prior)
    if prior_window is not None:
        prior_window = check_positive_int(prior_window, "prior_window", 2)
    df, dropped = prepare_data(data, lags=lags, dropna=dropna)
    params = {
        "kappa1": kappa1,
        "kappa2": kappa2,
        "prior": name,
        "prior_window": prior_window,
        "gamma": float(gamma),
    }
    y = df.to_numpy(dtype=float)
    b0, v0, q0 = _prior(y, lags, params, df.columns)
    mean = y.mean(axis=0)
    coefs, sigma, fell, status, at = TK.tvp_var_filter(
        np.ascontiguousarray(y - mean), lags, b0, v0, q0, kappa1, kappa2
    )
    if status != TK.OK:
        raise InsufficientDataError(
            f"the TVP-VAR's innovation covariance is not positive definite at {label(df.index[at])}: "
            f"the system {', '.join(df.columns)} is (nearly) singular there; drop a redundant "
            "series or check the data around that date"
        )
    return _assemble(df, coefs, sigma, fell, mean, lags, params, dropped)


def _prior(
    y: np.ndarray, lags: int, params: dict, names: pd.Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(b0, v0, q0) of the prior named in ``params`` (contiguous arrays)."""
    n, k = y.shape
    name, prior_window = params["prior"], params["prior_window"]
    if name == "bayes":
        nobs = n if prior_window is None else prior_window - lags
        need = lags + 2 + k * lags
        if prior_window is not None and nobs > n:
            raise InsufficientDataError(
                f"the prior window ({prior_window} observations) is longer than the sample "
                f"({n} observations of {', '.join(map(str, names))})"
            )
        if nobs < need:
            raise InsufficientDataError(
                f"the OLS ('bayes') prior of a VAR({lags}) on {k} series needs at least {need} "
                f"observations in its window; got {nobs}"
                + (f" (prior_window {prior_window} minus {lags} lags)" if prior_window else "")
                + "; lengthen prior_window or use prior='minnesota'"
            )
        pr = P.bayes_prior(y, lags, nobs)
    elif name == "minnesota":
        pr = P.minnesota_prior(k, lags, params["gamma"])
    else:
        pr = P.uninformative_prior(k, lags)
    q0 = pr.q0 if pr.q0 is not None else np.cov(y, rowvar=False)
    return np.ascontiguousarray(pr.b0), np.ascontiguousarray(pr.v0), np.ascontiguousarray(q0)


def _assemble(
    df: pd.DataFrame,
    coefs: np.ndarray,
    sigma: np.ndarray,
    fell: np.ndarray,
    mean: np.ndarray,
    lags: int,
    params: dict,
    dropped: int,
) -> ModelFit:
    k = df.shape[1]
    intercept = (np.eye(k)[None] - coefs.sum(axis=1)) @ mean
    return ModelFit(
        model="tvp-var",
        names=tuple(df.columns),
        data=df,
        index=df.index,
        offset=0,
        coefs=frozen_array(coefs),
        intercept=frozen_array(intercept),
        sigma=frozen_array(sigma),
        lags=lags,
        params=params,
        fallbacks=frozen_array(fell, dtype=bool),
        dropped=dropped,
    )


def fit_tvp_var_batch(fit: ModelFit, samples: list[np.ndarray]) -> list[ModelFit | None]:
    """Re-estimate ``fit``'s TVP-VAR on several samples at once (``None`` where it fails)."""
    prm = dict(fit.params)
    out: list[ModelFit | None] = [None] * len(samples)
    keep, ys, b0s, v0s, q0s, means = [], [], [], [], [], []
    for i, s in enumerate(samples):
        try:
            b0, v0, q0 = _prior(s, fit.lags, prm, fit.data.columns)
        except InsufficientDataError:
            continue
        mean = s.mean(axis=0)
        keep.append(i)
        ys.append(s - mean)
        means.append(mean)
        b0s.append(b0)
        v0s.append(v0)
        q0s.append(q0)
    if not keep:
        return out
    n, k = fit.data.shape
    m = fit.lags * k * k
    coefs: Any
    sigma: Any
    fell: Any
    status: Any
    if parallel_worth(len(keep) * n * m * m * k):
        coefs, sigma, fell, status = TK.tvp_var_filter_batch(
            np.ascontiguousarray(np.stack(ys)),
            fit.lags,
            np.stack(b0s),
            np.ascontiguousarray(np.stack(v0s)),
            np.ascontiguousarray(np.stack(q0s)),
            prm["kappa1"],
            prm["kappa2"],
        )
    else:  # small problems: one thread, no parallel region
        runs = [
            TK.tvp_var_filter(
                np.ascontiguousarray(y), fit.lags, b0, v0, q0, prm["kappa1"], prm["kappa2"]
            )
            for y, b0, v0, q0 in zip(ys, b0s, v0s, q0s, strict=True)
        ]
        coefs = [r[0] for r in runs]
        sigma = [r[1] for r in runs]
        fell = [r[2] for r in runs]
        status = [r[3] for r in runs]
    for j, i in enumerate(keep):
        if status[j] == TK.OK:
            df = pd.DataFrame(samples[i], index=fit.data.index, columns=fit.data.columns)
            out[i] = _assemble(df, coefs[j], sigma[j], fell[j], means[j], fit.lags, prm, 0)
    return out
