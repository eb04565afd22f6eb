"""Parsing shares-outstanding files: ``date`` (or ``as_of``), ``shares`` (or
``shares_outstanding``), optional ``symbol`` (many companies in one file; else the file's
symbol), ``form``, ``filed`` and ``source`` (where each count is from)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import Parsed, check_unique, source_of
from bubblewatch.data.parsers.prices import check_limit
from bubblewatch.data.plausible import LIMITS

__all__ = ["parse_shares"]


def parse_shares(raw: RawTable, spec: FileSpec) -> Parsed:
    cols = raw.frame.columns
    date_col = "date" if "date" in cols else "as_of"
    dates = raw.dates(date_col)
    if "symbol" in cols:
        sym = raw.text("symbol").str.upper()
        raw.refuse_first((sym == "").to_numpy(), "missing value", "symbol", "a symbol on every row")
        symbols = sym.to_numpy(dtype=object)
        check_unique(
            raw,
            pd.DataFrame({"symbol": symbols, date_col: dates}),
            date_col,
            f"symbol and {date_col}",
        )
    else:
        symbols = np.full(len(dates), spec.symbol, dtype=object)
        check_unique(raw, pd.Series(dates), date_col, date_col)
    shares = raw.numbers("shares", required=True, what="a share count")
    raw.refuse_first(shares <= 0, "non-positive share count", "shares", "a number of shares > 0")
    check_limit(raw, shares, "shares", LIMITS["shares"])
    src = pd.Series(source_of(spec.path), index=raw.frame.index)
    if "source" in cols:
        own = raw.text("source")
        src = own.where(own != "", src)
    extra = []
    if "form" in cols:
        extra.append("form " + raw.text("form"))
    if "filed" in cols:
        extra.append("filed " + raw.text("filed"))
    if extra:
        tail = extra[0] if len(extra) == 1 else extra[0] + ", " + extra[1]
        src = src + " (" + tail + ")"
    df = pd.DataFrame(
        {
            "symbol": symbols,
            "date": dates,
            "shares": shares,
            "source": src.to_numpy(dtype=object),
        }
    )
    return Parsed(spec, "shares", None, {"shares": df})
