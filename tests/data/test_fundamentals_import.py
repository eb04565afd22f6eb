"""Importing company fundamentals and share counts (our schema, docs/data.md): the shared
layout's fundamentals/ folder, the same two files from any folder, and the bad inputs."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, DataQualityWarning, NotFoundError

HEADER = "symbol,fiscal_period,period_end,metric,value,unit,source,note\n"
GOOD = (
    HEADER
    + "NVDA,FY2026Q3,2025-10-26,revenue,57006000000,USD,SEC XBRL us-gaap:Revenues; 10-Q filed 2025-11-19,\n"
    + "NVDA,FY2026Q3,2025-10-26,net_income,31910000000,USD,SEC XBRL us-gaap:NetIncomeLoss; 10-Q filed 2025-11-19,\n"
    + "NVDA,FY2026Q3,2025-10-26,eps_diluted,1.30,USD/share,SEC XBRL us-gaap:EarningsPerShareDiluted; 10-Q filed 2025-11-19,\n"
    + "NVDA,FY2026Q3,2025-10-26,shares_diluted_weighted,24483000000,shares,SEC XBRL; 10-Q filed 2025-11-19,\n"
    + 'NVDA,FY2025Q4,2025-01-26,eps_diluted,0.89,USD/share,press release 2025-02-26,"Q4 EPS from the release"\n'
    + "NVDA,FY2025Q4,2025-01-26,revenue,39331000000,USD,SEC XBRL; 10-K filed 2025-02-26,Q4 = FY - 9M\n"
)
SHARES = (
    "symbol,as_of,shares,source\n"
    "AMD,2025-07-30,1622843689,dei:EntityCommonStockSharesOutstanding (10-Q filed 2025-08-06)\n"
    "AMD,2025-10-30,1628041540,dei:EntityCommonStockSharesOutstanding (10-Q filed 2025-11-05)\n"
    "NVDA,2025-11-14,24300000000,cover page of 10-Q filed 2025-11-19\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "s.duckdb") as st:
        yield st


def test_our_two_files_from_any_folder(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    write(folder / "fundamentals.csv", GOOD)
    write(folder / "shares_outstanding.csv", SHARES)
    report = import_paths(store, [folder])
    assert report.rows == {"fundamentals": 6, "shares": 3}
    f = store.fundamentals("NVDA")
    assert list(f.columns) == [
        "symbol", "fiscal_period", "period_end", "metric", "value", "unit",
        "form", "filed", "source", "note", "warning",
    ]  # fmt: skip
    rev = f[(f["metric"] == "revenue") & (f["fiscal_period"] == "FY2026Q3")].iloc[0]
    assert rev["value"] == 57_006e6 and rev["unit"] == "USD"
    assert rev["period_end"] == pd.Timestamp("2025-10-26")
    assert rev["form"] == "10-Q" and rev["filed"] == pd.Timestamp("2025-11-19")
    assert rev["source"].startswith("SEC XBRL us-gaap:Revenues")
    q4 = f[(f["metric"] == "eps_diluted") & (f["fiscal_period"] == "FY2025Q4")].iloc[0]
    assert pd.isna(q4["filed"]) and q4["note"] == "Q4 EPS from the release"
    assert list(store.fundamentals("NVDA", "eps_diluted")["value"]) == [0.89, 1.30]
    amd = store.shares_outstanding("AMD")
    assert amd[pd.Timestamp("2025-07-30")] == 1_622_843_689
    # AMD's 160M warrant shares against the count of 2025-07-30: 9.86%
    assert round(160e6 / amd[pd.Timestamp("2025-07-30")] * 100, 2) == 9.86
    src = store.query("SELECT source FROM shares WHERE symbol = 'NVDA'")["source"].iloc[0]
    assert src == "cover page of 10-Q filed 2025-11-19"
    listing = store.list_series().set_index("symbol")
    assert listing.loc["NVDA:fundamentals", "kind"] == "fundamentals"
    assert listing.loc["NVDA:fundamentals", "rows"] == 6
    assert listing.loc["AMD:shares", "rows"] == 2
    # importing again leaves the same rows
    import_paths(store, [folder])
    assert store.row_counts()["fundamentals"] == 6


def test_store_fundamentals_names_what_it_has(store: Store, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="has no fundamentals"):
        store.fundamentals("NVDA")
    import_paths(store, [write(tmp_path / "f.csv", GOOD)])
    with pytest.raises(NotFoundError, match="it has: eps_diluted, net_income"):
        store.fundamentals("NVDA", "capex")
    with pytest.raises(NotFoundError, match="fundamentals of: NVDA"):
        store.fundamentals("AMD")


def bad(tmp_path: Path, body: str, name: str = "bad.csv") -> Path:
    return write(tmp_path / name, HEADER + body)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "NVDA,FY2026Q3,2025-10-26,revenue,1,USD,s,\nNVDA,FY2026Q3,2025-10-26,revenue,2,USD,s,\n",
            "line 3, column 'metric': duplicate symbol, period_end and metric: "
            "'NVDA 2025-10-26 revenue' (expected each symbol, period_end and metric once; "
            "first seen on line 2)",
        ),
        (
            "NVDA,FY2026Q3,2025-10-26,revenue,57006,USD millions,s,\n",
            "line 2, column 'unit': unknown unit (expected one of USD (or another currency "
            "code), USD/share, shares; values in units, not thousands or millions): 'USD millions'",
        ),
        (
            "NVDA,FY2026Q3,2025-10-26,eps_diluted,1.3,USD,s,\n",
            "line 2, column 'unit': unit USD does not fit metric 'eps_diluted' (expected a "
            "currency per share, e.g. USD/share): 'USD'",
        ),
        (
            "NVDA,FY2026Q3,2025-10-26,revenue,1,USD,s,\nNVDA,FY2026Q3,2025-10-19,shares_outstanding,-24300000000,shares,s,\n",
            "line 3, column 'value': non-positive share count: '-24300000000' (expected a "
            "number of shares > 0 for metric 'shares_outstanding')",
        ),
        (
            "NVDA,FY2026Q3,2025-10-26,capex,-1636000000,USD,s,\n",
            "line 2, column 'value': negative capex",
        ),
        (
            "NVDA,Q3 2026,2025-10-26,revenue,1,USD,s,\n",
            "line 2, column 'fiscal_period': unreadable fiscal period: 'Q3 2026'",
        ),
        (
            "NVDA,FY2026Q3,2025-10-26,revenue,1,USD,s,\nNVDA,FY2026Q3,2025-10-27,revenue,2,USD,s,\n",
            "line 3, column 'fiscal_period': duplicate symbol, fiscal_period and metric",
        ),
        (
            "NVDA,FY2026Q3,2025-10-26,backlog,1,,s,\n",
            "line 2, column 'unit': missing unit: '' (expected a unit for metric 'backlog'",
        ),
    ],
)
def test_bad_fundamentals_files_write_nothing(
    store: Store, tmp_path: Path, body: str, message: str
) -> None:
    good = write(tmp_path / "good.csv", GOOD)
    path = bad(tmp_path, body)
    with pytest.raises(DataFileError) as err:
        import_paths(store, [good, path])
    assert str(err.value).startswith(f"{path}, ")
    assert message in str(err.value)
    assert sum(store.row_counts().values()) == 0


def test_negative_share_count_in_a_shares_file(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "shares_outstanding.csv", SHARES + "AMD,2025-11-30,-5,oops\n")
    with pytest.raises(
        DataFileError, match=r"line 5, column 'shares': non-positive share count: '-5'"
    ):
        import_paths(store, [path])
    dup = write(tmp_path / "dup.csv", SHARES + "AMD,2025-07-30,1,again\n")
    with pytest.raises(DataFileError, match="duplicate symbol and as_of"):
        import_paths(store, [dup])
    assert sum(store.row_counts().values()) == 0


def test_eps_that_disagrees_with_net_income_over_shares_is_kept_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    # 31.91e9 / 24.483e9 = 1.3034; 1.45 is 11% off
    path = write(tmp_path / "f.csv", GOOD.replace(",1.30,USD/share", ",1.45,USD/share"))
    with pytest.warns(DataQualityWarning, match=r"f.csv, line 4: NVDA FY2026Q3: EPS 1.45 differs"):
        report = import_paths(store, [path])
    assert any("1.3034" in w and "11.3%" in w for w in report.warnings)
    f = store.fundamentals("NVDA", "eps_diluted").set_index("fiscal_period")
    assert "differs from net income / diluted shares = 1.3034" in f.loc["FY2026Q3", "warning"]
    assert f.loc["FY2026Q3", "value"] == 1.45
    assert pd.isna(f.loc["FY2025Q4", "warning"])
    # within 5% (or within half a cent): no warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataQualityWarning)
        import_paths(store, [write(tmp_path / "ok.csv", GOOD)])


def test_form_and_filed_columns_and_default_units(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.csv",
        "symbol,period_end,metric,value,form,filed\n"
        "ACME,2025-06-30,revenue,100,10-q,2025-08-01\n"
        "ACME,2025-09-30,eps_diluted,0.5,,\n",
    )
    import_paths(store, [path])
    f = store.fundamentals("ACME").set_index("metric")
    assert f.loc["revenue", "unit"] == "USD" and f.loc["eps_diluted", "unit"] == "USD/share"
    assert f.loc["revenue", "form"] == "10-Q" and f.loc["revenue", "filed"] == pd.Timestamp(
        "2025-08-01"
    )
    assert pd.isna(f.loc["eps_diluted", "filed"])
    assert f.loc["revenue", "source"] == str(path.resolve())


def test_a_store_written_before_the_new_columns_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE fundamentals (symbol VARCHAR NOT NULL, period_end DATE NOT NULL, "
        "metric VARCHAR NOT NULL, value DOUBLE, source VARCHAR NOT NULL, "
        "PRIMARY KEY (symbol, period_end, metric))"
    )
    con.execute("INSERT INTO fundamentals VALUES ('OLD', '2024-12-31', 'eps', 1.0, 'f.csv')")
    con.close()
    with Store(path) as st:
        import_paths(st, [write(tmp_path / "f.csv", GOOD)])
        assert st.fundamentals("OLD")["unit"].isna().all()
        assert st.fundamentals("NVDA", "revenue")["fiscal_period"].tolist() == [
            "FY2025Q4",
            "FY2026Q3",
        ]


@pytest.mark.shared
def test_shared_fundamentals_folder(shared_data: Path, store: Store, tmp_path: Path) -> None:
    # the folder alone, copied outside the shared layout, imports by its columns
    folder = tmp_path / "fundamentals"
    shutil.copytree(shared_data / "fundamentals", folder)
    with pytest.warns(DataQualityWarning, match="AMD FY2024Q1: EPS 0.07 differs"):
        report = import_paths(store, [folder])
    assert report.rows == {"fundamentals": 564, "shares": 82}
    nvda = store.fundamentals("NVDA")
    assert len(nvda) == 63 and set(nvda["unit"]) == {"USD", "USD/share", "shares"}
    q3 = nvda[(nvda["fiscal_period"] == "FY2026Q3") & (nvda["metric"] == "revenue")].iloc[0]
    assert q3["value"] == 57_006e6 and q3["filed"] == pd.Timestamp("2025-11-19")
    # every row keeps its source; 20 Q4 EPS rows come from earnings releases (no 10-Q/10-K)
    assert store.query("SELECT count(*) n FROM fundamentals WHERE source IS NULL")["n"][0] == 0
    eps = store.query(
        "SELECT count(*) n FROM fundamentals WHERE metric = 'eps_diluted' AND filed IS NULL"
    )
    assert eps["n"][0] == 20
    assert store.query("SELECT count(*) n FROM fundamentals WHERE warning IS NOT NULL")["n"][0] == 1
    with pytest.raises(NotFoundError, match="no shares for 'META'"):
        store.shares_outstanding("META")


def test_fundamentals_symbols(store: Store, tmp_path: Path) -> None:
    assert store.fundamentals_symbols() == []
    import_paths(store, [write(tmp_path / "f.csv", GOOD.replace("NVDA,FY2025Q4", "AMD,FY2025Q4"))])
    assert store.fundamentals_symbols() == ["AMD", "NVDA"]
