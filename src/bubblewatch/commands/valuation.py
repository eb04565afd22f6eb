"""``bubblewatch valuation``: index concentration, return decomposition, CAPE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands import valuation_fundamentals
from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    data_store,
    emit,
    flag_hints,
    one_of,
)

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

app = typer.Typer(
    help="Valuation: P/E, free cash flow, capex intensity, concentration, return "
    "decomposition, CAPE.",
    no_args_is_help=True,
)


@app.command("concentration")
def concentration_cmd(
    holdings: Annotated[
        str | None, typer.Option("--holdings", help="Holdings date YYYY-MM-DD (default: latest).")
    ] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            "--group", help="Named group NAME=T1,T2,... (repeatable; default Magnificent 7)."
        ),
    ] = None,
    index: Annotated[
        str, typer.Option("--index", help="Holdings index name in the store.")
    ] = "SPY",
    top: Annotated[int, typer.Option("--top", help="N of the top-N weight.")] = 10,
    by: Annotated[
        str, typer.Option("--by", help="company (share classes merged, default) or line.")
    ] = "company",
    history: Annotated[bool, typer.Option("--history", help="Every holdings date.")] = False,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Top-N weight, HHI, effective N and group weights of an index's holdings.

    --export csv: the weights by company (line) with their running sum, or with --history
    one row per holdings date (weights as fractions).
    """
    from bubblewatch.valuation.concentration import (
        concentration,
        concentration_history,
        parse_group,
    )

    with flag_hints({"group": "--group NAME=T1,T2,..."}):
        groups = dict(parse_group(g) for g in group) if group else None
    with data_store(data, store) as st:
        if history:
            snaps = {d: st.holdings(index, d.date().isoformat()) for d in st.holdings_dates(index)}
            hist = concentration_history(snaps, top_n=top, groups=groups, by=by)
            emit(hist, as_json, render=render_concentration_history, export=export)
            return
        h = st.holdings(index, holdings)
        res = concentration(h, top_n=top, groups=groups, by=by, as_of=h.attrs.get("as_of"))
    emit(res, as_json, render=render_concentration, export=export)


def render_concentration(res: Any) -> list[Any]:
    """Text of ``valuation concentration``: the measures and the largest holdings."""
    pct = t.points(2)
    rows: list[tuple[str, Any]] = [
        (
            "Holdings",
            f"{t.date(res.as_of)}: {t.plural(res.n_holdings, 'company', 'companies') if res.by == 'company' else t.plural(res.n_holdings, 'line')}",
        ),
        (f"Top {res.top_n} weight", pct(res.top_weight)),
        ("HHI", f"{res.hhi:.4f} (effective number of holdings {res.effective_n:.1f})"),
    ]
    for k, v in res.group_weight.items():
        absent = res.group_absent.get(k, ())
        rows.append((k, pct(v) + (f" (not held: {', '.join(absent)})" if absent else "")))
    rows.append(
        (
            "Excluded lines",
            f"{t.points(3)(res.excluded_weight)} of the fund "
            f"({t.plural(len(res.excluded_lines), 'line')})",
        )
    )
    rows.append(("Rule", res.rule))
    frame = res.to_frame().head(max(res.top_n, 10))
    tab = t.table(
        frame,
        [
            t.Column("Weight", "weight", t.percent(2)),
            t.Column("Cumulative", "cumulative", t.percent(2)),
        ],
        index=t.Column("Company" if res.by == "company" else "Line", ""),
        title="Largest holdings (share of the equity lines)",
    )
    return [t.facts(rows, title="Index concentration"), tab]


def render_concentration_history(res: Any) -> list[Any]:
    """Text of ``valuation concentration --history``: one row per holdings date."""
    frame = res.to_frame()
    n = res.snapshots[0].top_n if res.snapshots else 10
    cols = [
        t.Column(f"Top {n} weight", "top_weight", t.percent(2)),
        t.Column("HHI", "hhi", t.number(4)),
        t.Column("Effective N", "effective_n", t.number(1)),
    ] + [
        t.Column(c.removeprefix("group:"), c, t.percent(2))
        for c in frame.columns
        if c.startswith("group:")
    ]
    return [
        t.table(
            frame,
            cols,
            index=t.Column("Holdings date", "", t.date),
            title="Index concentration by holdings date (share of the equity lines)",
        )
    ]


