"""Where a scan's tasks run, and how lost workers are retried.

A task is a chunk of series; every backend runs :func:`run_chunk` on it and reports an
:class:`Outcome` as soon as the task ends:

* ``sync`` runs each task in the calling thread (the reference);
* ``threads`` runs them on a thread pool (the numba kernels release the GIL);
* ``processes`` on a pool of spawned processes (:mod:`bubblewatch.scan.process_pool`),
  which knows which series a process was computing when it died and stops (kills) a
  series that overruns its time limit by more than the grace period;
* ``dask`` on a ``dask.distributed`` cluster: a ``LocalCluster`` of ``workers`` processes,
  or the scheduler at ``address``. The series travel with their task (plain arrays), so
  the workers need no access to the store. A worker that dies is replaced by its nanny; the
  scheduler reschedules its tasks (``distributed.scheduler.allowed-failures`` times: set
  to ``retries`` on the local cluster, the cluster's own setting with ``address``) and then
  reports ``KilledWorker``. The local cluster gives each worker one task at a time
  (``worker-saturation`` 1.0), so a dying worker takes only the task it was running; the
  results of ended tasks that it held are computed again, and :meth:`DaskBackend.next_done`
  waits for them (such a task is not counted as lost).

:func:`execute` feeds a bounded number of tasks to the backend (so memory and the
scheduler's queue stay small) and handles lost tasks: the series that may have killed the
worker are resubmitted one by one, up to ``retries`` more times each (on Dask, where the
scheduler has already retried the task, a task of several series is split and a lone
series is lost), then recorded as ``worker lost``; series of the task that had not
started are resubmitted unchanged.
"""

from __future__ import annotations

import collections
import dataclasses
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Protocol

from bubblewatch.errors import InputError
from bubblewatch.scan.process_pool import ProcessBackend
from bubblewatch.scan.series_row import lost_row
from bubblewatch.scan.tasks import Job, Outcome, Task, key_row, run_chunk

__all__ = ["SCHEDULERS", "Job", "Outcome", "Task"]

SCHEDULERS = ("sync", "threads", "processes", "dask")


class Backend(Protocol):
    capacity: int

    def submit(self, task: Task) -> None: ...

    def next_done(self) -> Outcome: ...

    def close(self) -> None: ...


class SyncBackend:
    capacity = 1

    def __init__(self, job: Job) -> None:
        self.job = job
        self._queue: collections.deque[Task] = collections.deque()

    def submit(self, task: Task) -> None:
        self._queue.append(task)

    def next_done(self) -> Outcome:
        task = self._queue.popleft()
        return Outcome(task, run_chunk(task.items, self.job))

    def close(self) -> None:
        self._queue.clear()


class ThreadBackend:
    def __init__(self, job: Job, workers: int) -> None:
        self.job = job
        self.capacity = 2 * workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bw-scan")
        self._futures: dict[Future[list[dict[str, Any]]], Task] = {}

    def submit(self, task: Task) -> None:
        self._futures[self._pool.submit(run_chunk, task.items, self.job)] = task

    def next_done(self) -> Outcome:
        done, _ = wait(list(self._futures), return_when=FIRST_COMPLETED)
        fut = min(done, key=lambda f: self._futures[f].id)
        task = self._futures.pop(fut)
        return Outcome(task, fut.result())

    def close(self) -> None:
        for fut in self._futures:
            fut.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)


def connect_dask(address: str, timeout: float) -> Any:
    """A ``distributed.Client`` for the scheduler at ``address``, or an InputError saying why
    not within ``timeout`` seconds."""
    from distributed import Client

    try:
        return Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"--address {address}: cannot reach a Dask scheduler within {timeout:g} s "
            f"({type(exc).__name__}: {exc}); start one with `dask scheduler` and workers "
            "with `dask worker ADDRESS`, or check the host and port (the default port is 8786)"
        ) from exc


