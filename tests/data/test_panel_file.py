"""Long panel files for `scan --panel`: checked like an import, with exact messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data.panel_file import read_panel_file
from bubblewatch.errors import DataFileError, NotFoundError


def _write(tmp_path, text, name="panel.csv"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_reads_symbols_in_order_and_parquet_alike(tmp_path):
    text = "ticker,date,close,volume\nB,2025-01-02,5,10\nA,2025-01-02,10,1\nA,2025-01-03,11,1\n"
    panel = read_panel_file(_write(tmp_path, text))
    assert list(panel.series) == ["B", "A"] and panel.notes == () and panel.rows == 3
    assert panel.series["A"].index.tolist() == list(pd.to_datetime(["2025-01-02", "2025-01-03"]))
    frame = pd.read_csv(tmp_path / "panel.csv", parse_dates=["date"])
    frame.to_parquet(tmp_path / "panel.parquet")
    pq = read_panel_file(tmp_path / "panel.parquet")
    for sym in ("A", "B"):
        pd.testing.assert_series_equal(pq.series[sym], panel.series[sym])


def test_duplicate_symbol_date_names_both_lines(tmp_path):
    p = _write(tmp_path, "symbol,date,close\nA,2025-01-02,10\nB,2025-01-02,5\nA,2025-01-02,10.5\n")
    with pytest.raises(DataFileError) as err:
        read_panel_file(p)
    assert str(err.value) == (
        f"{p}, line 2, column 'date': the same symbol and date appear on lines 2, 4 (2 rows in "
        "repeated pairs in all): 'A 2025-01-02' (expected one row per (symbol, date): remove the "
        "repeated rows)"
    )


def test_unsorted_dates_are_sorted_and_said(tmp_path):
    p = _write(tmp_path, "symbol,date,close\nA,2025-01-03,11\nA,2025-01-02,10\nB,2025-01-02,5\n")
    panel = read_panel_file(p)
    assert panel.series["A"].tolist() == [10.0, 11.0]
    assert panel.notes == (
        "rows of 1 symbol(s) were not in date order (first: A on line 3, 2025-01-02 after "
        "2025-01-03); sorted by date",
    )


def test_blank_prices_are_kept_as_missing_and_said(tmp_path):
    p = _write(tmp_path, "symbol,date,close\nA,2025-01-02,10\nA,2025-01-03,\nA,2025-01-06,12\n")
    panel = read_panel_file(p)
    assert panel.series["A"].isna().sum() == 1
    assert panel.notes[0].startswith("1 blank close cell(s) (first: line 3, A) kept as missing")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("date,close\n2025-01-02,1\n", "line 1, column 'symbol': missing required column"),
        ("symbol,close\nA,1\n", "line 1, column 'date': missing required column"),
        ("symbol,date,price\nA,2025-01-02,1\n", "line 1, column 'close': missing required column"),
        ("symbol,date,close\n,2025-01-02,1\n", "line 2, column 'symbol': missing symbol"),
        ("symbol,date,close\nA,2025-13-02,1\n", "line 2, column 'date': unparsable date"),
        (
            "symbol,date,close\nA,2025-01-02,1\nA,2025-01-03,abc\n",
            "line 3, column 'close': not a number: 'abc'",
        ),
    ],
)
def test_bad_files(tmp_path, text, message):
    with pytest.raises(DataFileError, match=message):
        read_panel_file(_write(tmp_path, text))


def test_missing_file(tmp_path):
    with pytest.raises(NotFoundError, match="no such file"):
        read_panel_file(tmp_path / "nope.csv")


def test_volume_column_travels_with_the_closes(tmp_path):
    p = _write(tmp_path, "symbol,date,close,volume\nA,2025-01-02,10,100\nA,2025-01-03,11,\n")
    panel = read_panel_file(p)
    frame = panel.frames()["A"]
    assert list(frame.columns) == ["close", "volume"]
    assert frame["volume"].iloc[0] == 100 and np.isnan(frame["volume"].iloc[1])
    assert (
        read_panel_file(_write(tmp_path, "symbol,date,close\nA,2025-01-02,1\n", "b.csv")).volume
        is None
    )
