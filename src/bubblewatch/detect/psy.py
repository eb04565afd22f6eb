"""PSY recursive right-tailed unit-root tests: ADF, SADF, GSADF, BADF and BSADF.

The recursive tests of Phillips, Wu & Yu (2011) and Phillips, Shi & Yu (2015) look for
explosive behaviour (a bubble) in a price series: the ADF regression

    Δy_t = a + b·y_{t-1} + Σ_{j=1..k} φ_j Δy_{t-j} + e_t

is fitted on many windows, and the right-tailed t-ratio of ``b`` is taken over windows.

Window convention
-----------------
``min_window`` is the smallest window counted in observations of ``y`` (PSY's
``swindow0``); the default is ``floor((0.01 + 1.8/sqrt(T))·T)``. A window of ``w``
observations holds ``w - lags - 1`` regression rows, so R exuber's ``minw`` (which counts
regression rows) is ``min_window - lags - 1``. The first BADF/BSADF value belongs to the
observation at position ``min_window - 1``.

* ``badf[t]``: the ADF statistic of the window ``y[0..t]``;
* ``bsadf[t]``: the maximum ADF statistic over the windows ``y[s..t]`` with
  ``t - s + 1 >= min_window``;
* ``adf = badf[T-1]``, ``sadf = max badf``, ``gsadf = max bsadf``.

References
----------
.. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles: historical
   episodes of exuberance and collapse in the S&P 500. International Economic Review
   56(4), 1043-1078.
.. [2] Phillips, P.C.B., Wu, Y. & Yu, J. (2011). Explosive behavior in the 1990s NASDAQ:
   when did exuberance escalate asset values? International Economic Review 52(1), 201-226.
.. [3] Vasilopoulos, K., Pavlidis, E. & Martínez-García, E. (2022). exuber: Recursive
   right-tailed unit root testing with R. Journal of Statistical Software 103(10).
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.detect import _psy_kernels as _k
from bubblewatch.detect.psy_setup import (
    IC_CODES,
    LEVELS,
    check_window,
    default_min_duration,
    default_min_window,
)
from bubblewatch.errors import InputError, NumericalWarning
from bubblewatch.results import Result, make_metadata
from bubblewatch.series import iso_date, label_at, price_series
from bubblewatch.validation import (
    Anything,
    ArrayLike,
    Bool,
    Integer,
    Options,
    Real,
    SeriesLike,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.detect.psy_critical import PSYCriticalValues

__all__ = [
    "RULE_TEXT",
    "PSYResult",
    "cv_source",
    "default_min_duration",
    "default_min_window",
    "episodes_from",
    "prepare_series",
    "psy",
]


@validate_params(
    y=ArrayLike(what="a series (array-like or pandas Series)"),
    log=Bool(),
    name=Text(),
)
def prepare_series(y: Any, *, log: bool = False, name: str = "y") -> pd.Series:
    """Turn ``y`` into a float Series and check it by the price-series policy
    (:mod:`bubblewatch.series`): a date index is sorted, repeated dates, NaN and infinite
    values are errors naming the first date; non-positive values too when ``log`` is true.
    A plain array gets positions; a non-date index keeps its order.
    """
    s = price_series(
        y,
        what=name,
        positive=log,
        dates=False,
        nonpositive="{what} has a non-positive value ({value}) at {date}, so its log is "
        "undefined; use positive prices or turn the log off (log=False)",
        positive_parameter="log",
    )
    if log:
        s = pd.Series(np.log(s.to_numpy()), index=s.index, name=s.name)
    return s


#: below this many windows one thread is faster than waking the others
_SERIAL_WINDOWS = 300_000


def _run(y: np.ndarray, min_window: int, K: int, ic: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Run the batch kernel; returns (badf, bsadf) over positions min_window-1..T-1."""
    T = y.shape[0]
    badf = np.full(T, np.nan)
    bsadf = np.full(T, np.nan)
    nan_count = np.zeros(T, dtype=np.int64)
    n = T - min_window + 1
    kernel = _k.psy_serial if n * (n + 1) // 2 < _SERIAL_WINDOWS else _k.psy_batch
    kernel(np.ascontiguousarray(y, dtype=np.float64), min_window, K, ic, badf, bsadf, nan_count)
    first = min_window - 1
    return badf[first:], bsadf[first:], int(nan_count.sum())


def _max(a: np.ndarray) -> float:
    """Largest non-NaN value (NaN if none)."""
    v = float(a.max())
    if math.isnan(v):
        v = float(np.nanmax(a)) if not np.isnan(a).all() else math.nan
    return v


def _warn_nan(n_nan: int) -> None:
    if n_nan:
        warnings.warn(
            f"{n_nan} window(s) have zero variance (or a perfect fit); their ADF statistics "
            "are NaN and left out of the maxima",
            NumericalWarning,
            stacklevel=3,
        )


