"""The result of the PSY tests (:class:`PSYResult`), its verdict, and episode dating.

Kept apart from :mod:`~bubblewatch.detect.psy` (the statistics) so that each module stays
small; :mod:`~bubblewatch.detect.psy` re-exports every name.
"""

from __future__ import annotations

import dataclasses
import warnings
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from bubblewatch.detect.psy_setup import (
    CV_CHOICE,
    LEVELS,
    default_min_duration,
)
from bubblewatch.errors import ComputationWarning, InputError
from bubblewatch.results import Result
from bubblewatch.series import iso_date, label_at
from bubblewatch.validation import (
    Anything,
    ArrayLike,
    Integer,
    Options,
    Real,
    SeriesLike,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.detect.psy_critical import PSYCriticalValues


__all__ = ["RULE_TEXT", "PSYResult", "PSYVerdict", "cv_source", "episodes_from"]


@validate_params(
    bsadf=SeriesLike(what="the BSADF sequence (a pandas Series)"),
    cv=ArrayLike(what="critical values"),
    min_duration=Integer(min=0),
)
def episodes_from(
    bsadf: pd.Series,
    cv: pd.Series | np.ndarray,
    *,
    min_duration: int = 0,
) -> pd.DataFrame:
    """Date-stamp the runs where ``bsadf > cv`` lasting at least ``min_duration`` observations.

    Columns: ``start`` (first exceeding date), ``peak`` (date of the largest BSADF in the
    run), ``end`` (first date back at or below the critical value; missing if ongoing),
    ``duration`` (observations from start to end, or to the last observation + 1 if
    ongoing), ``ongoing``. Same rule as PSY (2015) and exuber's ``datestamp``.
    """
    stat = bsadf.to_numpy(dtype=float)
    c = np.asarray(cv, dtype=float)
    above = np.zeros(stat.shape[0], dtype=bool)
    ok = np.isfinite(stat) & np.isfinite(c)
    above[ok] = stat[ok] > c[ok]
    rows = []
    n = stat.shape[0]
    i = 0
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j < n and above[j]:
            j += 1
        if j - i >= min_duration:
            peak = i + int(np.argmax(stat[i:j]))
            ongoing = j >= n
            rows.append(
                {
                    "start": bsadf.index[i],
                    "peak": bsadf.index[peak],
                    "end": None if ongoing else bsadf.index[j],
                    "duration": j - i,
                    "ongoing": ongoing,
                }
            )
        i = j
    return pd.DataFrame(rows, columns=["start", "peak", "end", "duration", "ongoing"])


@dataclasses.dataclass(frozen=True)
class PSYVerdict:
    """The GSADF test's outcome at one level (see :meth:`PSYResult.verdict`).

    Examples
    --------
    >>> v = PSYVerdict(level=95, statistic=2.4, critical_value=1.9, rejects=True, method="mc")
    >>> v.words
    'rejects a random walk in favour of explosive growth'
    """

    level: int
    statistic: float
    critical_value: float
    rejects: bool
    method: str

    @property
    def words(self) -> str:
        """``rejects``/``does not reject`` the null in favour of the alternative, briefly."""
        verb = "rejects" if self.rejects else "does not reject"
        return f"{verb} a random walk in favour of explosive growth"

    @property
    def text(self) -> str:
        """The outcome in one sentence, numbers included."""
        return (
            f"GSADF {self.statistic:.2f} against a {self.level}% critical value of "
            f"{self.critical_value:.2f} ({self.method}): {self.words}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "text": self.text}


@dataclasses.dataclass(frozen=True)
class PSYResult(Result):
    """PSY statistics of one series (immutable).

    Attributes
    ----------
    y : pandas.Series
        The series analysed (after the optional log).
    adf, sadf, gsadf : float
        Full-sample ADF, SADF (max BADF) and GSADF (max BSADF).
    badf, bsadf : pandas.Series
        Backward ADF sequences, indexed like ``y`` from position ``min_window - 1``.
    min_window : int
        Smallest window in observations of ``y``.
    lags : int
        Fixed lag, or the largest lag tried when ``ic`` is set.
    ic : str or None
        ``"aic"``/``"bic"`` when the lag is chosen per window.
    nan_windows : int
        Number of degenerate (zero-variance) windows left out.
    cv : PSYCriticalValues or None
        Critical values attached with :meth:`with_critical_values`.

    The hypotheses (:attr:`NULL_HYPOTHESIS`, :attr:`ALTERNATIVE`): the GSADF test's null is a
    random walk over the whole sample; its right-tailed alternative is explosive growth in
    at least one sub-period. :meth:`verdict` states the outcome at a level.

    Without attached critical values, :meth:`episodes` and :meth:`verdict` compute
    ``critical_values("auto")`` once (the shipped table where it applies, else a Monte Carlo
    of 2000 replications, announced by a :class:`~bubblewatch.errors.ComputationWarning`) and
    keep them on the result for later calls.
    """

    #: the null hypothesis of the GSADF test, in words
    NULL_HYPOTHESIS: ClassVar[str] = (
        "a random walk (a unit root) over the whole sample: no explosive episode"
    )
    #: the (right-tailed) alternative, in words
    ALTERNATIVE: ClassVar[str] = (
        "explosive growth (a mildly explosive root) in at least one sub-period: a bubble"
    )

    y: pd.Series
    adf: float
    sadf: float
    gsadf: float
    badf: pd.Series
    bsadf: pd.Series
    min_window: int
    lags: int
    ic: str | None = None
    nan_windows: int = 0
    cv: PSYCriticalValues | None = None

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])

    @validate_params(**CV_CHOICE)
    def critical_values(
        self,
        method: str = "auto",
        *,
        reps: int = 2000,
        seed: int | None = 0,
        rule: str = "psy",
        span: int | None = None,
        variant: str = "hlst",
        threads: int | None = None,
    ) -> PSYCriticalValues:
        """Critical values for this result's sample size, window and lags.

        Parameters
        ----------
        method : {"auto", "mc", "wb", "table"}
            Monte Carlo under the PSY null, wild bootstrap of this series, or the shipped
            table (lag 0, default window). ``"auto"`` uses the table when it applies,
            else Monte Carlo.
        reps : int
            Replications (Monte Carlo or bootstrap).
        seed : int or None
            Seed; results are bit-identical for any thread count.
        rule : {"psy", "pointwise", "familywise"}
            BSADF critical-value rule (default ``"psy"``: the quantile of the running
            maximum of BADF, i.e. the SADF critical value for the sample up to each date,
            as in PSY (2015) and exuber). See :mod:`bubblewatch.detect.psy_critical`.
        span : int, optional
            Family-wise rule: observations over which the error is controlled.
        variant : {"hlst", "ps"}
            Wild bootstrap variant.
        threads : int, optional
            Numba threads to use (default: all).
        """
        from bubblewatch.detect import psy_critical as pc

        return pc.critical_values(
            self,
            method=method,
            reps=reps,
            seed=seed,
            rule=rule,
            span=span,
            variant=variant,
            threads=threads,
        )

    def with_critical_values(self, cv: PSYCriticalValues | None = None, **kwargs: Any) -> PSYResult:
        """A copy of the result with critical values attached (computed if not given)."""
        if cv is None:
            cv = self.critical_values(**kwargs)
        return dataclasses.replace(self, cv=cv)

    @validate_params(
        level=Options(90, 95, 99),
        cv=[None, Anything("critical values (a PSYCriticalValues)")],
        min_duration=[None, Integer(min=0)],
        delta=Real(min=0, min_open=True),
    )
    def episodes(
        self,
        level: int = 95,
        *,
        cv: PSYCriticalValues | None = None,
        min_duration: int | None = None,
        delta: float = 1.0,
    ) -> pd.DataFrame:
        """Explosive episodes: BSADF above its critical value for at least ``min_duration``.

        Parameters
        ----------
        level : {90, 95, 99}
            Confidence level of the critical value.
        cv : PSYCriticalValues, optional
            Defaults to the attached ones, else ``critical_values("auto")``.
        min_duration : int, optional
            Shortest episode in observations; default ``round(delta·log(T))``.
        delta : float
            Frequency-dependent constant of the default minimum duration (default 1).
        """
        if level not in LEVELS:
            raise InputError(f"level must be one of 90, 95, 99; got {level!r}")
        if cv is None:
            cv = self.critical_values_in_use()
        if min_duration is None:
            min_duration = default_min_duration(self.nobs, delta)
        return episodes_from(self.bsadf, cv.bsadf[level], min_duration=int(min_duration))

    def critical_values_in_use(self) -> PSYCriticalValues:
        """The critical values :meth:`verdict` and :meth:`episodes` use: the attached ones,
        else ``critical_values("auto")`` computed once and kept on this result (a Monte
        Carlo run is announced by a ComputationWarning)."""
        if self.cv is not None:
            return self.cv
        cached = self.__dict__.get("_auto_cv")
        if cached is None:
            from bubblewatch.detect.psy_critical import auto_method

            if auto_method(self) == "mc":
                warnings.warn(
                    "no critical values attached: computing Monte Carlo critical values once "
                    "(2000 replications, seed 0) and keeping them on this result; attach your "
                    "own with with_critical_values()",
                    ComputationWarning,
                    stacklevel=3,
                )
            cached = self.critical_values()
            object.__setattr__(self, "_auto_cv", cached)
        return cached

    def default_critical_values(self) -> PSYCriticalValues:
        """Deprecated: the old name of :meth:`critical_values_in_use`."""
        warnings.warn(
            "PSYResult.default_critical_values() is now critical_values_in_use()",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.critical_values_in_use()

    @validate_params(level=Options(90, 95, 99))
    def verdict(self, level: int = 95) -> PSYVerdict:
        """The GSADF test's outcome at ``level``: the statistic, its critical value, whether
        the null (:attr:`NULL_HYPOTHESIS`) is rejected for the alternative
        (:attr:`ALTERNATIVE`), in numbers and in words."""
        cv = self.critical_values_in_use()
        c = float(cv.gsadf[level])
        return PSYVerdict(
            level=level,
            statistic=float(self.gsadf),
            critical_value=c,
            rejects=bool(np.isfinite(self.gsadf) and self.gsadf > c),
            method=str(cv.method),
        )

    def dating_rule(self, level: int = 95, delta: float = 1.0) -> str:
        """The episode dating rule, in words."""
        return (
            f"an episode is a run of dates whose BSADF exceeds its {level}% critical value "
            f"lasting at least round(log T) = {default_min_duration(self.nobs, delta)} "
            "observations; it ends on the first date back at or below (PSY 2015)"
        )

    def latest(self, level: int = 95) -> dict[str, Any]:
        """The last date's BSADF against its critical value (``cv`` must be attached)."""
        if self.cv is None:
            raise InputError("attach critical values first (with_critical_values)")
        b = float(self.bsadf.iloc[-1])
        c = float(self.cv.bsadf[level].iloc[-1])
        return {
            "date": iso_date(self.bsadf.index[-1]),
            "bsadf": b,
            f"cv{level}": c,
            "explosive": bool(np.isfinite(b) and np.isfinite(c) and b > c),
        }

    def summary(self) -> str:
        first, last = label_at(self.y.index, 0), label_at(self.y.index, self.nobs - 1)
        lag_txt = (
            f"lags chosen by {self.ic.upper()} up to {self.lags}"
            if self.ic
            else f"lags {self.lags}"
        )
        lines = [
            f"PSY recursive ADF tests: {self.nobs} observations, {first} .. {last}",
            f"min window {self.min_window}, {lag_txt}",
            f"  ADF   {self.adf:9.4f}",
            f"  SADF  {self.sadf:9.4f}",
            f"  GSADF {self.gsadf:9.4f}",
        ]
        if self.cv is not None:
            g = self.cv.gsadf
            lines.append(f"  critical values: {cv_source(self.cv)}")
            lines.append(
                f"  GSADF critical values: 90% {g[90]:.4f}  95% {g[95]:.4f}  99% {g[99]:.4f}"
            )
            rejects = self.verdict(95).rejects
            lines.append(
                f"  GSADF {'rejects' if rejects else 'does not reject'} the unit-root null at 5%"
            )
            now = self.latest(95)
            lines.append(
                f"  latest BSADF ({now['date']}): {now['bsadf']:.4f} against its 95% critical "
                f"value {now['cv95']:.4f}: {'explosive' if now['explosive'] else 'not explosive'}"
            )
            lines.append(f"  dating rule: {self.dating_rule(95)}")
            eps = self.episodes(95)
            if len(eps):
                label = (
                    "Episodes (95%): start .. end (peak), duration"
                    if rejects
                    else "Episodes (95%), not significant for the whole sample (the GSADF does "
                    "not reject): start .. end (peak), duration"
                )
                lines.append(f"  {label}")
                for r in eps.itertuples():
                    end = "ongoing" if r.ongoing else iso_date(r.end)
                    lines.append(
                        f"    {iso_date(r.start)} .. {end} (peak {iso_date(r.peak)}), {r.duration} obs"
                    )
            else:
                lines.append("  No episode at 95%")
        if self.nan_windows:
            lines.append(f"  {self.nan_windows} degenerate window(s) left out (NaN)")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame(
            {"y": self.y.loc[self.bsadf.index], "badf": self.badf, "bsadf": self.bsadf}
        )
        if self.cv is not None:
            for lv in LEVELS:
                df[f"bsadf_cv{lv}"] = self.cv.bsadf[lv].to_numpy()
        return df

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        from bubblewatch.chart_style import color

        name = str(self.y.name) if self.y.name not in (None, "", "y") else "the series"
        logged = bool(self.metadata.parameters.get("log", False))
        label = f"log {name}" if logged else name
        fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.06)
        fig.add_trace(
            go.Scatter(x=self.y.index, y=self.y.to_numpy(), name=label, line={"color": color(0)}),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=self.bsadf.index,
                y=self.bsadf.to_numpy(),
                name="BSADF statistic",
                line={"color": color(1)},
            ),
            row=2,
            col=1,
        )
        if self.cv is not None:
            fig.add_trace(
                go.Scatter(
                    x=self.bsadf.index,
                    y=self.cv.bsadf[95].to_numpy(),
                    name="95% critical value",
                    line={"dash": "dash", "color": "#555555"},
                ),
                row=2,
                col=1,
            )
            for r in self.episodes(95).itertuples():
                end = self.y.index[-1] if r.ongoing else r.end
                fig.add_vrect(x0=r.start, x1=end, fillcolor="red", opacity=0.15, line_width=0)
        fig.update_layout(title="PSY: BSADF and explosive episodes", height=600)
        fig.update_yaxes(title_text=label, row=1, col=1)
        fig.update_yaxes(title_text="BSADF", row=2, col=1)
        fig.update_xaxes(
            title_text="date" if isinstance(self.y.index, pd.DatetimeIndex) else "observation",
            row=2,
            col=1,
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "adf": self.adf,
            "sadf": self.sadf,
            "gsadf": self.gsadf,
            "bsadf": [{"date": iso_date(i), "value": v} for i, v in self.bsadf.items()],
            "cv": None,
            "episodes": [],
            "params": dict(self.metadata.parameters),
        }
        if self.cv is not None:
            out["cv"] = {
                "gsadf": {str(lv): self.cv.gsadf[lv] for lv in LEVELS},
                "bsadf": [{"date": iso_date(i), "95": v} for i, v in self.cv.bsadf[95].items()],
                "method": self.cv.method,
                "rule": self.cv.rule,
                "reps": self.cv.reps,
                "seed": self.cv.seed,
                "source": cv_source(self.cv),
            }
            out["latest"] = self.latest(95)
            out["dating_rule"] = self.dating_rule(95)
            out["gsadf_rejects"] = self.verdict(95).rejects
            out["episodes"] = [
                {
                    "start": iso_date(r.start),
                    "peak": iso_date(r.peak),
                    "end": None if r.ongoing else iso_date(r.end),
                    "duration": int(r.duration),
                    "ongoing": bool(r.ongoing),
                }
                for r in self.episodes(95).itertuples()
            ]
        return out


