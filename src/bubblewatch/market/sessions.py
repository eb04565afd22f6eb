"""Price frames and sessions: the checked daily-bar frame every event analytic starts from.

A price frame is indexed by session dates with columns ``open, high, low, close, adj_close,
volume`` (as returned by ``Store.prices``); only ``close`` is required.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.series import price_frame, price_series
from bubblewatch.validation import (
    ArrayLike,
    Date,
    Frame,
    MappingOf,
    Options,
    Real,
    SeriesLike,
    Text,
    validate_params,
)

__all__ = ["session_of"]

# the declarations the market analytics share (bubblewatch.validation)
PRICES = Frame("a price frame (a DataFrame with a close column, like Store.prices)")
SHARES = SeriesLike(what="shares outstanding (a pandas Series by date)")
USDCNY = [None, SeriesLike(what="CNY per USD (a pandas Series by date)")]
SPLITS = [
    None,
    SeriesLike(what="split ratios by date (a pandas Series)"),
    MappingOf("a mapping date -> split ratio"),
]
PRICE_BASIS = Options("split_adjusted", "as_traded")
PANIC_DROP = Real(min=0, max=1, min_open=True)


# --------------------------------------------------------------------------- validation
def _check_prices(prices: pd.DataFrame, *, need: tuple[str, ...] = ("close",)) -> pd.DataFrame:
    """The price frame by the price-series policy (:func:`bubblewatch.series.price_frame`):
    dates sorted, a repeated date, a missing or non-positive close are errors."""
    px = price_frame(prices, what="prices", need=need)
    if len(px) < 2:
        raise InsufficientDataError(f"need at least two sessions with a close; got {len(px)}")
    return px


def closes_of(x: pd.Series | pd.DataFrame, name: str) -> pd.Series:
    """The closes of ``x`` (a Series, or a price frame's ``close`` column) by the price-series
    policy, dated at midnight (the session's date)."""
    if isinstance(x, pd.DataFrame):
        if "close" not in x.columns:
            raise InputError(f"{name}: a price frame needs a 'close' column")
        x = x["close"]
    s = price_series(x, what=name, positive=True, dates=True)
    s.index = s.index.normalize()
    return s


@validate_params(
    index=ArrayLike(what="the sessions (a pandas DatetimeIndex)"),
    date=Date(),
    symbol=[None, Text()],
)
def session_of(index: pd.DatetimeIndex, date: Any, *, symbol: str | None = None) -> pd.Timestamp:
    """Return ``date`` as a session of ``index``, or raise naming the sessions around it.

    Examples
    --------
    >>> idx = pd.to_datetime(["2025-10-10", "2025-10-13", "2025-10-14"])
    >>> session_of(pd.DatetimeIndex(idx), "2025-10-13").date()
    datetime.date(2025, 10, 13)
    >>> session_of(pd.DatetimeIndex(idx), "2025-10-11")
    Traceback (most recent call last):
    ...
    bubblewatch.errors.NotFoundError: 2025-10-11 is not a session of the data: the sessions before and after it are 2025-10-10 and 2025-10-13
    """
    try:
        ts = pd.Timestamp(date)
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the date {date!r}; use YYYY-MM-DD") from exc
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    ts = ts.normalize()
    if ts in index:
        return ts
    who = f" of {symbol}" if symbol else " of the data"
    pos = int(index.searchsorted(ts))
    before = index[pos - 1].date().isoformat() if pos > 0 else None
    after = index[pos].date().isoformat() if pos < len(index) else None
    day = ts.date().isoformat()
    if before is None:
        raise NotFoundError(
            f"{day} is before the first session{who} ({after}); the data start on {after}"
        )
    if after is None:
        raise NotFoundError(
            f"{day} is after the last session{who} ({before}); the data end on {before}"
        )
    raise NotFoundError(
        f"{day} is not a session{who}: the sessions before and after it are {before} and {after}"
    )
