"""One series, one row: the analyses' numbers equal the engines they call, and every fault
becomes the row's outcome instead of stopping the scan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scan_inputs import Misbehave, make_panel

from bubblewatch.detect.lppls_confidence import lppls_confidence
from bubblewatch.detect.psy import psy
from bubblewatch.detect.psy_pvalue import gsadf_pvalue
from bubblewatch.errors import InputError
from bubblewatch.scan import LPPLSAnalysis, PSYAnalysis, scan
from bubblewatch.scan.series_row import run_series
from bubblewatch.status.lppls_signal import lppls_scale_signal
from bubblewatch.status.params import LPPLSScale

SMALL = LPPLSAnalysis(scales=(LPPLSScale("mid", 90, 40, 10), LPPLSScale("long", 400, 200, 100)))


def _run(y: pd.Series, analyses, **kw):
    return run_series("X", y.index.to_numpy(), y.to_numpy(), tuple(analyses), **kw)


def test_psy_row_has_the_table_pvalue():
    y = make_panel(1, 300)["S0"]
    row = _run(y, [PSYAnalysis()])
    res = psy(y, log=True)
    assert row["outcome"] == "ok" and row["error"] is None
    assert row["gsadf"] == res.gsadf
    assert row["gsadf_pvalue"] == gsadf_pvalue(res.gsadf, 300)
    assert row["gsadf_pvalue"] < 0.01 and row["explosive"]


def test_lppls_row_equals_the_status_signal_and_lppls_confidence():
    y = make_panel(1, 300)["S0"]
    row = _run(y, [SMALL])
    sig = lppls_scale_signal(y, SMALL.scales[0])
    conf = lppls_confidence(y, window_max=90, window_min=40, window_step=10, start=y.index[-1],
                            return_fits=True)  # fmt: skip
    last = conf.indicator.iloc[-1]
    assert row["lppls_mid_pos"] == sig.pos == last["pos"]
    assert row["lppls_mid_neg"] == sig.neg == last["neg"]
    assert row["lppls_mid_n_windows"] == 6 and row["lppls_mid_n_unconverged"] == sig.n_unconverged
    assert (row["lppls_mid_tc_q10"], row["lppls_mid_tc_q50"], row["lppls_mid_tc_q90"]) == sig.tc_pos
    fits = conf.fits
    qual = fits[fits["qualified_confidence"] & (fits["B_sign"] < 0)]
    if len(qual):
        days = round(float(np.quantile(qual["tc_days"], 0.5)))
        assert row["lppls_mid_tc_q50"] == y.index[-1] + pd.Timedelta(days=days)
    # the long scale needs 400 sessions: insufficient, the mid scale still computed
    assert row["outcome"] == "insufficient"
    assert row["lppls_long_error"] == "insufficient data: 300 sessions, needs 400"
    assert row["error"] == "lppls[long]: insufficient data: 300 sessions, needs 400"


def test_insufficient_and_bad_data_rows():
    y = make_panel(1, 300)["S0"]
    short = _run(y.iloc[:30], [PSYAnalysis()])
    assert short["outcome"] == "insufficient"
    assert short["error"] == "30 observations; the scan needs at least 60"
    neg = y.copy()
    neg.iloc[100] = -1.0
    bad = _run(neg, [PSYAnalysis(), SMALL])
    assert bad["outcome"] == "error"
    assert bad["error"].startswith("psy: X has a non-positive value (-1.0) at 2021-05-21")
    assert "lppls[mid]: LPPLS cannot run: lppls_confidence: prices must be > 0" in bad["error"]
    back = y.copy()
    back.index = back.index[::-1]
    assert "dates must increase" in _run(back, [PSYAnalysis()])["error"]


def test_an_exception_is_an_error_row_and_the_other_analyses_still_run():
    y = make_panel(1, 300)["S0"]
    row = run_series(
        "X", y.index.to_numpy(), y.to_numpy(), (Misbehave(raise_=("X",)), PSYAnalysis())
    )
    assert row["outcome"] == "error"
    assert row["fault_error"] == "ZeroDivisionError: division by zero"
    assert row["error"] == "fault: ZeroDivisionError: division by zero"
    assert row["gsadf"] == psy(y, log=True).gsadf


def test_timeout_stops_before_the_next_stage():
    y = make_panel(1, 300)["S0"]
    row = _run(y, [Misbehave(steps=("X",), seconds=1.0), PSYAnalysis()], timeout=0.25)
    assert row["outcome"] == "timeout"
    assert row["error"].startswith("timeout: time limit 0.25 s reached after")
    assert row["gsadf"] is None if "gsadf" in row else True
    assert row["timeout_s"] == 0.25
    ok = _run(y, [Misbehave(steps=("X",), seconds=0.05), PSYAnalysis()], timeout=60)
    assert ok["outcome"] == "ok"


def test_warnings_are_kept_in_notes():
    idx = pd.bdate_range("2021-01-01", periods=120)
    flat = pd.Series(np.r_[np.full(60, 100.0), np.linspace(100, 130, 60)], index=idx)
    row = _run(flat, [PSYAnalysis()])
    assert row["outcome"] == "ok"
    assert "psy: " in row["notes"] and "zero variance" in row["notes"]


def test_bad_analysis_parameters():
    with pytest.raises(InputError, match="level must be 90, 95 or 99"):
        PSYAnalysis(level=97)
    with pytest.raises(InputError, match="scale names must differ"):
        LPPLSAnalysis(scales=(LPPLSScale("a", 90, 40, 5), LPPLSScale("a", 60, 30, 5)))
    with pytest.raises(InputError, match="unknown analysis 'garch'"):
        scan(make_panel(1), ["garch"])
    with pytest.raises(InputError, match="each analysis may be named once"):
        scan(make_panel(1), ["psy", "psy"])


def test_as_of_cuts_every_series():
    panel = make_panel(2, 300)
    cut = scan(panel, as_of="2021-06-30").to_frame().set_index("symbol")
    whole = scan({k: v[:"2021-06-30"] for k, v in panel.items()}).to_frame().set_index("symbol")
    assert (cut["last"] == pd.Timestamp("2021-06-30")).all()
    pd.testing.assert_series_equal(cut["gsadf"], whole["gsadf"])
    assert (cut["fingerprint"] == whole["fingerprint"]).all()
    assert (cut["param_hash"] != whole["param_hash"]).all()  # as_of is a parameter


def test_status_row_is_asset_status_and_lppls_reuses_its_signals():
    import json

    from bubblewatch.scan import StatusAnalysis
    from bubblewatch.status import asset_status
    from bubblewatch.status.params import DEFAULT_PARAMS

    panel = make_panel(1, 800, seed=4)
    vol = pd.Series(np.linspace(1e6, 2e6, 800), index=panel["S0"].index)
    frames = {k: pd.DataFrame({"close": v, "volume": vol}) for k, v in panel.items()}
    both = scan(frames, ["status", "lppls"]).to_frame().set_index("symbol")
    alone = scan(frames, ["lppls"]).to_frame().set_index("symbol")
    lp = [c for c in alone.columns if c.startswith("lppls_")]
    pd.testing.assert_frame_equal(both[lp], alone[lp])
    for sym, frame in frames.items():
        st = asset_status(frame, as_of=frame.index[-1], symbol=sym)
        row = both.loc[sym]
        assert row["status_level"] == st.level
        assert json.loads(row["status_reasons"]) == json.loads(
            json.dumps([r.to_dict() for r in st.reasons])
        )
        assert row["status_psy_bsadf"] == st.signals.psy.bsadf
        assert row["status_psy_cv95"] == st.signals.psy.cv95
        assert row["status_volume_z"] == st.signals.stress.volume_z
        assert row["lppls_long_pos"] == st.signals.lppls.scales[0].pos
    assert both.loc["S0", "status_level"] in ("explosive", "critical", "heating")
    assert StatusAnalysis().parameters() == DEFAULT_PARAMS.to_dict()


def test_wild_bootstrap_pvalue_is_the_share_of_bootstrap_gsadfs_at_least_as_large():
    from bubblewatch.detect.psy_bootstrap import bootstrap_bsadf

    y = make_panel(2, 200, seed=2)["S1"]
    row = _run(y, [PSYAnalysis(pvalue="wb", pvalue_reps=49, seed=3)])
    res = psy(y, log=True)
    m = res.min_window
    draws = bootstrap_bsadf(res.y.to_numpy(), np.arange(m - 1, 200), min_window=m, reps=49, seed=3)
    want = (1 + np.count_nonzero(np.nanmax(draws, axis=1) >= res.gsadf)) / 50
    assert row["gsadf_pvalue"] == want
    assert row["gsadf"] == res.gsadf
    with pytest.raises(InputError, match="pvalue must be 'table' or 'wb'"):
        PSYAnalysis(pvalue="mc")
