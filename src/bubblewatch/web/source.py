"""Where the dashboard reads its data: one store file, opened read-only per computation.

The server never writes the store and never opens a path named by a request: the path is
fixed when the app is made (``--store FILE``, ``--data DIR`` or the default store / the
embedded default data). Its *fingerprint* (device, inode, size and modification time of
the file) keys every cached result: writers publish a new store by atomic rename
(:mod:`bubblewatch.data.store_file`), so a finished ``data import`` changes the fingerprint
and the next request computes on the new data. While a writer holds the store's lock the
pages say that the data is being updated (they keep showing the published data).
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bubblewatch.data.store import Store
from bubblewatch.errors import NotFoundError, StoreBusyError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["DataSource", "one_look_per_request"]

#: what one request has seen of the store (its fingerprint, whether it is being written):
#: looked at once per request, so the event loop makes two system calls per request, not
#: dozens (each one a chance for a computing thread to take the GIL), and all of a request's
#: panels agree on the store version
_SEEN: contextvars.ContextVar[dict[tuple[str, str], Any] | None] = contextvars.ContextVar(
    "bubblewatch_store_seen", default=None
)


@contextlib.contextmanager
def one_look_per_request() -> Iterator[None]:
    """Within this block (one request), the store's fingerprint and lock are looked at once."""
    token = _SEEN.set({})
    try:
        yield
    finally:
        _SEEN.reset(token)


#: seconds a request waits for a store that a foreign process holds locked
READ_WAIT = 2.0


class DataSource:
    """The store the app reads.

    Parameters
    ----------
    path : Path
        An existing store file (opened read-only by every computation).
    label : str
        What the pages call the data (a file name or folder name, never a full path).
    Notes
    -----
    ``path`` may be reassigned while serving (``bubblewatch serve --data DIR`` points it at
    the folder's rebuilt cache); the fingerprint follows it.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        label: str | None = None,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise NotFoundError(
                f"store {self.path} does not exist; create it with `bubblewatch data load-demo "
                f"--store {self.path}` or `bubblewatch data import PATH --store {self.path}`"
            )
        self.label = label or self.path.name

    @classmethod
    def from_store(cls, store: Store, *, label: str | None = None) -> DataSource:
        """The source of an open store (which the caller then closes)."""
        return cls(Path(str(store.path)), label=label)

    def _seen(self, what: str, look: Callable[[], Any]) -> Any:
        seen = _SEEN.get()
        if seen is None:  # a computation or the precomputation: look now
            return look()
        key = (what, str(self.path))
        if key not in seen:
            seen[key] = look()
        return seen[key]

    def look_again(self) -> None:
        """Forget what this request has seen of the store (it changed while the request
        waited: e.g. a job the data overtook is submitted again, on the new data)."""
        seen = _SEEN.get()
        if seen is not None:
            seen.clear()

    def fingerprint(self) -> str:
        """A short key that changes whenever the published store changes (looked at once
        per request)."""
        return self._seen("fingerprint", self._fingerprint)  # type: ignore[no-any-return]

    def _fingerprint(self) -> str:
        try:
            st = os.stat(self.path)
        except OSError:
            return "absent"
        return f"{st.st_dev:x}-{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}"

    def open(self) -> Store:
        """The store, read-only (waits briefly for a foreign lock, then StoreBusyError)."""
        return Store(self.path, read_only=True, wait=READ_WAIT, notify=lambda _m: None)

    def being_written(self) -> bool:
        """True while a bubblewatch writer holds the store's lock (an import is running;
        looked at once per request)."""
        return self._seen("being_written", self._being_written)  # type: ignore[no-any-return]

    def _being_written(self) -> bool:
        if fcntl is None:  # pragma: no cover - Windows
            return False
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock, os.O_RDONLY)
        except OSError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_UN)
            return False
        finally:
            os.close(fd)


def busy_error() -> StoreBusyError:
    """The error a request gets while a foreign process keeps the store locked."""
    return StoreBusyError("the data is being updated")
