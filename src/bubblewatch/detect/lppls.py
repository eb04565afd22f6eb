"""LPPLS fits: the log-periodic power law singularity model, calibrated to its global optimum.

The model (Johansen, Ledoit & Sornette [1]_) for the log price of a bubble is

    ln p(t) = A + B |tc - t|^m + C1 |tc - t|^m cos(omega ln|tc - t|)
                                 + C2 |tc - t|^m sin(omega ln|tc - t|)

with ``C = sqrt(C1**2 + C2**2)`` and phase ``phi = atan2(-C2, C1)`` (so the oscillation
reads ``C |tc-t|^m cos(omega ln|tc-t| + phi)``). The four linear parameters are slaved to
the three nonlinear ones by least squares (Filimonov & Sornette [2]_); the nonlinear ones
are found by a bounded global search: a coarse grid over ``(tc, m, omega)`` on a subsample
of the window, then a bounded variable-projection Levenberg-Marquardt polish on all
points from the best grid cells. The result is deterministic.

Conventions
-----------
- **Time unit: calendar days.** ``t`` is the date's proleptic ordinal (as in the ``lppls``
  package), so the objective is exactly the ``lppls`` package's: the sum of squared
  residuals of the log price with ``|tc - t| + 1e-8`` days inside the power law.
- A window is counted in **observations** (trading days for daily data); its length
  ``span`` used by the filters is ``t2 - t1`` in calendar days.
- ``tc`` is reported as a date and as ``tc_days``, calendar days after the window's last
  date (negative: before it).
- The search box (:class:`LPPLSBounds`) is wider than any filter, so a filter judges the
  best fit, never a fit truncated by the box.

Filters (presets of :data:`FILTER_PRESETS`, all configurable through :class:`LPPLSFilter`):

- ``"fco"`` (default) -- the DS LPPLS Confidence filter of Sornette et al. [3]_ as
  implemented in Fantazzini's R package ``bubble``: m in [0.01, 1.2], omega in [2, 25],
  tc in [t2 - 0.05 span, t2 + 0.1 span], O >= 2.5, D >= 0.8, relative error <= 0.05;
  and the Trust filter: m in [0.01, 0.99], D >= 1, relative error <= 0.2 (other
  conditions as the Confidence filter).
- ``"lppls"`` -- the ``lppls`` package's defaults: max(t2 - 60, t2 - 0.5 span) < tc <
  min(t2 + 252, t2 + 0.5 span), 0 < m < 1, 2 < omega < 15, O > 2.5, D > 0.5.

O (number of oscillations) is ``omega / (2 pi) ln|(tc - t1) / (tc - t2)|``, D (damping)
is ``m |B| / (omega C)``, the relative error is the mean of ``|p / p_hat - 1|`` over the
window.

References
----------
.. [1] Johansen, A., Ledoit, O. & Sornette, D. (2000). Crashes as critical points.
   International Journal of Theoretical and Applied Finance, 3(2), 219-255.
.. [2] Filimonov, V. & Sornette, D. (2013). A stable and robust calibration scheme of the
   log-periodic power law model. Physica A, 392(17), 3698-3707.
.. [3] Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. & Zhang, Q. (2015).
   Real-time prediction and post-mortem analysis of the Shanghai 2015 stock market bubble
   and crash. Journal of Investment Strategies, 4(4), 77-95.
.. [4] Demirer, R., Demos, G., Gupta, R. & Sornette, D. (2019). On the predictability of
   stock market bubbles: evidence from LPPLS confidence multi-scale indicators.
   Quantitative Finance, 19(5), 843-858.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.detect import _lppls_kernels as _k
from bubblewatch.errors import ConvergenceWarning, InputError, InsufficientDataError
from bubblewatch.results import Metadata, Result, frozen_array, make_metadata

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "FILTER_PRESETS",
    "MIN_OBSERVATIONS",
    "LPPLSBounds",
    "LPPLSFilter",
    "LPPLSFit",
    "SearchGrid",
    "filter_conditions",
    "fit_lppls",
    "lppls_curve",
    "resolve_filters",
]

#: the smallest window a fit accepts (7 parameters need a few more points)
MIN_OBSERVATIONS = 12


@dataclasses.dataclass(frozen=True)
class LPPLSBounds:
    """The search box of the nonlinear parameters.

    ``tc`` bounds are relative to the window's last date in units of the window's span
    (calendar days from its first to its last date): ``tc in [t2 + tc_lo * span,
    t2 + tc_hi * span]``. The default box is wider than every filter preset.

    With ``far_spans > 0`` two more regions are searched, on a log scale of the distance
    to the window: tc after the window's end (up to ``far_spans`` spans after it) and
    before its start (up to ``far_spans`` spans before it), with m in
    ``[far_m_lo, far_m_hi]`` and omega in ``[far_omega_lo, far_omega_hi]`` (on a grid twice
    as fine along each axis as the main box's). That is the
    domain the ``lppls`` package's unbounded Nelder-Mead explores (it keeps only fits with
    tc outside the window); :meth:`lppls_domain` is that preset, used to compare SSEs.
    """

    tc_lo: float = -0.6
    tc_hi: float = 1.0
    m_lo: float = 1e-6
    m_hi: float = 2.0
    omega_lo: float = 1.0
    omega_hi: float = 30.0
    far_spans: float = 0.0
    far_m_lo: float = -2.0
    far_m_hi: float = 4.0
    far_omega_lo: float = 0.05
    far_omega_hi: float = 60.0
    far_oscillations: float = 10.0

    @classmethod
    def lppls_domain(cls) -> LPPLSBounds:
        """The default box plus tc up to 1e5 spans outside the window, m in [-5, 25],
        omega in [1e-4, 1e4]: where the ``lppls`` package's unbounded fits end up."""
        return cls(far_spans=1e5, far_m_lo=-5.0, far_m_hi=25.0, far_omega_lo=1e-4, far_omega_hi=1e4)

    def boxes(self, offsets: np.ndarray, ftol: float = 1e-13) -> list[np.ndarray]:
        """The kernel's search boxes (scaled time) with grid ``offsets`` and tolerance."""
        out = [
            np.array(
                [1 + self.tc_lo, 1 + self.tc_hi, self.m_lo, self.m_hi, self.omega_lo,
                 self.omega_hi, *offsets, 0.0, ftol]
            )
        ]  # fmt: skip
        if self.far_spans > 0:
            # log-distance bands (1e-3..1, 1..100, 100.. spans), each with an omega grid
            # that spans the same numbers of oscillations (up to far_oscillations)
            edges = [math.log(1e-3), 0.0, math.log(100.0), math.log(max(self.far_spans, 1e3))]
            for mode in (1.0, 2.0):
                for lo, hi in itertools.pairwise(edges):
                    out.append(
                        np.array(
                            [lo, hi, self.far_m_lo, self.far_m_hi, self.far_omega_lo,
                             self.far_omega_hi, *offsets, mode, ftol, self.far_oscillations]
                        )
                    )  # fmt: skip
        return out

    def __post_init__(self) -> None:
        for lo, hi, name in (
            (self.tc_lo, self.tc_hi, "tc"),
            (self.m_lo, self.m_hi, "m"),
            (self.omega_lo, self.omega_hi, "omega"),
        ):
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise InputError(
                    f"LPPLS bounds for {name} must be finite with lower < upper, got [{lo}, {hi}]"
                )
        if self.omega_lo <= 0:
            raise InputError(
                f"omega_lo must be > 0 (omega and -omega fit alike), got {self.omega_lo}"
            )

    def as_array(self) -> np.ndarray:
        return np.array(
            [self.tc_lo, self.tc_hi, self.m_lo, self.m_hi, self.omega_lo, self.omega_hi], float
        )


