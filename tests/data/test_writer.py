"""The one writer into the store: put_rows' three modes, and a full disk (tmpfs) rolled back
with the space given back."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblewatch.cli import main
from bubblewatch.data.importer import import_paths
from bubblewatch.data.store import Store
from bubblewatch.data.tables import write_prices
from bubblewatch.data.writer import put_rows, write_transaction
from bubblewatch.errors import DataQualityWarning, NoSpaceError


def _frame(dates: list[str], closes: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": pd.to_datetime(dates),
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "adj_close": closes,
            "volume": 1.0,
            "currency": "USD",
            "source": "test",
        }
    )


def test_put_rows_modes(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb") as st:
        with write_transaction(st) as con:
            write_prices(
                con,
                "X",
                _frame(["2025-01-02", "2025-01-03", "2025-01-06"], [1, 2, 3]),
                kind="equity",
                source="a",
            )
        # range: the refetched window replaces every stored date inside it
        with write_transaction(st) as con:
            write_prices(
                con,
                "X",
                _frame(["2025-01-02", "2025-01-06"], [10, 30]),
                kind="equity",
                source="a",
                replace=False,
            )
        assert st.prices("X")["close"].tolist() == [10.0, 30.0]
        # series: every stored row goes
        with write_transaction(st) as con:
            write_prices(con, "X", _frame(["2025-02-03"], [5]), kind="equity", source="a")
        assert st.prices("X")["close"].tolist() == [5.0]
        # rows: upsert by key, other dates kept
        df = _frame(["2025-02-04"], [6]).assign(symbol="X", warning=None)
        with write_transaction(st) as con:
            put_rows(con, "prices", df, replace="rows")
        assert st.prices("X")["close"].tolist() == [5.0, 6.0]
        assert st.query("SELECT count(*) AS n FROM series")["n"].iloc[0] == 1


def test_only_the_writer_writes() -> None:
    """Every INSERT / DELETE in the data layer is in data/writer.py."""
    root = Path(__file__).resolve().parents[2] / "src" / "bubblewatch"
    offenders = []
    for f in root.rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        if f.name == "writer.py" or f.name == "store.py":
            continue
        for word in ("INSERT ", "DELETE FROM", "UPDATE "):
            if word in text:
                offenders.append(f"{f.relative_to(root)}: {word.strip()}")
    assert offenders == []


@pytest.fixture()
def small_disk(tmp_path: Path):
    """An 8 MB tmpfs mounted under tmp_path (skips where mounting is not allowed)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if shutil.which("mount") is None:
        pytest.skip("no mount command: cannot make a small file system for the disk-full test")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(
            "cannot mount a small tmpfs for the disk-full test (needs root with "
            f"CAP_SYS_ADMIN): {done.stderr.strip()}"
        )
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _panel(path: Path, rows: int) -> None:
    """Random prices (they do not compress): ``rows`` rows, about 40 bytes each in DuckDB."""
    rng = np.random.default_rng(0)
    dates = pd.date_range("1900-01-01", periods=rows // 4).strftime("%Y-%m-%d")
    n = len(dates)
    parts = [
        pd.DataFrame(
            {
                "date": dates,
                "ticker": t,
                "open": rng.random(n) + 1,
                "high": 3.0,
                "low": 0.5,
                "close": rng.random(n) + 1,
                "volume": rng.random(n) * 1e6,
            }
        )
        for t in ("AAA", "BBB", "CCC", "DDD")
    ]
    pd.concat(parts).to_csv(path, index=False)


def test_disk_full_rolls_back_and_gives_the_space_back(
    small_disk: Path, tmp_path: Path, store_digest, capsys: pytest.CaptureFixture[str]
) -> None:
    store = small_disk / "s.duckdb"
    good = tmp_path / "GOOD.csv"
    good.write_text("date,close\n2025-01-02,1.5\n2025-01-03,1.6\n", encoding="utf-8")
    assert main(["data", "import", str(good), "--store", str(store)]) == 0
    big = tmp_path / "big.csv"
    _panel(big, 200_000)  # about 8 MB in DuckDB, with the copies more than the 8 MB disk
    before = store_digest(store)
    size = store.stat().st_size
    used = shutil.disk_usage(small_disk).used
    capsys.readouterr()
    assert main(["data", "import", str(big), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    said = " ".join(err.split())
    assert said.startswith("error: no space left on the device holding the store"), said
    assert "nothing written" in said
    assert store_digest(store) == before
    assert store.stat().st_size == size
    assert sorted(p.name for p in small_disk.iterdir()) in (
        ["s.duckdb"],
        ["s.duckdb", "s.duckdb.lock"],
    )
    assert shutil.disk_usage(small_disk).used <= used
    # the store still takes a write
    assert main(["data", "import", str(good), "--symbol", "AGAIN", "--store", str(store)]) == 0
    with Store(store, read_only=True) as st:
        assert st.prices("AGAIN")["close"].tolist() == [1.5, 1.6]


def test_disk_full_in_python_raises_disk_full_error(small_disk: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.csv"
    _panel(big, 200_000)
    with Store(small_disk / "s.duckdb") as st, warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        with pytest.raises(NoSpaceError, match="no space left on the device holding the store"):
            import_paths(st, [big])
    assert sorted(p.name for p in small_disk.iterdir()) in (
        [],
        ["s.duckdb.lock"],  # the new store, never filled, removed again; the lock file stays
        ["s.duckdb"],
        ["s.duckdb", "s.duckdb.lock"],
    )
    if (small_disk / "s.duckdb").exists():
        with Store(small_disk / "s.duckdb", read_only=True) as st:
            assert st.row_counts()["prices"] == 0
