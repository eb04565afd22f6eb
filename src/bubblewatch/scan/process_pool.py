"""The ``processes`` backend: spawned worker processes that report each series they start.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one of its processes
dies and cannot stop a single task; this pool keeps one pipe per process, so it knows
which series a process was computing when it died (only that series is suspected; the
unstarted rest of its task is resubmitted unchanged) and can stop a series that overruns
its time limit by more than :data:`GRACE_S` (the process is killed and replaced, and the
series gets a ``timeout`` row). Processes are spawned, never forked: numba's threading
layer must not be forked.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import multiprocessing as mp
import signal
import time
from multiprocessing.connection import Connection, wait
from typing import Any

from bubblewatch.scan.tasks import Job, Outcome, Task, key_row, run_series_input, set_threads

__all__ = ["GRACE_S", "ProcessBackend"]

#: how far past its time limit a running series is allowed before its process is killed
GRACE_S = 10.0


def _worker_main(conn: Connection, job: Job) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    set_threads(job.threads)
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        task_id, items = msg
        for i, item in enumerate(items):
            conn.send(("start", task_id, i))
            conn.send(("row", task_id, run_series_input(item, job)))
        conn.send(("done", task_id, None))


@dataclasses.dataclass
class _Worker:
    proc: Any
    conn: Connection
    task: Task | None = None
    index: int = -1
    started: float = math.nan
    rows: list[dict[str, Any]] = dataclasses.field(default_factory=list)


class ProcessBackend:
    """See the module docstring; ``capacity`` is the number of processes."""

    def __init__(self, job: Job, workers: int) -> None:
        self.job = job
        self.capacity = max(1, int(workers))
        self._ctx = mp.get_context("spawn")
        self._workers = [self._start() for _ in range(self.capacity)]
        self._pending: collections.deque[Task] = collections.deque()

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=_worker_main, args=(child, self.job), daemon=True, name="bubblewatch-scan"
        )
        proc.start()
        child.close()
        return _Worker(proc, parent)

    def _replace(self, w: _Worker) -> None:
        if w.proc.is_alive():
            w.proc.kill()
        w.proc.join(timeout=10)
        w.conn.close()
        self._workers[self._workers.index(w)] = self._start()

    def _dispatch(self) -> None:
        for w in list(self._workers):
            if not self._pending:
                return
            if w.task is not None:
                continue
            task = self._pending.popleft()
            try:
                w.conn.send((task.id, task.items))
            except (BrokenPipeError, OSError):  # died while idle: replace it, try again
                self._pending.appendleft(task)
                self._replace(w)
                continue
            w.task, w.index, w.started, w.rows = task, -1, time.monotonic(), []

    def submit(self, task: Task) -> None:
        self._pending.append(task)
        self._dispatch()

    def _finish(self, w: _Worker, **kwargs: Any) -> Outcome:
        assert w.task is not None
        out = Outcome(w.task, w.rows, **kwargs)
        w.task, w.index, w.rows = None, -1, []
        return out

    def _drain(self, w: _Worker) -> Outcome | None:
        """Read what ``w`` sent; an Outcome when its task ended (or it died)."""
        try:
            while w.conn.poll():
                kind, _task_id, payload = w.conn.recv()
                if kind == "start":
                    w.index, w.started = payload, time.monotonic()
                elif kind == "row":
                    w.rows.append(payload)
                else:
                    return self._finish(w)
        except (EOFError, OSError):
            pass
        if w.proc.is_alive():
            return None
        return self._lost(w, f"the worker process exited with code {w.proc.exitcode}")

    def _lost(self, w: _Worker, why: str) -> Outcome:
        assert w.task is not None
        items = w.task.items
        i = max(w.index, len(w.rows))
        out = self._finish(w, unstarted=items[i + 1 :], suspects=items[i : i + 1], lost=why)
        self._replace(w)
        return out

    def _overrun(self, w: _Worker, now: float) -> Outcome:
        assert w.task is not None and self.job.timeout is not None
        item = w.task.items[w.index]
        elapsed = now - w.started
        row = {
            "symbol": item.symbol,
            "outcome": "timeout",
            "error": (
                f"timeout: stopped after {elapsed:.1f} s (time limit {self.job.timeout:g} s "
                f"plus {GRACE_S:g} s for the running kernel); its process was killed and "
                "replaced"
            ),
            "timeout_s": self.job.timeout,
            "elapsed_s": elapsed,
        }
        w.rows.append(key_row(row, item, self.job))
        unstarted = w.task.items[w.index + 1 :]
        w.proc.kill()
        out = self._finish(w, unstarted=unstarted)
        self._replace(w)
        return out

    def next_done(self) -> Outcome:
        limit = None if self.job.timeout is None else self.job.timeout + GRACE_S
        while True:
            self._dispatch()
            busy = [w for w in self._workers if w.task is not None]
            now = time.monotonic()
            wait_s = 1.0
            if limit is not None:
                for w in busy:
                    if w.index >= 0:
                        if now - w.started > limit:
                            return self._overrun(w, now)
                        wait_s = min(wait_s, limit - (now - w.started))
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], wait_s)
            for w in busy:
                if w.conn in ready or w.proc.sentinel in ready:
                    out = self._drain(w)
                    if out is not None:
                        return out

    def close(self) -> None:
        for w in self._workers:
            try:
                w.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 5
        for w in self._workers:
            w.proc.join(timeout=max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(timeout=5)
            w.conn.close()