@dataclasses.dataclass(frozen=True)
class SearchGrid:
    """Sizes of the coarse grid and of the polish.

    ``n_tc x n_m x n_omega`` grid cells are evaluated on at most ``n_sub`` points of the
    window; the best cell of each tc row is ranked and the ``n_polish`` best are polished
    on all points (at most ``max_iter`` profile evaluations each), after a first polish
    on the subsample (at most ``sub_iter`` evaluations; 0 skips it). A polish has
    converged when an accepted step lowers the SSE by less than ``ftol`` (relative).
    ``max_oscillations`` > 0 caps each tc row's omega grid at that many oscillations
    over the window (the far regions of :meth:`LPPLSBounds.lppls_domain` always do).
    ``abort_after`` > 0 lets a grid polish give up when, after that many evaluations, its
    SSE is still more than 10% above the best found so far in the window (0: never).
    """

    n_tc: int = 16
    n_m: int = 6
    n_omega: int = 48
    n_sub: int = 64
    n_polish: int = 4
    max_iter: int = 100
    sub_iter: int = 0
    ftol: float = 1e-13
    max_oscillations: float = 0.0
    abort_after: int = 0

    def __post_init__(self) -> None:
        for name in ("n_tc", "n_m", "n_omega", "n_sub", "max_iter"):
            if int(getattr(self, name)) < 1:
                raise InputError(f"SearchGrid.{name} must be >= 1, got {getattr(self, name)}")
        if not (0.0 <= self.ftol < 1.0):
            raise InputError(f"SearchGrid.ftol must be in [0, 1), got {self.ftol}")
        if self.n_polish < 0 or self.sub_iter < 0 or self.abort_after < 0:
            raise InputError("SearchGrid.n_polish, sub_iter and abort_after must be >= 0")

    def as_array(self) -> np.ndarray:
        return np.array(
            [
                self.n_tc,
                self.n_m,
                self.n_omega,
                self.n_sub,
                self.n_polish,
                self.max_iter,
                self.sub_iter,
                self.abort_after,
            ],
            np.int64,
        )


