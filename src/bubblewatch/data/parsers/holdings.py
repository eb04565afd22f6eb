"""Parsing holdings files: ``as_of, ticker`` (or ``symbol``), ``weight`` (percent), ``name``."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import Parsed, check_unique, source_of

__all__ = ["parse_holdings"]


def parse_holdings(raw: RawTable, spec: FileSpec, ticker_col: str) -> Parsed:
    as_of = raw.dates("as_of")
    tick = raw.text(ticker_col)
    name = raw.text("name") if "name" in raw.frame.columns else pd.Series("", index=tick.index)
    placeholder = tick.isin(["", "-"])
    symbol = tick.where(~placeholder, name.str.upper())
    empty = (symbol == "").to_numpy()
    if empty.any():
        i = int(np.argmax(empty))
        raise raw.error(
            "missing value",
            row=i,
            column=ticker_col,
            value="",
            expected="a ticker (or a name) on every row",
        )
    weight = raw.numbers("weight", required=True, what="a weight in percent")
    m = re.match(r"^([A-Za-z0-9]+?)_holdings", spec.symbol)
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
    return Parsed(spec, "holdings", None, {"holdings": df})
