"""Examples of the market/connectedness results for the result contract test."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from bubblewatch.market.connectedness.approach import connectedness
from bubblewatch.market.connectedness.bands import (
    ConnectednessBands,
    TCIChangeTest,
    bootstrap_bands,
)
from bubblewatch.market.connectedness.decomposition import Decomposition, decompose
from bubblewatch.market.connectedness.frequency import FrequencyConnectedness
from bubblewatch.market.connectedness.sweep import QuantileSweep, quantile_sweep
from bubblewatch.market.connectedness.tables import Connectedness


@functools.cache
def _data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 200
    e = rng.standard_normal((n, 3)) @ np.array([[1, 0, 0], [0.5, 1, 0], [0.2, 0.3, 1.0]]).T
    y = np.zeros((n, 3))
    for t in range(1, n):
        y[t] = 0.3 * y[t - 1] + e[t]
    return pd.DataFrame(
        y, columns=["NVDA", "AMD", "TSM"], index=pd.bdate_range("2025-01-01", periods=n)
    )


def _static() -> Connectedness:
    return connectedness(_data(), model="var")


def _bands() -> ConnectednessBands:
    return bootstrap_bands(_static(), n_boot=10, scheme="block", block_length=10).bands


EXAMPLES = {
    Connectedness: _static,
    FrequencyConnectedness: lambda: connectedness(
        _data(), model="var", approach="frequency", partition=(np.pi, 0.5, 0.0)
    ),
    Decomposition: lambda: decompose(_static(), {"US": ["NVDA", "AMD"], "TW": ["TSM"]}),
    ConnectednessBands: _bands,
    TCIChangeTest: lambda: bootstrap_bands(
        connectedness(_data(), prior="minnesota"), n_boot=10, seed=3
    ).bands.change_test(("2025-02-03", "2025-03-31"), ("2025-06-02", "2025-07-31")),
    QuantileSweep: lambda: quantile_sweep(_data(), taus=(0.25, 0.75), n_boot=5, block_length=10),
}
