"""resolve_series: a file path or a store symbol -> float Series."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data.importer import import_paths
from bubblewatch.data.resolve import read_series_file, resolve_series
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, NotFoundError


def test_file_with_close_and_value(tmp_path: Path) -> None:
    f = tmp_path / "X.csv"
    f.write_text("Date,Close,Volume\n2025-01-03,2,10\n2025-01-02,1,\n", encoding="utf-8")
    s = resolve_series(f)
    assert list(s) == [1.0, 2.0] and s.name == "X"
    assert list(resolve_series(f, column="volume")) == [10.0]
    g = tmp_path / "G.csv"
    g.write_text("date,value\n2025-01-01,5\n2025-02-01,.\n", encoding="utf-8")
    assert list(read_series_file(g)) == [5.0]


def test_file_errors_name_the_line(tmp_path: Path) -> None:
    f = tmp_path / "X.csv"
    f.write_text("date,close\n2025-01-02,1\n2025-01-02,2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="line 3, column 'date': duplicate date"):
        resolve_series(f)
    f.write_text("date,a,b\n2025-01-02,1,2\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="one of the columns a, b"):
        resolve_series(f)
    with pytest.raises(NotFoundError, match="does not exist"):
        resolve_series(tmp_path / "missing.csv")


def test_symbol_from_store(tmp_path: Path) -> None:
    f = tmp_path / "ACME.csv"
    f.write_text("date,close\n2025-01-02,1\n2025-01-03,2\n", encoding="utf-8")
    path = tmp_path / "s.duckdb"
    with Store(path) as st:
        import_paths(st, [f])
        assert resolve_series("ACME", store=st).index[-1] == pd.Timestamp("2025-01-03")
    assert list(resolve_series("ACME", store=path)) == [1.0, 2.0]
    with pytest.raises(NotFoundError, match="no prices for 'NOPE'"):
        resolve_series("NOPE", store=path)


def test_keep_missing_keeps_blank_and_nan_rows(tmp_path):
    from bubblewatch.data.resolve import resolve_series

    path = tmp_path / "m.csv"
    path.write_text("date,close\n2024-01-03,2\n2024-01-02,\n2024-01-04,nan\n2024-01-05,3\n")
    assert len(resolve_series(path)) == 2
    kept = resolve_series(path, keep_missing=True)
    assert len(kept) == 4 and kept.index.is_monotonic_increasing
    assert kept.isna().tolist() == [True, False, True, False]
