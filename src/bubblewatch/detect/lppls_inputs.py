"""LPPLS inputs: the checked price window and the calendar-day time axis (ordinal days)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.series import iso_date, price_series
from bubblewatch.series import window_dates as _window_dates
from bubblewatch.validation import Date, Integer, SeriesLike, validate_params


def _prepare(series: pd.Series, start: Any, end: Any, what: str) -> pd.Series:
    """The price series cut to [start, end] and checked by the price-series policy
    (:func:`bubblewatch.series.price_series`) inside that window."""
    return price_series(
        series,
        what=what,
        positive=True,
        dates=True,
        start=start,
        end=end,
        parameter="series",
        nonpositive="{what}: prices must be > 0 for a log-price fit; window {first}..{last} "
        "has {value!r} on {date}",
    )


#: the window ``fit_window`` gives when no start is named: the last 504 observations
#: (about two years of trading days) ending at ``end``
DEFAULT_FIT_WINDOW = 504


@validate_params(
    series=SeriesLike(what="prices (a pandas Series by date)"),
    start=[None, Date()],
    end=[None, Date()],
    n=Integer(min=2),
)
def fit_window(
    series: pd.Series, start: Any = None, end: Any = None, *, n: int = DEFAULT_FIT_WINDOW
) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """The fit window ``[start, end]`` of a price series, and how it was chosen, in words.

    ``end`` defaults to the last date; an ``end`` after the last date is an error naming it
    (a fit cannot end on data it does not have). Without ``start`` the window is the last
    ``n`` observations ending at ``end`` (all of them when the series is shorter).

    Examples
    --------
    >>> s = pd.Series(1.0, index=pd.bdate_range("2024-01-01", periods=600))
    >>> a, b, how = fit_window(s)
    >>> (a.date().isoformat(), b.date().isoformat(), how)
    ('2024-05-14', '2026-04-17', 'the last 504 observations ending 2026-04-17 (default window)')
    >>> fit_window(s, end="2027-01-01")
    Traceback (most recent call last):
    ...
    bubblewatch.errors.InputError: end 2027-01-01 is after the last date of the data (2026-04-17); give an end on or before it
    """
    if int(n) != n or n < 2:
        raise InputError(f"n must be an integer >= 2; got {n!r}", parameter="n")
    idx = pd.DatetimeIndex(pd.to_datetime(series.index)).sort_values()
    if len(idx) == 0:
        raise InputError("the series is empty: no window to fit", parameter="series")
    if idx.tz is not None:
        idx = idx.tz_localize(None)
    lo, given_hi = _window_dates(start, end, "fit_window")
    hi = idx[-1] if given_hi is None else given_hi
    if hi > idx[-1]:
        raise InputError(
            f"end {_fmt(hi)} is after the last date of the data ({_fmt(idx[-1])}); give an end "
            "on or before it",
            parameter="end",
        )
    if lo is not None:
        if lo > hi:
            raise InputError(f"start {_fmt(lo)} is after end {_fmt(hi)}", parameter="start")
        return lo, hi, f"{_fmt(lo)} .. {_fmt(hi)} (as given)"
    upto = idx[idx <= hi]
    if len(upto) == 0:
        raise InputError(
            f"end {_fmt(hi)} is before the first date of the data ({_fmt(idx[0])})",
            parameter="end",
        )
    first = upto[max(0, len(upto) - int(n))]
    how = (
        f"the last {int(n)} observations ending {_fmt(upto[-1])} (default window)"
        if len(upto) >= n
        else f"all {len(upto)} observations up to {_fmt(upto[-1])} (fewer than the default {int(n)})"
    )
    return first, hi, how


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
