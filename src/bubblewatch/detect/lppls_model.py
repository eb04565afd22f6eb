"""The LPPLS model and its filters: the curve, the slaved linear parameters, the search box
and grid, and the filter presets that judge a fit (the fit itself is :mod:`.lppls`).

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
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from bubblewatch.errors import InputError
from bubblewatch.validation import Instance, MappingOf, Text, validate_params

__all__ = [
    "FILTER_PRESETS",
    "MIN_OBSERVATIONS",
    "LPPLSBounds",
    "LPPLSFilter",
    "SearchGrid",
    "filter_conditions",
    "linear_parameters",
    "lppls_curve",
    "oscillations_damping",
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


@validate_params(
    filters=[Text(), Instance(LPPLSFilter), MappingOf("a mapping role -> LPPLSFilter")],
)
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
