"""LPPLS fits: the log-periodic power law singularity model, calibrated to its global optimum.

The model, its search box and its filters are in :mod:`bubblewatch.detect.lppls_model`
(re-exported here); this module holds the fit (:func:`fit_lppls`) and its result
(:class:`LPPLSFit`).

The four linear parameters are slaved to the three nonlinear ones by least squares
(Filimonov & Sornette [2]_); the nonlinear ones are found by a bounded global search: a
coarse grid over ``(tc, m, omega)`` on a subsample of the window, then a bounded
variable-projection Levenberg-Marquardt polish on all points from the best grid cells. The
result is deterministic.

References
----------
.. [1] Johansen, A., Ledoit, O. & Sornette, D. (2000). Crashes as critical points.
   International Journal of Theoretical and Applied Finance, 3(2), 219-255.
.. [2] Filimonov, V. & Sornette, D. (2013). A stable and robust calibration scheme of the
   log-periodic power law model. Physica A, 392(17), 3698-3707.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.detect import _lppls_kernels as _k
from bubblewatch.detect.lppls_inputs import (
    DEFAULT_FIT_WINDOW,
    _fmt,
    _grid_offsets,
    _ordinals,
    _prepare,
    _tc_date,
    fit_window,
)
from bubblewatch.detect.lppls_model import (
    FILTER_PRESETS,
    MIN_OBSERVATIONS,
    LPPLSBounds,
    LPPLSFilter,
    SearchGrid,
    filter_conditions,
    linear_parameters,
    lppls_curve,
    oscillations_damping,
    resolve_filters,
)
from bubblewatch.errors import ConvergenceWarning, InsufficientDataError
from bubblewatch.results import Metadata, Result, frozen_array, make_metadata
from bubblewatch.validation import (
    Date,
    Instance,
    Integer,
    MappingOf,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "DEFAULT_FIT_WINDOW",
    "FILTER_PRESETS",
    "MIN_OBSERVATIONS",
    "LPPLSBounds",
    "LPPLSFilter",
    "LPPLSFit",
    "SearchGrid",
    "filter_conditions",
    "fit_lppls",
    "fit_window",
    "linear_parameters",
    "lppls_curve",
    "oscillations_damping",
    "resolve_filters",
]


@dataclasses.dataclass(frozen=True)
class LPPLSFit(Result):
    """One LPPLS calibration (see :func:`fit_lppls`).

    Attributes
    ----------
    tc : pandas.Timestamp or None
        Critical time as a date, rounded to the day (None if not representable).
    tc_days : float
        Critical time in calendar days after the window's last date.
    m, omega, A, B, C1, C2, C, phi : float
        Model parameters (time in calendar days).
    sse, r2 : float
        Sum of squared residuals of the log price (the ``lppls`` package's objective) and
        the coefficient of determination.
    oscillations, damping, rel_error : float
        O, D and the mean relative price error.
    conditions : Mapping
        filter role -> condition -> passed.
    qualified : Mapping
        filter role -> all conditions passed.
    window_start, window_end : pandas.Timestamp
        The window's first and last dates; ``n_obs`` observations.
    converged : bool
        Whether the polish stopped on its tolerance (not the iteration cap).
    """

    tc: pd.Timestamp | None
    tc_days: float
    m: float
    omega: float
    A: float
    B: float
    C1: float
    C2: float
    C: float
    phi: float
    sse: float
    r2: float
    oscillations: float
    damping: float
    rel_error: float
    conditions: Mapping[str, Mapping[str, bool]]
    qualified: Mapping[str, bool]
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    n_obs: int
    converged: bool
    iterations: int
    bounds: LPPLSBounds
    dates: np.ndarray
    log_price: np.ndarray

    @property
    def tc_ordinal(self) -> float:
        """tc as a proleptic ordinal day (the ``lppls`` package's time axis)."""
        return float(_ordinals(pd.DatetimeIndex([self.window_end]))[0] + self.tc_days)

    def fitted(self, dates: Any = None) -> np.ndarray:
        """Fitted log price at ``dates`` (default: the window's dates)."""
        idx = pd.DatetimeIndex(self.dates if dates is None else dates)
        t = _ordinals(idx)
        return lppls_curve(t, self.tc_ordinal, self.m, self.omega, self.A, self.B, self.C1, self.C2)

    def summary(self) -> str:
        q = ", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in self.qualified.items())
        tc = _fmt(self.tc) if self.tc is not None else "n/a"
        return (
            f"LPPLS fit {_fmt(self.window_start)}..{_fmt(self.window_end)} ({self.n_obs} obs)"
            f"{'' if self.converged else ' [NOT CONVERGED]'}\n"
            f"  tc = {tc} ({self.tc_position})\n"
            f"  m = {self.m:.4f}  omega = {self.omega:.4f}\n"
            f"  A = {self.A:.6g}  B = {self.B:.6g}  C1 = {self.C1:.6g}  C2 = {self.C2:.6g}"
            f"  (C = {self.C:.6g}, phi = {self.phi:.4f})\n"
            f"  SSE = {self.sse:.6g}  R2 = {self.r2:.4f}  O = {self.oscillations:.3f}"
            f"  D = {self.damping:.3f}  rel. error = {self.rel_error:.4f}\n"
            f"  qualified: {q}"
        )

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"log_price": self.log_price, "fitted": self.fitted()},
            index=pd.DatetimeIndex(self.dates, name="date"),
        )

    @property
    def tc_position(self) -> str:
        """Where tc falls, in words: ``"42 days after the window's end"`` or ``"before"``.

        A tc before the window's end means the fitted bubble had already "ended" inside the
        window: the fit describes a past regime, not a coming critical time.
        """
        days = self.tc_days
        if not np.isfinite(days):
            return "tc not representable"
        n = abs(days)
        unit = "day" if round(n) == 1 else "days"
        if round(n) == 0:
            return "on the window's last day"
        side = "after" if days > 0 else "before"
        return f"{n:,.0f} calendar {unit} {side} the window's end"

    #: the chart shows the window plus this share of its length after its end
    PLOT_MARGIN = 0.15

    def plot(self) -> go.Figure:
        """Price and fit over the window plus a short margin; tc marked, never stretching the axis.

        When tc falls beyond the margin, an arrow at the right edge names its date and
        distance instead of extending the time axis to it.
        """
        import plotly.graph_objects as go

        from bubblewatch.chart_style import color

        idx = pd.DatetimeIndex(self.dates)
        end = idx[-1]
        right = end + (end - idx[0]) * self.PLOT_MARGIN
        fig = go.Figure()
        fig.add_scatter(
            x=idx,
            y=np.exp(self.log_price),
            name="price",
            line={"color": "#333333", "width": 1},
        )
        stop = min(right, self.tc - pd.Timedelta(days=1)) if self.tc is not None else right
        ext = pd.date_range(end, stop, periods=30)[1:] if stop > end else pd.DatetimeIndex([])
        xs = idx.append(ext)
        fig.add_scatter(
            x=xs,
            y=np.exp(self.fitted(xs)),
            name="LPPLS fit (log price)",
            line={"color": color(0), "width": 2},
        )
        fig.add_vrect(x0=end, x1=right, fillcolor="#888888", opacity=0.07, line_width=0)
        label = f"tc {self.tc.date()}<br>({self.tc_position})" if self.tc is not None else "tc n/a"
        if self.tc is not None and idx[0] <= self.tc <= right:
            fig.add_vline(x=self.tc, line={"dash": "dash", "color": "firebrick", "width": 1.5})
            fig.add_annotation(
                x=self.tc,
                y=1,
                yref="paper",
                text=label,
                showarrow=False,
                xanchor="right" if self.tc > end else "left",
                yanchor="top",
                font={"color": "firebrick", "size": 11},
                bgcolor="rgba(255,255,255,0.8)",
            )
        else:
            before = self.tc is not None and self.tc < idx[0]
            fig.add_annotation(
                x=idx[0] if before else right,
                y=0.95,
                yref="paper",
                text=("&#8592; " + label) if before else (label + " &#8594;"),
                showarrow=False,
                xanchor="left" if before else "right",
                align="left" if before else "right",
                font={"color": "firebrick", "size": 11},
                bgcolor="rgba(255,255,255,0.8)",
            )
        fig.update_layout(
            title=f"LPPLS fit {idx[0].date()} .. {end.date()} (shaded: {int(100 * self.PLOT_MARGIN)}% "
            "of the window after its end)",
            yaxis_type="log",
            yaxis_title="price (log scale)",
            xaxis={"title": "date", "range": [idx[0], right]},
            legend={"orientation": "h", "y": -0.2},
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "tc": self.tc,
            "tc_days": self.tc_days,
            "m": self.m,
            "omega": self.omega,
            "A": self.A,
            "B": self.B,
            "C1": self.C1,
            "C2": self.C2,
            "C": self.C,
            "phi": self.phi,
            "sse": self.sse,
            "r2": self.r2,
            "oscillations": self.oscillations,
            "damping": self.damping,
            "rel_error": self.rel_error,
            "qualified": bool(self.qualified.get("confidence", False)),
            "filters": {
                k: {"qualified": bool(v), "conditions": dict(self.conditions[k])}
                for k, v in self.qualified.items()
            },
            "window_start": self.window_start,
            "window_end": self.window_end,
            "n_obs": self.n_obs,
            "converged": self.converged,
            "metadata": self.metadata.to_dict(),
        }


