"""``bubblewatch market``: event analytics, reaction tables, Diebold-Yilmaz spillovers and
connectedness (TVP-VAR, quantile, frequency, joint)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    console,
    data_store,
    emit,
    flag_hints,
    is_quiet,
    progress,
)
from bubblewatch.commands.connectedness import connectedness_cmd
from bubblewatch.commands.sources import ColumnOpt, LagsOpt, ReturnsOpt, SourcesArg, load_sources
from bubblewatch.errors import DataFileError, InputError, NotFoundError
from bubblewatch.series_names import USDCNY_SERIES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

app = typer.Typer(
    help="Market shocks and contagion: event analytics, reaction tables, spillovers.",
    no_args_is_help=True,
)


@app.command("event")
def event(
    symbol: Annotated[str, typer.Argument(help="Symbol in the store (e.g. NVDA).")],
    date: Annotated[
        str,
        typer.Option(
            "--date",
            "--start",
            help="Event session, YYYY-MM-DD (with --end: the first session of the range).",
        ),
    ],
    end: Annotated[
        str | None,
        typer.Option("--end", help="Every session from --date (--start) to --end (a range)."),
    ] = None,
    years: Annotated[int, typer.Option("--years", help="Look-back years for ranks/rarity.")] = 10,
    fx: Annotated[
        str,
        typer.Option("--fx", help="USD/CNY series in the store (CNY per USD); 'none' to skip."),
    ] = USDCNY_SERIES,
    shares: Annotated[
        str | None,
        typer.Option(
            "--shares", help="Shares-outstanding symbol (default: SYMBOL; 'none' to skip)."
        ),
    ] = None,
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Return, market value in USD/CNY, rank, rarity, volume, panic flag and drawdown of one day.

    With --end: one row per session (--export csv prints them; fractions, USD, ISO dates).
    """
    from bubblewatch.market.event import market_event
    from bubblewatch.market.event_table import market_events

    with data_store(data, store) as st:
        prices, sh, usdcny = event_inputs(st, symbol, shares=shares, fx=fx, note=_shares_note)
    hints = {"shares": "use --shares none to skip the market value and turnover"}
    if end is not None:
        with flag_hints(hints):
            rng = market_events(prices, date, end, shares=sh, usdcny=usdcny, symbol=symbol)
        emit(rng, as_json, render=render_events, export=export)
        return
    with flag_hints(hints):
        result = market_event(
            prices, date, shares=sh, usdcny=usdcny, years=years, symbol=symbol, fx_name=fx
        )
    emit(result, as_json, render=render_event, export=export)


def _shares_note(text: str) -> None:
    if not is_quiet():
        console.print(text, highlight=False, soft_wrap=True, markup=False)


def event_inputs(
    st: Any,
    symbol: str,
    *,
    shares: str | None = None,
    fx: str = USDCNY_SERIES,
    note: Any = None,
) -> tuple[Any, Any, Any]:
    """What ``market event`` reads from the store: the prices, the shares outstanding (None
    when absent and not asked for, with a ``note``) and USD/CNY (None when absent or 'none')."""
    prices = st.prices(symbol)
    sh = None
    sh_sym = symbol if shares is None else shares
    if sh_sym.lower() != "none":
        try:
            sh = st.shares_outstanding(sh_sym)
        except NotFoundError:
            if shares is not None:
                raise
            if note is not None:
                note(
                    f"note: no shares-outstanding series {sh_sym!r} in the store: market "
                    "value, its USD/CNY changes and the turnover rate are left empty "
                    "(import the shares or pass --shares SYMBOL; --shares none to skip)"
                )
    usdcny = None
    if fx.lower() != "none":
        try:
            usdcny = st.fx(fx)
        except NotFoundError:
            if fx != USDCNY_SERIES:
                raise
    return prices, sh, usdcny


