"""The store file on disk: what may be opened as a store, the writers' lock, and the swap.

DuckDB lets many processes read a file, but a process writing it locks every reader out
(and its own lock is only released when it closes). bubblewatch therefore never writes the
store file in place. A writer (:class:`WriteSession`)

1. takes the writers' lock ``<store>.lock`` (``flock``; the holder's PID is written in it),
   waiting up to ``wait`` seconds with the message "store busy: held by PID N; waiting up
   to 30 s, --wait to change";
2. copies the store to a temporary file beside it and writes there;
3. on each commit checkpoints the copy, snapshots it, fsyncs the snapshot and renames it
   over the store (``os.replace``: atomic on POSIX); on any failure deletes the copy.

Readers open the store read-only and never wait for a bubblewatch writer: a reader keeps
the file it opened (the old inode) until it closes, new readers see the new file. Nothing
half-written is ever visible, a writer killed mid-way leaves the store untouched (its copy
is removed by the next writer), and a full disk returns the space. The price is two copies
of the store per writing command (tens of MB, well under a second; writes are rare:
import, fetch, load-demo). Readers still wait (same message) for a *foreign* process that holds DuckDB's
own write lock on the file, e.g. the ``duckdb`` shell.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import time
from pathlib import Path

import duckdb

from bubblewatch.data.store_settings import (
    DEFAULT_WAIT,
    Notify,
    set_store_defaults,
    store_defaults,
)
from bubblewatch.errors import (
    InputError,
    NoSpaceError,
    NotFoundError,
    StoreBusyError,
    StoreError,
)

try:  # POSIX; elsewhere writers are not serialised across processes
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "DEFAULT_WAIT",
    "STORE_SUFFIX",
    "WriteSession",
    "WriterLock",
    "check_store_path",
    "connect_read_only",
    "create_hint",
    "remove_leftovers",
    "set_store_defaults",
    "store_defaults",
]

#: a new store's file name must end with this
STORE_SUFFIX = ".duckdb"
_POLL = 0.1
_DUCKDB_MAGIC = b"DUCK"
_PID = re.compile(r"\(PID (\d+)\)")


def create_hint(path: Path | str) -> str:
    """How to create the store ``path`` (the sentence every not-found message ends with)."""
    return (
        f"create it with `bubblewatch data load-demo --store {path}` (the embedded AI-2025 "
        f"episode) or `bubblewatch data import PATH --store {path}`"
    )


def _what_file(path: Path, head: bytes) -> str:
    """A short description of a file that is not a DuckDB database."""
    name = path.name.lower()
    if head.startswith(b"PAR1") or name.endswith((".parquet", ".pq")):
        return "a Parquet file"
    if name.endswith((".csv", ".csv.gz", ".tsv")) or head.startswith(b"\x1f\x8b"):
        return "a CSV file" if not head.startswith(b"\x1f\x8b") else "a gzip file"
    if name.endswith(".json") or head.lstrip()[:1] in (b"{", b"["):
        return "a JSON file"
    if head.startswith(b"SQLite format 3"):
        return "an SQLite database"
    if not head:
        return "an empty file"
    return "not a DuckDB database"


def check_store_path(path: Path, *, must_exist: bool) -> bool:
    """Check that ``path`` can be a store; return whether it exists.

    An existing path must be a DuckDB database file (checked by its header, whatever its
    name); a new path must end in ``.duckdb`` (so a typo such as ``prices.csv`` never
    becomes a store). ``must_exist`` (readers) turns a missing file into an error naming
    how to create it.

    Raises
    ------
    InputError
        A folder, or an existing file that is not a DuckDB database, or a new path
        without the ``.duckdb`` extension.
    NotFoundError
        ``must_exist`` and the file does not exist.
    """
    if path.is_dir():
        raise InputError(
            f"--store {path} is a folder; name a DuckDB file, e.g. {path / 'store.duckdb'}"
        )
    if path.exists():
        try:
            with path.open("rb") as fh:
                head = fh.read(16)
        except OSError as exc:
            raise StoreError(f"cannot read the store {path}: {exc.strerror or exc}") from exc
        if head[8:12] == _DUCKDB_MAGIC:
            return True
        if not head and not must_exist and path.name.endswith(STORE_SUFFIX):
            return False  # an empty placeholder (e.g. a temporary file): a writer fills it
        what = _what_file(path, head)
        fix = (
            f"import it with `bubblewatch data import {path}` and keep the store in a "
            f"{STORE_SUFFIX} file"
            if what.startswith(("a Parquet", "a CSV", "a gzip"))
            else f"name a {STORE_SUFFIX} file with --store"
        )
        raise InputError(f"--store {path} is {what}, not a bubblewatch store (DuckDB); {fix}")
    if must_exist:
        raise NotFoundError(f"store {path} does not exist; import data first: {create_hint(path)}")
    if not path.name.endswith(STORE_SUFFIX):
        raise InputError(
            f"--store {path}: a new store's file name must end in {STORE_SUFFIX} "
            f"(e.g. {path.with_suffix(STORE_SUFFIX).name}); nothing was created"
        )
    return False


def _busy_message(pid: int | None, wait: float) -> str:
    who = f"PID {pid}" if pid else "another process"
    return f"store busy: held by {who}; waiting up to {wait:g} s, --wait to change"


def _busy_error(path: Path, pid: int | None, wait: float, *, writing: bool) -> StoreBusyError:
    who = f"PID {pid}" if pid else "another process"
    done = "nothing was written" if writing else "nothing was read"
    return StoreBusyError(
        f"store busy: {path} is held by {who} and was still busy after {wait:g} s; {done}. "
        f"Let that process finish (or stop it) and run the command again, or wait longer "
        f"with --wait SECONDS"
    )


class WriterLock:
    """The writers' lock of one store: ``flock`` on ``<store>.lock``, holder PID inside.

    The lock file is left in place after release (removing it would let two writers
    lock two different files).
    """

    def __init__(self, store: Path) -> None:
        self.path = store.with_name(store.name + ".lock")
        self._fd: int | None = None

    def holder(self) -> int | None:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace").split()
            return int(text[0]) if text else None
        except (OSError, ValueError):
            return None

    def acquire(self, wait: float, notify: Notify | None, store: Path) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store's lock file {self.path}: {exc.strerror or exc}; "
                "check that its folder is writable"
            ) from exc
        if fcntl is None:  # pragma: no cover - Windows
            self._fd = fd
            return
        deadline = time.monotonic() + max(wait, 0.0)
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    os.close(fd)
                    raise StoreError(f"cannot lock {self.path}: {exc}") from exc
            pid = self.holder()
            if time.monotonic() >= deadline:
                os.close(fd)
                raise _busy_error(store, pid, wait, writing=True)
            if not told and notify is not None:
                notify(_busy_message(pid, wait))
                told = True
            time.sleep(_POLL)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {' '.join(sys.argv[:3])}\n".encode(errors="replace"))
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing drops the flock


def connect_read_only(
    path: Path, *, wait: float = DEFAULT_WAIT, notify: Notify | None = None
) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only, waiting while a foreign process holds DuckDB's write lock."""
    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise StoreError(f"cannot open the store {path}: {_first_line(text)}") from exc
            m = _PID.search(text)
            pid = int(m.group(1)) if m else None
            if time.monotonic() >= deadline:
                raise _busy_error(path, pid, wait, writing=False) from None
            if not told and notify is not None:
                notify(_busy_message(pid, wait))
                told = True
            time.sleep(_POLL)
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open the store {path}: {_first_line(str(exc))}; if the file is "
                f"damaged, rebuild it ({create_hint(path)})"
            ) from exc


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


