"""Import CSV/Parquet files, folders of them, or the whole shared data layout into the store.

All files of one call are read and validated first; only then is everything written, in one
transaction. Any error means nothing from the call is written. Rows are upserted by the
table's primary key, so importing the same file twice leaves the same rows.

File formats (columns are matched case-insensitively; ``Adj Close`` = ``adj_close``):

- price file: ``date, close`` plus any of ``open, high, low, adj_close, volume, currency``;
  with a ``ticker`` (or ``symbol``) column it is a panel of many symbols.
- series file: ``date, value`` -- to the ``macro`` table (kind macro), the ``fx`` table
  (kind fx) or as closes to ``prices`` (other kinds). Blank values (holidays) are dropped.
- shares file: ``date, shares`` (or ``shares_outstanding``), optional ``form, filed``.
- holdings file: ``as_of, ticker`` (or ``symbol``), ``weight`` (percent), optional ``name``.
- fundamentals file: ``symbol, period_end, metric, value``.
- wide file (kind macro): ``date`` plus several numeric columns -> series ``SYMBOL_COLUMN``.

See docs/data.md for the schema, the checks and the shared-layout mapping.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable, is_data_file, read_raw_table
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.schema import KINDS
from bubblewatch.data.shared_layout import (
    SourceRow,
    find_layout_root,
    is_layout_root,
    layout_spec,
    source_rows,
)
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, DataQualityWarning, InputError, NotFoundError

__all__ = [
    "FileReport",
    "ImportReport",
    "discover",
    "import_paths",
    "open_data_dir_store",
]

#: bump when the importer's mapping changes, so cached data-dir stores are rebuilt
IMPORTER_VERSION = "1"

PRICE_COLUMNS = ("open", "high", "low", "close", "adj_close")
TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "series": ("symbol", "kind", "tbl", "currency", "source", "notes"),
    "prices": (
        "symbol",
        "date",
        "open",
        "high",
        "low",
        "close",
        "adj_close",
        "volume",
        "currency",
        "source",
        "warning",
    ),
    "shares": ("symbol", "date", "shares", "source"),
    "fundamentals": ("symbol", "period_end", "metric", "value", "source"),
    "macro": ("series", "date", "value", "vintage", "source"),
    "fx": ("pair", "date", "rate", "source"),
    "holdings": ("index_name", "as_of", "symbol", "name", "weight", "source"),
}
#: what ``replace=True`` deletes before writing: every row of the incoming series
REPLACE_KEYS: dict[str, tuple[str, ...]] = {
    "prices": ("symbol",),
    "shares": ("symbol",),
    "fundamentals": ("symbol",),
    "macro": ("series",),
    "fx": ("pair",),
    "holdings": ("index_name", "as_of"),
}
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "series": ("symbol",),
    "prices": ("symbol", "date"),
    "shares": ("symbol", "date"),
    "fundamentals": ("symbol", "period_end", "metric"),
    "macro": ("series", "date"),
    "fx": ("pair", "date"),
    "holdings": ("index_name", "as_of", "symbol"),
}
_DATE_COLUMNS = {"date", "period_end", "as_of"}
_DATAHUB_NAMES = {
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
_PRICE_FORMAT = (
    "a price file with date, close and optionally open, high, low, adj_close, volume, "
    "currency; or a series file with date, value; see docs/data.md"
)


# -- reports -------------------------------------------------------------------------------
@dataclass(frozen=True)
class FileReport:
    """What one file contributed: table, symbols, rows, date range, warnings or skip reason."""

    path: str
    table: str | None
    kind: str | None
    symbols: tuple[str, ...]
    rows: int
    first: str | None
    last: str | None
    shift_days: int = 0
    warnings: tuple[str, ...] = ()
    skipped: str = ""
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "table": self.table,
            "kind": self.kind,
            "symbols": list(self.symbols),
            "rows": self.rows,
            "first": self.first,
            "last": self.last,
        }
        if self.shift_days:
            d["shift_days"] = self.shift_days
        if self.warnings:
            d["warnings"] = list(self.warnings)
        if self.notes:
            d["notes"] = list(self.notes)
        if self.skipped:
            d["skipped"] = self.skipped
        return d


@dataclass(frozen=True)
class ImportReport:
    """The outcome of one :func:`import_paths` call.

    Attributes
    ----------
    files : tuple of FileReport
        One entry per file met (imported or skipped).
    rows : dict
        Rows written (inserted or replaced) per table.
    warnings : tuple of str
        Data-quality notes (high < low, weekend dates, overlaps); the rows were kept.
    seconds : float
        Wall time of the call.
    store : str
        The store written to.
    """

    files: tuple[FileReport, ...]
    rows: dict[str, int]
    warnings: tuple[str, ...]
    seconds: float
    store: str
    series: int = 0
    dry_run: bool = False

    @property
    def imported(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if not f.skipped)

    @property
    def skipped(self) -> tuple[FileReport, ...]:
        return tuple(f for f in self.files if f.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "store": self.store,
            "files": [f.to_dict() for f in self.files],
            "imported_files": len(self.imported),
            "skipped_files": len(self.skipped),
            "series": self.series,
            "rows": dict(self.rows),
            "warnings": list(self.warnings),
            "seconds": round(self.seconds, 3),
            "dry_run": self.dry_run,
        }

    def summary(self) -> str:
        rows = ", ".join(f"{t} {n}" for t, n in self.rows.items() if n)
        verb = "checked (dry run, nothing written)" if self.dry_run else "imported"
        lines = [
            f"{verb} {len(self.imported)} file(s), {self.series} series into {self.store} "
            f"in {self.seconds:.1f} s",
            f"rows {'to write' if self.dry_run else 'written'}: {rows or 'none'}",
        ]
        for f in self.skipped:
            lines.append(f"skipped {f.path}: {f.skipped}")
        for w in self.warnings:
            lines.append(f"warning: {w}")
        return "\n".join(lines)


@dataclass
class _Parsed:
    spec: FileSpec
    table: str | None
    kind: str | None
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def report(self) -> FileReport:
        if self.spec.mode == "skip":
            return FileReport(
                str(self.spec.path), None, None, (), 0, None, None, skipped=self.spec.note
            )
        df = self.frames.get(self.table or "")
        rows = 0 if df is None else len(df)
        first = last = None
        symbols: tuple[str, ...] = ()
        if df is not None and rows:
            dcol = (
                "as_of"
                if self.table == "holdings"
                else "period_end"
                if self.table == "fundamentals"
                else "date"
            )
            first = pd.Timestamp(df[dcol].min()).date().isoformat()
            last = pd.Timestamp(df[dcol].max()).date().isoformat()
            key = TABLE_KEYS[self.table or "prices"][0]
            symbols = tuple(pd.unique(df[key]).tolist())
        return FileReport(
            str(self.spec.path),
            self.table,
            self.kind,
            symbols,
            rows,
            first,
            last,
            self.spec.shift_days,
            tuple(self.warnings),
            notes=tuple(self.notes),
        )


# -- discovery -----------------------------------------------------------------------------
def discover(
    paths: Iterable[str | Path] | str | Path,
    *,
    kind: str | None = None,
    symbol: str | None = None,
    shift_days: int = 0,
    shift: Mapping[str, int] | None = None,
) -> list[FileSpec]:
    """Expand files and folders into :class:`FileSpec` entries (nothing is read yet).

    Folders are walked recursively for ``.csv``, ``.csv.gz`` and ``.parquet`` files; a folder
    (or file) inside the shared data layout (a folder with ``SOURCES.md``) follows the
    layout's mapping (:mod:`bubblewatch.data.shared_layout`).

    ``shift_days`` moves the dates of every file named or found, except inside the shared
    layout, where it applies only to the files whose documentation says they are shifted
    (``TSMC_2330.TW``). ``shift`` maps a symbol to its own shift and wins over both.
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})")
    if isinstance(paths, str | Path):
        paths = [paths]
    specs: list[FileSpec] = []
    seen: set[Path] = set()
    source_cache: dict[Path, dict[str, SourceRow]] = {}
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise NotFoundError(f"{p}: no such file or folder")
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file())
            if not is_layout_root(p):
                files = [f for f in files if is_data_file(f)]
            if not files:
                raise InputError(f"{p}: folder holds no .csv, .csv.gz or .parquet files")
        else:
            files = [p]
        for f in files:
            rp = f.resolve()
            if rp in seen or f.name == "SOURCES.md" or f.name.startswith("."):
                continue
            seen.add(rp)
            root = find_layout_root(f.parent)
            if root is not None:
                if root not in source_cache:
                    source_cache[root] = source_rows(root)
                spec = layout_spec(root, f, source_cache[root])
                if spec.shift_caveat and shift_days:
                    spec = replace(spec, shift_days=shift_days)
            else:
                if not is_data_file(f):
                    raise InputError(
                        f"{f}: unsupported file type (expected .csv, .csv.gz or .parquet)"
                    )
                stem = f.name[: -len(".csv.gz")] if f.name.endswith(".csv.gz") else f.stem
                spec = FileSpec(f, symbol=stem, shift_days=shift_days)
            if spec.mode == "auto":
                if kind is not None:
                    spec = replace(spec, kind=kind)
                if symbol is not None:
                    spec = replace(spec, symbol=symbol)
            if shift and spec.symbol in shift:
                spec = replace(spec, shift_days=int(shift[spec.symbol]))
            specs.append(spec)
    return specs


