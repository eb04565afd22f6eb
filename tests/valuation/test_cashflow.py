"""Free cash flow and capex intensity, on values copied from
../shared/data/fundamentals/fundamentals.csv (operating cash flow and capex, USD)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.valuation.cashflow import capex_intensity, free_cash_flow
from bubblewatch.valuation.quarters import calendar_quarter, parse_quarter

# the Magnificent 7's quarters ending about 2024-12-31 and about 2025-06-30:
# symbol, fiscal period, period end, operating cash flow, capex
MAG7 = [
    ("AAPL", "FY2025Q1", "2024-12-28", 29935e6, 2940e6),
    ("AAPL", "FY2025Q3", "2025-06-28", 27867e6, 3462e6),
    ("AMZN", "FY2024Q4", "2024-12-31", 45636e6, 27834e6),
    ("AMZN", "FY2025Q2", "2025-06-30", 32515e6, 32183e6),
    ("GOOGL", "FY2024Q4", "2024-12-31", 39113e6, 14276e6),
    ("GOOGL", "FY2025Q2", "2025-06-30", 27747e6, 22446e6),
    ("META", "FY2024Q4", "2024-12-31", 27988e6, 14425e6),
    ("META", "FY2025Q2", "2025-06-30", 25561e6, 16538e6),
    ("MSFT", "FY2025Q2", "2024-12-31", 22291e6, 15804e6),
    ("MSFT", "FY2025Q4", "2025-06-30", 42647e6, 17079e6),
    ("NVDA", "FY2025Q4", "2025-01-26", 16629e6, 1077e6),
    ("NVDA", "FY2026Q2", "2025-07-27", 15365e6, 1895e6),
    ("TSLA", "FY2024Q4", "2024-12-31", 4814e6, 2780e6),
    ("TSLA", "FY2025Q2", "2025-06-30", 2540e6, 2394e6),
]


def group(rows: list[tuple[str, str, str, float, float]]) -> dict[str, pd.DataFrame]:
    out: dict[str, list[dict[str, object]]] = {}
    for sym, fp, pe, ocf, capex in rows:
        for m, v in (("operating_cash_flow", ocf), ("capex", capex)):
            out.setdefault(sym, []).append(
                {"symbol": sym, "fiscal_period": fp, "period_end": pe, "metric": m, "value": v}
            )
    return {k: pd.DataFrame(v) for k, v in out.items()}


def test_mag7_free_cash_flow_2024q4_to_2025q2_with_the_pairing() -> None:
    r = free_cash_flow(group(MAG7), quarters=["2024Q4", "2025Q2"])
    tot = r.totals["free_cash_flow"]
    assert tot["2024Q4"] == pytest.approx(107_270e6)
    assert tot["2025Q2"] == pytest.approx(78_245e6)  # SOURCES.md: USD 78.25B
    assert round(r.change * 100, 1) == -27.1
    # NVDA's quarter ending 2025-01-26 and Apple's ending 2024-12-28 pair with 2024Q4
    assert "NVDA FY2025Q4 (ended 2025-01-26)" in r.pairing["2024Q4"]
    assert "AAPL FY2025Q1 (ended 2024-12-28)" in r.pairing["2024Q4"]
    assert "NVDA FY2026Q2 (ended 2025-07-27)" in r.pairing["2025Q2"]
    d = json.loads(r.to_json())
    assert d["change"] == pytest.approx(78_245 / 107_270 - 1)
    assert "pairing" in r.summary() and r.plot() is not None


def test_a_missing_company_makes_the_total_incomplete() -> None:
    rows = [r for r in MAG7 if not (r[0] == "TSLA" and r[2] == "2025-06-30")]
    r = free_cash_flow(group(rows), start="2024Q4", end="2025Q2")
    assert not r.totals.loc["2025Q2", "complete"] and r.totals.loc["2025Q2", "missing"] == "TSLA"
    assert math.isnan(r.change)
    assert "INCOMPLETE (missing TSLA)" in r.summary()


def test_capex_intensity() -> None:
    rows = [
        ("MSFT", "FY2025Q4", "2025-06-30", 42647e6, 17079e6),
        ("AMZN", "FY2025Q2", "2025-06-30", 32515e6, 32183e6),
    ]
    g = group(rows)
    g["MSFT"] = pd.concat(
        [
            g["MSFT"],
            pd.DataFrame([{"period_end": "2025-06-30", "metric": "revenue", "value": 76441e6}]),
        ]
    )
    g["AMZN"] = pd.concat(
        [
            g["AMZN"],
            pd.DataFrame([{"period_end": "2025-06-30", "metric": "revenue", "value": 167702e6}]),
        ]
    )
    r = capex_intensity(g)
    t = r.table.set_index("symbol")
    assert t.loc["AMZN", "capex_to_ocf"] == pytest.approx(32183 / 32515)
    assert r.total_capex_to_ocf == pytest.approx((17079 + 32183) / (42647 + 32515))
    assert r.total_capex_to_revenue == pytest.approx((17079 + 32183) / (76441 + 167702))
    assert r.quarters_counted == ("2025Q2",)
    json.loads(r.to_json())


def test_quarter_parsing_and_pairing() -> None:
    assert str(calendar_quarter("2024-11-30")) == "2024Q4"  # Oracle's FY2025Q2
    assert str(calendar_quarter("2025-08-31")) == "2025Q3"
    with pytest.raises(InputError, match="YYYYQn"):
        parse_quarter("Q4-2024")
    with pytest.raises(InputError, match="before start"):
        free_cash_flow(group(MAG7), start="2025Q2", end="2024Q4")
    with pytest.raises(InsufficientDataError, match="no quarters"):
        free_cash_flow(group(MAG7), start="2020Q1", end="2020Q2")
