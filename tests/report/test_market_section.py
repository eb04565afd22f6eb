"""The market report section: built from the shared store, and degrading to `missing` without data."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.data.store import Store
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import market


@pytest.mark.shared
def test_market_section_shared(shared_store):
    ctx = ReportContext(store=shared_store, symbols=["NVDA"], as_of=pd.Timestamp("2026-05-21"))
    out = market.build(ctx)
    assert out.id == "market"
    assert "-4.40%" in out.html and "-3.96%" in out.html and "-3.15%" in out.html
    assert "Diebold-Yilmaz" in out.html
    # close + dates, reaction heat map, spillover table, rolling total, rolling correlations
    assert len(out.figures) == 5
    assert "GOLD_GC=F-WTI_CL=F" in out.html
    assert out.missing == ()


def test_market_section_empty_store(tmp_path):
    with Store(tmp_path / "empty.duckdb") as st:
        out = market.build(ReportContext(store=st, symbols=[], as_of=pd.Timestamp("2026-01-01")))
    assert out.missing and any("NVDA" in m for m in out.missing)
    assert out.figures == ()
