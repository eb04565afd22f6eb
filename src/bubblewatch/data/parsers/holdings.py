"""Parsing holdings files: ``as_of, ticker`` (or ``symbol``), ``weight`` (percent), ``name``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import Parsed, check_unique, source_of
from bubblewatch.data.parsers.prices import check_limit
from bubblewatch.data.plausible import LIMITS

__all__ = ["parse_holdings"]


def parse_holdings(raw: RawTable, spec: FileSpec, ticker_col: str) -> Parsed:
    as_of = raw.dates("as_of")
    tick = raw.text(ticker_col).str.upper()
    name = raw.text("name") if "name" in raw.frame.columns else pd.Series("", index=tick.index)
    placeholder = tick.isin(["", "-"])
    symbol = tick.where(~placeholder, name.str.upper())
    raw.refuse_first(
        (symbol == "").to_numpy(), "missing value", ticker_col, "a ticker (or a name) on every row"
    )
    weight = raw.numbers("weight", required=True, what="a weight in percent")
    check_limit(raw, weight, "weight", LIMITS["weight"])
    m = re.match(r"^([A-Za-z0-9]+?)_holdings", spec.symbol, flags=re.IGNORECASE)
    index_name = m.group(1).upper() if m else spec.symbol
    check_unique(
        raw,
        pd.DataFrame({"as_of": as_of, "symbol": symbol.to_numpy()}),
        ticker_col,
        "holding (as_of and ticker)",
    )
    df = pd.DataFrame(
        {
            "index_name": index_name,
            "as_of": as_of,
            "symbol": symbol.to_numpy(dtype=object),
            "name": name.replace("", None).to_numpy(dtype=object),
            "weight": weight,
            "source": source_of(spec.path),
        }
    )
    return Parsed(spec, "holdings", None, {"holdings": df}, _weight_sums(raw, as_of, weight))


#: a snapshot's weights may sum to this much over 100% (rounding in the fund's file)
SUM_OVER = 5.0
#: below this sum (percent) a snapshot is flagged as partial
SUM_UNDER = 95.0


def _weight_sums(raw: RawTable, as_of: pd.DatetimeIndex, weight: np.ndarray) -> list[str]:
    """Each snapshot's weights (percent) sum to about 100: more is an error, fractions
    (a sum of about 1) are an error, less than 95% a warning (a partial list)."""
    warnings: list[str] = []
    frame = pd.DataFrame({"as_of": as_of, "weight": weight, "row": np.arange(len(weight))})
    for day, g in frame.groupby("as_of", sort=True):
        total = float(g["weight"].sum())
        first = int(g["row"].iloc[0])
        when = pd.Timestamp(day).date().isoformat()  # type: ignore[arg-type]
        if total > 100 + SUM_OVER:
            raise raw.error(
                f"the weights of {when} sum to {total:.6g}%",
                row=first,
                column="weight",
                expected=f"weights in percent of the fund summing to at most {100 + SUM_OVER:g}%",
            )
        if len(g) >= 5 and 0.9 <= total <= 1.1 and float(g["weight"].max()) <= 1:
            raise raw.error(
                f"the weights of {when} sum to {total:.6g}: they look like fractions",
                row=first,
                column="weight",
                expected="weights in percent (multiply the fractions by 100)",
            )
        if total < SUM_UNDER:
            warnings.append(
                f"{raw.path}: the weights of {when} sum to {total:.4g}% (a partial list?); "
                "concentration measures renormalise the equity lines to 100%"
            )
    return warnings
