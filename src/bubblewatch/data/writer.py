"""The transactional write of an import: every table's rows in one transaction, or nothing.

:func:`check_tables` refuses a symbol that would move to another table; :func:`write_frames`
deletes the series being replaced (``replace=True``) and upserts the rows by the table's key.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from bubblewatch.data.store import Store
from bubblewatch.errors import InputError

__all__ = [
    "DATE_COLUMNS",
    "PRICE_COLUMNS",
    "REPLACE_KEYS",
    "TABLE_COLUMNS",
    "TABLE_KEYS",
    "check_tables",
    "write_frames",
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
    "fundamentals": (
        "symbol",
        "fiscal_period",
        "period_end",
        "metric",
        "value",
        "unit",
        "form",
        "filed",
        "source",
        "note",
        "warning",
    ),
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


def write_frames(store: Store, merged: Mapping[str, pd.DataFrame], *, replace: bool) -> None:
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
                        if k in DATE_COLUMNS
                        else f"{table}.{k} = _bw_keys.{k}"
                        for k in keys
                    )
                    con.execute(f"DELETE FROM {table} USING _bw_keys WHERE {cond}")
                finally:
                    con.unregister("_bw_keys")
            cols = TABLE_COLUMNS[table]
            select = ", ".join(f"CAST({c} AS DATE)" if c in DATE_COLUMNS else c for c in cols)
            con.register("_bw_incoming", df[list(cols)])
            try:
                con.execute(
                    f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}) SELECT {select} FROM _bw_incoming"
                )
            finally:
                con.unregister("_bw_incoming")


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
