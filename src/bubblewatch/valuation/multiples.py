"""Valuation multiples (P/E and the like) relative to peers and to a company's own history.

A multiple is put in context two ways: against a peer group at the same date (z-score and
percentile among the peers) and against its own past (z-score and percentile of the
current reading among the historical readings).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError, NumericalWarning
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import (
    Anything,
    Date,
    Frame,
    Integer,
    MappingOf,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "RelativeMultiple",
    "multiple_in_context",
    "multiple_series",
    "per_share_series",
    "relative_multiple",
]


@validate_params(
    price=Anything("prices (a pandas Series by date; checked in the body)"),
    per_share=Anything("a per-share figure (a pandas Series by date; checked in the body)"),
    trailing=Integer(),
    lag_days=Integer(min=0),
)
def multiple_series(
    price: pd.Series,
    per_share: pd.Series,
    *,
    trailing: int = 4,
    lag_days: int = 0,
) -> pd.Series:
    """A price multiple through time, e.g. P/E = price / trailing-four-quarter EPS.

    Parameters
    ----------
    price : pandas.Series
        Daily (or any) prices indexed by date.
    per_share : pandas.Series
        Per-period fundamentals per share indexed by period end (quarterly EPS, ...).
    trailing : int
        Number of periods summed (4 quarters = trailing twelve months; 1 = as given, e.g.
        for an already-annual figure).
    lag_days : int
        Days after the period end before a figure counts as known (reporting lag), so the
        multiple never uses figures not yet published.

    Returns
    -------
    pandas.Series
        The multiple on the price dates; NaN before the first complete trailing window or
        where the trailing figure is not positive.

    Examples
    --------
    >>> px = pd.Series([100.0, 120.0], index=pd.to_datetime(["2025-03-31", "2025-06-30"]))
    >>> eps = pd.Series([1.0, 1.0, 1.0, 1.0, 2.0],
    ...                 index=pd.to_datetime(["2024-03-31", "2024-06-30", "2024-09-30",
    ...                                       "2024-12-31", "2025-03-31"]))
    >>> multiple_series(px, eps).round(2).tolist()
    [20.0, 24.0]
    """
    for x, n in ((price, "price"), (per_share, "per_share")):
        if not isinstance(x, pd.Series) or not isinstance(x.index, pd.DatetimeIndex):
            raise InputError(f"{n} must be a pandas Series indexed by dates")
    if trailing < 1:
        raise InputError(f"trailing={trailing}: must be at least 1")
    f = per_share.astype(float).sort_index().dropna()
    ttm = f.rolling(trailing, min_periods=trailing).sum().dropna()
    if ttm.empty:
        who = "" if per_share.name is None else f" ({per_share.name})"
        raise InsufficientDataError(
            f"need {trailing} periods of per-share figures{who}; got {len(f)}"
        )
    known = ttm.copy()
    known.index = known.index + pd.Timedelta(days=lag_days)
    px = price.astype(float).sort_index()
    aligned = known.reindex(known.index.union(px.index)).ffill().reindex(px.index)
    out = px / aligned.where(aligned > 0)
    out.name = "multiple"
    return out


@dataclasses.dataclass(frozen=True)
class RelativeMultiple(Result):
    """A multiple against its peers and its own history."""

    name: str
    value: float
    peers: pd.Series
    peer_mean: float
    peer_median: float
    peer_z: float
    peer_percentile: float
    history: pd.Series
    history_z: float
    history_percentile: float

    def summary(self) -> str:
        s = [f"{self.name}: {self.value:.2f}"]
        if len(self.peers):
            s.append(
                f"  vs {len(self.peers)} peers: mean {self.peer_mean:.2f}, median {self.peer_median:.2f}, "
                f"z {self.peer_z:.2f}, percentile {self.peer_percentile:.0f}"
            )
        if len(self.history):
            s.append(
                f"  vs own history ({len(self.history)} readings): z {self.history_z:.2f}, "
                f"percentile {self.history_percentile:.0f}"
            )
        return "\n".join(s)

    def to_frame(self) -> pd.DataFrame:
        return pd.concat(
            [
                self.peers.rename("multiple").to_frame().assign(kind="peer"),
                pd.Series({self.name: self.value}, name="multiple")
                .to_frame()
                .assign(kind="subject"),
            ]
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(
            go.Bar(x=[*self.peers.index, self.name], y=[*self.peers.to_numpy(), self.value])
        )
        fig.update_layout(
            title=f"{self.name} vs peers", yaxis_title="multiple (x)", xaxis_title="company"
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        """Percentiles as fractions (1.0 = above every peer)."""
        return {
            "name": self.name,
            "value": self.value,
            "peers": {str(k): float(v) for k, v in self.peers.items()},
            "peer_mean": self.peer_mean,
            "peer_median": self.peer_median,
            "peer_z": self.peer_z,
            "peer_percentile": self.peer_percentile / 100.0,
            "history_n": len(self.history),
            "history_z": self.history_z,
            "history_percentile": self.history_percentile / 100.0,
        }


def _z(value: float, sample: np.ndarray) -> float:
    if sample.size < 2:
        return float("nan")
    sd = float(np.std(sample, ddof=1))
    if sd == 0.0:
        import warnings

        warnings.warn(
            "zero dispersion in the comparison sample; z-score is NaN",
            NumericalWarning,
            stacklevel=3,
        )
        return float("nan")
    return (value - float(np.mean(sample))) / sd


@validate_params(
    value=Anything("the multiple (a finite number; checked in the body)"),
    peers=[None, MappingOf("a mapping peer -> multiple"), SeriesLike()],
    history=[None, SeriesLike(what="the multiple history (a pandas Series by date)")],
    name=Text(),
)
def relative_multiple(
    value: float,
    *,
    peers: Mapping[str, float] | pd.Series | None = None,
    history: pd.Series | None = None,
    name: str = "subject",
) -> RelativeMultiple:
    """Put one multiple in context of peers and of its own history.

    Parameters
    ----------
    value : float
        The subject's multiple (e.g. NVDA's P/E).
    peers : mapping or Series, optional
        Peer name -> multiple at the same date (non-positive and NaN readings dropped).
    history : pandas.Series, optional
        The subject's past readings (e.g. from :func:`multiple_series`).
    name : str
        Label of the subject.

    Returns
    -------
    RelativeMultiple
        ``peer_z`` = (value - peer mean) / peer standard deviation (ddof 1);
        ``peer_percentile`` = share of peers at or below the value (percent); the same for
        ``history_*``.

    References
    ----------
    .. [1] Damodaran, A. (2012). *Investment Valuation*, 3rd ed., ch. 17-18 (relative
       valuation: comparing multiples across firms and over time). Wiley.

    Examples
    --------
    >>> r = relative_multiple(52.85, peers={"AAPL": 28.0, "MSFT": 32.0, "SOX": 25.0}, name="NVDA")
    >>> round(r.peer_z, 2), r.peer_percentile
    (6.98, 100.0)
    """
    if not np.isfinite(value):
        raise InputError(f"value={value!r}: the multiple must be a finite number")
    ps = (
        pd.Series(dict(peers) if not isinstance(peers, pd.Series) else peers, dtype=float)
        if peers is not None
        else pd.Series(dtype=float)
    )
    ps = ps[np.isfinite(ps) & (ps > 0)]
    hs = history.astype(float).dropna() if history is not None else pd.Series(dtype=float)
    if ps.empty and hs.empty:
        raise InsufficientDataError("give peers and/or a history to compare the multiple with")
    pv, hv = ps.to_numpy(), hs.to_numpy()
    return RelativeMultiple(
        metadata=make_metadata({"name": name, "n_peers": len(ps), "n_history": len(hs)}),
        name=name,
        value=float(value),
        peers=ps,
        peer_mean=float(np.mean(pv)) if pv.size else float("nan"),
        peer_median=float(np.median(pv)) if pv.size else float("nan"),
        peer_z=_z(float(value), pv),
        peer_percentile=float(np.mean(pv <= value) * 100) if pv.size else float("nan"),
        history=hs,
        history_z=_z(float(value), hv),
        history_percentile=float(np.mean(hv <= value) * 100) if hv.size else float("nan"),
    )


@validate_params(
    fundamentals=Frame(
        "a fundamentals frame with period_end and value columns (Store.fundamentals)"
    ),
    name=[None, Text()],
)
def per_share_series(fundamentals: pd.DataFrame, *, name: str | None = None) -> pd.Series:
    """A per-share fundamental (the ``value`` column) indexed by its period end.

    >>> f = pd.DataFrame({"period_end": ["2025-03-31", "2025-06-30"], "value": [1.0, 1.2]})
    >>> per_share_series(f, name="X eps").to_dict()
    {Timestamp('2025-03-31 00:00:00'): 1.0, Timestamp('2025-06-30 00:00:00'): 1.2}
    """
    missing = {"period_end", "value"} - set(fundamentals.columns)
    if missing:
        raise InputError(
            f"the fundamentals frame lacks column(s) {sorted(missing)}", parameter="fundamentals"
        )
    return pd.Series(
        fundamentals["value"].to_numpy(float),
        index=pd.DatetimeIndex(pd.to_datetime(fundamentals["period_end"])),
        name=name,
    ).sort_index()


@validate_params(
    own=SeriesLike(what="the subject's multiple through time (multiple_series)"),
    peers=[None, MappingOf("a mapping peer -> its multiple through time")],
    date=[None, Date()],
    name=Text(),
)
def multiple_in_context(
    own: pd.Series,
    peers: Mapping[str, pd.Series] | None = None,
    *,
    date: Any = None,
    name: str = "subject",
) -> RelativeMultiple:
    """The subject's multiple on ``date`` (default: its last reading) against the peers'
    readings on or before that date and against its own earlier readings.

    Raises
    ------
    NotFoundError
        When the subject has no reading on or before the date.
    """
    from bubblewatch.errors import NotFoundError

    own = own.dropna()
    if own.empty:
        raise NotFoundError(f"{name}: no positive trailing figure to divide the price by")
    try:
        when = pd.Timestamp(date) if date is not None else own.index[-1]
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"cannot read the date {date!r}; use YYYY-MM-DD", parameter="date"
        ) from exc
    hist = own[own.index <= when]
    if hist.empty:
        raise NotFoundError(
            f"{name}: no multiple on or before {when.date()} (first {own.index[0].date()})",
        )
    at: dict[str, float] = {}
    for p, s in (peers or {}).items():
        s = s.dropna()
        s = s[s.index <= when]
        if not s.empty:
            at[p] = float(s.iloc[-1])
    return relative_multiple(float(hist.iloc[-1]), peers=at, history=hist.iloc[:-1], name=name)
