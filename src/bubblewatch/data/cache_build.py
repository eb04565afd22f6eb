"""Read-only stores built once into the cache folder (a ``--data`` folder, the embedded
default data): built in a temporary file of their own and renamed into place, so a reader
never sees half a store; the temporary files of builds that were killed are removed by the
next build (never left for ever).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from bubblewatch.data.store import Store
from bubblewatch.errors import DataQualityWarning

__all__ = ["build_once", "cache_base", "remove_dead_builds"]

#: a build's temporary file ``.<name>.<pid>.<ns>.tmp.duckdb``, its ``.wal`` and DuckDB's
#: spill folder ``.tmp``
_BUILD = re.compile(r"^\..+\.(\d+)\.\d+\.tmp\.duckdb(\.wal|\.tmp)?$")


def cache_base() -> Path:
    """``$BUBBLEWATCH_HOME/cache`` (default ``~/.local/share/bubblewatch/cache``)."""
    home = os.environ.get("BUBBLEWATCH_HOME")
    base = Path(home).expanduser() if home else Path.home() / ".local" / "share" / "bubblewatch"
    return base / "cache"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def remove_dead_builds(cache_dir: Path) -> list[Path]:
    """Delete the temporary files of builds whose process is gone (killed, or the machine
    stopped); a build still running keeps its files. Returns the paths removed."""
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


def build_once(target: Path, fill: Callable[[Store], object]) -> Path:
    """``target`` (a store file in the cache), built by ``fill`` when it does not exist yet:
    into a temporary file of this process, renamed over ``target`` when complete; the data
    quality warnings of the build are not repeated (the import reports them)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_builds(target.parent)
    if target.exists():
        return target
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.{time.time_ns()}.tmp.duckdb")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            with Store(tmp, private=True) as st:
                fill(st)
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return target
