"""The company part of the report's valuation section (P/E known on a date, capex intensity,
free cash flow), on the store built from ../shared/data and on an empty store."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.data.store import Store
from bubblewatch.report.context import ReportContext
from bubblewatch.report.sections import valuation


@pytest.mark.shared
def test_company_valuation_on_shared_data(shared_store):
    out = valuation.build(
        ReportContext(store=shared_store, symbols=["NVDA"], as_of=pd.Timestamp("2026-02-27"))
    )
    html = out.html
    assert "Company P/E known on a date" in html
    # NVDA on 2025-11-04: 198.69 / 3.51 = 56.6 trailing, 198.69 / 3.68 = 54.0 dynamic
    assert "<td>NVDA</td><td>56.6</td><td>54.0</td>" in html
    assert "Capex intensity of the hyperscalers (MSFT, GOOGL, AMZN, META, ORCL)" in html
    assert (
        "<td>2025Q2</td><td>97.3</td><td>134.6</td><td>404.0</td><td>72%</td><td>24%</td>" in html
    )
    assert "capex USD 564.0B = 56.4% of operating cash flow, 18.5% of revenue" in html
    assert "<td>2024Q4</td><td>186.41</td><td>79.14</td><td>107.27</td>" in html
    assert ("Hyperscaler capex / operating cash flow", "63% (2025Q3)") in out.headline
    assert not out.missing


def test_without_fundamentals_the_section_says_how_to_get_them():
    with Store(":memory:") as st:
        out = valuation.build(ReportContext(store=st, symbols=[], as_of=pd.Timestamp("2026-02-27")))
    assert any("bubblewatch data fetch --provider sec AAPL MSFT" in m for m in out.missing)
