"""``/claims`` (searchable, filterable), ``/data`` (coverage and provenance), ``/api`` (the API
reference, from ``/openapi.json``) and ``/report`` (the static report of the same store)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bubblewatch.web import queries as q
from bubblewatch.web.html import Col, json_link, num, panel_state, table
from bubblewatch.web.warmup import spec

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.web.app import AppState

__all__ = ["add_routes"]

VERDICTS = ("confirmed", "contradicted", "not checkable", "no figure to check")


def _value(v: Any, unit: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, int | float):
        u = str(unit or "")
        if u in ("fraction", "share", "pct", "percent") or u.endswith("fraction"):
            return f"{100 * float(v):.2f}%"
        return f"{float(v):,.4g} {u}".strip()
    return str(v)


def claim_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for c in doc["claims"]:
        rows.append(
            {
                "id": c.get("id"),
                "claim": c.get("claim") or c.get("statement"),
                "stated": _value(c.get("stated"), c.get("unit")),
                "computed": _value(c.get("computed"), c.get("unit")),
                "unit": c.get("unit"),
                "verdict": c.get("verdict"),
                "gap": c.get("gap"),
                "source": c.get("source"),
            }
        )
    for c in doc.get("no_figure", []):
        rows.append(
            {
                "id": c.get("id"),
                "claim": c.get("statement") or c.get("claim"),
                "verdict": "no figure to check",
            }
        )
    return rows


def _sources(st: Any) -> list[dict[str, Any]]:
    from bubblewatch.data.catalogue import catalogue_records
    from bubblewatch.web.public_errors import public_message

    rows = catalogue_records(st.list_series())
    return [{**r, "source": public_message(r["source"] or "")} for r in rows]


def _pack() -> list[dict[str, Any]]:
    from bubblewatch.data.episode_pack import manifest

    return [
        {k: f.get(k) for k in ("path", "rows", "first", "last", "origin", "licence", "why")}
        for f in manifest()["files"]
    ]


def _coverage_figure(rows: list[dict[str, Any]]) -> Any:
    import plotly.graph_objects as go

    from bubblewatch.chart_style import color

    rows = [r for r in rows if r["kind"] not in ("fundamentals", "shares", "holdings")]
    kinds = sorted({str(r["kind"]) for r in rows})
    fig = go.Figure()
    for i, k in enumerate(kinds):
        part = [r for r in rows if str(r["kind"]) == k]
        first = pd.to_datetime([r["first"] for r in part])
        last = pd.to_datetime([r["last"] for r in part])
        fig.add_bar(
            y=[r["symbol"] for r in part],
            x=(last - first).days * 86400000.0,
            base=[d.isoformat() for d in first],
            orientation="h",
            name=k,
            marker={"color": color(i)},
        )
    fig.update_xaxes(type="date", title_text="date")
    fig.update_layout(
        title="Coverage of each series (first to last date)",
        height=max(400, 14 * len(rows) + 100),
        barmode="overlay",
    )
    return fig


def add_routes(router: APIRouter, state: AppState) -> None:
    from bubblewatch.web.page_frame import fig_block, from_cache, gather, render, rendered

    @router.get("/claims", response_class=HTMLResponse)
    async def claims_page(
        request: Request,
        q_: str = Query("", alias="q", max_length=200),
        verdict: str = Query(
            "", pattern="^(|confirmed|contradicted|not checkable|no figure to check)$"
        ),
    ) -> HTMLResponse:
        if (hit := from_cache(request)) is not None:
            return hit
        from bubblewatch.web.page_frame import as_doc

        out = await gather(request, {"c": spec("claims", q.claims, "the claims check", ids=())})
        if (hit := rendered(request)) is not None:
            return hit
        o = out["c"]
        ctx: dict[str, Any] = {"q": q_, "verdict": verdict, "verdicts": VERDICTS}
        ctx["claims_state"] = panel_state(o, "panel-claims", "the claims check")
        if o.ok:
            doc = as_doc(o.result)
            rows = claim_rows(doc)
            ctx["counts"] = doc["counts"]
            ctx["n_all"] = len(rows)
            words = q_.lower().strip()
            shown = [
                r
                for r in rows
                if (not verdict or r["verdict"] == verdict)
                and (not words or words in " ".join(str(v) for v in r.values()).lower())
            ]
            ctx["n_shown"] = len(shown)
            ctx["claims_table"] = table(
                "claims",
                [
                    Col("Id", "id"),
                    Col("Claim", "claim"),
                    Col("Stated", "stated", numeric=True),
                    Col("Computed", "computed", numeric=True),
                    Col("Unit", "unit"),
                    Col("Verdict", "verdict"),
                    Col("Gap", "gap", num(4), True),
                    Col("Source", "source"),
                ],
                rows,
                row_class=lambda r: "verdict-" + str(r["verdict"]).replace(" ", "-"),
                # hidden: filtered out for readers without JavaScript; the JS filter refines it
                row_attrs=lambda r: {
                    "data-verdict": str(r["verdict"]),
                    "hidden": not any(r is x for x in shown),
                },
            )
        ctx["api"] = json_link("/api/claims")
        return render(
            request,
            "claims.html.j2",
            title="Claims",
            heading="The articles' claims, checked",
            refresh=5 if o.pending else None,
            **ctx,
        )

    @router.get("/data", response_class=HTMLResponse)
    async def data_page(request: Request) -> HTMLResponse:
        if (hit := from_cache(request)) is not None:
            return hit
        from bubblewatch.web.page_frame import freshness_rows

        out = await gather(request, {"s": spec("sources", _sources, "the data sources")})
        if (hit := rendered(request)) is not None:
            return hit
        o = out["s"]
        ctx: dict[str, Any] = {"sources_state": panel_state(o, "panel-sources", "the data sources")}
        if o.ok:
            rows = freshness_rows(o.result) + [
                r for r in o.result if r["kind"] in ("fundamentals", "shares", "holdings")
            ]
            rows = sorted(rows, key=lambda r: r["symbol"])
            ctx["n_series"] = len(rows)
            ctx["sources"] = table(
                "sources",
                [
                    Col("Series", "symbol"),
                    Col("Kind", "kind"),
                    Col("Rows", "rows", num(0), True),
                    Col("First", "first"),
                    Col("Last", "last"),
                    Col("Days since last", "days_stale", num(0), True),
                    Col("Source", "source"),
                ],
                rows,
            )
            ctx["coverage_fig"] = fig_block(_coverage_figure(rows), "fig-coverage", "coverage", 600)
        ctx["pack"] = table(
            "pack",
            [
                Col("File", "path"),
                Col("Rows", "rows", num(0), True),
                Col("First", "first"),
                Col("Last", "last"),
                Col("Origin", "origin"),
                Col("Licence", "licence"),
                Col("Why", "why"),
            ],
            _pack(),
        )
        ctx["api"] = json_link("/api/series")
        return render(
            request, "data.html.j2", title="Data", heading="Data: coverage and provenance", **ctx
        )

    @router.get("/api", response_class=HTMLResponse)
    def api_reference(request: Request) -> HTMLResponse:
        schema = request.app.openapi()
        routes = []
        for path, ops in schema.get("paths", {}).items():
            for method, op in ops.items():
                params = []
                for p in op.get("parameters", []):
                    sch = p.get("schema", {})
                    alts = sch.get("anyOf", [sch])
                    bounds = []
                    for a in alts:
                        for key, label in (
                            ("minimum", ">="),
                            ("maximum", "<="),
                            ("maxLength", "length <="),
                        ):
                            if key in a:
                                bounds.append(f"{label} {a[key]}")
                        if "enum" in a:
                            bounds.append("one of " + ", ".join(map(str, a["enum"])))
                    params.append(
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "default": sch.get("default"),
                            "bounds": "; ".join(bounds),
                            "description": p.get("description", ""),
                        }
                    )
                routes.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary", ""),
                        "params": params,
                    }
                )
        return render(request, "api.html.j2", title="API", heading="The JSON API", routes=routes)

    @router.get("/report", response_class=HTMLResponse)
    async def report(request: Request) -> HTMLResponse:
        if state.report_path is not None:
            return HTMLResponse(state.report_path.read_text(encoding="utf-8"))
        out = await gather(request, {"r": spec("report", build_report_html, "the static report")})
        o = out["r"]
        if o.ok:
            return HTMLResponse(o.result)
        return render(
            request,
            "report_wait.html.j2",
            title="Report",
            heading="The static report",
            state_box=panel_state(o, "panel-report", "the static report"),
            refresh=10 if o.pending else None,
        )


def build_report_html(st: Any) -> str:
    """The static report of the store (``bubblewatch report``), as one HTML string."""
    from bubblewatch.report.build import build_report

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        build_report(st, out)
        return out.read_text(encoding="utf-8")