# -- parsing one file ----------------------------------------------------------------------
def _source(path: Path) -> str:
    return str(path.resolve())


def _check_unique(raw: RawTable, keys: pd.DataFrame | pd.Series, column: str, what: str) -> None:
    dup = keys.duplicated(keep="first")
    dup_arr = np.asarray(dup)
    if dup_arr.any():
        i = int(np.argmax(dup_arr))
        if isinstance(keys, pd.DataFrame):
            row = keys.iloc[i]
            mask = (keys == row).all(axis=1).to_numpy()
            value: object = " ".join(
                str(v)[:10] if isinstance(v, pd.Timestamp) else str(v) for v in row
            )
        else:
            mask = np.asarray(keys == keys.iloc[i])
            value = raw.text(column).iloc[i]
        first = int(np.argmax(mask))
        raise raw.error(
            f"duplicate {what}",
            row=i,
            column=column,
            value=value,
            expected=f"each {what} once; first seen on line {int(raw.lines[first])}",
        )


def _weekend_warning(path: Path, dates: pd.DatetimeIndex, spec: FileSpec) -> str | None:
    if spec.shift_caveat and not spec.shift_days:
        return f"{path}: {spec.shift_caveat}"
    n = int((np.asarray(dates.day_of_week) >= 5).sum())
    if n >= 3 and n > 0.05 * len(dates):
        return (
            f"{path}: {n} of {len(dates)} dates fall on a Saturday or Sunday; the dates may be "
            "shifted (check the source; --shift-days N moves them)"
        )
    return None


