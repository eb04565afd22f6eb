"""Multiples relative to peers and to own history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.valuation.multiples import multiple_series, relative_multiple


def test_relative_multiple_peers_and_history():
    hist = pd.Series(np.arange(10, 60, 1.0))
    r = relative_multiple(
        52.85, peers={"A": 28.0, "B": 32.0, "C": 25.0, "D": -3.0}, history=hist, name="NVDA"
    )
    peers = np.array([28.0, 32.0, 25.0])
    assert r.peer_z == pytest.approx((52.85 - peers.mean()) / peers.std(ddof=1))
    assert r.peer_percentile == 100.0
    assert len(r.peers) == 3  # the negative P/E is dropped
    assert r.history_percentile == pytest.approx(np.mean(hist.to_numpy() <= 52.85) * 100)
    assert "NVDA" in r.summary()


def test_multiple_series_uses_trailing_sum_and_lag():
    eps = pd.Series(
        [1.0, 1.0, 1.0, 1.0, 2.0],
        index=pd.to_datetime(
            ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31", "2025-03-31"]
        ),
    )
    px = pd.Series([100.0, 100.0], index=pd.to_datetime(["2025-04-01", "2025-06-01"]))
    no_lag = multiple_series(px, eps)
    lagged = multiple_series(px, eps, lag_days=30)
    assert no_lag.tolist() == [20.0, 20.0]
    assert lagged.tolist() == [25.0, 20.0]  # the Q1-2025 EPS is not yet known on 04-01


def test_errors():
    with pytest.raises(InsufficientDataError):
        relative_multiple(10.0)
    with pytest.raises(InputError):
        relative_multiple(float("nan"), peers={"A": 1.0})
    with pytest.raises(InsufficientDataError):
        multiple_series(
            pd.Series([1.0], index=pd.to_datetime(["2025-01-01"])),
            pd.Series([1.0], index=pd.to_datetime(["2025-01-01"])),
        )


def test_too_few_periods_names_the_series():
    with pytest.raises(InsufficientDataError, match=r"per-share figures \(NVDA eps\); got 1"):
        multiple_series(
            pd.Series([1.0], index=pd.to_datetime(["2025-01-01"])),
            pd.Series([1.0], index=pd.to_datetime(["2025-01-01"]), name="NVDA eps"),
        )
