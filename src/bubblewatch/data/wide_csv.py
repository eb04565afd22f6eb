"""Read a "wide" CSV: one date column and one column per series (spillover inputs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bubblewatch.errors import DataFileError

__all__ = ["read_wide_csv"]


def read_wide_csv(path: str | Path) -> pd.DataFrame:
    """A CSV with a date column (``date``, ``Index`` or the first column) and value columns.

    A single value column named ``value`` or ``close`` takes the file's name. Rows are
    sorted by date; a duplicated date, an unparsable date or a non-number raises
    :class:`~bubblewatch.errors.DataFileError` naming the line and the column.
    """
    path = Path(path)
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot read file ({exc})") from exc
    if df.shape[1] < 2:
        raise DataFileError(path, "needs a date column and at least one value column", line=1)
    cols = {str(c).strip().lower(): c for c in df.columns}
    dcol = cols.get("date", cols.get("index", df.columns[0]))
    if pd.api.types.is_numeric_dtype(df[dcol]):  # numbers would parse as epoch nanoseconds
        raise DataFileError(
            path,
            "no date column",
            line=2,
            column=str(dcol),
            value=str(df[dcol].iloc[0]),
            expected="a 'date' column (or a first column) of ISO dates YYYY-MM-DD",
        )
    dates = pd.to_datetime(df[dcol], errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().argmax())
        raise DataFileError(
            path,
            "unparsable date",
            line=i + 2,
            column=str(dcol),
            value=df[dcol].iloc[i],
            expected="an ISO date YYYY-MM-DD",
        )
    out = df.drop(columns=[dcol])
    for c in out.columns:
        vals = pd.to_numeric(out[c], errors="coerce")
        bad = vals.isna() & out[c].notna()
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise DataFileError(
                path,
                "not a number",
                line=i + 2,
                column=str(c),
                value=out[c].iloc[i],
                expected="a number",
            )
        out[c] = vals.astype(float)
    out.index = pd.DatetimeIndex(dates, name="date")
    if out.shape[1] == 1 and str(out.columns[0]).lower() in ("value", "close"):
        out.columns = [path.stem]
    if out.index.duplicated().any():
        d = out.index[out.index.duplicated()][0]
        raise DataFileError(path, "duplicate date", column=str(dcol), value=str(d.date()))
    return out.sort_index()
