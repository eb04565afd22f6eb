"""``bubblewatch psy``: PSY recursive ADF tests, critical values and explosive episodes."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import pandas as pd
import typer

from bubblewatch.commands.common import JsonOpt, StoreOpt, emit, flag_hints, progress
from bubblewatch.errors import InputError


class CvMethod(StrEnum):
    mc = "mc"
    wb = "wb"
    table = "table"


class IC(StrEnum):
    aic = "aic"
    bic = "bic"


def command(
    source: Annotated[
        str, typer.Argument(help="A CSV/Parquet file (date + the column) or a symbol in the store.")
    ],
    column: Annotated[str, typer.Option("--column", help="Price column to test.")] = "close",
    log: Annotated[
        bool, typer.Option("--log/--no-log", help="Test the log of the series (default: on).")
    ] = True,
    min_window: Annotated[
        int | None,
        typer.Option(
            "--min-window",
            help="Smallest window in observations (default floor((0.01+1.8/sqrt(T))·T)).",
        ),
    ] = None,
    lags: Annotated[
        int | None, typer.Option("--lags", help="Fixed number of lagged differences (default 0).")
    ] = None,
    ic: Annotated[
        IC | None,
        typer.Option("--ic", help="Choose the lag per window by AIC or BIC (needs --max-lags)."),
    ] = None,
    max_lags: Annotated[
        int | None, typer.Option("--max-lags", help="Largest lag tried with --ic.")
    ] = None,
    cv: Annotated[
        CvMethod | None,
        typer.Option(
            "--cv",
            help="Critical values: Monte Carlo, wild bootstrap or the shipped table "
            "(default: the table when it applies (lag 0, default window), else mc).",
        ),
    ] = None,
    reps: Annotated[
        int | None, typer.Option("--reps", help="Replications for --cv mc (2000) or wb (500).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for mc/wb.")] = 0,
    drop_missing: Annotated[
        bool,
        typer.Option(
            "--drop-missing",
            help="Skip rows of a file whose value is blank or NaN (default: such a row "
            "is an error naming its date).",
        ),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Test SOURCE for explosive behaviour (PSY 2015: SADF, GSADF, BSADF) and date its episodes."""
    from bubblewatch.data.resolve import resolve_series
    from bubblewatch.detect.psy import psy

    if ic is not None and lags is not None:
        raise InputError("give either --lags K or --ic aic|bic --max-lags K, not both")
    if ic is None and max_lags is not None:
        raise InputError("--max-lags needs --ic aic|bic")
    y = resolve_series(source, column=column, store=store, keep_missing=not drop_missing)
    if y.name is None or str(y.name) == "":
        y.name = str(source)
    missing = y.isna().to_numpy()
    if missing.any():
        first = y.index[int(missing.argmax())]
        when = first.date() if isinstance(first, pd.Timestamp) else first
        raise InputError(
            f"{y.name} has a missing (blank or NaN) value at {when}; PSY needs a complete "
            "series: fill the gap, or pass --drop-missing to skip rows without a value"
        )
    with progress("PSY statistics"), flag_hints({"log": "--no-log tests the series as given"}):
        result = psy(
            y,
            min_window=min_window,
            lags=lags or 0,
            ic=ic.value if ic is not None else None,
            max_lags=max_lags,
            log=log,
        )
    method = cv.value if cv is not None else "auto"
    n_reps = reps if reps is not None else (500 if method == "wb" else 2000)
    with progress(f"critical values ({method})"):
        result = result.with_critical_values(method=method, reps=n_reps, seed=seed)
    emit(result, as_json)
