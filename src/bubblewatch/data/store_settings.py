"""Process-wide settings for opening stores: how long to wait for a busy store and whom to
tell (the CLI sets them from ``--wait`` and its console, so every store a command opens
honours them). Kept apart from :mod:`bubblewatch.data.store_file` so that setting them does
not start DuckDB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bubblewatch.errors import InputError

__all__ = ["DEFAULT_WAIT", "Notify", "set_store_defaults", "store_defaults"]

#: seconds a command waits for a busy store before giving up (``--wait`` changes it)
DEFAULT_WAIT = 30.0

Notify = Callable[[str], None]

#: process-wide defaults for stores opened without ``wait``/``notify``
_DEFAULTS: dict[str, Any] = {"wait": DEFAULT_WAIT, "notify": None}


def set_store_defaults(*, wait: float | None = None, notify: Notify | None = None) -> None:
    """Set the wait (seconds) and the message callback used when a store is opened
    without its own (``None`` leaves a setting unchanged)."""
    if wait is not None:
        if wait < 0:
            raise InputError(f"--wait {wait:g}: the wait must be 0 seconds or more")
        _DEFAULTS["wait"] = float(wait)
    if notify is not None:
        _DEFAULTS["notify"] = notify


def store_defaults() -> tuple[float, Notify | None]:
    """The current default wait and message callback."""
    return float(_DEFAULTS["wait"]), _DEFAULTS["notify"]
