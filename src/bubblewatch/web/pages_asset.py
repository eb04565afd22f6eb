"""``/asset/{symbol}``: the evidence behind one asset's status.

Panels: the status and valuation (``status SYMBOL``), the log price with the PSY episodes
shaded over the BSADF and its 95% critical value (``psy SYMBOL``), the DS LPPLS confidence
history at the chosen scale (``lppls confidence``) and the critical times of the latest
qualified fits, the largest moves with their market-value changes (``market event --end``).
Controls: the date range, PSY lags and minimum window, the LPPLS scale.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from bubblewatch.series import iso_date
from bubblewatch.web import queries as q
from bubblewatch.web.html import Col, date, json_link, money, num, panel_state, pct, table
from bubblewatch.web.params import check_symbol, parse_date
from bubblewatch.web.warmup import JobSpec, spec

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.web.app import AppState

__all__ = ["AssetForm", "add_routes", "asset_jobs"]

#: LPPLS scales (the status's): name -> (window_max, window_min, window_step)
SCALES = q.SCALES
#: about this many fits for the confidence history of one page
FITS_PER_PAGE = 2500
#: PSY's sample at least (the status's default), so the panel recomputes the status's numbers
PSY_YEARS = 5
#: largest moves listed
TOP_MOVES = 12


@dataclasses.dataclass(frozen=True)
class AssetForm:
    """The asset page's controls (None: the default)."""

    start: str | None = None
    end: str | None = None
    lags: int = 0
    min_window: int | None = None
    scale: str = "long"

    def query(self) -> str:
        d = {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, "")}
        return urlencode(d)


def _range(info: dict[str, Any], form: AssetForm) -> tuple[str, str]:
    last = pd.Timestamp(form.end or info["last"])
    start = pd.Timestamp(form.start) if form.start else last - pd.Timedelta(days=730)
    return iso_date(start), iso_date(last)


def asset_jobs(
    symbol: str, form: AssetForm, info: dict[str, Any] | None = None
) -> dict[str, JobSpec]:
    """The page's jobs (the info job alone when the history is not known yet)."""
    jobs = {"info": spec("asset_info", q.asset_info, f"{symbol}'s history", symbol=symbol)}
    if info is None:
        return jobs
    start, end = _range(info, form)
    closes = info["close"]
    sessions = int(((closes.index >= start) & (closes.index <= end)).sum())
    wmax, wmin, wstep = SCALES[form.scale]
    n_windows = (wmax - wmin) // wstep + 1
    end_step = max(1, math.ceil(sessions * n_windows / FITS_PER_PAGE))
    # the status's PSY sample (5 years to the end date), longer when the range is longer
    years = max(PSY_YEARS, math.ceil((pd.Timestamp(end) - pd.Timestamp(start)).days / 365.25))
    jobs["status"] = spec(
        "status", q.status, f"the status of {symbol}", symbols=(symbol,), group=None, as_of=end
    )
    jobs["psy"] = spec(
        "psy",
        q.psy,
        f"PSY on {symbol}",
        symbol=symbol,
        as_of=end,
        years=years,
        lags=form.lags,
        min_window=form.min_window,
    )
    jobs["conf"] = spec(
        "lppls_confidence",
        q.lppls_confidence,
        f"the LPPLS confidence of {symbol}",
        symbol=symbol,
        window_max=wmax,
        window_min=wmin,
        window_step=wstep,
        end_step=end_step,
        start=start,
        end=end,
    )
    jobs["fits"] = spec(
        "lppls_fits",
        q.lppls_fits,
        f"the latest LPPLS fits of {symbol}",
        symbol=symbol,
        end=end,
        window_max=wmax,
        window_min=wmin,
        window_step=wstep,
    )
    jobs["moves"] = spec(
        "market_event",
        q.market_event,
        f"the moves of {symbol}",
        symbol=info["last_piece"],
        date=max(start, iso_date(closes.index[0])),
        end=end,
        years=10,
    )
    return jobs


