"""The frame every dashboard page shares: templates, the common context, rendering (and the
cache of complete pages), error pages, and waiting for a page's computations."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from bubblewatch import __version__
from bubblewatch.errors import StoreBusyError
from bubblewatch.web.compute import Job, Outcome
from bubblewatch.web.html import figure
from bubblewatch.web.warmup import JobSpec

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.web.app import AppState

__all__ = [
    "as_doc",
    "error_page",
    "fig_block",
    "freshness_rows",
    "from_cache",
    "gather",
    "render",
    "rendered",
    "templates",
]

NAV = (
    ("/", "Status"),
    ("/asset/NVDA", "Asset"),
    ("/loop", "Capital loop"),
    ("/contagion", "Contagion"),
    ("/claims", "Claims"),
    ("/data", "Data"),
    ("/api", "API"),
)


@functools.cache
def templates() -> jinja2.Environment:
    """The dashboard's templates, with the report's shared ones (its style) beside them."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.PackageLoader("bubblewatch.web", "templates"),
                jinja2.PackageLoader("bubblewatch.report", "templates"),
            ]
        ),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
    )


def _state(request: Request) -> AppState:
    return request.app.state.bw  # type: ignore[no-any-return]


def common(request: Request) -> dict[str, Any]:
    """What every page's frame shows: navigation, banners, data label, version."""
    st = _state(request)
    warm = st.warmup.progress()
    return {
        "version": __version__,
        "nav": NAV,
        "active": request.url.path if request.url.path != "/asset" else "/asset/NVDA",
        "data_label": st.source.label,
        "updating": st.source.being_written() or getattr(request.state, "busy", False),
        "warm": warm,
        # the progress banner is the start-up's: after a store change the stale banner says it
        "warm_ready": warm["ready"] or not warm["total"] or st.warmup.was_ready,
        "refresh": None,
        "heading": None,
        "stale": getattr(request.state, "stale", False),
    }


def _page_key(request: Request) -> tuple[str, str, str]:
    st = _state(request)
    return (
        st.source.fingerprint(),
        request.url.path,
        str(sorted(request.query_params.multi_items())),
    )


def from_cache(request: Request) -> HTMLResponse | None:
    """The page as rendered before for the same data and parameters (every panel complete)."""
    st = _state(request)
    body = st.pages.get(_page_key(request))
    if body is None:
        return None
    st.warmup.ensure()
    return HTMLResponse(body)


def _answers_key(request: Request) -> tuple[Any, ...] | None:
    """The page's address with the answers it was made of (None while one is pending)."""
    answers = getattr(request.state, "answers", None)
    if answers is None:
        return None
    updating = _state(request).source.being_written() or getattr(request.state, "busy", False)
    return (request.url.path, str(sorted(request.query_params.multi_items())), updating, answers)


def rendered(request: Request) -> HTMLResponse | None:
    """The page made before from the very same answers (e.g. the previous data's, served
    stale while the new ones compute): rendering it again would give the same HTML, and
    rendering (figures, tables) is the costly part of a request."""
    key = _answers_key(request)
    hit = None if key is None else _state(request).rendered.get(key)
    return None if hit is None else HTMLResponse(hit[0])


def _keep(cache: dict[Any, Any], key: Any, value: Any, most: int = 256) -> None:
    cache[key] = value
    while len(cache) > most:
        cache.pop(next(iter(cache)))


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Render template ``name`` with the common frame; a complete page is kept for the next
    request with the same data and parameters, and by the answers it was made of."""
    values = {**common(request), **ctx}
    if (values["stale"] or values["updating"]) and not values["refresh"]:
        values["refresh"] = 5
    page = templates().get_template(name).render(**values)
    st = _state(request)
    if status == 200 and not values["refresh"] and not values["updating"] and values["warm_ready"]:
        _keep(st.pages, _page_key(request), page)
    key = _answers_key(request)
    if status == 200 and values["warm_ready"] and key is not None:
        # the results are kept with the page: their ids in the key stay theirs
        _keep(st.rendered, key, (page, getattr(request.state, "answer_refs", ())), most=64)
    return HTMLResponse(page, status_code=status)


def error_page(request: Request, status: int, message: str, retry: float | None) -> Response:
    """An error as a page (503s refresh themselves)."""
    suggestions = []
    if status == 404 and "nearest: " in message and request.url.path.startswith("/asset/"):
        names = message.split("nearest: ", 1)[1].split(", ")
        suggestions = [{"name": n, "href": f"/asset/{n}"} for n in names]
    resp = render(
        request,
        "error.html.j2",
        status=status,
        code=status,
        title="Error" if status != 503 else "Please wait",
        message=message,
        retry=retry,
        suggestions=suggestions,
        refresh=int(retry) if retry else None,
    )
    if retry:
        resp.headers["Retry-After"] = str(int(retry))
    return resp


def as_doc(obj: Any) -> Any:
    """The JSON document the API serves for ``obj`` (pages render from the same data)."""
    import json

    from bubblewatch.web.api import _json_text

    return json.loads(_json_text(obj))


def any_pending(outcomes: Mapping[str, Outcome]) -> bool:
    return any(o.pending is not None for o in outcomes.values())


async def gather(request: Request, jobs: Mapping[str, JobSpec]) -> dict[str, Outcome]:
    """Submit the page's jobs and wait (up to the page's wait) for them."""
    st = _state(request)
    st.warmup.ensure()
    submitted: dict[str, Job] = {k: s.submit(st.computer) for k, s in jobs.items()}
    out = await st.computer.outcomes(submitted, st.page_wait)
    _note_answers(request, submitted, out)
    if any(o.stale for o in out.values()):
        request.state.stale = True
    if any(isinstance(o.error, StoreBusyError) for o in out.values()):
        request.state.busy = True
    return out


def _note_answers(request: Request, jobs: Mapping[str, Job], out: Mapping[str, Outcome]) -> None:
    """Add the answers to the request's list (what :func:`rendered` looks pages up by)."""
    if any(o.pending is not None for o in out.values()):
        request.state.answers = None
        return
    if getattr(request.state, "answers", ()) is None:
        return
    ids = tuple(
        (k, jobs[k].key, o.stale, id(o.result), id(o.error)) for k, o in sorted(out.items())
    )
    request.state.answers = getattr(request.state, "answers", ()) + ids
    refs = tuple(x for o in out.values() for x in (o.result, o.error))
    request.state.answer_refs = getattr(request.state, "answer_refs", ()) + refs


def freshness_rows(
    records: list[dict[str, Any]], today: _dt.date | None = None
) -> list[dict[str, Any]]:
    """Per series: last date and calendar days since (price, macro and FX series)."""
    today = today or _dt.datetime.now(_dt.UTC).date()
    out = []
    for r in records:
        if r["kind"] in ("fundamentals", "shares", "holdings"):
            continue
        last = pd.Timestamp(r["last"]).date()
        out.append({**r, "days_stale": (today - last).days})
    return sorted(out, key=lambda r: r["days_stale"])


def fig_block(fig: Any, fig_id: str, name: str, height: int = 420) -> Markup:
    """A figure with the house layout (margins, white template)."""
    fig.update_layout(template="plotly_white", margin={"l": 60, "r": 20, "t": 50, "b": 40})
    return figure(fig, fig_id, height=height, name=name)
