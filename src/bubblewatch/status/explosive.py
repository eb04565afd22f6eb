"""The explosiveness signal of the status: PSY's real-time BSADF against a robust critical value.

On the as-of date the status tests the PSY sample (:meth:`StatusParams.sample_description`):
the BSADF of that date (the value :class:`~bubblewatch.detect.psy_monitor.PSYMonitor`
returns when the date arrives) against its 95% critical value from the wild bootstrap of the
sample (:mod:`bubblewatch.detect.psy_bootstrap`, exuber's pointwise rule), the start and
length of the current run of exceedances (walking back date by date, each with its own
critical value), and the GSADF of the sample with its bootstrap critical value.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, InputError
from bubblewatch.results import jsonable
from bubblewatch.status.params import StatusParams
from bubblewatch.validation import Date, Instance, SeriesLike, validate_params

__all__ = ["PSYSignal", "psy_sample", "psy_signal"]

_NAN = math.nan
#: dates whose critical values are computed per step while walking back an episode
_WALK = 21
#: dates per step while looking back from a peak for an exceedance
_NEAR = 8


@dataclasses.dataclass(frozen=True)
class PSYSignal:
    """PSY on the status sample (see :func:`psy_signal`); ``available`` False with a ``note``
    saying why (e.g. "insufficient data: 320 sessions, needs 500")."""

    available: bool
    note: str = ""
    bsadf: float = _NAN
    cv90: float = _NAN
    cv95: float = _NAN
    explosive: bool | None = None
    episode_start: pd.Timestamp | None = None
    episode_length: int = 0
    gsadf: float = _NAN
    gsadf_cv95: float = _NAN
    nobs: int = 0
    sample_start: pd.Timestamp | None = None
    sample_end: pd.Timestamp | None = None
    min_window: int = 0
    method: str = ""
    near_peak_checked: bool = False
    explosive_near_peak: bool | None = None
    near_peak_date: pd.Timestamp | None = None

    @property
    def above_cv90(self) -> bool | None:
        if not self.available:
            return None
        return bool(self.bsadf > self.cv90)

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "bsadf": self.bsadf,
                "cv95": self.cv95,
                "explosive": self.explosive,
                "episode_start": self.episode_start,
                "episode_length": self.episode_length,
                "cv90": self.cv90,
                "gsadf": self.gsadf,
                "gsadf_cv95": self.gsadf_cv95,
                "nobs": self.nobs,
                "sample_start": self.sample_start,
                "sample_end": self.sample_end,
                "min_window": self.min_window,
                "method": self.method,
                "explosive_near_peak": self.explosive_near_peak,
                "near_peak_date": self.near_peak_date,
                "available": self.available,
                "note": self.note,
            }
        )


@validate_params(close=SeriesLike(), params=Instance(StatusParams))
def psy_sample(close: pd.Series, params: StatusParams) -> pd.Series:
    """The PSY sample of a close series already cut at the as-of date: the last
    ``sample_years`` calendar years (at least ``psy_min_sessions`` sessions when the history
    has them)."""
    s = close.dropna()
    if s.empty:
        return s
    start = s.index[-1] - pd.DateOffset(years=params.sample_years)
    sample = s[s.index >= start]
    if len(sample) < params.psy_min_sessions:
        sample = s.iloc[-params.psy_min_sessions :]
    return sample


def _exceeds(bsadf: np.ndarray, cv: np.ndarray) -> np.ndarray:
    ok = np.isfinite(bsadf) & np.isfinite(cv)
    out = np.zeros(bsadf.shape, dtype=bool)
    out[ok] = bsadf[ok] > cv[ok]
    return out


class _CriticalValues:
    """Critical values (90/95/99) of the sample's BSADF at any position, computed on demand."""

    def __init__(self, y: np.ndarray, res: Any, params: StatusParams) -> None:
        from bubblewatch.detect.psy_critical import table_critical_values, wb_critical_values

        self.first = res.min_window - 1
        self.y = y
        self.m = res.min_window
        self.params = params
        self.full: np.ndarray | None = None
        self.gsadf95 = _NAN
        self.paths: np.ndarray | None = None
        self._cache: dict[int, np.ndarray] = {}
        p = params
        if p.cv_method == "table":
            tab = table_critical_values(len(y), rule="psy" if p.cv_rule == "psy" else "pointwise")
            self.full = tab.bsadf[[90, 95, 99]].to_numpy()
            self.gsadf95 = float(tab.gsadf[95])
        elif p.gsadf_cv or p.cv_rule == "psy":
            wb = wb_critical_values(
                y,
                min_window=self.m,
                lags=p.psy_lags,
                reps=p.cv_reps,
                seed=p.cv_seed,
                rule=p.cv_rule,
            )
            self.full = wb.bsadf[[90, 95, 99]].to_numpy()
            self.gsadf95 = float(wb.gsadf[95])

    def at(self, positions: list[int]) -> np.ndarray:
        """len(positions) × 3 critical values (positions in the sample, >= min_window - 1)."""
        from bubblewatch.detect.psy_bootstrap import (
            bootstrap_bsadf,
            hlst_replications,
            pointwise_critical_values,
        )

        if self.full is not None:
            return self.full[np.asarray(positions) - self.first]
        todo = [q for q in positions if q not in self._cache]
        if todo:
            p = self.params
            if self.paths is None:
                self.paths = hlst_replications(self.y, p.cv_reps, p.cv_seed)
            draws = bootstrap_bsadf(
                self.y, todo, min_window=self.m, lags=p.psy_lags, paths=self.paths
            )
            for q, row in zip(todo, pointwise_critical_values(draws)):
                self._cache[q] = row
        return np.array([self._cache[q] for q in positions])