@validate_params(
    y=ArrayLike(what="a series (array-like or pandas Series)"),
    min_window=[None, Integer(min=1)],
    lags=Integer(min=0),
    ic=[None, Options("aic", "bic", case=False)],
    max_lags=[None, Integer(min=0)],
    log=Bool(),
)
def psy(
    y: Any,
    *,
    min_window: int | None = None,
    lags: int = 0,
    ic: str | None = None,
    max_lags: int | None = None,
    log: bool = False,
) -> PSYResult:
    """Recursive ADF tests of Phillips, Shi & Yu (2015): ADF, SADF, GSADF, BADF, BSADF.

    Parameters
    ----------
    y : array-like or pandas.Series
        The series (e.g. log prices, or a price-dividend ratio). A Series keeps its index.
    min_window : int, optional
        Smallest window in observations of ``y`` (PSY's ``swindow0``); default
        ``floor((0.01 + 1.8/sqrt(T))·T)``. exuber's ``minw`` is ``min_window - lags - 1``.
    lags : int
        Fixed number of lagged differences in the ADF regression (ignored with ``ic``).
    ic : {None, "aic", "bic"}
        Choose the lag of every window by AIC or BIC up to ``max_lags`` (statsmodels'
        ``adfuller`` convention: common sample, ties to the smaller lag, re-estimated on
        the chosen lag's full sample).
    max_lags : int, optional
        Largest lag tried with ``ic``.
    log : bool
        Take the natural log of ``y`` first (prices must be positive).

    Returns
    -------
    PSYResult

    Notes
    -----
    Every window is computed exactly (no approximation) in O(T²·k²) time and O(T) memory:
    for each end the window grows backwards and the regression's co-moments are updated
    by Welford's recursion about the local level, so the accuracy does not depend on the
    level of ``y``. A window whose regressors or residuals have zero variance gives NaN
    (with a :class:`~bubblewatch.errors.NumericalWarning`) and is left out of the maxima.

    References
    ----------
    .. [1] Phillips, P.C.B., Shi, S. & Yu, J. (2015). Testing for multiple bubbles.
       International Economic Review 56(4), 1043-1078.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> r = psy(np.cumsum(rng.normal(size=200)), min_window=30)
    >>> round(r.gsadf, 4) >= round(r.sadf, 4)
    True
    """
    s = prepare_series(y, log=log, name=str(getattr(y, "name", None) or "y"))
    T = s.shape[0]
    ic_key = None if ic is None else str(ic).lower()
    if ic_key not in IC_CODES:
        raise InputError(f"ic must be 'aic', 'bic' or None; got {ic!r}")
    if int(lags) != lags or lags < 0:
        raise InputError(f"lags must be a non-negative integer; got {lags!r}")
    if ic_key is None:
        K = int(lags)
        if max_lags is not None:
            raise InputError(
                "max_lags is only used with ic='aic' or 'bic'; pass lags= for a fixed lag"
            )
    else:
        if max_lags is None:
            raise InputError(f"ic={ic_key!r} needs max_lags (the largest lag to try)")
        if int(max_lags) != max_lags or max_lags < 0:
            raise InputError(f"max_lags must be a non-negative integer; got {max_lags!r}")
        K = int(max_lags)
    m = check_window(T, min_window, K, f"lags={K}" if ic_key is None else f"max_lags={K}")
    badf, bsadf, n_nan = _run(s.to_numpy(), m, K, IC_CODES[ic_key])
    _warn_nan(n_nan)
    idx = s.index[m - 1 :]
    badf_s = pd.Series(badf, index=idx, name="badf")
    bsadf_s = pd.Series(bsadf, index=idx, name="bsadf")
    params = {
        "min_window": m,
        "lags": K if ic_key is None else None,
        "ic": ic_key,
        "max_lags": K if ic_key is not None else None,
        "log": bool(log),
        "nobs": T,
    }
    return PSYResult(
        metadata=make_metadata(params, data=s),
        y=s,
        adf=float(badf[-1]),
        sadf=_max(badf),
        gsadf=_max(bsadf),
        badf=badf_s,
        bsadf=bsadf_s,
        min_window=m,
        lags=K,
        ic=ic_key,
        nan_windows=n_nan,
    )


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
    """

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

    @validate_params(
        method=Options("auto", "mc", "wb", "table"),
        reps=Integer(min=10),
        seed=[None, Integer(min=0)],
        rule=Options("psy", "pointwise", "familywise"),
        span=[None, Integer(min=1)],
        variant=Options("hlst", "ps"),
        threads=[None, Integer(min=1)],
    )
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

        return pc.critical_values_for(
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
            cv = self.cv if self.cv is not None else self.critical_values()
        if min_duration is None:
            min_duration = default_min_duration(self.nobs, delta)
        return episodes_from(self.bsadf, cv.bsadf[level], min_duration=int(min_duration))

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
            rejects = self.gsadf > g[95]
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
            out["gsadf_rejects"] = bool(self.gsadf > self.cv.gsadf[95])
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
