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
from bubblewatch.scan import LPPLSAnalysis, LPPLSScale, PSYAnalysis, scan
from bubblewatch.scan.analyses import run_series

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


def test_lppls_row_equals_lppls_confidence_at_the_last_date():
    y = make_panel(1, 300)["S0"]
    row = _run(y, [SMALL])
    conf = lppls_confidence(y, window_max=90, window_min=40, window_step=10, start=y.index[-1],
                            return_fits=True)  # fmt: skip
    last = conf.indicator.iloc[-1]
    assert row["lppls_mid_pos"] == last["pos"] and row["lppls_mid_neg"] == last["neg"]
    assert row["lppls_mid_n_windows"] == 6
    fits = conf.fits
    qual = fits[fits["qualified_confidence"] & (fits["B_sign"] < 0)]
    assert row["lppls_mid_n_qualified"] == len(qual)
    if len(qual):
        tc50 = y.index[-1] + pd.Timedelta(days=float(np.quantile(qual["tc_days"], 0.5)))
        assert row["lppls_mid_tc_q50"] == tc50.round("D")
    # the long scale needs 400 sessions: insufficient, the mid scale still computed
    assert row["outcome"] == "insufficient"
    assert row["lppls_long_error"] == "300 sessions; the long scale needs 400 (its largest window)"
    assert (
        row["error"] == "lppls[long]: 300 sessions; the long scale needs 400 (its largest window)"
    )


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
    assert "lppls[mid]: lppls_confidence: prices must be > 0" in bad["error"]
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
        LPPLSAnalysis(scales=(LPPLSScale("a", 90, 40), LPPLSScale("a", 60, 30)))
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
