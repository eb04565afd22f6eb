"""Market shocks and contagion (pure computations).

Modules: ``events`` (re-exports ``sessions``, ``shares``, ``daily``, ``event``, ``earnings``,
``event_table``: one session's move, market value, panic), ``contagion`` (re-exports
``exchanges``, ``reaction``, ``correlation``: cross-market reactions, rolling correlations),
``panel`` (aligned panels of many series), ``spillover`` (Diebold-Yilmaz spillovers; import the
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
        "ReactionTable": "bubblewatch.market.reaction",
        "reaction_table": "bubblewatch.market.reaction",
        "RollingCorrelation": "bubblewatch.market.correlation",
        "rolling_correlation": "bubblewatch.market.correlation",
        "RollingSpillover": "bubblewatch.market.spillover",
        "Spillover": "bubblewatch.market.spillover",
        "rolling_spillover": "bubblewatch.market.spillover",
    },
)
