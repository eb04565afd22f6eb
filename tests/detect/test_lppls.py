"""LPPLS fits: kernel vs numpy reference, synthetic recovery, real data vs the lppls package."""

from __future__ import annotations

import json
import random

import numpy as np
import pandas as pd
import pytest

from bubblewatch.detect import _lppls_kernels as K
from bubblewatch.detect.lppls import (
    FILTER_PRESETS,
    LPPLSBounds,
    LPPLSFilter,
    SearchGrid,
    fit_lppls,
    linear_parameters,
    lppls_curve,
    resolve_filters,
)
from bubblewatch.errors import ConvergenceWarning, InputError, InsufficientDataError

# The lppls package's fits (lppls 0.6.24, LPPLS.fit(25) after random.seed(k), k = 0..19) on
# 20 windows of the NASDAQ composite closes 1994-01-03..2000-03-10 drawn with
# numpy.random.default_rng(2024): (end date, observations, SSE at its (tc, m, omega) with
# the linear parameters solved exactly). Checked live below on a few windows.
LPPLS_REFERENCE: list[tuple[str, int, float]] = [
    ("1998-06-23", 226, 0.07916),
    ("1995-09-15", 123, 0.016076),
    ("1996-09-04", 279, 0.16629),
    ("1999-07-01", 687, 2.740934),
    ("2000-03-07", 692, 3.394063),
    ("1995-04-07", 114, 0.014064),
    ("1996-11-19", 659, 0.896223),
    ("1995-09-07", 174, 0.03457),
    ("1997-12-19", 691, 1.417106),
    ("1995-11-03", 242, 0.051905),
    ("1998-04-03", 376, 0.258168),
    ("1998-09-30", 612, 1.681354),
    ("1997-04-10", 741, 1.176692),
    ("1998-03-09", 396, 0.247644),
    ("1996-02-20", 535, 0.332209),
    ("1997-04-18", 199, 0.073929),
    ("2000-01-20", 105, 0.087899),
    ("1999-05-10", 503, 1.585075),
    ("1998-05-12", 416, 0.342089),
    ("1996-10-21", 298, 0.198498),
]

NASDAQ_1000_SSE = 3.3502  # issue 4: the optimum on the 1000 closes ending 2000-03-10


def _synthetic(n=300, tc_days=40.0, m=0.45, omega=8.0, A=6.0, B=-0.6, C1=0.05, C2=-0.03):
    dates = pd.bdate_range("2019-01-02", periods=n)
    from bubblewatch.detect.lppls import _ordinals

    t = _ordinals(dates)
    tc = t[-1] + tc_days
    logp = lppls_curve(t, tc, m, omega, A, B, C1, C2)
    return dates, t, logp, (tc, m, omega, A, B, C1, C2)


def test_kernel_profile_matches_numpy_reference():
    rng = np.random.default_rng(0)
    x = np.linspace(0, 1, 137)
    y = np.cumsum(rng.normal(0, 0.02, x.size))
    y -= y.mean()
    n = x.size
    L, f, g, h, r = (np.empty(n) for _ in range(5))
    beta = np.empty(4)
    C = np.empty((3, 3))
    for tau, m, om in [(1.05, 0.3, 7.0), (1.6, 1.4, 20.0), (0.7, 0.05, 3.0), (1.001, 0.9, 12.0)]:
        sse = K._evaluate(x, y, 1e-10, tau, m, om, L, f, g, h, r, beta, C)
        ref, bref = K.profile_sse_numpy(x, y, tau, m, om, 1e-10)
        assert sse == pytest.approx(ref, rel=1e-9)
        np.testing.assert_allclose(beta, bref, rtol=1e-6, atol=1e-9)


def test_synthetic_recovered_exactly_without_noise():
    dates, _t, logp, true = _synthetic()
    fit = fit_lppls(pd.Series(np.exp(logp), index=dates))
    tc, m, omega, A, B, C1, C2 = true
    assert fit.converged
    assert fit.sse < 1e-20
    assert fit.tc_ordinal == pytest.approx(tc, rel=1e-6, abs=1e-6)
    assert fit.tc_days == pytest.approx(40.0, abs=1e-4)
    for got, want in [
        (fit.m, m),
        (fit.omega, omega),
        (fit.A, A),
        (fit.B, B),
        (fit.C1, C1),
        (fit.C2, C2),
    ]:
        assert got == pytest.approx(want, rel=1e-6, abs=1e-8)
    assert fit.tc == dates[-1] + pd.Timedelta(days=40)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_synthetic_with_noise_never_above_truth(seed):
    rng = np.random.default_rng(seed)
    dates, t, logp, true = _synthetic(n=250, tc_days=25.0 + 10 * seed, m=0.3 + 0.1 * seed)
    y = logp + rng.normal(0, 0.02, logp.size)
    fit = fit_lppls(pd.Series(np.exp(y), index=dates))
    sse_true = linear_parameters(t, y, *true[:3])[1]
    assert fit.sse <= sse_true * (1 + 1e-12)


