"""Write validated frames into the store's tables (used by the bundled datasets and providers).

Two write modes: ``replace=True`` drops every stored row of the series first (the bundled
datasets: loading twice leaves the same rows); ``replace=False`` overwrites only the dates
present in the frame and keeps the rest (the providers' cache grows range by range).
Callers wrap the writes of one call in :func:`bubblewatch.data.writer.write_transaction`;
the rows go in through :func:`bubblewatch.data.writer.put_rows`, the store's one writer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.plausible import LIMITS, first_outside
from bubblewatch.data.writer import TABLE_COLUMNS, put_rows
from bubblewatch.errors import InputError, quote_value
from bubblewatch.series import iso_date

__all__ = ["PRICE_COLUMNS", "check_price_frame", "write_macro", "write_prices"]

#: the columns of a price frame: the prices table's, without ``symbol`` and ``warning``
PRICE_COLUMNS = tuple(c for c in TABLE_COLUMNS["prices"] if c not in ("symbol", "warning"))


def check_price_frame(frame: pd.DataFrame, what: str, *, allow_non_positive: bool = False) -> None:
    """Validate a price frame: schema columns, unique sorted dates, finite positive closes.

    Raises
    ------
    InputError
        Naming ``what`` (the series and its origin), the first offending date and value.
    """
    missing = [c for c in PRICE_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{what}: missing columns {', '.join(missing)}")
    if frame.empty:
        raise InputError(f"{what}: no rows")
    dates = pd.DatetimeIndex(frame["date"])
    if dates.hasnans:
        raise InputError(f"{what}: a date is missing")
    dup = dates.duplicated()
    if dup.any():
        raise InputError(f"{what}: duplicate date {dates[dup][0].date().isoformat()}")
    if not dates.is_monotonic_increasing:
        raise InputError(f"{what}: dates are not in increasing order")
    close = frame["close"].to_numpy(float)
    bad = ~np.isfinite(close)
    if not allow_non_positive:
        bad |= close <= 0
    if np.any(bad):
        i = int(np.argmax(bad))
        raise InputError(
            f"{what}: bad close {quote_value(close[i])} on {iso_date(dates[i])} "
            "(expected a finite positive price)"
        )
    limit = LIMITS["future_price" if allow_non_positive else "price"]
    i_out = first_outside(close, limit)
    if i_out is not None:
        raise InputError(
            f"{what}: implausible close {quote_value(close[i_out])} on "
            f"{iso_date(dates[i_out])} (expected {limit.expected()})"
        )


def _catalogue_row(
    symbol: str, kind: str, tbl: str, currency: str | None, source: str, notes: str | None
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": [symbol],
            "kind": [kind],
            "tbl": [tbl],
            "currency": [currency],
            "source": [source],
            "notes": [notes],
        }
    )


def write_prices(
    con: Any,
    symbol: str,
    frame: pd.DataFrame,
    *,
    kind: str,
    source: str,
    currency: str | None = "USD",
    notes: str | None = None,
    replace: bool = True,
) -> int:
    """Write a price frame (columns :data:`PRICE_COLUMNS`) as ``symbol``; return the row count.

    ``con`` is the store's connection inside
    :func:`~bubblewatch.data.writer.write_transaction`.
    """
    check_price_frame(frame, f"{symbol} ({source})", allow_non_positive=kind == "future")
    df = frame.loc[:, list(PRICE_COLUMNS)].copy()
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df.insert(0, "symbol", symbol)
    for c in ("open", "high", "low", "close", "adj_close", "volume"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    df["currency"] = df["currency"].astype(object)
    df["source"] = df["source"].astype(str)
    df["warning"] = None
    put_rows(con, "prices", df, replace="series" if replace else "range")
    put_rows(con, "series", _catalogue_row(symbol, kind, "prices", currency, source, notes))
    return len(df)


def write_macro(
    con: Any,
    series: str,
    frame: pd.DataFrame,
    *,
    source: str,
    vintage: str | None = None,
    kind: str = "macro",
    notes: str | None = None,
    replace: bool = True,
) -> int:
    """Write a ``date, value`` frame as the macro series ``series``; return the row count.

    Blank values (NaN) are kept as NULL: FRED marks holidays with ``.``.
    """
    what = f"{series} ({source})"
    if frame.empty:
        raise InputError(f"{what}: no rows")
    df = pd.DataFrame(
        {
            "series": series,
            "date": pd.to_datetime(frame["date"]).dt.date,
            "value": pd.to_numeric(frame["value"], errors="coerce").astype(float),
            "vintage": vintage,
            "source": source,
        }
    )
    if df["date"].duplicated().any():
        raise InputError(f"{what}: duplicate date {df['date'][df['date'].duplicated()].iloc[0]}")
    vals = df["value"].to_numpy(float)
    if np.isinf(vals).any():
        raise InputError(f"{what}: infinite value")
    if df["value"].notna().sum() == 0:
        raise InputError(f"{what}: every value is blank")
    df = df.sort_values("date")
    put_rows(con, "macro", df, replace="series" if replace else "range")
    put_rows(con, "series", _catalogue_row(series, kind, "macro", None, source, notes))
    return len(df)
