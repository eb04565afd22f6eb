"""Index concentration: top-N, HHI, effective N, group weight; the SPY 2025-09-30 figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.valuation.concentration import (
    concentration,
    concentration_history,
    equity_lines,
    parse_group,
)


def _h(rows):
    return pd.DataFrame(rows, columns=["symbol", "name", "weight"])


def test_textbook_hhi_and_effective_n():
    # four equal holdings: HHI = 4 * 0.25^2 = 0.25, effective N = 4
    r = concentration(_h([(s, s, 25.0) for s in "ABCD"]), top_n=2, groups={})
    assert r.hhi == pytest.approx(0.25)
    assert r.effective_n == pytest.approx(4.0)
    assert r.top_weight == pytest.approx(50.0)


def test_share_classes_merge_and_line_variant():
    h = _h(
        [
            ("GOOGL", "ALPHABET A", 10.0),
            ("GOOG", "ALPHABET C", 8.0),
            ("NVDA", "NVIDIA", 12.0),
            ("XOM", "EXXON", 70.0),
        ]
    )
    by_co = concentration(h, top_n=2, groups={"G": ["GOOG"]})
    by_line = concentration(h, top_n=2, groups={"G": ["GOOG"]}, by="line")
    assert by_co.top_weight == pytest.approx(88.0)  # XOM 70 + Alphabet 18
    assert by_line.top_weight == pytest.approx(82.0)  # XOM 70 + NVDA 12
    assert by_co.group_weight["G"] == pytest.approx(18.0)  # GOOG maps to the company
    assert by_line.group_weight["G"] == pytest.approx(8.0)
    assert "share classes merged" in by_co.rule and "separately" in by_line.rule


def test_cash_futures_and_non_equity_lines_are_excluded_and_weights_renormalised():
    h = _h(
        [
            ("AAPL", "APPLE INC", 45.0),
            ("DG", "DOLLAR GENERAL CORP", 45.0),  # a company with DOLLAR in its name stays
            ("US DOLLAR", "US DOLLAR", 5.0),
            ("CASH_USD", "U.S. Dollar", 2.0),
            ("ESZ5", "S&P500 EMINI FUT DEC25", 2.0),
            ("2602335D", "CONTRA HOLOGIC INCORPO", 1.0),
        ]
    )
    eq, ex = equity_lines(h)
    assert list(eq["symbol"]) == ["AAPL", "DG"]
    assert len(ex) == 4
    r = concentration(h, top_n=1)
    assert r.top_weight == pytest.approx(50.0)
    assert r.excluded_weight == pytest.approx(10.0)


def test_bad_input_is_typed():
    with pytest.raises(InputError, match="symbol"):
        concentration(pd.DataFrame({"ticker": ["A"], "weight": [1.0]}))
    with pytest.raises(InputError, match="by="):
        concentration(_h([("A", "A", 1.0)]), by="issuer")
    with pytest.raises(InsufficientDataError):
        concentration(_h([("US DOLLAR", "US DOLLAR", 100.0)]))
    with pytest.raises(InputError, match="NAME=TICKER"):
        parse_group("MAG7")
    assert parse_group("AI=nvda, avgo") == ("AI", ("NVDA", "AVGO"))


def test_result_protocol():
    r = concentration(_h([("A", "A", 60.0), ("B", "B", 40.0)]), as_of="2025-01-02")
    d = r.to_dict()
    for k in ("as_of", "top10_weight", "hhi", "effective_n", "group_weight"):
        assert k in d
    assert r.to_frame()["cumulative"].iloc[-1] == pytest.approx(1.0)  # fractions
    assert "2025-01-02" in r.summary()
    assert r.plot() is not None
    assert '"top10_weight"' in r.to_json()


@pytest.mark.shared
def test_spy_2025_09_30_must_show(shared_store):
    h = shared_store.holdings("SPY", "2025-09-30")
    r = concentration(h)
    # GOOG + GOOGL as one company, cash line excluded
    assert round(r.top_weight, 1) == 40.4
    assert round(r.group_weight["Magnificent 7"], 1) == 34.5
    assert round(concentration(h, by="line").top_weight, 1) == 38.9
    assert any("DOLLAR" in x for x in r.excluded_lines)
    assert 40 < r.effective_n < 50


@pytest.mark.shared
def test_spy_history_and_missing_date(shared_store):
    dates = shared_store.holdings_dates("SPY")
    hist = concentration_history({d: shared_store.holdings("SPY", str(d.date())) for d in dates})
    df = hist.to_frame()
    assert len(df) == 5
    # concentration rose from 2022 to 2025-09-30
    assert df["top_weight"].iloc[0] < df["top_weight"].loc[pd.Timestamp("2025-09-30")]
    assert np.all(df["effective_n"] > 0)
    with pytest.raises(NotFoundError, match="2025-09-30"):
        shared_store.holdings("SPY", "2025-09-29")


def test_properties_hold_for_any_weights():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(st.lists(st.floats(0.001, 50.0), min_size=2, max_size=40))
    def prop(ws):
        h = _h([(f"T{i}", f"T{i}", w) for i, w in enumerate(ws)])
        n = len(ws)
        r = concentration(h, top_n=min(3, n), groups={"all": [f"T{i}" for i in range(n)]})
        assert 1.0 / n - 1e-12 <= r.hhi <= 1.0 + 1e-12
        assert r.effective_n <= n + 1e-9
        assert r.group_weight["all"] == pytest.approx(100.0)
        assert r.weights.sum() == pytest.approx(100.0)
        r1 = concentration(h, top_n=1, groups={})
        assert r1.top_weight <= r.top_weight + 1e-9

    prop()


def test_group_members_not_held_are_named():
    h = _h([("GOOGL", "ALPHABET A", 10.0), ("GOOG", "ALPHABET C", 8.0), ("NVDA", "NVIDIA", 82.0)])
    r = concentration(h, groups={"G": ("NVDA", "GOOG", "ZZZZ")})
    assert r.group_weight["G"] == pytest.approx(100.0)
    assert r.group_absent == {"G": ("ZZZZ",)}  # GOOG is merged into GOOGL, so it is held
    assert "not held: ZZZZ" in r.summary()
    assert r.to_dict()["group_absent"] == {"G": ["ZZZZ"]}


def test_no_line_is_dropped_silently():
    """Issue 10 item 4: an equity line of weight 0 (or below) vanished while the result said
    "excluded: 0 lines"; a zero line is now listed as excluded, a negative one refused."""
    from bubblewatch.errors import InputError

    h = pd.DataFrame({"symbol": ["A", "B", "C"], "weight": [60.0, 40.0, 0.0]})
    r = concentration(h, top_n=1)
    assert r.n_holdings == 2
    assert r.excluded_lines == ("C (zero weight)",)
    assert "1 lines" in r.summary() or "(1 line" in r.summary()
    h.loc[2, "weight"] = -1.5
    with pytest.raises(InputError, match=r"negative weight -1\.5 for C"):
        concentration(h, top_n=1)