def test_fit_fields_json_and_filters():
    dates, _t, logp, _ = _synthetic()
    fit = fit_lppls(pd.Series(np.exp(logp), index=dates), filters="lppls")
    d = json.loads(fit.to_json())
    for key in ("tc", "tc_days", "m", "omega", "A", "B", "C1", "C2", "sse", "r2"):
        assert key in d
    assert {"oscillations", "damping", "qualified"} <= set(d)
    assert d["tc"] == (dates[-1] + pd.Timedelta(days=40)).date().isoformat()
    assert set(fit.conditions["confidence"]) == {"tc", "m", "omega", "oscillations", "damping"}
    assert fit.C == pytest.approx(np.hypot(fit.C1, fit.C2))
    # the model's oscillation with phi: C cos(omega ln dt + phi) == C1 cos + C2 sin
    z = 1.7
    assert fit.C * np.cos(z + fit.phi) == pytest.approx(
        fit.C1 * np.cos(z) + fit.C2 * np.sin(z), abs=1e-12
    )
    assert "LPPLS fit" in fit.summary()
    frame = fit.to_frame()
    assert np.abs(frame["fitted"] - frame["log_price"]).max() < 1e-8
    fig = fit.plot()
    assert len(fig.data) == 2


def test_filter_presets_values():
    fco = FILTER_PRESETS["fco"]
    c, tr = fco["confidence"], fco["trust"]
    assert (c.m_lo, c.m_hi, c.omega_lo, c.omega_hi) == (0.01, 1.2, 2.0, 25.0)
    assert (c.tc_before_frac, c.tc_after_frac, c.oscillations_min, c.damping_min) == (
        0.05,
        0.1,
        2.5,
        0.8,
    )
    assert c.rel_error_max == 0.05 and tr.rel_error_max == 0.2
    assert (tr.m_lo, tr.m_hi, tr.damping_min) == (0.01, 0.99, 1.0)
    lp = FILTER_PRESETS["lppls"]["confidence"]
    # max(t2 - 60, t2 - 0.5 span) < tc < min(t2 + 252, t2 + 0.5 span)
    span = np.array([400.0, 400.0, 400.0, 100.0])
    tc_days = np.array([-59.0, -61.0, 251.0, 49.0])
    cond = lp.conditions(
        tc_days=tc_days, span=span, m=np.full(4, 0.5), omega=np.full(4, 8.0),
        oscillations=np.full(4, 3.0), damping=np.full(4, 1.0), rel_error=np.zeros(4),
    )  # fmt: skip
    assert cond["tc"].tolist() == [True, False, False, True]
    # the search box is wider than every filter
    b = LPPLSBounds()
    for preset in FILTER_PRESETS.values():
        for f in preset.values():
            assert b.m_lo <= max(f.m_lo, 1e-6) and b.m_hi >= f.m_hi  # lppls: open 0 < m
            assert b.omega_lo <= f.omega_lo and b.omega_hi >= f.omega_hi
            assert -b.tc_lo > f.tc_before_frac and b.tc_hi > f.tc_after_frac
    with pytest.raises(InputError, match="unknown LPPLS filter preset"):
        resolve_filters("nope")
    custom = LPPLSFilter("mine", 0.1, 0.9, 4, 20, 0.1, 0.1)
    assert resolve_filters(custom)["confidence"] is custom


def test_bad_input_typed_errors():
    dates = pd.bdate_range("2020-01-01", periods=50)
    p = pd.Series(np.linspace(10, 20, 50), index=dates)
    bad = p.copy()
    bad.iloc[10] = -1.0
    with pytest.raises(InputError, match=r"prices must be > 0.* has -1.0 on 2020-01-15"):
        fit_lppls(bad)
    with pytest.raises(InsufficientDataError, match="at least 12"):
        fit_lppls(p.iloc[:5])
    with pytest.raises(InsufficientDataError, match="no price variation"):
        fit_lppls(pd.Series(5.0, index=dates))
    with pytest.raises(InputError, match="bounds for m"):
        LPPLSBounds(m_lo=1.0, m_hi=0.5)
    gap = p.copy()
    gap.iloc[3] = np.nan
    with pytest.raises(InputError, match="missing"):
        fit_lppls(gap)


