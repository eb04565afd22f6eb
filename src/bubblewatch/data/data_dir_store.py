"""A read-only store built from a ``--data`` folder, cached until a file under it changes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from bubblewatch.data.cache_build import build_once, cache_base, remove_dead_builds
from bubblewatch.data.import_run import IMPORTER_VERSION, import_paths
from bubblewatch.data.store import Store
from bubblewatch.errors import NotFoundError

__all__ = ["data_dir_fingerprint", "open_data_dir_store", "remove_dead_builds"]


def data_dir_fingerprint(data_dir: str | Path, *, shift_days: int = 0) -> str:
    """Hash of the relative paths, sizes and modification times of the files under ``data_dir``
    (plus the importer version and the import options)."""
    root = Path(data_dir).resolve()
    h = hashlib.sha256(f"bubblewatch-importer-{IMPORTER_VERSION}:{shift_days}\n".encode())
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


def open_data_dir_store(
    data_dir: str | Path, *, shift_days: int = 0, cache_dir: str | Path | None = None
) -> Store:
    """A read-only store holding everything under ``data_dir`` (e.g. ``../shared/data``).

    Built once into ``$BUBBLEWATCH_HOME/cache/<hash>.duckdb`` (default
    ``~/.local/share/bubblewatch/cache``) and reused until a file under ``data_dir`` changes
    (path, size or modification time). ``shift_days`` is passed to :func:`import_paths`
    (in the shared layout it moves only the files documented as shifted). The caller closes
    the returned store.
    """
    root = Path(data_dir).expanduser()
    if not root.is_dir():
        raise NotFoundError(f"data folder {root} does not exist")
    base = Path(cache_dir) if cache_dir is not None else cache_base()
    target = base / f"{data_dir_fingerprint(root, shift_days=shift_days)}.duckdb"
    build_once(target, lambda st: import_paths(st, [root], shift_days=shift_days))
    return Store(target, read_only=True)
