"""Synthetic price series for the status tests (imported by them)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.status.params import DEFAULT_PARAMS

#: the status without the slow parts (no LPPLS, no GSADF bootstrap): for tests of the rest
FAST = DEFAULT_PARAMS.replace(lppls=False, gsadf_cv=False)


def walk(n: int = 1600, seed: int = 0, vol: float = 0.01, start: str = "2012-01-02") -> pd.Series:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range(start, periods=n)
    return pd.Series(100 * np.exp(np.cumsum(rng.normal(0, vol, n))), index=idx, name="RW")


def bubble(n: int = 1600, boom: int = 120, crash: int = 0, seed: int = 1) -> pd.Series:
    """A random walk whose last ``boom`` sessions (before ``crash`` falling ones) explode."""
    s = walk(n, seed, vol=0.008)
    y = np.log(s.to_numpy())
    k = n - boom - crash
    x = 0.02
    for i in range(k, k + boom):
        x *= 1.03
        y[i] = y[i - 1] + x * 0.05 + np.random.default_rng(i).normal(0, 0.004)
    for i in range(k + boom, n):
        y[i] = y[i - 1] - 0.012
    return pd.Series(np.exp(y), index=s.index, name="BUB")
