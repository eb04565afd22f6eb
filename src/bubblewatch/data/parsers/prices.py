"""Parsing price files (one symbol, or a panel with a ticker column) and ``date, value``
series files (prices, macro or FX rows)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.parsers.parsed import check_unique, source_of
from bubblewatch.data.plausible import LIMITS, Limit, first_outside, jumps, range_flags
from bubblewatch.data.raw_table import DATE_MAX, DATE_MIN, DATE_RANGE, RawTable
from bubblewatch.data.writer import PRICE_COLUMNS

__all__ = [
    "check_limit",
    "price_rows",
    "series_rows",
    "shifted_dates",
    "weekend_warning",
]


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


def shifted_dates(
    raw: RawTable, spec: FileSpec, column: str = "date", *, fmt: str = "%Y-%m-%d"
) -> pd.DatetimeIndex:
    """The file's dates moved by ``spec.shift_days``; still in the accepted range."""
    dates = raw.dates(column, fmt=fmt)
    if not spec.shift_days:
        return dates
    moved = dates + pd.Timedelta(days=spec.shift_days)
    out = np.asarray((moved < DATE_MIN) | (moved > DATE_MAX))
    if out.any():
        i = int(np.argmax(out))
        raise raw.error(
            f"date out of range after --shift-days {spec.shift_days}",
            row=i,
            column=column,
            value=raw.cell(column, i),
            expected=f"{DATE_RANGE} once shifted; shift by a few days (e.g. --shift-days 1)",
        )
    return moved


def check_limit(raw: RawTable, values: np.ndarray, column: str, limit: Limit) -> None:
    """Refuse the first value outside ``limit`` (see :mod:`bubblewatch.data.plausible`)."""
    i = first_outside(values, limit)
    if i is not None:
        v = float(values[i])
        problem = (
            "implausible value"
            if abs(v) > limit.high
            else "negative value"
            if v < 0
            else "zero value"
            if v == 0
            else "value out of range"
        )
        raise raw.error(
            problem, row=i, column=column, value=raw.cell(column, i), expected=limit.expected()
        )


def _empty_rows(raw: RawTable, columns: list[str]) -> np.ndarray:
    """Rows whose value columns are all blank (Yahoo's ``null`` rows on days without trade)."""
    empty = np.ones(len(raw.frame), dtype=bool)
    for c in columns:
        empty &= raw.blank(c)
    return empty


def price_rows(
    raw: RawTable,
    spec: FileSpec,
    kind: str,
    symbols: np.ndarray | pd.Categorical | str,
    *,
    value_column: str | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """Validated rows for the prices table from a price file (or a series file's values).

    Rows with every value blank (Yahoo's ``null`` rows) are skipped with a warning; values
    outside :data:`bubblewatch.data.plausible.LIMITS` are refused; suspicious rows (high <
    low, a close outside the day's range, a 50x jump) are kept and flagged in ``warning``.
    """
    path = spec.path
    notes: list[str] = []
    if value_column is None:
        values = [c for c in (*PRICE_COLUMNS, "volume") if c in raw.frame.columns]
        empty = _empty_rows(raw, values)
        if empty.any() and not empty.all():
            i = int(np.argmax(empty))
            notes.append(
                f"{path}: {int(empty.sum())} row(s) with no values (e.g. Yahoo's 'null' rows on "
                f"days without a trade) were skipped (first on line {int(raw.lines[i])}: "
                f"{raw.cell(values[0], i)!r})"
            )
            raw = raw.subset(~empty)
            if not isinstance(symbols, str):
                symbols = symbols[~empty]
    f = raw.frame
    dates = shifted_dates(raw, spec)
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
    for v, col in checked.values():
        if kind != "future":
            raw.refuse_first(
                (v <= 0) & keep,
                "non-positive price",
                col,
                f"a price > 0 for kind '{kind}'; only kind 'future' may be zero or negative "
                "(--kind future)",
            )
        check_limit(raw, v, col, LIMITS["future_price" if kind == "future" else "price"])
    if "volume" in f.columns and value_column is None:
        vol = raw.numbers("volume", what="a volume (number of shares or contracts)")
        raw.refuse_first(vol < 0, "negative volume", "volume", "a volume >= 0 or blank")
        check_limit(raw, vol, "volume", LIMITS["volume"])
        out["volume"] = vol
    else:
        out["volume"] = np.full(len(f), np.nan)
    if "currency" in f.columns:
        ccy = raw.text("currency").replace("", None)
        out["currency"] = ccy.where(ccy.notna(), spec.currency).to_numpy(dtype=object)
    else:
        out["currency"] = spec.currency
    out["source"] = source_of(path)
    jump = jumps(
        np.broadcast_to(np.asarray(symbols, dtype=object), len(f)),
        dates.to_numpy(),
        np.where(keep, out["close"], np.nan),
    )
    warning = range_flags(
        out["open"], out["high"], out["low"], out["close"], jump, settlement=kind == "future"
    )
    out["warning"] = warning
    df = pd.DataFrame(out)
    notes.extend(_flag_notes(raw, warning, keep))
    if not keep.all():
        df = df.loc[keep]
    if kind != "crypto" and len(df):
        w = weekend_warning(path, pd.DatetimeIndex(df["date"]), spec)
        if w:
            notes.append(w)
    return df.reset_index(drop=True), notes


def _flag_notes(raw: RawTable, warning: np.ndarray, keep: np.ndarray) -> list[str]:
    """One line per kind of flag: how many rows, the first line."""
    flagged = np.flatnonzero(pd.notna(warning) & keep)
    first: dict[str, int] = {}
    count: dict[str, int] = {}
    for i in flagged:
        for label in str(warning[i]).split("; "):
            first.setdefault(label, int(i))
            count[label] = count.get(label, 0) + 1
    return [
        f"{raw.path}: {count[label]} row(s) with {label}, kept and flagged in the 'warning' "
        f"column (first on line {int(raw.lines[i])})"
        for label, i in first.items()
    ]


def series_rows(
    raw: RawTable, spec: FileSpec, table: str, name: str, column: str = "value"
) -> tuple[pd.DataFrame, list[str]]:
    dates = shifted_dates(raw, spec)
    check_unique(raw, pd.Series(dates), "date", "date")
    vals = raw.numbers(column, what="a number, or blank for no observation")
    keep = ~np.isnan(vals)
    notes: list[str] = []
    if table == "fx":
        raw.refuse_first((vals <= 0) & keep, "non-positive rate", column, "an exchange rate > 0")
        check_limit(raw, vals, column, LIMITS["rate"])
        df = pd.DataFrame(
            {"pair": name, "date": dates[keep], "rate": vals[keep], "source": source_of(spec.path)}
        )
        w = weekend_warning(spec.path, dates[keep], spec)
        if w:
            notes.append(w)
    else:
        check_limit(raw, vals, column, LIMITS["macro"])
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