@dataclasses.dataclass(frozen=True)
class LPPLSFilter:
    """Conditions a fit must pass to count as a qualified LPPLS bubble fit.

    tc must lie in ``[max(t2 - tc_before_frac*span, t2 - tc_before_days),
    min(t2 + tc_after_frac*span, t2 + tc_after_days)]`` (days are calendar days; ``inf``
    disables the day limits). With ``strict=True`` every inequality is strict (as in the
    ``lppls`` package), else inclusive.
    """

    name: str
    m_lo: float
    m_hi: float
    omega_lo: float
    omega_hi: float
    tc_before_frac: float
    tc_after_frac: float
    tc_before_days: float = math.inf
    tc_after_days: float = math.inf
    oscillations_min: float = 2.5
    damping_min: float = 0.8
    rel_error_max: float = math.inf
    strict: bool = False

    def conditions(
        self,
        *,
        tc_days: np.ndarray,
        span: np.ndarray,
        m: np.ndarray,
        omega: np.ndarray,
        oscillations: np.ndarray,
        damping: np.ndarray,
        rel_error: np.ndarray,
    ) -> dict[str, np.ndarray]:
        """Each condition's pass/fail (vectorised over fits; NaN fails)."""
        lo = np.maximum(-self.tc_before_frac * span, -self.tc_before_days)
        hi = np.minimum(self.tc_after_frac * span, self.tc_after_days)
        with np.errstate(invalid="ignore"):
            if self.strict:

                def between(v: Any, a: Any, b: Any) -> np.ndarray:
                    return np.asarray((v > a) & (v < b))

                def above(v: Any, a: Any) -> np.ndarray:
                    return np.asarray(v > a)

            else:

                def between(v: Any, a: Any, b: Any) -> np.ndarray:
                    return np.asarray((v >= a) & (v <= b))

                def above(v: Any, a: Any) -> np.ndarray:
                    return np.asarray(v >= a)

            out = {
                "tc": between(tc_days, lo, hi),
                "m": between(m, self.m_lo, self.m_hi),
                "omega": between(omega, self.omega_lo, self.omega_hi),
                "oscillations": above(oscillations, self.oscillations_min),
                "damping": above(damping, self.damping_min),
            }
            if math.isfinite(self.rel_error_max):
                out["rel_error"] = np.asarray(
                    (rel_error <= self.rel_error_max)
                    if not self.strict
                    else (rel_error < self.rel_error_max)
                )
        return out


