"""No look-ahead: the status on a date from the full store equals, bit for bit, the status
from a store truncated at that date (the must-show of issue 13)."""

from __future__ import annotations

import json

import pytest

from bubblewatch.data.status_inputs import status_inputs
from bubblewatch.data.store import Store
from bubblewatch.data.tables import write_prices
from bubblewatch.status import asset_status

#: (symbol, pieces in the store, dates): NVDA before and after the join of NVDA_LONG and
#: NVDA (2025-12-31); AMD after its 2024-12-06..2025-02-28 gap
CASES = [
    ("NVDA", ("NVDA_LONG", "NVDA"), ("2024-06-18", "2025-10-29", "2026-01-15")),
    ("AMD", ("AMD_LONG", "AMD"), ("2025-06-30",)),
]


def _truncated(full: Store, symbols: tuple[str, ...], day: str, path) -> Store:
    st = Store(path)
    with st.transaction() as con:
        for sym in symbols:
            prices = full.prices(sym, end=day).reset_index()
            row = full.query("SELECT kind, source FROM series WHERE symbol = ?", [sym]).iloc[0]
            write_prices(con, sym, prices, kind=row["kind"], source=row["source"])
    return st


def _payload(status) -> str:
    d = status.to_dict()
    return json.dumps(d, sort_keys=True)  # floats in repr: equal strings = equal bits


@pytest.mark.parametrize(("symbol", "pieces", "dates"), CASES)
def test_truncated_store_gives_the_same_status(shared_store, tmp_path, symbol, pieces, dates):
    full = status_inputs(shared_store, symbol)
    for day in dates:
        a = asset_status(full.history, as_of=day, symbol=symbol)
        with _truncated(shared_store, pieces, day, tmp_path / f"{symbol}-{day}.duckdb") as st:
            cut = status_inputs(st, symbol)
            assert cut.history.close.index[-1] <= full.history.close.index[-1]
            b = asset_status(cut.history, as_of=day, symbol=symbol)
        assert _payload(a) == _payload(b), f"{symbol} on {day}"
        assert a.level == b.level and a.signals.psy.bsadf == b.signals.psy.bsadf
