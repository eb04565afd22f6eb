"""How the command line shows progress: rich bars on a terminal, log lines elsewhere.

:func:`progress` wraps a long stage. Inside it, the steps that computations report through
:mod:`bubblewatch.progress` (report sections, LPPLS end dates, PSY replications, import
files) and the caller's own ``advance()`` calls drive

* on a terminal: a rich bar with the count done of the total and the time left (ETA);
* elsewhere (CI, ``make report > log``): lines on stderr with the count, the item just
  finished and the elapsed time, starting once the stage has run :data:`LOG_AFTER` seconds
  (quick commands stay quiet), at most every :data:`LOG_EVERY` seconds for long counts, and
  a last line with the stage's total time.

``--quiet`` silences both. :func:`announce_kernels` says, before the first run compiles the
numba kernels (tens of seconds), that it is going to.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from bubblewatch.progress import listen

__all__ = ["KERNEL_MODULES", "LOG_AFTER", "LOG_EVERY", "announce_kernels", "progress_view"]

#: seconds a stage runs before its first log line (off a terminal)
LOG_AFTER = 2.0
#: seconds between log lines of a long count (every step is logged when there are few)
LOG_EVERY = 5.0
_FEW = 30

#: the numba kernel modules of each capability (imported to inspect their caches)
KERNEL_MODULES: dict[str, tuple[str, ...]] = {
    "psy": ("bubblewatch.detect._psy_kernels", "bubblewatch.detect.psy_bootstrap"),
    "lppls": ("bubblewatch.detect._lppls_kernels",),
    "spillover": ("bubblewatch.market._spillover_kernels",),
}

Advance = Callable[..., None]


class _LogView:
    """Log lines on stderr for a stage (see the module docstring)."""

    def __init__(self, console: Console, description: str, total: int | None) -> None:
        self.console = console
        self.description = description
        self.total = total
        self.done = 0
        self.what = "steps"
        self.label: str | None = None
        self.t0 = time.monotonic()
        self.last: float | None = None

    def update(self, what: str, done: int, total: int | None, label: str | None) -> None:
        self.what, self.done, self.total, self.label = what, done, total, label
        now = time.monotonic()
        elapsed = now - self.t0
        if elapsed < LOG_AFTER:
            return
        few = self.total is not None and self.total <= _FEW
        finished = self.total is not None and done >= self.total
        if self.last is None or few or finished or now - self.last >= LOG_EVERY:
            self._line(elapsed)
            self.last = now

    def _line(self, elapsed: float) -> None:
        count = f"{self.done}/{self.total}" if self.total else f"{self.done}"
        text = f"{self.description}: {count} {self.what}"
        if self.label:
            text += f" ({self.label})"
        text += f"; {elapsed:.1f} s elapsed"
        if self.total and 0 < self.done < self.total:
            text += f", about {elapsed / self.done * (self.total - self.done):.0f} s left"
        self.console.print(text, highlight=False, soft_wrap=True)

    def finish(self) -> None:
        elapsed = time.monotonic() - self.t0
        if elapsed >= LOG_AFTER:
            self.console.print(
                f"{self.description}: done in {elapsed:.1f} s", highlight=False, soft_wrap=True
            )


@contextmanager
def progress_view(
    console: Console, description: str, total: float | None = None, *, quiet: bool = False
) -> Iterator[Advance]:
    """A progress display for one stage; yields ``advance(n=1, label=None)``."""
    n_total = None if total is None else int(total)
    if quiet:
        with listen(lambda *a: None):
            yield lambda n=1, label=None: None
        return
    if not console.is_terminal:
        view = _LogView(console, description, n_total)
        count = {"done": 0}

        def advance_log(n: int = 1, label: str | None = None) -> None:
            count["done"] += n
            view.update(view.what, count["done"], view.total, label)

        def heard_log(what: str, done: int, total: int, label: str | None) -> None:
            count["done"] = done
            view.update(what, done, total, label)

        with listen(heard_log):
            yield advance_log
        view.finish()
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[what]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=n_total, what="")

        def advance_bar(n: int = 1, label: str | None = None) -> None:
            bar.advance(task, n)

        def heard_bar(what: str, done: int, total: int, label: str | None) -> None:
            desc = f"{description}: {label}" if label else description
            bar.update(task, total=total, completed=done, what=what, description=desc)

        with listen(heard_bar):
            yield advance_bar


def _needs_compiling(module_name: str) -> bool:
    """Whether the cached numba kernels of ``module_name`` have no usable on-disk cache.

    Numba keeps one index per function, invalidated when the module's source changes; a
    helper only ever called from other kernels is compiled into them and has no index of
    its own. So the module needs compiling when none of its kernels has a usable index
    (the first run, or the first run after the module changed).
    """
    try:
        from numba.core.dispatcher import Dispatcher

        module = importlib.import_module(module_name)
    except ImportError:  # pragma: no cover - numba is a dependency
        return False
    loads = []
    for obj in vars(module).values():
        if isinstance(obj, Dispatcher):
            cache: Any = getattr(obj, "_cache", None)
            load = getattr(getattr(cache, "_cache_file", None), "_load_index", None)
            if load is not None:  # cached on disk (internals unknown: say nothing)
                loads.append(load)
    if not loads:
        return False
    for load in loads:
        try:
            if load():
                return False
        except Exception:  # a damaged index is recompiled by numba too
            continue
    return True


def announce_kernels(console: Console, *capabilities: str, quiet: bool = False) -> bool:
    """Print a note when ``capabilities``' numba kernels will be compiled on this run.

    Returns whether they will be (the note is skipped with ``quiet``).
    """
    names = [c for c in capabilities if any(map(_needs_compiling, KERNEL_MODULES.get(c, ())))]
    if names and not quiet:
        console.print(
            f"compiling the numerical kernels ({', '.join(names)}) for this machine: first run "
            "only, about 20-60 s; later runs load them from the cache (NUMBA_CACHE_DIR)",
            highlight=False,
            soft_wrap=True,
        )
    return bool(names)
