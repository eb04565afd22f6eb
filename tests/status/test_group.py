"""group_status: members, breadth, baskets, the AI complex mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from status_samples import FAST, bubble, walk

from bubblewatch.errors import InputError
from bubblewatch.status.group import ai_complex, basket, group_status


def test_basket_equal_and_cap_weight():
    idx = pd.bdate_range("2024-01-01", periods=4)
    closes = {
        "A": pd.Series([1.0, 1.1, 1.21, 1.21], index=idx),
        "B": pd.Series([2.0, 2.0, 2.0, 2.2], index=idx),
        "C": pd.Series([1.0, 0.9, 0.9, 0.9], index=idx),
    }
    ew = basket(closes)
    assert ew.iloc[0] == 100.0
    assert ew.iloc[1] == pytest.approx(100 * (1 + (0.1 + 0.0 - 0.1) / 3))
    shares = {k: pd.Series([10.0], index=[idx[0]]) for k in ("A", "B", "C")}
    cw = basket(closes, shares)
    # day 1 weights: caps 10, 20, 10 on day 0 -> 0.25, 0.5, 0.25
    assert cw.iloc[1] == pytest.approx(100 * (1 + 0.25 * 0.1 + 0.25 * -0.1))
    with pytest.raises(InputError, match="never 3 members"):
        basket({"A": closes["A"], "B": closes["B"]})


def test_a_return_across_a_gap_is_left_out():
    idx = pd.bdate_range("2024-01-02", "2024-03-01")
    a = pd.Series([1.0, 2.0], index=idx[[0, -1]])  # no data in between
    flat = {k: pd.Series(1.0, index=idx) for k in ("B", "C", "D")}
    out = basket({"A": a, **flat})
    assert out.iloc[-1] == 100.0  # A's doubling across two months is not one day's return


def test_group_status_members_breadth_missing():
    members = {
        "X": walk(1500, seed=1),
        "Y": walk(1500, seed=2),
        "BUB": bubble(1500),
    }
    g = group_status(
        members,
        as_of=members["X"].index[-1],
        params=FAST,
        name="test",
        labels={"BUB": "Bubbly"},
        missing=[("Gone Inc (GONE)", "not in the store")],
    )
    assert [s.symbol for s in g.members] == ["X", "Y", "BUB"]
    assert g.breadth["n"] == 3
    flags = [bool(s.psy.explosive) for s in g.members]
    assert flags[2] and g.breadth["share_explosive"] == pytest.approx(sum(flags) / 3)
    assert g.equal_weight is not None and g.cap_weight is None
    assert any("no cap-weight basket" in n for n in g.basket_notes)
    d = g.to_dict()
    assert d["missing"] == [{"label": "Gone Inc (GONE)", "reason": "not in the store"}]
    assert d["members"][2]["label"] == "Bubbly" and d["members"][2]["level"] == "explosive"
    assert "missing: Gone Inc (GONE)" in g.summary()
    assert len(g.to_frame()) == 4 and np.isfinite(g.to_frame()["bsadf"]).all()


def test_ai_complex_mapping_names_the_missing():
    m = ai_complex({"NVDA", "AMD_LONG", "AMD", "SAMSUNG_005930.KS", "NASDAQ_COMPOSITE_1971_2020"})
    by_ticker = {x.ticker: x for x in m}
    assert by_ticker["NVDA"].symbol == "NVDA" and by_ticker["AMD"].symbol == "AMD"
    assert by_ticker["005930.KS"].symbol == "SAMSUNG_005930.KS"
    assert by_ticker["ORCL"].symbol is None and by_ticker["ORCL"].note == "not in the store"
    nasdaq = next(x for x in m if x.label == "NASDAQ Composite")
    assert nasdaq.symbol == "NASDAQ_COMPOSITE" and nasdaq.kind == "index"
    assert {"NVDA", "ORCL", "AMD", "MSFT", "AVGO"} <= set(by_ticker)