def render_event(ev: Any) -> list[Any]:
    """Text of ``market event``: the move, market value, rank, volume, panic, drawdown."""
    pct = t.percent(2, signed=True)
    who = ev.symbol or "series"
    rows: list[tuple[str, Any]] = [
        (
            "Return",
            f"{pct(ev.ret)} (close {ev.close:,.2f}; previous {ev.previous_close:,.2f} on "
            f"{t.date(ev.previous_date)})",
        )
    ]
    if ev.market_value_usd is not None:
        rows.append(("Market value", t.money()(ev.market_value_usd)))
        change = t.money(signed=True)(ev.market_value_change_usd)
        if ev.market_value_change_cny is not None:
            change += (
                f" = {t.money('CNY', signed=True)(ev.market_value_change_cny)} at "
                f"{ev.usdcny:.4f} CNY per USD ({t.date(ev.usdcny_date)})"
            )
        rows.append(("Change in market value", change))
    if ev.rarity_undefined:
        rows.append(("Rank and rarity", f"undefined: {ev.rarity_undefined}"))
    else:
        rows += [
            (
                "Rank in the year to date",
                f"{ev.rank_in_year} of {t.plural(ev.moves_in_year, 'session')} of "
                f"{ev.date.year} up to {t.date(ev.date)} (1 = largest move in this direction)",
            ),
            (
                f"Rank over {t.plural(ev.window_years, 'year')}",
                f"{ev.rank_in_window} of {t.plural(ev.moves_in_window, 'session')} since "
                f"{t.date(ev.window_start)}",
            ),
            (
                "Moves as large",
                f"{ev.moves_as_large_10y} in {ev.window_span_years:.1f} years of data: about "
                f"once every {t.number(0)(ev.return_period_sessions)} sessions "
                f"({t.number(2)(ev.return_period_years)} years)",
            ),
        ]
    if ev.volume is not None:
        vol = f"{t.integer(ev.volume)} shares ({pct(ev.volume_change)} vs the prior day"
        vol += "" if ev.volume_z is None else f", z-score {ev.volume_z:+.2f}"
        rows.append(("Volume", vol + ")"))
        rows.append(("Traded value", f"{pct(ev.traded_value_change)} vs the prior day"))
    if ev.turnover_rate is not None:
        rows.append(("Turnover", t.percent(3)(ev.turnover_rate) + " of the shares outstanding"))
    rows += [
        ("Panic selling", t.yes_no(ev.panic)),
        (
            "Drawdown",
            f"{pct(ev.drawdown)} from the {t.date(ev.peak_date)} peak "
            f"({t.plural(ev.sessions_since_peak, 'session')} before)",
        ),
        ("Run-up", f"{pct(ev.runup)} from the 52-week low of {t.date(ev.trough_date)}"),
        (
            "Open gap / close vs high / next day",
            f"{pct(ev.open_gap)} / {pct(ev.close_vs_high)} / {pct(ev.next_day_return)}",
        ),
    ]
    from bubblewatch.market.daily import PANIC_RULE

    return [
        t.facts(rows, title=f"{who} on {t.date(ev.date)}"),
        *(t.note(f"note: {n}") for n in ev.notes),
        t.note(f"panic rule: {PANIC_RULE}"),
    ]


def render_events(res: Any) -> list[Any]:
    """Text of ``market event --end``: one row per session."""
    pct = t.percent(2, signed=True)
    cols = [
        t.Column("Return", "return", pct),
        t.Column("Rank in the year to date", "rank_in_year", t.integer),
        t.Column("Volume change", "volume_change", pct),
        t.Column("Traded value change", "traded_value_change", pct),
    ]
    rows = res.rows
    if "market_value_change_usd" in rows and rows["market_value_change_usd"].notna().any():
        cols.insert(
            1, t.Column("Change in market value", "market_value_change_usd", t.money(signed=True))
        )
    if "turnover_rate" in rows and rows["turnover_rate"].notna().any():
        cols.append(t.Column("Turnover", "turnover_rate", t.percent(3)))
    if "panic" in rows:
        cols.append(t.Column("Panic", "panic", t.yes_no, style=t.verdict_style))
    return [
        t.table(
            rows,
            cols,
            index=t.Column("Session", "", t.date),
            title=f"{res.symbol or 'series'}: {t.plural(len(rows), 'session')} "
            f"{t.date(res.start)} .. {t.date(res.end)}",
        )
    ]


