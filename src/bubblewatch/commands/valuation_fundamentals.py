"""``bubblewatch valuation pe | fcf | capex``: point-in-time P/E, free cash flow and capex
intensity from the store's company fundamentals (registered on the ``valuation`` app)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    data_store,
    emit,
    one_of,
)
from bubblewatch.errors import BubblewatchError, InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from bubblewatch.data.store import Store

__all__ = ["capex_cmd", "expand_symbols", "fcf_cmd", "pe_cmd"]

SymbolsArg = Annotated[
    list[str],
    typer.Argument(
        help="Tickers; MAG7 and HYPERSCALERS expand to the Magnificent 7 companies and "
        "MSFT, GOOGL, AMZN, META, ORCL.",
        show_default=False,
    ),
]


def expand_symbols(names: list[str]) -> list[str]:
    """Upper-cased tickers with the group words expanded, duplicates dropped.

    >>> expand_symbols(["nvda", "HYPERSCALERS", "MSFT"])
    ['NVDA', 'MSFT', 'GOOGL', 'AMZN', 'META', 'ORCL']
    """
    from bubblewatch.valuation.cashflow import HYPERSCALERS, MAG7_COMPANIES

    groups = {"MAG7": MAG7_COMPANIES, "HYPERSCALERS": HYPERSCALERS}
    out: list[str] = []
    for n in names:
        for part in n.split(","):
            u = part.strip().upper()
            for s in groups.get(u, (u,)):
                if s and s not in out:
                    out.append(s)
    if not out:
        raise InputError("name at least one ticker (or MAG7, HYPERSCALERS)")
    return out


def _close(st: Store, symbol: str, column: str) -> pd.Series:
    px = st.prices(symbol)
    if column not in px.columns:
        raise InputError(f"--price {column}: choose close or adj_close")
    s = px[column].astype(float).dropna()
    s.name = symbol
    return s


def pe_cmd(
    symbols: SymbolsArg,
    date: Annotated[str, typer.Option("--date", help="Reading date YYYY-MM-DD.")],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="trailing (last four quarters), dynamic (last two x 2) or run_rate (latest x 4).",
        ),
    ] = "trailing",
    peers: Annotated[
        str | None,
        typer.Option(
            "--peers", help="More comparison tickers, comma-separated (not printed alone)."
        ),
    ] = None,
    price: Annotated[
        str, typer.Option("--price", help="Price column: close (as traded) or adj_close.")
    ] = "close",
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """P/E as known on a date: close / annualised diluted EPS of the quarters filed by then.

    A quarter counts from its filing date, else from period end + 45 days (10-Q) or + 60 days
    (10-K); the rule used is printed with each quarter. Each symbol is compared with the
    median of the others (and --peers) and with its own daily P/E history in the store.
    JSON: {"as_of", "method", "results": [{subject, peers, peer_median, premium_to_median,
    history}], "unavailable": {symbol: reason}} (fractions).
    """
    from bubblewatch.valuation.earnings import METHODS
    from bubblewatch.valuation.relative_pe import relative_pe

    if method not in METHODS:
        raise InputError(f"--method {method}: choose one of {', '.join(METHODS)}")
    subjects = expand_symbols(symbols)
    extra = [p for p in expand_symbols([peers]) if p not in subjects] if peers else []
    funds: dict[str, pd.DataFrame] = {}
    closes: dict[str, pd.Series] = {}
    unavailable: dict[str, str] = {}
    with data_store(data, store) as st:
        for s in subjects + extra:
            try:
                funds[s] = st.fundamentals(s)
                closes[s] = _close(st, s, price)
            except BubblewatchError as exc:
                if len(subjects) == 1 and s in subjects:
                    raise
                unavailable[s] = str(exc)
                funds.pop(s, None)
    results = []
    for s in subjects:
        if s in unavailable:
            continue
        others = [p for p in subjects + extra if p != s]
        try:
            results.append(relative_pe(s, funds, closes, date, peers=others, method=method))
        except BubblewatchError as exc:
            if len(subjects) == 1:
                raise
            unavailable[s] = str(exc)
    if not results:
        raise InputError(
            "no P/E could be formed: " + "; ".join(f"{k}: {v}" for k, v in unavailable.items())
        )
    payload = {
        "as_of": results[0].subject.as_of,
        "method": method,
        "method_definition": METHODS[method][2],
        "price_column": price,
        "results": [r.to_dict() for r in results],
        "unavailable": unavailable,
    }
    frame = _pe_frame(results)
    emit(
        payload,
        as_json,
        render=lambda _: render_pe(results, unavailable, price),
        export=export,
        frame=frame,
    )


def _pe_frame(results: list[Any]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "symbol": r.subject.symbol,
                "as_of": r.subject.as_of.date(),
                "method": r.subject.method,
                "pe": r.subject.pe,
                "price": r.subject.price,
                "price_date": r.subject.price_date.date(),
                "eps": r.subject.eps,
                "quarters": " ".join(r.subject.quarters),
                "peer_median": r.peer_median,
                "premium_to_median": r.premium_to_median,
                "history_percentile": r.history_percentile,
            }
            for r in results
        ]
    )


def render_pe(results: list[Any], unavailable: dict[str, str], price: str) -> list[Any]:
    """Text of ``valuation pe``: one row per symbol, then each symbol's quarters."""
    first = results[0].subject
    out: list[Any] = [
        t.heading(
            f"P/E known on {first.as_of.date()} ({first.method}: {first.basis.definition} of "
            "diluted EPS)"
        ),
        t.table(
            results,
            [
                t.Column("Symbol", lambda r: r.subject.symbol),
                t.Column("P/E", lambda r: r.subject.pe, t.multiple(1)),
                t.Column(f"Price ({price})", lambda r: r.subject.price, t.money("USD", digits=2)),
                t.Column("on", lambda r: r.subject.price_date, t.date),
                t.Column("EPS (annual)", lambda r: r.subject.eps, t.money("USD", digits=2)),
                t.Column("Peer median", lambda r: r.peer_median, t.multiple(1)),
                t.Column("vs median", lambda r: r.premium_to_median, t.percent(0, signed=True)),
                t.Column(
                    "Own history (pctl)",
                    lambda r: r.history_percentile,
                    t.percent(0),
                ),
            ],
        ),
    ]
    for r in results:
        s = r.subject
        out.append(
            t.table(
                s.basis.to_frame(),
                [
                    t.Column("Quarter", "fiscal_period"),
                    t.Column("Ended", "period_end", t.date),
                    t.Column("Diluted EPS", "eps_diluted", t.money("USD", digits=2)),
                    t.Column("Counts from", "known_rule", wrap=True),
                ],
                title=f"{s.symbol}: quarters used",
                caption=s.note or None,
            )
        )
    for k, why in unavailable.items():
        out.append(t.note(f"{k}: no P/E ({why})"))
    out.append(
        t.note(
            "P/E = close / annualised diluted EPS (USD/share, split-adjusted). Peer median: the "
            "other symbols' P/E the same day. Own history: share of the symbol's daily "
            "point-in-time P/E readings in the store at or below today's. Source: the store's "
            "fundamentals and prices tables."
        )
    )
    return out


