"""The VAR(p) behind the Diebold-Yilmaz spillover tables and its forecast-error variance
decomposition (FEVD): :func:`fit_var`, :func:`fevd`, :func:`connectedness_measures`.

A VAR(p) with intercept is estimated by OLS; its H-step FEVD is either *generalized*
(Pesaran-Shin [3]_, order-invariant, DY 2012 [2]_) or *Cholesky* (orthogonalized, depends on the
column order, DY 2009 [1]_), row-normalised so each row sums to one; the network reading of
the table is DY 2014 [4]_. The tables built on it are in :mod:`bubblewatch.market.spillover`
(static) and :mod:`bubblewatch.market.spillover_rolling` (rolling windows).

Horizon convention
------------------
``horizon=H`` sums the MA terms h = 0..H-1 (``horizon_terms="H"``, the default, as R's
ConnectednessApproach and pyconnectedness); R's frequencyConnectedness sums h = 0..H
(``horizon_terms="H+1"``).

References
----------
.. [1] Diebold, F. X. & Yilmaz, K. (2009). Measuring financial asset return and volatility
       spillovers, with application to global equity markets. *Economic Journal*, 119, 158-171.
.. [2] Diebold, F. X. & Yilmaz, K. (2012). Better to give than to receive: Predictive
       directional measurement of volatility spillovers. *International Journal of
       Forecasting*, 28(1), 57-66.
.. [3] Pesaran, M. H. & Shin, Y. (1998). Generalized impulse response analysis in linear
       multivariate models. *Economics Letters*, 58(1), 17-29.
.. [4] Diebold, F. X. & Yilmaz, K. (2014). On the network topology of variance decompositions.
       *Journal of Econometrics*, 182(1), 119-134.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market import _spillover_kernels as K
from bubblewatch.results import frozen_array
from bubblewatch.validation import ArrayLike, Instance, Integer, Options, validate_params

__all__ = ["VARFit", "connectedness_measures", "fevd", "fit_var"]

Method = Literal["generalized", "cholesky"]
HorizonTerms = Literal["H", "H+1"]


def _method_code(method: str) -> int:
    m = str(method).lower()
    if m in ("generalized", "generalised", "gfevd"):
        return K.GENERALIZED
    if m in ("cholesky", "orthogonalized", "orthogonalised"):
        return K.CHOLESKY
    raise InputError(f"method must be 'generalized' or 'cholesky'; got {method!r}")


def _n_terms(horizon: int, horizon_terms: str) -> int:
    if int(horizon) != horizon or horizon < 1:
        raise InputError(f"horizon must be a positive integer; got {horizon!r}")
    if horizon_terms == "H":
        return int(horizon)
    if horizon_terms == "H+1":
        return int(horizon) + 1
    raise InputError(f"horizon_terms must be 'H' or 'H+1'; got {horizon_terms!r}")


def _prepare(
    data: pd.DataFrame | np.ndarray, lags: int, *, window: int | None = None
) -> pd.DataFrame:
    if isinstance(data, np.ndarray):
        arr = np.asarray(data, dtype=float)
        if arr.ndim != 2:
            raise InputError("data must be 2-D (observations x series)")
        data = pd.DataFrame(arr, columns=[f"y{i + 1}" for i in range(arr.shape[1])])
    if not isinstance(data, pd.DataFrame):
        raise InputError(
            f"data must be a DataFrame (one column per series); got {type(data).__name__}"
        )
    if data.shape[1] < 2:
        raise InputError(f"a spillover table needs at least two series; got {list(data.columns)}")
    if int(lags) != lags or lags < 1:
        raise InputError(f"lags must be a positive integer; got {lags!r}")
    df = data.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = df.columns[~np.isfinite(df.to_numpy()).all(axis=0)]
    if len(bad):
        col = bad[0]
        where = df.index[~np.isfinite(df[col].to_numpy())][0]
        raise InputError(
            f"series {col!r} has a missing or non-finite value at {where}; align the series "
            "and drop or fill the gaps first (nothing is filled in silently)"
        )
    k = df.shape[1]
    n = window if window is not None else len(df)
    need = lags + 1 + k * lags + 1
    if n < need:
        what = f"a window of {window}" if window is not None else f"{len(df)} observations"
        raise InsufficientDataError(
            f"a VAR({lags}) with intercept on {k} series ({', '.join(map(str, df.columns))}) needs at "
            f"least {need} observations (lags + regressors + 1); got {what}"
        )
    if window is not None and window > len(df):
        raise InsufficientDataError(
            f"window {window} is longer than the sample ({len(df)} observations of "
            f"{', '.join(map(str, df.columns))})"
        )
    const = [c for c in df.columns if np.ptp(df[c].to_numpy()) == 0.0]
    if const:
        raise InsufficientDataError(
            f"series {', '.join(map(repr, const))} is constant: the VAR's residual covariance "
            "is singular; drop it or use returns"
        )
    return df


@dataclasses.dataclass(frozen=True)
class VARFit:
    """OLS estimate of a VAR(p) with intercept."""

    names: tuple[str, ...]
    lags: int
    coefs: np.ndarray  # (p, k, k)
    intercept: np.ndarray  # (k,)
    sigma: np.ndarray  # (k, k)
    nobs: int


@validate_params(
    data=ArrayLike(what="a DataFrame or 2-D array (observations x series)"),
    lags=Integer(min=1),
)
def fit_var(data: pd.DataFrame | np.ndarray, lags: int = 4) -> VARFit:
    """Estimate a VAR(p) with intercept by equation-by-equation OLS.

    Raises :class:`~bubblewatch.errors.InsufficientDataError` naming the series when there
    are too few observations, a series is constant or the regressors are collinear.
    """
    df = _prepare(data, lags)
    y = df.to_numpy()
    x, _ = K.design(y, lags)
    if np.linalg.matrix_rank(x) < x.shape[1]:
        raise InsufficientDataError(
            f"the VAR({lags}) regressors of {', '.join(map(str, df.columns))} are collinear "
            "(a series is a linear function of others); drop one"
        )
    a, c, sigma = K.var_ols_reference(y, lags)
    if np.linalg.matrix_rank(sigma) < sigma.shape[0] or not np.all(np.diag(sigma) > 0):
        raise InsufficientDataError(
            f"the VAR residual covariance of {', '.join(map(str, df.columns))} is singular; "
            "a series is (almost) an exact combination of the others"
        )
    return VARFit(
        names=tuple(map(str, df.columns)),
        lags=int(lags),
        coefs=frozen_array(a),
        intercept=frozen_array(c),
        sigma=frozen_array(sigma),
        nobs=len(y) - lags,
    )


@validate_params(
    fit=Instance(VARFit, what="a VAR fit (from fit_var())"),
    horizon=Integer(min=1),
    method=Options("generalized", "cholesky"),
    horizon_terms=Options("H", "H+1"),
)
def fevd(
    fit: VARFit,
    horizon: int = 10,
    *,
    method: Method = "generalized",
    horizon_terms: HorizonTerms = "H",
) -> np.ndarray:
    """Row-normalised forecast-error variance decomposition of a fitted VAR."""
    code = _method_code(method)
    phi = K.ma_coefficients_reference(np.asarray(fit.coefs), _n_terms(horizon, horizon_terms))
    return K.fevd_reference(phi, np.asarray(fit.sigma), code)


@validate_params(
    theta=ArrayLike(what="a FEVD table (k x k)"),
)
def connectedness_measures(theta: np.ndarray) -> dict[str, Any]:
    """Total, to, from, net and pairwise net (in %) of a row-normalised FEVD.

    Examples
    --------
    >>> m = connectedness_measures(np.array([[0.8, 0.2], [0.4, 0.6]]))
    >>> round(float(m["total"]), 6), m["to"].round(6).tolist(), m["net"].round(6).tolist()
    (30.0, [40.0, 20.0], [20.0, -20.0])
    """
    th = np.asarray(theta, dtype=float)
    own = np.diag(th)
    to = (th.sum(axis=0) - own) * 100.0
    frm = (th.sum(axis=1) - own) * 100.0
    return {
        "total": float(frm.mean()),
        "to": to,
        "from": frm,
        "net": to - frm,
        "incl_own": th.sum(axis=0) * 100.0,
        "pairwise": (th.T - th) * 100.0,
    }