def _price_rows(
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
        _check_unique(raw, pd.Series(dates), "date", "date")
    else:
        _check_unique(
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
    out["source"] = _source(path)
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
        w = _weekend_warning(path, pd.DatetimeIndex(df["date"]), spec)
        if w:
            notes.append(w)
    return df.reset_index(drop=True), notes


def _series_rows(
    raw: RawTable, spec: FileSpec, table: str, name: str, column: str = "value"
) -> tuple[pd.DataFrame, list[str]]:
    dates = raw.dates("date")
    if spec.shift_days:
        dates = dates + pd.Timedelta(days=spec.shift_days)
    _check_unique(raw, pd.Series(dates), "date", "date")
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
            {"pair": name, "date": dates[keep], "rate": vals[keep], "source": _source(spec.path)}
        )
        w = _weekend_warning(spec.path, dates[keep], spec)
        if w:
            notes.append(w)
    else:
        df = pd.DataFrame(
            {
                "series": name,
                "date": dates[keep],
                "value": vals[keep],
                "vintage": spec.vintage,
                "source": _source(spec.path),
            }
        )
    return df, notes


def _wide_rows(
    raw: RawTable,
    spec: FileSpec,
    date_column: str,
    names: Mapping[str, str],
    *,
    fmt: str = "%Y-%m-%d",
    zero_is_missing: Sequence[str] = (),
) -> pd.DataFrame:
    dates = raw.dates(date_column, fmt=fmt)
    if spec.shift_days:
        dates = dates + pd.Timedelta(days=spec.shift_days)
    _check_unique(raw, pd.Series(dates), date_column, "date")
    parts = []
    for col, series in names.items():
        vals = raw.numbers(col, what="a number or blank")
        keep = ~np.isnan(vals)
        if col in zero_is_missing:
            keep &= vals != 0
        parts.append(pd.DataFrame({"series": series, "date": dates[keep], "value": vals[keep]}))
    df = pd.concat(parts, ignore_index=True)
    df["vintage"] = spec.vintage
    df["source"] = _source(spec.path)
    return df


def _series_name(prefix: str, column: str) -> str:
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9]+', '_', column).strip('_').upper()}"


