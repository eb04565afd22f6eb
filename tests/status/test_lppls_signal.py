"""The LPPLS signal of the status: one end date, both scales, tc quantiles, the trust bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblewatch.detect.lppls import lppls_curve
from bubblewatch.detect.lppls_confidence import lppls_confidence
from bubblewatch.detect.lppls_inputs import _ordinals
from bubblewatch.status.lppls_signal import lppls_scale_signal
from bubblewatch.status.params import SHORT_SCALE, LPPLSScale


def _bubble(n: int = 200) -> pd.Series:
    idx = pd.bdate_range("2024-01-01", periods=n)
    t = _ordinals(idx)
    tc = t[-1] + 5.0
    y = lppls_curve(t, tc, 0.5, 8.0, 5.0, -0.02, 0.001, 0.001)
    noise = np.random.default_rng(0).normal(0, 0.002, n)
    return pd.Series(np.exp(y + noise), index=idx)


def test_matches_the_confidence_command_and_gives_tc_dates():
    s = _bubble()
    sig = lppls_scale_signal(s, SHORT_SCALE)
    ref = lppls_confidence(s, window_max=120, window_min=30, window_step=5, start=s.index[-1])
    assert sig.available and sig.pos == ref.indicator["pos"].iloc[-1]
    assert sig.neg == ref.indicator["neg"].iloc[-1] and sig.n_windows == 19
    assert sig.pos > 0.5
    q10, q50, q90 = sig.tc_pos
    assert q10 <= q50 <= q90 and q50 > s.index[-1]
    d = sig.to_dict()
    assert d["tc_pos"]["q50"] == q50.date().isoformat() and d["trust_pos"] is None


def test_trust_by_residual_bootstrap():
    s = _bubble()
    small = LPPLSScale("tiny", 60, 40, 10)
    sig = lppls_scale_signal(s, small, trust=True, trust_reps=5, seed=1)
    assert 0.0 <= sig.trust_pos <= 1.0 and sig.trust_neg == 0.0
    again = lppls_scale_signal(s, small, trust=True, trust_reps=5, seed=1)
    assert again.trust_pos == sig.trust_pos  # seeded


def test_insufficient_data_is_said():
    s = _bubble(100)
    sig = lppls_scale_signal(s, SHORT_SCALE)
    assert not sig.available and sig.note == "insufficient data: 100 sessions, needs 120"
