"""LPPLS inputs: the checked price window and the calendar-day time axis (ordinal days)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.series import iso_date, price_series


def _prepare(series: pd.Series, start: Any, end: Any, what: str) -> pd.Series:
    """The price series cut to [start, end] and checked by the price-series policy
    (:func:`bubblewatch.series.price_series`) inside that window."""
    return price_series(series, what=what, positive=True, dates=True, start=start, end=end)


def _fmt(ts: Any) -> str:
    return str(iso_date(pd.Timestamp(ts).normalize()))


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