#: filter presets: name -> {filter role -> filter}
FILTER_PRESETS: Mapping[str, Mapping[str, LPPLSFilter]] = MappingProxyType(
    {
        "fco": MappingProxyType(
            {
                "confidence": LPPLSFilter(
                    "fco-confidence", 0.01, 1.2, 2.0, 25.0, 0.05, 0.1,
                    oscillations_min=2.5, damping_min=0.8, rel_error_max=0.05,
                ),
                "trust": LPPLSFilter(
                    "fco-trust", 0.01, 0.99, 2.0, 25.0, 0.05, 0.1,
                    oscillations_min=2.5, damping_min=1.0, rel_error_max=0.2,
                ),
            }
        ),
        "lppls": MappingProxyType(
            {
                "confidence": LPPLSFilter(
                    "lppls", 0.0, 1.0, 2.0, 15.0, 0.5, 0.5, 60.0, 252.0,
                    oscillations_min=2.5, damping_min=0.5, strict=True,
                ),
            }
        ),
    }
)  # fmt: skip


def resolve_filters(
    filters: str | LPPLSFilter | Mapping[str, LPPLSFilter],
) -> Mapping[str, LPPLSFilter]:
    """Turn a preset name, one filter or a mapping role -> filter into a mapping."""
    if isinstance(filters, str):
        if filters not in FILTER_PRESETS:
            raise InputError(
                f"unknown LPPLS filter preset {filters!r}; use one of {', '.join(FILTER_PRESETS)}"
            )
        return FILTER_PRESETS[filters]
    if isinstance(filters, LPPLSFilter):
        return MappingProxyType({"confidence": filters})
    if isinstance(filters, Mapping) and all(isinstance(v, LPPLSFilter) for v in filters.values()):
        if "confidence" not in filters:
            raise InputError("a filter mapping needs a 'confidence' entry")
        return MappingProxyType(dict(filters))
    raise InputError(
        "filters must be a preset name ('fco', 'lppls'), an LPPLSFilter or a mapping of them"
    )


def filter_conditions(
    filt: LPPLSFilter,
    *,
    tc_days: Any,
    span: Any,
    m: Any,
    omega: Any,
    oscillations: Any,
    damping: Any,
    rel_error: Any,
) -> dict[str, np.ndarray]:
    """Vectorised :meth:`LPPLSFilter.conditions` on array-likes."""
    return filt.conditions(
        tc_days=np.asarray(tc_days, float),
        span=np.asarray(span, float),
        m=np.asarray(m, float),
        omega=np.asarray(omega, float),
        oscillations=np.asarray(oscillations, float),
        damping=np.asarray(damping, float),
        rel_error=np.asarray(rel_error, float),
    )


def lppls_curve(
    t: Any, tc: float, m: float, omega: float, A: float, B: float, C1: float, C2: float
) -> np.ndarray:
    """The LPPLS log price at times ``t`` (calendar days, same origin as ``tc``).

    Examples
    --------
    >>> float(lppls_curve([0.0], 10.0, 0.5, 6.0, 1.0, -1.0, 0.0, 0.0)[0])  # 1 - sqrt(10)
    -2.1622776...
    """
    t = np.asarray(t, float)
    d = np.abs(tc - t) + 1e-8
    ln = np.log(d)
    f = d**m
    return A + f * (B + C1 * np.cos(omega * ln) + C2 * np.sin(omega * ln))


# ---------------------------------------------------------------------------------------
# input handling shared with lppls_confidence


def _prepare(series: pd.Series, start: Any, end: Any, what: str) -> pd.Series:
    """Validate a price series and cut it to [start, end]."""
    if isinstance(series, pd.DataFrame):
        if series.shape[1] != 1:
            raise InputError(
                f"{what} needs one price series, got a frame with {series.shape[1]} columns"
            )
        series = series.iloc[:, 0]
    if not isinstance(series, pd.Series):
        raise InputError(
            f"{what} needs a pandas Series of prices indexed by date, got {type(series).__name__}"
        )
    if not isinstance(series.index, pd.DatetimeIndex):
        try:
            series = series.copy()
            series.index = pd.DatetimeIndex(pd.to_datetime(series.index))
        except (ValueError, TypeError) as exc:
            raise InputError(f"{what} needs a series indexed by dates ({exc})") from exc
    s = pd.to_numeric(series, errors="coerce").astype(float)
    if s.index.tz is not None:
        s.index = s.index.tz_localize(None)
    s = s.sort_index()
    if s.index.has_duplicates:
        raise InputError(
            f"{what}: the series has duplicate dates (first {s.index[s.index.duplicated()][0].date()}); remove them"
        )
    try:
        lo = None if start is None else pd.Timestamp(start)
        hi = None if end is None else pd.Timestamp(end)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{what}: cannot read the dates {start!r}..{end!r}; use YYYY-MM-DD"
        ) from exc
    if lo is not None:
        s = s[s.index >= lo]
    if hi is not None:
        s = s[s.index <= hi]
    bad = ~np.isfinite(s.to_numpy())
    if bad.any():
        raise InputError(
            f"{what}: {int(bad.sum())} missing or non-numeric prices (first on "
            f"{s.index[bad.argmax()].date()}); drop or fill them first"
        )
    nonpos = s.to_numpy() <= 0
    if nonpos.any():
        i = int(nonpos.argmax())
        raise InputError(
            f"{what}: prices must be > 0 for a log-price fit; window "
            f"{_fmt(s.index[0])}..{_fmt(s.index[-1])} has {float(s.iloc[i])!r} on {_fmt(s.index[i])}"
        )
    return s