def _catalogue(
    symbols: Iterable[str], kind: str, tbl: str, currency: object, spec: FileSpec
) -> pd.DataFrame:
    syms = pd.unique(
        np.asarray(
            list(symbols) if not isinstance(symbols, pd.Series) else symbols.to_numpy(dtype=object),
            dtype=object,
        )
    )
    parts = []
    if spec.shift_days:
        parts.append(f"dates shifted by {spec.shift_days:+d} day(s) at import")
    elif spec.shift_caveat:
        parts.append(spec.shift_caveat)
    if spec.note:
        parts.append(spec.note)
    note = "; ".join(parts) or None
    return pd.DataFrame(
        {
            "symbol": syms,
            "kind": kind,
            "tbl": tbl,
            "currency": currency if isinstance(currency, str) or currency is None else None,
            "source": _source(spec.path),
            "notes": note,
        }
    )


def parse_file(spec: FileSpec) -> _Parsed:
    """Read and validate one file into table frames (nothing is written)."""
    if spec.mode == "skip":
        return _Parsed(spec, None, None)
    raw = read_raw_table(spec.path)
    cols = set(raw.frame.columns)
    path = spec.path
    if spec.mode == "shiller":
        _require(raw, ["month"], "Shiller's monthly table (month, P, D, E, CPI, ...)")
        names = {
            c: _series_name("SHILLER", raw.original[c])
            for c in raw.frame.columns
            if c not in ("month", "date_fraction")
        }
        df = _wide_rows(raw, spec, "month", names, fmt="%Y-%m")
        return _macro_parsed(spec, df, names.values())
    if spec.mode == "datahub":
        _require(raw, ["date", "sp500"], "the datahub S&P 500 monthly table")
        names = {
            c: f"DATAHUB_{_DATAHUB_NAMES.get(c, c.upper())}"
            for c in raw.frame.columns
            if c != "date"
        }
        zero = [c for c in names if c != "sp500"]
        df = _wide_rows(raw, spec, "date", names, zero_is_missing=zero)
        p = _macro_parsed(spec, df, names.values())
        p.notes.append(
            "zeros in the columns other than SP500 (after 2023-06 and PE10's first "
            "decade) are missing values in this file and were not imported"
        )
        return p
    if spec.mode == "wide":
        date_col = raw.frame.columns[0]
        names = {c: _series_name(spec.symbol, raw.original[c]) for c in raw.frame.columns[1:]}
        df = _wide_rows(raw, spec, date_col, names)
        return _macro_parsed(spec, df, names.values())

    kind = spec.kind
    ticker_col = "ticker" if "ticker" in cols else "symbol" if "symbol" in cols else None
    # holdings
    if {"as_of", "weight"} <= cols and ticker_col:
        return _holdings(raw, spec, ticker_col)
    if {"symbol", "period_end", "metric", "value"} <= cols:
        return _fundamentals(raw, spec)
    if "date" in cols and "shares" in cols and "close" not in cols:
        return _shares(raw, spec)
    if "date" not in cols:
        raise DataFileError(
            path, "missing required column", line=1, column="date", expected=_PRICE_FORMAT
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
            tick = raw.text(ticker_col)
            blank = (tick == "").to_numpy()
            if blank.any():
                i = int(np.argmax(blank))
                raise raw.error(
                    "missing value",
                    row=i,
                    column=ticker_col,
                    value="",
                    expected="a ticker on every row",
                )
            if spec.exclude:
                keep = ~tick.isin(spec.exclude).to_numpy()
                raw = raw.subset(keep)
                tick = tick[keep].reset_index(drop=True)
            df, notes = _price_rows(raw, spec, kind, tick.to_numpy(dtype=object))
            cat = _catalogue(df["symbol"], kind, "prices", spec.currency, spec)
            return _Parsed(spec, "prices", kind, {"prices": df, "series": cat}, notes)
        df, notes = _price_rows(raw, spec, kind, spec.symbol)
        cur = df["currency"].dropna().iloc[0] if df["currency"].notna().any() else None
        cat = _catalogue([spec.symbol], kind, "prices", cur, spec)
        return _Parsed(spec, "prices", kind, {"prices": df, "series": cat}, notes)
    others = [c for c in raw.frame.columns if c != "date"]
    if others == ["value"] or (len(others) == 1 and kind in ("macro", "fx")):
        col = others[0]
        if kind == "macro":
            df, notes = _series_rows(raw, spec, "macro", spec.symbol, col)
            return _Parsed(
                spec,
                "macro",
                kind,
                {"macro": df, "series": _catalogue([spec.symbol], kind, "macro", None, spec)},
                notes,
            )
        if kind == "fx":
            df, notes = _series_rows(raw, spec, "fx", spec.symbol, col)
            return _Parsed(
                spec,
                "fx",
                kind,
                {"fx": df, "series": _catalogue([spec.symbol], kind, "fx", None, spec)},
                notes,
            )
        df, notes = _price_rows(raw, spec, kind, spec.symbol, value_column=col)
        return _Parsed(
            spec,
            "prices",
            kind,
            {
                "prices": df,
                "series": _catalogue([spec.symbol], kind, "prices", spec.currency, spec),
            },
            notes,
        )
    if kind == "macro" and others:
        names = {c: _series_name(spec.symbol, raw.original[c]) for c in others}
        df = _wide_rows(raw, spec, "date", names)
        return _macro_parsed(spec, df, names.values())
    raise DataFileError(
        path, "missing required column", line=1, column="close", expected=_PRICE_FORMAT
    )


def _require(raw: RawTable, columns: Sequence[str], what: str) -> None:
    for c in columns:
        if c not in raw.frame.columns:
            raise DataFileError(
                raw.path, "missing required column", line=1, column=c, expected=what
            )


def _macro_parsed(spec: FileSpec, df: pd.DataFrame, names: Iterable[str]) -> _Parsed:
    present = pd.unique(df["series"]).tolist()
    cat = _catalogue([n for n in names if n in present], "macro", "macro", None, spec)
    return _Parsed(spec, "macro", "macro", {"macro": df, "series": cat})


def _holdings(raw: RawTable, spec: FileSpec, ticker_col: str) -> _Parsed:
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
    _check_unique(
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
            "source": _source(spec.path),
        }
    )
    return _Parsed(spec, "holdings", None, {"holdings": df})


