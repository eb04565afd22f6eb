"""One resolver turns a SOURCE argument (a CSV/Parquet path or a symbol in the store) into a Series.

Every command uses it, so ``psy``, ``lppls``, ``market`` and ``report`` read data the same way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bubblewatch.data.csv_reader import normalise_column, read_raw_table
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, NotFoundError

__all__ = ["read_series_file", "resolve_series"]


def read_series_file(
    path: str | Path, column: str = "close", *, keep_missing: bool = False
) -> pd.Series:
    """Read ``date`` and ``column`` from a CSV or Parquet file into a float Series.

    A file with a ``date`` column and a single other column uses that column whatever
    its name (``date,value`` files). The file is checked like an import (see
    :mod:`bubblewatch.data.csv_reader`): bad dates, text in the column, duplicate dates
    raise :class:`~bubblewatch.errors.DataFileError` naming the line. Blank cells are
    dropped; rows are returned in date order.
    """
    p = Path(path)
    raw = read_raw_table(p)
    cols = list(raw.frame.columns)
    if "date" not in cols:
        raise DataFileError(
            p, "missing required column", line=1, column="date", expected="a 'date' column"
        )
    others = [c for c in cols if c != "date"]
    want = normalise_column(column)
    if want in cols:
        col = want
    elif len(others) == 1:
        col = others[0]
    else:
        raise DataFileError(
            p,
            "missing required column",
            line=1,
            column=column,
            expected="one of the columns "
            + ", ".join(raw.original[c] for c in others)
            + " (use --column)",
        )
    dates = raw.dates("date")
    dup = dates.duplicated()
    if dup.any():
        i = int(np.argmax(dup))
        raise raw.error(
            "duplicate date",
            row=i,
            column="date",
            value=raw.text("date").iloc[i],
            expected="each date once",
        )
    values = raw.numbers(col, what="a number")
    s = pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), name=p.stem)
    s = s.sort_index()
    return s if keep_missing else s.dropna()


def resolve_series(
    source: str | Path,
    *,
    column: str = "close",
    store: Store | str | Path | None = None,
    keep_missing: bool = False,
) -> pd.Series:
    """Turn SOURCE (an existing CSV/Parquet file, else a symbol in the store) into a Series.

    Parameters
    ----------
    source : str or Path
        A file path with a ``date`` column, or a symbol/series name in the store.
    column : str
        Price column for price series (ignored for FX and macro series).
    store : Store, path or None
        The store to look the symbol up in (when None: the default store, or the embedded
        default data while it is absent or empty; see
        :func:`~bubblewatch.data.default_data.open_reader`).
    keep_missing : bool
        For a file, keep rows whose value is blank or NaN (as NaN) instead of dropping
        them (see :func:`read_series_file`); store series have no missing values.
    """
    p = Path(source)
    if p.suffix.lower() in {".csv", ".parquet", ".gz"} or p.exists():
        if not p.exists():
            raise NotFoundError(f"file {p} does not exist")
        return read_series_file(p, column, keep_missing=keep_missing)
    if isinstance(store, Store):
        return store.series(str(source), column)
    from bubblewatch.data.default_data import open_reader

    try:
        st = open_reader(store)
    except NotFoundError as exc:
        raise NotFoundError(
            f"'{source}' is neither a file nor a symbol in the store: {exc}"
        ) from exc
    with st:
        return st.series(str(source), column)
