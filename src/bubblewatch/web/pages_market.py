"""``/loop`` (the deals network, its stress and spiral) and ``/contagion`` (reactions across
markets to an event, spillovers, net transmitters)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from bubblewatch.data.store import Store
from bubblewatch.series import iso_date
from bubblewatch.web import queries as q
from bubblewatch.web.html import Col, json_link, money, num, panel_state, pct, table
from bubblewatch.web.html import date as fmt_date
from bubblewatch.web.params import check_symbol, parse_date, parse_list
from bubblewatch.web.warmup import JobSpec, spec

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.web.app import AppState

__all__ = ["LoopForm", "add_routes", "contagion_defaults", "loop_jobs", "net_transmitters"]

#: the reaction universe offered by default (those in the store)
UNIVERSE = (
    "SOX", "AMD", "AVGO", "MU", "TSM", "TSMC_2330.TW", "SK_HYNIX_000660.KS",
    "SAMSUNG_005930.KS", "KOSPI", "NIKKEI225", "TAIEX", "HANG_SENG", "SOFTBANK_9984.T",
    "TOKYO_ELECTRON_8035.T", "ADVANTEST_6857.T", "BTC-USD", "^IXIC", "MSFT", "AMZN",
)  # fmt: skip
#: the spillover set offered by default (US-listed: one calendar)
SPILL_SET = ("NVDA_LONG", "AVGO_LONG", "MU_LONG", "TSM_LONG", "MSFT_LONG", "GOOGL_LONG")
#: used when the store lacks those
SPILL_FALLBACK = ("NVDA", "SOX", "MU", "AMD", "AVGO", "TSM", "^IXIC", "^GSPC")
ROLLING_WINDOW = 200


# -- the capital loop --------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class LoopForm:
    party: str = "OpenAI"
    honour: float = 50.0
    markdown: float = 0.0
    rate_bp: float = 0.0


def _loop_figure() -> Any:
    return q.network_show().plot()


def _stress_figure(**params: Any) -> Any:
    return q.network_stress(**params).plot()


def loop_jobs(form: LoopForm) -> dict[str, JobSpec]:
    stress = {
        "shock": (form.party,),
        "honour": form.honour / 100,
        "markdown": form.markdown / 100,
        "rate_bp": form.rate_bp,
    }
    return {
        "show": spec("network_show", q.network_show, "the loops", store=False),
        "network": spec("loop_figure", _loop_figure, "the deals network", store=False),
        "stress": spec(
            "network_stress", q.network_stress, "the stress test", store=False, **stress
        ),
        "waterfall": spec("stress_figure", _stress_figure, "the spiral", store=False, **stress),
    }


def _parties() -> list[str]:
    from bubblewatch.episodes import ai2025

    return sorted(str(p) for p in ai2025.ledger().parties.index)


# -- contagion ---------------------------------------------------------------------------------
def contagion_defaults(st: Store) -> dict[str, JobSpec]:
    """The contagion page's default jobs: NVDA's largest fall of its last two years."""
    d = default_event(st)
    return contagion_jobs(d["symbol"], d["date"], tuple(d["universe"]), tuple(d["spill"]))


def default_event(st: Store) -> dict[str, Any]:
    """Default source (NVDA, else the first equity), event date (its largest one-day fall
    of the last two years), reaction universe and spillover set (those in the store)."""
    cat = st.list_series().set_index("symbol")
    names = set(cat.index[cat["kind"].isin(["equity", "index", "crypto", "etf"])])
    symbol = "NVDA" if "NVDA" in names else sorted(names)[0]
    universe = [u for u in UNIVERSE if u in names and u != symbol][:20]
    close = st.series(symbol, "close")
    lo = close.index[-1] - pd.Timedelta(days=730)
    if universe:  # an event most of the universe has data for
        firsts = pd.to_datetime(cat.loc[universe, "first"]).sort_values()
        lo = max(lo, firsts.iloc[int(0.75 * (len(firsts) - 1))])
    ret = close[close.index >= lo].pct_change().dropna()
    when = iso_date(ret.idxmin()) if len(ret) else iso_date(close.index[-1])
    spill = [s for s in SPILL_SET if s in names][:6]
    if len(spill) < 3:
        spill = [s for s in SPILL_FALLBACK if s in names][:6]
    return {"symbol": symbol, "date": when, "universe": universe, "spill": spill}


def reaction_grid(st: Store, symbol: str, date: str, universe: tuple[str, ...]) -> pd.DataFrame:
    """Daily returns of the event symbol and each member on the sessions around ``date``
    (one session before to four after): rows members, columns the session dates."""
    day = pd.Timestamp(date)
    lo, hi = day - pd.offsets.BDay(2), day + pd.offsets.BDay(4)
    rows = {}
    for m in [symbol, *universe]:
        name = q.store_symbol(st, m)
        s = st.series(name, "close")
        r = s.pct_change()
        r = r[(r.index >= lo) & (r.index <= hi)]
        rows[m] = r
    grid = pd.DataFrame(rows).T
    return grid.reindex(columns=sorted(grid.columns))


def connectedness(st: Store) -> tuple[dict[str, Any], list[str]]:
    """The AI complex's TVP-VAR connectedness (the report's section, its fast options)."""
    from bubblewatch.report.sections.connectedness import ai_complex_results

    return ai_complex_results(st, options={"fast": True})  # type: ignore[no-any-return]


def contagion_jobs(
    symbol: str, when: str, universe: tuple[str, ...], spill: tuple[str, ...]
) -> dict[str, JobSpec]:
    jobs = {
        "reaction": spec(
            "reaction",
            q.reaction,
            f"the reactions to {symbol}",
            symbol=symbol,
            date=when,
            universe=universe,
            z_window=63,
        ),
        "grid": spec(
            "reaction_grid",
            reaction_grid,
            "the reaction heat map",
            symbol=symbol,
            date=when,
            universe=universe,
        ),
    }
    jobs["connectedness"] = spec("connectedness", connectedness, "the AI complex's connectedness")
    if len(spill) >= 2:
        jobs["spill"] = spec(
            "spillover",
            q.spillover,
            "the spillover table",
            symbols=spill,
            lags=4,
            horizon=10,
            window=None,
            returns=True,
        )
        jobs["rolling"] = spec(
            "spillover",
            q.spillover,
            "the rolling spillover",
            symbols=spill,
            lags=4,
            horizon=10,
            window=ROLLING_WINDOW,
            returns=True,
        )
    return jobs


def _heatmap(grid: pd.DataFrame, reaction: dict[str, Any] | None, event: str) -> Any:
    import plotly.graph_objects as go

    cols = [pd.Timestamp(c) for c in grid.columns]
    labels = [
        f"{iso_date(c)} {c.strftime('%a')}" + (" (event)" if iso_date(c) == event else "")
        for c in cols
    ]
    z = grid.to_numpy(dtype=float) * 100
    text = [["" if np.isnan(v) else f"{v:+.1f}%" for v in row] for row in z]
    lim = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=labels,
            y=list(grid.index),
            text=text,
            texttemplate="%{text}",
            colorscale="RdBu",
            zmid=0,
            zmin=-lim,
            zmax=lim,
            colorbar={"title": "return, %"},
            hovertemplate="%{y} on %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(type="category", title_text="session (each market's own calendar)")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(
        title="Daily returns around the event; each market reacts on its own next session",
        height=max(360, 26 * len(grid) + 120),
    )
    return fig


def net_transmitters(d: Mapping[str, Any]) -> Markup:
    """The spillover's net transmitters ranked, from its ``to_dict()`` (the API's fractions;
    percent only in the cells' text, the raw fractions in their CSV values)."""
    ranked = sorted(d["net"].items(), key=lambda kv: kv[1], reverse=True)
    return table(
        "net-transmitters",
        [
            Col("Rank", "rank", num(0), True),
            Col("Series", "name"),
            Col("Net (to others − from others)", "net", pct(2, True), True),
            Col("To others", "to", pct(2), True),
            Col("From others", "from", pct(2), True),
        ],
        [
            {"rank": i + 1, "name": k, "net": v, "to": d["to"][k], "from": d["from"][k]}
            for i, (k, v) in enumerate(ranked)
        ],
        caption=(
            "Net transmitters ranked (shares of the forecast-error variance; total spillover "
            f"{d['total']:.1%}, {d['nobs']} observations {d['start']}..{d['end']})"
        ),
    )


