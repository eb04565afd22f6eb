"""Shiller CAPE: recomputed from P, E, CPI (matches Shiller's own column) and its percentile."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.valuation.cape import cape_from_components, cape_percentile


def test_constant_earnings_cape_is_price_over_earnings():
    idx = pd.date_range("1990-01-01", periods=150, freq="MS")
    p = pd.Series(np.linspace(100, 200, 150), index=idx)
    e = pd.Series(10.0, index=idx)
    c = pd.Series(np.linspace(100, 150, 150), index=idx)
    cape = cape_from_components(p, e, c)
    assert cape.iloc[:120].isna().all()
    # real P / mean real E over the previous 120 months
    t = 149
    real_e = (e / c).iloc[t - 120 : t].mean()
    assert cape.iloc[t] == pytest.approx(p.iloc[t] / c.iloc[t] / real_e)


def test_percentile_rank_and_errors():
    idx = pd.date_range("1999-01-01", periods=6, freq="MS")
    s = pd.Series([30.0, 44.0, 40.0, 20.0, 35.0, 39.0], index=idx)
    r = cape_percentile(s, "1999-06-15")
    assert r.value == 39.0 and r.rank == 3
    assert r.percentile == pytest.approx(100 * 4 / 6)
    assert r.peak_value == 44.0 and r.peak_date == pd.Timestamp("1999-02-01")
    with pytest.raises(NotFoundError):
        cape_percentile(s, "1980-01-01")
    with pytest.raises(InputError, match="cannot read the month 'xx'"):
        cape_percentile(s, "xx")
    with pytest.raises(InputError):
        cape_percentile([1.0, 2.0])  # type: ignore[arg-type]
    with pytest.raises(InsufficientDataError):
        cape_from_components(s, s, s)


@pytest.mark.shared
def test_cape_oct_2025_vs_dec_1999(shared_store):
    cape = shared_store.macro("SHILLER_CAPE")
    r = cape_percentile(cape, "2025-10-01")
    assert r.value == pytest.approx(39.2, abs=0.1)  # about 39 in October 2025
    assert r.peak_date == pd.Timestamp("1999-12-01")
    assert r.peak_value == pytest.approx(44.2, abs=0.1)  # about 44 in December 1999
    assert r.percentile > 98


@pytest.mark.shared
def test_recomputed_cape_matches_shiller_column(shared_store):
    p, e, c = (shared_store.macro(f"SHILLER_{x}") for x in ("P", "E", "CPI"))
    mine = cape_from_components(p, e, c)
    ref = shared_store.macro("SHILLER_CAPE")
    both = pd.concat([mine, ref], axis=1, join="inner").dropna()
    assert len(both) > 1700
    assert np.max(np.abs(both.iloc[:, 0] - both.iloc[:, 1])) < 1e-9
