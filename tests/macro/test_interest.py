"""The interest bill, a rate cut's saving, and what the articles' USD 87.5B implies."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.errors import InputError
from bubblewatch.macro.interest import (
    effective_rate,
    implied_repricing_share,
    interest_bill,
    rate_cut_saving,
)


def test_rate_cut_arithmetic_and_inversion():
    r = rate_cut_saving(35_000.0, 25, repricing_share=1.0, stated_saving_usd_bn=87.5)
    assert r.full_pass_through_usd_bn == pytest.approx(87.5)
    assert r.implied_share == pytest.approx(1.0)
    assert implied_repricing_share(87.5, 35_000.0, 25) == pytest.approx(1.0)
    half = rate_cut_saving(35_000.0, 50, repricing_share=0.5, stated_saving_usd_bn=None)
    assert half.saving_usd_bn == pytest.approx(87.5)
    assert "87.5" in r.summary()


def test_bad_inputs():
    with pytest.raises(InputError):
        rate_cut_saving(-1.0, 25)
    with pytest.raises(InputError):
        rate_cut_saving(1000.0, 0)
    with pytest.raises(InputError):
        rate_cut_saving(1000.0, 25, repricing_share=1.5)


def test_effective_rate_aligns_dates():
    idx = pd.to_datetime(["2025-07-01", "2025-10-01"])
    i = pd.Series([1200.0, 1230.0], index=idx)
    d = pd.Series([38_000.0], index=idx[1:])
    assert effective_rate(i, d).tolist() == pytest.approx([1230 / 38_000 * 100])


@pytest.mark.shared
def test_debt_and_interest_must_show(shared_store):
    debt = shared_store.macro("GFDEBTN")
    assert debt.loc["2025-10-01"] / 1e6 > 38.0  # federal debt above USD 38T in 2025Q4
    bill = interest_bill(
        shared_store.macro("A091RC1Q027SBEA"), debt / 1000, shared_store.macro("GDP")
    )
    q4 = bill.table.loc["2025-10-01"]
    assert q4["interest_usd_bn"] == pytest.approx(1200, abs=50)  # about USD 1.2T a year
    assert 3.0 < q4["effective_rate_pct"] < 3.4
    # the articles' USD 87.5B per 25 bp needs ~91% of total debt to reprice within a year
    rc = rate_cut_saving(debt.loc["2025-10-01"] / 1000, 25)
    assert rc.implied_share == pytest.approx(0.909, abs=0.005)


def test_a_negative_stated_saving_is_rejected():
    with pytest.raises(InputError, match="cannot be inverted"):
        implied_repricing_share(-87.5, 38_500.0, 25)
    with pytest.raises(InputError, match="cannot be inverted"):
        rate_cut_saving(38_500.0, 25, stated_saving_usd_bn=-87.5)