@app.command("decompose")
def decompose_cmd(
    start: Annotated[str | None, typer.Option("--start", help="Start date YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="End date YYYY-MM-DD.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    date_to: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    price: Annotated[
        str, typer.Option("--price", help="Price series (file or store symbol).")
    ] = "SHILLER_P",
    earnings: Annotated[str, typer.Option("--earnings", help="Earnings series.")] = "SHILLER_E",
    dividends: Annotated[
        str | None,
        typer.Option("--dividends", help="Dividends series (annual rate); 'none' for none."),
    ] = "SHILLER_D",
    periods: Annotated[int, typer.Option("--periods-per-year", help="Observations a year.")] = 12,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Annualised total return = earnings growth + P/E change + dividend yield + interaction."""
    from bubblewatch.data.resolve import resolve_series
    from bubblewatch.errors import InputError
    from bubblewatch.valuation.decomposition import return_decomposition

    start = one_of(start, date_from, "--start/--from")
    end = one_of(end, date_to, "--end/--to")
    if start is None or end is None:
        raise InputError("give the window: --start YYYY-MM-DD --end YYYY-MM-DD")

    with data_store(data, store) as st:
        p = resolve_series(price, store=st)
        e = resolve_series(earnings, store=st)
        d = None if dividends in (None, "", "none") else resolve_series(dividends, store=st)  # type: ignore[arg-type]
    res = return_decomposition(
        p,
        e,
        d,
        start=start,
        end=end,
        periods_per_year=periods,
        source=f"{price}, {earnings}" + (f", {dividends}" if d is not None else ""),
    )
    emit(res, as_json, render=render_decomposition, export=export)


def render_decomposition(res: Any) -> list[Any]:
    """Text of ``valuation decompose``: the additive decomposition, in % a year."""
    pts = t.points(2, signed=True)
    rows = [
        {"part": "Earnings growth", "value": res.earnings_growth, "note": ""},
        {
            "part": "+ P/E change",
            "value": res.pe_change,
            "note": f"P/E {res.pe_start:.1f} -> {res.pe_end:.1f}",
        },
        {"part": "+ dividend yield", "value": res.dividend_yield, "note": ""},
        {
            "part": "+ interaction",
            "value": res.interaction,
            "note": f"of which earnings x P/E growth {res.cross_term:.2f}",
        },
        {"part": "= total return", "value": res.total_return, "note": ""},
        {"part": "price return", "value": res.price_return, "note": "without dividends"},
    ]
    return [
        t.table(
            rows,
            [
                t.Column("Component", "part"),
                t.Column("% a year", "value", pts),
                t.Column("", "note"),
            ],
            title=f"Annualised return decomposition {t.date(res.start)} .. {t.date(res.end)} "
            f"({res.years:.2f} years)",
            caption=f"data: {res.source}",
        )
    ]


@app.command("cape")
def cape_cmd(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Month to read (default latest).")
    ] = None,
    series: Annotated[
        str, typer.Option("--series", help="CAPE series (file or store symbol).")
    ] = "SHILLER_CAPE",
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Shiller CAPE, its percentile in history and the 1999-2000 peak."""
    from bubblewatch.data.resolve import resolve_series
    from bubblewatch.valuation.cape import cape_percentile

    with data_store(data, store) as st:
        s = resolve_series(series, store=st)
    emit(cape_percentile(s, as_of), as_json, render=render_cape)


def render_cape(res: Any) -> list[Any]:
    """Text of ``valuation cape``."""
    return [
        t.facts(
            [
                ("Month", f"{res.as_of:%Y-%m}"),
                ("CAPE", f"{res.value:.1f}"),
                (
                    "Percentile",
                    f"{res.percentile:.1f} of {t.plural(res.n_months, 'month')} since "
                    f"{res.cape.index[0]:%Y-%m} (rank {res.rank})",
                ),
                ("Dot-com peak", f"{res.peak_value:.1f} in {res.peak_date:%Y-%m}"),
            ],
            title="Shiller CAPE (price / 10-year average real earnings)",
        )
    ]


@app.command("multiple")
def multiple_cmd(
    symbol: Annotated[str, typer.Argument(help="Symbol whose multiple to put in context.")],
    peers: Annotated[
        str | None, typer.Option("--peers", help="Comma-separated peer symbols.")
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Date of the reading (default: last price).")
    ] = None,
    metric: Annotated[
        str, typer.Option("--metric", help="Per-share fundamental in the store (default eps).")
    ] = "eps",
    trailing: Annotated[
        int, typer.Option("--trailing", help="Periods summed (4 quarters = TTM).")
    ] = 4,
    lag: Annotated[
        int, typer.Option("--lag-days", help="Reporting lag before a figure counts.")
    ] = 0,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Price / trailing fundamental (P/E for eps) vs peers and vs the symbol's own history."""
    from bubblewatch.valuation.multiples import (
        multiple_in_context,
        multiple_series,
        per_share_series,
    )

    def series_of(st: Store, sym: str) -> Any:
        per_share = per_share_series(st.fundamentals(sym, metric), name=f"{sym} {metric}")
        close = st.prices(sym)["close"].astype(float)
        return multiple_series(close, per_share, trailing=trailing, lag_days=lag)

    names = [x.strip().upper() for x in (peers or "").split(",") if x.strip()]
    with data_store(data, store) as st:
        own = series_of(st, symbol)
        peer_series = {p: series_of(st, p) for p in names}
    with flag_hints({"date": "--date YYYY-MM-DD"}):
        res = multiple_in_context(own, peer_series, date=date, name=f"{symbol} P/{metric}")
    emit(res, as_json, render=render_multiple)


def render_multiple(res: Any) -> list[Any]:
    """Text of ``valuation multiple``."""
    rows: list[tuple[str, Any]] = [(res.name, f"{res.value:.2f}x")]
    if len(res.peers):
        rows.append(
            (
                f"vs {t.plural(len(res.peers), 'peer')}",
                f"mean {res.peer_mean:.2f}x, median {res.peer_median:.2f}x, z-score "
                f"{t.number(2)(res.peer_z)}, percentile {t.number(0)(res.peer_percentile)}",
            )
        )
    if len(res.history):
        rows.append(
            (
                "vs its own history",
                f"{t.plural(len(res.history), 'reading')}: z-score {t.number(2)(res.history_z)}, "
                f"percentile {t.number(0)(res.history_percentile)}",
            )
        )
    out: list[Any] = [t.facts(rows, title="Multiple in context")]
    if len(res.peers):
        out.append(
            t.table(
                [{"who": k, "m": v} for k, v in res.peers.items()],
                [t.Column("Peer", "who"), t.Column("Multiple", "m", t.multiple(2))],
            )
        )
    return out


# the commands over company fundamentals live in their own module
app.command("pe")(valuation_fundamentals.pe_cmd)
app.command("fcf")(valuation_fundamentals.fcf_cmd)
app.command("capex")(valuation_fundamentals.capex_cmd)
