"""Track record: outcomes, Wilson intervals, the per-level table, the replay and its cache."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from status_samples import FAST, bubble, walk

from bubblewatch.data.cache import FrameCache
from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.status import asset_status
from bubblewatch.status.replay import replay, run_track_record
from bubblewatch.status.track_record import TrackSpec, outcomes, track_table, wilson_interval


def test_wilson_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (3, 10), (10, 10), (57, 300)]:
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert wilson_interval(k, n) == pytest.approx((lo, hi), abs=1e-9)
    assert all(np.isnan(wilson_interval(0, 0)))
    with pytest.raises(InputError):
        wilson_interval(3, 2)


def test_outcomes_forward_window_and_gaps():
    idx = pd.bdate_range("2024-01-01", periods=10)
    c = pd.Series([100, 90, 70, 80, 100, 110, 120, 130, 140, 150.0], index=idx)
    out = outcomes(c, horizon=3, crash=0.2)
    assert out["fwd_return"].iloc[0] == pytest.approx(np.log(80 / 100))
    assert out["fwd_min"].iloc[0] == pytest.approx(-0.30) and out["fell"].iloc[0] == 1.0
    assert out["fell"].iloc[3] == 0.0
    assert out["fwd_return"].iloc[-3:].isna().all()  # past the end
    gap = pd.Series(c.to_numpy(), index=idx[:5].append(pd.bdate_range("2024-03-01", periods=5)))
    g = outcomes(gap, horizon=3)
    assert g["fwd_return"].iloc[2:5].isna().all() and np.isfinite(g["fwd_return"].iloc[1])


def test_replay_rows_equal_the_status_on_each_date():
    s = bubble(1400, crash=30)
    rep = replay(s, params=FAST, stride=50, lppls_stride=100)
    assert len(rep) == len(range(499, 1400, 50))
    for day in rep.index[[0, -1]]:
        st = asset_status(s[s.index <= day], as_of=day, params=FAST.replace(gsadf_cv=False))
        assert rep.loc[day, "level"] == st.level and rep.loc[day, "bsadf"] == st.signals.psy.bsadf
    with pytest.raises(InputError, match="multiple of stride"):
        replay(s, params=FAST, stride=5, lppls_stride=12)


def test_table_verdicts_and_base_rate():
    idx = pd.bdate_range("2024-01-01", periods=8)
    df = pd.DataFrame(
        {
            "level": ["calm"] * 4 + ["explosive"] * 4,
            "fell": [0, 0, 1, 1, 1, 1, 1, 0.0],
            "fwd_return": [0.1, 0.1, 0.1, 0.1, -0.3, -0.3, -0.3, -0.3],
        },
        index=idx,
    )
    t = track_table({"x": df})
    assert t.loc["all", "p_fall"] == 5 / 8 and t.loc["explosive", "base_rate"] == 5 / 8
    assert t.loc["explosive", "episodes"] == 1 and t.loc["calm", "days"] == 4
    assert t.loc["explosive", "verdict"] == "no better than the base rate"  # n = 4 is too few
    df["fell"] = [0, 0, 0, 0, 1, 1, 1, 1.0]
    big = pd.concat([df] * 25).set_axis(pd.bdate_range("2024-01-01", periods=200))
    t2 = track_table({"x": big})
    assert t2.loc["explosive", "verdict"] == "above the base rate"
    assert t2.loc["calm", "verdict"] == "below the base rate"
    assert t2.loc["heating", "verdict"] == "no dates with an outcome"


def test_run_uses_the_cache(tmp_path):
    s = walk(900, seed=3)
    spec = TrackSpec("walk", "RW")
    cache = FrameCache(tmp_path, kind="tr")
    params = FAST
    with pytest.raises(InsufficientDataError, match="not computed"):
        run_track_record({"walk": (spec, s)}, params=params, stride=100, lppls_stride=100,
                         cache=cache, cached_only=True)  # fmt: skip
    a = run_track_record(
        {"walk": (spec, s)}, params=params, stride=100, lppls_stride=100, cache=cache
    )
    assert len(list((tmp_path / "tr").glob("*.parquet"))) == 1
    b = run_track_record({"walk": (spec, s)}, params=params, stride=100, lppls_stride=100,
                         cache=cache, cached_only=True)  # fmt: skip
    pd.testing.assert_frame_equal(a.table, b.table)
    assert "walk" in a.summary() or "Track record" in a.summary()
    d = a.to_dict()
    assert d["stride"] == 100 and "caveat" in d and d["table"][0]["level"] == "calm"
