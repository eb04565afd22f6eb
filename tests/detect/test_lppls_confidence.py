"""DS LPPLS confidence indicator, the lppls CLI and the report section."""

from __future__ import annotations

import json
import math

import numba
import numpy as np
import pandas as pd
import pytest

from bubblewatch.detect.lppls import LPPLSFilter, _ordinals, linear_parameters, lppls_curve
from bubblewatch.detect.lppls_confidence import lppls_confidence
from bubblewatch.errors import InputError, InsufficientDataError


def _bubble(n=260, seed=0, noise=0.005):
    dates = pd.bdate_range("2021-01-04", periods=n)
    t = _ordinals(dates)
    logp = lppls_curve(t, t[-1] + 10.0, 0.5, 8.0, 6.0, -0.05, 0.003, 0.001)
    rng = np.random.default_rng(seed)
    return pd.Series(np.exp(logp + rng.normal(0, noise, n)), index=dates)


KW = {"window_max": 120, "window_min": 40, "window_step": 20, "end_step": 10}


def test_indicator_shape_and_definition():
    s = _bubble()
    res = lppls_confidence(s, return_fits=True, **KW)
    ind = res.indicator
    assert list(ind.columns[:1]) == ["price"]
    assert {"pos", "neg", "trust_pos", "trust_neg", "n_windows", "n_unconverged"} <= set(ind)
    assert (ind["n_windows"] == 5).all()  # 120, 100, 80, 60, 40
    assert ind.index[-1] == s.index[-1]
    assert res.n_fits == 5 * len(ind)
    assert ((ind["pos"] + ind["neg"]) <= 1).all()
    fits = res.fits
    assert fits is not None and len(fits) == res.n_fits
    # FCO: qualified fits of each sign over ALL windows (not over the fits of that sign)
    for end, grp in fits.groupby("end"):
        pos = (grp["qualified_confidence"] & (grp["B_sign"] < 0)).sum() / len(grp)
        assert ind.loc[end, "pos"] == pytest.approx(pos)
    # the last end date of a clean LPPLS bubble: windows qualify with B < 0
    assert ind["pos"].iloc[-1] > 0
    assert ind["neg"].iloc[-1] == 0
    # every fit's SSE is the profile SSE at its parameters
    t = _ordinals(s.index)
    y = np.log(s.to_numpy())
    row = fits.iloc[-1]
    i1 = s.index.get_loc(row["end"])
    i0 = i1 - int(row["window"]) + 1
    tc = t[i1] + row["tc_days"]
    sse = linear_parameters(t[i0 : i1 + 1], y[i0 : i1 + 1], tc, row["m"], row["omega"])[1]
    assert row["sse"] == pytest.approx(sse, rel=1e-8)
    d = json.loads(res.to_json())
    assert d["n_fits"] == res.n_fits and {"date", "pos", "neg"} <= set(d["indicator"][0])
    assert "LPPLS confidence" in res.summary()
    assert len(res.plot().data) == 3


def test_same_result_for_any_thread_count():
    s = _bubble(seed=3)
    n0 = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = lppls_confidence(s, return_fits=True, **KW)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        b = lppls_confidence(s, return_fits=True, **KW)
    finally:
        numba.set_num_threads(n0)
    pd.testing.assert_frame_equal(a.indicator, b.indicator)
    assert a.fits is not None and b.fits is not None
    np.testing.assert_array_equal(a.fits["sse"].to_numpy(), b.fits["sse"].to_numpy())


def test_denominator_counts_every_window():
    s = _bubble(seed=1)
    everything = LPPLSFilter(
        "all", -1e9, 1e9, -1e9, 1e9, 1e9, 1e9, oscillations_min=-math.inf, damping_min=-math.inf
    )
    res = lppls_confidence(s, filters=everything, return_fits=True, **KW)
    fits = res.fits
    assert fits is not None
    last = fits[fits["end"] == fits["end"].max()]
    expected = (last["converged"] & (last["B_sign"] < 0)).sum() / 5
    assert res.indicator["pos"].iloc[-1] == pytest.approx(expected)
    assert (
        res.indicator["pos"] + res.indicator["neg"] + res.indicator["n_unconverged"] / 5
        <= 1 + 1e-12
    ).all()
    assert "trust_pos" not in res.indicator


