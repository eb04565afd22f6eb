"""Connectedness measures of a sequence of FEVD tables, and their result object.

With ``theta_t`` the (row-normalised) FEVD of date t - row i the variable receiving, column j
the source - the measures, all fractions (percent only in text):

* ``FROM_i = sum_{j != i} theta_ij``, ``TO_j = sum_{i != j} theta_ij``, ``NET = TO - FROM``;
* ``TCI = mean(FROM)`` and the corrected ``cTCI = TCI * k / (k - 1)`` (Chatziantoniou &
  Gabauer 2021: the share of the *off-diagonal* variance, which can reach one);
* pairwise net ``pairwise[i, j] = theta_ji - theta_ij`` (positive: i transmits more to j than
  it receives) and ``NPT_i``, the number of series i is a net transmitter to;
* pairwise connectedness ``PCI_ij = 2 (theta_ij + theta_ji) / (theta_ii + theta_ij + theta_ji +
  theta_jj)``.

Dynamic measures are per date; the averaged table is the mean over dates (the reference
package's convention), so the averaged TCI equals the mean dynamic TCI.

References
----------
.. [1] Diebold, F. X. & Yilmaz, K. (2012). Better to give than to receive. *International
       Journal of Forecasting*, 28(1), 57-66.
.. [2] Chatziantoniou, I. & Gabauer, D. (2021). EMU risk-synchronisation and financial
       fragility through the prism of dynamic connectedness. *Quarterly Review of Economics
       and Finance*, 79, 1-14.
.. [3] Antonakakis, N., Chatziantoniou, I. & Gabauer, D. (2020). *Journal of Risk and
       Financial Management*, 13(4), 84.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.market import _spillover_kernels as SK
from bubblewatch.market.connectedness import _fevd_kernels as FK
from bubblewatch.market.connectedness._inputs import check_positive_int, label
from bubblewatch.market.connectedness.model_fit import FIT, ModelFit
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.validation import ArrayLike, Instance, Integer, Options, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.market.connectedness.bands import ConnectednessBands

__all__ = ["Connectedness", "measures", "time_connectedness"]


@validate_params(theta=ArrayLike(what="FEVD tables (..., k, k)"))
def measures(theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(TO, FROM, NET, TCI) of FEVD tables ``theta`` (..., k, k), as fractions.

    Examples
    --------
    >>> to, frm, net, tci = measures(np.array([[0.8, 0.2], [0.4, 0.6]]))
    >>> [np.round(v, 12).tolist() for v in (to, frm, net, tci)]
    [[0.4, 0.2], [0.2, 0.4], [0.2, -0.2], 0.3]
    """
    th = np.asarray(theta, dtype=float)
    own = np.diagonal(th, axis1=-2, axis2=-1)
    to = th.sum(axis=-2) - own
    frm = th.sum(axis=-1) - own
    return to, frm, to - frm, frm.mean(axis=-1)


def _method(method: str) -> int:
    m = str(method).lower()
    if m in ("generalized", "generalised"):
        return SK.GENERALIZED
    if m in ("cholesky", "orthogonalized", "orthogonalised"):
        return SK.CHOLESKY
    raise InputError(f"method must be 'generalized' or 'cholesky'; got {method!r}")


def dynamic_fevd(fit: ModelFit, horizon: int, method: str = "generalized") -> np.ndarray:
    """Row-normalised FEVD of every estimate (MA terms h = 0..H-1); raises if one is singular."""
    code = _method(method)
    theta, ok = FK.dynamic_fevd(
        np.ascontiguousarray(fit.coefs), np.ascontiguousarray(fit.sigma), horizon, code
    )
    require_ok(fit, ok, "no FEVD there")
    return theta


def require_ok(fit: ModelFit, ok: np.ndarray, what: str) -> None:
    """Raise, naming the first date, when a kernel found a singular covariance there."""
    from bubblewatch.errors import InsufficientDataError

    if not np.all(ok):
        bad = int(np.flatnonzero(~np.asarray(ok))[0])
        raise InsufficientDataError(
            f"the residual covariance of {', '.join(fit.names)} is singular at "
            f"{label(fit.index[bad])}: {what}; drop a redundant series"
        )


