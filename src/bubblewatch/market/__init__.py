"""Market shocks and contagion (pure computations).

Modules: ``events`` (re-exports ``sessions``, ``shares``, ``daily``, ``event``, ``earnings``,
``event_table``: one session's move, market value, panic), ``contagion`` (cross-market
reactions, rolling correlations), ``spillover`` (Diebold-Yilmaz spillovers; import the
function ``spillover`` from its module), ``connectedness`` (a package: TVP-VAR, quantile,
frequency and joint connectedness with bootstrap bands; ``bubblewatch.market.connectedness``).
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "MarketEvent": "bubblewatch.market.event",
        "market_event": "bubblewatch.market.event",
        "MarketEvents": "bubblewatch.market.event_table",
        "market_events": "bubblewatch.market.event_table",
        "EarningsReaction": "bubblewatch.market.earnings",
        "earnings_reaction": "bubblewatch.market.earnings",
        "market_value": "bubblewatch.market.shares",
        "daily_metrics": "bubblewatch.market.daily",
        "ReactionTable": "bubblewatch.market.contagion",
        "reaction_table": "bubblewatch.market.contagion",
        "RollingSpillover": "bubblewatch.market.spillover",
        "Spillover": "bubblewatch.market.spillover",
        "rolling_spillover": "bubblewatch.market.spillover",
    },
)
