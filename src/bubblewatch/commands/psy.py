"""``bubblewatch psy``: PSY recursive ADF tests, critical values and explosive episodes.

By default the test runs on the status's sample (the daily log adjusted closes of the last
five years up to ``--as-of``; ``--years 0`` takes the whole history) with the status's
heteroskedasticity-robust critical values (wild bootstrap, 199 replications, exuber's
pointwise rule), so ``bubblewatch psy NVDA --as-of D`` recomputes the numbers of
``bubblewatch status NVDA --as-of D``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblewatch.commands.common import (
    DataOpt,
    JsonOpt,
    StoreOpt,
    announce_kernels,
    data_store,
    emit,
    flag_hints,
    progress,
)
from bubblewatch.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


class CvMethod(StrEnum):
    wb = "wb"
    mc = "mc"
    table = "table"
    auto = "auto"


class Rule(StrEnum):
    pointwise = "pointwise"
    psy = "psy"
    familywise = "familywise"


class IC(StrEnum):
    aic = "aic"
    bic = "bic"


def command(
    source: Annotated[
        str, typer.Argument(help="A CSV/Parquet file (date + the column) or a symbol in the store.")
    ],
    column: Annotated[
        str | None,
        typer.Option(
            "--column",
            help="Price column (default: close of a file; the adjusted close of a store symbol).",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last date tested (default: the last date).")
    ] = None,
    years: Annotated[
        int,
        typer.Option(
            "--years",
            help="Calendar years of data tested, up to --as-of (default 5, the status's "
            "sample; 0 = the whole history).",
        ),
    ] = 5,
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
        CvMethod,
        typer.Option(
            "--cv",
            help="Critical values: wild bootstrap (default, robust to volatility clustering), "
            "Monte Carlo, the shipped homoskedastic table, or auto (table when it applies, "
            "else mc).",
        ),
    ] = CvMethod.wb,
    rule: Annotated[
        Rule | None,
        typer.Option(
            "--rule",
            help="BSADF critical-value rule: pointwise (exuber's, default with --cv wb), psy "
            "(running maximum of BADF, default otherwise) or familywise.",
        ),
    ] = None,
    reps: Annotated[
        int | None, typer.Option("--reps", help="Replications for --cv wb (199) or mc (2000).")
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
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Test SOURCE for explosive behaviour (PSY 2015: SADF, GSADF, BSADF) and date its episodes."""
    from pathlib import Path

    from bubblewatch.data.resolve import resolve_source

    if ic is not None and lags is not None:
        raise InputError("give either --lags K or --ic aic|bic --max-lags K, not both")
    if ic is None and max_lags is not None:
        raise InputError("--max-lags needs --ic aic|bic")
    if years < 0:
        raise InputError(f"--years {years}: give a number of years, or 0 for the whole history")
    if data is None or Path(source).exists():
        y, hist = resolve_source(source, column=column, store=store, keep_missing=not drop_missing)
    else:  # a store symbol read from the --data folder's cached store (as `lppls` does)
        with data_store(data, store) as st:
            y, hist = resolve_source(source, column=column, store=st, keep_missing=not drop_missing)
    if y.name is None or str(y.name) == "":
        y.name = str(source)
    with flag_hints({"log": "--no-log tests the series as given"}):
        result, payload, header = psy_payload(
            y,
            hist,
            column=column,
            as_of=as_of,
            years=years,
            log=log,
            min_window=min_window,
            lags=lags,
            ic=ic.value if ic is not None else None,
            max_lags=max_lags,
            cv=cv.value,
            rule=rule.value if rule is not None else None,
            reps=reps,
            seed=seed,
        )
    if as_json:
        emit(payload, True)
    else:
        emit(result, False, text="\n".join([*header, result.summary()]))


def psy_payload(
    y: pd.Series,
    hist: Any,
    *,
    column: str | None = None,
    as_of: str | None = None,
    years: int = 5,
    log: bool = True,
    min_window: int | None = None,
    lags: int | None = None,
    ic: str | None = None,
    max_lags: int | None = None,
    cv: str = "wb",
    rule: str | None = None,
    reps: int | None = None,
    seed: int = 0,
) -> tuple[Any, dict[str, Any], list[str]]:
    """``psy`` on a resolved series: the result, its ``--json`` payload and the text header
    (the dashboard's ``/api/psy`` returns the same payload)."""
    import pandas as pd

    from bubblewatch.detect.psy import psy
    from bubblewatch.status.explosive import psy_sample
    from bubblewatch.status.params import DEFAULT_PARAMS

    if as_of is not None:
        from bubblewatch.status.asset import parse_as_of

        when = parse_as_of(as_of)
        y = y[y.index <= when]
        if y.empty:
            raise InputError(f"{y.name} has no data on or before {when.date()}")
        if hist is not None:
            hist = hist.until(when)
    missing = y.isna().to_numpy()
    if missing.any():
        first = y.index[int(missing.argmax())]
        when_txt = first.date() if isinstance(first, pd.Timestamp) else first
        raise InputError(
            f"{y.name} has a missing (blank or NaN) value at {when_txt}; PSY needs a complete "
            "series: fill the gap, or pass --drop-missing to skip rows without a value"
        )
    full = len(y)
    if years and isinstance(y.index, pd.DatetimeIndex):
        y = psy_sample(y, DEFAULT_PARAMS.replace(sample_years=years))
    announce_kernels("psy")
    with progress("PSY statistics"):
        result = psy(y, min_window=min_window, lags=lags or 0, ic=ic, max_lags=max_lags, log=log)
    method = cv
    the_rule = rule if rule is not None else ("pointwise" if method == "wb" else "psy")
    n_reps = reps if reps is not None else (DEFAULT_PARAMS.cv_reps if method == "wb" else 2000)
    with progress(f"critical values ({method})"):
        result = result.with_critical_values(method=method, reps=n_reps, seed=seed, rule=the_rule)
    sample = (
        f"the last {years} years of the data to {result.y.index[-1].date()} "
        f"({result.nobs} of {full} observations)"
        if years and isinstance(y.index, pd.DatetimeIndex) and result.nobs < full
        else f"the whole series ({result.nobs} observations)"
    )
    what = f"{'log ' if log else ''}{'adjusted closes' if hist is not None and column is None else 'values'}"
    header = [f"PSY on {y.name}: {what}, {sample}"]
    if hist is not None:
        header.append(f"series: {hist.describe()}")
    payload = result.to_dict()
    payload["sample"] = {"years": years or None, "description": sample, "observations": full}
    payload["series"] = None if hist is None else hist.to_dict()
    return result, payload, header
