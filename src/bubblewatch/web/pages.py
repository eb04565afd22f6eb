"""The dashboard's pages (server-rendered HTML) and the static files.

Every page is complete HTML (readable without JavaScript); its controls are plain GET forms
that htmx submits in place (``hx-select`` swaps the page's ``<main>``). A panel whose
computation is not done within the page's wait shows a placeholder that fetches itself
again; the default view of every page is precomputed at start-up (:func:`default_jobs`).
"""

from __future__ import annotations

import functools
import hashlib
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from bubblewatch.web import queries as q
from bubblewatch.web.html import Col, date, json_link, num, panel_state, pct, table
from bubblewatch.web.page_frame import (
    any_pending,
    as_doc,
    common,
    fig_block,
    freshness_rows,
    from_cache,
    gather,
    render,
    rendered,
    templates,
)
from bubblewatch.web.params import parse_date
from bubblewatch.web.warmup import JobSpec, spec

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.web.app import AppState

__all__ = ["default_jobs", "make_pages", "status_table"]


# -- default views ----------------------------------------------------------------------------
def default_jobs(state: AppState) -> list[JobSpec]:
    """The jobs of every page's default view (precomputed at start-up)."""
    from bubblewatch.web import pages_asset, pages_market

    jobs = list(overview_jobs(None).values())
    jobs += list(pages_market.loop_jobs(pages_market.LoopForm()).values())
    jobs.append(spec("claims", q.claims, "the claims check", ids=()))
    with state.source.open() as st:
        assets = q.asset_names(st)
        jobs += list(pages_market.contagion_defaults(st).values())
        info = q.asset_info(st, "NVDA") if "NVDA" in assets else None
    if info is not None:
        form = pages_asset.AssetForm()
        jobs += list(pages_asset.asset_jobs("NVDA", form, info).values())
    return jobs


# -- the overview -----------------------------------------------------------------------------
def overview_jobs(as_of: str | None) -> dict[str, JobSpec]:
    return {
        "status": spec(
            "status", q.status, "the status of the AI complex", symbols=(), group=None, as_of=as_of
        ),
        "catalogue": spec("catalogue", q.catalogue, "the catalogue"),
        "compare": spec("compare_2000", q.compare_2000, "2000 vs now"),
    }


def _badge(level: str) -> Markup:
    from bubblewatch.status.asset import LEVEL_COLOURS

    colour = LEVEL_COLOURS.get(level, "#666")
    return Markup('<span class=level style="background:{}">{}</span>').format(colour, level)


def _asset_link(symbol: Any) -> Markup | str:
    """A link to the asset's page (basket symbols have none)."""
    if not symbol or ":" in str(symbol):
        return str(symbol or "")
    # a break opportunity after each "_" keeps long names (SAMSUNG_005930.KS) narrow
    shown = Markup("_<wbr>").join(str(symbol).split("_"))
    return Markup('<a href="/asset/{}">{}</a>').format(symbol, shown)


def _member_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for m in doc["members"]:
        s = m["signals"]
        rows.append(
            {
                "label": m.get("label") or m["symbol"],
                "symbol": m["symbol"],
                "level": m["level"],
                "bsadf": s["psy"]["bsadf"],
                "cv95": s["psy"]["cv95"],
                "pos": s["lppls"]["pos"],
                "neg": s["lppls"]["neg"],
                "ret_1y": s["momentum"]["ret_1y"],
                "drawdown": s["stress"]["drawdown"],
                "pe": s["valuation"]["pe"],
                "data_date": (m.get("data") or {}).get("date"),
                "why": m["reasons"][0]["condition"] if m["reasons"] else "",
            }
        )
    return rows


def status_table(doc: dict[str, Any], table_id: str = "status-table") -> Markup:
    """The status table of a group's to_dict()."""
    rows = _member_rows(doc)
    for label, key in (
        ("equal-weight basket", "equal_weight"),
        ("cap-weight basket", "cap_weight"),
    ):
        basket = (doc.get("baskets") or {}).get(key)
        if basket:
            rows += _member_rows({"members": [{**basket, "label": f"AI {label}"}]})
    cols = [
        Col("Member", "label"),
        Col("Symbol", "symbol", _asset_link),
        Col("Level", "level", _badge),
        Col("BSADF", "bsadf", num(2), True),
        Col("95% cv", "cv95", num(2), True),
        Col("LPPLS +", "pos", pct(0), True),
        Col("LPPLS −", "neg", pct(0), True),
        Col("1y return", "ret_1y", pct(0, True), True),
        Col("Drawdown", "drawdown", pct(0), True),
        Col("P/E", "pe", num(1), True),
        Col("Data to", "data_date", date),
        Col("First reason", "why"),
    ]
    caption = None
    ends = {date(r["data_date"]) for r in rows}
    if len(ends) == 1:  # one date for all: said once, the column left out (room for reasons)
        end = ends.pop()
        caption = None if end == "n/a" else f"Every member's data runs to {end}."
        cols = [c for c in cols if c.key != "data_date"]
    return table(table_id, cols, rows, caption=caption, row_class=lambda r: f"level-{r['level']}")


