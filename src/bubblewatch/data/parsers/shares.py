"""Parsing shares-outstanding files: ``date, shares`` with optional ``form, filed``."""

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
    dates = raw.dates("date")
    check_unique(raw, pd.Series(dates), "date", "date")
    shares = raw.numbers("shares", required=True, what="a share count")
    bad = shares <= 0
    if bad.any():
        i = int(np.argmax(bad))
        raise raw.error(
            "non-positive share count",
            row=i,
            column="shares",
            value=raw.cell("shares", i),
            expected="a number of shares > 0",
        )
    check_limit(raw, shares, "shares", LIMITS["shares"])
    src = pd.Series(source_of(spec.path), index=raw.frame.index)
    extra = []
    if "form" in raw.frame.columns:
        extra.append("form " + raw.text("form"))
    if "filed" in raw.frame.columns:
        extra.append("filed " + raw.text("filed"))
    if extra:
        tail = extra[0] if len(extra) == 1 else extra[0] + ", " + extra[1]
        src = src + " (" + tail + ")"
    df = pd.DataFrame(
        {
            "symbol": spec.symbol,
            "date": dates,
            "shares": shares,
            "source": src.to_numpy(dtype=object),
        }
    )
    return Parsed(spec, "shares", None, {"shares": df})