def _group(st: Store, symbols: list[str]) -> dict[str, pd.DataFrame]:
    return {s: st.fundamentals(s) for s in symbols}


def fcf_cmd(
    symbols: SymbolsArg,
    start: Annotated[
        str | None, typer.Option("--start", help="First calendar quarter, e.g. 2024Q4.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Last calendar quarter, e.g. 2025Q2.")
    ] = None,
    q_from: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    q_to: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Free cash flow (operating cash flow - capex) per company and for the group, by calendar
    quarter, with the fiscal quarters paired to each (period end nearest the quarter's end).

    The change is the last quarter's group total against the first's (a fraction in JSON);
    a quarter missing a company is flagged and not compared.
    """
    from bubblewatch.valuation.cashflow import free_cash_flow

    start = one_of(start, q_from, "--start/--from")
    end = one_of(end, q_to, "--end/--to")
    if start is None or end is None:
        raise InputError("give the quarters: --start 2024Q4 --end 2025Q2")
    syms = expand_symbols(symbols)
    with data_store(data, store) as st:
        group = _group(st, syms)
    res = free_cash_flow(group, start=start, end=end)
    emit(res, as_json, render=render_fcf, export=export)


def _totals_rows(res: Any) -> list[dict[str, Any]]:
    return [{"quarter": q, **r.to_dict()} for q, r in res.totals.iterrows()]


def render_fcf(res: Any) -> list[Any]:
    """Text of ``valuation fcf``."""
    usd = t.money("USD", scale="B", digits=2)
    out: list[Any] = [
        t.table(
            _totals_rows(res),
            [
                t.Column("Quarter", "quarter"),
                t.Column("Operating cash flow", "operating_cash_flow", usd),
                t.Column("Capex", "capex", usd),
                t.Column("Free cash flow", "free_cash_flow", usd),
                t.Column("Companies", "companies", t.integer),
                t.Column("Missing", "missing"),
            ],
            title=f"Free cash flow of {', '.join(res.symbols)}",
        ),
    ]
    if not t.is_missing(res.change):
        out.append(
            t.heading(f"Change {res.first} -> {res.last}: {t.percent(1, signed=True)(res.change)}")
        )
    out.append(
        t.table(
            res.table,
            [
                t.Column("Quarter", "quarter"),
                t.Column("Company", "symbol"),
                t.Column("Fiscal quarter", "fiscal_period"),
                t.Column("Ended", "period_end", t.date),
                t.Column("OCF", "operating_cash_flow", usd),
                t.Column("Capex", "capex", usd),
                t.Column("FCF", "free_cash_flow", usd),
            ],
            title="By company (the pairing of fiscal quarters with calendar quarters)",
        )
    )
    out.append(
        t.note(
            "FCF = operating cash flow - purchases of property and equipment (capex, gross); a "
            "fiscal quarter pairs with the calendar quarter whose last day is nearest its period "
            "end. Source: the store's fundamentals table."
        )
    )
    return out


def capex_cmd(
    symbols: Annotated[
        list[str] | None,
        typer.Argument(
            help="Tickers (default HYPERSCALERS: MSFT, GOOGL, AMZN, META, ORCL).",
            show_default=False,
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First calendar quarter, e.g. 2024Q1.")
    ] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last calendar quarter.")] = None,
    q_from: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    q_to: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Capex intensity: capex / operating cash flow and capex / revenue per quarter and in
    total (fractions in JSON) -- the cash side of the AI build-out."""
    from bubblewatch.valuation.cashflow import capex_intensity

    start = one_of(start, q_from, "--start/--from")
    end = one_of(end, q_to, "--end/--to")
    syms = expand_symbols(symbols or ["HYPERSCALERS"])
    with data_store(data, store) as st:
        group = _group(st, syms)
    res = capex_intensity(group, start=start, end=end)
    emit(res, as_json, render=render_capex, export=export)


def render_capex(res: Any) -> list[Any]:
    """Text of ``valuation capex``."""
    usd = t.money("USD", scale="B", digits=1)
    out: list[Any] = [
        t.table(
            _totals_rows(res),
            [
                t.Column("Quarter", "quarter"),
                t.Column("Capex", "capex", usd),
                t.Column("Operating cash flow", "operating_cash_flow", usd),
                t.Column("Revenue", "revenue", usd),
                t.Column("Capex / OCF", "capex_to_ocf", t.percent(0)),
                t.Column("Capex / revenue", "capex_to_revenue", t.percent(0)),
                t.Column("Missing", "missing"),
            ],
            title=f"Capex intensity of {', '.join(res.symbols)}",
        )
    ]
    if res.quarters_counted:
        out.append(
            t.facts(
                [
                    (
                        "Quarters",
                        f"{res.quarters_counted[0]}..{res.quarters_counted[-1]} ({len(res.quarters_counted)} complete)",
                    ),
                    ("Capex", usd(res.total_capex)),
                    ("Capex / operating cash flow", t.percent(1)(res.total_capex_to_ocf)),
                    ("Capex / revenue", t.percent(1)(res.total_capex_to_revenue)),
                ],
                title="In total",
            )
        )
    last = res.table[res.table["quarter"] == res.table["quarter"].max()]
    out.append(
        t.table(
            last,
            [
                t.Column("Company", "symbol"),
                t.Column("Fiscal quarter", "fiscal_period"),
                t.Column("Capex", "capex", usd),
                t.Column("Capex / OCF", "capex_to_ocf", t.percent(0)),
                t.Column("Capex / revenue", "capex_to_revenue", t.percent(0)),
            ],
            title=f"By company, {res.table['quarter'].max()}",
        )
    )
    out.append(
        t.note(
            "Capex = purchases of property and equipment (gross, finance leases excluded). "
            "Source: the store's fundamentals table."
        )
    )
    return out
