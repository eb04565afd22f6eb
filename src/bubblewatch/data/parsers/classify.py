"""Parsing one file: choose the per-kind parser from the file's mode and columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable, read_raw_table
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.fundamentals import parse_fundamentals
from bubblewatch.data.parsers.holdings import parse_holdings
from bubblewatch.data.parsers.parsed import Parsed, catalogue, require_columns
from bubblewatch.data.parsers.prices import price_rows, series_rows
from bubblewatch.data.parsers.shares import parse_shares
from bubblewatch.data.parsers.wide import DATAHUB_NAMES, macro_parsed, series_name, wide_rows
from bubblewatch.errors import DataFileError

__all__ = ["PRICE_FORMAT", "parse_file"]


PRICE_FORMAT = (
    "a price file with date, close and optionally open, high, low, adj_close, volume, "
    "currency; or a series file with date, value; see docs/data.md"
)


def parse_file(spec: FileSpec) -> Parsed:
    """Read and validate one file into table frames (nothing is written)."""
    if spec.mode == "skip":
        return Parsed(spec, None, None)
    raw = read_raw_table(spec.path)
    parsed = _parse(spec, raw)
    parsed.notes[:0] = [n for n in raw.notes if n not in parsed.notes]
    return parsed


def _tickers(raw: RawTable, spec: FileSpec, column: str) -> pd.Series:
    """A panel's ticker column, upper case, never blank, and the same as ``--symbol`` when
    one was given (a file naming AAPL is never stored as ACME, nor ACME's data as AAPL)."""
    tick = raw.text(column).str.upper()
    raw.refuse_first((tick == "").to_numpy(), "missing value", column, "a ticker on every row")
    if spec.explicit_symbol:
        other = (tick != spec.symbol).to_numpy()
        if other.any():
            i = int(np.argmax(other))
            found = pd.unique(tick).tolist()
            listed = ", ".join(found[:5]) + (" ..." if len(found) > 5 else "")
            raise raw.error(
                f"--symbol {spec.symbol} disagrees with the file's {raw.original[column]} column",
                row=i,
                column=column,
                value=raw.cell(column, i),
                expected=f"{spec.symbol} on every row; leave out --symbol to import the file's "
                f"own symbols ({listed}), or remove the column to store the file as "
                f"{spec.symbol}",
            )
    return tick


def _parse(spec: FileSpec, raw: RawTable) -> Parsed:
    cols = set(raw.frame.columns)
    path = spec.path
    if spec.mode == "shiller":
        require_columns(raw, ["month"], "Shiller's monthly table (month, P, D, E, CPI, ...)")
        names = {
            c: series_name("SHILLER", raw.original[c])
            for c in raw.frame.columns
            if c not in ("month", "date_fraction")
        }
        df = wide_rows(raw, spec, "month", names, fmt="%Y-%m")
        return macro_parsed(spec, df, names.values())
    if spec.mode == "datahub":
        require_columns(raw, ["date", "sp500"], "the datahub S&P 500 monthly table")
        names = {
            c: f"DATAHUB_{DATAHUB_NAMES.get(c, c.upper())}"
            for c in raw.frame.columns
            if c != "date"
        }
        zero = [c for c in names if c != "sp500"]
        df = wide_rows(raw, spec, "date", names, zero_is_missing=zero)
        p = macro_parsed(spec, df, names.values())
        p.notes.append(
            "zeros in the columns other than SP500 (after 2023-06 and PE10's first "
            "decade) are missing values in this file and were not imported"
        )
        return p
    if spec.mode == "wide":
        date_col = raw.frame.columns[0]
        names = {c: series_name(spec.symbol, raw.original[c]) for c in raw.frame.columns[1:]}
        df = wide_rows(raw, spec, date_col, names)
        return macro_parsed(spec, df, names.values())

    kind = spec.kind
    ticker_col = "ticker" if "ticker" in cols else "symbol" if "symbol" in cols else None
    # holdings
    if {"as_of", "weight"} <= cols and ticker_col:
        return parse_holdings(raw, spec, ticker_col)
    if {"symbol", "period_end", "metric", "value"} <= cols:
        return parse_fundamentals(raw, spec)
    if ("date" in cols or "as_of" in cols) and "shares" in cols and "close" not in cols:
        return parse_shares(raw, spec)
    if "date" not in cols:
        raise DataFileError(
            path, "missing required column", line=1, column="date", expected=PRICE_FORMAT
        )
    kind = kind or "equity"
    if "close" in cols:
        if kind == "macro":
            raise DataFileError(
                path,
                "a price file cannot be imported as kind 'macro'",
                line=1,
                column="close",
                expected="a series file with columns date,value for kind 'macro'",
            )
        if ticker_col or spec.mode == "panel":
            if not ticker_col:
                raise DataFileError(
                    path,
                    "missing required column",
                    line=1,
                    column="ticker",
                    expected="a panel price file date,ticker,open,high,low,close,adj_close,volume",
                )
            tick = _tickers(raw, spec, ticker_col)
            if spec.exclude:
                keep = ~tick.isin(spec.exclude).to_numpy()
                raw = raw.subset(keep)
                tick = tick[keep].reset_index(drop=True)
            # categorical: a panel's few tickers, not one text object per row (memory)
            df, notes = price_rows(raw, spec, kind, pd.Categorical(tick))
            cat = catalogue(df["symbol"], kind, "prices", spec.currency, spec)
            return Parsed(spec, "prices", kind, {"prices": df, "series": cat}, notes)
        df, notes = price_rows(raw, spec, kind, spec.symbol)
        cur = df["currency"].dropna().iloc[0] if df["currency"].notna().any() else None
        cat = catalogue([spec.symbol], kind, "prices", cur, spec)
        return Parsed(spec, "prices", kind, {"prices": df, "series": cat}, notes)
    others = [c for c in raw.frame.columns if c != "date"]
    if others == ["value"] or (len(others) == 1 and kind in ("macro", "fx")):
        col = others[0]
        if kind == "macro":
            df, notes = series_rows(raw, spec, "macro", spec.symbol, col)
            return Parsed(
                spec,
                "macro",
                kind,
                {"macro": df, "series": catalogue([spec.symbol], kind, "macro", None, spec)},
                notes,
            )
        if kind == "fx":
            df, notes = series_rows(raw, spec, "fx", spec.symbol, col)
            return Parsed(
                spec,
                "fx",
                kind,
                {"fx": df, "series": catalogue([spec.symbol], kind, "fx", None, spec)},
                notes,
            )
        df, notes = price_rows(raw, spec, kind, spec.symbol, value_column=col)
        return Parsed(
            spec,
            "prices",
            kind,
            {
                "prices": df,
                "series": catalogue([spec.symbol], kind, "prices", spec.currency, spec),
            },
            notes,
        )
    if kind == "macro" and others:
        names = {c: series_name(spec.symbol, raw.original[c]) for c in others}
        df = wide_rows(raw, spec, "date", names)
        return macro_parsed(spec, df, names.values())
    raise DataFileError(
        path, "missing required column", line=1, column="close", expected=PRICE_FORMAT
    )
