"""Diebold-Yilmaz spillovers re-estimated on rolling windows (:func:`rolling_spillover`).

The measures are those of :mod:`bubblewatch.market.spillover`; the VAR, its FEVD, the
horizon convention and the references are in :mod:`bubblewatch.market.var_fevd`.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.market import _spillover_kernels as K
from bubblewatch.market.var_fevd import (
    HorizonTerms,
    Method,
    _method_code,
    _n_terms,
    _prepare,
)
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.series import iso_date
from bubblewatch.validation import ArrayLike, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["RollingSpillover", "rolling_spillover"]


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
                {"date": iso_date(ix), "total": float(v) / 100.0 if np.isfinite(v) else None}
                for ix, v in self.total.items()
            ],
        }

    def summary(self) -> str:
        t = self.total.dropna()
        if t.empty:
            return "rolling spillovers: no estimable window"
        return (
            f"rolling Diebold-Yilmaz spillovers ({self.method}, window {self.window}, "
            f"VAR({self.lags}), H={self.horizon}): {len(t)} windows {iso_date(t.index[0])}..{iso_date(t.index[-1])}; "
            f"total mean {t.mean():.2f}%, min {t.min():.2f}% ({iso_date(t.idxmin())}), "
            f"max {t.max():.2f}% ({iso_date(t.idxmax())}), last {t.iloc[-1]:.2f}%"
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
