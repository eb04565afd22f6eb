"""asset_status on synthetic series: levels, reasons, JSON shape, bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from status_samples import FAST, bubble, walk

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.status import asset_status
from bubblewatch.status.params import DEFAULT_PARAMS

PSY_KEYS = {"bsadf", "cv95", "explosive", "episode_start"}
LPPLS_KEYS = {"pos", "neg", "scale", "tc_q10", "tc_q50", "tc_q90"}
VAL_KEYS = {"pe", "pe_group_median", "cape", "cape_percentile"}
MOM_KEYS = {"ret_1y", "ret_1y_percentile", "ma200_z"}
STRESS_KEYS = {"drawdown", "vol_percentile", "volume_z"}


def test_json_shape_is_item_6():
    s = walk(2000)
    st = asset_status(s, as_of=s.index[-1], params=FAST, symbol="RW")
    d = json.loads(st.to_json())
    assert {"symbol", "as_of", "level", "reasons", "signals", "params"} <= set(d)
    assert d["symbol"] == "RW" and d["as_of"] == s.index[-1].date().isoformat()
    assert all(set(r) == {"condition", "value", "threshold", "command"} for r in d["reasons"])
    sig = d["signals"]
    assert PSY_KEYS <= set(sig["psy"]) and LPPLS_KEYS <= set(sig["lppls"])
    assert VAL_KEYS <= set(sig["valuation"]) and MOM_KEYS <= set(sig["momentum"])
    assert STRESS_KEYS <= set(sig["stress"])
    # fractions, not percent
    assert abs(sig["momentum"]["ret_1y"]) < 2 and 0 <= sig["momentum"]["ret_1y_percentile"] <= 1
    assert -1 <= sig["stress"]["drawdown"] <= 0
    assert d["params"]["cv_method"] == "wb" and d["params"]["sample_years"] == 5


def test_a_random_walk_is_not_explosive_and_says_why():
    s = walk(1600, seed=4)
    st = asset_status(s, as_of=s.index[-1], params=FAST)
    assert st.level in ("calm", "heating")
    assert st.psy.explosive is False and st.psy.nobs == 1305
    assert st.psy.bsadf <= st.psy.cv95
    if st.level == "calm":
        assert any("at or below its 90% critical value" in r.condition for r in st.reasons)
    assert st.reasons[0].command.startswith("bubblewatch ")


def test_an_explosive_series_is_explosive_with_its_episode():
    s = bubble()
    st = asset_status(s, as_of=s.index[-1], params=FAST, symbol="BUB")
    assert st.level == "explosive"
    r = st.reasons[0]
    assert "BSADF above its 95% critical value" in r.condition
    assert r.value == st.psy.bsadf > r.threshold == st.psy.cv95
    assert r.command == f"bubblewatch psy BUB --as-of {s.index[-1].date()}"
    assert st.psy.episode_start is not None and st.psy.episode_length > 10
    # the run really is the run: BSADF exceeds on the start date, not the session before
    assert st.psy.episode_start == s.index[-st.psy.episode_length]


def test_a_crash_after_an_explosive_peak_is_bursting():
    s = bubble(crash=40)
    st = asset_status(s, as_of=s.index[-1], params=FAST)
    assert st.level == "bursting"
    assert "drawdown from the 5-year peak" in st.reasons[0].condition
    assert st.reasons[0].value <= -0.2 and st.signals.psy.explosive_near_peak


def test_point_in_time_inside_the_series():
    s = bubble(crash=40)
    day = s.index[-60]
    full = asset_status(s, as_of=day, params=FAST)
    cut = asset_status(s[s.index <= day], as_of=day, params=FAST)
    assert full.to_dict()["signals"] == cut.to_dict()["signals"] and full.level == cut.level


def test_insufficient_data_is_said_per_signal():
    s = walk(300)
    st = asset_status(s, as_of=s.index[-1], params=DEFAULT_PARAMS.replace(gsadf_cv=False))
    assert st.signals.psy.note == "insufficient data: 300 sessions, needs 500"
    assert st.signals.lppls.scales[0].note == "insufficient data: 300 sessions, needs 750"
    assert st.signals.lppls.scales[1].available  # the short scale has enough
    assert np.isfinite(st.signals.momentum.ma200_z)
    assert "insufficient data" in st.signals.momentum.note
    assert any(n.startswith("PSY: insufficient data") for n in st.notes)


def test_stale_end_is_stated():
    s = walk(1300)
    later = s.index[-1] + pd.tseries.offsets.BDay(30)
    st = asset_status(s, as_of=later, params=FAST)
    assert st.stale_business_days == 30 and st.data_date == s.index[-1]
    assert any(n.startswith("stale: the series ends") for n in st.notes)
    assert st.to_dict()["data"]["stale_business_days"] == 30


def test_bad_input():
    s = walk(600)
    with pytest.raises(InputError, match="as_of: cannot read the date"):
        asset_status(s, as_of="2020-13-45", params=FAST)
    with pytest.raises(InsufficientDataError, match="no close on or before 2000-01-03"):
        asset_status(s, as_of="2000-01-03", params=FAST, symbol="RW")
    with pytest.raises(InputError, match="Series or DataFrame"):
        asset_status([1, 2, 3], as_of="2020-01-01")
    dup = pd.concat([s.iloc[:3], s.iloc[2:3]])
    with pytest.raises(InputError, match="twice"):
        asset_status(dup, as_of=s.index[3])


def test_valuation_without_and_with_fundamentals():
    s = walk(1400, start="2020-01-02")
    st = asset_status(s, as_of="2024-12-31", params=FAST, symbol="X")
    assert st.signals.valuation.note == "no fundamentals"
    f = pd.DataFrame(
        {
            "period_end": ["2024-03-31", "2024-06-30", "2024-12-31", "2025-03-31"],
            "metric": "eps_diluted",
            "value": [1.0, 1.0, 1.0, 1.0],
            "filed": ["2024-04-30", "2024-07-30", "2025-01-30", "2025-04-30"],
        }
    )
    gap = asset_status(s, as_of="2025-05-15", fundamentals=f, params=FAST, symbol="X")
    note = gap.signals.valuation.note
    assert np.isnan(gap.signals.valuation.pe) and "not consecutive" in note and "missing" in note
    ok = f.assign(
        period_end=["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"],
        filed=["2024-04-30", "2024-07-30", "2024-10-30", "2025-01-30"],
    )
    st = asset_status(s, as_of="2025-02-28", fundamentals=ok, params=FAST, symbol="X",
                      group_pe_median=10.0)  # fmt: skip
    close = s[s.index <= "2025-02-28"].iloc[-1]
    assert st.signals.valuation.pe == pytest.approx(close / 4.0)
    assert st.signals.valuation.pe_multiple == pytest.approx(close / 40.0)


def test_summary_frame_plot():
    s = bubble()
    st = asset_status(s, as_of=s.index[-1], params=FAST, symbol="BUB")
    assert st.summary().startswith(f"BUB on {s.index[-1].date()}: EXPLOSIVE")
    fr = st.to_frame()
    assert set(fr.columns) == {"signal", "field", "value"} and len(fr) > 20
    assert "explosive" in st.plot().layout.title.text