@validate_params(
    series=SeriesLike(frame=True, what="a pandas Series of prices indexed by date"),
    start=[None, Date()],
    end=[None, Date()],
    bounds=[None, Instance(LPPLSBounds)],
    seed=[None, Integer(min=0)],
    filters=[Text(), Instance(LPPLSFilter), MappingOf("a mapping role -> LPPLSFilter")],
    grid=[None, Instance(SearchGrid)],
)
def fit_lppls(
    series: pd.Series,
    *,
    start: Any = None,
    end: Any = None,
    bounds: LPPLSBounds | None = None,
    seed: int | None = 0,
    filters: str | LPPLSFilter | Mapping[str, LPPLSFilter] = "fco",
    grid: SearchGrid | None = None,
) -> LPPLSFit:
    """Fit the LPPLS model to the log of a price series, to the global optimum of the box.

    Parameters
    ----------
    series : pandas.Series
        Prices (> 0) indexed by date.
    start, end : date-like, optional
        The window (inclusive); default the whole series.
    bounds : LPPLSBounds, optional
        The search box (default :class:`LPPLSBounds()`, wider than every filter).
    seed : int or None
        0/None: the grid is centred in its cells; another seed shifts the grid by a
        random offset (a robustness check of the global search). The fit is
        deterministic for a given seed.
    filters : str, LPPLSFilter or mapping
        A preset of :data:`FILTER_PRESETS` (``"fco"`` default, ``"lppls"``) or filters.
    grid : SearchGrid, optional
        Grid and polish sizes.

    Returns
    -------
    LPPLSFit

    Raises
    ------
    InputError
        Non-positive or missing prices, bad bounds.
    InsufficientDataError
        Fewer than :data:`MIN_OBSERVATIONS` observations or no price variation.

    Examples
    --------
    >>> t = pd.date_range("2020-01-01", periods=200)  # calendar days 0..199
    >>> p = np.exp(lppls_curve(np.arange(200.0), 215.0, 0.5, 8.0, 5.0, -0.1, 0.01, 0.0))
    >>> fit = fit_lppls(pd.Series(p, index=t))
    >>> round(fit.tc_days, 6), round(fit.m, 6), round(fit.omega, 6)
    (16.0, 0.5, 8.0)
    """
    bounds = bounds or LPPLSBounds()
    grid = grid or SearchGrid()
    filt = resolve_filters(filters)
    s = _prepare(series, start, end, "fit_lppls")
    if len(s) < MIN_OBSERVATIONS:
        raise InsufficientDataError(
            f"fit_lppls: window {_fmt(s.index[0]) if len(s) else start}..{_fmt(s.index[-1]) if len(s) else end} has "
            f"{len(s)} observations; an LPPLS fit needs at least {MIN_OBSERVATIONS}"
        )
    y = np.log(s.to_numpy())
    if np.ptp(y) == 0:
        raise InsufficientDataError(
            f"fit_lppls: window {_fmt(s.index[0])}..{_fmt(s.index[-1])} has no price variation; "
            "an LPPLS fit needs a moving price"
        )
    t = _ordinals(s.index)
    t2 = t[-1]
    span = t2 - t[0]
    x = (t - t[0]) / span
    out = np.full(_k.N_OUT, np.nan)
    out[_k.OUT_SSE] = np.inf
    row = np.empty(_k.N_OUT)
    for box in bounds.boxes(_grid_offsets(seed), grid.ftol):
        g = grid.as_array()
        if box[9] != 0:  # the far regions are much larger: twice the cells along each
            g[:3] *= 2  # axis, at least 6 polishes, and slow valleys: 300 evaluations
            g[4] = max(g[4], 6)
            g[5] = max(g[5], 300)
        _k.fit_window(x, y, 1e-8 / span, box, g, np.full(3, np.nan), row)
        if row[_k.OUT_SSE] < out[_k.OUT_SSE]:
            out[:] = row
    fit = _make_fit(s, t, y, out, span, bounds, filt, seed, grid, start, end)
    if not fit.converged:
        warnings.warn(
            f"fit_lppls: the fit of window {_fmt(s.index[0])}..{_fmt(s.index[-1])} did not "
            f"converge in {grid.max_iter} evaluations (SSE {fit.sse:.6g}); it is reported with "
            "converged=False and never qualifies",
            ConvergenceWarning,
            stacklevel=2,
        )
    return fit


