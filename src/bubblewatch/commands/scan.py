"""``bubblewatch scan``: PSY-test many series of the store at once, locally or on Dask."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from bubblewatch.commands.common import DataOpt, JsonOpt, StoreOpt, data_store, emit, progress
from bubblewatch.errors import InputError


class Scheduler(StrEnum):
    sync = "sync"
    threads = "threads"
    processes = "processes"
    dask = "dask"


def command(
    symbols: Annotated[
        str | None,
        typer.Option(
            "--symbols", help="Comma-separated symbols (default: every series of --kind)."
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="Kind of series to scan when --symbols is not given.")
    ] = "equity",
    column: Annotated[str, typer.Option("--column", help="Price column to test.")] = "close",
    lags: Annotated[int, typer.Option("--lags", help="ADF lag (0 uses the shipped table).")] = 0,
    level: Annotated[int, typer.Option("--level", help="Critical-value level: 90, 95 or 99.")] = 95,
    min_obs: Annotated[
        int, typer.Option("--min-obs", help="Shorter series are listed, not tested.")
    ] = 60,
    scheduler: Annotated[
        Scheduler, typer.Option("--scheduler", help="Where to run: sync, threads, processes, dask.")
    ] = Scheduler.threads,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Pool size (default: number of CPUs).")
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            "--address", help="A running Dask scheduler (tcp://host:8786); --scheduler dask."
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", help="Rows of explosive series in the text output.")
    ] = 15,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """PSY-scan many series: which are explosive over their sample, and which are now."""
    from bubblewatch.detect.scan import scan_psy

    with data_store(data, store) as st:
        if symbols:
            names = [s.strip() for s in symbols.split(",") if s.strip()]
        else:
            cat = st.list_series()
            names = [str(s) for s, k in zip(cat["symbol"], cat["kind"], strict=True) if k == kind]
            if not names:
                raise InputError(f"the store holds no series of kind '{kind}'")
        series = {name: st.series(name, column) for name in names}
    with progress(f"PSY scan of {len(series)} series", total=len(series)) as advance:
        result = scan_psy(
            series,
            lags=lags,
            level=level,
            min_obs=min_obs,
            scheduler=scheduler.value,
            workers=workers,
            address=address,
            on_progress=advance,
        )
    emit(result, as_json, text=result.summary(top=top))
