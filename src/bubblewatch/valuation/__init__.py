"""Valuation: point-in-time P/E and P/S from company fundamentals, free cash flow and capex
intensity, multiples vs peers and history, Shiller CAPE, index concentration, return
decomposition. Pure computations over pandas/numpy (no I/O).

Modules: ``earnings``, ``quarters``, ``relative_pe`` (import the function ``relative_pe``
from it), ``cashflow``, ``multiples``, ``cape``, ``concentration`` (import the function
``concentration`` from it), ``decomposition``.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CapePercentile": "bubblewatch.valuation.cape",
        "CapeResult": "bubblewatch.valuation.cape",  # old name
        "cape_from_components": "bubblewatch.valuation.cape",
        "cape_percentile": "bubblewatch.valuation.cape",
        "HYPERSCALERS": "bubblewatch.valuation.cashflow",
        "MAG7_COMPANIES": "bubblewatch.valuation.cashflow",
        "CapexIntensity": "bubblewatch.valuation.cashflow",
        "FreeCashFlow": "bubblewatch.valuation.cashflow",
        "capex_intensity": "bubblewatch.valuation.cashflow",
        "free_cash_flow": "bubblewatch.valuation.cashflow",
        "MAGNIFICENT_7": "bubblewatch.valuation.concentration",
        "ConcentrationHistory": "bubblewatch.valuation.concentration",
        "Concentration": "bubblewatch.valuation.concentration",
        "ConcentrationResult": "bubblewatch.valuation.concentration",  # old name
        "concentration_history": "bubblewatch.valuation.concentration",
        "ReturnDecomposition": "bubblewatch.valuation.decomposition",
        "Decomposition": "bubblewatch.valuation.decomposition",  # old name
        "return_decomposition": "bubblewatch.valuation.decomposition",
        "EarningsBasis": "bubblewatch.valuation.earnings",
        "PriceEarnings": "bubblewatch.valuation.earnings",
        "PriceSales": "bubblewatch.valuation.price_sales",
        "annual_figure": "bubblewatch.valuation.earnings",
        "pe_history": "bubblewatch.valuation.earnings",
        "price_earnings": "bubblewatch.valuation.earnings",
        "price_sales": "bubblewatch.valuation.price_sales",
        "trailing_eps": "bubblewatch.valuation.earnings",
        "RelativeMultiple": "bubblewatch.valuation.multiples",
        "multiple_series": "bubblewatch.valuation.multiples",
        "relative_multiple": "bubblewatch.valuation.multiples",
        "calendar_quarter": "bubblewatch.valuation.quarters",
        "known_dates": "bubblewatch.valuation.quarters",
        "year_on_year": "bubblewatch.valuation.quarters",
        "RelativePE": "bubblewatch.valuation.relative_pe",
    },
)
