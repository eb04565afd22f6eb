"""``bubblewatch lppls``: LPPLS fits and the DS LPPLS confidence indicator."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands.common import JsonOpt, StoreOpt, emit, progress
from bubblewatch.data.resolve import resolve_source

app = typer.Typer(
    help="LPPLS bubble fits and the DS LPPLS confidence indicator.", no_args_is_help=True
)

SourceArg = Annotated[
    str, typer.Argument(help="A CSV/Parquet file (date + close) or a symbol in the store.")
]
ColumnOpt = Annotated[
    str | None,
    typer.Option(
        "--column",
        help="Price column (default: close of a file; the adjusted close of a store symbol, "
        "its long history joined as `bubblewatch status` reads it).",
    ),
]
FiltersOpt = Annotated[
    str, typer.Option("--filters", help="Filter preset: fco (default) or lppls.")
]


@app.command("fit")
def fit_cmd(
    source: SourceArg,
    start: Annotated[str | None, typer.Option("--start", help="First date of the window.")] = None,
    end: Annotated[str | None, typer.Option("--end", help="Last date of the window.")] = None,
    filters: FiltersOpt = "fco",
    column: ColumnOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit the LPPLS model to one window of log prices (global optimum of the search box)."""
    from bubblewatch.detect.lppls import fit_lppls

    s, hist = resolve_source(source, column=column, store=store)
    if hist is not None and end is not None:
        hist = hist.until(end)
    fit = fit_lppls(s, start=start, end=end, filters=filters)
    text = None if hist is None else f"series: {hist.describe()}\n{fit.summary()}"
    emit(fit, as_json, text=text)


@app.command("confidence")
def confidence_cmd(
    source: SourceArg,
    window_max: Annotated[
        int, typer.Option("--window-max", help="Largest window (observations).")
    ] = 504,
    window_min: Annotated[
        int, typer.Option("--window-min", help="Smallest window (observations).")
    ] = 30,
    window_step: Annotated[int, typer.Option("--window-step", help="Window length step.")] = 5,
    end_step: Annotated[int, typer.Option("--end-step", help="Step between end dates.")] = 1,
    date_from: Annotated[str | None, typer.Option("--from", help="First end date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last end date.")] = None,
    filters: FiltersOpt = "fco",
    column: ColumnOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """DS LPPLS confidence indicator: share of windows per end date with a qualified fit."""
    from bubblewatch.detect.lppls_confidence import lppls_confidence

    s, hist = resolve_source(source, column=column, store=store)
    if hist is not None and date_to is not None:
        hist = hist.until(date_to)
    with progress("LPPLS confidence"):
        res = lppls_confidence(
            s,
            window_max=window_max,
            window_min=window_min,
            window_step=window_step,
            end_step=end_step,
            start=date_from,
            end=date_to,
            filters=filters,
        )
    if as_json:
        payload: dict[str, Any] = {
            "n_fits": res.n_fits,
            "indicator": [
                {"date": d, "pos": row["pos"], "neg": row["neg"]}
                for d, row in res.indicator.iterrows()
            ],
            "metadata": res.metadata.to_dict(),
            "series": None if hist is None else hist.to_dict(),
        }
        emit(payload, True)
    else:
        emit(
            res, False, text=None if hist is None else f"series: {hist.describe()}\n{res.summary()}"
        )
