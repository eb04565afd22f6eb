"""Store scans read what `bubblewatch status` reads: resolved histories, fundamentals, CAPE."""

from __future__ import annotations

import json

import pytest

from bubblewatch.data.scan_inputs import instruments, store_universe
from bubblewatch.data.status_inputs import cape_series, status_inputs
from bubblewatch.scan import scan
from bubblewatch.status import asset_status


def test_instruments_fold_history_pieces():
    stored = ["AMD_LONG", "AMD", "NASDAQ_COMPOSITE_1971_2020", "NASDAQ_COMPOSITE_2025_2026", "Q"]
    assert instruments(stored, stored) == ["AMD", "NASDAQ_COMPOSITE", "Q"]


@pytest.mark.shared
@pytest.mark.slow
def test_a_store_scan_gives_the_status_of_bubblewatch_status(shared_store):
    uni = store_universe(shared_store, ["NVDA", "NASDAQ_COMPOSITE"])
    assert "fundamentals" in uni.extras["NVDA"] and "cape" in uni.extras["NASDAQ_COMPOSITE"]
    assert any("NASDAQ_COMPOSITE = NASDAQ_COMPOSITE_1971_2020" in n for n in uni.notes)
    res = scan(uni.series, ["status"], as_of="2025-11-20", extras=uni.extras)
    rows = res.to_frame().set_index("symbol")
    cape = cape_series(shared_store)
    for sym in ("NVDA", "NASDAQ_COMPOSITE"):
        inp = status_inputs(shared_store, sym)
        st = asset_status(
            inp.history,
            as_of="2025-11-20",
            fundamentals=inp.fundamentals,
            symbol=sym,
            cape=cape if inp.index_level else None,
        )
        assert rows.loc[sym, "status_level"] == st.level
        assert json.loads(rows.loc[sym, "status_reasons"]) == json.loads(
            json.dumps([r.to_dict() for r in st.reasons])
        )