def _fmt(ts: Any) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _ordinals(index: pd.DatetimeIndex) -> np.ndarray:
    """Proleptic Gregorian ordinal days (day 1 = 0001-01-01), like ``datetime.toordinal``."""
    days = index.normalize().to_numpy("datetime64[D]").astype(np.int64)
    return (days + 719163).astype(float)  # 1970-01-01 has ordinal 719163


def _from_ordinal(x: float) -> pd.Timestamp | None:
    if not math.isfinite(x):
        return None
    try:
        return pd.Timestamp("1970-01-01") + pd.Timedelta(days=float(x) - 719163.0)
    except (OverflowError, ValueError):
        return None


def _tc_date(x: float) -> pd.Timestamp | None:
    """tc as a date (rounded to the nearest day)."""
    ts = _from_ordinal(x)
    return ts.round("D") if ts is not None else None


def _grid_offsets(seed: int | None) -> np.ndarray:
    if not seed:
        return np.array([0.5, 0.5, 0.5])
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 1.0, 3)


def linear_parameters(
    t: np.ndarray, y: np.ndarray, tc: float, m: float, omega: float
) -> tuple[np.ndarray, float]:
    """Slaved (A, B, C1, C2) by least squares in days, and the SSE."""
    d = np.abs(tc - t) + 1e-8
    ln = np.log(d)
    f = d**m
    X = np.column_stack([np.ones_like(t), f, f * np.cos(omega * ln), f * np.sin(omega * ln)])
    scale = np.sqrt((X**2).sum(axis=0))
    scale[scale == 0] = 1.0
    beta = np.linalg.lstsq(X / scale, y, rcond=None)[0] / scale
    r = y - X @ beta
    return beta, float(r @ r)


def oscillations_damping(
    tc_days: Any, span: Any, m: Any, omega: Any, B: Any, C: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Number of oscillations O and damping D (vectorised; NaN where undefined)."""
    tc_days = np.asarray(tc_days, float)
    span = np.asarray(span, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.abs((tc_days + span) / tc_days)
        osc = np.where(
            (tc_days != 0) & (ratio > 0), np.asarray(omega) / (2 * np.pi) * np.log(ratio), np.nan
        )
        D = np.where(
            np.asarray(C) * np.asarray(omega) != 0,
            np.asarray(m) * np.abs(B) / (np.asarray(omega) * np.abs(C)),
            np.nan,
        )
    return np.asarray(osc, float), np.asarray(D, float)


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
            f"  tc = {tc} ({self.tc_days:+.1f} calendar days after the window's end)\n"
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

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        idx = pd.DatetimeIndex(self.dates)
        fig = go.Figure()
        fig.add_scatter(
            x=idx, y=np.exp(self.log_price), name="price", line={"color": "black", "width": 1}
        )
        end = idx[-1]
        if self.tc is not None and self.tc_days > 0:
            ext = pd.date_range(end, self.tc, periods=40)
            xs = idx.append(ext[1:-1])
        else:
            xs = idx
        fig.add_scatter(
            x=xs, y=np.exp(self.fitted(xs)), name="LPPLS fit", line={"color": "royalblue"}
        )
        if self.tc is not None:
            fig.add_vline(x=self.tc, line_dash="dash", line_color="firebrick")
        fig.update_layout(title="LPPLS fit", yaxis_type="log", yaxis_title="price")
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
