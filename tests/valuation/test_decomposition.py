"""Return decomposition: the identity, a textbook case, and the S2-9 window on Shiller data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError
from bubblewatch.valuation.decomposition import return_decomposition


def _monthly(n=37):
    return pd.date_range("2020-01-01", periods=n, freq="MS")


def test_textbook_constant_pe_no_dividends():
    # earnings and price both grow 10% a year: price return = earnings growth, P/E change 0
    idx = _monthly()
    years = np.arange(len(idx)) / 12
    e = pd.Series(5.0 * 1.1**years, index=idx)
    p = e * 20
    d = return_decomposition(p, e, start=idx[0], end=idx[-1])
    assert d.pe_change == pytest.approx(0.0, abs=1e-9)
    assert d.dividend_yield == 0.0
    # the window is measured in days / 365.25, so the rates differ slightly from 10%
    assert d.earnings_growth == pytest.approx(d.price_return)
    assert d.total_return == pytest.approx(d.price_return)
    assert d.earnings_growth == pytest.approx(10.0, abs=0.05)


def test_components_add_up_exactly():
    idx = _monthly()
    rng = np.random.default_rng(0)
    p = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.01, 0.04, len(idx)))), index=idx)
    e = pd.Series(5 * np.exp(np.cumsum(rng.normal(0.005, 0.01, len(idx)))), index=idx)
    dv = pd.Series(2.0, index=idx)
    r = return_decomposition(p, e, dv, start=idx[0], end=idx[-1])
    parts = r.earnings_growth + r.pe_change + r.dividend_yield + r.interaction
    assert parts == pytest.approx(r.total_return)
    assert r.earnings_growth + r.pe_change + r.cross_term == pytest.approx(r.price_return)
    assert set(r.to_dict()) >= {
        "total_return",
        "earnings_growth",
        "pe_change",
        "dividend_yield",
        "interaction",
    }
    assert r.plot() is not None


def test_bad_windows_and_losses_are_typed_errors():
    idx = _monthly()
    p = pd.Series(100.0, index=idx)
    with pytest.raises(InputError, match="after"):
        return_decomposition(p, p, start=idx[5], end=idx[1])
    with pytest.raises(InputError, match="earnings must be positive"):
        return_decomposition(p, -p, start=idx[0], end=idx[-1])


@pytest.mark.shared
def test_s2_9_window_on_shiller(shared_store):
    p, e, d = (shared_store.macro(f"SHILLER_{x}") for x in ("P", "E", "D"))
    r = return_decomposition(p, e, d, start="2022-09-01", end="2025-09-01")
    # reference values computed by this module on Shiller's monthly data (ie_data, 2026-05)
    assert r.total_return == pytest.approx(21.32, abs=0.01)
    assert r.earnings_growth == pytest.approx(7.91, abs=0.01)
    assert r.pe_change == pytest.approx(10.81, abs=0.01)
    assert r.dividend_yield == pytest.approx(1.45, abs=0.01)
    # the articles: 23.1 = 4.9 + 17.3 + 1.5 (DIGEST S2-9); the data give less P/E expansion
    assert r.pe_change < 17.3 - 5


def test_unreadable_window_is_input_error():
    idx = _monthly()
    e = pd.Series(5.0, index=idx)
    with pytest.raises(InputError, match="cannot read the window"):
        return_decomposition(e * 20, e, start="xx", end=idx[-1])
