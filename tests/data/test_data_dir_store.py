"""The cached store of a ``--data`` folder: builds interrupted by a kill leave no temporary
files behind for ever (issue 10 item 8)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bubblewatch.data.data_dir_store import open_data_dir_store


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_dead_builds_are_removed_on_the_next_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "ACME.csv").write_text("date,close\n2025-01-02,1.5\n", encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    dead = _dead_pid()
    left = [
        cache / f".0123abcd.{dead}.1700000000000000000.tmp.duckdb",
        cache / f".0123abcd.{dead}.1700000000000000000.tmp.duckdb.wal",
    ]
    alive = cache / f".0123abcd.{os.getpid()}.1700000000000000001.tmp.duckdb"  # a build going on
    other = cache / "notes.txt"
    for p in (*left, alive, other):
        p.write_bytes(b"x" * 1000)
    spill = cache / f".0123abcd.{dead}.1700000000000000000.tmp.duckdb.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_block-1.block").write_bytes(b"x")
    left.append(spill)
    st = open_data_dir_store(data, cache_dir=cache)
    try:
        assert st.prices("ACME")["close"].tolist() == [1.5]
    finally:
        st.close()
    names = sorted(p.name for p in cache.iterdir())
    assert all(p.name not in names for p in left)
    assert alive.name in names and other.name in names
    assert len([n for n in names if n.endswith(".duckdb") and not n.startswith(".")]) == 1


def test_default_data_builds_clean_up_too(tmp_path: Path) -> None:
    """The embedded default data's cache build shares the rule (one build helper)."""
    from bubblewatch.data.cache_build import build_once

    dead = _dead_pid()
    left = tmp_path / f".default-data-abc.{dead}.1700000000000000000.tmp.duckdb"
    left.write_bytes(b"x")
    target = build_once(tmp_path / "t.duckdb", lambda st: None)
    assert target.exists() and not left.exists()