def _make_fit(
    s: pd.Series,
    t: np.ndarray,
    y: np.ndarray,
    out: np.ndarray,
    span: float,
    bounds: LPPLSBounds,
    filt: Mapping[str, LPPLSFilter],
    seed: int | None,
    grid: SearchGrid,
    start: Any,
    end: Any,
) -> LPPLSFit:
    t2 = t[-1]
    tau, m, om = float(out[_k.OUT_TAU]), float(out[_k.OUT_M]), float(out[_k.OUT_OMEGA])
    ok = np.isfinite(out[_k.OUT_SSE])
    tc_abs = t[0] + tau * span if ok else math.nan
    if ok:
        beta, sse = linear_parameters(t, y, tc_abs, m, om)
    else:
        beta, sse = np.full(4, np.nan), math.nan
    A, B, C1, C2 = (float(v) for v in beta)
    C = math.hypot(C1, C2) if ok else math.nan
    phi = math.atan2(-C2, C1) if ok else math.nan
    tss = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - sse / tss if tss > 0 else math.nan
    tc_days = tc_abs - t2
    osc, D = oscillations_damping(tc_days, span, m, om, B, C)
    rel_err = float(out[_k.OUT_RELERR])
    conds: dict[str, Mapping[str, bool]] = {}
    qual: dict[str, bool] = {}
    for role, f in filt.items():
        c = f.conditions(
            tc_days=np.array([tc_days]),
            span=np.array([span]),
            m=np.array([m]),
            omega=np.array([om]),
            oscillations=osc.reshape(1),
            damping=D.reshape(1),
            rel_error=np.array([rel_err]),
        )
        conds[role] = MappingProxyType({k: bool(v[0]) for k, v in c.items()})
        converged = bool(ok and out[_k.OUT_STATUS] == _k.STATUS_CONVERGED)
        qual[role] = converged and all(conds[role].values())
    md: Metadata = make_metadata(
        {
            "start": start,
            "end": end,
            "bounds": dataclasses.asdict(bounds),
            "grid": dataclasses.asdict(grid),
            "filters": {k: v.name for k, v in filt.items()},
            "time_unit": "calendar days (proleptic ordinal)",
        },
        data=s,
        seed=seed,
    )
    return LPPLSFit(
        metadata=md,
        tc=_tc_date(tc_abs),
        tc_days=float(tc_days),
        m=m,
        omega=om,
        A=A,
        B=B,
        C1=C1,
        C2=C2,
        C=float(C),
        phi=float(phi),
        sse=float(sse),
        r2=float(r2),
        oscillations=float(osc),
        damping=float(D),
        rel_error=rel_err,
        conditions=MappingProxyType(conds),
        qualified=MappingProxyType(qual),
        window_start=s.index[0],
        window_end=s.index[-1],
        n_obs=len(s),
        converged=bool(ok and out[_k.OUT_STATUS] == _k.STATUS_CONVERGED),
        iterations=int(out[_k.OUT_ITER]) if ok else 0,
        bounds=bounds,
        dates=frozen_array(s.index.to_numpy(), dtype="datetime64[ns]"),
        log_price=frozen_array(y),
    )
