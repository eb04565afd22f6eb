"""Parsing price files (one symbol, or a panel with a ticker column) and ``date, value``
series files (prices, macro or FX rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import check_unique, source_of
from bubblewatch.data.writer import PRICE_COLUMNS

__all__ = ["price_rows", "series_rows", "weekend_warning"]


def weekend_warning(path: Path, dates: pd.DatetimeIndex, spec: FileSpec) -> str | None:
    if spec.shift_caveat and not spec.shift_days:
        return f"{path}: {spec.shift_caveat}"
    n = int((np.asarray(dates.day_of_week) >= 5).sum())
    if n >= 3 and n > 0.05 * len(dates):
        return (
            f"{path}: {n} of {len(dates)} dates fall on a Saturday or Sunday; the dates may be "
            "shifted (check the source; --shift-days N moves them)"
        )
    return None


def price_rows(
    raw: RawTable,
    spec: FileSpec,
    kind: str,
    symbols: np.ndarray | str,
    *,
    value_column: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Validated rows for the prices table from a price file (or a series file's values)."""
    path = spec.path
    f = raw.frame
    dates = raw.dates("date")
    if spec.shift_days:
        dates = dates + pd.Timedelta(days=spec.shift_days)
    if isinstance(symbols, str):
        check_unique(raw, pd.Series(dates), "date", "date")
    else:
        check_unique(
            raw, pd.DataFrame({"symbol": symbols, "date": dates}), "date", "symbol and date"
        )
    out: dict[str, Any] = {"symbol": symbols, "date": dates}
    if value_column is not None:
        vals = raw.numbers(value_column, what="a number")
        keep = ~np.isnan(vals)
        for c in PRICE_COLUMNS:
            out[c] = vals if c == "close" else np.full(len(vals), np.nan)
        checked = {"close": (vals, value_column)}
    else:
        keep = np.ones(len(f), dtype=bool)
        checked = {}
        for c in PRICE_COLUMNS:
            if c in f.columns:
                v = raw.numbers(c, required=(c == "close"), what=f"a {c.replace('_', ' ')} price")
                checked[c] = (v, c)
                out[c] = v
            else:
                out[c] = np.full(len(f), np.nan)
    if kind != "future":
        for v, col in checked.values():
            bad = (v <= 0) & keep
            if bad.any():
                i = int(np.argmax(bad))
                raise raw.error(
                    "non-positive price",
                    row=i,
                    column=col,
                    value=raw.text(col).iloc[i],
                    expected=f"a price > 0 for kind '{kind}'; only kind 'future' may be zero or "
                    "negative (--kind future)",
                )
    if "volume" in f.columns and value_column is None:
        vol = raw.numbers("volume", what="a volume (number of shares or contracts)")
        neg = vol < 0
        if neg.any():
            i = int(np.argmax(neg))
            raise raw.error(
                "negative volume",
                row=i,
                column="volume",
                value=raw.text("volume").iloc[i],
                expected="a volume >= 0 or blank",
            )
        out["volume"] = vol
    else:
        out["volume"] = np.full(len(f), np.nan)
    if "currency" in f.columns:
        ccy = raw.text("currency").replace("", None)
        out["currency"] = ccy.where(ccy.notna(), spec.currency).to_numpy(dtype=object)
    else:
        out["currency"] = spec.currency
    out["source"] = source_of(path)
    hi, lo = np.asarray(out["high"], float), np.asarray(out["low"], float)
    hl = hi < lo
    warning = np.full(len(hl), None, dtype=object)
    warning[hl] = "high < low"
    out["warning"] = warning
    df = pd.DataFrame(out)
    notes: list[str] = []
    if hl.any():
        i = int(np.argmax(hl))
        notes.append(
            f"{path}: {int(hl.sum())} row(s) with high < low, kept and flagged in the 'warning' "
            f"column (first on line {int(raw.lines[i])}: high {hi[i]:g} < low {lo[i]:g})"
        )
    if not keep.all():
        df = df.loc[keep]
    if kind != "crypto" and len(df):
        w = weekend_warning(path, pd.DatetimeIndex(df["date"]), spec)
        if w:
            notes.append(w)
    return df.reset_index(drop=True), notes


def series_rows(
    raw: RawTable, spec: FileSpec, table: str, name: str, column: str = "value"
) -> tuple[pd.DataFrame, list[str]]:
    dates = raw.dates("date")
    if spec.shift_days:
        dates = dates + pd.Timedelta(days=spec.shift_days)
    check_unique(raw, pd.Series(dates), "date", "date")
    vals = raw.numbers(column, what="a number, or blank for no observation")
    keep = ~np.isnan(vals)
    notes: list[str] = []
    if table == "fx":
        bad = (vals <= 0) & keep
        if bad.any():
            i = int(np.argmax(bad))
            raise raw.error(
                "non-positive rate",
                row=i,
                column=column,
                value=raw.text(column).iloc[i],
                expected="an exchange rate > 0",
            )
        df = pd.DataFrame(
            {"pair": name, "date": dates[keep], "rate": vals[keep], "source": source_of(spec.path)}
        )
        w = weekend_warning(spec.path, dates[keep], spec)
        if w:
            notes.append(w)
    else:
        df = pd.DataFrame(
            {
                "series": name,
                "date": dates[keep],
                "value": vals[keep],
                "vintage": spec.vintage,
                "source": source_of(spec.path),
            }
        )
    return df, notes
