"""Run a scan: series in, rows out (to memory or to an output directory), on any scheduler."""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.results import make_metadata
from bubblewatch.scan.analyses import Analysis, LPPLSAnalysis, PSYAnalysis, StatusAnalysis
from bubblewatch.scan.engines import SCHEDULERS, Job, Task, execute, make_backend
from bubblewatch.scan.outdir import ScanDirectory, rows_frame
from bubblewatch.scan.result import ScanResult, add_fdr_columns
from bubblewatch.scan.series_row import OUTCOMES
from bubblewatch.scan.spec import ScanSpec, SeriesInput, prepare_inputs
from bubblewatch.series import iso_date
from bubblewatch.status.asset import parse_as_of
from bubblewatch.validation import (
    Bool,
    Date,
    Function,
    Instance,
    Integer,
    MappingOf,
    Options,
    Real,
    Text,
    validate_params,
)

_SERIES = [
    MappingOf("a mapping {symbol: prices}"),
    Instance(list, tuple, what="(symbol, prices) pairs"),
]

__all__ = ["ANALYSES", "ScanProgress", "scan", "scan_psy"]

#: the analyses a scan can run by name
ANALYSES = ("psy", "lppls", "status")

#: rows are written at once when the last part is older than this, else with the next
#: task that ends after it (and at the end): at most this much finished work is in memory
FLUSH_S = 1.0


