"""The AI-complex connectedness section: built from the shared store; says what it lacks."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from bubblewatch.data.store import Store
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import connectedness as section

QUICK = {"fast": True, "connectedness_boot": 8, "sweep_boot": 4}


@pytest.mark.shared
def test_section_from_shared_store(shared_store):
    df, notes = section.ai_complex_returns(shared_store)
    assert {"NVDA", "AMD", "TSM", "SK Hynix", "SOX"} <= set(df.columns)
    assert len(df) >= section.MIN_COMMON and df.notna().all().all()
    assert any(n.startswith("BTC") for n in notes)  # starts 2025-09: it would halve the sample
    res, _ = section.ai_complex_results(shared_store, options=QUICK)
    assert set(res) == {"tvp_var", "change_test", "frequency", "sweep"}
    for r in res.values():  # the dashboard's input: one JSON serialisation, one figure each
        json.loads(r.to_json())
        assert r.plot() is not None
    ctx = ReportContext(
        store=shared_store, symbols=["NVDA"], as_of=pd.Timestamp("2026-05-21"), options=QUICK
    )
    out = section.build(ctx)
    assert out.id == "connectedness" and len(out.figures) == 4
    assert "2025-11-20" in out.html and "NVDA's NET" in out.html and "left tail" in out.html
    assert any("BTC" in m for m in out.missing) and any("NASDAQ" in m for m in out.missing)


def test_section_empty_store(tmp_path):
    with Store(tmp_path / "empty.duckdb") as st:
        out = section.build(ReportContext(store=st, symbols=[], as_of=pd.Timestamp("2026-01-01")))
    assert out.figures == () and out.missing
    assert any("NVDA" in m for m in out.missing)