def _fundamentals(raw: RawTable, spec: FileSpec) -> _Parsed:
    period = raw.dates("period_end")
    sym = raw.text("symbol")
    metric = raw.text("metric")
    for col, s in (("symbol", sym), ("metric", metric)):
        empty = (s == "").to_numpy()
        if empty.any():
            i = int(np.argmax(empty))
            raise raw.error(
                "missing value", row=i, column=col, value="", expected=f"a {col} on every row"
            )
    value = raw.numbers("value", what="a number or blank")
    _check_unique(
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
            "source": _source(spec.path),
        }
    )
    return _Parsed(spec, "fundamentals", None, {"fundamentals": df})


def _shares(raw: RawTable, spec: FileSpec) -> _Parsed:
    dates = raw.dates("date")
    _check_unique(raw, pd.Series(dates), "date", "date")
    shares = raw.numbers("shares", required=True, what="a share count")
    bad = shares <= 0
    if bad.any():
        i = int(np.argmax(bad))
        raise raw.error(
            "non-positive share count",
            row=i,
            column="shares",
            value=raw.text("shares").iloc[i],
            expected="a number of shares > 0",
        )
    src = pd.Series(_source(spec.path), index=raw.frame.index)
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
    return _Parsed(spec, "shares", None, {"shares": df})