class DaskBackend:
    def __init__(
        self, job: Job, workers: int, address: str | None, connect_timeout: float, retries: int
    ) -> None:
        try:
            import dask
            from distributed import LocalCluster, as_completed
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise InputError(
                "scheduler 'dask' needs dask.distributed: pip install 'bubblewatch[scale]'"
            ) from exc
        self.job = job
        self._cluster = None
        if address:
            self._client = connect_dask(address, connect_timeout)
        else:
            import logging

            # one task per worker thread (a dying worker takes only the task it runs) and
            # the scheduler retries a task whose worker died `retries` times
            cfg = {
                "distributed.scheduler.allowed-failures": retries,
                "distributed.scheduler.worker-saturation": 1.0,
            }
            with dask.config.set(cfg):
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                    env={"NUMBA_NUM_THREADS": "1"},
                )
            self._client = connect_dask(self._cluster.scheduler_address, connect_timeout)
        threads = sum(self._client.nthreads().values()) or workers
        self.capacity = 2 * max(1, threads)
        self._ac = as_completed(loop=self._client.loop)
        self._tasks: dict[str, Task] = {}

    def submit(self, task: Task) -> None:
        key = f"bubblewatch-scan-{self.job.param_hash}-{task.id}-{task.attempt}-{os.getpid()}"
        fut = self._client.submit(run_chunk, task.items, self.job, key=key, pure=False)
        self._tasks[fut.key] = task
        self._ac.add(fut)

    def next_done(self) -> Outcome:
        fut = next(self._ac)
        task = self._tasks.pop(fut.key)
        try:
            # waits if the result was lost with a dying worker after the task ended: the
            # scheduler computes it again (the task did not kill anything)
            rows = fut.result()
        except Exception as exc:  # KilledWorker: the scheduler's retries are spent
            return Outcome(
                task, [], suspects=list(task.items), lost=f"{type(exc).__name__}: {exc}",
                retried=True,
            )  # fmt: skip
        finally:
            fut.release()
        return Outcome(task, rows)

    def close(self) -> None:
        try:
            self._client.cancel(list(self._ac.futures))
        except Exception:  # pragma: no cover - closing an already broken connection
            pass
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_backend(
    scheduler: str,
    job: Job,
    *,
    workers: int,
    address: str | None,
    connect_timeout: float = 5.0,
    retries: int = 3,
) -> Backend:
    """The backend for ``scheduler`` (see the module docstring)."""
    if scheduler == "sync":
        return SyncBackend(job)
    pool_job = dataclasses.replace(job, threads=1)
    if scheduler == "threads":
        return ThreadBackend(pool_job, workers)
    if scheduler == "processes":
        return ProcessBackend(pool_job, workers)
    if scheduler == "dask":
        return DaskBackend(pool_job, workers, address, connect_timeout, retries)
    raise InputError(f"scheduler must be one of {', '.join(SCHEDULERS)}; got {scheduler!r}")


def execute(
    tasks: Sequence[Task], backend: Backend, job: Job, *, retries: int = 3
) -> Iterator[list[dict[str, Any]]]:
    """Run ``tasks`` on ``backend``; yield the rows of each task as it ends (see the module
    docstring for lost workers)."""
    queue = collections.deque(tasks)
    next_id = max((t.id for t in tasks), default=0) + 1
    inflight = 0
    while queue or inflight:
        while queue and inflight < backend.capacity:
            backend.submit(queue.popleft())
            inflight += 1
        out = backend.next_done()
        inflight -= 1
        for row in out.rows:
            row["attempts"] = out.task.attempt
        if out.unstarted:
            queue.appendleft(Task(next_id, list(out.unstarted), out.task.attempt))
            next_id += 1
        lost_rows = []
        split = len(out.suspects) > 1 and out.retried
        for item in out.suspects:
            if split or (not out.retried and out.task.attempt <= retries):
                queue.appendleft(Task(next_id, [item], out.task.attempt + 1))
                next_id += 1
            else:
                msg = (
                    f"worker lost: the worker computing this series died on each attempt "
                    f"({out.task.attempt} from this client; last: {out.lost})"
                )
                row = lost_row(item.symbol, msg, out.task.attempt, job.timeout)
                lost_rows.append(key_row(row, item, job))
        if out.rows or lost_rows:
            yield out.rows + lost_rows
