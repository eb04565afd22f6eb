"""Report sections of valuation, macro and claims: build on shared data, say what is missing."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.data.store import Store
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import claims, macro, valuation

BUILDERS = (valuation.build, macro.build, claims.build)


def test_sections_name_missing_data_on_an_empty_store():
    with Store(":memory:") as st:
        ctx = ReportContext(store=st, symbols=[], as_of=pd.Timestamp("2026-02-27"))
        outs = [b(ctx) for b in BUILDERS]
    assert any("SHILLER_CAPE" in m for m in outs[0].missing)
    assert any("WALCL" in m for m in outs[1].missing)
    assert "not checkable" in outs[2].html


@pytest.mark.shared
def test_sections_on_shared_data(shared_store):
    ctx = ReportContext(store=shared_store, symbols=["NVDA"], as_of=pd.Timestamp("2026-02-27"))
    v, m, c = (b(ctx) for b in BUILDERS)
    assert not v.missing and not m.missing and not c.missing
    assert "40.40%" in v.html and "dot-com peak 44.2" in v.html
    assert len(v.figures) >= 3 and len(m.figures) >= 3
    assert "S0-1a" in c.html and "contradicted" in c.html
