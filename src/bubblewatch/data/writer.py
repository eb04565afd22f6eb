"""The one writer into the store: every insert and delete of every table goes through here.

- :func:`write_transaction` -- the transaction every writer uses (the importer, the bundled
  datasets, the providers' cache): all or nothing; a full disk rolls it back and raises
  :class:`~bubblewatch.errors.NoSpaceError` (the store writes a private copy and publishes it
  at commit, :mod:`bubblewatch.data.store_file`, so the space goes back with the copy).
- :func:`put_rows` -- the only ``INSERT`` / ``DELETE`` code, in three modes: ``rows`` (upsert
  by the table's key), ``range`` (replace each series' rows in the incoming date range: a
  provider's refetched window) and ``series`` (replace every row of each incoming series).
- :func:`write_frames` -- an import's tables in one transaction; :func:`check_tables` refuses
  a symbol that would move to another table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from bubblewatch.data.schema import FUNDAMENTALS_COLUMNS
from bubblewatch.data.store import Store
from bubblewatch.errors import DISK_FULL_MESSAGE, InputError, NoSpaceError, is_disk_full

__all__ = [
    "DATE_COLUMNS",
    "PRICE_COLUMNS",
    "REPLACE_KEYS",
    "TABLE_COLUMNS",
    "TABLE_KEYS",
    "check_tables",
    "put_rows",
    "relabel_sources",
    "write_frames",
    "write_transaction",
]

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
    "fundamentals": FUNDAMENTALS_COLUMNS,
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
DATE_COLUMNS = {"date", "period_end", "as_of", "filed"}


#: ``rows``: upsert by key; ``range``: replace each series' rows between its first and last
#: incoming date; ``series``: replace every stored row of each incoming series
ReplaceMode = Literal["rows", "range", "series"]


@contextmanager
def write_transaction(store: Store) -> Iterator[duckdb.DuckDBPyConnection]:
    """The transaction of every write into ``store``: commit (and publish, see
    :class:`~bubblewatch.data.store.Store`) on success, roll back on any exception, Ctrl-C
    included.

    Raises
    ------
    NoSpaceError
        The device holding the store filled up during the write: it was rolled back, the
        store's private copy that took the space deleted and the store closed (reopen it to
        go on); exit code 2 on the command line.
    """
    try:
        with store.transaction() as con:
            yield con
    except Exception as exc:
        if not (isinstance(exc, NoSpaceError) or is_disk_full(exc)):
            raise
        store.discard()  # the private copy that took the space goes now
        if isinstance(exc, NoSpaceError):  # the store's publish said so already
            raise
        where = Path(str(store.path)).parent
        raise NoSpaceError(
            f"{DISK_FULL_MESSAGE} ({where}); the space used by the attempt was returned and "
            "the store closed. Free some space and run the command again"
        ) from exc


def _key_condition(table: str, keys: tuple[str, ...], other: str) -> str:
    return " AND ".join(
        f"{table}.{k} = CAST({other}.{k} AS DATE)"
        if k in DATE_COLUMNS
        else f"{table}.{k} = {other}.{k}"
        for k in keys
    )


def put_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    df: pd.DataFrame,
    *,
    replace: ReplaceMode = "rows",
) -> None:
    """Write ``df`` (columns :data:`TABLE_COLUMNS` ``[table]``) into ``table``.

    ``con`` is inside :func:`write_transaction`. ``replace`` says which stored rows go first
    (see :data:`ReplaceMode`); the rows are then upserted by the table's key.
    """
    if not len(df):
        return
    cols = TABLE_COLUMNS[table]
    name = f"_bw_in_{table}"
    con.register(name, df[list(cols)])
    try:
        if replace == "series" and table in REPLACE_KEYS:
            keys = REPLACE_KEYS[table]
            distinct = ", ".join(keys)
            con.execute(
                f"DELETE FROM {table} USING (SELECT DISTINCT {distinct} FROM {name}) AS k "
                f"WHERE {_key_condition(table, keys, 'k')}"
            )
        elif replace == "range" and table in REPLACE_KEYS and "date" in cols:
            key = REPLACE_KEYS[table][0]
            con.execute(
                f"DELETE FROM {table} USING (SELECT {key}, min(CAST(date AS DATE)) AS a, "
                f"max(CAST(date AS DATE)) AS b FROM {name} GROUP BY {key}) AS r "
                f"WHERE {table}.{key} = r.{key} AND {table}.date BETWEEN r.a AND r.b"
            )
        else:
            # upsert: the stored rows with an incoming key go first, then a plain INSERT
            # (a third less memory than INSERT OR REPLACE on a large import)
            keys = TABLE_KEYS[table]
            distinct = ", ".join(
                f"CAST({k} AS DATE) AS {k}" if k in DATE_COLUMNS else k for k in keys
            )
            cond = " AND ".join(f"{table}.{k} = k.{k}" for k in keys)
            con.execute(
                f"DELETE FROM {table} USING (SELECT DISTINCT {distinct} FROM {name}) AS k "
                f"WHERE {cond}"
            )
        select = ", ".join(f"CAST({c} AS DATE)" if c in DATE_COLUMNS else c for c in cols)
        con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {name}")
    finally:
        # after a failed statement DuckDB refuses everything but ROLLBACK: keep the first error
        with contextlib.suppress(duckdb.Error):
            con.unregister(name)


def relabel_sources(con: duckdb.DuckDBPyConnection, prefix: str, label: str) -> None:
    """Replace the leading ``prefix`` of every row's ``source`` in every table by
    ``label + ": "`` (inside the caller's transaction). The episode pack uses it so that its
    rows name the pack file and the pack's content hash, not an install path."""
    for table in TABLE_COLUMNS:
        con.execute(
            f"UPDATE {table} SET source = ? || ': ' || substr(source, ?) "
            "WHERE starts_with(source, ?)",
            [label, len(prefix) + 1, prefix],
        )


def write_frames(store: Store, merged: Mapping[str, pd.DataFrame], *, replace: bool) -> None:
    """An import's tables in one transaction: with ``replace`` every stored row of each
    incoming series is deleted first, else the rows are upserted by key."""
    with write_transaction(store) as con:
        for table in TABLE_COLUMNS:
            df = merged.get(table)
            if df is not None:
                put_rows(con, table, df, replace="series" if replace else "rows")


def check_tables(store: Store, cat: pd.DataFrame) -> None:
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