def test_unconverged_fit_is_reported():
    dates, _t, logp, _ = _synthetic()
    rng = np.random.default_rng(5)
    s = pd.Series(np.exp(logp + rng.normal(0, 0.03, logp.size)), index=dates)
    with pytest.warns(
        ConvergenceWarning, match=r"window 2019-01-02\.\.2020-02-25 did not converge"
    ):
        fit = fit_lppls(s, grid=SearchGrid(n_polish=1, max_iter=2))
    assert not fit.converged
    assert not any(fit.qualified.values())
    assert "NOT CONVERGED" in fit.summary()
    assert json.loads(fit.to_json())["converged"] is False


def _nasdaq(shared_data):
    s = pd.read_csv(
        shared_data / "indices" / "NASDAQ_COMPOSITE_1971_2020.csv", parse_dates=["date"]
    )
    return s.set_index("date")["close"]["1994-01-01":"2000-03-10"]


@pytest.mark.shared
def test_nasdaq_1000_days_reaches_the_optimum(shared_data):
    s = _nasdaq(shared_data).iloc[-1000:]
    fit = fit_lppls(s)
    assert fit.window_end == pd.Timestamp("2000-03-10")
    assert fit.sse <= NASDAQ_1000_SSE
    # the same number from a plain least-squares solve in ordinal days
    t = np.array([d.toordinal() for d in s.index], float)
    sse = linear_parameters(t, np.log(s.to_numpy()), fit.tc_ordinal, fit.m, fit.omega)[1]
    assert sse == pytest.approx(fit.sse, rel=1e-9)
    assert fit.qualified["confidence"]


def _windows(s):
    rng = np.random.default_rng(2024)
    out = []
    for _ in range(20):
        w = int(rng.integers(60, 751))
        e = int(rng.integers(w - 1, len(s)))
        out.append((e, w))
    return out


@pytest.mark.shared
@pytest.mark.filterwarnings("ignore::bubblewatch.errors.ConvergenceWarning")  # far regions crawl
def test_sse_at_or_below_lppls_package(shared_data):
    """On the lppls package's own domain our global search is at or below its fit."""
    s = _nasdaq(shared_data)
    wins = _windows(s)
    assert len(LPPLS_REFERENCE) == len(wins)
    better = 0
    for (e, w), (end, n, ref_sse) in zip(wins, LPPLS_REFERENCE, strict=True):
        assert (str(s.index[e].date()), w) == (end, n)
        fit = fit_lppls(s.iloc[e - w + 1 : e + 1], bounds=LPPLSBounds.lppls_domain())
        better += fit.sse <= ref_sse + 5e-7  # literals are rounded to 1e-6
    assert better == 20, f"at or below lppls on only {better}/20 windows"


@pytest.mark.shared
@pytest.mark.slow
def test_lppls_reference_live(shared_data):
    """The literal reference SSEs are what lppls returns (3 windows: its fit is slow)."""
    lppls = pytest.importorskip("lppls.lppls")
    s = _nasdaq(shared_data)
    t = np.array([d.toordinal() for d in s.index], float)
    y = np.log(s.to_numpy())
    # the lppls package's objective (ordinal-day time, log prices) at our NASDAQ optimum
    s1000 = s.iloc[-1000:]
    fit = fit_lppls(s1000)
    obs = np.array([t[-1000:], y[-1000:]])
    theirs = lppls.LPPLS(obs).func_restricted(np.array([fit.tc_ordinal, fit.m, fit.omega]), obs)
    assert theirs == pytest.approx(fit.sse, rel=1e-9)
    assert theirs <= NASDAQ_1000_SSE
    for k, (e, w) in enumerate(_windows(s)[:3]):
        obs = np.array([t[e - w + 1 : e + 1], y[e - w + 1 : e + 1]])
        random.seed(k)
        r = lppls.LPPLS(obs).fit(25)
        sse = linear_parameters(obs[0], obs[1], *r[:3])[1]
        assert sse == pytest.approx(LPPLS_REFERENCE[k][2], abs=1e-6)


def test_unreadable_window_dates_are_input_errors():
    s = pd.Series(np.linspace(1.0, 2.0, 50), index=pd.bdate_range("2020-01-01", periods=50))
    with pytest.raises(InputError, match="cannot read the dates 'xx'"):
        fit_lppls(s, start="xx")
