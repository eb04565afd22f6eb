"""Yahoo Finance daily bars from the public chart endpoint (``/v8/finance/chart/SYMBOL``).

The answer is JSON: ``chart.result[0]`` holds ``meta`` (currency, instrument type,
exchange time zone), ``timestamp`` (seconds, UTC, one per session) and
``indicators.quote[0]`` (open, high, low, close, volume) plus ``indicators.adjclose``.
We parse it ourselves: timestamps become the exchange's calendar dates, days whose close
is null are dropped, a repeated date keeps its last bar. Anything else (an ``error``
object, no result, arrays of unequal length, no bar at all) raises
:class:`~bubblewatch.errors.ProviderError`.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.providers.http import HttpGet, http_get, json_document
from bubblewatch.errors import ProviderError

__all__ = ["KINDS", "chart_url", "download", "parse_chart"]

BASE = "https://query1.finance.yahoo.com/v8/finance/chart/"

#: Yahoo ``instrumentType`` -> our kind
KINDS = {
    "EQUITY": "equity",
    "ETF": "equity",
    "MUTUALFUND": "equity",
    "INDEX": "index",
    "FUTURE": "future",
    "CURRENCY": "fx",
    "CRYPTOCURRENCY": "crypto",
}


def chart_url(symbol: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The chart URL for daily bars from ``start`` to ``end`` (both inclusive)."""
    p1 = int(pd.Timestamp(start).tz_localize("UTC").timestamp())
    p2 = int((pd.Timestamp(end) + pd.Timedelta(days=1)).tz_localize("UTC").timestamp())
    query = urllib.parse.urlencode(
        {
            "period1": p1,
            "period2": p2,
            "interval": "1d",
            "events": "div,split",
            "includeAdjustedClose": "true",
        }
    )
    return f"{BASE}{urllib.parse.quote(symbol, safe='')}?{query}"


def _malformed(symbol: str, what: str) -> ProviderError:
    return ProviderError(f"malformed answer from Yahoo for {symbol}: {what}")


def parse_chart(
    payload: bytes | str | dict[str, Any],
    symbol: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, str, str | None]:
    """Parse a chart answer into ``(price frame, kind, currency)``.

    Raises
    ------
    ProviderError
        On an error answer, a malformed document or no bar in the window.
    """
    doc = json_document(payload, lambda what: _malformed(symbol, what))
    chart = doc.get("chart") if isinstance(doc, dict) else None
    if not isinstance(chart, dict):
        raise _malformed(symbol, "no 'chart' object")
    err = chart.get("error")
    if err:
        desc = err.get("description") if isinstance(err, dict) else str(err)
        code = err.get("code") if isinstance(err, dict) else ""
        raise ProviderError(f"Yahoo has no data for {symbol}: {code}: {desc}")
    result = chart.get("result")
    if not isinstance(result, list) or len(result) != 1 or not isinstance(result[0], dict):
        raise _malformed(symbol, "expected one 'result'")
    res = result[0]
    meta = res.get("meta") or {}
    stamps = res.get("timestamp")
    window = (
        f" between {start.date()} and {end.date()}" if start is not None and end is not None else ""
    )
    if not stamps:
        raise ProviderError(f"Yahoo returned no prices for {symbol}{window}")
    try:
        quote = res["indicators"]["quote"][0]
    except (KeyError, IndexError, TypeError) as exc:
        raise _malformed(symbol, "no 'indicators.quote'") from exc
    n = len(stamps)
    cols: dict[str, np.ndarray] = {}
    for key in ("open", "high", "low", "close", "volume"):
        arr = quote.get(key)
        if arr is None:
            if key == "close":
                raise _malformed(symbol, "no 'close' array")
            arr = [None] * n
        if len(arr) != n:
            raise _malformed(symbol, f"'{key}' has {len(arr)} values for {n} timestamps")
        cols[key] = np.array([np.nan if v is None else v for v in arr], dtype=float)
    adj = None
    try:
        adj = res["indicators"]["adjclose"][0]["adjclose"]
    except (KeyError, IndexError, TypeError):
        adj = None
    if adj is not None and len(adj) != n:
        raise _malformed(symbol, f"'adjclose' has {len(adj)} values for {n} timestamps")
    cols["adj_close"] = (
        np.array([np.nan if v is None else v for v in adj], dtype=float)
        if adj is not None
        else np.full(n, np.nan)
    )
    try:
        ts = pd.to_datetime(np.asarray(stamps, dtype="int64"), unit="s", utc=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _malformed(symbol, "timestamps are not integers") from exc
    tz = meta.get("exchangeTimezoneName")
    try:
        local = (
            ts.tz_convert(tz) if tz else ts + pd.Timedelta(seconds=int(meta.get("gmtoffset") or 0))
        )
    except Exception:  # unknown time zone name: fall back to the UTC offset
        local = ts + pd.Timedelta(seconds=int(meta.get("gmtoffset") or 0))
    dates = pd.DatetimeIndex(local).tz_localize(None).normalize()
    frame = pd.DataFrame({"date": dates, **cols})
    frame = frame[np.isfinite(frame["close"].to_numpy(float))]
    frame = frame.drop_duplicates("date", keep="last").sort_values("date").reset_index(drop=True)
    if start is not None:
        frame = frame[frame["date"] >= start]
    if end is not None:
        frame = frame[frame["date"] <= end]
    if frame.empty:
        raise ProviderError(f"Yahoo returned no prices for {symbol}{window}")
    kind = KINDS.get(str(meta.get("instrumentType", "")).upper(), "equity")
    if kind != "future" and (frame["close"] <= 0).any():
        bad = frame.loc[frame["close"] <= 0].iloc[0]
        raise _malformed(symbol, f"non-positive close {bad['close']} on {bad['date'].date()}")
    currency = meta.get("currency") or None
    frame["currency"] = currency
    frame["source"] = f"yahoo:{symbol}"
    frame = frame.reset_index(drop=True)
    return frame, kind, currency


def download(
    symbol: str, start: pd.Timestamp, end: pd.Timestamp, get: HttpGet = http_get
) -> tuple[pd.DataFrame, str, str | None]:
    """Download and parse daily bars of ``symbol`` (see :func:`parse_chart`)."""
    try:
        body = get(chart_url(symbol, start, end))
    except ProviderError as exc:
        body = getattr(exc, "body", b"")
        if getattr(exc, "status", None) == 404 and body:
            parse_chart(body, symbol, start, end)  # raises with Yahoo's own description
        raise ProviderError(f"Yahoo download of {symbol} failed: {exc}") from exc
    return parse_chart(body, symbol, start, end)
