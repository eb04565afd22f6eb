"""Wild-bootstrap BSADF critical values on chosen dates (detect.psy_bootstrap)."""

from __future__ import annotations

import numpy as np
import pytest

from bubblewatch.detect.psy_bootstrap import (
    bootstrap_bsadf,
    hlst_replications,
    pointwise_critical_values,
)
from bubblewatch.detect.psy_critical import wb_critical_values
from bubblewatch.errors import InputError


def _series(n: int = 300, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.cumsum(rng.normal(size=n) * np.linspace(1, 3, n))  # rising volatility


def test_equals_the_full_wild_bootstrap_pointwise_rule_bit_for_bit():
    y = _series()
    wb = wb_critical_values(y, reps=49, seed=5, rule="pointwise")
    m = wb.min_window
    ends = [m - 1, 150, 299]
    cv = pointwise_critical_values(bootstrap_bsadf(y, ends, min_window=m, reps=49, seed=5))
    ref = wb.bsadf.to_numpy()[[e - (m - 1) for e in ends]]
    assert np.array_equal(cv, ref)  # bit for bit, not approximately


def test_with_lags_too():
    y = _series(200)
    wb = wb_critical_values(y, lags=1, reps=20, seed=1, rule="pointwise")
    m = wb.min_window
    cv = pointwise_critical_values(bootstrap_bsadf(y, [199], min_window=m, lags=1, reps=20, seed=1))
    assert np.array_equal(cv[0], wb.bsadf.to_numpy()[-1])


def test_a_paths_beginning_does_not_depend_on_later_data():
    y = _series()
    full = hlst_replications(y, 10, 0)
    short = hlst_replications(y[:200], 10, 0)
    assert np.array_equal(full[:, :200], short)
    assert np.array_equal(hlst_replications(y, 10, 0, upto=200), short)


def test_bad_ends_are_refused():
    y = _series(100)
    with pytest.raises(InputError, match="ends must lie between"):
        bootstrap_bsadf(y, [5], min_window=30, reps=10)
    with pytest.raises(InputError, match="lags"):
        bootstrap_bsadf(y, [99], min_window=30, lags=-1, reps=10)