def _fresh_summary(rows: list[dict[str, Any]]) -> str:
    """One sentence: the newest series and how many lag it by more than a month."""
    if not rows:
        return ""
    past = [r for r in rows if r["days_stale"] >= 0]  # projections (e.g. CBO's) end later
    newest = past[0] if past else rows[0]
    behind = [r for r in rows if r["days_stale"] - newest["days_stale"] > 31]
    return (
        f"{len(rows)} series; the newest ends {newest['last']} ({newest['symbol']}, "
        f"{newest['days_stale']} days ago); {len(behind)} end more than a month before it."
    )


def make_pages(state: AppState) -> APIRouter:
    """The HTML routes, the static files and the small fragments htmx polls."""
    from bubblewatch.web import pages_asset, pages_info, pages_market

    router = APIRouter(include_in_schema=False)

    @router.get("/static/plotly.min.js")
    def plotly_js(request: Request) -> Response:
        body, etag = _plotly()
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304)
        return Response(
            body,
            media_type="text/javascript; charset=utf-8",
            headers={"ETag": etag, "Cache-Control": "public, max-age=86400"},
        )

    @router.get("/fragment/banners", response_class=HTMLResponse)
    async def banners(request: Request) -> HTMLResponse:
        page = templates().get_template("banners.html.j2").render(**common(request))
        return HTMLResponse(page)

    @router.get("/", response_class=HTMLResponse)
    async def overview(request: Request, as_of: str | None = None) -> HTMLResponse:
        if (hit := from_cache(request)) is not None:
            return hit
        when = parse_date("as_of", as_of)
        out = await gather(request, overview_jobs(when))
        if (hit := rendered(request)) is not None:
            return hit
        status = out["status"]
        doc = None
        if status.ok:
            doc = as_doc(status.result)
        fresh = freshness_rows(out["catalogue"].result) if out["catalogue"].ok else []
        cmp_o = out["compare"]
        compare = None
        if cmp_o.ok:
            frame = cmp_o.result.to_frame().reset_index()
            compare = {
                "table": table(
                    "compare-2000",
                    [Col("Measure", "measure")]
                    + [Col(c, c) for c in frame.columns if c != "measure"],
                    frame.to_dict("records"),
                ),
                "figure": fig_block(cmp_o.result.plot(), "fig-compare", "2000-vs-now", 420),
                "sources": [f"{c.label}: {c.source}" for c in cmp_o.result.columns]
                + list(cmp_o.result.notes),
            }
        return render(
            request,
            "overview.html.j2",
            title="Bubble status",
            as_of=when or "",
            doc=doc,
            status_state=panel_state(status, "panel-status", "the status of the AI complex"),
            status_table=status_table(doc) if doc else None,
            fresh_summary=_fresh_summary(fresh),
            fresh_open=len(fresh) <= 12,
            fresh_table=table(
                "freshness",
                [
                    Col("Series", "symbol"),
                    Col("Kind", "kind"),
                    Col("First", "first"),
                    Col("Last", "last"),
                    Col("Days since last", "days_stale", num(0), True),
                ],
                fresh,
            ),
            api=json_link("/api/status" + (f"?as_of={when}" if when else "")),
            compare=compare,
            compare_state=panel_state(cmp_o, "panel-compare", "2000 vs now"),
            compare_api=json_link("/api/status/compare-2000"),
            refresh=5 if any_pending(out) else None,
            badge=_badge,
            pct=pct,
            num=num,
        )

    pages_asset.add_routes(router, state)
    pages_market.add_routes(router, state)
    pages_info.add_routes(router, state)

    @router.get("/asset", include_in_schema=False)
    def asset_pick(symbol: str = "NVDA") -> RedirectResponse:
        from bubblewatch.web.params import check_symbol

        return RedirectResponse(f"/asset/{check_symbol('symbol', symbol)}", status_code=303)

    return router


@functools.cache
def _plotly() -> tuple[bytes, str]:
    from plotly.offline import get_plotlyjs

    body = get_plotlyjs().encode()
    return body, '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
