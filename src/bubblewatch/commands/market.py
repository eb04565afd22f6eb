"""``bubblewatch market``: event analytics, reaction tables, Diebold-Yilmaz spillovers and
connectedness (TVP-VAR, quantile, frequency, joint)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from bubblewatch.commands.common import (
    DataOpt,
    JsonOpt,
    StoreOpt,
    console,
    data_store,
    emit,
    is_quiet,
    progress,
)
from bubblewatch.commands.connectedness import connectedness_cmd
from bubblewatch.errors import DataFileError, InputError, NotFoundError
from bubblewatch.series import USDCNY_SERIES

app = typer.Typer(
    help="Market shocks and contagion: event analytics, reaction tables, spillovers.",
    no_args_is_help=True,
)


@app.command("event")
def event(
    symbol: Annotated[str, typer.Argument(help="Symbol in the store (e.g. NVDA).")],
    date: Annotated[str, typer.Option("--date", help="Event session, YYYY-MM-DD.")],
    end: Annotated[
        str | None,
        typer.Option("--end", help="With --end: every session from --date to --end (a range)."),
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
) -> None:
    """Return, market value in USD/CNY, rank, rarity, volume, panic flag and drawdown of one day."""
    from bubblewatch.market.event import market_event
    from bubblewatch.market.event_table import market_events

    with data_store(data, store) as st:
        prices = st.prices(symbol)
        sh = None
        sh_sym = symbol if shares is None else shares
        if sh_sym.lower() != "none":
            try:
                sh = st.shares_outstanding(sh_sym)
            except NotFoundError:
                if shares is not None:
                    raise
                if not is_quiet():
                    console.print(
                        f"note: no shares-outstanding series {sh_sym!r} in the store: market "
                        "value, its USD/CNY changes and the turnover rate are left empty "
                        "(import the shares or pass --shares SYMBOL; --shares none to skip)",
                        highlight=False,
                        soft_wrap=True,
                        markup=False,
                    )
        usdcny = None
        if fx.lower() != "none":
            try:
                usdcny = st.fx(fx)
            except NotFoundError:
                if fx != USDCNY_SERIES:
                    raise
        if end is not None:
            emit(
                market_events(prices, date, end, shares=sh, usdcny=usdcny, symbol=symbol),
                as_json,
            )
            return
        try:
            result = market_event(
                prices, date, shares=sh, usdcny=usdcny, years=years, symbol=symbol, fx_name=fx
            )
        except InputError as exc:
            if usdcny is not None and "USD/CNY" in str(exc):
                raise type(exc)(f"{exc} (use --fx none to skip the CNY figures)") from exc
            if sh is not None and str(exc).startswith("shares outstanding"):
                raise type(exc)(
                    f"{exc} (use --shares none to skip the market value and turnover)"
                ) from exc
            raise
    emit(result, as_json)


def _universe(spec: str) -> list[str]:
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
) -> None:
    """Reactions across markets (US same session, Asia/Europe next session, crypto next UTC day)."""
    from bubblewatch.data.resolve import resolve_series
    from bubblewatch.market.contagion import reaction_table

    members = [symbol, *[s for s in _universe(universe) if s != symbol]]
    with data_store(data, store) as st:
        series = {m: resolve_series(m, column="close", store=st) for m in members}
    result = reaction_table(series, date, event_symbol=symbol, z_window=z_window)
    emit(result, as_json)


def _read_wide(path: Path) -> pd.DataFrame:
    """A CSV with a date column (``date``, ``Index`` or the first column) and value columns."""
    try:
        df = pd.read_csv(path)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot read file ({exc})") from exc
    if df.shape[1] < 2:
        raise DataFileError(path, "needs a date column and at least one value column", line=1)
    cols = {str(c).strip().lower(): c for c in df.columns}
    dcol = cols.get("date", cols.get("index", df.columns[0]))
    if pd.api.types.is_numeric_dtype(df[dcol]):  # numbers would parse as epoch nanoseconds
        raise DataFileError(
            path,
            "no date column",
            line=2,
            column=str(dcol),
            value=str(df[dcol].iloc[0]),
            expected="a 'date' column (or a first column) of ISO dates YYYY-MM-DD",
        )
    dates = pd.to_datetime(df[dcol], errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().argmax())
        raise DataFileError(
            path,
            "unparsable date",
            line=i + 2,
            column=str(dcol),
            value=df[dcol].iloc[i],
            expected="an ISO date YYYY-MM-DD",
        )
    out = df.drop(columns=[dcol])
    for c in out.columns:
        vals = pd.to_numeric(out[c], errors="coerce")
        bad = vals.isna() & out[c].notna()
        if bad.any():
            i = int(bad.to_numpy().argmax())
            raise DataFileError(
                path,
                "not a number",
                line=i + 2,
                column=str(c),
                value=out[c].iloc[i],
                expected="a number",
            )
        out[c] = vals.astype(float)
    out.index = pd.DatetimeIndex(dates, name="date")
    if out.shape[1] == 1 and str(out.columns[0]).lower() in ("value", "close"):
        out.columns = [path.stem]
    if out.index.duplicated().any():
        d = out.index[out.index.duplicated()][0]
        raise DataFileError(path, "duplicate date", column=str(dcol), value=str(d.date()))
    return out.sort_index()


def load_sources(
    sources: list[str],
    *,
    column: str,
    data: Path | None,
    store: Path | None,
    returns: bool = False,
    join: str = "inner",
) -> pd.DataFrame:
    """SOURCES (CSV files with a date column and value columns, or store symbols) as one frame.

    ``join="inner"`` keeps the common dates; ``"outer"`` keeps every date (gaps stay missing,
    for the analysis to name them) and takes ``returns`` per series on its own dates.
    """
    frames: list[pd.DataFrame] = []
    symbols: list[str] = []
    for src in sources:
        p = Path(src)
        if p.suffix.lower() in (".csv", ".gz") or p.exists():
            if not p.exists():
                raise NotFoundError(f"file {p} does not exist")
            frames.append(_read_wide(p))
        else:
            symbols.append(src)
    if symbols:
        from bubblewatch.data.resolve import resolve_series

        with data_store(data, store) as st:
            for s in symbols:
                frames.append(resolve_series(s, column=column, store=st).rename(s).to_frame())
    df = pd.concat(frames, axis=1, join=join) if len(frames) > 1 else frames[0]  # type: ignore[call-overload]
    dup = df.columns[df.columns.duplicated()]
    if len(dup):
        raise InputError(f"series name {dup[0]!r} appears twice among the sources")
    if df.empty:
        raise InputError("the sources share no common date: nothing to align")
    if returns:
        nonpos = [c for c in df.columns if (df[c] <= 0).any()]
        if nonpos:
            raise InputError(f"--returns needs positive values; {nonpos[0]!r} has values <= 0")
        if join == "inner":
            df = np.log(df).diff().iloc[1:]
        else:
            df = pd.concat({c: np.log(df[c].dropna()).diff() for c in df.columns}, axis=1)
            df = df.iloc[1:]
    return df


@app.command("spillover")
def spillover_cmd(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="CSV files with a date column and value columns, or symbols in the store.",
            show_default=False,
        ),
    ],
    lags: Annotated[int, typer.Option("--lags", help="VAR order p.")] = 4,
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
    returns: Annotated[
        bool, typer.Option("--returns", help="Use log returns of the values (default: as given).")
    ] = False,
    column: Annotated[
        str, typer.Option("--column", help="Price column for store symbols.")
    ] = "close",
    store: StoreOpt = None,
    data: DataOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Diebold-Yilmaz spillover table (or rolling total spillover with --window)."""
    from bubblewatch.market.spillover import rolling_spillover, spillover

    df = load_sources(sources, column=column, data=data, store=store, returns=returns)
    kwargs = {"lags": lags, "horizon": horizon, "method": method, "horizon_terms": horizon_terms}
    if window is not None:
        with progress("rolling spillovers"):
            roll = rolling_spillover(df, window, **kwargs)  # type: ignore[arg-type]
        if as_json:
            emit(roll.to_dict()["total"], True)
        else:
            emit(roll, False)
        return
    result = spillover(df, **kwargs)  # type: ignore[arg-type]
    emit(result, as_json)


app.command("connectedness")(connectedness_cmd)
