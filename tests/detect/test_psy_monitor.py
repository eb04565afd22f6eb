"""PSYMonitor: one observation at a time gives exactly the batch result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bubblewatch.detect.psy import psy
from bubblewatch.detect.psy_monitor import PSYMonitor
from bubblewatch.errors import InputError


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n0=st.integers(30, 60),
    lags=st.sampled_from([0, 1, 2]),
    ic=st.sampled_from([None, "aic", "bic"]),
)
def test_monitor_equals_batch(seed, n0, lags, ic):
    y = np.cumsum(np.random.default_rng(seed).normal(size=90))
    kw = {"lags": lags} if ic is None else {"ic": ic, "max_lags": lags}
    mon = PSYMonitor(y[:n0], min_window=24, **kw)
    got = [mon.update(v) for v in y[n0:]]
    batch = psy(y, min_window=24, **kw)
    assert np.array_equal(np.array(got), batch.bsadf.to_numpy()[n0 - 23 :], equal_nan=True)
    res = mon.result()
    assert np.array_equal(res.bsadf.to_numpy(), batch.bsadf.to_numpy(), equal_nan=True)
    assert np.array_equal(res.badf.to_numpy(), batch.badf.to_numpy(), equal_nan=True)
    assert res.gsadf == batch.gsadf and res.sadf == batch.sadf and res.adf == batch.adf


def test_dated_monitor_with_log_prices():
    idx = pd.bdate_range("2025-01-01", periods=80)
    p = pd.Series(np.exp(np.cumsum(np.random.default_rng(2).normal(0, 0.02, 80))) * 100, index=idx)
    mon = PSYMonitor(p.iloc[:60], log=True, min_window=20)
    for d, v in p.iloc[60:].items():
        mon.update(v, date=d)
    batch = psy(p, log=True, min_window=20)
    assert mon.bsadf.index.equals(batch.bsadf.index)
    assert np.array_equal(mon.bsadf.to_numpy(), batch.bsadf.to_numpy())
    with pytest.raises(InputError, match="date="):
        mon.update(100.0)
    with pytest.raises(InputError, match="not after"):
        mon.update(100.0, date=idx[10])
    with pytest.raises(InputError, match="non-positive"):
        mon.update(-1.0, date=idx[-1] + pd.Timedelta(days=1))
    with pytest.raises(InputError, match="finite"):
        mon.update(np.nan, date=idx[-1] + pd.Timedelta(days=1))


def test_monitor_grows_beyond_its_buffer():
    y = np.cumsum(np.random.default_rng(9).normal(size=100))
    mon = PSYMonitor(y[:20], min_window=15, lags=1)
    for v in y[20:]:
        mon.update(v)
    assert mon.nobs == 100
    assert np.array_equal(mon.bsadf.to_numpy(), psy(y, min_window=15, lags=1).bsadf.to_numpy())
