"""Start-up precomputation: the default view of every page is computed in the background as
soon as the server starts (and again whenever the store changes), so the first page a
reader opens comes from the cache; until then the pages show the progress."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any

from bubblewatch.web.compute import Computer, Job

__all__ = ["JobSpec", "Warmup"]


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """One computation a page needs: its cache name, function, parameters and label."""

    name: str
    fn: Callable[..., Any]
    params: tuple[tuple[str, Any], ...] = ()
    label: str = ""
    store: bool = True

    def submit(self, computer: Computer) -> Job:
        return computer.submit(
            self.name, self.fn, dict(self.params), label=self.label or self.name, store=self.store
        )


def spec(
    name: str, fn: Callable[..., Any], label: str = "", store: bool = True, **params: Any
) -> JobSpec:
    """A :class:`JobSpec` from keyword parameters."""
    return JobSpec(name, fn, tuple(params.items()), label, store)


class Warmup:
    """Submit the default pages' jobs and report their progress.

    Parameters
    ----------
    computer : Computer
    specs : callable
        Returns the jobs to precompute (it may read the store, e.g. for default dates).
    """

    def __init__(self, computer: Computer, specs: Callable[[], list[JobSpec]]) -> None:
        self.computer = computer
        self.specs = specs
        self.jobs: list[Job] = []
        self.error: str | None = None
        self._fingerprint: str | None = None
        self._lock = threading.Lock()
        #: the precomputation finished once: a later one (the store changed) is not the
        #: start-up's, and the pages show the previous answers (marked stale) meanwhile
        self.was_ready = False

    def ensure(self) -> None:
        """(Re)start the precomputation when the store is new or changed."""
        fp = self.computer.source.fingerprint()
        with self._lock:
            if fp == self._fingerprint:
                return
            self._fingerprint = fp
        threading.Thread(target=self._submit, name="bw-warmup", daemon=True).start()

    def _submit(self) -> None:
        try:
            jobs = [s.submit(self.computer) for s in self.specs()]
        except Exception as exc:  # never let a bad default kill the server
            from bubblewatch.web.public_errors import error_text

            self.error = error_text(exc, "the start-up precomputation")
            with self._lock:
                self._fingerprint = None  # the next page tries again
            return
        self.jobs = jobs
        self.error = None

    def progress(self) -> dict[str, Any]:
        """``{"total", "done", "failed", "running", "ready", "items": [...]}``."""
        items = [
            {"label": j.label, "state": j.state, "seconds": round(j.seconds(), 1)}
            for j in self.jobs
        ]
        done = sum(1 for i in items if i["state"] in ("done", "failed"))
        if items and done == len(items):
            self.was_ready = True
        return {
            "total": len(items),
            "done": done,
            "failed": sum(1 for i in items if i["state"] == "failed"),
            "running": [i["label"] for i in items if i["state"] == "running"],
            "ready": (bool(items) and done == len(items)) or self.error is not None,
            "error": self.error,
            "items": items,
        }
