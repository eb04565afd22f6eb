"""Shared fixtures: the ../shared/data folder (tests skip cleanly without it) and a store filled from it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("BUBBLEWATCH_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path of ../shared/data; skips the test when it is absent."""
    if not (SHARED_DATA / "SOURCES.md").exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def shared_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory):
    """A read-only store filled once per session by importing the whole ../shared/data layout."""
    from bubblewatch.data.importer import import_paths

    from bubblewatch.data.store import Store

    path = tmp_path_factory.mktemp("store") / "shared.duckdb"
    with Store(path) as st:
        import_paths(st, [shared_data])
    st = Store(path, read_only=True)
    yield st
    st.close()
