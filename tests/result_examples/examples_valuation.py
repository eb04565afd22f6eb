"""Examples of the valuation/ results for the result contract test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.valuation.cape import CapeResult, cape_percentile
from bubblewatch.valuation.cashflow import (
    CapexIntensity,
    FreeCashFlow,
    capex_intensity,
    free_cash_flow,
)
from bubblewatch.valuation.concentration import (
    ConcentrationHistory,
    ConcentrationResult,
    concentration,
    concentration_history,
)
from bubblewatch.valuation.decomposition import Decomposition, return_decomposition
from bubblewatch.valuation.earnings import (
    EarningsBasis,
    PriceEarnings,
    annual_figure,
    price_earnings,
)
from bubblewatch.valuation.multiples import RelativeMultiple, relative_multiple
from bubblewatch.valuation.price_sales import PriceSales, price_sales
from bubblewatch.valuation.relative_pe import RelativePE, relative_pe


def _eps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "fiscal_period": ["FY2025Q3", "FY2025Q4", "FY2026Q1", "FY2026Q2"],
            "period_end": ["2024-10-27", "2025-01-26", "2025-04-27", "2025-07-27"],
            "metric": "eps_diluted",
            "value": [0.78, 0.89, 0.76, 1.08],
            "filed": ["2024-11-20", "2025-02-26", "2025-05-28", "2025-08-27"],
        }
    )


def _revenue() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_end": ["2024-10-27", "2025-01-26", "2025-04-27", "2025-07-27"],
            "metric": "revenue",
            "value": [35e9, 39e9, 44e9, 47e9],
            "filed": ["2024-11-20", "2025-02-26", "2025-05-28", "2025-08-27"],
        }
    )


CLOSE = pd.Series([206.88, 198.69], index=pd.to_datetime(["2025-11-03", "2025-11-04"]))


def _holdings() -> pd.DataFrame:
    return pd.DataFrame(
        {"symbol": ["A", "B", "GOOGL", "GOOG", "-"], "weight": [40.0, 20.0, 15.0, 15.0, 10.0]}
    )


def _cashflows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_end": ["2024-12-31"] * 3 + ["2025-06-30"] * 3,
            "metric": ["operating_cash_flow", "capex", "revenue"] * 2,
            "value": [10.0, 4.0, 20.0, 9.0, 6.0, 22.0],
        }
    )


def _monthly(values: np.ndarray, start: str = "1995-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


EXAMPLES = {
    CapeResult: lambda: cape_percentile(_monthly(np.linspace(20.0, 40.0, 120))),
    Decomposition: lambda: return_decomposition(
        _monthly(np.linspace(100, 121, 25), "2020-01-01"),
        _monthly(np.linspace(5, 5.5, 25), "2020-01-01"),
        start="2020-01-01",
        end="2022-01-01",
    ),
    RelativeMultiple: lambda: relative_multiple(
        52.85, peers={"AAPL": 28.0, "MSFT": 32.0}, history=_monthly(np.linspace(20, 60, 30))
    ),
    ConcentrationResult: lambda: concentration(
        _holdings(), top_n=2, groups={"G": ["GOOGL", "GOOG"]}
    ),
    ConcentrationHistory: lambda: concentration_history(
        {pd.Timestamp("2024-12-31"): _holdings(), pd.Timestamp("2025-06-30"): _holdings()}
    ),
    EarningsBasis: lambda: annual_figure(_eps(), "2025-11-04"),
    PriceEarnings: lambda: price_earnings(_eps(), CLOSE, "2025-11-04", symbol="NVDA"),
    PriceSales: lambda: price_sales(
        _revenue(),
        CLOSE,
        "2025-11-04",
        shares=pd.Series([24.3e9], index=pd.to_datetime(["2025-08-22"])),
        symbol="NVDA",
    ),
    RelativePE: lambda: relative_pe(
        "NVDA",
        {"NVDA": _eps(), "AAPL": _eps()},
        {"NVDA": CLOSE, "AAPL": CLOSE * 1.3},
        "2025-11-04",
        peers=["AAPL"],
    ),
    FreeCashFlow: lambda: free_cash_flow({"X": _cashflows()}, quarters=["2024Q4", "2025Q2"]),
    CapexIntensity: lambda: capex_intensity({"X": _cashflows()}),
}