def add_routes(router: APIRouter, state: AppState) -> None:
    from bubblewatch.web.page_frame import as_doc, fig_block, from_cache, gather, render, rendered

    @router.get("/loop", response_class=HTMLResponse)
    async def loop_page(
        request: Request,
        party: str = Query("OpenAI", max_length=80),
        honour: float = Query(50.0, ge=0, le=100),
        markdown: float = Query(0.0, ge=0, le=100),
        rate_bp: float = Query(0.0, ge=-1000, le=1000),
    ) -> HTMLResponse:
        if (hit := from_cache(request)) is not None:
            return hit
        from bubblewatch.errors import NotFoundError

        parties = _parties()
        if party not in parties:
            raise NotFoundError(
                f"no party '{party}' in the ledger; nearest: {', '.join(q.nearest(party, parties))}"
            )
        form = LoopForm(party, honour, markdown, rate_bp)
        out = await gather(request, loop_jobs(form))
        if (hit := rendered(request)) is not None:
            return hit
        ctx: dict[str, Any] = {"form": form, "parties": parties}
        show = out["show"]
        ctx["show_state"] = panel_state(show, "panel-network", "the loops")
        if show.ok:
            res = show.result
            ctx["loops"] = as_doc(res)
            rt = res.round_trip
            rt = (
                rt.loc[rt["revenue_usd"] > 0].sort_values("revenue_usd", ascending=False)
                if len(rt)
                else rt
            )
            ctx["round_trip"] = table(
                "round-trip",
                [
                    Col("Vendor", lambda r: r["party"]),
                    Col("Recorded revenue", "revenue_usd", money, True),
                    Col("From firms it financed, directly", "direct_share", pct(1), True),
                    Col("Round-trip share (with paths)", "round_trip_share", pct(1), True),
                ],
                rt.reset_index(names="party").to_dict("records"),
            )
            cov = res.cover
            ctx["cover"] = table(
                "cover",
                [
                    Col("Party", lambda r: r["party"]),
                    Col("Committed", "committed_usd", money, True),
                    Col("Undisclosed deals", "undisclosed_deals", num(0), True),
                    Col("Annual revenue", "revenue_usd", money, True),
                    Col("Cover", "cover", num(2), True),
                ],
                cov.reset_index(names="party").to_dict("records"),
                caption="Commitment cover = committed / (annual revenue + cash); n/a: no revenue or cash figure",
            )
            ctx["cycles"] = table(
                "cycles",
                [
                    Col("#", "n", num(0), True),
                    Col("Cycle", "cycle"),
                    Col("Bottleneck", "bottleneck", money, True),
                ],
                [
                    {
                        "n": i + 1,
                        "cycle": " → ".join((*c.parties, c.parties[0])),
                        "bottleneck": c.bottleneck,
                    }
                    for i, c in enumerate(res.cycles[:50])
                ],
            )
        net = out["network"]
        ctx["network_fig"] = (
            fig_block(net.result, "fig-network", "deals-network", 560)
            if net.ok
            else panel_state(net, "panel-network-fig", "the deals network")
        )
        stress = out["stress"]
        ctx["stress_state"] = panel_state(stress, "panel-stress", "the stress test")
        if stress.ok:
            res = stress.result
            ctx["stress"] = res
            ctx["rounds"] = table(
                "rounds",
                [
                    Col("Round", "round", num(0), True),
                    Col("New flows lost", "new_loss_usd", money, True),
                    Col("Parties cutting", "parties_cutting", num(0), True),
                    Col("Implied value loss", "value_loss_usd", money, True),
                ],
                res.rounds.to_dict("records"),
            )
            hit = res.parties.loc[res.parties["loss_usd"] > 0].sort_values(
                "loss_usd", ascending=False
            )
            ctx["losses"] = table(
                "losses",
                [
                    Col("Party", lambda r: r["party"]),
                    Col("Flows lost", "loss_usd", money, True),
                    Col("Backlog at risk", "backlog_at_risk_usd", money, True),
                    Col("Value drop", "value_drop", pct(1), True),
                    Col("Implied value loss", "value_loss_usd", money, True),
                    Col("Own spending cut", "cut", pct(1), True),
                ],
                hit.reset_index(names="party").to_dict("records"),
            )
        wf = out["waterfall"]
        ctx["waterfall_fig"] = (
            fig_block(wf.result, "fig-waterfall", "stress-waterfall", 380) if wf.ok else None
        )
        ctx["api"] = {
            "show": json_link("/api/network/show"),
            "stress": json_link(
                f"/api/network/stress?shock={party}&honour={honour / 100:g}&markdown={markdown / 100:g}&rate_bp={rate_bp:g}"
            ),
        }
        pending = any(o.pending is not None for o in out.values())
        return render(
            request,
            "loop.html.j2",
            title="Capital loop",
            heading="The capital loop: deals network, stress and spiral",
            refresh=5 if pending else None,
            money=money,
            pct=pct,
            **ctx,
        )

    @router.get("/contagion", response_class=HTMLResponse)
    async def contagion_page(
        request: Request,
        symbol: str | None = Query(None, max_length=60),
        date: str | None = None,
        universe: str | None = Query(None, max_length=2000),
        spill: str | None = Query(None, max_length=1000),
    ) -> HTMLResponse:
        if (hit := from_cache(request)) is not None:
            return hit
        d0 = await gather(request, {"d": spec("default_event", default_event, "the default event")})
        if d0["d"].error is not None:
            raise d0["d"].error
        defaults = (
            d0["d"].result
            if d0["d"].ok
            else {"symbol": "NVDA", "date": None, "universe": [], "spill": []}
        )
        sym = check_symbol("symbol", symbol) if symbol else defaults["symbol"]
        when = parse_date("date", date) or defaults["date"]
        uni = (
            tuple(parse_list("universe", universe, most=30))
            if universe
            else tuple(defaults["universe"])
        )
        sp = tuple(parse_list("spill", spill, most=10)) if spill else tuple(defaults["spill"])
        out = await gather(request, contagion_jobs(sym, when, uni, sp))
        if (hit := rendered(request)) is not None:
            return hit
        ctx: dict[str, Any] = {
            "symbol": sym,
            "date": when,
            "universe": ",".join(uni),
            "spill": ",".join(sp),
        }
        re_o = out["reaction"]
        ctx["reaction_state"] = panel_state(re_o, "panel-reaction", "the reactions")
        doc = None
        if re_o.ok:
            doc = as_doc(re_o.result)
            ctx["reaction"] = doc
            ctx["reaction_table"] = table(
                "reactions",
                [
                    Col("Symbol", lambda r: r.get("index") or r.get("symbol")),
                    Col("Market", "market"),
                    Col("Return", "return", pct(2, True), True),
                    Col("z-score", "z", num(2, True), True),
                    Col("Session", "session", fmt_date),
                    Col("Reaction", "lag"),
                    Col("Flag", "off_day", lambda v: "not a trading day" if v is True else ""),
                    Col("Note", "note"),
                ],
                doc["rows"],
            )
        grid = out["grid"]
        if grid.ok:
            ctx["heatmap"] = fig_block(
                _heatmap(grid.result, doc, when), "fig-heatmap", f"reactions-{sym}-{when}", 420
            )
        else:
            ctx["heatmap"] = panel_state(grid, "panel-heatmap", "the heat map")
        if "spill" in out:
            s_o, r_o = out["spill"], out["rolling"]
            ctx["spill_state"] = panel_state(s_o, "panel-spill", "the spillover table")
            if s_o.ok:
                res = s_o.result
                d = res.to_dict()
                ctx["spill_total"] = d["total"]
                ctx["net_table"] = net_transmitters(d)
                ctx["spill_fig"] = fig_block(res.plot(), "fig-spill", "spillover-table", 420)
            ctx["rolling_state"] = panel_state(r_o, "panel-rolling", "the rolling spillover")
            if r_o.ok:
                ctx["rolling_fig"] = fig_block(
                    r_o.result.plot(), "fig-rolling", "rolling-spillover", 380
                )
        co = out["connectedness"]
        ctx["conn_state"] = panel_state(co, "panel-connectedness", "the AI complex's connectedness")
        if co.ok:
            results, notes = co.result
            ctx["conn_notes"] = notes
            tvp = results.get("tvp_var")
            if tvp is not None:
                ctx["conn_fig"] = fig_block(tvp.plot(), "fig-tci", "ai-complex-tci", 420)
                ctx["conn_net"] = fig_block(tvp.plot_net(), "fig-net", "ai-complex-net", 420)
        ctx["api"] = {
            "reaction": json_link(
                f"/api/market/reaction/{sym}?date={when}&universe={','.join(uni)}"
            ),
            "spill": json_link(f"/api/market/spillover?symbols={','.join(sp)}&returns=true"),
        }
        pending = any(o.pending is not None for o in out.values())
        return render(
            request,
            "contagion.html.j2",
            title="Contagion",
            heading=f"Contagion: reactions to {sym} on {when}",
            refresh=5 if pending else None,
            **ctx,
        )
