"""``bubblewatch.data.ledger_io``: liabilities-matrix CSV errors name file, row and column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data.ledger_io import read_liabilities
from bubblewatch.errors import DataFileError


def test_blank_cell_is_no_liability(tmp_path):
    p = tmp_path / "L.csv"
    p.write_text(",A,B\nA,0,\nB,2,0\n")
    df = read_liabilities(p)
    assert df.loc["A", "B"] == 0.0 and df.loc["B", "A"] == 2.0


def test_short_row_names_line_and_column(tmp_path):
    p = tmp_path / "L.csv"
    p.write_text(",A,B,C\nA,0,4,4\nB,2,0\nC,1,1,0\n")
    with pytest.raises(DataFileError) as exc:
        read_liabilities(p)
    msg = str(exc.value)
    assert "L.csv" in msg and "line 3" in msg and "'C'" in msg and "missing field" in msg


def test_unknown_row_party_names_first_column(tmp_path):
    p = tmp_path / "L.csv"
    p.write_text(",A,B\nA,0,1\nZ,1,0\n")
    with pytest.raises(DataFileError) as exc:
        read_liabilities(p)
    msg = str(exc.value)
    assert "line 3" in msg and "first column" in msg and "Unnamed" not in msg


def test_amounts_parsed_at_once_keep_their_messages(tmp_path):
    """Issue 10 item 11: the amounts are parsed by the C reader (a 1500x1500 matrix took
    14.6 s cell by cell); a bad cell is still named as written, the first in reading order."""
    p = tmp_path / "L.csv"
    p.write_text(",A,B,C\nA,,1_000,2\nB,3,,\nC,1,1,\n", encoding="utf-8")
    df = read_liabilities(p)
    assert df.loc["A", "B"] == 1000.0 and df.loc["B", "C"] == 0.0
    for cell, problem in (("nan", "out of range"), ("-5", "out of range"), ("x", "not a number")):
        p.write_text(f",A,B,C\nA,,1,2\nB,3,,{cell}\nC,{cell},1,\n", encoding="utf-8")
        with pytest.raises(DataFileError) as exc:
            read_liabilities(p)
        assert exc.value.line == 3 and exc.value.column == "C", str(exc.value)
        assert exc.value.problem == problem and exc.value.value == cell


def test_large_matrix_reads_whole(tmp_path):
    n = 300
    rng = np.random.default_rng(0)
    vals = np.where(rng.random((n, n)) < 0.3, rng.integers(1, 10**6, (n, n)), 0).astype(float)
    np.fill_diagonal(vals, 0.0)
    names = [f"B{i:03d}" for i in range(n)]
    frame = pd.DataFrame(vals, index=names, columns=names).astype(object)
    frame = frame.where(frame != 0, "")
    p = tmp_path / "L.csv"
    frame.to_csv(p)
    df = read_liabilities(p)
    np.testing.assert_array_equal(df.to_numpy(), vals)
    assert list(df.index) == names
