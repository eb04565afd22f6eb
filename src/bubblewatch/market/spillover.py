"""Diebold-Yilmaz spillover (connectedness) tables, static and rolling.

The static table is here (:func:`spillover`); the VAR(p), its forecast-error variance
decomposition (generalized DY 2012 or Cholesky DY 2009), the horizon convention and the
references are in :mod:`~bubblewatch.market.var_fevd`, the rolling windows in
:mod:`~bubblewatch.market.spillover_rolling` (both re-exported here). With ``theta`` the
row-normalised FEVD (row i: the variable receiving, column j: the source):

* ``from_i = 100 * sum_{j != i} theta_ij`` (directional FROM others),
* ``to_j = 100 * sum_{i != j} theta_ij`` (directional TO others),
* ``net_i = to_i - from_i``; pairwise net ``pairwise[i, j] = 100 * (theta_ji - theta_ij)``
  (positive: i transmits more to j than it receives),
* ``total = mean(from)`` = 100 * (sum of off-diagonal theta) / k.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.market import _spillover_kernels as K
from bubblewatch.market.spillover_rolling import RollingSpillover, rolling_spillover
from bubblewatch.market.var_fevd import (
    HorizonTerms,
    Method,
    VARFit,
    _method_code,
    _prepare,
    connectedness_measures,
    fevd,
    fit_var,
)
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.series import iso_date
from bubblewatch.validation import ArrayLike, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "RollingSpillover",
    "Spillover",
    "VARFit",
    "connectedness_measures",
    "fevd",
    "fit_var",
    "rolling_spillover",
    "spillover",
]


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
        start=iso_date(df.index[0]),
        end=iso_date(df.index[-1]),
    )
