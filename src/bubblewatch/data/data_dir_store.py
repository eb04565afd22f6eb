"""A read-only store built from a ``--data`` folder, cached until a file under it changes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
import warnings
from pathlib import Path

from bubblewatch.data.importer import IMPORTER_VERSION, import_paths
from bubblewatch.data.store import Store
from bubblewatch.errors import DataQualityWarning, NotFoundError

__all__ = ["data_dir_fingerprint", "open_data_dir_store", "remove_dead_builds"]


def _cache_base() -> Path:
    home = os.environ.get("BUBBLEWATCH_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".local" / "share" / "bubblewatch"
    return base / "cache"


def data_dir_fingerprint(data_dir: str | Path, *, shift_days: int = 0) -> str:
    """Hash of the relative paths, sizes and modification times of the files under ``data_dir``
    (plus the importer version and the import options)."""
    root = Path(data_dir).resolve()
    h = hashlib.sha256(f"bubblewatch-importer-{IMPORTER_VERSION}:{shift_days}\n".encode())
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        st = f.stat()
        h.update(f"{f.relative_to(root).as_posix()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:20]


#: a cache build's temporary file ``.<hash>.<pid>.<ns>.tmp.duckdb``, its ``.wal`` and
#: DuckDB's spill folder ``.tmp``
_BUILD = re.compile(r"^\.[0-9a-f]+\.(\d+)\.\d+\.tmp\.duckdb(\.wal|\.tmp)?$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def remove_dead_builds(cache_dir: Path) -> list[Path]:
    """Delete the temporary files of cache builds whose process is gone (killed, or the
    machine stopped); a build still running keeps its file. Returns the files removed."""
    removed = []
    for p in cache_dir.iterdir():
        m = _BUILD.match(p.name)
        if m and not _alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p)
                else:
                    p.unlink()
                removed.append(p)
    return removed


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
    base = Path(cache_dir) if cache_dir is not None else _cache_base()
    base.mkdir(parents=True, exist_ok=True)
    remove_dead_builds(base)
    target = base / f"{data_dir_fingerprint(root, shift_days=shift_days)}.duckdb"
    if not target.exists():
        tmp = base / f".{target.stem}.{os.getpid()}.{time.time_ns()}.tmp.duckdb"
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DataQualityWarning)
                with Store(tmp, private=True) as st:
                    import_paths(st, [root], shift_days=shift_days)
            os.replace(tmp, target)
        finally:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                if leftover.exists():
                    leftover.unlink()
    return Store(target, read_only=True)