@dataclasses.dataclass(frozen=True)
class Connectedness(Result):
    """Dynamic connectedness measures and their averaged table (fractions).

    Attributes
    ----------
    names : tuple of str
    index : Index
        Dates of the measures.
    fevd : ndarray (T, k, k)
        The per-date table (row-normalised FEVD; for the joint approaches, their tables).
    to_t, from_t, net_t : ndarray (T, k)
    tci_t : ndarray (T,)
    model, approach, description : str
    horizon, lags : int
    fit : ModelFit
        The estimated model (kept for bootstrap bands; not serialised).
    bands : ConnectednessBands or None
    """

    names: tuple[str, ...]
    index: pd.Index
    fevd: np.ndarray
    to_t: np.ndarray
    from_t: np.ndarray
    net_t: np.ndarray
    tci_t: np.ndarray
    model: str
    approach: str
    description: str
    horizon: int
    lags: int
    fit: ModelFit | None = dataclasses.field(default=None, repr=False, compare=False)
    bands: ConnectednessBands | None = dataclasses.field(default=None, repr=False)

    # ------------------------------------------------------------------ averages
    @property
    def k(self) -> int:
        return len(self.names)

    @property
    def tci(self) -> float:
        """Average total connectedness index (fraction)."""
        return float(np.mean(self.tci_t))

    @property
    def ctci(self) -> float:
        """Average corrected TCI, ``TCI * k / (k - 1)`` (fraction)."""
        return self.tci * self.k / (self.k - 1)

    def _avg(self, arr: np.ndarray, name: str) -> pd.Series:
        return pd.Series(np.asarray(arr).mean(axis=0), index=list(self.names), name=name)

    @property
    def to(self) -> pd.Series:
        return self._avg(self.to_t, "to")

    @property
    def from_(self) -> pd.Series:
        return self._avg(self.from_t, "from")

    @property
    def net(self) -> pd.Series:
        return self._avg(self.net_t, "net")

    @property
    def theta(self) -> pd.DataFrame:
        """The averaged table (fractions; row receives, column transmits)."""
        names = list(self.names)
        return pd.DataFrame(np.asarray(self.fevd).mean(axis=0), index=names, columns=names)

    @property
    def pairwise_net(self) -> pd.DataFrame:
        """Averaged pairwise net (fraction): [i, j] > 0 when i transmits more to j."""
        th = self.theta
        return th.T - th

    @property
    def npt(self) -> pd.Series:
        """Number of series each one is a net transmitter to (averaged table)."""
        return (self.pairwise_net > 0).sum(axis=1).rename("npt")

    @property
    def pci(self) -> pd.DataFrame:
        """Pairwise connectedness index of the averaged table (fraction)."""
        th = self.theta.to_numpy()
        d = np.diag(th)
        den = d[:, None] + th + th.T + d[None, :]
        return pd.DataFrame(2 * (th + th.T) / den, index=list(self.names), columns=list(self.names))

    @property
    def dynamic(self) -> pd.DataFrame:
        """TCI, cTCI and NET per date (fractions)."""
        k = self.k
        out = pd.DataFrame(
            {"tci": np.asarray(self.tci_t), "ctci": np.asarray(self.tci_t) * k / (k - 1)},
            index=self.index,
        )
        for i, n in enumerate(self.names):
            out[f"net:{n}"] = np.asarray(self.net_t)[:, i]
        return out

    # ------------------------------------------------------------------ presentation
    def table(self) -> pd.DataFrame:
        """The averaged table in percent, laid out as the reference package prints it.

        Rows: receivers, then TO, Inc.Own (column sums), NET and NPT; columns: transmitters
        and FROM. Corner cells: the sum of TO, k*100, the TCI and the sum of NPT.
        """
        names = list(self.names)
        th = self.theta * 100.0
        t = th.copy()
        t["FROM"] = self.from_.to_numpy() * 100.0
        extra = pd.DataFrame(
            [
                [*(self.to * 100.0), float(self.to.sum()) * 100.0],
                [*th.sum(axis=0), 100.0 * len(names)],
                [*(self.net * 100.0), self.tci * 100.0],
                [*self.npt.astype(float), float(self.npt.sum())],
            ],
            index=["TO", "Inc.Own", "NET", "NPT"],
            columns=[*names, "FROM"],
        )
        return pd.concat([t, extra])

    def to_frame(self) -> pd.DataFrame:
        return self.dynamic

    def span(self) -> str:
        if len(self.index) == 1:
            return str(label(self.index[0]))
        return f"{label(self.index[0])}..{label(self.index[-1])}"

    def summary(self) -> str:
        head = (
            f"{self.approach} connectedness, {self.description}, H={self.horizon}, "
            f"{len(self.index)} dates {self.span()}: TCI {100 * self.tci:.2f}%, "
            f"cTCI {100 * self.ctci:.2f}%"
        )
        lines = [head, self.table().round(2).to_string()]
        if len(self.index) > 1:
            t = pd.Series(np.asarray(self.tci_t), index=self.index)
            lines.append(
                f"dynamic TCI: min {100 * t.min():.2f}% ({label(t.idxmin())}), max "
                f"{100 * t.max():.2f}% ({label(t.idxmax())}), last {100 * t.iloc[-1]:.2f}% "
                f"({label(t.index[-1])})"
            )
        if self.fit is not None and self.fit.fallbacks.any():
            lines.append(
                f"{int(self.fit.fallbacks.sum())} dates kept the previous coefficients "
                "(explosive update, as the reference package)"
            )
        if self.bands is not None:
            lines.append(self.bands.summary())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        names = list(self.names)
        th = self.theta
        pw = self.pairwise_net
        k = self.k
        out: dict[str, Any] = {
            "model": self.model,
            "approach": self.approach,
            "description": self.description,
            "units": "fractions (0.25 = 25%)",
            "names": names,
            "horizon": self.horizon,
            "lags": self.lags,
            "nobs": len(self.index),
            "start": label(self.index[0]),
            "end": label(self.index[-1]),
            "tci": self.tci,
            "ctci": self.ctci,
            "table": {n: {m: float(th.loc[n, m]) for m in names} for n in names},
            "to": {n: float(v) for n, v in self.to.items()},
            "from": {n: float(v) for n, v in self.from_.items()},
            "net": {n: float(v) for n, v in self.net.items()},
            "npt": {n: int(v) for n, v in self.npt.items()},
            "pairwise_net": {n: {m: float(pw.loc[n, m]) for m in names} for n in names},
            "dynamic": [
                {
                    "date": label(ix),
                    "tci": float(self.tci_t[e]),
                    "ctci": float(self.tci_t[e]) * k / (k - 1),
                    "net": {n: float(self.net_t[e, i]) for i, n in enumerate(names)},
                }
                for e, ix in enumerate(self.index)
            ],
        }
        if self.fit is not None and self.fit.fallbacks.any():
            out["fallback_dates"] = [
                label(ix) for ix, f in zip(self.index, self.fit.fallbacks) if f
            ]
        if self.bands is not None:
            out["bands"] = self.bands.to_dict()
        return out

    def plot(self, marks: tuple[str, ...] = ()) -> go.Figure:
        """Dynamic TCI (with the bootstrap band if any); the table heat map for one date."""
        import plotly.graph_objects as go

        if len(self.index) == 1:
            from bubblewatch.market.spillover import table_heatmap

            return table_heatmap(
                self.theta.to_numpy(),
                self.names,
                f"Connectedness table (TCI {100 * self.tci:.2f}%)",
            )
        fig = go.Figure()
        if self.bands is not None:
            lo, hi = self.bands.tci_lower, self.bands.tci_upper
            fig.add_trace(
                go.Scatter(
                    x=self.index, y=100 * np.asarray(hi), line={"width": 0}, showlegend=False
                )
            )
            fig.add_trace(
                go.Scatter(
                    x=self.index,
                    y=100 * np.asarray(lo),
                    fill="tonexty",
                    line={"width": 0},
                    fillcolor="rgba(31,119,180,0.2)",
                    name=f"{100 * self.bands.level:.0f}% band",
                )
            )
        fig.add_trace(go.Scatter(x=self.index, y=100 * np.asarray(self.tci_t), name="TCI"))
        _mark(fig, self.index, marks)
        fig.update_layout(
            title=f"Total connectedness: {self.description}, H={self.horizon}", yaxis_title="%"
        )
        return fig

    def plot_net(
        self, names: tuple[str, ...] | None = None, marks: tuple[str, ...] = ()
    ) -> go.Figure:
        """NET connectedness over time (positive: net transmitter)."""
        import plotly.graph_objects as go

        fig = go.Figure()
        for i, n in enumerate(self.names):
            if names is None or n in names:
                fig.add_trace(
                    go.Scatter(x=self.index, y=100 * np.asarray(self.net_t)[:, i], name=n)
                )
        fig.add_hline(y=0, line={"color": "grey", "width": 1})
        _mark(fig, self.index, marks)
        fig.update_layout(title="NET connectedness (>0: net transmitter)", yaxis_title="%")
        return fig