# -- the call ------------------------------------------------------------------------------
def import_paths(
    store: Store,
    paths: Iterable[str | Path] | str | Path,
    *,
    kind: str | None = None,
    symbol: str | None = None,
    shift_days: int = 0,
    shift: Mapping[str, int] | None = None,
    replace: bool = False,
    dry_run: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Import files or folders (CSV, ``.csv.gz``, Parquet, or the shared data layout).

    Parameters
    ----------
    store : Store
        The store to write to (opened writable).
    paths : path or iterable of paths
        Files and folders; folders are walked recursively.
    kind : str, optional
        Asset kind for every file (default: the shared layout's folder, else ``equity``).
    symbol : str, optional
        Symbol for every file (default: the file name without extension).
    shift_days : int
        Calendar days added to every date (see :func:`discover` for the shared layout).
    shift : mapping, optional
        Per-symbol shifts ``{"TSMC_2330.TW": 1}``.
    replace : bool
        First delete every stored row of the series being imported (holdings: of the
        snapshots being imported), so the store holds exactly the files' rows. Default:
        upsert by key, keeping stored dates the files do not mention.
    dry_run : bool
        Read and validate everything, write nothing (the report says what would be written).
    on_progress : callable, optional
        Called as ``on_progress(done, total, label)`` after each file is read and once more
        after the write.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataFileError
        A file is malformed; nothing from the call is written.
    InputError, NotFoundError
        Bad arguments, a missing path, or a symbol already stored in another table.
    """
    t0 = time.perf_counter()
    specs = discover(paths, kind=kind, symbol=symbol, shift_days=shift_days, shift=shift)
    total = len(specs) + 1
    parsed: list[_Parsed] = []
    for i, spec in enumerate(specs):
        parsed.append(parse_file(spec))
        if on_progress is not None:
            on_progress(i + 1, total, spec.path.name)
    frames: dict[str, list[pd.DataFrame]] = {}
    for p in parsed:
        for table, df in p.frames.items():
            if len(df):
                frames.setdefault(table, []).append(df)
    merged: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    for table, dfs in frames.items():
        df = pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0]
        keys = list(TABLE_KEYS[table])
        dup = df.duplicated(keys, keep="last")
        if dup.any():
            if table != "series":
                what = sorted(pd.unique(df.loc[dup, keys[0]]).tolist())
                notes.append(
                    f"{len(what)} {table} series given by more than one file in this call "
                    f"({', '.join(map(str, what[:8]))}{' ...' if len(what) > 8 else ''}); the "
                    "later file's rows win on overlapping dates"
                )
            df = df.loc[~dup]
        merged[table] = df
    cat = merged.get("series")
    if cat is not None:
        _check_tables(store, cat)
    if not dry_run:
        _write(store, merged, replace=replace)
    if on_progress is not None:
        on_progress(total, total, "checked" if dry_run else "written")
    files = tuple(p.report() for p in parsed)
    all_warnings = [w for p in parsed for w in p.warnings] + notes
    for w in all_warnings:
        warnings.warn(w, DataQualityWarning, stacklevel=2)
    rows = {t: len(merged[t]) for t in TABLE_COLUMNS if t in merged and t != "series"}
    return ImportReport(
        files=files,
        rows=rows,
        warnings=tuple(all_warnings),
        seconds=time.perf_counter() - t0,
        store=str(store.path),
        series=0 if cat is None else len(cat),
        dry_run=dry_run,
    )


def _write(store: Store, merged: Mapping[str, pd.DataFrame], *, replace: bool) -> None:
    """One transaction: optional deletes of the series being replaced, then upserts."""
    with store.transaction() as con:
        for table in TABLE_COLUMNS:
            df = merged.get(table)
            if df is None or not len(df):
                continue
            if replace and table in REPLACE_KEYS:
                keys = list(REPLACE_KEYS[table])
                con.register("_bw_keys", df[keys].drop_duplicates())
                try:
                    cond = " AND ".join(
                        f"{table}.{k} = CAST(_bw_keys.{k} AS DATE)"
                        if k in _DATE_COLUMNS
                        else f"{table}.{k} = _bw_keys.{k}"
                        for k in keys
                    )
                    con.execute(f"DELETE FROM {table} USING _bw_keys WHERE {cond}")
                finally:
                    con.unregister("_bw_keys")
            cols = TABLE_COLUMNS[table]
            select = ", ".join(f"CAST({c} AS DATE)" if c in _DATE_COLUMNS else c for c in cols)
            con.register("_bw_incoming", df[list(cols)])
            try:
                con.execute(
                    f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) SELECT {select} FROM _bw_incoming"
                )
            finally:
                con.unregister("_bw_incoming")


def _check_tables(store: Store, cat: pd.DataFrame) -> None:
    """A symbol lives in one table: refuse to move it (it would leave stale rows behind)."""
    dup = cat.duplicated("symbol", keep=False)
    if dup.any():
        sym = cat.loc[dup, "symbol"].iloc[0]
        tbls = sorted(set(cat.loc[cat["symbol"] == sym, "tbl"]))
        if len(tbls) > 1:
            raise InputError(
                f"symbol '{sym}' would go to two tables ({', '.join(tbls)}) in this call; "
                "use --symbol to give one of the files another name"
            )
    existing = store.query("SELECT symbol, kind, tbl FROM series")
    if existing.empty:
        return
    both = cat.merge(existing, on="symbol", suffixes=("", "_old"))
    clash = both[both["tbl"] != both["tbl_old"]]
    if len(clash):
        r = clash.iloc[0]
        raise InputError(
            f"symbol '{r.symbol}' is already stored in table {r.tbl_old} (kind {r.kind_old}); "
            f"this import would put it in table {r.tbl} (kind {r.kind}). Use --symbol to import "
            "it under another name or --kind to match the stored kind"
        )


# -- a read-only store built from a --data folder ------------------------------------------
def _cache_base() -> Path:
    home = os.environ.get("BUBBLEWATCH_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".local" / "share" / "bubblewatch"
    return base / "cache"


def data_dir_fingerprint(data_dir: str | Path, *, shift_days: int = 0) -> str:
    """Hash of the relative paths, sizes and modification times of the files under ``data_dir``
    (plus the importer version and the import options)."""
    root = Path(data_dir).resolve()
    h = hashlib.sha256(f"bubblewatch-importer-{IMPORTER_VERSION}:{shift_days}\n".encode())
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def open_data_dir_store(
    data_dir: str | Path, *, shift_days: int = 0, cache_dir: str | Path | None = None
) -> Store:
    """A read-only store holding everything under ``data_dir`` (e.g. ``../shared/data``).

    Built once into ``$BUBBLEWATCH_HOME/cache/<hash>.duckdb`` (default
    ``~/.local/share/bubblewatch/cache``) and reused until a file under ``data_dir`` changes
    (path, size or modification time). ``shift_days`` is passed to :func:`import_paths`
    (in the shared layout it moves only the files documented as shifted). The caller closes
    the returned store.
    """
    root = Path(data_dir).expanduser()
    if not root.is_dir():
        raise NotFoundError(f"data folder {root} does not exist")
    base = Path(cache_dir) if cache_dir is not None else _cache_base()
    base.mkdir(parents=True, exist_ok=True)
    target = base / f"{data_dir_fingerprint(root, shift_days=shift_days)}.duckdb"
    if not target.exists():
        tmp = base / f".{target.stem}.{os.getpid()}.{time.time_ns()}.tmp.duckdb"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataQualityWarning)
                with Store(tmp, private=True) as st:
                    import_paths(st, [root], shift_days=shift_days)
            os.replace(tmp, target)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                if leftover.exists():
                    leftover.unlink()
    return Store(target, read_only=True)
