"""What an error looks like from outside: an HTTP status and a message safe to show.

A response never carries a traceback, a file-system path, a process id or a dump of the
store's catalogue: :func:`public_message` strips them from the analyses' messages (which
are written for the command line, where naming the file helps), and unexpected errors
become one sentence while the server log keeps the traceback.

>>> public_message("cannot open the store /home/ann/x.duckdb: held by PID 4242")
'cannot open the store x.duckdb: held by another process'
>>> public_message("no prices for 'NVDX'; the store /tmp/s.duckdb holds: A, B, C ...")
"no prices for 'NVDX'"
>>> public_message("USD/CNY from 2025/10/29 in C:/x")
'USD/CNY from 2025/10/29 in C:/x'
"""

from __future__ import annotations

import re

from bubblewatch.errors import (
    BubblewatchError,
    InputError,
    NotFoundError,
    StoreBusyError,
    StoreError,
)

__all__ = [
    "UPDATING",
    "ComputeFailed",
    "ComputeTimeout",
    "ServerBusy",
    "Superseded",
    "error_text",
    "http_status",
    "public_message",
]

#: what a request is told while another process keeps the store locked
UPDATING = (
    "the data is being updated (another process is writing the store); this page retries "
    "by itself in a few seconds"
)

_CATALOGUE = re.compile(r";? ?the store \S+ (holds|is empty)\b.*$", re.DOTALL)
_PID = re.compile(r"\b(by )?PID \d+")
_PATH = re.compile(r"(?<![\w.~:/])/(?:[^\s'\"`;,()<>]+/)*([^\s'\"`;,()<>/]+)")


class ComputeTimeout(BubblewatchError):
    """A computation took longer than one request may wait (HTTP 503; it goes on)."""

    def __init__(self, label: str, waited: float, limit: float) -> None:
        super().__init__(
            f"{label} takes longer than the {limit:g} s one request may wait (running for "
            f"{waited:.0f} s); it goes on in the background: retry in a few seconds"
        )
        self.label = label


class ServerBusy(BubblewatchError):
    """Too many computations are waiting (HTTP 503)."""


class Superseded(BubblewatchError):
    """A job whose data changed before it started (it is submitted again; HTTP 503 if not)."""


class ComputeFailed(BubblewatchError):
    """A computation failed unexpectedly (HTTP 500; the server log has the traceback)."""


def public_message(text: str) -> str:
    """``text`` without absolute paths (each cut to its last part), PIDs or catalogue dumps."""
    text = _CATALOGUE.sub("", str(text))
    text = _PID.sub(lambda m: f"{m.group(1) or ''}another process", text)
    return _PATH.sub(lambda m: m.group(1), text).strip()


def http_status(exc: BaseException) -> int:
    """The HTTP status of an error: 404 not found, 422 bad input, 503 busy/slow, else 500."""
    if isinstance(exc, ComputeFailed):
        return 500
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, ComputeTimeout | ServerBusy | StoreBusyError | Superseded):
        return 503
    if isinstance(exc, StoreError):
        return 503
    return 500


def error_text(exc: BaseException, what: str = "the computation") -> str:
    """The message shown for ``exc`` (an unexpected error says only that it happened)."""
    if isinstance(exc, StoreBusyError):
        return UPDATING
    if isinstance(exc, BubblewatchError):
        return public_message(str(exc))
    return (
        f"internal error in {what} ({type(exc).__name__}); the server log has the details "
        "and the rest of the dashboard keeps working"
    )
