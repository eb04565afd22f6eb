"""Examples of the market/ results (events, contagion, spillovers) for the result contract test."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.market.contagion import (
    ReactionTable,
    RollingCorrelation,
    reaction_table,
    rolling_correlation,
)
from bubblewatch.market.earnings import EarningsReaction, earnings_reaction
from bubblewatch.market.event import MarketEvent, market_event
from bubblewatch.market.event_table import MarketEvents, market_events
from bubblewatch.market.spillover import (
    RollingSpillover,
    Spillover,
    rolling_spillover,
    spillover,
)


def _prices(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    idx = pd.bdate_range("2024-01-01", periods=n)
    return pd.DataFrame(
        {
            "open": close * 1.001,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "volume": rng.uniform(1e6, 2e6, n),
        },
        index=idx,
    )


def _shares() -> pd.Series:
    return pd.Series([1e9], index=pd.to_datetime(["2023-12-01"]))


def _returns(n: int = 220) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(rng.normal(0, 0.01, (n, 3)), columns=["a", "b", "c"])


EXAMPLES = {
    MarketEvent: lambda: market_event(_prices(), _prices().index[-5], shares=_shares(), symbol="X"),
    MarketEvents: lambda: market_events(
        _prices(), _prices().index[-20], _prices().index[-1], shares=_shares(), symbol="X"
    ),
    EarningsReaction: lambda: earnings_reaction(_prices(), _prices().index[-5], symbol="X"),
    ReactionTable: lambda: reaction_table(
        {"NVDA": _prices()["close"], "KOSPI": _prices(seed=1)["close"]}, _prices().index[-3]
    ),
    RollingCorrelation: lambda: rolling_correlation(
        _prices()["close"], _prices(seed=1)["close"], window=20
    ),
    Spillover: lambda: spillover(_returns(), lags=1, horizon=5),
    RollingSpillover: lambda: rolling_spillover(_returns(), 100, lags=1, horizon=5, refresh=50),
}