def _temp_name(store: Path, what: str) -> Path:
    return store.with_name(f".{store.name}.{os.getpid()}.{time.time_ns()}.{what}.bw-tmp")


def remove_leftovers(store: Path) -> None:
    """Delete the temporary copies a killed writer left beside ``store`` (call under the lock)."""
    for p in store.parent.glob(f".{store.name}.*.bw-tmp*"):
        with contextlib.suppress(OSError):
            p.unlink()


def _fsync(path: Path, *, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _no_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return "no space left" in str(exc).lower()


class WriteSession:
    """A writer's session on ``store``: the lock, a private copy, and publishing it.

    Opening takes the writers' lock (waiting up to ``wait`` seconds), removes copies a
    killed writer left behind, copies the store (if it exists) to a temporary file beside
    it and connects read-write to the copy, applying ``ddl`` (a new store is published at
    once, empty). :meth:`publish` checkpoints
    the copy and atomically replaces the store with a snapshot of it; :meth:`close` ends
    the session (publishing first when asked), deletes the copy and releases the lock. A
    session that created the store and ends without publishing anything into it (a failed
    first import or fetch) removes the empty store again: a failure leaves no file behind.
    """

    def __init__(
        self, store: Path, ddl: str, *, wait: float = DEFAULT_WAIT, notify: Notify | None = None
    ) -> None:
        self.store = store
        self.tmp = _temp_name(store, "swap")
        self._wal = store.with_name(store.name + ".wal")
        self._lock = WriterLock(store)
        self._lock.acquire(wait, notify, store)
        self.con: duckdb.DuckDBPyConnection | None = None
        self._only_empty = False  # True while a store this session created holds nothing
        try:
            remove_leftovers(store)
            self._had_wal = self._wal.exists()
            created = not store.exists()  # removed again if this session fills nothing
            fresh = created or store.stat().st_size == 0
            if not fresh:
                shutil.copyfile(store, self.tmp)
                if self._had_wal:  # a crashed foreign writer's log: keep its rows
                    shutil.copyfile(self._wal, _wal_of(self.tmp))
            self.con = duckdb.connect(str(self.tmp))
            self.con.execute(ddl)
            if fresh:  # a new store exists (empty) from its first writer on
                self.publish()
            self._only_empty = created
        except BaseException as exc:
            self._discard()
            if isinstance(exc, OSError | duckdb.Error):
                raise _write_error(store, exc) from exc
            raise

    def publish(self) -> None:
        """Make everything written so far the store's content (atomic rename)."""
        assert self.con is not None
        snap = _temp_name(self.store, "publish")
        try:
            self.con.execute("CHECKPOINT")
            shutil.copyfile(self.tmp, snap)
            _fsync(snap)
            os.replace(snap, self.store)
            self._only_empty = False
            if self._had_wal:
                with contextlib.suppress(OSError):
                    self._wal.unlink()
                self._had_wal = False
            _fsync(self.store.parent, directory=True)
        except (OSError, duckdb.Error) as exc:
            raise _write_error(self.store, exc) from exc
        finally:
            with contextlib.suppress(OSError):
                snap.unlink()

    def close(self, *, publish: bool) -> None:
        """End the session; ``publish`` first (else the copy's changes are dropped, and a
        store this session created and never filled is removed)."""
        try:
            if publish and self.con is not None:
                self.publish()
            elif self._only_empty:
                with contextlib.suppress(OSError):
                    self.store.unlink()  # still under the lock: no other writer has it
        finally:
            self._discard()

    def _discard(self) -> None:
        if self.con is not None:
            with contextlib.suppress(duckdb.Error):
                self.con.close()
            self.con = None
        for leftover in (self.tmp, _wal_of(self.tmp)):
            with contextlib.suppress(OSError):
                leftover.unlink()
        self._lock.release()


def _wal_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _write_error(store: Path, exc: BaseException) -> StoreError:
    if _no_space(exc):
        return NoSpaceError(
            f"no space left on the device holding the store ({store.parent}); nothing "
            "written and the space used by the attempt was returned. Free some space and "
            "run the command again"
        )
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return StoreError(
        f"cannot write the store {store}: {_first_line(str(reason))}; nothing was written"
    )
