"""The JSON API: ``/api/...``, one route per CLI command the pages use.

Each answer is the command's ``--json`` for the same inputs (the result's ``to_json()``, or
the command's payload serialised the same way); ``?format=csv`` gives the command's
``--export csv`` table instead. Errors are ``{"detail": message}`` with 404 (unknown
symbol, with the nearest three), 422 (bad parameter, saying what is allowed) or 503 (the
data is being updated, or the computation outlasts the request's time limit).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from bubblewatch import __version__
from bubblewatch.results import Result, jsonable
from bubblewatch.web import queries as q
from bubblewatch.web.params import check_symbol, parse_date, parse_list

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.web.app import AppState

__all__ = ["make_api", "render_json"]

Fmt = Annotated[
    Literal["json", "csv"],
    Query(description="json (the CLI's --json) or csv (the CLI's --export csv)"),
]
Symbol = Annotated[str, Path(description="A symbol of the store (case ignored)", max_length=60)]

#: most symbols in one request
MAX_STATUS_SYMBOLS = 20
MAX_UNIVERSE = 30
MAX_SPILLOVER = 10


def render_json(obj: Any) -> str:
    """The CLI's ``--json`` text of ``obj`` (``emit``'s serialisation)."""
    if isinstance(obj, Result):
        return obj.to_json()
    return json.dumps(jsonable(obj), indent=2, allow_nan=False)


def _csv(obj: Any) -> Response:
    import io

    import pandas as pd

    from bubblewatch.errors import InputError

    if isinstance(obj, Result):
        frame = obj.to_frame()
    elif isinstance(obj, list) and obj and isinstance(obj[0], dict):
        frame = pd.DataFrame(obj)
    else:
        raise InputError("format=csv: this answer is not a table; use format=json")
    keep_index = frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex)
    out = frame.copy()
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = out.index.strftime("%Y-%m-%d")
    buf = io.StringIO()
    out.to_csv(buf, index=keep_index, lineterminator="\n")
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8")


#: the JSON text of the last answers served, by the answer object (kept alive here, so its
#: id stays its own): an answer served again, e.g. the previous data's while the new one
#: computes, is not serialised again on the event loop
_JSON_TEXT: OrderedDict[int, tuple[Any, str]] = OrderedDict()


def _json_text(obj: Any) -> str:
    """:func:`render_json` of ``obj``, made once per answer object."""
    hit = _JSON_TEXT.get(id(obj))
    if hit is not None and hit[0] is obj:
        _JSON_TEXT.move_to_end(id(obj))
        return hit[1]
    text = render_json(obj)
    _JSON_TEXT[id(obj)] = (obj, text)
    while len(_JSON_TEXT) > 64:
        _JSON_TEXT.popitem(last=False)
    return text


def answer(obj: Any, fmt: str = "json") -> Response:
    """The HTTP answer of a computed object (marked when it is the previous data's)."""
    from bubblewatch.web.compute import STALE

    resp = _csv(obj) if fmt == "csv" else Response(_json_text(obj), media_type="application/json")
    if STALE.get():
        resp.headers["X-Bubblewatch-Stale"] = "true"
    return resp


def make_api(state: AppState) -> APIRouter:
    """The ``/api`` routes over ``state`` (its computer and data source)."""
    api = APIRouter(prefix="/api", tags=["api"])
    comp = state.computer

    @api.get("/health", summary="Liveness and version")
    async def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "version": __version__,
            "data": state.source.label,
            "updating": state.source.being_written(),
        }

    @api.get("/progress", summary="Start-up precomputation: done, running, failed")
    async def progress() -> dict[str, Any]:
        return state.warmup.progress()

    @api.get("/series", summary="The store's catalogue (= `bubblewatch data list --json`)")
    async def series_list(format: Fmt = "json") -> Response:
        return answer(await comp.result("catalogue", q.catalogue, label="the catalogue"), format)

    @api.get("/series/{symbol}", summary="One stored series between two dates")
    async def series(
        symbol: Symbol,
        column: Annotated[
            Literal["open", "high", "low", "close", "adj_close", "volume"],
            Query(description="price column (ignored for macro and FX series)"),
        ] = "close",
        start: Annotated[str | None, Query(description="first date, YYYY-MM-DD")] = None,
        end: Annotated[str | None, Query(description="last date, YYYY-MM-DD")] = None,
    ) -> Response:
        params = {
            "symbol": check_symbol("symbol", symbol),
            "column": column,
            "start": parse_date("start", start),
            "end": parse_date("end", end),
        }
        return answer(await comp.result("series", q.series_data, params, label=f"{symbol}"))

    @api.get("/assets", summary="The assets the pages offer (history pieces joined)")
    async def assets() -> Response:
        return answer(await comp.result("assets", q.asset_names, label="the asset list"))

    @api.get("/status", summary="Bubble status (= `bubblewatch status ... --json`)")
    async def status(
        symbol: Annotated[
            list[str] | None,
            Query(
                description=f"assets (repeat or comma-separate; at most {MAX_STATUS_SYMBOLS}); "
                "none: the AI complex"
            ),
        ] = None,
        group: Annotated[Literal["ai2025"] | None, Query(description="a group")] = None,
        as_of: Annotated[str | None, Query(description="YYYY-MM-DD (default: last date)")] = None,
    ) -> Response:
        from bubblewatch.errors import InputError

        names = parse_list("symbol", symbol, most=MAX_STATUS_SYMBOLS)
        if names and group is not None:
            raise InputError("give symbol or group, not both", parameter="group")
        params = {"symbols": tuple(names), "group": group, "as_of": parse_date("as_of", as_of)}
        what = ", ".join(names) or "the AI complex"
        return answer(await comp.result("status", q.status, params, label=f"status of {what}"))

    @api.get(
        "/status/compare-2000",
        summary="2000 vs now (= `bubblewatch status compare-2000 --json`)",
    )
    async def compare_2000(format: Fmt = "json") -> Response:
        res = await comp.result("compare_2000", q.compare_2000, label="2000 vs now")
        return answer(res, format)

    @api.get("/psy/{symbol}", summary="PSY explosiveness (= `bubblewatch psy SYMBOL --json`)")
    async def psy(
        symbol: Symbol,
        as_of: Annotated[str | None, Query(description="last date tested")] = None,
        years: Annotated[int, Query(ge=0, le=100, description="years tested; 0 = all")] = 5,
        lags: Annotated[int, Query(ge=0, le=12, description="lagged differences")] = 0,
        min_window: Annotated[
            int | None, Query(ge=10, le=5000, description="smallest window (observations)")
        ] = None,
    ) -> Response:
        params = {
            "symbol": check_symbol("symbol", symbol),
            "as_of": parse_date("as_of", as_of),
            "years": years,
            "lags": lags,
            "min_window": min_window,
        }
        return answer(await comp.result("psy", q.psy, params, label=f"PSY on {symbol}"))

    @api.get(
        "/lppls/confidence/{symbol}",
        summary="DS LPPLS confidence (= `bubblewatch lppls confidence SYMBOL --json`)",
    )
    async def lppls_confidence(
        symbol: Symbol,
        window_max: Annotated[int, Query(ge=30, le=1500)] = 504,
        window_min: Annotated[int, Query(ge=20, le=1500)] = 30,
        window_step: Annotated[int, Query(ge=1, le=100)] = 5,
        end_step: Annotated[int, Query(ge=1, le=250)] = 1,
        start: Annotated[str | None, Query(description="first end date")] = None,
        end: Annotated[str | None, Query(description="last end date")] = None,
    ) -> Response:
        params = {
            "symbol": check_symbol("symbol", symbol),
            "window_max": window_max,
            "window_min": window_min,
            "window_step": window_step,
            "end_step": end_step,
            "start": parse_date("start", start),
            "end": parse_date("end", end),
        }
        res = await comp.result(
            "lppls_confidence", q.lppls_confidence, params, label=f"LPPLS confidence of {symbol}"
        )
        return answer(res)

    @api.get(
        "/lppls/fits/{symbol}",
        summary="Every LPPLS fit ending on one date, qualified or not (the asset page's tc "
        "distribution; no CLI twin)",
    )
    async def lppls_fits(
        symbol: Symbol,
        end: Annotated[str | None, Query(description="the end date (default: the last)")] = None,
        scale: Annotated[
            Literal["long", "short"], Query(description="the status's scales")
        ] = "long",
        format: Fmt = "json",
    ) -> Response:
        wmax, wmin, wstep = q.SCALES[scale]
        params = {
            "symbol": check_symbol("symbol", symbol),
            "end": parse_date("end", end),
            "window_max": wmax,
            "window_min": wmin,
            "window_step": wstep,
        }
        res = await comp.result("lppls_fits", q.lppls_fits, params, label=f"LPPLS fits of {symbol}")
        if format == "csv":
            import pandas as pd

            return answer(
                res["fits"].to_dict("records") if isinstance(res["fits"], pd.DataFrame) else [],
                "csv",
            )
        return answer(res)

    @api.get("/lppls/fit/{symbol}", summary="LPPLS fit (= `bubblewatch lppls fit SYMBOL --json`)")
    async def lppls_fit(
        symbol: Symbol,
        start: Annotated[str | None, Query(description="first date of the window")] = None,
        end: Annotated[str | None, Query(description="last date of the window")] = None,
        format: Fmt = "json",
    ) -> Response:
        params = {
            "symbol": check_symbol("symbol", symbol),
            "start": parse_date("start", start),
            "end": parse_date("end", end),
        }
        res = await comp.result("lppls_fit", q.lppls_fit, params, label=f"LPPLS fit of {symbol}")
        return answer(res, format)

    @api.get(
        "/market/event/{symbol}",
        summary="One day's move (= `bubblewatch market event SYMBOL --date D --json`)",
    )
    async def market_event(
        symbol: Symbol,
        date: Annotated[str, Query(description="event session (with end: the first)")],
        end: Annotated[str | None, Query(description="last session of a range")] = None,
        years: Annotated[int, Query(ge=1, le=50, description="look-back years")] = 10,
        format: Fmt = "json",
    ) -> Response:
        params = {
            "symbol": check_symbol("symbol", symbol),
            "date": parse_date("date", date),
            "end": parse_date("end", end),
            "years": years,
        }
        res = await comp.result("market_event", q.market_event, params, label=f"{symbol} moves")
        return answer(res, format)

    @api.get(
        "/market/reaction/{symbol}",
        summary="Reactions across markets (= `bubblewatch market reaction ... --json`)",
    )
    async def reaction(
        symbol: Symbol,
        date: Annotated[str, Query(description="event session")],
        universe: Annotated[
            list[str], Query(description=f"symbols (comma-separated; at most {MAX_UNIVERSE})")
        ],
        z_window: Annotated[int, Query(ge=10, le=500)] = 63,
        format: Fmt = "json",
    ) -> Response:
        params = {
            "symbol": check_symbol("symbol", symbol),
            "date": parse_date("date", date),
            "universe": tuple(parse_list("universe", universe, most=MAX_UNIVERSE, least=1)),
            "z_window": z_window,
        }
        res = await comp.result("reaction", q.reaction, params, label=f"reactions to {symbol}")
        return answer(res, format)

    @api.get(
        "/market/spillover",
        summary="Diebold-Yilmaz spillovers (= `bubblewatch market spillover A B ... --json`)",
    )
    async def spillover(
        symbols: Annotated[
            list[str], Query(description=f"2 to {MAX_SPILLOVER} symbols (comma-separated)")
        ],
        lags: Annotated[int, Query(ge=1, le=10)] = 4,
        horizon: Annotated[int, Query(ge=1, le=50)] = 10,
        window: Annotated[int | None, Query(ge=50, le=2000, description="rolling window")] = None,
        returns: Annotated[bool, Query(description="log returns of the values")] = False,
        format: Fmt = "json",
    ) -> Response:
        params = {
            "symbols": tuple(parse_list("symbols", symbols, most=MAX_SPILLOVER, least=2)),
            "lags": lags,
            "horizon": horizon,
            "window": window,
            "returns": returns,
        }
        res = await comp.result("spillover", q.spillover, params, label="spillovers")
        return answer(res, format)

    @api.get("/network/show", summary="Loops of the deals ledger (= `network show --json`)")
    async def network_show(format: Fmt = "json") -> Response:
        res = await comp.result("network_show", q.network_show, store=False, label="the loops")
        return answer(res, format)

    @api.get("/network/stress", summary="Stress and spiral (= `network stress ... --json`)")
    async def network_stress(
        shock: Annotated[list[str] | None, Query(description="parties honouring `honour`")] = None,
        honour: Annotated[float, Query(ge=0.0, le=1.0)] = 1.0,
        markdown: Annotated[float, Query(ge=0.0, le=1.0)] = 0.0,
        rate_bp: Annotated[float, Query(ge=-1000.0, le=1000.0)] = 0.0,
        format: Fmt = "json",
    ) -> Response:
        from bubblewatch.errors import InputError

        parties = parse_list("shock", shock, most=20)
        if not parties and markdown == 0 and rate_bp == 0:
            raise InputError(
                "give a scenario: shock=PARTY&honour=F, markdown=K or rate_bp=N", parameter="shock"
            )
        params = {
            "shock": tuple(parties),
            "honour": honour,
            "markdown": markdown,
            "rate_bp": rate_bp,
        }
        res = await comp.result(
            "network_stress", q.network_stress, params, store=False, label="the stress test"
        )
        return answer(res, format)

    @api.get("/claims", summary="The articles' claims checked (= `bubblewatch claims --json`)")
    async def claims(
        id: Annotated[list[str] | None, Query(description="only these claim ids")] = None,
        format: Fmt = "json",
    ) -> Response:
        params = {"ids": tuple(parse_list("id", id, most=200))}
        res = await comp.result("claims", q.claims, params, label="the claims check")
        return answer(res, format)

    return api


def error_response(status: int, message: str, retry: float | None = None) -> JSONResponse:
    """``{"detail": message}`` with the status (and Retry-After on a 503)."""
    headers = {"Retry-After": str(int(retry))} if retry else None
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


def wants_json(request: Request) -> bool:
    """True for API paths (they answer JSON, pages answer HTML)."""
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"
