"""The embedded AI-2025 episode pack: provenance, content, equality with the shared data,
reproducibility of its generation, and a damaged pack file (issue 14 item 1, bad input)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from bubblewatch.cli import main
from bubblewatch.data import episode_pack
from bubblewatch.data.default_data import load_default_data
from bubblewatch.data.store import Store
from bubblewatch.errors import DataFileError, DataQualityWarning

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location(
        "build_episode_pack", ROOT / "scripts" / "build_episode_pack.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def default_store(tmp_path_factory: pytest.TempPathFactory):
    """The default data (pack + bundled histories) loaded once into a store file."""
    path = tmp_path_factory.mktemp("default") / "default.duckdb"
    with Store(path) as st:
        records = load_default_data(st)
    st = Store(path, read_only=True)
    st.records = records  # type: ignore[attr-defined]
    yield st
    st.close()


def test_manifest_records_the_provenance_of_every_file() -> None:
    m = episode_pack.manifest()
    root = episode_pack.pack_root()
    files = m["files"]
    assert len(files) >= 90
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.parquet"))
    assert on_disk == sorted(e["path"] for e in files)  # nothing unlisted, nothing missing
    total = sum((root / e["path"]).stat().st_size for e in files)
    assert total < 5_000_000  # "a few MB at most"
    for e in files:
        assert e["source_file"].endswith(".csv") and len(e["source_sha256"]) == 64
        assert e["origin"].startswith("github:") or e["origin"] == "per-row source column"
        assert e["licence"] and e["window"] and e["symbols"], e["path"]
        assert 0 < e["rows"] <= e["source_rows"]
    episode_pack.verify_pack()
    sources = (root / "SOURCES.md").read_text(encoding="utf-8")
    assert "Attribute sources; don't redistribute beyond this project." in sources
    assert "| `prices/us/NVDA.csv` |" in sources and "prices/panel" not in sources.split("---")[0]


def test_pack_holds_what_the_report_reads(default_store: Store) -> None:
    st = default_store
    nvda = st.prices("NVDA")
    assert nvda.loc["2025-11-04", "close"] == pytest.approx(198.69)
    assert nvda.index[0] == pd.Timestamp("2010-03-15")  # a long history the status reads
    for name in ("SHILLER_CAPE", "GFDEBTN", "A091RC1Q027SBEA", "FEDFUNDS", "WALCL", "GDP"):
        assert len(st.macro(name)) > 100, name
    assert len(st.holdings_dates("SPY")) == 5
    assert len(st.fx("DEXCHUS_USDCNY")) > 700
    assert len(st.shares_outstanding("NVDA")) >= 24
    assert not st.fundamentals("NVDA").empty
    for sym in ("SOX", "KOSPI", "TSMC_2330.TW", "BTC-USD", "GOLD_GC=F", "WTI_CL=F", "DXY_DX-Y.NYB"):
        assert st.has(sym), sym
    # the wheel's long histories sit beside the pack's series under their span names
    assert st.prices("NVDA_1999_2025").index[0] == pd.Timestamp("1999-01-22")
    assert st.has("^IXIC") and st.has("DCOILWTICO_1986_2019")
    src = st.query("SELECT source FROM series WHERE symbol = 'NVDA'")["source"].iloc[0]
    assert src == f"{episode_pack.pack_label()}: prices/us/NVDA.parquet"  # no install path
    records = st.records  # type: ignore[attr-defined]
    skipped = [r["symbol"] for r in records if r["status"] != "loaded"]
    assert skipped == ["BTC-USD"]  # the bundled copy that disagrees with the pack's Bitcoin
    assert not st.has("BTC-USD_2020_2021")
    from bubblewatch.data.resolve import resolve_history

    btc = resolve_history(st, "BTC-USD")  # 2014-2020 + 2025-26, the gap stated
    assert btc.close.index[0] == pd.Timestamp("2014-09-17") and btc.gaps


def test_loading_twice_leaves_the_same_rows_and_keeps_imported_series(
    tmp_path: Path, default_store: Store
) -> None:
    path = tmp_path / "s.duckdb"
    own = tmp_path / "NVDA.csv"
    own.write_text("date,close\n2025-01-02,1.5\n", encoding="utf-8")
    from bubblewatch.data.importer import import_paths

    with Store(path) as st:
        import_paths(st, [own])
        records = load_default_data(st)
        again = st.row_counts()
        load_default_data(st)
        assert st.row_counts() == again
    skipped = [r for r in records if r["status"] == "skipped" and r["what"] == "episode pack"]
    assert [r["path"] for r in skipped] == ["prices/us/NVDA.parquet"]
    assert "already in the store from" in skipped[0]["reason"]
    with Store(path, read_only=True) as st:
        assert len(st.prices("NVDA")) == 1


@pytest.mark.shared
def test_pack_rows_equal_the_shared_import(default_store: Store, shared_store: Store) -> None:
    """Each pack series holds exactly the shared import's rows of its window."""
    m = episode_pack.manifest()
    checked = 0
    for e in m["files"]:
        for sym in e["symbols"]:
            for table, key, cols in (
                ("prices", "symbol", "date, open, high, low, close, adj_close, volume"),
                ("macro", "series", "date, value"),
                ("fx", "pair", "date, rate"),
            ):
                sql = f"SELECT {cols} FROM {table} WHERE {key} = ? ORDER BY date"
                mine = default_store.query(sql, [sym])
                if mine.empty:
                    continue
                theirs = shared_store.query(sql, [sym])
                theirs = theirs[theirs["date"] >= mine["date"].min()].reset_index(drop=True)
                pd.testing.assert_frame_equal(mine, theirs, check_exact=True)
                checked += 1
    assert checked >= 120
    sql = "SELECT as_of, symbol, weight FROM holdings ORDER BY as_of, symbol"
    pd.testing.assert_frame_equal(default_store.query(sql), shared_store.query(sql))


