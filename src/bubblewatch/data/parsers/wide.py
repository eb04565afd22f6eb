"""Parsing wide files: a date column plus many numeric columns, one macro series per column
(Shiller's monthly table, datahub's S&P 500 table, ``--kind macro`` wide files)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import Parsed, catalogue, check_unique, source_of
from bubblewatch.data.parsers.prices import check_limit, shifted_dates
from bubblewatch.data.plausible import LIMITS

__all__ = ["macro_parsed", "series_name", "wide_rows"]


DATAHUB_NAMES = {
    "sp500": "SP500",
    "dividend": "DIVIDEND",
    "earnings": "EARNINGS",
    "consumer_price_index": "CPI",
    "long_interest_rate": "LONG_RATE",
    "real_price": "REAL_PRICE",
    "real_dividend": "REAL_DIVIDEND",
    "real_earnings": "REAL_EARNINGS",
    "pe10": "PE10",
}


def wide_rows(
    raw: RawTable,
    spec: FileSpec,
    date_column: str,
    names: Mapping[str, str],
    *,
    fmt: str = "%Y-%m-%d",
    zero_is_missing: Sequence[str] = (),
) -> pd.DataFrame:
    dates = shifted_dates(raw, spec, date_column, fmt=fmt)
    check_unique(raw, pd.Series(dates), date_column, "date")
    parts = []
    for col, series in names.items():
        vals = raw.numbers(col, what="a number or blank")
        check_limit(raw, vals, col, LIMITS["macro"])
        keep = ~np.isnan(vals)
        if col in zero_is_missing:
            keep &= vals != 0
        parts.append(pd.DataFrame({"series": series, "date": dates[keep], "value": vals[keep]}))
    df = pd.concat(parts, ignore_index=True)
    df["vintage"] = spec.vintage
    df["source"] = source_of(spec.path)
    return df


def series_name(prefix: str, column: str) -> str:
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9]+', '_', column).strip('_').upper()}"


def macro_parsed(spec: FileSpec, df: pd.DataFrame, names: Iterable[str]) -> Parsed:
    present = pd.unique(df["series"]).tolist()
    cat = catalogue([n for n in names if n in present], "macro", "macro", None, spec)
    return Parsed(spec, "macro", "macro", {"macro": df, "series": cat})
