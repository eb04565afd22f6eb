"""PSY critical values: Monte Carlo (seeded, bit-identical for any thread count), wild
bootstrap, the shipped table and the BSADF rules."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from bubblewatch.detect.psy import psy
from bubblewatch.detect.psy_critical import (
    bsadf_rule,
    load_table,
    mc_critical_values,
    simulate_statistics,
    table_critical_values,
    wb_critical_values,
)
from bubblewatch.errors import InputError


@pytest.mark.parametrize("lags", [0, 2])
def test_mc_bit_identical_for_any_thread_count(lags):
    kw = {"min_window": 20, "lags": lags, "reps": 64, "seed": 42}
    a = simulate_statistics(80, threads=1, **kw)
    b = simulate_statistics(80, threads=numba.config.NUMBA_NUM_THREADS, **kw)
    assert np.array_equal(a["bsadf"], b["bsadf"]) and np.array_equal(a["badf"], b["badf"])
    c = simulate_statistics(80, **{**kw, "seed": 43})
    assert not np.array_equal(a["bsadf"], c["bsadf"])


def test_mc_replication_is_a_random_walk_tested_like_the_data():
    # replication i is the cumsum of stream i of SeedSequence(seed).spawn(reps)
    sims = simulate_statistics(60, min_window=15, lags=1, reps=10, seed=5)
    ss = np.random.SeedSequence(5).spawn(10)[3]
    y = np.cumsum(np.random.Generator(np.random.PCG64(ss)).standard_normal(60))
    r = psy(y, min_window=15, lags=1)
    assert np.array_equal(sims["bsadf"][3], r.bsadf.to_numpy())


def test_mc_close_to_pyexuber_and_the_table():
    exuber = pytest.importorskip("exuber")
    ours = mc_critical_values(100, min_window=19, reps=1000, seed=1)
    ref = exuber.radf_mc_cv(100, minw=18, nrep=1000, seed=1)  # different draws
    for q, lv in enumerate((90, 95, 99)):
        assert abs(ours.gsadf[lv] - ref.gsadf_cv[q]) < 0.2
        assert abs(ours.sadf[lv] - ref.sadf_cv[q]) < 0.2
    diff = np.abs(ours.bsadf.to_numpy() - ref.bsadf_cv)
    assert diff[:, :2].max() < 0.2 and diff[:, 2].max() < 0.4  # Monte Carlo noise
    tab = table_critical_values(100)
    assert abs(tab.gsadf[95] - ours.gsadf[95]) < 0.15


def test_rules():
    sims = simulate_statistics(60, min_window=12, reps=200, seed=0)
    psy_rule = bsadf_rule(sims["badf"], sims["bsadf"], "psy")
    pw = bsadf_rule(sims["badf"], sims["bsadf"], "pointwise")
    fw = bsadf_rule(sims["badf"], sims["bsadf"], "familywise")
    fw10 = bsadf_rule(sims["badf"], sims["bsadf"], "familywise", span=10)
    assert psy_rule.shape == pw.shape == fw.shape == (49, 3)
    assert np.all(np.diff(psy_rule[:, 1]) >= 0)  # a running maximum's quantile never falls
    assert np.all(fw == fw[0]) and np.all(fw10 <= fw + 1e-12)
    assert np.allclose(fw[0], np.quantile(sims["bsadf"].max(axis=1), [0.9, 0.95, 0.99]))
    assert np.all(fw[:, 1] >= pw[:, 1] - 1e-12)
    with pytest.raises(InputError, match="rule"):
        bsadf_rule(sims["badf"], sims["bsadf"], "other")


def test_table_shipped_and_interpolated():
    tab = load_table()
    assert list(tab.grid) == [50, 100, 200, 400, 800, 1600, 3200] and tab.reps == 2000
    exact = table_critical_values(400)
    assert exact.method == "table (T=400)" and len(exact.bsadf) == 400 - 40 + 1
    mid = table_critical_values(560)
    lo, hi = table_critical_values(400), table_critical_values(800)
    assert min(lo.gsadf[95], hi.gsadf[95]) <= mid.gsadf[95] <= max(lo.gsadf[95], hi.gsadf[95])
    assert "interpolated" in mid.method
    with pytest.raises(InputError, match="lag 0"):
        table_critical_values(400, lags=2)
    with pytest.raises(InputError, match="default min window"):
        table_critical_values(400, min_window=30)


@pytest.mark.parametrize("variant", ["hlst", "ps"])
def test_wild_bootstrap_is_seeded(variant):
    rng = np.random.default_rng(4)
    y = np.cumsum(rng.normal(size=120) * np.where(np.arange(120) > 60, 3.0, 1.0))
    a = wb_critical_values(y, min_window=20, lags=1, reps=40, seed=9, variant=variant)
    b = wb_critical_values(y, min_window=20, lags=1, reps=40, seed=9, variant=variant, threads=1)
    assert a.gsadf == b.gsadf
    assert np.array_equal(a.bsadf.to_numpy(), b.bsadf.to_numpy())
    assert a.method == f"wb-{variant}" and 0.0 < a.gsadf[95] < 6.0


def test_result_critical_values_methods():
    y = np.cumsum(np.random.default_rng(8).normal(size=100))
    r = psy(y)
    assert r.critical_values().method.startswith("table")
    r2 = psy(y, lags=2)
    cv = r2.critical_values(reps=30, seed=1)
    assert cv.method == "mc" and cv.lags == 2 and cv.bsadf.index.equals(r2.bsadf.index)
    r3 = psy(y, min_window=20, ic="bic", max_lags=2)
    assert r3.critical_values("wb", reps=20).ic == "bic"
    assert "GSADF" in cv.summary()


def test_below_the_table_is_simulated_never_the_nearest_table():
    """Issue 10 item 7: PSY on 10 observations took the T=50 table's critical values."""
    import pandas as pd

    from bubblewatch.detect.psy_critical import critical_values

    y = pd.Series(np.exp(np.cumsum(np.random.default_rng(0).normal(0, 0.01, 10))))
    r = psy(y)
    first = int(load_table().grid[0])
    assert r.nobs < first
    cv = critical_values(r, reps=200)
    assert cv.method.startswith("mc") and cv.nobs == 10
    with pytest.raises(InputError, match=f"the shipped table starts at T={first}; got T=10"):
        critical_values(r, method="table")
    with pytest.raises(InputError, match=f"starts at T={first}"):
        table_critical_values(10)