@pytest.mark.shared
def test_regenerating_the_pack_is_reproducible(shared_data: Path, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        fresh = _script().build(shared_data, tmp_path / "pack")
    shipped = episode_pack.manifest()
    assert fresh["content_sha256"] == shipped["content_sha256"]
    assert [e["content_sha256"] for e in fresh["files"]] == [
        e["content_sha256"] for e in shipped["files"]
    ]
    if shipped["writer"] == f"pyarrow {pa.__version__}":  # same writer: same bytes
        assert [e["sha256"] for e in fresh["files"]] == [e["sha256"] for e in shipped["files"]]
    assert (tmp_path / "pack" / "SOURCES.md").read_text() == (
        episode_pack.pack_root() / "SOURCES.md"
    ).read_text()


def test_a_damaged_pack_file_is_named_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "pack"
    shutil.copytree(episode_pack.pack_root(), copy)
    victim = copy / "prices" / "us" / "NVDA.parquet"
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    monkeypatch.setattr(episode_pack, "pack_root", lambda: copy)
    with pytest.raises(DataFileError, match="damaged episode pack file"):
        episode_pack.verify_pack()
    monkeypatch.setenv("BUBBLEWATCH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("BUBBLEWATCH_STORE", raising=False)
    code = main(["report", "--out", str(tmp_path / "r.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert "prices/us/NVDA.parquet" in err and "damaged episode pack file" in err
    assert "scripts/build_episode_pack.py" in err and "reinstall" in err
    assert not (tmp_path / "r.html").exists()
    assert not list((tmp_path / "home" / "cache").glob("*.duckdb"))  # no half-built cache


def test_pack_files_are_plain_parquet() -> None:
    frame = pd.read_parquet(episode_pack.pack_root() / "prices" / "us" / "NVDA.parquet")
    assert list(frame.columns) == ["date", "open", "high", "low", "close", "adj_close", "volume"]
    digest = hashlib.sha256((episode_pack.pack_root() / "MANIFEST.json").read_bytes()).hexdigest()
    assert (
        len(digest) == 64
        and json.loads((episode_pack.pack_root() / "MANIFEST.json").read_text())["format"] == 1
    )
