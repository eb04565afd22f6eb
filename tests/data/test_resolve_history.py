"""resolve_history: the long+recent join rule (rebasing, overlap check, gaps, point in time)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.data.importer import import_paths
from bubblewatch.data.resolve import history_symbols, join_history, resolve_history
from bubblewatch.data.store import Store
from bubblewatch.errors import InputError, NotFoundError


def _write(folder: Path, name: str, dates: pd.DatetimeIndex, close, adj=None) -> Path:
    path = folder / f"{name}.csv"
    df = pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "close": close, "volume": 1000})
    if adj is not None:
        df["adj_close"] = adj
    df.to_csv(path, index=False)
    return path


def _store(tmp_path: Path, files: list[Path]) -> Store:
    st = Store(tmp_path / "s.duckdb")
    import_paths(st, files)
    return st


def test_overlap_rebases_the_recent_piece_and_keeps_the_old_history(tmp_path):
    long_idx = pd.bdate_range("2020-01-01", "2021-06-30")
    recent_idx = pd.bdate_range("2021-01-04", "2021-12-31")
    rng = np.random.default_rng(0)
    level = pd.Series(
        np.exp(np.cumsum(rng.normal(0, 0.01, 800))), index=pd.bdate_range("2020-01-01", periods=800)
    )
    old = level[long_idx].to_numpy() * 2.0  # another adjustment vintage: a constant factor
    new = level[recent_idx].to_numpy()
    st = _store(
        tmp_path,
        [
            _write(tmp_path, "ACME_LONG", long_idx, old, old),
            _write(tmp_path, "ACME", recent_idx, new * 1.1, new),  # raw close differs from adj
        ],
    )
    h = resolve_history(st, "ACME")
    assert [p.symbol for p in h.used] == ["ACME_LONG", "ACME"]
    assert h.close.index[0] == long_idx[0] and h.close.index[-1] == recent_idx[-1]
    # the old piece is untouched, the recent one rebased onto it (factor 2 on adj closes)
    pd.testing.assert_series_equal(
        h.close[: long_idx[-1]], pd.Series(old, index=long_idx), check_names=False, check_freq=False
    )
    assert h.used[1].factor == pytest.approx(2.0)
    np.testing.assert_allclose(
        h.close[recent_idx[recent_idx > long_idx[-1]]], 2 * new[recent_idx > long_idx[-1]]
    )
    text = h.describe()
    assert "ACME_LONG 2020-01-01..2021-06-30" in text and "joined 2021-07-01" in text
    assert "rebased x2" in text and not h.gaps
    # point in time: the history as of a date in the overlap uses the old piece only
    past = h.until("2021-03-01")
    assert [p.symbol for p in past.used] == ["ACME_LONG"] and past.close.index[-1] <= pd.Timestamp(
        "2021-03-01"
    )
    st.close()


def test_gap_is_stated_and_not_bridged(tmp_path):
    a = pd.bdate_range("2024-01-01", "2024-12-06")
    b = pd.bdate_range("2025-02-28", "2025-06-30")
    st = _store(
        tmp_path,
        [_write(tmp_path, "AMDX_LONG", a, np.linspace(100, 140, len(a))),
         _write(tmp_path, "AMDX", b, np.linspace(99, 120, len(b)))],
    )  # fmt: skip
    h = resolve_history(st, "AMDX")
    assert len(h.gaps) == 1
    g = h.gaps[0]
    assert (g.after, g.before) == (pd.Timestamp("2024-12-06"), pd.Timestamp("2025-02-28"))
    assert g.business_days == 59  # 2024-12-09..2025-02-27
    assert "gap 2024-12-06..2025-02-28" in h.describe() and "not rebased" in h.describe()
    assert h.close["2025-02-28"] == pytest.approx(99.0)  # no rebasing without overlap
    assert not h.close["2024-12-07":"2025-02-27"].size  # nothing filled in
    assert h.until("2024-12-31").gaps == ()  # the gap lies after that date
    st.close()


def test_disagreeing_overlap_is_refused(tmp_path):
    idx = pd.bdate_range("2024-01-01", periods=200)
    base = np.linspace(100, 200, 200)
    bad = base.copy()
    bad[150:] *= 1.05  # a 5% break inside the overlap
    st = _store(
        tmp_path,
        [_write(tmp_path, "BAD_LONG", idx[:180], base[:180]),
         _write(tmp_path, "BAD", idx[100:], bad[100:])],
    )  # fmt: skip
    with pytest.raises(InputError, match=r"disagree by 4\.\d+% on .* \(tolerance 1%"):
        resolve_history(st, "BAD")
    st.close()


def test_piece_inside_the_span_is_unused_and_named(tmp_path):
    idx = pd.bdate_range("2024-01-01", periods=100)
    st = _store(
        tmp_path,
        [_write(tmp_path, "IDX", idx, np.linspace(1, 2, 100)),
         _write(tmp_path, "IDX_2024_2024", idx[10:50], np.linspace(1, 2, 100)[10:50])],
    )  # fmt: skip
    h = resolve_history(st, "IDX")
    assert [p.symbol for p in h.used] == ["IDX"]
    assert "not used: IDX_2024_2024 (inside the span" in h.describe()
    with pytest.raises(NotFoundError, match="no prices for 'NOPE'"):
        resolve_history(st, "NOPE")
    st.close()


def test_history_symbols_rule():
    assert history_symbols("X", {"X"}) == (["X"], [])
    assert history_symbols("X", {"X_LONG", "X_1990_2000", "X", "X_flippe2"}) == (
        ["X_LONG", "X_1990_2000", "X"],
        [],
    )
    syms, missing = history_symbols("NASDAQ_COMPOSITE", {"NASDAQ_COMPOSITE_2025_2026"})
    assert syms == ["NASDAQ_COMPOSITE_2025_2026"] and len(missing) == 2


def test_join_history_needs_a_piece():
    with pytest.raises(NotFoundError):
        join_history([], name="X")


def test_shared_data_histories(shared_store):
    avgo = resolve_history(shared_store, "AVGO")
    assert avgo.close.index[0] == pd.Timestamp("2010-01-04")
    assert avgo.close.index[-1] == pd.Timestamp("2026-02-27") and avgo.joined
    amd = resolve_history(shared_store, "AMD")
    assert "gap 2024-12-06..2025-02-28" in amd.describe()
    nasdaq = resolve_history(shared_store, "NASDAQ_COMPOSITE")
    assert [p.symbol for p in nasdaq.used] == [
        "NASDAQ_COMPOSITE_1971_2020",
        "NASDAQCOM_fred_1971_2024",
        "NASDAQ_COMPOSITE_2025_2026",
    ]
    assert nasdaq.close["2000-03-10"] == pytest.approx(5048.62, abs=0.01)
    nvda = resolve_history(shared_store, "NVDA")
    assert nvda.used[0].symbol == "NVDA_LONG" and nvda.close.index[-1] == pd.Timestamp("2026-05-21")
