"""The Fed's balance sheet with the runoff periods."""

from __future__ import annotations

import pandas as pd
import pytest

from bubblewatch.errors import InputError
from bubblewatch.macro.fed import RUNOFF_PERIODS, fed_balance_sheet


def test_runoff_table_on_a_synthetic_series():
    idx = pd.date_range("2017-01-04", "2020-01-01", freq="W-WED")
    w = pd.Series(4_500_000.0, index=idx)
    w[(idx >= "2017-10-01") & (idx <= "2019-07-31")] = 4_000_000.0
    r = fed_balance_sheet(w, pd.Series([1.0], index=pd.to_datetime(["2017-01-01"])))
    assert list(r.runoff_table.index) == ["QT1"]  # QT2 is outside the data
    assert r.runoff_table.loc["QT1", "change_bn"] == 0.0
    frame = r.to_frame()
    assert set(frame["runoff"]) == {"", "QT1"}
    assert r.plot() is not None


def test_periods_are_sourced_and_input_checked():
    assert [p.name for p in RUNOFF_PERIODS] == ["QT1", "QT2"]
    assert RUNOFF_PERIODS[1].end == pd.Timestamp("2025-11-30")
    assert all(p.source for p in RUNOFF_PERIODS)
    with pytest.raises(InputError):
        fed_balance_sheet([1.0, 2.0])  # type: ignore[arg-type]


@pytest.mark.shared
def test_walcl_runoffs(shared_store):
    r = fed_balance_sheet(shared_store.macro("WALCL"), shared_store.macro("FEDFUNDS"))
    qt2 = r.runoff_table.loc["QT2"]
    assert qt2["change_bn"] < -2000  # QT2 shrank the balance sheet by over USD 2T
    assert r.runoff_table.loc["QT1", "change_bn"] < -500
