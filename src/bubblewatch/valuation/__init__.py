"""Valuation: multiples vs peers and history, Shiller CAPE, index concentration, return
decomposition. Pure computations over pandas/numpy (no I/O).

Modules: ``multiples``, ``cape``, ``concentration`` (its function ``concentration`` is
imported from the module), ``decomposition``.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "CapeResult": "bubblewatch.valuation.cape",
        "cape_from_components": "bubblewatch.valuation.cape",
        "cape_percentile": "bubblewatch.valuation.cape",
        "MAGNIFICENT_7": "bubblewatch.valuation.concentration",
        "ConcentrationHistory": "bubblewatch.valuation.concentration",
        "ConcentrationResult": "bubblewatch.valuation.concentration",
        "concentration_history": "bubblewatch.valuation.concentration",
        "Decomposition": "bubblewatch.valuation.decomposition",
        "return_decomposition": "bubblewatch.valuation.decomposition",
        "RelativeMultiple": "bubblewatch.valuation.multiples",
        "multiple_series": "bubblewatch.valuation.multiples",
        "relative_multiple": "bubblewatch.valuation.multiples",
    },
)