def test_bad_input():
    s = _bubble()
    with pytest.raises(InputError, match=r"window_min .* > window_max"):
        lppls_confidence(s, window_max=40, window_min=60)
    with pytest.raises(InsufficientDataError, match="needs window_max = 400"):
        lppls_confidence(s, window_max=400, window_min=40)
    flat = s.copy()
    flat.iloc[150:200] = 100.0
    with pytest.raises(InsufficientDataError, match=r"window .* has no price variation"):
        lppls_confidence(flat, **KW)
    neg = s.copy()
    neg.iloc[5] = 0.0
    with pytest.raises(InputError, match="prices must be > 0"):
        lppls_confidence(neg, **KW)
    with pytest.raises(InputError, match="end_step"):
        lppls_confidence(s, window_max=120, window_min=40, end_step=0)


def test_cli_fit_and_confidence(tmp_path, capsys):
    from bubblewatch.cli import main

    s = _bubble()
    path = tmp_path / "bub.csv"
    pd.DataFrame({"date": s.index.date, "close": s.to_numpy()}).to_csv(path, index=False)
    assert main(["lppls", "fit", str(path), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    keys = {
        "tc",
        "tc_days",
        "m",
        "omega",
        "A",
        "B",
        "C1",
        "C2",
        "sse",
        "r2",
        "oscillations",
        "damping",
        "qualified",
    }
    assert keys <= set(d)
    assert isinstance(d["qualified"], bool)
    args = ["lppls", "confidence", str(path), "--window-max", "120", "--window-min", "40"]
    args += ["--window-step", "20", "--end-step", "20", "--from", "2021-10-01", "--json"]
    assert main(args) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["n_fits"] == 5 * len(d["indicator"])
    assert {"date", "pos", "neg"} <= set(d["indicator"][0])  # the result's to_json()
    assert d["indicator"][0]["date"] >= "2021-10-01"
    assert main(["lppls", "confidence", str(path), "--window-max", "40", "--window-min", "60"]) == 2


class _FakeStore:
    def __init__(self, data):
        self.data = data

    def series(self, symbol, column="close"):
        from bubblewatch.errors import NotFoundError

        if symbol not in self.data:
            raise NotFoundError(f"no {symbol}")
        return self.data[symbol]


def test_report_section():
    from bubblewatch.report.context import ReportContext
    from bubblewatch.report.sections import lppls as section

    dates = pd.bdate_range("2019-01-01", periods=800)
    t = _ordinals(dates)
    logp = lppls_curve(t, t[-1] + 40.0, 0.6, 8.0, 6.0, -0.02, 0.002, 0.001)
    s = pd.Series(np.exp(logp + np.random.default_rng(0).normal(0, 0.004, t.size)), index=dates)
    ctx = ReportContext(
        store=_FakeStore({"BUB": s}),
        symbols=["BUB", "NOPE"],
        as_of=dates[-1],
        options={"fast": True},
    )  # type: ignore[arg-type]
    out = section.build(ctx)
    assert out.id == "lppls"
    assert len(out.figures) == 2
    assert "BUB" in out.html and "tc" in out.html
    assert any("NOPE" in m for m in out.missing)
    empty = section.build(ReportContext(store=_FakeStore({}), symbols=["X"], as_of=dates[-1]))  # type: ignore[arg-type]
    assert empty.missing and not empty.figures


def test_unreadable_start_is_input_error():
    s = pd.Series(np.linspace(1.0, 2.0, 200), index=pd.bdate_range("2020-01-01", periods=200))
    with pytest.raises(InputError, match="cannot read the date 'xx'"):
        lppls_confidence(s, start="xx", window_max=120, window_min=60)
