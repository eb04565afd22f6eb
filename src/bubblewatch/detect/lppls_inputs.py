"""LPPLS inputs: the checked price window and the calendar-day time axis (ordinal days)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError


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
    for name, value, ts in (("start", start, lo), ("end", end, hi)):
        if ts is not None and ts.tzinfo is not None:
            raise InputError(
                f"{name} {str(value)!r}: a date with a time zone; give the calendar date "
                f"YYYY-MM-DD (e.g. {ts.date().isoformat()})"
            )
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
