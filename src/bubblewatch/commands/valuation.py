"""``bubblewatch valuation``: index concentration, return decomposition, CAPE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from bubblewatch.commands.common import DataOpt, JsonOpt, StoreOpt, data_store, emit

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

app = typer.Typer(
    help="Valuation: concentration, return decomposition, CAPE.", no_args_is_help=True
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
) -> None:
    """Top-N weight, HHI, effective N and group weights (percent) of an index's holdings."""
    from bubblewatch.valuation.concentration import (
        concentration,
        concentration_history,
        parse_group,
    )

    groups = dict(parse_group(g) for g in group) if group else None
    with data_store(data, store) as st:
        if history:
            snaps = {d: st.holdings(index, d.date().isoformat()) for d in st.holdings_dates(index)}
            emit(concentration_history(snaps, top_n=top, groups=groups, by=by), as_json)
            return
        h = st.holdings(index, holdings)
        res = concentration(h, top_n=top, groups=groups, by=by, as_of=h.attrs.get("as_of"))
    emit(res, as_json)


@app.command("decompose")
def decompose_cmd(
    start: Annotated[str, typer.Option("--from", help="Start date YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="End date YYYY-MM-DD.")],
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
) -> None:
    """Annualised total return = earnings growth + P/E change + dividend yield + interaction."""
    from bubblewatch.data.resolve import resolve_series
    from bubblewatch.valuation.decomposition import return_decomposition

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
    emit(res, as_json)


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
    emit(cape_percentile(s, as_of), as_json)


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
    import pandas as pd

    from bubblewatch.errors import NotFoundError
    from bubblewatch.valuation.multiples import multiple_series, relative_multiple

    def series_of(st: Store, sym: str) -> pd.Series:
        f = st.fundamentals(sym, metric)
        per_share = pd.Series(
            f["value"].to_numpy(float),
            index=pd.DatetimeIndex(f["period_end"]),
            name=f"{sym} {metric}",
        )
        return multiple_series(
            st.prices(sym)["close"].astype(float), per_share, trailing=trailing, lag_days=lag
        ).dropna()

    with data_store(data, store) as st:
        own = series_of(st, symbol)
        if own.empty:
            raise NotFoundError(f"{symbol}: no positive trailing {metric} to divide the price by")
        when = pd.Timestamp(date) if date else own.index[-1]
        hist = own[own.index <= when]
        if hist.empty:
            raise NotFoundError(f"{symbol}: no multiple on or before {when.date()}")
        peer_vals: dict[str, float] = {}
        for p in [x.strip().upper() for x in (peers or "").split(",") if x.strip()]:
            s = series_of(st, p)
            s = s[s.index <= when]
            if not s.empty:
                peer_vals[p] = float(s.iloc[-1])
    res = relative_multiple(
        float(hist.iloc[-1]), peers=peer_vals, history=hist.iloc[:-1], name=f"{symbol} P/{metric}"
    )
    emit(res, as_json)
