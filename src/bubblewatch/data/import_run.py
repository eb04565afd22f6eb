"""The run of one import: discover the files, parse them per kind, write them in one
transaction (:func:`import_paths`), and :data:`IMPORTER_VERSION`.

The public entry point is :mod:`bubblewatch.data.importer` (file formats, the three steps);
this module sits below :mod:`bubblewatch.data.data_dir_store`, which builds the cached
``--data`` store with it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pandas as pd

from bubblewatch.data.discovery import discover
from bubblewatch.data.import_report import ImportReport
from bubblewatch.data.parsers import Parsed, parse_file
from bubblewatch.data.store import Store
from bubblewatch.data.writer import (
    TABLE_COLUMNS,
    TABLE_KEYS,
    check_tables,
    write_frames,
)
from bubblewatch.errors import DataQualityWarning

__all__ = ["IMPORTER_VERSION", "import_paths"]

#: bump when the importer's mapping changes, so cached data-dir stores are rebuilt
IMPORTER_VERSION = "3"  # 2: fundamentals/ imported; 3: documented shifts applied


def import_paths(
    store: Store,
    paths: Iterable[str | Path] | str | Path,
    *,
    kind: str | None = None,
    symbol: str | None = None,
    shift_days: int = 0,
    shift: Mapping[str, int] | None = None,
    replace: bool = False,
    dry_run: bool = False,
    on_progress: Callable[[int, int, str], None] | None = None,
) -> ImportReport:
    """Import files or folders (CSV, ``.csv.gz``, Parquet, or the shared data layout).

    Parameters
    ----------
    store : Store
        The store to write to (opened writable).
    paths : path or iterable of paths
        Files and folders; folders are walked recursively.
    kind : str, optional
        Asset kind for every file (default: the shared layout's folder, else ``equity``).
    symbol : str, optional
        Symbol for every file (default: the file name without extension).
    shift_days : int
        Calendar days added to every date (see :func:`discover` for the shared layout).
    shift : mapping, optional
        Per-symbol shifts ``{"TSMC_2330.TW": 1}``.
    replace : bool
        First delete every stored row of the series being imported (holdings: of the
        snapshots being imported), so the store holds exactly the files' rows. Default:
        upsert by key, keeping stored dates the files do not mention.
    dry_run : bool
        Read and validate everything, write nothing (the report says what would be written).
    on_progress : callable, optional
        Called as ``on_progress(done, total, label)`` after each file is read and once more
        after the write.

    Returns
    -------
    ImportReport

    Raises
    ------
    DataFileError
        A file is malformed; nothing from the call is written.
    InputError, NotFoundError
        Bad arguments, a missing path, or a symbol already stored in another table.
    """
    t0 = time.perf_counter()
    specs = discover(paths, kind=kind, symbol=symbol, shift_days=shift_days, shift=shift)
    total = len(specs) + 1
    parsed: list[Parsed] = []
    for i, spec in enumerate(specs):
        parsed.append(parse_file(spec))
        if on_progress is not None:
            on_progress(i + 1, total, spec.path.name)
    frames: dict[str, list[pd.DataFrame]] = {}
    for p in parsed:
        for table, df in p.frames.items():
            if len(df):
                frames.setdefault(table, []).append(df)
    merged: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    for table, dfs in frames.items():
        df = pd.concat(dfs, ignore_index=True) if len(dfs) > 1 else dfs[0]
        keys = list(TABLE_KEYS[table])
        dup = df.duplicated(keys, keep="last")
        if dup.any():
            if table != "series":
                what = sorted(pd.unique(df.loc[dup, keys[0]]).tolist())
                notes.append(
                    f"{len(what)} {table} series given by more than one file in this call "
                    f"({', '.join(map(str, what[:8]))}{' ...' if len(what) > 8 else ''}); the "
                    "later file's rows win on overlapping dates"
                )
            df = df.loc[~dup]
        merged[table] = df
    cat = merged.get("series")
    if cat is not None:
        check_tables(store, cat)
    if not dry_run:
        write_frames(store, merged, replace=replace)
    if on_progress is not None:
        on_progress(total, total, "checked" if dry_run else "written")
    files = tuple(p.report() for p in parsed)
    all_warnings = [w for p in parsed for w in p.warnings] + notes
    for w in all_warnings:
        warnings.warn(w, DataQualityWarning, stacklevel=2)
    rows = {t: len(merged[t]) for t in TABLE_COLUMNS if t in merged and t != "series"}
    return ImportReport(
        files=files,
        rows=rows,
        warnings=tuple(all_warnings),
        seconds=time.perf_counter() - t0,
        store=str(store.path),
        series=0 if cat is None else len(cat),
        dry_run=dry_run,
    )
