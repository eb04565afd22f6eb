"""The local dashboard: a FastAPI app serving the HTML report and the stored series as JSON.

Routes
------
``GET /``                         the self-contained report (built from the store on first use)
``GET /api/health``               ``{"status": "ok", "version": ...}``
``GET /api/series``               the store's catalogue (as ``bubblewatch data list --json``)
``GET /api/series/{symbol}``      one series: ``?column=close&start=YYYY-MM-DD&end=YYYY-MM-DD``

Each request opens the store read-only (DuckDB connections are not shared across threads).
Run it with ``bubblewatch serve`` (needs the ``web`` extra: fastapi and uvicorn).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from bubblewatch import __version__
from bubblewatch.data.catalogue import catalogue_records
from bubblewatch.data.store import Store
from bubblewatch.errors import BubblewatchError, InputError, NotFoundError
from bubblewatch.results import jsonable

__all__ = ["create_app"]


def _catalogue(st: Store) -> list[dict[str, Any]]:
    return catalogue_records(st.list_series())


def create_app(store_path: str | Path, *, report_path: str | Path | None = None) -> FastAPI:
    """Build the dashboard app over the store at ``store_path``.

    Parameters
    ----------
    store_path : str or Path
        An existing store file (opened read-only per request).
    report_path : str or Path, optional
        An HTML report to serve at ``/``; by default one is built from the store on the
        first request and kept for the life of the app.
    """
    path = Path(store_path)
    if not path.exists():
        raise NotFoundError(
            f"store {path} does not exist; run `bubblewatch data load-demo --store {path}` first"
        )
    app = FastAPI(title="bubblewatch", version=__version__)
    state: dict[str, Any] = {"html": None}
    lock = threading.Lock()

    def open_store() -> Store:
        return Store(path, read_only=True)

    def report_html() -> str:
        with lock:
            if state["html"] is None:
                if report_path is not None:
                    state["html"] = Path(report_path).read_text(encoding="utf-8")
                else:
                    from bubblewatch.report.build import build_report

                    with tempfile.TemporaryDirectory() as tmp, open_store() as st:
                        out = Path(tmp) / "report.html"
                        build_report(st, out)
                        state["html"] = out.read_text(encoding="utf-8")
            return str(state["html"])

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse(report_html())

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.get("/api/series")
    def series_list() -> list[dict[str, Any]]:
        with open_store() as st:
            return _catalogue(st)

    @app.get("/api/series/{symbol}")
    def series(
        symbol: str,
        column: str = Query("close", description="price column (ignored for macro/fx series)"),
        start: str | None = Query(None, description="first date, YYYY-MM-DD"),
        end: str | None = Query(None, description="last date, YYYY-MM-DD"),
    ) -> dict[str, Any]:
        try:
            t0 = pd.Timestamp(start) if start else None
            t1 = pd.Timestamp(end) if end else None
        except ValueError as exc:
            raise HTTPException(status_code=422, detail=f"unparsable date: {exc}") from exc
        try:
            with open_store() as st:
                s = st.series(symbol, column)
                kind = st.kind(symbol)
                src = st.con.execute(
                    "SELECT source FROM series WHERE symbol = ?", [symbol]
                ).fetchone()
        except NotFoundError as exc:
            raise HTTPException(status_code=404, detail=str(exc)) from exc
        except InputError as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from exc
        except BubblewatchError as exc:  # pragma: no cover - store failures
            raise HTTPException(status_code=500, detail=str(exc)) from exc
        if t0 is not None:
            s = s[s.index >= t0]
        if t1 is not None:
            s = s[s.index <= t1]
        return {
            "symbol": symbol,
            "column": column,
            "kind": kind,
            "source": src[0] if src else None,
            "rows": len(s),
            "data": [{"date": d.date().isoformat(), "value": jsonable(v)} for d, v in s.items()],
        }

    return app
