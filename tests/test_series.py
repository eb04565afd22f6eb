"""One policy for every price series an analysis receives (bubblewatch.series)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.detect.lppls import fit_lppls
from bubblewatch.detect.psy import psy
from bubblewatch.errors import InputError
from bubblewatch.market.contagion import reaction_table
from bubblewatch.market.event import market_event
from bubblewatch.series import USDCNY_SERIES, iso_date, price_frame, price_series


def _walk(n: int = 80, start: str = "2024-01-01") -> pd.Series:
    rng = np.random.default_rng(3)
    return pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0, 0.01, n))), index=pd.bdate_range(start, periods=n)
    )


def _frame(s: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"close": s, "volume": 1e6})


def test_order_a_reverse_sorted_series_is_analysed_oldest_first():
    s = _walk()
    fwd = psy(s, min_window=20)
    back = psy(s.iloc[::-1], min_window=20)
    assert back.gsadf == fwd.gsadf and back.bsadf.index.equals(fwd.bsadf.index)
    ev = market_event(_frame(s).iloc[::-1], s.index[40])
    assert ev.previous_date == s.index[39]


@pytest.mark.parametrize("analysis", ["psy", "fit_lppls", "market_event", "reaction_table"])
def test_duplicates_missing_and_non_positive_values_are_errors_naming_the_date(analysis):
    s = _walk()
    day = s.index[30]
    run = {
        "psy": lambda x: psy(x, min_window=20, log=True),
        "fit_lppls": lambda x: fit_lppls(x),
        "market_event": lambda x: market_event(_frame(x), x.index[-1]),
        "reaction_table": lambda x: reaction_table({"A": x, "B": s}, s.index[-1]),
    }[analysis]
    dup = pd.concat([s, s.iloc[[30]]])
    with pytest.raises(InputError, match=f"{day.date()} more than once"):
        run(dup)
    gap = s.copy()
    gap.iloc[30] = np.nan
    with pytest.raises(InputError, match=rf"missing or infinite value \(nan\) at {day.date()}"):
        run(gap)
    neg = s.copy()
    neg.iloc[30] = -1.0
    with pytest.raises(
        InputError,
        match=rf"(prices must be > 0.* has -1.0 on|non-positive value \(-1.0\) at) {day.date()}",
    ):
        run(neg)


def test_index_time_zones_are_dropped_and_gaps_kept():
    s = _walk(10)
    tz = s.tz_localize("America/New_York")
    out = price_series(tz)
    assert out.index.tz is None and out.index.equals(s.index)
    holes = s.drop(s.index[[3, 4]])
    assert price_series(holes).index.equals(holes.index)  # nothing is filled in


def test_positions_are_allowed_only_where_dates_are_not_needed():
    assert price_series([1.0, 2.0], dates=False).index.tolist() == [0, 1]
    with pytest.raises(InputError, match="indexed by date"):
        price_series([1.0, 2.0])
    with pytest.raises(InputError, match="cannot read the index as dates"):
        price_series(pd.Series([1.0, 2.0], index=["a", "b"]))
    labelled = pd.Series([2.0, 1.0], index=["b", "a"])  # non-date labels keep their order
    assert price_series(labelled, dates=False).index.tolist() == ["b", "a"]


def test_values_are_checked_inside_the_window_only():
    s = _walk()
    s.iloc[2] = np.nan
    out = price_series(s, start=s.index[10])
    assert out.index[0] == s.index[10] and len(out) == len(s) - 10


def test_price_frame_keeps_other_columns_and_needs_its_columns():
    s = _walk(5)
    px = price_frame(pd.DataFrame({"close": s, "open": s * 0.99}).iloc[::-1])
    assert list(px.columns) == ["close", "open"] and px.index.is_monotonic_increasing
    with pytest.raises(InputError, match="lack the column"):
        price_frame(pd.DataFrame({"open": s}))


def test_one_date_formatter_and_the_fx_series_name():
    assert iso_date(pd.Timestamp("2025-10-29")) == "2025-10-29"
    assert iso_date(np.datetime64("2025-10-29")) == "2025-10-29"
    assert iso_date("label") == "label"
    assert USDCNY_SERIES == "DEXCHUS_USDCNY"
