"""What a scan's workers run: the :class:`Job` every task of a scan shares, a :class:`Task`
(a chunk of series), its :class:`Outcome`, and :func:`run_chunk` (the rows of a chunk).

Every backend of :mod:`bubblewatch.scan.engines` (and the process pool of
:mod:`bubblewatch.scan.process_pool`) runs these.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from bubblewatch.scan.analyses import Analysis
from bubblewatch.scan.series_row import run_series
from bubblewatch.scan.spec import SeriesInput

__all__ = ["Job", "Outcome", "Task"]


@dataclasses.dataclass(frozen=True)
class Job:
    """What every task of one scan shares (sent to the workers with each task)."""

    analyses: tuple[Analysis, ...]
    param_hash: str
    timeout: float | None = None
    #: numba threads per task (None: leave as is); 1 on pools so workers do not oversubscribe
    threads: int | None = None
    #: the scan's date (the status judges staleness against it); None: each series' last date
    as_of: Any = None


@dataclasses.dataclass
class Task:
    id: int
    items: list[SeriesInput]
    attempt: int = 1


@dataclasses.dataclass
class Outcome:
    """How a task ended: its rows, the series not started, and the series that may have
    killed its worker (``lost`` says how)."""

    task: Task
    rows: list[dict[str, Any]]
    unstarted: list[SeriesInput] = dataclasses.field(default_factory=list)
    suspects: list[SeriesInput] = dataclasses.field(default_factory=list)
    lost: str | None = None
    #: the backend already retried the task (Dask's scheduler does): a lone suspect is lost
    retried: bool = False


def set_threads(n: int | None) -> None:
    if n is None:
        return
    import numba

    most = int(getattr(numba.config, "NUMBA_NUM_THREADS", 1))
    numba.set_num_threads(max(1, min(int(n), most)))


def key_row(row: dict[str, Any], item: SeriesInput, job: Job) -> dict[str, Any]:
    row["fingerprint"], row["param_hash"] = item.fingerprint, job.param_hash
    return row


def run_series_input(item: SeriesInput, job: Job) -> dict[str, Any]:
    row = run_series(
        item.symbol,
        item.dates,
        item.values,
        job.analyses,
        timeout=job.timeout,
        volume=item.volume,
        extras=item.extras,
        as_of=job.as_of,
    )
    return key_row(row, item, job)


def run_chunk(items: Sequence[SeriesInput], job: Job) -> list[dict[str, Any]]:
    """Rows of a chunk of series (the function every backend runs on a worker)."""
    set_threads(job.threads)
    return [run_series_input(it, job) for it in items]
