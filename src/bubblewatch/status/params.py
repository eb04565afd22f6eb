"""Every number the bubble status depends on, in one documented place.

The status (:func:`bubblewatch.status.asset_status`) is a published rule, not a fitted
score: the thresholds below are fixed by hand, stated in every output (``params`` of the
JSON) and never tuned on the track record. Change them here and only here; the CLI, the
report, the scan and the dashboard all read :data:`DEFAULT_PARAMS`.

The sample
    PSY runs on the **daily log adjusted closes of the last** :attr:`StatusParams.sample_years`
    **(5) calendar years** up to the as-of date (all of them when the history is shorter,
    but at least :attr:`~StatusParams.psy_min_sessions`), lag 0, PSY's default smallest
    window ``floor((0.01 + 1.8/sqrt(T))·T)``. ``bubblewatch psy SYMBOL`` and the report use
    the same sample by default.
The critical values
    Heteroskedasticity-robust: the wild bootstrap of Harvey, Leybourne, Sollis & Taylor
    (2016) on the sample's own increments (:attr:`~StatusParams.cv_reps` = 199 replications,
    seed :attr:`~StatusParams.cv_seed`), with exuber's *pointwise* rule: the critical value of
    BSADF on a date is the 95% quantile of the bootstrap BSADF on that date. On GARCH(1,1)
    random walks (alpha 0.08, beta 0.9) the tabulated homoskedastic values over-reject, the
    bootstrap keeps the size (``benchmarks/status.py``, ``benchmarks/RESULTS.md``).
The LPPLS scales
    :data:`LONG_SCALE` is the FCO's (windows of 750 down to 125 sessions in steps of 5, 126
    windows); :data:`SHORT_SCALE` looks at the last half year (120 down to 30, 19 windows).
    The DS LPPLS confidence is computed at the as-of date only, with the FCO filter.

References
----------
.. [1] Harvey, D.I., Leybourne, S.J., Sollis, R. & Taylor, A.M.R. (2016). Tests for explosive
   financial bubbles in the presence of non-stationary volatility. Journal of Empirical
   Finance 38, 548-574.
.. [2] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles. International
   Economic Review 56(4), 1043-1078.
.. [3] Sornette, D., Demos, G., Zhang, Q., Cauwels, P., Filimonov, V. & Zhang, Q. (2015).
   Real-time prediction and post-mortem analysis of the Shanghai 2015 stock market bubble
   and crash. Journal of Investment Strategies 4(4), 77-95.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from bubblewatch.errors import InputError

__all__ = [
    "DEFAULT_PARAMS",
    "LEVELS",
    "LONG_SCALE",
    "LPPLS_SCALES",
    "SHORT_SCALE",
    "LPPLSScale",
    "StatusParams",
]

#: the status levels, from the calmest to the most severe
LEVELS: tuple[str, ...] = ("calm", "heating", "explosive", "critical", "bursting")


@dataclasses.dataclass(frozen=True)
class LPPLSScale:
    """A set of LPPLS windows ending on one date: ``window_max`` down to ``window_min``
    sessions in steps of ``window_step``."""

    name: str
    window_max: int
    window_min: int
    window_step: int

    def __post_init__(self) -> None:
        if not 12 <= self.window_min <= self.window_max or self.window_step < 1:
            raise InputError(
                f"LPPLS scale {self.name!r}: need 12 <= window_min <= window_max and "
                f"window_step >= 1; got {self.window_max}..{self.window_min} step "
                f"{self.window_step}"
            )

    @property
    def n_windows(self) -> int:
        """Number of windows (the confidence's denominator).

        >>> LONG_SCALE.n_windows, SHORT_SCALE.n_windows
        (126, 19)
        """
        return len(range(self.window_max, self.window_min - 1, -self.window_step))

    def describe(self) -> str:
        return (
            f"{self.name} ({self.window_max}..{self.window_min} sessions, step {self.window_step})"
        )

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


#: the FCO's scale: windows of 750 down to 125 sessions, step 5
LONG_SCALE = LPPLSScale("long", 750, 125, 5)
#: the short scale: the last half year, 120 down to 30 sessions, step 5
SHORT_SCALE = LPPLSScale("short", 120, 30, 5)
LPPLS_SCALES: tuple[LPPLSScale, ...] = (LONG_SCALE, SHORT_SCALE)


@dataclasses.dataclass(frozen=True)
class StatusParams:
    """Parameters and thresholds of the bubble status (see the module docstring).

    Fractions everywhere (0.2 is 20%); sessions are rows of the daily series.

    Sample and PSY
        ``sample_years`` (5): calendar years of daily log closes tested;
        ``psy_min_sessions`` (500): fewer sessions and the PSY signal says "insufficient
        data"; ``psy_lags`` (0).
    Critical values
        ``cv_method`` ``"wb"`` (wild bootstrap, the default) or ``"table"`` (the shipped
        homoskedastic Monte Carlo table, for comparison only); ``cv_rule`` ``"pointwise"``
        (exuber's rule for bootstrap values) or ``"psy"`` (running maximum of BADF);
        ``cv_reps`` (199), ``cv_seed`` (0); ``gsadf_cv`` also bootstraps the GSADF's critical
        value (O(T²) per replication; the replay turns it off, the level never uses it).
    LPPLS
        ``scales`` (:data:`LPPLS_SCALES`), ``lppls`` (False skips LPPLS: the panel scan's
        fast mode), ``trust`` (the FCO residual bootstrap, ``trust_reps`` synthetic series).
    Level thresholds (the rule, :mod:`bubblewatch.status.rule`)
        explosive: BSADF above its 95% critical value on the as-of date;
        critical: explosive and the positive LPPLS confidence at either scale
        >= ``critical_confidence`` (0.20) with the median critical time of the qualified
        fits at most ``critical_tc_days`` (183) calendar days after the as-of date;
        bursting: a drawdown of at least ``burst_drawdown`` (0.20) from the peak of the
        sample when the asset was explosive on some session in the ``burst_lookback``
        (63) sessions up to that peak, or a negative LPPLS confidence
        >= ``burst_confidence`` (0.20) at either scale;
        heating: BSADF above its ``heating_cv_level`` (90%) critical value, or a positive
        LPPLS confidence >= ``heating_confidence`` (0.10), or the 1-year or 3-year return in
        the top ``1 - heating_return_percentile`` (10%) of the asset's own history, or (index-level
        assets) the CAPE percentile >= ``heating_cape_percentile`` (0.95), or a trailing P/E
        at least ``heating_pe_multiple`` (2) times the group median.
    Momentum and stress windows
        ``ma_sessions`` (200), ``vol_sessions`` (21); the volume z-score uses the market
        analytics' 63 sessions; ``stale_business_days`` (5): a series ending more than this
        many business days before the as-of date is flagged stale.
    """

    sample_years: int = 5
    psy_min_sessions: int = 500
    psy_lags: int = 0
    cv_method: str = "wb"
    cv_rule: str = "pointwise"
    cv_reps: int = 199
    cv_seed: int = 0
    gsadf_cv: bool = True
    scales: tuple[LPPLSScale, ...] = LPPLS_SCALES
    lppls: bool = True
    trust: bool = False
    trust_reps: int = 25
    critical_confidence: float = 0.20
    critical_tc_days: int = 183
    burst_drawdown: float = 0.20
    burst_lookback: int = 63
    burst_confidence: float = 0.20
    heating_cv_level: int = 90
    heating_confidence: float = 0.10
    heating_return_percentile: float = 0.90
    heating_cape_percentile: float = 0.95
    heating_pe_multiple: float = 2.0
    ma_sessions: int = 200
    vol_sessions: int = 21
    stale_business_days: int = 5

    def __post_init__(self) -> None:
        if self.cv_method not in ("wb", "table"):
            raise InputError(f"cv_method must be 'wb' or 'table'; got {self.cv_method!r}")
        if self.cv_rule not in ("pointwise", "psy"):
            raise InputError(f"cv_rule must be 'pointwise' or 'psy'; got {self.cv_rule!r}")
        if self.heating_cv_level not in (90, 95):
            raise InputError(f"heating_cv_level must be 90 or 95; got {self.heating_cv_level}")
        for name in ("sample_years", "psy_min_sessions", "cv_reps", "trust_reps", "ma_sessions"):
            if int(getattr(self, name)) < 1:
                raise InputError(f"{name} must be a positive integer; got {getattr(self, name)}")
        for name in (
            "critical_confidence",
            "burst_drawdown",
            "burst_confidence",
            "heating_confidence",
            "heating_return_percentile",
            "heating_cape_percentile",
        ):
            v = float(getattr(self, name))
            if not 0.0 <= v <= 1.0:
                raise InputError(f"{name} is a fraction between 0 and 1; got {v}")
        if not self.scales:
            raise InputError("scales: give at least one LPPLS scale")

    def cv_description(self) -> str:
        """How the critical values are made, in words (named in every output).

        >>> DEFAULT_PARAMS.cv_description()
        'wild bootstrap (HLST 2016), 199 replications, seed 0, pointwise rule'
        """
        if self.cv_method == "table":
            return f"shipped Monte Carlo table (homoskedastic), {self.cv_rule} rule"
        return (
            f"wild bootstrap (HLST 2016), {self.cv_reps} replications, seed {self.cv_seed}, "
            f"{self.cv_rule} rule"
        )

    def sample_description(self) -> str:
        """The PSY sample, in words.

        >>> DEFAULT_PARAMS.sample_description()
        'daily log adjusted closes of the last 5 years (lag 0, PSY default window)'
        """
        return (
            f"daily log adjusted closes of the last {self.sample_years} years "
            f"(lag {self.psy_lags}, PSY default window)"
        )

    def replace(self, **changes: Any) -> StatusParams:
        """A copy with some parameters changed (validated)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["scales"] = [s.to_dict() for s in self.scales]
        out["cv_description"] = self.cv_description()
        out["sample_description"] = self.sample_description()
        return out


#: the parameters every output uses unless told otherwise
DEFAULT_PARAMS = StatusParams()
