"""What every analysis does to the price series it receives: one policy, one coercer.

The policy (the same for :func:`~bubblewatch.detect.psy.psy`,
:func:`~bubblewatch.detect.lppls.fit_lppls`,
:func:`~bubblewatch.detect.lppls_confidence.lppls_confidence`, the market events and the
cross-market reactions):

==================  =====================================================================
shape               a Series, or a one-column DataFrame; where positions are allowed
                    (``dates=False``: PSY on a plain array) also a list or 1-D array
index               dates: strings and datetimes are read as a ``DatetimeIndex`` (an
                    unreadable label is an error); a time zone is dropped, keeping the
                    wall-clock time. With ``dates=False`` a non-date index (positions,
                    labels) is kept as given
order               sorted by date, oldest first (a reverse-sorted series is not analysed
                    backwards); a non-date index keeps its order
duplicates          an error naming the first repeated date: which of two prices is right
                    cannot be guessed
missing values      NaN, infinite or non-numeric values are an error naming the first date:
                    nothing is dropped or filled silently ("drop or fill the gap first")
non-positive        an error naming the date where the analysis takes logs or returns
                    (``positive=True``)
gaps                kept: a missing session (weekend, holiday, halt) is not invented
window              ``start``/``end`` cut the series first; values are checked inside the
                    window the analysis uses
==================  =====================================================================

Reference series that are looked up rather than analysed (an FX rate on a day, shares
outstanding in force) skip their blanks instead; their readers say so.

This module also holds the one date formatter of the results (:func:`iso_date`) and the
name of the FX series that turns USD into CNY (:data:`USDCNY_SERIES`, defined in
:mod:`bubblewatch.series_names`).

Examples
--------
>>> s = pd.Series([3.0, 1.0, 2.0], index=["2024-01-03", "2024-01-01", "2024-01-02"])
>>> price_series(s).tolist()
[1.0, 2.0, 3.0]
>>> price_series(pd.Series([1.0, 0.0], index=["2024-01-01", "2024-01-02"]), what="close")
Traceback (most recent call last):
...
bubblewatch.errors.InputError: close: prices must be > 0; the series has 0.0 on 2024-01-02 (observation 2 of 2)
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.series_names import USDCNY_SERIES

__all__ = [
    "NONPOSITIVE",
    "USDCNY_SERIES",
    "iso_date",
    "label_at",
    "price_frame",
    "price_series",
    "window_dates",
]

#: the message on a non-positive price (see :func:`price_series`)
NONPOSITIVE = (
    "{what}: prices must be > 0; the series has {value!r} on {date} "
    "(observation {observation} of {n})"
)


def iso_date(value: Any) -> Any:
    """A date as ``YYYY-MM-DD`` (a time of day other than midnight is kept, ISO 8601).

    Values that are not dates (positions, labels) pass through unchanged; numpy integers
    become ``int``. This is the one formatter of dates in results, tables and JSON.

    Examples
    --------
    >>> iso_date(pd.Timestamp("2025-10-29")), iso_date(pd.Timestamp("2025-10-29 15:30"))
    ('2025-10-29', '2025-10-29T15:30:00')
    >>> iso_date(np.int64(3)), iso_date(None)
    (3, None)
    """
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, np.datetime64):
        return iso_date(pd.Timestamp(value))
    if isinstance(value, np.integer):
        return int(value)
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def label_at(index: pd.Index, i: int) -> str:
    """The label of position ``i`` in messages: its ISO date, its label, or ``position i``."""
    v = index[i]
    if isinstance(v, pd.Timestamp):
        return str(iso_date(v))
    return f"position {i}" if isinstance(index, pd.RangeIndex) else str(v)


def _as_dates(index: pd.Index, what: str) -> pd.DatetimeIndex:
    if isinstance(index, pd.DatetimeIndex):
        idx = index
    else:
        try:
            with warnings.catch_warnings():  # "could not infer format": the error says it all
                warnings.simplefilter("ignore", UserWarning)
                idx = pd.DatetimeIndex(pd.to_datetime(index))
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"{what} must be indexed by dates; cannot read the index as dates ({exc})"
            ) from exc
    return idx.tz_localize(None) if idx.tz is not None else idx


def _order(s: pd.Series | pd.DataFrame, what: str) -> Any:
    """Sort by date and refuse repeated dates (a DatetimeIndex only)."""
    if not s.index.is_monotonic_increasing:
        s = s.sort_index(kind="stable")
    if s.index.has_duplicates:
        first = s.index[s.index.duplicated()][0]
        raise InputError(
            f"{what} has the date {iso_date(first)} more than once; keep one price per date"
        )
    return s


def window_dates(
    start: Any, end: Any, what: str
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """``start`` and ``end`` as calendar dates (None stays None): the one parser of window bounds.

    An unreadable date or a date with a time zone is an :class:`InputError` naming it.

    Examples
    --------
    >>> window_dates("2025-01-02", None, "fit")
    (Timestamp('2025-01-02 00:00:00'), None)
    """
    try:
        lo = None if start is None else pd.Timestamp(start)
        hi = None if end is None else pd.Timestamp(end)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{what}: cannot read the dates {start!r}..{end!r}; use YYYY-MM-DD", parameter="start"
        ) from exc
    for name, value, ts in (("start", start, lo), ("end", end, hi)):
        if ts is not None and ts.tzinfo is not None:
            raise InputError(
                f"{name} {str(value)!r}: a date with a time zone; give the calendar date "
                f"YYYY-MM-DD (e.g. {ts.date().isoformat()})",
                parameter=name,
            )
    return lo, hi


def price_series(
    x: Any,
    *,
    what: str = "prices",
    positive: bool = True,
    dates: bool = True,
    start: Any = None,
    end: Any = None,
    nonpositive: str | None = None,
    parameter: str | None = None,
    positive_parameter: str | None = None,
) -> pd.Series:
    """A float Series coerced and checked by the module's policy.

    Parameters
    ----------
    x : Series, one-column DataFrame, or (``dates=False``) array-like
        The series.
    what : str
        The series' name in messages (``"psy"``, ``"fit_lppls: prices"``...).
    positive : bool
        Refuse values <= 0 (prices whose logs or returns are taken).
    dates : bool
        Require a date index. With False, a plain array gets positions and a non-date
        index is kept in its order; a date index still follows the policy.
    start, end : date-like, optional
        Cut the series to ``[start, end]`` before the values are checked.
    nonpositive : str, optional
        The message on a non-positive value, a ``str.format`` template with the fields
        ``what, value, date, first, last, observation, n`` (default :data:`NONPOSITIVE`):
        the rule is the policy's, the words may be the analysis's.
    parameter : str, optional
        The caller's argument holding the series: the errors carry it
        (:attr:`InputError.parameter <bubblewatch.errors.InputError>`) so that the CLI can
        name its flag.
    positive_parameter : str, optional
        The argument that asks for positive values (``"log"`` for PSY); default
        ``parameter``.

    Raises
    ------
    InputError
        Naming the first offending date (or position) for every rule of the policy.
    """
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise InputError(
                f"{what} must be one series; got a DataFrame with {x.shape[1]} columns",
                parameter=parameter,
            )
        x = x.iloc[:, 0]
    if isinstance(x, pd.Series):
        s = x
    elif dates:
        raise InputError(
            f"{what} must be a pandas Series of prices indexed by date; got {type(x).__name__}",
            parameter=parameter,
        )
    else:
        arr = np.asarray(x, dtype=float)
        if arr.ndim != 1:
            raise InputError(
                f"{what} must be one-dimensional; got shape {arr.shape}", parameter=parameter
            )
        s = pd.Series(arr)
    if dates or isinstance(s.index, pd.DatetimeIndex):
        s = s.set_axis(_as_dates(s.index, what))
        s = _order(s, what)
    if start is not None or end is not None:
        lo, hi = window_dates(start, end, what)
        if lo is not None:
            s = s[s.index >= lo]
        if hi is not None:
            s = s[s.index <= hi]
    vals = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(vals)
    if bad.any():
        i = int(bad.argmax())
        raise InputError(
            f"{what} has a missing or infinite value ({s.iloc[i]}) at {label_at(s.index, i)} "
            f"({int(bad.sum())} such value(s)); the analysis needs a complete series: drop or "
            "fill the gap first",
            parameter=parameter,
        )
    if positive:
        nonpos = vals <= 0
        if nonpos.any():
            i = int(nonpos.argmax())
            where = label_at(s.index, i)
            raise InputError(
                (nonpositive or NONPOSITIVE).format(
                    what=what,
                    value=float(vals[i]),
                    date=where,
                    first=label_at(s.index, 0),
                    last=label_at(s.index, len(vals) - 1),
                    observation=i + 1,
                    n=len(vals),
                ),
                parameter=positive_parameter or parameter,
            )
    return pd.Series(vals, index=s.index, name=s.name)


def price_frame(
    frame: Any,
    *,
    what: str = "prices",
    need: tuple[str, ...] = ("close",),
    parameter: str | None = "prices",
) -> pd.DataFrame:
    """A daily-bar frame (``Store.prices``) checked by the policy on its index and ``close``.

    The other columns (open, high, low, volume) are kept as given; a missing volume is
    allowed (the metrics that need it say so).
    """
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"{what} must be a DataFrame with columns open, high, low, close, volume; "
            f"got {type(frame).__name__}",
            parameter=parameter,
        )
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError(
            f"{what} lack the column(s) {', '.join(missing)}; expected a frame like "
            "Store.prices(symbol)",
            parameter=parameter,
        )
    px = frame.set_axis(_as_dates(frame.index, what))
    px = _order(px, what)
    px = px.copy()
    px["close"] = price_series(
        px["close"], what=f"{what} close", positive=True, parameter=parameter
    )
    return px
