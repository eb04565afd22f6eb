"""FRED series (St. Louis Fed): the JSON API with ``FRED_API_KEY``, else the fredgraph CSV.

API: ``api.stlouisfed.org/fred/series/observations?series_id=ID&api_key=KEY&file_type=json``
returns ``observations`` of ``{"date", "value"}`` with ``"."`` for a missing value. Without a
key we use the public graph download ``fred.stlouisfed.org/graph/fredgraph.csv?id=ID`` whose
CSV header is ``observation_date,ID`` (older files: ``DATE,ID``). We parse both ourselves;
an error answer, an HTML page, no observation or only blanks in the window raise
:class:`~bubblewatch.errors.ProviderError`.
"""

from __future__ import annotations

import io
import json
import os
import urllib.parse
from typing import Any

import pandas as pd

from bubblewatch.data.providers.http import HttpGet, http_get, json_document
from bubblewatch.errors import ProviderError

__all__ = ["api_url", "csv_url", "download", "parse_csv", "parse_observations"]

API = "https://api.stlouisfed.org/fred/series/observations"
GRAPH = "https://fred.stlouisfed.org/graph/fredgraph.csv"


def api_url(series: str, start: pd.Timestamp, end: pd.Timestamp, key: str) -> str:
    q = urllib.parse.urlencode(
        {
            "series_id": series,
            "api_key": key,
            "file_type": "json",
            "observation_start": start.date().isoformat(),
            "observation_end": end.date().isoformat(),
        }
    )
    return f"{API}?{q}"


def csv_url(series: str, start: pd.Timestamp, end: pd.Timestamp) -> str:
    q = urllib.parse.urlencode(
        {"id": series, "cosd": start.date().isoformat(), "coed": end.date().isoformat()}
    )
    return f"{GRAPH}?{q}"


def _finish(
    df: pd.DataFrame, series: str, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> pd.DataFrame:
    window = (
        f" between {start.date()} and {end.date()}" if start is not None and end is not None else ""
    )
    if start is not None:
        df = df[df["date"] >= start]
    if end is not None:
        df = df[df["date"] <= end]
    df = df.drop_duplicates("date", keep="last").sort_values("date").reset_index(drop=True)
    if df.empty or df["value"].notna().sum() == 0:
        raise ProviderError(f"FRED returned no observations for {series}{window}")
    df["source"] = f"fred:{series}"
    return df


def _values(raw: pd.Series, series: str) -> pd.Series:
    text = raw.astype(str).str.strip()
    blank = text.isin([".", "", "nan", "NaN", "None"])
    vals = pd.to_numeric(text.where(~blank), errors="coerce")
    bad = vals.isna() & ~blank
    if bad.any():
        raise ProviderError(
            f"malformed answer from FRED for {series}: value {text[bad].iloc[0]!r} is not a number"
        )
    return vals.astype(float)


def parse_observations(
    payload: bytes | str | dict[str, Any],
    series: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Parse the JSON API's answer into ``date, value, source`` (``"."`` -> NaN)."""
    doc = json_document(
        payload, lambda what: ProviderError(f"malformed answer from FRED for {series}: {what}")
    )
    if not isinstance(doc, dict):
        raise ProviderError(f"malformed answer from FRED for {series}: not a JSON object")
    if "error_message" in doc:
        raise ProviderError(f"FRED refused {series}: {doc.get('error_message')}")
    obs = doc.get("observations")
    if not isinstance(obs, list):
        raise ProviderError(f"malformed answer from FRED for {series}: no 'observations' list")
    if not obs:
        raise ProviderError(f"FRED returned no observations for {series}")
    try:
        raw = pd.DataFrame({"date": [o["date"] for o in obs], "value": [o["value"] for o in obs]})
    except (KeyError, TypeError) as exc:
        raise ProviderError(
            f"malformed answer from FRED for {series}: an observation lacks {exc}"
        ) from exc
    dates = pd.to_datetime(raw["date"], errors="coerce", format="%Y-%m-%d")
    if dates.isna().any():
        raise ProviderError(
            f"malformed answer from FRED for {series}: unparsable date {raw['date'][dates.isna()].iloc[0]!r}"
        )
    df = pd.DataFrame({"date": dates, "value": _values(raw["value"], series)})
    return _finish(df, series, start, end)


def parse_csv(
    payload: bytes | str,
    series: str,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Parse a fredgraph CSV (``observation_date,ID`` or ``DATE,ID``) into ``date, value, source``."""
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    head = text.lstrip()[:200].lower()
    if not head or head.startswith("<") or "<html" in head:
        raise ProviderError(
            f"malformed answer from FRED for {series}: expected CSV, got an HTML page or nothing"
        )
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as exc:
        raise ProviderError(f"malformed answer from FRED for {series}: {exc}") from exc
    cols = {c.strip().lower(): c for c in raw.columns}
    date_col = cols.get("observation_date") or cols.get("date")
    value_col = cols.get(series.lower())
    if value_col is None and len(raw.columns) == 2 and date_col is not None:
        value_col = next(c for c in raw.columns if c != date_col)
    if date_col is None or value_col is None:
        raise ProviderError(
            f"malformed answer from FRED for {series}: columns {list(raw.columns)} "
            f"(expected observation_date,{series})"
        )
    if raw.empty:
        raise ProviderError(f"FRED returned no observations for {series}")
    dates = pd.to_datetime(raw[date_col], errors="coerce", format="%Y-%m-%d")
    if dates.isna().any():
        raise ProviderError(
            f"malformed answer from FRED for {series}: unparsable date {raw[date_col][dates.isna()].iloc[0]!r}"
        )
    df = pd.DataFrame({"date": dates, "value": _values(raw[value_col], series)})
    return _finish(df, series, start, end)


def download(
    series: str, start: pd.Timestamp, end: pd.Timestamp, get: HttpGet = http_get
) -> tuple[pd.DataFrame, str, str | None]:
    """Download ``series``: the JSON API when ``FRED_API_KEY`` is set, else the graph CSV."""
    key = os.environ.get("FRED_API_KEY")
    try:
        if key:
            return (
                parse_observations(get(api_url(series, start, end, key)), series, start, end),
                "macro",
                None,
            )
        return (
            parse_csv(get(csv_url(series, start, end)), series, start, end),
            "macro",
            None,
        )
    except ProviderError as exc:
        body = getattr(exc, "body", b"")
        if key and body:
            try:
                msg = json.loads(body).get("error_message")
            except (ValueError, AttributeError):
                msg = None
            if msg:
                raise ProviderError(f"FRED refused {series}: {msg}") from exc
        if str(exc).startswith(("FRED", "malformed")):
            raise
        raise ProviderError(f"FRED download of {series} failed: {exc}") from exc
