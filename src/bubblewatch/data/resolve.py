"""One resolver turns a SOURCE argument (a CSV/Parquet path or a symbol in the store) into a Series.

Every command uses it, so ``psy``, ``lppls``, ``market`` and ``report`` read data the same way.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, NotFoundError

__all__ = ["read_series_file", "resolve_series"]


def read_series_file(path: str | Path, column: str = "close") -> pd.Series:
    """Read ``date`` and ``column`` from a CSV or Parquet file into a float Series.

    A file with a ``date`` column and a single other column uses that column whatever
    its name (``date,value`` files).
    """
    p = Path(path)
    try:
        df = pd.read_parquet(p) if p.suffix == ".parquet" else pd.read_csv(p)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(p, f"cannot read file ({exc})") from exc
    cols = {str(c).strip().lower(): c for c in df.columns}
    if "date" not in cols:
        raise DataFileError(
            p, "missing required column", line=1, column="date", expected="a 'date' column"
        )
    others = [c for c in df.columns if c != cols["date"]]
    if column.lower() in cols:
        col = cols[column.lower()]
    elif len(others) == 1:
        col = others[0]
    else:
        raise DataFileError(
            p,
            "missing required column",
            line=1,
            column=column,
            expected=f"one of the columns {', '.join(map(str, others))} (use --column)",
        )
    dates = pd.to_datetime(df[cols["date"]], errors="coerce")
    bad = dates.isna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataFileError(
            p,
            "unparsable date",
            line=i + 2,
            column="date",
            value=df[cols["date"]].iloc[i],
            expected="an ISO date YYYY-MM-DD",
        )
    values = pd.to_numeric(df[col], errors="coerce")
    s = pd.Series(values.to_numpy(float), index=pd.DatetimeIndex(dates, name="date"), name=p.stem)
    s = s[~s.index.duplicated(keep="last")].sort_index()
    return s.dropna()


def resolve_series(
    source: str | Path, *, column: str = "close", store: Store | str | Path | None = None
) -> pd.Series:
    """Turn SOURCE (an existing CSV/Parquet file, else a symbol in the store) into a Series.

    Parameters
    ----------
    source : str or Path
        A file path with a ``date`` column, or a symbol/series name in the store.
    column : str
        Price column for price series (ignored for FX and macro series).
    store : Store, path or None
        The store to look the symbol up in (default store when None).
    """
    p = Path(source)
    if p.suffix.lower() in {".csv", ".parquet", ".gz"} or p.exists():
        if not p.exists():
            raise NotFoundError(f"file {p} does not exist")
        return read_series_file(p, column)
    if isinstance(store, Store):
        return store.series(str(source), column)
    path = store if store is not None else None
    try:
        st = Store(path, read_only=True)
    except NotFoundError as exc:
        raise NotFoundError(
            f"'{source}' is neither a file nor a symbol in the store: {exc}"
        ) from exc
    with st:
        return st.series(str(source), column)
