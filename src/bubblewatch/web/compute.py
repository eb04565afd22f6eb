"""The dashboard's computations: a bounded worker pool, a result cache and a time limit.

Every page and API answer is computed by a *job*: a function ``fn(store, **params)`` run on
one of a few worker threads with the store opened read-only (or ``fn(**params)`` for a
computation that reads no data). Jobs are keyed by (store fingerprint, name, parameters):

* the same key asked twice is computed once (a request arriving while it runs waits for
  the same job), and the answer, or the error, is kept until the store changes; so a
  stored value that makes an analysis fail costs one computation, not one per request;
* a request waits at most ``timeout`` seconds (30 by default) and then gets HTTP 503 with
  a message; the job goes on and fills the cache for the retry, so no request ever hangs;
* at most ``max_pending`` jobs wait or run at once; past that a request gets the previous
  data's answer (marked stale) when there is one, else 503 at once;
* after the store changed (an import finished), a request whose new result is not ready
  gets the last result computed on the previous data, marked stale (the pages say so, the
  API adds ``X-Bubblewatch-Stale: true``), while the new one is computed: an import never
  blanks or slows the dashboard. It gets it at once, unless the new result is expected
  within ``stale_wait`` seconds (its previous computation took less and a worker is free
  for it): then it waits that long for the new one.

A store busy with a foreign writer (:class:`~bubblewatch.errors.StoreBusyError`) is not
cached: the next request tries again (meanwhile the previous answer is served when there is
one, as for a busy server or a job the data overtook).
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import contextvars
import dataclasses
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from bubblewatch.errors import BubblewatchError, StoreBusyError
from bubblewatch.web.public_errors import (
    ComputeFailed,
    ComputeTimeout,
    ServerBusy,
    Superseded,
    error_text,
)
from bubblewatch.web.source import DataSource

__all__ = ["STALE", "ComputeFailed", "ComputeTimeout", "Computer", "Job", "Outcome", "ServerBusy"]

log = logging.getLogger("bubblewatch.web")

#: set in a request that was answered with a result of the previous data
STALE: contextvars.ContextVar[bool] = contextvars.ContextVar("bubblewatch_stale", default=False)


def _freeze(params: Mapping[str, Any]) -> tuple[tuple[str, Hashable], ...]:
    def one(v: Any) -> Hashable:
        if isinstance(v, list | tuple):
            return tuple(one(x) for x in v)
        return v  # type: ignore[no-any-return]

    return tuple(sorted((k, one(v)) for k, v in params.items()))


@dataclasses.dataclass
class Job:
    """One computation: its future, label and timings."""

    name: str
    label: str
    future: cf.Future[Any]
    submitted: float
    started: float | None = None
    finished: float | None = None
    key: tuple[Any, ...] = ()
    #: the store version the job computes on ("-": it reads no store)
    fingerprint: str = "-"

    @property
    def state(self) -> str:
        if not self.future.done():
            return "running" if self.started is not None else "queued"
        return "failed" if self.future.exception() is not None else "done"

    def seconds(self) -> float:
        start = self.started if self.started is not None else self.submitted
        end = self.finished if self.finished is not None else time.monotonic()
        return max(0.0, end - start)


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a page gets for one of its panels: a result, an error, or still computing."""

    result: Any = None
    error: BaseException | None = None
    pending: Job | None = None
    #: the result is the previous data's (the new one is still computing)
    stale: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.pending is None


