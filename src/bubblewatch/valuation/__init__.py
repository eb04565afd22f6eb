"""Valuation: point-in-time P/E and P/S from company fundamentals, free cash flow and capex
intensity, multiples vs peers and history, Shiller CAPE, index concentration, return
decomposition. Pure computations over pandas/numpy (no I/O)."""

from bubblewatch.valuation.cape import CapeResult, cape_from_components, cape_percentile
from bubblewatch.valuation.cashflow import (
    HYPERSCALERS,
    CapexIntensity,
    FreeCashFlow,
    capex_intensity,
    free_cash_flow,
)
from bubblewatch.valuation.concentration import (
    MAGNIFICENT_7,
    ConcentrationHistory,
    ConcentrationResult,
    concentration,
    concentration_history,
)
from bubblewatch.valuation.decomposition import Decomposition, return_decomposition
from bubblewatch.valuation.earnings import (
    EarningsBasis,
    PriceEarnings,
    PriceSales,
    annual_figure,
    pe_history,
    price_earnings,
    price_sales,
    trailing_eps,
)
from bubblewatch.valuation.multiples import RelativeMultiple, multiple_series, relative_multiple
from bubblewatch.valuation.quarters import calendar_quarter, known_dates, year_on_year
from bubblewatch.valuation.relative_pe import RelativePE, relative_pe

__all__ = [
    "HYPERSCALERS",
    "MAGNIFICENT_7",
    "CapeResult",
    "CapexIntensity",
    "ConcentrationHistory",
    "ConcentrationResult",
    "Decomposition",
    "EarningsBasis",
    "FreeCashFlow",
    "PriceEarnings",
    "PriceSales",
    "RelativeMultiple",
    "RelativePE",
    "annual_figure",
    "calendar_quarter",
    "cape_from_components",
    "cape_percentile",
    "capex_intensity",
    "concentration",
    "concentration_history",
    "free_cash_flow",
    "known_dates",
    "multiple_series",
    "pe_history",
    "price_earnings",
    "price_sales",
    "relative_multiple",
    "relative_pe",
    "return_decomposition",
    "trailing_eps",
    "year_on_year",
]
