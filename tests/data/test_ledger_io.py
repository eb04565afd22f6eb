"""``bubblewatch.data.ledger_io``: liabilities-matrix CSV errors name file, row and column."""

from __future__ import annotations

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
