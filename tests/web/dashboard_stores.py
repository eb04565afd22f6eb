"""The dashboard tests' stores and clients (imported by the tests of this folder)."""

from __future__ import annotations

import warnings
from pathlib import Path

with warnings.catch_warnings():
    # starlette announces a future switch of its test client's HTTP library; not our concern
    warnings.filterwarnings("ignore", message="Using `httpx` with")
    from fastapi.testclient import TestClient

__all__ = ["DEMO", "TestClient", "build_demo_store", "make_client"]

#: the demo series of the dashboard tests: one AI stock, two indices, crypto, a macro series
DEMO = ["NVDA", "^IXIC", "^GSPC", "BTC-USD", "DCOILWTICO"]


def build_demo_store(path: Path, symbols: list[str] = DEMO) -> Path:
    """A store holding ``symbols`` from the bundled histories."""
    from bubblewatch.data.datasets import load_demo
    from bubblewatch.data.store import Store

    with Store(path) as st:
        load_demo(st, symbols)
    return path


def make_client(path: Path, **kwargs: object) -> TestClient:
    """A test client of the app over ``path`` (no start-up precomputation by default)."""
    from bubblewatch.web.app import create_app

    kwargs.setdefault("warm", False)
    return TestClient(create_app(path, **kwargs))  # type: ignore[arg-type]