def test_one_name_for_critical_values_and_the_old_names_still_work():
    """Issue 11 item 5: ``critical_values`` everywhere; the old name
    ``critical_values_for`` warns and agrees (the one test that calls it)."""
    import bubblewatch.detect as detect
    from bubblewatch.detect import psy_critical

    r = psy(np.cumsum(np.random.default_rng(3).normal(size=120)))
    new = psy_critical.critical_values(r, method="table")
    assert new.gsadf == r.critical_values("table").gsadf
    with pytest.warns(DeprecationWarning, match="critical_values_for"):
        old = psy_critical.critical_values_for(r, method="table")
    assert old.gsadf == new.gsadf and old.bsadf[95].equals(new.bsadf[95])
    assert detect.critical_values is psy_critical.critical_values


def test_old_name_default_critical_values_still_works():
    """Issue 11 item 5: ``PSYResult.default_critical_values`` warns and gives what
    ``critical_values_in_use`` gives (the one test that calls it)."""
    from bubblewatch.detect import psy_critical

    r = psy(np.cumsum(np.random.default_rng(3).normal(size=120)))
    new = psy_critical.critical_values(r, method="table")
    attached = r.with_critical_values(new)
    assert attached.critical_values_in_use() is new
    with pytest.warns(DeprecationWarning, match="critical_values_in_use"):
        assert attached.default_critical_values() is new
