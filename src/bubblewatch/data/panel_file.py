"""Read a long-format panel file (symbol, date, close[, volume]) into one series per symbol.

Used by ``bubblewatch scan --panel FILE`` to scan a universe without importing it. The file
is CSV, gzip'd CSV or Parquet with a ``symbol`` (or ``ticker``) column, a ``date`` column
and the price column (``close`` by default). It is checked like an import
(:mod:`bubblewatch.data.csv_reader`): a bad date, text in the price column, a blank symbol
or the same (symbol, date) twice raise :class:`~bubblewatch.errors.DataFileError` naming
the line(s). What is accepted but worth knowing is returned as notes, never silently:
rows out of date order within a symbol (they are sorted) and blank prices (kept as
missing values, which the scan counts per series).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import normalise_column, read_raw_table
from bubblewatch.errors import DataFileError, NotFoundError

__all__ = ["Panel", "read_panel_file"]


@dataclasses.dataclass(frozen=True)
class Panel:
    """The series of a panel file (in order of first appearance) and notes on the input;
    ``volume`` holds each symbol's volumes when the file has a ``volume`` column."""

    series: dict[str, pd.Series]
    notes: tuple[str, ...]
    path: str
    rows: int
    volume: dict[str, pd.Series] | None = None

    def frames(self) -> dict[str, pd.DataFrame | pd.Series]:
        """Each symbol's closes, as a ``close``/``volume`` frame when there are volumes."""
        if self.volume is None:
            return dict(self.series)
        return {
            k: pd.DataFrame({"close": v, "volume": self.volume[k]}) for k, v in self.series.items()
        }


def read_panel_file(path: str | Path, column: str = "close") -> Panel:
    """Read and check a long panel file (see the module docstring).

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp()
    >>> p = os.path.join(d, "panel.csv")
    >>> _ = open(p, "w").write(
    ...     "symbol,date,close\\nA,2025-01-03,11\\nA,2025-01-02,10\\nB,2025-01-02,5\\n")
    >>> panel = read_panel_file(p)
    >>> list(panel.series), panel.series["A"].tolist()
    (['A', 'B'], [10.0, 11.0])
    >>> panel.notes[0].startswith("rows of 1 symbol(s) were not in date order")
    True
    """
    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"--panel {p}: no such file")
    raw = read_raw_table(p)
    cols = list(raw.frame.columns)
    sym_col = "symbol" if "symbol" in cols else "ticker" if "ticker" in cols else None
    expected = "a long panel: symbol,date,close[,volume] (one row per symbol and date)"
    if sym_col is None:
        raise DataFileError(
            p, "missing required column", line=1, column="symbol", expected=expected
        )
    if "date" not in cols:
        raise DataFileError(p, "missing required column", line=1, column="date", expected=expected)
    col = normalise_column(column)
    if col not in cols:
        raise DataFileError(
            p,
            "missing required column",
            line=1,
            column=column,
            expected=f"{expected}; the file has {', '.join(raw.original[c] for c in cols)} "
            "(choose the price column with --column)",
        )
    symbols = raw.text(sym_col)
    blank = (symbols == "").to_numpy()
    if blank.any():
        i = int(np.argmax(blank))
        raise raw.error("missing symbol", row=i, column=sym_col, value="", expected="a symbol")
    dates = raw.dates("date")
    values = raw.numbers(col, what="a price")
    volumes = (
        raw.numbers("volume", what="a volume") if "volume" in cols else np.full(len(values), np.nan)
    )
    frame = pd.DataFrame(
        {
            "symbol": symbols.to_numpy(),
            "date": dates,
            "value": values,
            "volume": volumes,
            "line": raw.lines,
        }
    )
    dup = frame.duplicated(["symbol", "date"], keep=False).to_numpy()
    if dup.any():
        first = frame[dup].iloc[0]
        same = frame[dup & (frame["symbol"] == first["symbol"]).to_numpy()]
        same = same[same["date"] == first["date"]]
        lines = ", ".join(str(v) for v in same["line"])
        raise DataFileError(
            p,
            f"the same symbol and date appear on lines {lines} "
            f"({int(dup.sum())} rows in repeated pairs in all)",
            line=int(first["line"]),
            column=raw.original.get("date", "date"),
            value=f"{first['symbol']} {pd.Timestamp(first['date']).date()}",
            expected="one row per (symbol, date): remove the repeated rows",
        )
    notes = []
    out: dict[str, pd.Series] = {}
    vols: dict[str, pd.Series] = {}
    unsorted: list[tuple[str, int, pd.Timestamp, pd.Timestamp]] = []
    for sym, g in frame.groupby("symbol", sort=False):
        d = g["date"].to_numpy()
        back = np.flatnonzero(d[1:] < d[:-1])
        if back.size:
            j = int(back[0]) + 1
            unsorted.append(
                (str(sym), int(g["line"].iloc[j]), g["date"].iloc[j], g["date"].iloc[j - 1])
            )
            g = g.sort_values("date", kind="stable")
        idx = pd.DatetimeIndex(g["date"], name="date")
        out[str(sym)] = pd.Series(g["value"].to_numpy(), index=idx, name=str(sym))
        vols[str(sym)] = pd.Series(g["volume"].to_numpy(), index=idx, name="volume")
    if unsorted:
        sym, line, d_now, d_before = unsorted[0]
        notes.append(
            f"rows of {len(unsorted)} symbol(s) were not in date order (first: {sym} on "
            f"line {line}, {d_now.date()} after {d_before.date()}); sorted by date"
        )
    missing = np.isnan(values)
    if missing.any():
        i = int(np.argmax(missing))
        notes.append(
            f"{int(missing.sum())} blank {raw.original.get(col, col)} cell(s) (first: line "
            f"{int(raw.lines[i])}, {symbols.iloc[i]}) kept as missing values; the scan "
            "drops and counts them per series"
        )
    has_volume = "volume" in cols and bool(np.isfinite(volumes).any())
    return Panel(
        series=out,
        notes=tuple(notes),
        path=str(p),
        rows=len(frame),
        volume=vols if has_volume else None,
    )
