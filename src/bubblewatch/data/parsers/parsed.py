"""What parsing one file gives (:class:`Parsed`: table frames, warnings, notes) and the checks
every per-kind parser shares (unique keys, required columns, the catalogue rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import RawTable
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.import_report import FileReport
from bubblewatch.data.writer import TABLE_KEYS
from bubblewatch.errors import DataFileError

__all__ = ["Parsed", "catalogue", "check_unique", "require_columns", "source_of"]


@dataclass
class Parsed:
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


def source_of(path: Path) -> str:
    return str(path.resolve())


def check_unique(raw: RawTable, keys: pd.DataFrame | pd.Series, column: str, what: str) -> None:
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
            value = raw.cell(column, i)
        first = int(np.argmax(mask))
        raise raw.error(
            f"duplicate {what}",
            row=i,
            column=column,
            value=value,
            expected=f"each {what} once; first seen on line {int(raw.lines[first])}",
        )


def require_columns(raw: RawTable, columns: Sequence[str], what: str) -> None:
    for c in columns:
        if c not in raw.frame.columns:
            raise DataFileError(
                raw.path, "missing required column", line=1, column=c, expected=what
            )


def catalogue(
    symbols: Iterable[str], kind: str, tbl: str, currency: object, spec: FileSpec
) -> pd.DataFrame:
    syms = (
        symbols.unique()
        if isinstance(symbols, pd.Series)
        else pd.unique(np.asarray(list(symbols), dtype=object))
    )
    syms = np.asarray(syms, dtype=object)
    parts = []
    if spec.shift_days:
        day = "day" if abs(spec.shift_days) == 1 else "days"
        parts.append(
            f"dates shifted by {spec.shift_days:+d} {day} at import"
            + (f" ({spec.shift_caveat})" if spec.shift_caveat else "")
        )
    elif spec.shift_caveat:
        parts.append(spec.shift_caveat + "; imported unshifted on request")
    if spec.note:
        parts.append(spec.note)
    note = "; ".join(parts) or None
    return pd.DataFrame(
        {
            "symbol": syms,
            "kind": kind,
            "tbl": tbl,
            "currency": currency if isinstance(currency, str) or currency is None else None,
            "source": source_of(spec.path),
            "notes": note,
        }
    )