def _psy_figure(info: dict[str, Any], doc: dict[str, Any], start: str, end: str) -> Any:
    import numpy as np
    from plotly.subplots import make_subplots

    from bubblewatch.chart_style import color

    close = info["close"]
    close = close[(close.index >= start) & (close.index <= end)]
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.07, row_heights=[0.6, 0.4]
    )
    fig.add_scatter(
        x=close.index,
        y=np.log(close.to_numpy()),
        name="log price",
        line={"color": color(0)},
        row=1,
        col=1,
    )
    b = pd.DataFrame(doc["bsadf"])
    if len(b):
        b["date"] = pd.to_datetime(b["date"])
        b = b[b["date"] >= start]
        fig.add_scatter(
            x=b["date"], y=b["value"], name="BSADF", line={"color": color(1)}, row=2, col=1
        )
    if doc.get("cv"):
        c = pd.DataFrame(doc["cv"]["bsadf"])
        c["date"] = pd.to_datetime(c["date"])
        c = c[c["date"] >= start]
        fig.add_scatter(
            x=c["date"],
            y=c["95"],
            name="95% critical value",
            line={"color": "#555", "dash": "dash"},
            row=2,
            col=1,
        )
    for ep in doc.get("episodes", []):
        x1 = ep["end"] or end
        if x1 < start:
            continue
        fig.add_vrect(
            x0=max(ep["start"], start), x1=x1, fillcolor="#E15759", opacity=0.18, line_width=0
        )
    fig.update_yaxes(title_text="log price", row=1, col=1)
    fig.update_yaxes(title_text="BSADF", row=2, col=1)
    fig.update_layout(
        title="Log price with PSY explosive episodes (shaded); BSADF vs its 95% critical value",
        height=560,
        legend={"orientation": "h"},
    )
    return fig


def _conf_figure(doc: dict[str, Any], scale: str) -> Any:
    from plotly.subplots import make_subplots

    ind = pd.DataFrame(doc["indicator"])
    fig = make_subplots(rows=1, cols=1)
    if len(ind):
        ind["date"] = pd.to_datetime(ind["date"])
        fig.add_scatter(x=ind["date"], y=ind["pos"], name="bubble (B<0)", line={"color": "#C62828"})
        fig.add_scatter(
            x=ind["date"], y=ind["neg"], name="anti-bubble (B>0)", line={"color": "#2E7D32"}
        )
    fig.update_yaxes(range=[0, 1], title_text="share of windows qualified")
    fig.update_layout(
        title=f"DS LPPLS confidence, {scale} scale", height=360, legend={"orientation": "h"}
    )
    return fig


def _tc_figure(fits: pd.DataFrame) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    for sign, name, colour in (
        (-1, "bubble fits (B<0)", "#C62828"),
        (1, "anti-bubble fits (B>0)", "#2E7D32"),
    ):
        part = fits[fits["B_sign"] == sign]
        if len(part):
            fig.add_histogram(x=part["tc"], name=name, marker={"color": colour}, nbinsx=30)
    fig.update_layout(
        title="Critical time tc of the qualified fits on the last date",
        barmode="overlay",
        height=320,
        xaxis_title="tc (date)",
        yaxis_title="fits",
    )
    return fig


def _moves(doc: dict[str, Any]) -> list[dict[str, Any]]:
    rows = pd.DataFrame(doc["rows"])
    if rows.empty:
        return []
    rows["abs"] = rows["return"].abs()
    keep = rows.sort_values("abs", ascending=False).head(TOP_MOVES)
    return keep.to_dict(orient="records")


class _Share(float):
    """A fraction the page shows as percent (an LPPLS confidence); its CSV value stays the
    fraction."""


def _reason_number(reason: dict[str, Any], key: str) -> Any:
    from bubblewatch.status.rule import reason_unit

    v = reason[key]
    if reason_unit(reason["condition"]) == "share" and isinstance(v, float | int):
        return _Share(v)
    return v


