"""The importer on small files and on the whole shared data layout."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bubblewatch.data.importer import discover, import_paths, open_data_dir_store
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, DataQualityWarning, InputError, NotFoundError

PRICE_HEADER = "date,open,high,low,close,adj_close,volume\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def store(tmp_path: Path):
    with Store(tmp_path / "s.duckdb") as st:
        yield st


# -- the shared data layout ---------------------------------------------------------------
@pytest.mark.shared
def test_shared_layout_nvda_through_2026_05_21(shared_store: Store) -> None:
    listing = shared_store.list_series().set_index("symbol")
    nvda = listing.loc["NVDA"]
    assert nvda["kind"] == "equity"
    # SOURCES caveat 12: prices/us/NVDA.csv is cut at 2026-05-21 in this copy
    assert str(nvda["last"])[:10] == "2026-05-21"
    assert str(nvda["first"])[:10] == "2010-03-15"
    assert int(nvda["rows"]) == 4073
    assert str(listing.loc["NVDA_LONG", "last"])[:10] == "2025-12-30"


@pytest.mark.shared
def test_shared_layout_symbols_and_tables(shared_store: Store) -> None:
    listing = shared_store.list_series().set_index("symbol")
    expected_kinds = {
        "NASDAQ_COMPOSITE_1971_2020": "index",
        "TSMC_2330.TW": "equity",
        "DEXCHUS_USDCNY": "fx",
        "GFDEBTN": "macro",
        "KOSPI": "index",
        "BTC-USD": "crypto",
        "WTI_CL=F_2000_2020": "future",
        "DCOILWTICO": "future",
        "SHILLER_CAPE": "macro",
        "SHILLER_P": "macro",
        "DY2012_SP500": "macro",
        "NVDA:shares": "shares",
        "SPY:holdings": "holdings",
        "A": "equity",  # from the panel
    }
    for sym, kind in expected_kinds.items():
        assert listing.loc[sym, "kind"] == kind, sym
    # the panel does not duplicate tickers covered by prices/us (NVDA stays the long file)
    assert shared_store.prices("NVDA").index[0] == pd.Timestamp("2010-03-15")
    assert shared_store.fx("DEXCHUS_USDCNY").index[-1] == pd.Timestamp("2025-11-28")
    shiller = shared_store.macro("SHILLER_P")
    assert shiller.index[0] == pd.Timestamp("1871-01-01")
    assert shiller.iloc[0] == pytest.approx(4.44)
    assert shared_store.macro("DATAHUB_SP500").index[-1] == pd.Timestamp("2026-06-01")
    # datahub zeros after 2023-06 are not data
    assert shared_store.macro("DATAHUB_DIVIDEND").index[-1] <= pd.Timestamp("2023-12-01")
    shares = shared_store.shares_outstanding("NVDA")
    assert len(shares) == 24 and shares.iloc[-1] == pytest.approx(24.1e9)
    src = shared_store.query("SELECT source FROM shares ORDER BY date DESC LIMIT 1")["source"][0]
    assert "form 10-Q" in src and "filed 2026-08-26" in src
    h = shared_store.holdings("SPY", "2025-09-30")
    assert h.iloc[0]["symbol"] == "NVDA"
    assert next(d.date().isoformat() for d in shared_store.holdings_dates("SPY")) == "2022-06-13"
    vint = shared_store.query("SELECT DISTINCT vintage FROM macro WHERE series = 'GDP'")
    assert vint["vintage"][0].startswith("github:opxie1/usd@")


@pytest.mark.shared
def test_shared_layout_wti_negative_and_gold_warning(shared_store: Store) -> None:
    wti = shared_store.prices("WTI_CL=F_2000_2020")
    assert wti.loc["2020-04-20", "close"] == pytest.approx(-37.630001)
    gold = shared_store.prices("GOLD_GC=F_2000_2020")
    flagged = gold[gold["warning"].notna()]
    assert list(flagged.index) == [pd.Timestamp("2009-11-23")]
    assert flagged["warning"].iloc[0] == "high < low"


# -- small files ---------------------------------------------------------------------------
GOOD_ROWS = "2025-01-02,1,2,0.5,1.5,1.4,100\n2025-01-03,1.5,2.5,1,2,1.9,200\n"


def test_price_file_round_trip(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "ACME.csv", PRICE_HEADER + GOOD_ROWS)
    report = import_paths(store, [f])
    assert report.rows == {"prices": 2}
    assert report.files[0].symbols == ("ACME",)
    df = store.prices("ACME")
    assert list(df["close"]) == [1.5, 2.0]
    assert list(df["adj_close"]) == [1.4, 1.9]
    assert df["source"].iloc[0] == str(f.resolve())
    assert store.kind("ACME") == "equity"


def test_import_twice_is_idempotent(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "ACME.csv", PRICE_HEADER + GOOD_ROWS)
    import_paths(store, [f])
    first = store.row_counts()
    snapshot = store.prices("ACME")
    import_paths(store, [f])
    assert store.row_counts() == first
    pd.testing.assert_frame_equal(store.prices("ACME"), snapshot)


def test_reimport_updates_rows_by_key(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "ACME.csv", PRICE_HEADER + GOOD_ROWS)
    import_paths(store, [f])
    write(f, PRICE_HEADER + "2025-01-03,1.5,2.5,1,2.2,2.1,200\n2025-01-06,2,3,1.8,2.5,2.4,50\n")
    import_paths(store, [f])
    df = store.prices("ACME")
    assert list(df["close"]) == [1.5, 2.2, 2.5]


def test_symbol_and_kind_options(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "whatever.csv", PRICE_HEADER + GOOD_ROWS)
    import_paths(store, [f], symbol="IDX", kind="index")
    assert store.kind("IDX") == "index"


def test_unknown_kind_is_input_error(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "ACME.csv", PRICE_HEADER + GOOD_ROWS)
    with pytest.raises(InputError, match="unknown kind 'stock'"):
        import_paths(store, [f], kind="stock")


def test_missing_path_is_not_found(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no such file or folder"):
        import_paths(store, [tmp_path / "nope.csv"])


def test_future_may_be_negative_equity_may_not(store: Store, tmp_path: Path) -> None:
    rows = (
        PRICE_HEADER
        + "2020-04-17,19.87,20.39,17.31,18.27,18.27,1000\n2020-04-20,17.73,17.85,-40.32,-37.63,-37.63,247947\n"
    )
    f = write(tmp_path / "CL.csv", rows)
    with pytest.raises(DataFileError, match="line 3, column 'low': non-positive price"):
        import_paths(store, [f])
    assert store.row_counts()["prices"] == 0
    import_paths(store, [f], kind="future")
    assert store.prices("CL").loc["2020-04-20", "close"] == pytest.approx(-37.63)


def test_high_below_low_is_a_kept_warning(store: Store, tmp_path: Path) -> None:
    f = write(
        tmp_path / "GC.csv",
        PRICE_HEADER
        + "2009-11-23,1164.3,1163,1164.3,1164.3,1164.3,3\n"
        + "2009-11-24,1164,1170,1160,1165,1165,4\n",
    )
    with pytest.warns(DataQualityWarning, match="1 row\\(s\\) with high < low"):
        report = import_paths(store, [f], kind="future")
    assert "line 2" in report.warnings[0]
    df = store.prices("GC")
    assert df["warning"].iloc[0] == "high < low"
    assert pd.isna(df["warning"].iloc[1])


def test_bom_and_yahoo_header_names(store: Store, tmp_path: Path) -> None:
    text = "\ufeffDate,Open,High,Low,Close,Adj Close,Volume\n2025-01-02,1,2,0.5,1.5,1.4,100\n"
    f = tmp_path / "YH.csv"
    f.write_bytes(text.encode("utf-8"))
    import_paths(store, [f])
    assert store.prices("YH")["adj_close"].iloc[0] == 1.4


def test_unsorted_rows_and_blank_lines_are_fine(store: Store, tmp_path: Path) -> None:
    f = write(
        tmp_path / "U.csv",
        PRICE_HEADER + "2025-01-03,1.5,2.5,1,2,1.9,200\n\n2025-01-02,1,2,0.5,1.5,1.4,100\n",
    )
    import_paths(store, [f])
    assert list(store.prices("U")["close"]) == [1.5, 2.0]


def test_blank_line_does_not_shift_line_numbers(store: Store, tmp_path: Path) -> None:
    f = write(
        tmp_path / "B.csv",
        PRICE_HEADER + "2025-01-02,1,2,0.5,1.5,1.4,100\n\n2025-01-06,1,2,0.5,x,1.4,100\n",
    )
    with pytest.raises(DataFileError, match="line 4, column 'close': not a number: 'x'"):
        import_paths(store, [f])


def test_optional_columns_may_be_blank_or_absent(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "C.csv", "date,close,volume\n2025-01-02,1.5,\n2025-01-03,1.6,10\n")
    import_paths(store, [f])
    df = store.prices("C")
    assert df["open"].isna().all() and np.isnan(df["volume"].iloc[0])


def test_series_file_goes_by_kind(store: Store, tmp_path: Path) -> None:
    f = write(
        tmp_path / "DEXJPUS.csv",
        "date,value\n2025-01-02,157.1\n2025-01-03,\n2025-01-06,.\n2025-01-07,157.9\n",
    )
    import_paths(store, [f], kind="fx")
    assert list(store.fx("DEXJPUS")) == [157.1, 157.9]  # blanks and FRED's '.' are no observation
    g = write(tmp_path / "GDP.csv", "date,value\n2025-01-01,-1\n")
    import_paths(store, [g], kind="macro")
    assert store.macro("GDP").iloc[0] == -1
    h = write(tmp_path / "IDX.csv", "date,value\n2025-01-02,100\n2025-01-03,101\n")
    import_paths(store, [h], kind="index")
    assert list(store.series("IDX")) == [100.0, 101.0]


def test_symbol_cannot_change_table(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "X.csv", "date,value\n2025-01-02,1\n")
    import_paths(store, [f], kind="macro")
    before = store.row_counts()
    with pytest.raises(InputError, match="already stored in table macro"):
        import_paths(store, [f], kind="fx")
    assert store.row_counts() == before


def test_shift_days_is_explicit(store: Store, tmp_path: Path) -> None:
    f = write(
        tmp_path / "TW.csv",
        PRICE_HEADER + "2025-08-24,1,2,0.5,1.5,1.4,100\n2025-08-25,1,2,0.5,1.5,1.4,100\n",
    )
    import_paths(store, [f])
    assert store.prices("TW").index[0] == pd.Timestamp("2025-08-24")
    import_paths(store, [f], symbol="TW1", shift_days=1)
    assert store.prices("TW1").index[0] == pd.Timestamp("2025-08-25")
    assert "shifted by +1" in store.query("SELECT notes FROM series WHERE symbol='TW1'")["notes"][0]
    import_paths(store, [f], shift={"TW": 2})
    assert store.prices("TW").index[-1] == pd.Timestamp("2025-08-27")


def test_weekend_dates_warn(store: Store, tmp_path: Path) -> None:
    rows = "".join(f"2025-08-{d:02d},1,2,0.5,1.5,1.4,100\n" for d in (3, 10, 17, 24))  # Sundays
    f = write(tmp_path / "SUN.csv", PRICE_HEADER + rows)
    with pytest.warns(DataQualityWarning, match="4 of 4 dates fall on a Saturday or Sunday"):
        import_paths(store, [f])


def test_panel_holdings_shares_fundamentals(store: Store, tmp_path: Path) -> None:
    panel = write(
        tmp_path / "panel.csv",
        "date,ticker,open,high,low,close,adj_close,volume\n"
        "2025-01-03,BBB,1,2,0.5,1.5,1.5,10\n2025-01-02,AAA,1,2,0.5,1.5,1.5,10\n2025-01-03,AAA,1,2,0.5,1.6,1.6,10\n",
    )
    hold = write(
        tmp_path / "qqq_holdings_2025.csv",
        "as_of,name,ticker,weight\n2025-09-30,NVIDIA,NVDA,9.1\n2025-09-30,US DOLLAR,-,0.2\n",
    )
    shares = write(tmp_path / "ACME_shares.csv", "date,shares\n2025-01-02,1000\n")
    fund = write(tmp_path / "fund.parquet", "")
    pd.DataFrame(
        {
            "symbol": ["NVDA"],
            "period_end": pd.to_datetime(["2025-10-26"]),
            "metric": ["revenue"],
            "value": [57006.0],
        }
    ).to_parquet(fund)
    report = import_paths(store, [panel, hold, shares, fund], symbol=None)
    assert report.rows == {"prices": 3, "shares": 1, "fundamentals": 1, "holdings": 2}
    assert list(store.prices("AAA")["close"]) == [1.5, 1.6]
    h = store.holdings("QQQ")
    assert list(h["symbol"]) == ["NVDA", "US DOLLAR"]
    assert store.shares_outstanding("ACME_shares").iloc[0] == 1000
    assert store.fundamentals("NVDA")["value"].iloc[0] == 57006.0


def test_parquet_price_file_and_wrong_types(store: Store, tmp_path: Path) -> None:
    good = tmp_path / "PQ.parquet"
    pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-02", "2025-01-03"]),
            "close": [1.0, 2.0],
            "volume": [1, 2],
        }
    ).to_parquet(good)
    import_paths(store, [good])
    assert list(store.prices("PQ")["close"]) == [1.0, 2.0]
    bad = tmp_path / "BADPQ.parquet"
    pd.DataFrame({"date": ["2025-01-02"], "close": ["1.0"]}).to_parquet(bad)
    with pytest.raises(DataFileError, match="column 'close': wrong column type"):
        import_paths(store, [bad])
    baddate = tmp_path / "BADDATE.parquet"
    pd.DataFrame({"date": ["2025-31-02"], "close": [1.0]}).to_parquet(baddate)
    with pytest.raises(DataFileError, match="line 2, column 'date': unparsable date: '2025-31-02'"):
        import_paths(store, [baddate])


def test_gzip_csv(store: Store, tmp_path: Path) -> None:
    import gzip

    f = tmp_path / "GZ.csv.gz"
    f.write_bytes(gzip.compress((PRICE_HEADER + GOOD_ROWS).encode()))
    import_paths(store, [f])
    assert store.has("GZ")


def test_folder_import_and_discover(store: Store, tmp_path: Path) -> None:
    d = tmp_path / "folder"
    (d / "sub").mkdir(parents=True)
    write(d / "A1.csv", PRICE_HEADER + GOOD_ROWS)
    write(d / "sub" / "A2.csv", PRICE_HEADER + GOOD_ROWS)
    write(d / "README.txt", "not data")
    assert [s.symbol for s in discover([d])] == ["A1", "A2"]
    report = import_paths(store, [d])
    assert report.rows["prices"] == 4


def test_two_files_same_symbol_later_wins(store: Store, tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", PRICE_HEADER + GOOD_ROWS)
    b = write(tmp_path / "b.csv", PRICE_HEADER + "2025-01-03,1.5,2.5,1,9,9,200\n")
    with pytest.warns(DataQualityWarning, match="later file's rows win"):
        import_paths(store, [a, b], symbol="AB")
    assert list(store.prices("AB")["close"]) == [1.5, 9.0]


def test_progress_callback(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "P.csv", PRICE_HEADER + GOOD_ROWS)
    calls: list[tuple[int, int, str]] = []
    import_paths(store, [f], on_progress=lambda d, t, label: calls.append((d, t, label)))
    assert calls == [(1, 2, "P.csv"), (2, 2, "written")]


def test_open_data_dir_store_caches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path / "home"))
    d = tmp_path / "data"
    d.mkdir()
    f = write(d / "ACME.csv", PRICE_HEADER + GOOD_ROWS)
    st = open_data_dir_store(d)
    path1 = st.path
    assert st.prices("ACME")["close"].iloc[-1] == 2.0
    st.close()
    st2 = open_data_dir_store(d)
    assert st2.path == path1  # reused
    st2.close()
    write(f, PRICE_HEADER + GOOD_ROWS + "2025-01-06,2,3,1.8,2.5,2.4,50\n")
    st3 = open_data_dir_store(d)
    assert st3.path != path1 and len(st3.prices("ACME")) == 3
    st3.close()
    assert str(path1).startswith(str(tmp_path / "home" / "cache"))


def test_open_data_dir_store_missing(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        open_data_dir_store(tmp_path / "nope")


@pytest.mark.shared
def test_shared_tsmc_shift_option(shared_data: Path, tmp_path: Path) -> None:
    tsmc = shared_data / "prices" / "asia" / "TSMC_2330.TW.csv"
    with Store(tmp_path / "t.duckdb") as st:
        # issue 14: the documented shift is applied by default (it used to need --shift-days 1)
        # and the import says so; --shift TSMC_2330.TW=0 keeps the raw dates, with the warning
        with pytest.warns(DataQualityWarning, match="caveat 5"):
            import_paths(st, [tsmc], shift={"TSMC_2330.TW": 0})
        assert st.prices("TSMC_2330.TW").index[1] == pd.Timestamp("2025-08-24")  # a Sunday
        # re-import with the documented shift; --replace drops the unshifted rows
        rep = import_paths(st, [tsmc], replace=True)
        df = st.prices("TSMC_2330.TW")
        assert len(df) == 243
        assert df.index[1] == pd.Timestamp("2025-08-25")
        assert (df.index.day_of_week < 5).all()
        assert rep.files[0].shift_days == 1 and "dates shifted +1 day" in rep.summary()
        notes = st.query("SELECT notes FROM series WHERE symbol = 'TSMC_2330.TW'")["notes"][0]
        assert "shifted by +1 day at import (SOURCES.md caveat 5" in notes


@pytest.mark.shared
def test_shared_layout_rules_for_subfolders(shared_data: Path) -> None:
    specs = {s.path.name: s for s in discover([shared_data / "prices" / "us_long"])}
    assert specs["NVDA.csv"].symbol == "NVDA_LONG" and specs["NVDA.csv"].currency == "USD"
    fx = {s.path.name: s for s in discover([shared_data / "fx_commodities_crypto"])}
    assert fx["DEXCHUS_USDCNY.csv"].kind == "fx"
    assert fx["WTI_CL=F.csv"].kind == "future" and fx["DCOILWTICO.csv"].kind == "future"
    assert fx["BTC-USD.csv"].kind == "crypto"
    # --kind and --symbol override the layout for plain files
    (spec,) = discover([shared_data / "indices" / "KOSPI.csv"], kind="equity", symbol="K")
    assert (spec.kind, spec.symbol) == ("equity", "K")
    # the shift applies only to the documented file inside the layout
    shifted = {
        s.symbol: s.shift_days for s in discover([shared_data / "prices" / "asia"], shift_days=1)
    }
    assert shifted["TSMC_2330.TW"] == 1 and shifted["SOFTBANK_9984.T"] == 0


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    closes=st.lists(
        st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False),
        min_size=1,
        max_size=30,
    ),
    start=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2090, 1, 1)),
)
def test_round_trip_property(closes: list[float], start: dt.date, tmp_path: Path) -> None:
    """Any valid price file reads back exactly (dates, closes) after an import."""
    dates = pd.date_range(start, periods=len(closes), freq="D")
    frame = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "close": closes})
    f = tmp_path / "RT.csv"
    frame.to_csv(f, index=False)
    with Store(":memory:") as mem:
        import_paths(mem, [f], kind="crypto")
        back = mem.prices("RT")["close"]
    assert list(back.index) == list(dates)
    assert back.tolist() == closes


def test_replace_and_dry_run(store: Store, tmp_path: Path) -> None:
    f = write(tmp_path / "R.csv", PRICE_HEADER + GOOD_ROWS)
    report = import_paths(store, [f], dry_run=True)
    assert report.dry_run and report.rows == {"prices": 2}
    assert store.row_counts()["prices"] == 0
    import_paths(store, [f])
    g = write(tmp_path / "R2.csv", PRICE_HEADER + "2025-01-03,1.5,2.5,1,7,7,200\n")
    import_paths(store, [g], symbol="R")  # upsert: keeps 2025-01-02
    assert list(store.prices("R")["close"]) == [1.5, 7.0]
    import_paths(store, [g], symbol="R", replace=True)  # exactly the file's rows
    assert list(store.prices("R")["close"]) == [7.0]
    h = write(
        tmp_path / "spy_holdings_x.csv",
        "as_of,ticker,weight\n2025-09-30,NVDA,8\n2025-09-30,MSFT,7\n",
    )
    import_paths(store, [h])
    write(h, "as_of,ticker,weight\n2025-09-30,NVDA,8.5\n")
    import_paths(store, [h], replace=True)
    assert list(store.holdings("SPY")["symbol"]) == ["NVDA"]


def test_crlf_line_endings_and_line_numbers(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "W.csv"
    f.write_bytes(b"date,close\r\n2025-01-02,1.5\r\n\r\n2025-01-03,oops\r\n")
    with pytest.raises(DataFileError, match="line 4, column 'close': not a number: 'oops'"):
        import_paths(store, [f])
    f.write_bytes(b"date,close\r\n2025-01-02,1.5\r\n2025-01-03,1.6\r\n")
    import_paths(store, [f])
    assert list(store.prices("W")["close"]) == [1.5, 1.6]


def test_parquet_with_date_objects_and_tz(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "D.parquet"
    pd.DataFrame(
        {"date": [dt.date(2025, 1, 2), dt.date(2025, 1, 3)], "value": [1.0, 2.0]}
    ).to_parquet(f)
    import_paths(store, [f], kind="macro")
    assert list(store.macro("D").index) == [pd.Timestamp("2025-01-02"), pd.Timestamp("2025-01-03")]
    g = tmp_path / "TZ.parquet"
    idx = pd.DatetimeIndex(["2025-01-02", "2025-01-03"]).tz_localize("UTC")
    pd.DataFrame({"date": idx, "close": [1.0, 2.0]}).to_parquet(g)
    import_paths(store, [g])
    assert store.prices("TZ").index[0] == pd.Timestamp("2025-01-02")


@pytest.mark.shared
def test_shared_catalogue_notes(shared_store: Store) -> None:
    notes = shared_store.query("SELECT symbol, notes FROM series").set_index("symbol")["notes"]
    assert "caveat 12: this copy is cut at 2026-05-21" in notes["NVDA"]
    assert "investing.com" in notes["NVDA"]
    assert "caveat 5" in notes["TSMC_2330.TW"]
    assert "FRED GDP" in notes["GDP"]