#: the BSADF critical-value rules, in words
RULE_TEXT = {
    "psy": "PSY 2015 rule: the 95% quantile of the running maximum of BADF (the SADF critical "
    "value of the sample up to each date)",
    "pointwise": "exuber's pointwise rule: the 95% quantile of the simulated BSADF on each date",
    "familywise": "family-wise rule (Phillips & Shi 2020): the 95% quantile of the largest "
    "simulated BSADF over the span",
}


@validate_params(cv=Anything("a PSYCriticalValues"))
def cv_source(cv: Any) -> str:
    """Where critical values come from and which BSADF rule they use, in words."""
    method = str(cv.method)
    if method.startswith("wb"):
        variant = "HLST 2016" if method.endswith("hlst") else "Phillips & Shi 2020"
        src = f"wild bootstrap ({variant}), {cv.reps} replications, seed {cv.seed}"
    elif method == "mc":
        src = f"Monte Carlo under the PSY null, {cv.reps} replications, seed {cv.seed}"
    else:
        src = f"shipped Monte Carlo {method} (homoskedastic random walks)"
    text = f"{src}; BSADF rule: {RULE_TEXT.get(cv.rule, cv.rule)}"
    if method.startswith("wb") and cv.rule != "pointwise":
        text += " (--rule pointwise gives exuber's pointwise rule for bootstrap values)"
    return text