@validate_params(close=SeriesLike(), params=Instance(StatusParams), peak=[None, Date()])
def psy_signal(
    close: pd.Series, params: StatusParams, *, peak: pd.Timestamp | None = None
) -> PSYSignal:
    """The explosiveness signal on the last date of ``close`` (already cut at the as-of date).

    Parameters
    ----------
    close : pandas.Series
        Adjusted closes up to the as-of date (the sample is taken by :func:`psy_sample`).
    params : StatusParams
        Sample, critical-value method and thresholds.
    peak : Timestamp, optional
        When given (the peak of a drawdown the bursting rule examines), also check whether
        BSADF exceeded its 95% critical value on a session of the ``burst_lookback``
        sessions up to that peak.
    """
    from bubblewatch.detect.psy import psy

    sample = psy_sample(close, params)
    n = len(sample)
    method = params.cv_description()
    if n < params.psy_min_sessions:
        return PSYSignal(
            False,
            f"insufficient data: {n} sessions, needs {params.psy_min_sessions}",
            nobs=n,
            method=method,
        )
    try:
        res = psy(sample, log=True, lags=params.psy_lags)
    except BubblewatchError as exc:
        return PSYSignal(False, f"PSY cannot run on this sample: {exc}", nobs=n, method=method)
    y = res.y.to_numpy()
    bs = res.bsadf.to_numpy()
    cvs = _CriticalValues(y, res, params)
    last = n - 1
    c = cvs.at([last])[0]
    explosive = bool(bs[-1] > c[1]) if np.isfinite(bs[-1]) else False
    start, length = None, 0
    if explosive:
        q = last
        length = 0
        first = res.min_window - 1
        while q >= first:
            chunk = list(range(q, max(first, q - _WALK + 1) - 1, -1))
            ex = _exceeds(bs[np.asarray(chunk) - first], cvs.at(chunk)[:, 1])
            if ex.all():
                length += len(chunk)
                q = chunk[-1] - 1
                continue
            length += int(np.argmin(ex))
            break
        start = pd.Timestamp(sample.index[last - length + 1])
    near: bool | None = None
    near_date = None
    if peak is not None:
        if peak not in sample.index:
            raise InputError(f"peak {peak} is not a date of the PSY sample")
        pk = int(sample.index.get_loc(peak))
        first = res.min_window - 1
        lo = max(first, pk - params.burst_lookback)
        near = False
        q = pk
        while q >= lo and not near:  # from the peak back: the latest exceedance first
            chunk = list(range(q, max(lo, q - _NEAR + 1) - 1, -1))
            ex = _exceeds(bs[np.asarray(chunk) - first], cvs.at(chunk)[:, 1])
            if ex.any():
                near = True
                near_date = pd.Timestamp(sample.index[chunk[int(np.argmax(ex))]])
            q = chunk[-1] - 1
    return PSYSignal(
        True,
        "",
        bsadf=float(bs[-1]),
        cv90=float(c[0]),
        cv95=float(c[1]),
        explosive=explosive,
        episode_start=start,
        episode_length=length,
        gsadf=float(res.gsadf),
        gsadf_cv95=cvs.gsadf95,
        nobs=n,
        sample_start=pd.Timestamp(sample.index[0]),
        sample_end=pd.Timestamp(sample.index[-1]),
        min_window=res.min_window,
        method=method,
        near_peak_checked=peak is not None,
        explosive_near_peak=near,
        near_peak_date=near_date,
    )