class Computer:
    """Run, deduplicate, cache and time-limit the dashboard's computations.

    Parameters
    ----------
    source : DataSource
        The store every job reads.
    workers : int
        Worker threads (default 2: one machine's worth of heavy work at a time).
    timeout : float
        Seconds one request waits for its computation before a 503.
    max_pending : int
        Jobs queued or running at once before new ones are refused with a 503.
    max_entries : int
        Results kept (least recently used dropped first).
    stale_wait : float
        Most seconds a request with a previous data's answer waits for the new one, and
        only when the new one is expected within that time (its last computation took less
        and it runs or a worker is free for it); otherwise the previous answer is served
        at once: a request never waits behind a recomputation.
    """

    def __init__(
        self,
        source: DataSource,
        *,
        workers: int = 2,
        timeout: float = 30.0,
        max_pending: int = 32,
        max_entries: int = 512,
        stale_wait: float = 0.5,
    ) -> None:
        self.source = source
        self.stale_wait = float(stale_wait)
        self.workers = workers
        #: seconds the last good computation per (name, parameters) took
        self._took: dict[tuple[Any, ...], float] = {}
        #: the last good result per (name, parameters), whatever the store it came from
        self._latest: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.timeout = float(timeout)
        self.max_pending = max_pending
        self.max_entries = max_entries
        self._pool = cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bw-compute")
        self._jobs: OrderedDict[tuple[Any, ...], Job] = OrderedDict()
        self._lock = threading.Lock()
        self._fingerprint: str | None = None
        #: computations started per job name (tests check that a failure is not recomputed)
        self.runs: dict[str, int] = {}

    # -- submitting -----------------------------------------------------------------------
    def _run(self, job: Job, fn: Callable[..., Any], params: Mapping[str, Any], store: bool) -> Any:
        job.started = time.monotonic()
        if store and job.fingerprint != self.source.fingerprint():
            job.finished = job.started
            raise Superseded(f"{job.label}: the data changed before it started")
        self.runs[job.name] = self.runs.get(job.name, 0) + 1
        try:
            if not store:
                out = fn(**params)
            else:
                with self.source.open() as st:
                    out = fn(st, **params)
            with self._lock:
                key = (job.name, _freeze(params))
                self._latest[key] = out
                self._latest.move_to_end(key)
                self._took[key] = time.monotonic() - job.started
                while len(self._latest) > self.max_entries:
                    self._took.pop(self._latest.popitem(last=False)[0], None)
            return out
        except BubblewatchError:
            raise
        except Exception:
            log.exception("computation %s failed", job.label)
            raise
        finally:
            job.finished = time.monotonic()

    def submit(
        self,
        name: str,
        fn: Callable[..., Any],
        params: Mapping[str, Any] | None = None,
        *,
        label: str | None = None,
        store: bool = True,
    ) -> Job:
        """The job of ``fn(store, **params)`` for the current store: cached, running or new."""
        params = dict(params or {})
        fp = self.source.fingerprint() if store else "-"
        key = (fp, name, _freeze(params))
        with self._lock:
            if store and fp != self._fingerprint:
                self._forget_old(fp)
            job = self._jobs.get(key)
            if job is not None:
                err = job.future.exception() if job.future.done() else None
                if not isinstance(err, StoreBusyError | Superseded):
                    self._jobs.move_to_end(key)
                    return job
                del self._jobs[key]
            fut: cf.Future[Any] = cf.Future()
            if self.pending() >= self.max_pending:
                busy = ServerBusy(
                    f"the server is busy with {self.pending()} computations; retry in a few seconds"
                )
                if (name, _freeze(params)) not in self._latest:
                    raise busy
                # not kept: the previous data's answer is served and the next request retries
                fut.set_exception(busy)
                return Job(name, label or name, fut, time.monotonic(), key=(name, _freeze(params)))
            job = Job(
                name,
                label or name,
                fut,
                time.monotonic(),
                key=(name, _freeze(params)),
                fingerprint=fp,
            )
            self._jobs[key] = job
            self._trim()
        inner = self._pool.submit(self._run, job, fn, params, store)
        inner.add_done_callback(lambda f: _copy(f, fut))
        return job

    def _forget_old(self, fp: str) -> None:
        """The store changed: drop every finished result of the previous store."""
        if self._fingerprint is not None:
            for key in [k for k, j in self._jobs.items() if k[0] not in (fp, "-")]:
                if self._jobs[key].future.done():
                    del self._jobs[key]
        self._fingerprint = fp

    def _trim(self) -> None:
        while len(self._jobs) > self.max_entries:
            for key, job in self._jobs.items():
                if job.future.done():
                    del self._jobs[key]
                    break
            else:
                return

    def pending(self) -> int:
        """Jobs queued or running on the current data (older ones end as soon as they start)."""
        return sum(
            1
            for j in self._jobs.values()
            if not j.future.done() and j.fingerprint in ("-", self._fingerprint)
        )

    def jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())

    # -- waiting --------------------------------------------------------------------------
    def stale(self, job: Job) -> tuple[bool, Any]:
        """``(True, result)`` when an earlier store gave a result for the job's parameters."""
        with self._lock:
            if job.key in self._latest:
                return True, self._latest[job.key]
        return False, None

    def _soon(self, jobs: list[Job]) -> bool:
        """True when each of ``jobs`` is expected to end within ``stale_wait``: it runs or a
        worker is free for it, and its last computation took less than that."""
        if self.stale_wait <= 0:
            return False
        with self._lock:
            free = self.pending() <= self.workers
        return all(
            (j.started is not None or free) and self._took.get(j.key, math.inf) < self.stale_wait
            for j in jobs
        )

    async def wait(self, job: Job, timeout: float | None = None) -> Any:
        """The job's result (or its error), waiting at most ``timeout`` (default the limit);
        the previous data's result when there is one (after at most ``stale_wait``)."""
        limit = self.timeout if timeout is None else timeout
        has_old, old = self.stale(job) if not _settled(job) else (False, None)
        if has_old:
            if not job.future.done() and self._soon([job]):
                with contextlib.suppress(Exception):  # not ready (or failed): seen below
                    await asyncio.wait_for(asyncio.shield(_wrapped(job.future)), self.stale_wait)
            if not job.future.done() or job.future.exception() is not None:
                STALE.set(True)  # the previous data's answer, at once
                return old
        if not job.future.done():
            try:
                await asyncio.wait_for(asyncio.shield(_wrapped(job.future)), limit)
            except TimeoutError:
                raise ComputeTimeout(job.label, job.seconds(), self.timeout) from None
            except Exception:  # the job's own error: reported below
                pass
        exc = job.future.exception()
        if exc is not None and not isinstance(exc, BubblewatchError):
            raise ComputeFailed(error_text(exc, job.label)) from exc
        return job.future.result()

    async def result(
        self,
        name: str,
        fn: Callable[..., Any],
        params: Mapping[str, Any] | None = None,
        *,
        label: str | None = None,
        store: bool = True,
    ) -> Any:
        """Submit (or find) the job and wait for it within the request's limit (a job the
        data overtook before it started is submitted again, on the new data)."""
        for _ in range(3):
            try:
                return await self.wait(self.submit(name, fn, params, label=label, store=store))
            except Superseded:
                self.source.look_again()
                continue
        return await self.wait(self.submit(name, fn, params, label=label, store=store))

    async def outcomes(self, jobs: Mapping[str, Job], deadline: float) -> dict[str, Outcome]:
        """Wait up to ``deadline`` seconds for all ``jobs`` (not at all when each of those
        still running has the previous data's answer, unless they are expected within
        ``stale_wait``); what is not done is pending."""
        running = [j for j in jobs.values() if not j.future.done()]
        if running:
            if all(self.stale(j)[0] for j in running):
                deadline = min(deadline, self.stale_wait if self._soon(running) else 0.0)
            if deadline > 0:
                await asyncio.wait([_wrapped(j.future) for j in running], timeout=deadline)
        out: dict[str, Outcome] = {}
        for key, job in jobs.items():
            has_old, old = self.stale(job) if not _settled(job) else (False, None)
            if has_old:
                out[key] = Outcome(result=old, stale=True)
            elif not job.future.done() or isinstance(job.future.exception(), Superseded):
                out[key] = Outcome(pending=job)
            elif job.future.exception() is not None:
                out[key] = Outcome(error=job.future.exception())
            else:
                out[key] = Outcome(result=job.future.result())
        return out

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


#: errors that say nothing about the data: a job ending so is served the previous answer
_PASSING = (ServerBusy, Superseded, StoreBusyError)


def _settled(job: Job) -> bool:
    """True when the job ended with its answer or an error of the data itself (not when it
    runs, or ended because the server was busy, the data changed or a foreign lock held it)."""
    return job.future.done() and not isinstance(job.future.exception(), _PASSING)


def _wrapped(fut: cf.Future[Any]) -> asyncio.Future[Any]:
    """``fut`` as an asyncio future whose error counts as seen (the job keeps it)."""
    out = asyncio.wrap_future(fut)
    out.add_done_callback(lambda f: f.cancelled() or f.exception())
    return out


def _copy(src: cf.Future[Any], dst: cf.Future[Any]) -> None:
    if src.cancelled():
        dst.cancel()
        return
    exc = src.exception()
    if exc is not None:
        dst.set_exception(exc)
    else:
        dst.set_result(src.result())
