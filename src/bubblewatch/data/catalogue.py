"""The store's catalogue as records: the one converter behind ``data list --json`` and the
web API's ``/api/series``.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"symbol": ["NVDA"], "kind": ["equity"], "rows": [3],
...                       "first": [pd.Timestamp("2025-01-02")], "last": [pd.Timestamp("2025-01-06")],
...                       "source": [None]})
>>> catalogue_records(frame)
[{'symbol': 'NVDA', 'kind': 'equity', 'rows': 3, 'first': '2025-01-02', 'last': '2025-01-06', 'source': None}]
>>> catalogue_records(frame, fields=("symbol", "rows"))
[{'symbol': 'NVDA', 'rows': 3}]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from bubblewatch.series import iso_date

__all__ = ["CATALOGUE_FIELDS", "catalogue_records"]

#: the fields of a catalogue record, in order
CATALOGUE_FIELDS = ("symbol", "kind", "rows", "first", "last", "source")


def _field(name: str, value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if name == "rows":
        return int(value)
    if name in ("first", "last"):
        return iso_date(pd.Timestamp(value).normalize())
    return value


def catalogue_records(
    frame: pd.DataFrame, fields: Sequence[str] = CATALOGUE_FIELDS
) -> list[dict[str, Any]]:
    """Rows of :meth:`Store.list_series() <bubblewatch.data.store.Store.list_series>` as
    JSON-ready dicts: ``rows`` an int, ``first``/``last`` ISO dates, missing values ``None``.

    Parameters
    ----------
    frame : DataFrame
        ``Store.list_series()``.
    fields : sequence of str
        The fields to keep, among :data:`CATALOGUE_FIELDS`.
    """
    unknown = [f for f in fields if f not in CATALOGUE_FIELDS]
    if unknown:
        raise ValueError(f"unknown catalogue field(s) {unknown}; use {CATALOGUE_FIELDS}")
    return [{f: _field(f, row[f]) for f in fields} for row in frame.to_dict(orient="records")]
