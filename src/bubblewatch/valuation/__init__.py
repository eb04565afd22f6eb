"""Valuation: multiples vs peers and history, Shiller CAPE, index concentration, return
decomposition. Pure computations over pandas/numpy (no I/O)."""

from bubblewatch.valuation.cape import CapeResult, cape_from_components, cape_percentile
from bubblewatch.valuation.concentration import (
    MAGNIFICENT_7,
    ConcentrationHistory,
    ConcentrationResult,
    concentration,
    concentration_history,
)
from bubblewatch.valuation.decomposition import Decomposition, return_decomposition
from bubblewatch.valuation.multiples import RelativeMultiple, multiple_series, relative_multiple

__all__ = [
    "MAGNIFICENT_7",
    "CapeResult",
    "ConcentrationHistory",
    "ConcentrationResult",
    "Decomposition",
    "RelativeMultiple",
    "cape_from_components",
    "cape_percentile",
    "concentration",
    "concentration_history",
    "multiple_series",
    "relative_multiple",
    "return_decomposition",
]
