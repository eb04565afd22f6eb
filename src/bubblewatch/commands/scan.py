"""``bubblewatch scan``: PSY, LPPLS and the status over many series, resumable, on any scheduler."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bubblewatch.commands.common import (
    DataOpt,
    ExportOpt,
    JsonOpt,
    StoreOpt,
    announce_kernels,
    console,
    data_store,
    emit,
    is_quiet,
)
from bubblewatch.errors import InputError, Interrupted


class PValues(StrEnum):
    table = "table"
    wb = "wb"


class Scheduler(StrEnum):
    sync = "sync"
    threads = "threads"
    processes = "processes"
    dask = "dask"


def command(
    symbols: Annotated[
        str | None,
        typer.Option(
            "--symbols",
            help="Comma-separated symbols (default: every series of --kind, or of the panel).",
        ),
    ] = None,
    kind: Annotated[
        str, typer.Option("--kind", help="Kind of store series to scan without --symbols.")
    ] = "equity",
    panel: Annotated[
        Path | None,
        typer.Option(
            "--panel",
            help="Scan a long panel file (CSV/Parquet: symbol,date,close[,volume]) instead of "
            "the store.",
        ),
    ] = None,
    column: Annotated[
        str | None,
        typer.Option(
            "--column",
            help="Price column (default: adjusted closes from the store, close from --panel).",
        ),
    ] = None,
    analyses: Annotated[
        str, typer.Option("--analyses", help="Comma-separated: psy, lppls, status.")
    ] = "psy",
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Cut every series at this date (default: its last date)."),
    ] = None,
    lags: Annotated[int, typer.Option("--lags", help="PSY's ADF lag (0 uses the tables).")] = 0,
    log: Annotated[
        bool, typer.Option("--log/--no-log", help="PSY on log prices (default: on).")
    ] = True,
    level: Annotated[int, typer.Option("--level", help="Critical-value level: 90, 95 or 99.")] = 95,
    min_obs: Annotated[
        int, typer.Option("--min-obs", help="PSY: shorter series are listed, not tested.")
    ] = 60,
    pvalues: Annotated[
        PValues,
        typer.Option(
            "--pvalues",
            help="GSADF p-values: 'table' (the shipped null of homoskedastic random walks) or "
            "'wb' (wild bootstrap of each series: robust to volatility clustering, slower).",
        ),
    ] = PValues.table,
    pvalue_reps: Annotated[
        int,
        typer.Option("--pvalue-reps", min=19, help="Wild-bootstrap replications (--pvalues wb)."),
    ] = 199,
    fdr: Annotated[
        float,
        typer.Option(
            "--fdr",
            min=0.0,
            max=1.0,
            help="False-discovery rate of the Benjamini-Hochberg flag.",
        ),
    ] = 0.05,
    scheduler: Annotated[
        Scheduler | None,
        typer.Option(
            "--scheduler",
            help="sync, threads, processes or dask (default threads; dask with --address).",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Threads, processes or local Dask workers (default: CPUs)."
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option("--address", help="A running Dask scheduler, tcp://host:8786."),
    ] = None,
    connect_timeout: Annotated[
        float,
        typer.Option("--connect-timeout", min=0.0, help="Seconds to wait for --address."),
    ] = 5.0,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write the rows as they arrive to this folder (resumable)."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume/--no-resume",
            help="Skip series already done in --out (default); --no-resume recomputes them.",
        ),
    ] = True,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", min=0.0, help="Per-series time limit in seconds."),
    ] = None,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Retries of a series whose worker died.")
    ] = 3,
    top: Annotated[int, typer.Option("--top", help="Rows of each list in the text output.")] = 15,
    data: DataOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Scan many series: PSY explosiveness (with p-values and a false-discovery-rate flag),
    LPPLS confidence at both status scales, the status level; resumable with --out."""
    from bubblewatch.commands.scan_progress import scan_progress
    from bubblewatch.scan import scan

    names = [s.strip() for s in symbols.split(",") if s.strip()] if symbols else None
    notes: list[str] = []
    extras: dict[str, Any] | None = None
    if panel is not None:
        if data is not None or store is not None:
            raise InputError("use --panel FILE or the store (--data/--store), not both")
        from bubblewatch.data.panel_file import read_panel_file

        pf = read_panel_file(panel, column or "close")
        series: dict[str, Any] = pf.frames()
        notes.extend(pf.notes)
        if names:
            absent = [n for n in names if n not in series]
            if absent:
                raise InputError(f"--symbols: not in {panel}: {', '.join(absent)}")
            series = {n: series[n] for n in names}
    else:
        from bubblewatch.data.scan_inputs import store_universe

        with data_store(data, store) as st:
            universe = store_universe(st, names, kind=kind, column=column or "adj_close")
        series, extras = dict(universe.series), universe.extras
        notes.extend(universe.notes)
    sched = scheduler.value if scheduler is not None else ("dask" if address else "threads")
    from bubblewatch.scan import PSYAnalysis
    from bubblewatch.scan.run import resolve_analyses

    wanted: list[Any] = [a.strip() for a in analyses.split(",") if a.strip()]
    if not wanted:
        raise InputError("--analyses: name at least one of psy, lppls, status")
    wanted = [
        PSYAnalysis(
            lags=lags,
            log=log,
            level=level,
            min_obs=min_obs,
            pvalue=pvalues.value,
            pvalue_reps=pvalue_reps,
        )
        if a == "psy"
        else a
        for a in wanted
    ]
    resolved = resolve_analyses(wanted)
    if not is_quiet():
        for n in notes:
            console.print(f"note: {n}", highlight=False, soft_wrap=True)
    title = f"scan ({', '.join(a.name for a in resolved)}) on {sched}"
    try:
        announce_kernels("psy", "lppls")
        with scan_progress(title) as on_progress:
            result = scan(
                series,
                resolved,
                as_of=as_of,
                fdr=fdr,
                scheduler=sched,
                workers=workers,
                address=address,
                out=out,
                resume=resume,
                timeout=timeout,
                retries=retries,
                connect_timeout=connect_timeout,
                on_progress=on_progress,
                notes=notes,
                extras=extras,
            )
    except KeyboardInterrupt:
        where = (
            f"saved in {out}; run the same command again to resume" if out else "lost (no --out)"
        )
        raise Interrupted(f"scan interrupted: the rows finished so far are {where}") from None
    from bubblewatch.commands.scan_render import render_scan

    emit(result, as_json, render=lambda r: render_scan(r, top), export=export)
