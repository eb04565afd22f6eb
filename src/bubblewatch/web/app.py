"""The dashboard: a FastAPI app of server-rendered pages over one JSON API.

Pages (readable without JavaScript; charts and controls use the locally served plotly.js
and htmx): ``/`` the bubble status overview, ``/asset/{symbol}``, ``/loop``, ``/contagion``,
``/claims``, ``/data``, ``/report`` (the static report) and ``/api`` (the API reference,
made from ``/openapi.json``). The JSON API lives under ``/api/...`` (:mod:`.api`): each
answer is the matching CLI command's ``--json``.

Serving rules: the store is opened read-only per computation (:mod:`.source`), results are
cached by (store fingerprint, parameters) and computed on a bounded pool with a per-request
time limit (:mod:`.compute`), the default pages are precomputed at start-up
(:mod:`.warmup`); errors never show a traceback, a path or a PID
(:mod:`.public_errors`); bound to a loopback address the app refuses requests whose Host
header is not a loopback name (DNS rebinding); nothing is fetched from another host.
Run it with ``bubblewatch serve`` (needs the ``web`` extra: fastapi and uvicorn).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from bubblewatch import __version__
from bubblewatch.errors import BubblewatchError, StoreBusyError
from bubblewatch.web.api import error_response, make_api, wants_json
from bubblewatch.web.compute import Computer
from bubblewatch.web.public_errors import ComputeTimeout, error_text, http_status
from bubblewatch.web.source import DataSource, one_look_per_request
from bubblewatch.web.warmup import Warmup

__all__ = ["LOOPBACK_HOSTS", "AppState", "create_app"]

log = logging.getLogger("bubblewatch.web")

#: Host header names accepted when the server listens on a loopback address
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
#: the static report inlines plotly.js and its figures' scripts
REPORT_CSP = CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


@dataclasses.dataclass
class AppState:
    """What every route reads: the data, the computations, the precomputation, settings."""

    source: DataSource
    computer: Computer
    warmup: Warmup
    page_wait: float
    report_path: Path | None = None
    #: complete pages by (store fingerprint, path, query): served again without rendering
    pages: dict[tuple[str, str, str], str] = dataclasses.field(default_factory=dict)
    #: complete pages by (path, query, updating, the answers they show): a page of the
    #: previous data's answers (served stale while the new ones compute) is rendered once
    rendered: dict[tuple[Any, ...], tuple[str, tuple[Any, ...]]] = dataclasses.field(
        default_factory=dict
    )


def _host_ok(host: str, allowed: Sequence[str]) -> bool:
    name = host.strip().lower()
    if name.startswith("["):
        name = name.split("]", 1)[0] + "]"
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    return name in allowed


def create_app(
    store: str | Path | DataSource,
    *,
    report_path: str | Path | None = None,
    allowed_hosts: Sequence[str] | None = None,
    timeout: float = 30.0,
    workers: int = 2,
    page_wait: float = 4.0,
    stale_wait: float = 0.5,
    warm: bool = True,
) -> FastAPI:
    """Build the dashboard over a store.

    Parameters
    ----------
    store : str, Path or DataSource
        An existing store file (opened read-only per computation), or a prepared source
        (e.g. a ``--data`` folder's cache that follows the folder).
    report_path : str or Path, optional
        An HTML report to serve at ``/report`` instead of building one.
    allowed_hosts : sequence of str, optional
        Host header names accepted (``bubblewatch serve`` on a loopback address passes
        :data:`LOOPBACK_HOSTS`); None accepts any.
    timeout : float
        Seconds one request waits for a computation before HTTP 503 (it goes on).
    workers : int
        Computation threads.
    page_wait : float
        Seconds a page waits for its panels before showing "computing" placeholders that
        refresh themselves.
    stale_wait : float
        After the store changed, most seconds a request waits for the new result before it
        gets the previous data's (marked stale); it waits only when the new one is expected
        within that time (see :class:`~bubblewatch.web.compute.Computer`).
    warm : bool
        Precompute the default pages at start-up (and when the store changes).
    """
    source = store if isinstance(store, DataSource) else DataSource(store)
    computer = Computer(source, workers=workers, timeout=timeout, stale_wait=stale_wait)
    from bubblewatch.web.pages import default_jobs, make_pages

    state = AppState(
        source=source,
        computer=computer,
        warmup=Warmup(computer, lambda: default_jobs(state)),
        page_wait=page_wait,
        report_path=Path(report_path) if report_path is not None else None,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            state.warmup.ensure()
        yield
        computer.shutdown()

    app = FastAPI(
        title="bubblewatch",
        version=__version__,
        description="The bubblewatch dashboard's API: every answer is the matching CLI "
        "command's --json for the same inputs.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.bw = state
    app.add_middleware(GZipMiddleware, minimum_size=2048)

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        if allowed_hosts is not None:
            host = request.headers.get("host", "")
            if not _host_ok(host, allowed_hosts):
                return Response(
                    "Host header not allowed: this dashboard answers only to "
                    + ", ".join(a for a in allowed_hosts if not a.startswith("["))
                    + " (protection against DNS rebinding)",
                    status_code=400,
                    media_type="text/plain",
                )
        with one_look_per_request():
            response: Response = await call_next(request)
        report = request.url.path == "/report"
        response.headers.setdefault("Content-Security-Policy", REPORT_CSP if report else CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    def failure(request: Request, status: int, message: str, retry: float | None) -> Response:
        if wants_json(request):
            return error_response(status, message, retry)
        from bubblewatch.web.page_frame import error_page

        return error_page(request, status, message, retry)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            loc = ".".join(str(x) for x in e.get("loc", ())[1:]) or "request"
            got = e.get("input")
            shown = "" if got is None or isinstance(got, dict) else f" (got {str(got)[:40]!r})"
            parts.append(f"{loc}: {e.get('msg', 'invalid')}{shown}")
        return failure(request, 422, "; ".join(parts), None)

    @app.exception_handler(BubblewatchError)
    async def known(request: Request, exc: BubblewatchError) -> Response:
        status = http_status(exc)
        retry = 5.0 if status == 503 else None
        if isinstance(exc, ComputeTimeout | StoreBusyError):
            retry = 5.0
        return failure(request, status, error_text(exc), retry)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else "error"
        return failure(request, exc.status_code, detail, None)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.error("request %s failed", request.url.path, exc_info=exc)
        return failure(request, 500, error_text(exc, "this request"), None)

    app.include_router(make_api(state))
    app.include_router(make_pages(state))
    from fastapi.staticfiles import StaticFiles

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
