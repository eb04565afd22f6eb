"""The scan's progress display: a rich bar on a terminal, stage lines on stderr otherwise.

Both show series done / total, failures (errors, timeouts, lost workers), the rate in
series per second and the time left at that rate.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bubblewatch.commands.common import console, is_quiet
from bubblewatch.scan.run import ScanProgress

__all__ = ["format_seconds", "progress_line", "scan_progress"]

#: without a terminal: a line every this many seconds, and at every 10% of the work
LINE_EVERY_S = 30.0


def format_seconds(s: float) -> str:
    """``95.2`` -> ``'1m35s'``; NaN -> ``'?'``.

    Examples
    --------
    >>> format_seconds(95.2), format_seconds(3725), format_seconds(float("nan"))
    ('1m35s', '1h02m', '?')
    """
    if not math.isfinite(s):
        return "?"
    n = round(s)
    if n >= 3600:
        return f"{n // 3600}h{(n % 3600) // 60:02d}m"
    if n >= 60:
        return f"{n // 60}m{n % 60:02d}s"
    return f"{n}s"


def _rate(r: float) -> str:
    return "?" if math.isnan(r) else f"{r:.1f}"


def progress_line(p: ScanProgress) -> str:
    """One stage line, e.g. ``'scan: 120/500 done (24%), 2 failed, 41.3 series/s, ETA 9s'``."""
    pct = 100.0 * p.done / p.todo if p.todo else 100.0
    skipped = f" ({p.skipped} already done)" if p.skipped else ""
    return (
        f"scan: {p.done}/{p.todo} done{skipped} ({pct:.0f}%), {p.failed} failed, "
        f"{_rate(p.rate)} series/s, ETA {format_seconds(p.eta)}"
    )


@contextmanager
def scan_progress(title: str) -> Iterator[Callable[[ScanProgress], None]]:
    """Yield the ``on_progress`` callback of :func:`bubblewatch.scan.scan`."""
    if is_quiet():
        yield lambda p: None
        return
    if console.is_terminal:
        from rich.progress import BarColumn, Progress, TextColumn

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total}"),
            TextColumn("{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]} series/s"),
            TextColumn("ETA {task.fields[eta]}"),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(title, total=None, failed=0, rate="?", eta="?")

            def update(p: ScanProgress) -> None:
                bar.update(
                    task,
                    total=p.todo,
                    completed=p.done,
                    failed=p.failed,
                    rate=_rate(p.rate),
                    eta=format_seconds(p.eta),
                )

            yield update
        return
    state: dict[str, Any] = {"last": 0.0, "tenth": -1}

    def line(p: ScanProgress) -> None:
        now = time.monotonic()
        tenth = int(10 * p.done / p.todo) if p.todo else 10
        if p.done == 0:
            print(f"{title}: {p.todo} to compute, {p.skipped} already done", file=sys.stderr)
        elif tenth > state["tenth"] or now - state["last"] >= LINE_EVERY_S or p.done == p.todo:
            print(progress_line(p), file=sys.stderr, flush=True)
        else:
            return
        state["last"], state["tenth"] = now, tenth

    yield line