def _universe(spec: str) -> list[str]:
    import pandas as pd

    p = Path(spec)
    if p.exists() and p.is_file():
        if p.suffix.lower() == ".csv":
            df = pd.read_csv(p)
            cols = {c.lower(): c for c in df.columns}
            if "symbol" not in cols:
                raise DataFileError(p, "missing required column", line=1, column="symbol")
            items = [str(s).strip() for s in df[cols["symbol"]].dropna()]
        else:
            items = [
                line.strip()
                for line in p.read_text().splitlines()
                if line.strip() and not line.startswith("#")
            ]
    else:
        items = [s.strip() for s in spec.split(",") if s.strip()]
    if not items:
        raise InputError(f"--universe {spec!r} names no symbol")
    return list(dict.fromkeys(items))


@app.command("reaction")
def reaction(
    symbol: Annotated[str, typer.Argument(help="The event's symbol (e.g. NVDA).")],
    date: Annotated[str, typer.Option("--date", help="Event session, YYYY-MM-DD.")],
    universe: Annotated[
        str,
        typer.Option(
            "--universe",
            help="Comma-separated symbols, or a file (one symbol per line, or a CSV with a "
            "'symbol' column).",
        ),
    ],
    z_window: Annotated[int, typer.Option("--z-window", help="Sessions for the z-scores.")] = 63,
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Reactions across markets (US same session, Asia/Europe next session, crypto next UTC day).

    A row whose session is not a weekday of its market is flagged (shifted dates).
    """
    from bubblewatch.data.resolve import resolve_series
    from bubblewatch.market.contagion import reaction_table

    members = [symbol, *[s for s in _universe(universe) if s != symbol]]
    with data_store(data, store) as st:
        series = {m: resolve_series(m, column="close", store=st) for m in members}
    result = reaction_table(series, date, event_symbol=symbol, z_window=z_window)
    emit(result, as_json, render=render_reactions, export=export)


def render_reactions(res: Any) -> list[Any]:
    """Text of ``market reaction``: one row per member, flagged rows marked."""
    from bubblewatch.market.contagion import MARKETS

    flagged = res.flagged
    return [
        t.table(
            res.rows,
            [
                t.Column(
                    "Market",
                    "market",
                    lambda c: MARKETS[c].name if c in MARKETS else c,
                    justify="left",
                ),
                t.Column("Return", "return", t.percent(2, signed=True)),
                t.Column("z-score", "z", t.number(2, signed=True)),
                t.Column("Session", "session", t.date),
                t.Column("Reaction", "lag", wrap=True),
                t.Column(
                    "Flag",
                    "off_day",
                    lambda f: "not a trading day" if f is True else "",
                    style=lambda f: "bold red" if f is True else "",
                ),
                t.Column("Note", "note", wrap=True),
            ],
            index=t.Column("Symbol", ""),
            title=f"Reactions to {res.event_symbol or 'the event'} on {t.date(res.event_date)} "
            f"({res.event_market} close), largest fall first",
            caption=(
                f"{t.plural(len(flagged), 'row')} flagged: the session is not a weekday of "
                "its market, the data's dates are likely shifted"
                if len(flagged)
                else "z-score: the return over the standard deviation of the previous "
                "sessions' returns"
            ),
        )
    ]


@app.command("spillover")
def spillover_cmd(
    sources: SourcesArg,
    lags: LagsOpt = 4,
    horizon: Annotated[int, typer.Option("--horizon", help="Forecast horizon H.")] = 10,
    method: Annotated[
        str, typer.Option("--method", help="generalized (DY 2012) or cholesky (DY 2009).")
    ] = "generalized",
    horizon_terms: Annotated[
        str,
        typer.Option(
            "--horizon-terms",
            help="H: MA terms h=0..H-1 (ConnectednessApproach); H+1: h=0..H (frequencyConnectedness).",
        ),
    ] = "H",
    window: Annotated[
        int | None, typer.Option("--window", help="Rolling window (observations).")
    ] = None,
    returns: ReturnsOpt = False,
    column: ColumnOpt = "close",
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Diebold-Yilmaz spillover table (or rolling total spillover with --window).

    --export csv: the table in fractions (rows receive, columns send; FROM, TO, NET), or
    with --window the total, TO, FROM and NET of every window.
    """
    from bubblewatch.market.spillover import rolling_spillover, spillover

    with flag_hints({"returns": "--returns takes log returns of positive prices"}):
        df = load_sources(sources, column=column, data=data, store=store, returns=returns)
    kwargs = {"lags": lags, "horizon": horizon, "method": method, "horizon_terms": horizon_terms}
    if window is not None:
        with progress("rolling spillovers"):
            roll = rolling_spillover(df, window, **kwargs)  # type: ignore[arg-type]
        emit(
            roll,
            as_json,
            render=render_rolling,
            export=export,
            frame=_fractions(roll.to_frame()),
        )
        return
    result = spillover(df, **kwargs)  # type: ignore[arg-type]
    emit(result, as_json, render=render_spillover, export=export, frame=_fractions(result.table()))


def _fractions(frame: pd.DataFrame) -> pd.DataFrame:
    """The spillover frames are in percent; CSV exports carry fractions."""
    import pandas as pd

    out = frame / 100.0
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = ["_".join(map(str, c)) for c in out.columns]
    return out


def render_rolling(res: Any) -> list[Any]:
    """Text of ``market spillover --window``: the total spillover's path in a few figures."""
    import pandas as pd

    tot = res.total.dropna()
    if tot.empty:
        return ["rolling spillovers: no estimable window"]
    pct = t.points(2)

    def label(ix: Any) -> str:
        return t.date(ix) if isinstance(ix, pd.Timestamp) else str(ix)

    return [
        t.facts(
            [
                (
                    "Windows",
                    f"{t.plural(len(tot), 'window')} of {res.window} observations, "
                    f"ending {label(tot.index[0])} .. {label(tot.index[-1])}",
                ),
                ("Model", f"{res.method} FEVD, VAR({res.lags}), H = {res.horizon}"),
                ("Total spillover, last", pct(tot.iloc[-1])),
                ("mean", pct(tot.mean())),
                ("lowest", f"{pct(tot.min())} ({label(tot.idxmin())})"),
                ("highest", f"{pct(tot.max())} ({label(tot.idxmax())})"),
            ],
            title="Rolling Diebold-Yilmaz total spillover (% of forecast-error variance)",
        )
    ]


def render_spillover(res: Any) -> list[Any]:
    """Text of ``market spillover``: the DY table in percent."""
    table = res.table()
    pct = t.points(1)
    cols = [t.Column(str(c), c, pct) for c in table.columns]
    terms = "h = 0..H-1" if res.horizon_terms == "H" else "h = 0..H"
    return [
        t.facts(
            [
                ("Total spillover", t.points(2)(res.total)),
                (
                    "Model",
                    f"{res.method} FEVD, VAR({res.lags}) with intercept, horizon H = "
                    f"{res.horizon} ({terms})",
                ),
                ("Data", f"{t.plural(res.nobs, 'observation')}, {res.start} .. {res.end}"),
            ],
            title="Diebold-Yilmaz spillovers",
        ),
        t.table(
            table,
            cols,
            index=t.Column("", ""),
            caption="rows receive, columns transmit (% of the forecast-error variance); "
            "FROM = from others, TO = to others, NET = TO - FROM",
        ),
    ]


app.command("connectedness")(connectedness_cmd)
