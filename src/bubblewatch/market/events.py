"""Event analytics for one symbol (re-exports; the code lives in the modules below): the day's move, market value, rarity, volume, panic, drawdown.

Everything here is a pure function over a price frame (index: session dates; columns
``open, high, low, close, adj_close, volume``, as returned by ``Store.prices``), an optional
series of shares outstanding *as reported* (``Store.shares_outstanding``) and an optional
USD/CNY series (CNY per USD, ``Store.fx("DEXCHUS_USDCNY")``).

Conventions
-----------
* Returns are simple close-to-close returns on the ``close`` column, as fractions.
* Market value = close x shares outstanding in force that day, the reported counts put on
  the price basis (split-adjusted by default): :mod:`bubblewatch.market.shares` says how.
* Traded value = close x volume (a proxy: no intraday VWAP in daily bars).
* z-scores compare a day with the *previous* 63 sessions (the day itself excluded).
* N-month highs compare a day with the previous ``21 * N`` sessions (strictly higher).

References
----------
.. [1] Campbell, J. Y., Lo, A. W. & MacKinlay, A. C. (1997). *The Econometrics of Financial
       Markets*, ch. 4 (event studies). Princeton University Press.
.. [2] Magdon-Ismail, M. & Atiya, A. (2004). Maximum drawdown. *Risk*, 17(10), 99-102.

The analytics live in:

* :mod:`bubblewatch.market.sessions` -- the checked price frame, :func:`session_of`;
* :mod:`bubblewatch.market.shares` -- share counts, splits and market value;
* :mod:`bubblewatch.market.daily` -- the per-session metrics and the panic rule;
* :mod:`bubblewatch.market.event` -- one session's move (:func:`market_event`);
* :mod:`bubblewatch.market.earnings` -- the reaction to an announcement;
* :mod:`bubblewatch.market.event_table` -- the metrics of a date range.

This module keeps the old import path ``bubblewatch.market.events`` working.
"""

from bubblewatch.market.daily import (
    HIGH_MONTHS,
    PANIC_RULE,
    SESSIONS_PER_MONTH,
    ZSCORE_WINDOW,
    daily_metrics,
    drawdown_from_peak,
)
from bubblewatch.market.earnings import EarningsReaction, earnings_reaction
from bubblewatch.market.event import MarketEvent, market_event
from bubblewatch.market.event_table import MarketEvents, market_events
from bubblewatch.market.sessions import session_of
from bubblewatch.market.shares import (
    PriceBasis,
    first_close_above,
    infer_splits,
    market_value,
    shares_in_force,
    split_adjusted_shares,
)

__all__ = [
    "HIGH_MONTHS",
    "PANIC_RULE",
    "SESSIONS_PER_MONTH",
    "ZSCORE_WINDOW",
    "EarningsReaction",
    "MarketEvent",
    "MarketEvents",
    "PriceBasis",
    "daily_metrics",
    "drawdown_from_peak",
    "earnings_reaction",
    "first_close_above",
    "infer_splits",
    "market_event",
    "market_events",
    "market_value",
    "session_of",
    "shares_in_force",
    "split_adjusted_shares",
]
