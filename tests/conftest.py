"""Shared fixtures: the ../shared/data folder (tests skip cleanly without it) and a store filled from it."""

from __future__ import annotations

import os
import warnings
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
    from bubblewatch.errors import DataQualityWarning

    path = tmp_path_factory.mktemp("store") / "shared.duckdb"
    with Store(path) as st, warnings.catch_warnings():
        # the shared data's known caveats (gold's high<low bar, TSMC's shifted dates) are
        # tested where they matter; here they are expected noise
        warnings.simplefilter("ignore", DataQualityWarning)
        import_paths(st, [shared_data])
    st = Store(path, read_only=True)
    yield st
    st.close()


def store_content_hash(path: str | Path, *tmp: str | Path) -> str:
    """SHA-256 of every row of every table of the store at ``path`` (rows sorted; each
    folder ``tmp`` in a cell replaced by ``<tmp>``, so the hash is the same in any folder)."""
    import hashlib
    import json

    import duckdb

    from bubblewatch.data.schema import TABLES

    h = hashlib.sha256()
    con = duckdb.connect(str(path), read_only=True)
    try:
        for table in TABLES:
            rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            for row in rows:
                cells = [
                    repr(v) if isinstance(v, float) else str(v) if v is not None else None
                    for v in row
                ]
                for folder in tmp:
                    cells = [c.replace(str(folder), "<tmp>") if c else c for c in cells]
                h.update(json.dumps([table, *cells]).encode())
    finally:
        con.close()
    return h.hexdigest()


@pytest.fixture()
def store_digest():
    """:func:`store_content_hash` (a fixture, so tests in any folder can use it)."""
    return store_content_hash


@pytest.fixture(scope="session")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The default report as a fresh machine builds it, once per session: ``bubblewatch report
    --json --fast`` with no store (the embedded AI-2025 data). Keys: ``payload`` (the JSON),
    ``page`` (the HTML), ``err`` (stderr), ``out`` (the file), ``home`` (``$BUBBLEWATCH_HOME``)."""
    import contextlib
    import io
    import json

    from bubblewatch.cli import main

    base = tmp_path_factory.mktemp("default-report")
    out = base / "out" / "report.html"
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUBBLEWATCH_HOME", str(base / "home"))
        mp.delenv("BUBBLEWATCH_STORE", raising=False)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(["report", "--out", str(out), "--json", "--fast"])
    assert code == 0, stderr.getvalue()[-2000:]
    return {
        "payload": json.loads(stdout.getvalue()),
        "page": out.read_text(encoding="utf-8"),
        "err": stderr.getvalue(),
        "out": out,
        "home": base / "home",
    }
