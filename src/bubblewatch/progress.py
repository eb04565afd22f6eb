"""Progress of long computations, for whoever is watching.

Computations call :func:`step` as their work completes (``step("replications", 400,
2000)``); the command line installs a listener with :func:`listen` and turns the steps into
a progress bar on a terminal or into log lines elsewhere. Without a listener a step costs
one context-variable lookup, so pure code can report progress without knowing who (if
anyone) watches, and without a parameter threaded through every call.

Examples
--------
>>> seen = []
>>> with listen(lambda what, done, total, label: seen.append((what, done, total))):
...     for i in range(3):
...         step("items", i + 1, 3)
>>> seen
[('items', 1, 3), ('items', 2, 3), ('items', 3, 3)]
>>> step("items", 1, 3)  # nobody listens: nothing happens
>>> listening()
False
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Listener", "listen", "listening", "step"]

#: ``listener(what, done, total, label)``: ``what`` names the unit counted (``"sections"``,
#: ``"end dates"``), ``label`` the item just finished (or None)
Listener = Callable[[str, int, int, "str | None"], None]

_listener: contextvars.ContextVar[Listener | None] = contextvars.ContextVar(
    "bubblewatch_progress", default=None
)


def step(what: str, done: int, total: int, label: str | None = None) -> None:
    """Tell the listener (if any) that ``done`` of ``total`` ``what`` are finished."""
    fn = _listener.get()
    if fn is not None:
        fn(what, done, total, label)


def listening() -> bool:
    """Whether a listener is installed (callers may then split work into smaller steps)."""
    return _listener.get() is not None


@contextmanager
def listen(fn: Listener) -> Iterator[None]:
    """Send the steps made inside the block to ``fn``."""
    token = _listener.set(fn)
    try:
        yield
    finally:
        _listener.reset(token)
