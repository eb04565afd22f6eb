"""A folder of cached result frames, keyed by a fingerprint of their inputs.

Used for work that takes minutes and depends only on data and parameters (the status track
record's replay): the key is a SHA-256 of the inputs, so changed data or parameters miss the
cache and nothing stale is ever read. Location: ``$BUBBLEWATCH_CACHE``, else
``$BUBBLEWATCH_HOME/cache``, else ``~/.cache/bubblewatch``. Writes are atomic (a temporary
file renamed into place).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd

from bubblewatch.errors import InputError

__all__ = [
    "PACKED_TRACK_RECORD",
    "CacheChain",
    "FrameCache",
    "default_cache_dir",
    "track_record_cache",
]

#: the track record's replays of the embedded default data, shipped with the package
#: (made by ``scripts/build_track_record_pack.py``; ``MANIFEST.json`` gives their provenance)
PACKED_TRACK_RECORD = "track_record"

_KEY = re.compile(r"^[0-9a-f]{16,128}$")


def default_cache_dir() -> Path:
    """The cache folder (see the module docstring)."""
    env = os.environ.get("BUBBLEWATCH_CACHE")
    if env:
        return Path(env).expanduser()
    home = os.environ.get("BUBBLEWATCH_HOME")
    if home:
        return Path(home).expanduser() / "cache"
    return Path.home() / ".cache" / "bubblewatch"


class FrameCache:
    """Frames stored as Parquet files named by their key (a hex fingerprint).

    Examples
    --------
    >>> import tempfile
    >>> c = FrameCache(tempfile.mkdtemp(), kind="demo")
    >>> c.get("ab" * 16) is None
    True
    >>> c.put("ab" * 16, pd.DataFrame({"x": [1.0]}))
    >>> c.get("ab" * 16)["x"].tolist()
    [1.0]
    """

    def __init__(self, folder: str | Path | None = None, *, kind: str = "results") -> None:
        self.folder = (Path(folder) if folder is not None else default_cache_dir()) / kind

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise InputError(f"cache key {key!r} is not a hex fingerprint")
        return self.folder / f"{key}.parquet"

    def get(self, key: str) -> pd.DataFrame | None:
        """The frame stored under ``key``, or None (also for an unreadable file)."""
        path = self._path(key)
        if not path.is_file():
            return None
        try:
            return pd.read_parquet(path)
        except Exception:  # a damaged cache file is a miss, never an error
            return None

    def put(self, key: str, frame: pd.DataFrame) -> None:
        """Store ``frame`` under ``key`` (atomically)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        frame.to_parquet(tmp)
        tmp.replace(path)


class CacheChain:
    """Several caches read in order (the first hit wins); writes go to the first."""

    def __init__(self, *caches: FrameCache) -> None:
        self.caches = caches

    def get(self, key: str) -> pd.DataFrame | None:
        for c in self.caches:
            hit = c.get(key)
            if hit is not None:
                return hit
        return None

    def put(self, key: str, frame: pd.DataFrame) -> None:
        self.caches[0].put(key, frame)


def track_record_cache() -> CacheChain:
    """The user's track-record cache, then the replays shipped for the embedded data (read
    only; they match only when the data, the parameters and the version all match)."""
    from importlib import resources

    packed = FrameCache(Path(str(resources.files("bubblewatch.data"))), kind=PACKED_TRACK_RECORD)
    return CacheChain(FrameCache(kind="track-record"), packed)
