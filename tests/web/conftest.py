"""Fixtures of the dashboard tests (skipped without the web extra)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the dashboard tests' demo series (built once per session)."""
    from dashboard_stores import build_demo_store

    return build_demo_store(tmp_path_factory.mktemp("web") / "demo.duckdb")