def _reason_text(v: Any) -> str:
    if isinstance(v, _Share):
        return pct(0)(v)
    return v if isinstance(v, str) else num(3)(v)


def _status_facts(doc: dict[str, Any]) -> list[tuple[str, str]]:
    s = doc["signals"]
    v, m, r = s["valuation"], s["momentum"], s["stress"]
    return [
        ("P/E (trailing, point in time)", num(1)(v.get("pe"))),
        ("P/E group median", num(1)(v.get("pe_group_median"))),
        ("CAPE (index-level assets)", num(1)(v.get("cape"))),
        (
            "1-year log return",
            f"{pct(1, True)(m.get('ret_1y'))} (percentile {pct(0)(m.get('ret_1y_percentile'))})",
        ),
        (
            "3-year log return",
            f"{pct(1, True)(m.get('ret_3y'))} (percentile {pct(0)(m.get('ret_3y_percentile'))})",
        ),
        ("Distance above the 200-session average", f"{num(2)(m.get('ma200_z'))} sd"),
        ("Drawdown from the peak", pct(1)(r.get("drawdown"))),
        ("21-session volatility percentile", pct(0)(r.get("vol_percentile"))),
    ]


def add_routes(router: APIRouter, state: AppState) -> None:
    from bubblewatch.web.page_frame import as_doc, fig_block, from_cache, gather, render, rendered

    @router.get("/asset/{symbol}", response_class=HTMLResponse)
    async def asset(
        request: Request,
        symbol: str,
        start: str | None = None,
        end: str | None = None,
        lags: int = Query(0, ge=0, le=12),
        min_window: str | None = None,
        scale: str = Query("long", pattern="^(long|short)$"),
    ) -> HTMLResponse:
        if (hit := from_cache(request)) is not None:
            return hit
        from bubblewatch.errors import InputError

        check_symbol("symbol", symbol)
        mw = None
        if min_window not in (None, ""):
            if not str(min_window).isdigit() or not 10 <= int(str(min_window)) <= 5000:
                raise InputError(
                    f"min_window={min_window!r}: give a whole number of observations from 10 to 5000, or leave it empty for the default",
                    parameter="min_window",
                )
            mw = int(str(min_window))
        form = AssetForm(parse_date("start", start), parse_date("end", end), lags, mw, scale)
        if form.start and form.end and form.start >= form.end:
            raise InputError(
                f"start={form.start} is not before end={form.end}; give start < end",
                parameter="start",
            )
        first = await gather(request, asset_jobs(symbol, form))
        info_o = first["info"]
        if info_o.error is not None:
            raise info_o.error
        if info_o.pending is not None:
            info_o = (
                await state.computer.outcomes({"info": info_o.pending}, state.computer.timeout)
            )["info"]
            if info_o.error is not None:
                raise info_o.error
        info = info_o.result
        if form.end and form.end < info["first"]:
            raise InputError(
                f"end={form.end} is before {symbol}'s first date {info['first']}", parameter="end"
            )
        if form.start and form.start >= info["last"]:
            raise InputError(
                f"start={form.start} is not before {symbol}'s last date {info['last']}; give "
                "an earlier start",
                parameter="start",
            )
        out = await gather(request, asset_jobs(info["symbol"], form, info))
        cat = await gather(request, {"a": spec("assets", q.asset_names, "the asset list")})
        if (hit := rendered(request)) is not None:
            return hit
        start_d, end_d = _range(info, form)
        ctx: dict[str, Any] = {
            "form": form,
            "symbol": info["symbol"],
            "info": info,
            "start": start_d,
            "end": end_d,
        }
        base = f"/api/{{}}/{info['symbol']}"
        st_o = out["status"]
        ctx["status_state"] = panel_state(st_o, "panel-status", f"the status of {symbol}")
        if st_o.ok:
            doc = as_doc(st_o.result)
            ctx["st_doc"] = doc
            ctx["facts"] = _status_facts(doc)
            ctx["reasons"] = table(
                "reasons",
                [
                    Col("Condition", "condition"),
                    Col("Value", lambda r: _reason_number(r, "value"), _reason_text, True),
                    Col("Threshold", lambda r: _reason_number(r, "threshold"), _reason_text, True),
                    Col("Recompute with", "command"),
                ],
                doc["reasons"],
            )
        psy_o = out["psy"]
        ctx["psy_state"] = panel_state(psy_o, "panel-psy", f"PSY on {symbol}")
        if psy_o.ok:
            doc = psy_o.result
            ctx["psy"] = doc
            ctx["psy_fig"] = fig_block(
                _psy_figure(info, doc, start_d, end_d), "fig-psy", f"{symbol}-psy", 560
            )
            ctx["episodes"] = table(
                "episodes",
                [
                    Col("Start", "start", date),
                    Col("Peak", "peak", date),
                    Col("End", "end", date),
                    Col("Sessions", "duration", num(0), True),
                    Col("Ongoing", "ongoing", lambda v: "yes" if v else "no"),
                ],
                doc.get("episodes", []),
                empty="no explosive episode in the sample",
            )
        conf_o = out["conf"]
        ctx["conf_state"] = panel_state(conf_o, "panel-lppls", f"the LPPLS confidence of {symbol}")
        if conf_o.ok:
            ctx["conf_fig"] = fig_block(
                _conf_figure(conf_o.result, form.scale),
                "fig-lppls",
                f"{symbol}-lppls-confidence",
                360,
            )
            last = conf_o.result["indicator"][-1] if conf_o.result["indicator"] else {}
            ctx["conf_last"] = last
        fits_o = out["fits"]
        ctx["fits_state"] = panel_state(fits_o, "panel-fits", f"the latest LPPLS fits of {symbol}")
        if fits_o.ok:
            fits = fits_o.result["fits"]
            qual = (
                fits[fits["qualified_confidence"]]
                if len(fits) and "qualified_confidence" in fits
                else pd.DataFrame()
            )
            ctx["fits_end"] = fits_o.result["end"]
            ctx["n_fits"] = len(fits)
            ctx["n_qual"] = len(qual)
            if len(qual):
                qs = qual["tc"].quantile([0.1, 0.5, 0.9])
                ctx["tc_q"] = [date(x) for x in qs]
                ctx["tc_fig"] = fig_block(_tc_figure(qual), "fig-tc", f"{symbol}-tc", 320)
        mv_o = out["moves"]
        ctx["moves_state"] = panel_state(mv_o, "panel-moves", f"the moves of {symbol}")
        if mv_o.ok:
            doc = as_doc(mv_o.result)
            ctx["moves"] = table(
                "moves",
                [
                    Col("Session", "date", date),
                    Col("Return", "return", pct(2, True), True),
                    Col("Market value change", "market_value_change_usd", money, True),
                    Col("Market value", "market_value_usd", money, True),
                    Col("Volume z", "volume_z", num(2), True),
                    Col("Panic", "panic", lambda v: "yes" if v is True else ""),
                ],
                _moves(doc),
            )
        with_query = form.query()
        ctx["api"] = {
            "status": json_link(f"/api/status?symbol={info['symbol']}&as_of={end_d}"),
            "psy": json_link(
                f"{base.format('psy')}?as_of={end_d}&lags={form.lags}"
                + (f"&min_window={form.min_window}" if form.min_window else "")
            ),
            "lppls": json_link(f"{base.format('lppls/confidence')}?start={start_d}&end={end_d}"),
            "moves": json_link(
                f"/api/market/event/{info['last_piece']}?date={start_d}&end={end_d}"
            ),
        }
        ctx["assets"] = []
        if cat["a"].ok:
            ctx["assets"] = cat["a"].result
        pending = any(o.pending is not None for o in out.values())
        return render(
            request,
            "asset.html.j2",
            title=f"{info['symbol']}",
            heading=f"{info['symbol']}: the evidence",
            refresh=5 if pending else None,
            query=with_query,
            **ctx,
        )
