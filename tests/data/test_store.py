"""The DuckDB store: tables, transactions, readers and their not-found messages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bubblewatch.data.importer import import_paths
from bubblewatch.data.schema import TABLES
from bubblewatch.data.store import Store, default_store_path
from bubblewatch.errors import InputError, NotFoundError


def test_empty_store_has_every_table(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as st:
        assert st.row_counts() == dict.fromkeys(TABLES, 0)
        assert st.list_series().empty


def test_default_store_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BUBBLEWATCH_STORE", raising=False)
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path))
    assert default_store_path() == tmp_path / "store.duckdb"
    monkeypatch.setenv("BUBBLEWATCH_STORE", str(tmp_path / "x.duckdb"))
    assert default_store_path() == tmp_path / "x.duckdb"


def test_read_only_missing_store(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="does not exist; import data first"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_transaction_rolls_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(RuntimeError), st.transaction() as con:
            con.execute("INSERT INTO macro VALUES ('X', DATE '2025-01-01', 1.0, NULL, 'test')")
            raise RuntimeError("boom")
        assert st.row_counts()["macro"] == 0


def test_readers_and_not_found_messages(tmp_path: Path) -> None:
    f = tmp_path / "ACME.csv"
    f.write_text("date,close\n2025-01-02,1.5\n2025-01-03,2\n", encoding="utf-8")
    with Store(tmp_path / "s.duckdb") as st:
        with pytest.raises(NotFoundError, match="is empty: run `bubblewatch data import"):
            st.prices("ACME")
        import_paths(st, [f])
        s = st.series("ACME")
        assert list(s) == [1.5, 2.0] and s.index[0] == pd.Timestamp("2025-01-02")
        with pytest.raises(NotFoundError, match="holds: ACME"):
            st.macro("GDP")
        with pytest.raises(NotFoundError, match="has no column 'vwap'"):
            st.series("ACME", "vwap")
        with pytest.raises(NotFoundError):
            st.holdings("SPY")
        listing = st.list_series()
        assert listing.iloc[0]["symbol"] == "ACME" and int(listing.iloc[0]["rows"]) == 2


def test_holdings_date_unavailable_or_unreadable_lists_dates(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as st:
        with st.transaction() as con:
            con.execute(
                "INSERT INTO holdings (index_name, as_of, symbol, name, weight, source) "
                "VALUES ('SPY', DATE '2025-09-30', 'NVDA', 'NVIDIA', 7.9, 'test')"
            )
        with pytest.raises(NotFoundError, match="available dates: 2025-09-30"):
            st.holdings("SPY", "2025-09-29")
        with pytest.raises(InputError, match=r"cannot read the holdings date 'xx'.*2025-09-30"):
            st.holdings("SPY", "xx")


def test_holdings_history_every_snapshot_oldest_first(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as st:
        assert st.holdings_history("SPY").empty
        with st.transaction() as con:
            con.execute(
                "INSERT INTO holdings (index_name, as_of, symbol, name, weight, source) VALUES "
                "('SPY', DATE '2025-09-30', 'NVDA', 'NVIDIA', 7.9, 'test'), "
                "('SPY', DATE '2024-12-31', 'AAPL', 'Apple', 7.6, 'test'), "
                "('SPY', DATE '2024-12-31', 'NVDA', 'NVIDIA', 6.6, 'test'), "
                "('QQQ', DATE '2025-09-30', 'NVDA', 'NVIDIA', 9.9, 'test')"
            )
        h = st.holdings_history("spy")
        assert list(h.columns) == ["as_of", "symbol", "name", "weight"]
        assert list(h["symbol"]) == ["AAPL", "NVDA", "NVDA"]
        assert list(h["weight"]) == [7.6, 6.6, 7.9]
