"""Quantile sweep: QVAR connectedness across quantiles (is it higher in the tails?).

For each quantile tau a QVAR is estimated (whole sample or rolling windows) and its
time-domain connectedness computed; the result holds the TCI and NET by quantile and date,
optionally with bootstrap bands of the mean TCI at each quantile.

References
----------
.. [1] Chatziantoniou, I., Gabauer, D. & Stenfors, A. (2021). *Economics Letters*, 204, 109891.
.. [2] Ando, T., Greenwood-Nimmo, M. & Shin, Y. (2022). Quantile connectedness. *Management
       Science*, 68(4), 2401-2431.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.market.connectedness._inputs import check_positive_int, check_tau, label
from bubblewatch.market.connectedness._specs import DATA, UNIT_OPEN, WINDOW
from bubblewatch.market.connectedness.qvar import fit_qvar
from bubblewatch.market.connectedness.tables import Connectedness, time_connectedness
from bubblewatch.results import Result, frozen_array, make_metadata
from bubblewatch.validation import ArrayLike, Bool, Integer, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["DEFAULT_TAUS", "QuantileSweep", "quantile_sweep"]

#: 19 quantiles 0.05, 0.10, ..., 0.95
DEFAULT_TAUS: tuple[float, ...] = tuple(round(0.05 * i, 2) for i in range(1, 20))


@dataclasses.dataclass(frozen=True)
class QuantileSweep(Result):
    """TCI and NET by quantile and date (fractions)."""

    names: tuple[str, ...]
    index: pd.Index
    taus: tuple[float, ...]
    tci: np.ndarray  # (n_tau, T)
    net: np.ndarray  # (n_tau, T, k)
    horizon: int
    lags: int
    window: int | None
    tci_interval: np.ndarray | None = None  # (n_tau, 2) bootstrap interval of the mean TCI
    level: float | None = None

    @property
    def mean_tci(self) -> pd.Series:
        """Mean TCI at each quantile."""
        return pd.Series(np.asarray(self.tci).mean(axis=1), index=list(self.taus), name="tci")

    def tails(self) -> dict[str, float]:
        """Mean TCI in the left tail (tau <= 0.1), at the median and in the right tail (>= 0.9)."""
        m = self.mean_tci
        t = np.asarray(self.taus)
        out = {"median": float(m.iloc[int(np.argmin(np.abs(t - 0.5)))])}
        if (t <= 0.1 + 1e-12).any():
            out["left"] = float(m[t <= 0.1 + 1e-12].mean())
        if (t >= 0.9 - 1e-12).any():
            out["right"] = float(m[t >= 0.9 - 1e-12].mean())
        return out

    def to_frame(self) -> pd.DataFrame:
        """Dynamic TCI: one column per quantile."""
        return pd.DataFrame(np.asarray(self.tci).T, index=self.index, columns=list(self.taus))

    def summary(self) -> str:
        tl = self.tails()
        win = f"rolling window {self.window}" if self.window else "whole sample"
        parts = [f"{k} {100 * v:.2f}%" for k, v in tl.items()]
        lines = [
            f"quantile connectedness sweep: QVAR({self.lags}), {win}, H={self.horizon}, "
            f"{len(self.taus)} quantiles {self.taus[0]}..{self.taus[-1]}; mean TCI "
            + ", ".join(parts)
        ]
        m = self.mean_tci
        for i, (tau, v) in enumerate(m.items()):
            band = ""
            if self.tci_interval is not None:
                lo, hi = self.tci_interval[i]
                band = f"  [{100 * lo:.2f}, {100 * hi:.2f}]"
            lines.append(f"  tau {tau:.2f}: TCI {100 * v:.2f}%{band}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "approach": "quantile sweep",
            "units": "fractions (0.25 = 25%)",
            "names": list(self.names),
            "taus": list(self.taus),
            "horizon": self.horizon,
            "lags": self.lags,
            "window": self.window,
            "tci": {f"{t:.2f}": float(v) for t, v in self.mean_tci.items()},
            "tails": self.tails(),
            "net": {
                f"{t:.2f}": dict(
                    zip(self.names, map(float, np.asarray(self.net)[i].mean(axis=0)), strict=True)
                )
                for i, t in enumerate(self.taus)
            },
            "dynamic": [
                {
                    "date": label(ix),
                    "tci": {f"{t:.2f}": float(self.tci[i, e]) for i, t in enumerate(self.taus)},
                }
                for e, ix in enumerate(self.index)
            ],
        }
        if self.tci_interval is not None:
            out["bands"] = {
                "level": self.level,
                "tci": {
                    f"{t:.2f}": [float(a), float(b)]
                    for t, (a, b) in zip(self.taus, self.tci_interval, strict=True)
                },
            }
        return out

    def plot(self) -> go.Figure:
        """Mean TCI by quantile (with its band); a date x quantile heat map when dynamic."""
        import plotly.graph_objects as go

        if len(self.index) > 1:
            fig = go.Figure(
                go.Heatmap(
                    x=self.index,
                    y=list(self.taus),
                    z=np.asarray(self.tci) * 100,
                    colorscale="Viridis",
                    colorbar={"title": "TCI %"},
                )
            )
            fig.update_layout(title="TCI by quantile and date", yaxis_title="quantile tau")
            return fig
        m = self.mean_tci * 100
        fig = go.Figure()
        if self.tci_interval is not None:
            iv = np.asarray(self.tci_interval) * 100
            fig.add_trace(
                go.Scatter(x=list(self.taus), y=iv[:, 1], line={"width": 0}, showlegend=False)
            )
            fig.add_trace(
                go.Scatter(
                    x=list(self.taus), y=iv[:, 0], fill="tonexty", line={"width": 0}, name="band"
                )
            )
        fig.add_trace(
            go.Scatter(x=list(self.taus), y=m.to_numpy(), mode="lines+markers", name="TCI")
        )
        fig.update_layout(title="TCI by quantile", xaxis_title="quantile tau", yaxis_title="%")
        return fig


@validate_params(
    data=DATA,
    taus=ArrayLike(what="quantiles in (0, 1)"),
    lags=Integer(min=1),
    horizon=Integer(min=1),
    window=WINDOW,
    dropna=Bool(),
    n_boot=Integer(min=0),
    level=UNIT_OPEN,
    block_length=Integer(min=1),
    seed=[None, Integer(min=0)],
)
def quantile_sweep(
    data: pd.DataFrame | np.ndarray,
    *,
    taus: Sequence[float] = DEFAULT_TAUS,
    lags: int = 1,
    horizon: int = 10,
    window: int | None = None,
    dropna: bool = False,
    n_boot: int = 0,
    level: float = 0.9,
    block_length: int = 5,
    seed: int | None = 0,
) -> QuantileSweep:
    """QVAR connectedness at every quantile of ``taus``.

    With ``n_boot > 0`` each quantile's mean TCI gets a bootstrap interval (moving-block
    bootstrap of the observations for a whole-sample estimate, residual bootstrap for rolling
    windows; see :mod:`bubblewatch.market.connectedness.bands`).
    """
    from bubblewatch.market.connectedness.bands import bootstrap_bands

    ts = tuple(float(t) for t in check_tau(list(taus)))
    horizon = check_positive_int(horizon, "horizon")
    results: list[Connectedness] = []
    for t in ts:
        fit = fit_qvar(data, lags=lags, tau=t, window=window, dropna=dropna)
        results.append(time_connectedness(fit, horizon=horizon))
    interval = None
    if n_boot:
        rows = []
        for r in results:
            scheme = "block" if len(r.index) == 1 else "residual"
            b = bootstrap_bands(
                r,
                n_boot=n_boot,
                level=level,
                scheme=scheme,
                block_length=block_length if scheme == "block" else 1,
                seed=seed,
            ).bands
            assert b is not None
            rows.append(b.mean_tci_interval)
        interval = frozen_array(rows)
    first = results[0]
    return QuantileSweep(
        metadata=make_metadata(
            {
                "taus": list(ts),
                "lags": lags,
                "horizon": horizon,
                "window": window,
                "n_boot": n_boot,
                "series": list(first.names),
            },
            data=first.fit.data if first.fit is not None else None,
            seed=seed if n_boot else None,
        ),
        names=first.names,
        index=first.index,
        taus=ts,
        tci=frozen_array([np.asarray(r.tci_t) for r in results]),
        net=frozen_array([np.asarray(r.net_t) for r in results]),
        horizon=horizon,
        lags=int(lags),
        window=window,
        tci_interval=interval,
        level=level if n_boot else None,
    )
