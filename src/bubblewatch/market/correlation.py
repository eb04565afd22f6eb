"""Rolling correlation of a pair with regime-change flags (:func:`rolling_correlation`).

References
----------
.. [1] Forbes, K. J. & Rigobon, R. (2002). No contagion, only interdependence: measuring stock
       market comovements. *Journal of Finance*, 57(5), 2223-2261.
.. [2] Fisher, R. A. (1921). On the "probable error" of a coefficient of correlation deduced
       from a small sample. *Metron*, 1, 3-32.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market.sessions import closes_of
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import (
    ArrayLike,
    Bool,
    Frame,
    Integer,
    Real,
    SeriesLike,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["RollingCorrelation", "rolling_correlation"]


@dataclasses.dataclass(frozen=True)
class RollingCorrelation(Result):
    """Rolling correlation of a pair with regime-change flags (see :func:`rolling_correlation`)."""

    pair: tuple[str, str]
    window: int
    correlation: pd.Series
    fisher_z: pd.Series
    regime_change: pd.Series
    changes: tuple[pd.Timestamp, ...]
    alpha: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "correlation": self.correlation,
                "fisher_z": self.fisher_z,
                "regime_change": self.regime_change,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        c = self.correlation.dropna()
        return {
            "pair": list(self.pair),
            "window": self.window,
            "alpha": self.alpha,
            "last": float(c.iloc[-1]) if len(c) else None,
            "mean": float(c.mean()) if len(c) else None,
            "changes": list(self.changes),
            "correlation": [{"date": d, "correlation": float(v)} for d, v in c.items()],
        }

    def summary(self) -> str:
        c = self.correlation.dropna()
        if c.empty:
            return f"{self.pair[0]}-{self.pair[1]}: no full window"
        ch = ", ".join(str(d.date()) for d in self.changes[-8:]) or "none"
        return (
            f"{self.pair[0]}-{self.pair[1]} rolling {self.window}-session correlation: last "
            f"{c.iloc[-1]:+.2f} ({c.index[-1].date()}), mean {c.mean():+.2f}, range "
            f"{c.min():+.2f}..{c.max():+.2f}; regime changes (Fisher test, alpha {self.alpha}): {ch}"
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(
            go.Scatter(
                x=self.correlation.index,
                y=self.correlation.to_numpy(),
                name=f"{self.pair[0]} vs {self.pair[1]}",
            )
        )
        for d in self.changes:
            fig.add_vline(x=d, line={"dash": "dot", "color": "grey"})
        fig.update_layout(
            title=f"{self.pair[0]} vs {self.pair[1]}: rolling correlation ({self.window} sessions; "
            "dotted: regime changes)",
            yaxis={"range": [-1, 1], "title": "correlation of daily log returns", "dtick": 0.5},
            xaxis={"title": "last date of the window"},
            showlegend=True,
        )
        return fig


@validate_params(
    a=[SeriesLike(what="closes (a pandas Series)"), Frame("a price frame")],
    b=[SeriesLike(what="closes (a pandas Series)"), Frame("a price frame")],
    window=Integer(min=10),
    names=[None, ArrayLike(what="two names")],
    returns=Bool(),
    alpha=Real(min=0, max=1, min_open=True, max_open=True),
    min_change=Real(min=0),
)
def rolling_correlation(
    a: pd.Series | pd.DataFrame,
    b: pd.Series | pd.DataFrame,
    window: int = 63,
    *,
    names: Sequence[str] | None = None,
    returns: bool = True,
    alpha: float = 0.01,
    min_change: float = 0.3,
) -> RollingCorrelation:
    """Rolling correlation of two series with regime-change flags.

    The two series are aligned on their common dates first (so a 7-day crypto series is
    read on the equity calendar, its weekend moves falling into Monday's return), then turned
    into log returns (``returns=True``) or used as given. A *regime change* is flagged at t
    when the correlation of the window ending at t differs from that of the previous,
    non-overlapping window (ending at t - window) by a two-sided Fisher z-test at level
    ``alpha`` [2]_ *and* by at least ``min_change`` in correlation (a material change: with
    overlapping daily tests, significance alone flags too often); ``changes`` keeps the first
    date of each run of flags.

    References
    ----------
    .. [1] Forbes & Rigobon (2002), *Journal of Finance* 57(5), 2223-2261.
    .. [2] Fisher (1921), *Metron* 1, 3-32.
    """
    from statistics import NormalDist

    na, nb = (
        list(names)
        if names is not None
        else [getattr(a, "name", None) or "a", getattr(b, "name", None) or "b"]
    )
    sa, sb = (
        closes_of(a, str(na)) if returns else _raw(a),
        closes_of(b, str(nb)) if returns else _raw(b),
    )
    df = pd.concat([sa.rename("a"), sb.rename("b")], axis=1, join="inner").dropna()
    if returns:
        df = np.log(df).diff().dropna()
    if window < 10:
        raise InputError("window must be at least 10 observations")
    if not 0.0 < alpha < 1.0:
        raise InputError(f"alpha must be in (0, 1); got {alpha!r}")
    if len(df) < 2 * window:
        raise InsufficientDataError(
            f"{na} and {nb} share {len(df)} aligned observations"
            + (f" ({df.index[0].date()}..{df.index[-1].date()})" if len(df) else "")
            + f"; a {window}-session rolling correlation with regime tests needs at least {2 * window}"
        )
    x, y = df["a"], df["b"]
    mx, my = x.rolling(window).mean(), y.rolling(window).mean()
    cov = (x * y).rolling(window).mean() - mx * my
    vx = (x * x).rolling(window).mean() - mx * mx
    vy = (y * y).rolling(window).mean() - my * my
    denom = np.sqrt((vx * vy).clip(lower=0))
    corr = (cov / denom.where(denom > 0)).clip(-1.0, 1.0)
    corr.name = "correlation"
    zc = np.arctanh(corr.clip(-0.999999, 0.999999))
    fz = (zc - zc.shift(window)) / np.sqrt(2.0 / (window - 3))
    crit = NormalDist().inv_cdf(1 - alpha / 2)
    flag = (fz.abs() > crit) & fz.notna() & ((corr - corr.shift(window)).abs() >= min_change)
    flag.name = "regime_change"
    starts = flag & ~flag.shift(1, fill_value=False)
    return RollingCorrelation(
        metadata=make_metadata(
            {
                "pair": [na, nb],
                "window": window,
                "returns": returns,
                "alpha": alpha,
                "min_change": min_change,
            },
            data=df,
        ),
        pair=(str(na), str(nb)),
        window=int(window),
        correlation=corr,
        fisher_z=fz.rename("fisher_z"),
        regime_change=flag,
        changes=tuple(pd.Timestamp(d) for d in flag.index[starts.to_numpy()]),
        alpha=alpha,
    )


def _raw(x: pd.Series | pd.DataFrame) -> pd.Series:
    if isinstance(x, pd.DataFrame):
        x = x["close"]
    s = pd.to_numeric(x, errors="coerce").astype(float).dropna()
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index)).tz_localize(None).normalize()
    return s[~s.index.duplicated(keep="last")].sort_index()
