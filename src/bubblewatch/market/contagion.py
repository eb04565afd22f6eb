"""Contagion: cross-market reaction tables aligned by calendars and time zones, and rolling
correlations with regime-change flags.

The pieces live in :mod:`~bubblewatch.market.exchanges` (each market's time zone and session
hours, :func:`market_of`), :mod:`~bubblewatch.market.reaction` (:func:`reaction_table`; its
docstring gives the alignment rule) and :mod:`~bubblewatch.market.correlation`
(:func:`rolling_correlation`); this module re-exports them.
"""

from __future__ import annotations

from bubblewatch.market.correlation import RollingCorrelation, rolling_correlation
from bubblewatch.market.exchanges import MARKETS, Market, market_of
from bubblewatch.market.reaction import ReactionTable, reaction_table

__all__ = [
    "MARKETS",
    "Market",
    "ReactionTable",
    "RollingCorrelation",
    "market_of",
    "reaction_table",
    "rolling_correlation",
]
