"""Parsing fundamentals files: ``symbol, period_end, metric, value``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import Parsed, check_unique, source_of

__all__ = ["parse_fundamentals"]


def parse_fundamentals(raw: RawTable, spec: FileSpec) -> Parsed:
    period = raw.dates("period_end")
    sym = raw.text("symbol").str.upper()
    metric = raw.text("metric")
    for col, s in (("symbol", sym), ("metric", metric)):
        empty = (s == "").to_numpy()
        if empty.any():
            i = int(np.argmax(empty))
            raise raw.error(
                "missing value",
                row=i,
                column=col,
                value=raw.cell(col, i),
                expected=f"a {col} on every row",
            )
    value = raw.numbers("value", what="a number or blank")
    check_unique(
        raw,
        pd.DataFrame({"symbol": sym.to_numpy(), "period_end": period, "metric": metric.to_numpy()}),
        "metric",
        "symbol, period_end and metric",
    )
    df = pd.DataFrame(
        {
            "symbol": sym.to_numpy(dtype=object),
            "period_end": period,
            "metric": metric.to_numpy(dtype=object),
            "value": value,
            "source": source_of(spec.path),
        }
    )
    return Parsed(spec, "fundamentals", None, {"fundamentals": df})