#: the declaration of a connectedness-result parameter
RESULT = Instance(Connectedness, what="a Connectedness result")


def _mark(fig: Any, index: pd.Index, marks: tuple[str, ...]) -> None:
    if not marks or not isinstance(index, pd.DatetimeIndex) or not len(index):
        return
    for d in marks:
        ts = pd.Timestamp(d)
        if index[0] <= ts <= index[-1]:
            fig.add_vline(x=ts, line={"dash": "dot", "color": "grey"})


def from_fevd(
    fit: ModelFit,
    theta: np.ndarray,
    *,
    approach: str,
    horizon: int,
    parameters: dict[str, Any] | None = None,
) -> Connectedness:
    """A :class:`Connectedness` whose measures come straight from per-date tables ``theta``."""
    to, frm, net, tci = measures(theta)
    return build(
        fit, theta, to, frm, net, tci, approach=approach, horizon=horizon, parameters=parameters
    )


def build(
    fit: ModelFit,
    theta: np.ndarray,
    to: np.ndarray,
    frm: np.ndarray,
    net: np.ndarray,
    tci: np.ndarray,
    *,
    approach: str,
    horizon: int,
    parameters: dict[str, Any] | None = None,
) -> Connectedness:
    """Assemble a :class:`Connectedness` (metadata from the fit and the approach)."""
    params = {
        "model": fit.model,
        "approach": approach,
        "lags": fit.lags,
        "horizon": horizon,
        **dict(fit.params),
        **(parameters or {}),
        "series": list(fit.names),
        "dropped_dates": fit.dropped,
    }
    return Connectedness(
        metadata=make_metadata(params, data=fit.data),
        names=fit.names,
        index=fit.index,
        fevd=frozen_array(theta),
        to_t=frozen_array(to),
        from_t=frozen_array(frm),
        net_t=frozen_array(net),
        tci_t=frozen_array(tci),
        model=fit.model,
        approach=approach,
        description=fit.describe(),
        horizon=int(horizon),
        lags=fit.lags,
        fit=fit,
    )


@validate_params(
    fit=FIT, horizon=Integer(min=1), method=Options("generalized", "cholesky", case=False)
)
def time_connectedness(
    fit: ModelFit, *, horizon: int = 10, method: str = "generalized"
) -> Connectedness:
    """Time-domain connectedness (Diebold-Yilmaz measures of each date's FEVD).

    ``horizon=H`` sums the MA terms h = 0..H-1 (as ConnectednessApproach). ``method``
    ``"generalized"`` (Pesaran-Shin, order-invariant) or ``"cholesky"``.
    """
    horizon = check_positive_int(horizon, "horizon")
    theta = dynamic_fevd(fit, horizon, method)
    return from_fevd(fit, theta, approach="time", horizon=horizon, parameters={"method": method})
