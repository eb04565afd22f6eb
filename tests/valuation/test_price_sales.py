"""Price / sales known on a date, on values copied from ../shared/data (NVDA revenue and
diluted weighted shares of fundamentals/fundamentals.csv, the cover-page count of 2025-08-22,
the close of 2025-11-04)."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.valuation.price_sales import price_sales

CLOSE = pd.Series([198.69], index=pd.to_datetime(["2025-11-04"]))


def test_price_sales_with_and_without_share_counts() -> None:
    rows = [
        {"period_end": pe, "metric": "revenue", "value": v, "filed": f}
        for pe, v, f in [
            ("2024-10-27", 35_082e6, "2024-11-20"),
            ("2025-01-26", 39_331e6, "2025-02-26"),
            ("2025-04-27", 44_062e6, "2025-05-28"),
            ("2025-07-27", 46_743e6, "2025-08-27"),
        ]
    ]
    rows.append(
        {
            "period_end": "2025-07-27",
            "metric": "shares_diluted_weighted",
            "value": 24_532e6,
            "filed": "2025-08-27",
        }
    )
    f = pd.DataFrame(rows)
    shares = pd.Series([24.3e9], index=pd.to_datetime(["2025-08-22"]))
    r = price_sales(f, CLOSE, "2025-11-04", shares=shares, symbol="NVDA")
    assert r.market_value == pytest.approx(198.69 * 24.3e9)
    assert r.ps == pytest.approx(198.69 * 24.3e9 / (35_082e6 + 39_331e6 + 44_062e6 + 46_743e6))
    r2 = price_sales(f, CLOSE, "2025-11-04", symbol="NVDA")
    assert r2.shares == 24_532e6 and "diluted weighted" in r2.shares_source
