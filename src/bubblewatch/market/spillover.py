"""Diebold-Yilmaz spillover (connectedness) tables, static and rolling.

A VAR(p) with intercept is estimated by OLS; its H-step forecast-error variance decomposition
(FEVD) is either *generalized* (Pesaran-Shin, order-invariant, DY 2012 [2]_) or *Cholesky*
(orthogonalized, depends on the column order, DY 2009 [1]_), row-normalised so each row sums
to one. With ``theta`` that matrix (row i: the variable receiving, column j: the source):

* ``from_i = 100 * sum_{j != i} theta_ij`` (directional FROM others),
* ``to_j = 100 * sum_{i != j} theta_ij`` (directional TO others),
* ``net_i = to_i - from_i``; pairwise net ``pairwise[i, j] = 100 * (theta_ji - theta_ij)``
  (positive: i transmits more to j than it receives),
* ``total = mean(from)`` = 100 * (sum of off-diagonal theta) / k.

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
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market import _spillover_kernels as K
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.validation import ArrayLike, Instance, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "RollingSpillover",
    "Spillover",
    "connectedness_measures",
    "fevd",
    "fit_var",
    "rolling_spillover",
    "spillover",
]

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


# --------------------------------------------------------------------------- static
@dataclasses.dataclass(frozen=True)
class Spillover(Result):
    """A Diebold-Yilmaz spillover table (see :func:`spillover`)."""

    names: tuple[str, ...]
    theta: np.ndarray
    total: float
    to: np.ndarray
    from_: np.ndarray
    net: np.ndarray
    pairwise: np.ndarray
    lags: int
    horizon: int
    horizon_terms: str
    method: str
    nobs: int
    start: Any
    end: Any

    def table(self) -> pd.DataFrame:
        """The DY layout: FEVD in % with a FROM column, then TO, Inc.Own and NET rows."""
        names = list(self.names)
        t = pd.DataFrame(np.asarray(self.theta) * 100.0, index=names, columns=names)
        t["FROM"] = self.from_
        extra = pd.DataFrame(
            [
                [*self.to, float(np.sum(self.to))],
                [*(np.asarray(self.theta).sum(axis=0) * 100.0), 100.0 * len(names)],
                [*self.net, self.total],
            ],
            index=["TO", "Inc.Own", "NET"],
            columns=[*names, "FROM"],
        )
        return pd.concat([t, extra])

    def to_frame(self) -> pd.DataFrame:
        return self.table()

    def pairwise_frame(self) -> pd.DataFrame:
        """Pairwise net spillovers in % (row i to column j, net)."""
        return pd.DataFrame(
            np.asarray(self.pairwise), index=list(self.names), columns=list(self.names)
        )

    def to_dict(self) -> dict[str, Any]:
        """Shares as fractions (0.25 = 25%): the FEVD table (rows receive, columns send),
        TO/FROM/NET, the total and the pairwise net spillovers."""
        names = list(self.names)
        th = np.asarray(self.theta)
        pw = np.asarray(self.pairwise) / 100.0
        return {
            "units": "fractions (0.25 = 25%)",
            "total": self.total / 100.0,
            "table": {
                n: {m: float(th[i, j]) for j, m in enumerate(names)} for i, n in enumerate(names)
            },
            "to": dict(zip(names, [float(x) / 100.0 for x in self.to], strict=True)),
            "from": dict(zip(names, [float(x) / 100.0 for x in self.from_], strict=True)),
            "net": dict(zip(names, [float(x) / 100.0 for x in self.net], strict=True)),
            "pairwise": {
                n: {m: float(pw[i, j]) for j, m in enumerate(names)} for i, n in enumerate(names)
            },
            "lags": self.lags,
            "horizon": self.horizon,
            "horizon_terms": self.horizon_terms,
            "method": self.method,
            "nobs": self.nobs,
            "start": self.start,
            "end": self.end,
        }

    def summary(self) -> str:
        head = (
            f"Diebold-Yilmaz spillovers ({self.method}, VAR({self.lags}), H={self.horizon} "
            f"[{'h=0..H-1' if self.horizon_terms == 'H' else 'h=0..H'}], {self.nobs} obs "
            f"{self.start}..{self.end}): total {self.total:.4f}%"
        )
        return head + "\n" + self.table().round(2).to_string()

    def plot(self) -> go.Figure:

        return table_heatmap(
            np.asarray(self.theta), self.names, f"Spillover table (total {self.total:.2f}%)"
        )


def table_heatmap(theta: np.ndarray, names: Any, title: str) -> go.Figure:
    """Heat map of a FEVD table (fractions; shown in %): rows receive, columns transmit."""
    import plotly.graph_objects as go

    names = list(names)
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(theta) * 100.0,
            x=names,
            y=names,
            colorscale="Blues",
            colorbar={"title": "%"},
            hovertemplate="%{x} -> %{y}: %{z:.2f}%<extra></extra>",
        )
    )
    fig.update_layout(
        title=title,
        xaxis_title="from (transmitting series)",
        yaxis_title="to (receiving series)",
        yaxis={"autorange": "reversed"},
    )
    return fig


def _label(ix: Any) -> Any:
    return ix.date().isoformat() if isinstance(ix, pd.Timestamp) else ix


@validate_params(
    data=ArrayLike(what="a DataFrame or 2-D array (observations x series)"),
    lags=Integer(min=1),
    horizon=Integer(min=1),
    method=Options("generalized", "cholesky"),
    horizon_terms=Options("H", "H+1"),
)
def spillover(
    data: pd.DataFrame | np.ndarray,
    *,
    lags: int = 4,
    horizon: int = 10,
    method: Method = "generalized",
    horizon_terms: HorizonTerms = "H",
) -> Spillover:
    """Diebold-Yilmaz spillover table of a VAR(p) with intercept.

    Parameters
    ----------
    data : DataFrame
        One column per series (returns or volatilities, used as given), rows in time order,
        no gaps (missing values raise).
    lags : int
        VAR order p (default 4).
    horizon : int
        Forecast horizon H (default 10).
    method : {"generalized", "cholesky"}
        Generalized FEVD (DY 2012, Pesaran-Shin) or Cholesky (DY 2009; column order matters).
    horizon_terms : {"H", "H+1"}
        Sum MA terms h = 0..H-1 (ConnectednessApproach, default) or h = 0..H
        (frequencyConnectedness).

    Returns
    -------
    Spillover

    References
    ----------
    .. [1] Diebold & Yilmaz (2009), *Economic Journal* 119, 158-171.
    .. [2] Diebold & Yilmaz (2012), *International Journal of Forecasting* 28, 57-66.
    .. [3] Pesaran & Shin (1998), *Economics Letters* 58, 17-29.
    """
    df = _prepare(data, lags)
    fit = fit_var(df, lags)
    theta = fevd(fit, horizon, method=method, horizon_terms=horizon_terms)
    m = connectedness_measures(theta)
    return Spillover(
        metadata=make_metadata(
            {
                "lags": lags,
                "horizon": horizon,
                "method": method,
                "horizon_terms": horizon_terms,
                "series": list(fit.names),
            },
            data=df,
        ),
        names=fit.names,
        theta=frozen_array(theta),
        total=m["total"],
        to=frozen_array(m["to"]),
        from_=frozen_array(m["from"]),
        net=frozen_array(m["net"]),
        pairwise=frozen_array(m["pairwise"]),
        lags=int(lags),
        horizon=int(horizon),
        horizon_terms=horizon_terms,
        method="generalized" if _method_code(method) == K.GENERALIZED else "cholesky",
        nobs=fit.nobs,
        start=_label(df.index[0]),
        end=_label(df.index[-1]),
    )


# --------------------------------------------------------------------------- rolling
@dataclasses.dataclass(frozen=True)
class RollingSpillover(Result):
    """Spillovers re-estimated on rolling windows (see :func:`rolling_spillover`).

    Each window is labelled by its last observation (right-aligned).
    """

    names: tuple[str, ...]
    index: pd.Index
    theta: np.ndarray  # (n_windows, k, k), row-normalised
    window: int
    lags: int
    horizon: int
    horizon_terms: str
    method: str

    @property
    def total(self) -> pd.Series:
        th = np.asarray(self.theta)
        k = th.shape[1]
        off = th.sum(axis=(1, 2)) - np.trace(th, axis1=1, axis2=2)
        return pd.Series(off / k * 100.0, index=self.index, name="total")

    @property
    def to(self) -> pd.DataFrame:
        th = np.asarray(self.theta)
        own = np.diagonal(th, axis1=1, axis2=2)
        return pd.DataFrame(
            (th.sum(axis=1) - own) * 100.0, index=self.index, columns=list(self.names)
        )

    @property
    def from_(self) -> pd.DataFrame:
        th = np.asarray(self.theta)
        own = np.diagonal(th, axis1=1, axis2=2)
        return pd.DataFrame(
            (th.sum(axis=2) - own) * 100.0, index=self.index, columns=list(self.names)
        )

    @property
    def net(self) -> pd.DataFrame:
        return self.to - self.from_

    def to_frame(self) -> pd.DataFrame:
        out = pd.concat(
            {
                "total": self.total.to_frame("total"),
                "to": self.to,
                "from": self.from_,
                "net": self.net,
            },
            axis=1,
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """The total spillover of each window as a fraction (0.25 = 25%)."""
        return {
            "units": "fractions (0.25 = 25%)",
            "window": self.window,
            "lags": self.lags,
            "horizon": self.horizon,
            "horizon_terms": self.horizon_terms,
            "method": self.method,
            "total": [
                {"date": _label(ix), "total": float(v) / 100.0 if np.isfinite(v) else None}
                for ix, v in self.total.items()
            ],
        }

    def summary(self) -> str:
        t = self.total.dropna()
        if t.empty:
            return "rolling spillovers: no estimable window"
        return (
            f"rolling Diebold-Yilmaz spillovers ({self.method}, window {self.window}, "
            f"VAR({self.lags}), H={self.horizon}): {len(t)} windows {_label(t.index[0])}..{_label(t.index[-1])}; "
            f"total mean {t.mean():.2f}%, min {t.min():.2f}% ({_label(t.idxmin())}), "
            f"max {t.max():.2f}% ({_label(t.idxmax())}), last {t.iloc[-1]:.2f}%"
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        t = self.total
        fig = go.Figure(go.Scatter(x=t.index, y=t.to_numpy(), mode="lines", name="total spillover"))
        fig.update_layout(
            title=f"Rolling total spillover (window {self.window}, VAR({self.lags}), H={self.horizon})",
            yaxis_title="total spillover (% of forecast-error variance)",
            xaxis_title="last date of the window",
            showlegend=True,
        )
        return fig


@validate_params(
    data=ArrayLike(what="a DataFrame or 2-D array (observations x series)"),
    window=Integer(min=2),
    lags=Integer(min=1),
    horizon=Integer(min=1),
    method=Options("generalized", "cholesky"),
    horizon_terms=Options("H", "H+1"),
    refresh=Integer(min=1),
)
def rolling_spillover(
    data: pd.DataFrame | np.ndarray,
    window: int,
    *,
    lags: int = 4,
    horizon: int = 10,
    method: Method = "generalized",
    horizon_terms: HorizonTerms = "H",
    refresh: int = 64,
) -> RollingSpillover:
    """Spillovers re-estimated on every window of ``window`` consecutive observations.

    The window counts observations including the ``lags`` initial values (each window's VAR
    has ``window - lags`` regressions), as ConnectednessApproach and pyconnectedness do.
    Windows whose covariance is singular (e.g. a series constant within the window) give
    NaN rows. The OLS cross-products are updated between windows (rank-one add/remove) and
    recomputed every ``refresh`` windows; the FEVDs run in a compiled (numba) loop.

    References
    ----------
    .. [1] Diebold & Yilmaz (2012), *International Journal of Forecasting* 28, 57-66.
    """
    if int(window) != window or window < 2:
        raise InputError(f"window must be an integer >= 2; got {window!r}")
    if refresh < 1:
        raise InputError("refresh must be >= 1")
    df = _prepare(data, lags, window=int(window))
    code = _method_code(method)
    n_terms = _n_terms(horizon, horizon_terms)
    y = np.ascontiguousarray(df.to_numpy(dtype=float))
    theta, _ok = K.rolling_connectedness(y, int(window), int(lags), n_terms, code, int(refresh))
    return RollingSpillover(
        metadata=make_metadata(
            {
                "window": window,
                "lags": lags,
                "horizon": horizon,
                "method": method,
                "horizon_terms": horizon_terms,
                "series": list(map(str, df.columns)),
            },
            data=df,
        ),
        names=tuple(map(str, df.columns)),
        index=df.index[window - 1 :],
        theta=frozen_array(theta),
        window=int(window),
        lags=int(lags),
        horizon=int(horizon),
        horizon_terms=horizon_terms,
        method="generalized" if code == K.GENERALIZED else "cholesky",
    )