@dataclasses.dataclass
class ScanProgress:
    """Where a running scan is: handed to ``on_progress`` after every finished task."""

    total: int
    skipped: int = 0
    done: int = 0
    counts: dict[str, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    started: float = dataclasses.field(default_factory=time.monotonic)

    @property
    def todo(self) -> int:
        return self.total - self.skipped

    @property
    def failed(self) -> int:
        """Series that ended in an error, a timeout or a lost worker."""
        return self.counts["error"] + self.counts["timeout"] + self.counts["worker lost"]

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float:
        """Series computed per second so far (NaN before the first)."""
        return self.done / self.elapsed if self.done and self.elapsed > 0 else math.nan

    @property
    def eta(self) -> float:
        """Seconds left at the current rate (NaN before the first series)."""
        r = self.rate
        return (self.todo - self.done) / r if r > 0 else math.nan


def resolve_analyses(analyses: Iterable[str | Analysis]) -> tuple[Analysis, ...]:
    """Analysis objects for names (default parameters) or objects given as they are."""
    out: list[Analysis] = []
    for a in analyses:
        if not isinstance(a, str):
            out.append(a)
            continue
        name = a.strip().lower()
        if name == "psy":
            out.append(PSYAnalysis())
        elif name == "lppls":
            out.append(LPPLSAnalysis())
        elif name == "status":
            out.append(StatusAnalysis())
        else:
            raise InputError(
                f"unknown analysis {a!r}: choose from {', '.join(ANALYSES)} (comma-separated)"
            )
    return tuple(out)


def _check(scheduler: str, address: str | None) -> None:
    if scheduler not in SCHEDULERS:
        raise InputError(f"scheduler must be one of {', '.join(SCHEDULERS)}; got {scheduler!r}")
    if address and scheduler != "dask":
        raise InputError("address is only used with scheduler='dask'")


@validate_params(
    series=_SERIES,
    analyses=Instance(list, tuple, what="a list of analyses (names or objects)"),
    as_of=[None, Date()],
    fdr=Real(min=0.0, max=1.0, min_open=True, max_open=True),
    scheduler=Text(),
    workers=[None, Integer(min=1)],
    address=[None, Text()],
    out=[None, Instance(str, os.PathLike, what="a folder path")],
    resume=Bool(),
    timeout=[None, Real(min=0.0, min_open=True)],
    retries=Integer(min=0),
    chunk_size=[None, Integer(min=1)],
    connect_timeout=Real(min=0.0, min_open=True),
    on_progress=[None, Function()],
    notes=Instance(list, tuple, what="a list of notes"),
    extras=[None, MappingOf("a mapping {symbol: {name: value}}")],
)
def scan(
    series: Mapping[str, Any] | Iterable[tuple[str, Any]],
    analyses: Sequence[str | Analysis] = ("psy",),
    *,
    as_of: Any = None,
    fdr: float = 0.05,
    scheduler: str = "sync",
    workers: int | None = None,
    address: str | None = None,
    out: str | os.PathLike[str] | None = None,
    resume: bool = True,
    timeout: float | None = None,
    retries: int = 3,
    chunk_size: int | None = None,
    connect_timeout: float = 5.0,
    on_progress: Callable[[ScanProgress], None] | None = None,
    notes: Sequence[str] = (),
    extras: Mapping[str, Mapping[str, Any]] | None = None,
) -> ScanResult:
    """Run ``analyses`` on every series; rows as they arrive, to ``out`` when given.

    Parameters
    ----------
    series : mapping or iterable of (symbol, Series)
        Prices indexed by date.
    analyses : sequence of str or Analysis
        ``"psy"``, ``"lppls"`` (both status scales), ``"status"``, or configured objects
        (:class:`~bubblewatch.scan.analyses.PSYAnalysis`, ...).
    as_of : date-like, optional
        Cut every series at this date (no look-ahead); default: each series' last date.
    fdr : float
        False-discovery rate of the Benjamini-Hochberg flag ``explosive_bh``.
    scheduler : {"sync", "threads", "processes", "dask"}
        Where the work runs (:mod:`bubblewatch.scan.engines`); the rows do not depend on it.
    workers : int, optional
        Threads, processes or local Dask workers (default: the number of CPUs).
    address : str, optional
        A running Dask scheduler (``tcp://host:8786``); ``scheduler="dask"`` only.
    out : path, optional
        Output directory (:mod:`bubblewatch.scan.outdir`): rows are written as they arrive.
    resume : bool
        Skip the series already done in ``out`` with the same keys; False discards the
        rows of the same parameters in ``out`` first.
    timeout : float, optional
        Per-series time limit in seconds (see :mod:`bubblewatch.scan.analyses`).
    retries : int
        How many more times a series whose worker died is tried before ``worker lost``.
    chunk_size : int, optional
        Series per task (default 1; on Dask up to 32, four tasks per thread or more).
    connect_timeout : float
        Seconds to wait for the Dask scheduler at ``address``.
    on_progress : callable, optional
        Called with a :class:`ScanProgress` at the start and after every finished task.
    notes : sequence of str
        Remarks about the input to keep with the result (e.g. from the panel reader).
    extras : mapping, optional
        ``{symbol: {"fundamentals": frame, "cape": series}}``: the status' other inputs
        (:func:`bubblewatch.data.scan_inputs.store_universe` builds them from the store);
        they travel with the series and are part of its fingerprint.

    Returns
    -------
    ScanResult

    Examples
    --------
    >>> import numpy as np
    >>> idx = pd.bdate_range("2020-01-01", periods=200)
    >>> rng = np.random.default_rng(0)
    >>> panel = {f"S{i}": pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 200))), index=idx)
    ...          for i in range(3)}
    >>> res = scan(panel)
    >>> res.counts()["ok"], list(res.to_frame()["symbol"])
    (3, ['S0', 'S1', 'S2'])
    """
    _check(scheduler, address)
    spec = ScanSpec(resolve_analyses(analyses), None if as_of is None else parse_as_of(as_of))
    inputs = prepare_inputs(series, spec.as_of, extras)
    n_workers = int(workers or os.cpu_count() or 1)
    job = Job(spec.analyses, spec.param_hash, timeout, as_of=spec.as_of)
    progress = ScanProgress(total=len(inputs))
    all_notes = list(notes)
    folder = ScanDirectory(out, spec, resume=resume) if out is not None else None
    with folder if folder is not None else contextlib.nullcontext():
        if folder is not None:
            all_notes += _folder_notes(folder)
        todo = [
            it
            for it in inputs
            if folder is None or not folder.is_done(it.symbol, it.fingerprint, timeout)
        ]
        progress.skipped = len(inputs) - len(todo)
        if on_progress:
            on_progress(progress)
        rows: list[dict[str, Any]] = []
        if todo:
            backend = make_backend(
                scheduler,
                job,
                workers=n_workers,
                address=address,
                connect_timeout=connect_timeout,
                retries=retries,
            )
            size = chunk_size or (
                max(1, min(32, math.ceil(len(todo) / (2 * backend.capacity))))
                if scheduler == "dask"
                else 1
            )
            tasks = [
                Task(i, todo[i * size : (i + 1) * size]) for i in range(math.ceil(len(todo) / size))
            ]
            try:
                rows = _collect(
                    execute(tasks, backend, job, retries=retries), folder, progress, on_progress
                )
            finally:
                backend.close()
        table = add_fdr_columns(_table(inputs, rows, folder, spec), fdr)
        params = {
            **spec.to_dict(),
            "fdr": fdr,
            "scheduler": scheduler,
            "workers": n_workers,
            "address": address,
            "timeout": timeout,
            "retries": retries,
            "out": None if out is None else str(out),
            "param_hash": spec.param_hash,
        }
        psy = next((a for a in spec.analyses if isinstance(a, PSYAnalysis)), None)
        vintage = table["last"].max() if table["last"].notna().any() else None
        result = ScanResult(
            metadata=make_metadata(
                params,
                data_vintage=None if vintage is None else iso_date(pd.Timestamp(vintage)),
                seed=psy.seed if psy else None,
            ),
            table=table,
            analyses=tuple(a.name for a in spec.analyses),
            level=psy.level if psy else None,
            fdr=fdr,
            param_hash=spec.param_hash,
            out=None if out is None else str(out),
            computed=progress.done,
            skipped=progress.skipped,
            notes=tuple(all_notes),
        )
        if folder is not None:
            run = {
                "parameters": params,
                "counts": result.counts(),
                "computed": progress.done,
                "skipped": progress.skipped,
                "notes": all_notes,
                "seconds": round(progress.elapsed, 3),
                "data_vintage": result.metadata.data_vintage,
            }
            folder.write_summary(table, run)
    return result


def _folder_notes(folder: ScanDirectory) -> list[str]:
    notes = []
    if folder.discarded:
        notes.append(
            f"discarded {folder.discarded} row(s) computed earlier with the same parameters "
            "(--no-resume)"
        )
    others = folder.other_parameter_sets()
    if others:
        notes.append(
            f"{folder.root} also holds results of {len(others)} other parameter set(s) "
            f"({', '.join(others)}), kept apart"
        )
    return notes


def _collect(
    outcomes: Iterable[list[dict[str, Any]]],
    folder: ScanDirectory | None,
    progress: ScanProgress,
    on_progress: Callable[[ScanProgress], None] | None,
) -> list[dict[str, Any]]:
    """Count the rows as they arrive and write them to ``folder`` (at once when the last
    part is older than :data:`FLUSH_S`, else with the next task, and on the way out);
    without a folder, return them."""
    kept: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    last_write = -math.inf
    try:
        for rows in outcomes:
            for r in rows:
                progress.counts[r["outcome"]] += 1
            progress.done += len(rows)
            if folder is None:
                kept.extend(rows)
            else:
                pending.extend(rows)
                if time.monotonic() - last_write >= FLUSH_S:
                    folder.write_rows(pending)
                    pending, last_write = [], time.monotonic()
            if on_progress:
                on_progress(progress)
    finally:
        if folder is not None:
            folder.write_rows(pending)
    return kept


def _table(
    inputs: Sequence[SeriesInput],
    rows: list[dict[str, Any]],
    folder: ScanDirectory | None,
    spec: ScanSpec,
) -> pd.DataFrame:
    """The run's rows in input order: from the folder (one per key, compacted) or memory."""
    if folder is not None:
        folder.compact()
        stored = folder.read_all()
        wanted = {(it.symbol, it.fingerprint) for it in inputs}
        keep = [(s, f) in wanted for s, f in zip(stored["symbol"], stored["fingerprint"])]
        table = stored[keep]
    else:
        table = rows_frame(rows, spec.columns())
    order = {it.symbol: i for i, it in enumerate(inputs)}
    table = table.iloc[table["symbol"].map(order).argsort(kind="stable")]
    return table.reset_index(drop=True)


@validate_params(
    series=_SERIES,
    lags=Integer(min=0),
    log=Bool(),
    level=Integer(),
    min_obs=Integer(min=10),
    cv_method=Options("auto", "table", "mc", "wb"),
    reps=Integer(min=10),
    seed=Integer(min=0),
    scheduler=Text(),
    workers=[None, Integer(min=1)],
    address=[None, Text()],
    on_progress=[None, Function()],
)
def scan_psy(
    series: Mapping[str, Any] | Iterable[tuple[str, Any]],
    *,
    lags: int = 0,
    log: bool = True,
    level: int = 95,
    min_obs: int = 60,
    cv_method: str = "auto",
    reps: int = 500,
    seed: int = 0,
    scheduler: str = "sync",
    workers: int | None = None,
    address: str | None = None,
    on_progress: Callable[[ScanProgress], None] | None = None,
) -> ScanResult:
    """PSY-test every series and tabulate which are explosive, over the sample and now
    (:func:`scan` with one :class:`PSYAnalysis`).

    Examples
    --------
    >>> from bubblewatch.scan.synthetic import synthetic_panel
    >>> panel, truth = synthetic_panel(4, 300, seed=3)
    >>> table = scan_psy(panel, level=90).to_frame()
    >>> len(table), bool(table["gsadf"].notna().all())
    (4, True)
    """
    psy = PSYAnalysis(
        lags=lags, log=log, level=level, min_obs=min_obs, cv_method=cv_method, reps=reps, seed=seed
    )
    return scan(
        series,
        (psy,),
        scheduler=scheduler,
        workers=workers,
        address=address,
        on_progress=on_progress,
    )
