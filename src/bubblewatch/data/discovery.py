"""Discovery: expand the files and folders named on an import into :class:`FileSpec` entries.

Nothing is read here except the shared layout's ``SOURCES.md`` (its mapping of files to kinds,
symbols and shifts, :mod:`bubblewatch.data.shared_layout`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from bubblewatch.data.csv_reader import check_regular_file, is_data_file
from bubblewatch.data.file_spec import FileSpec
from bubblewatch.data.schema import KINDS
from bubblewatch.data.shared_layout import (
    SourceRow,
    find_layout_root,
    is_layout_root,
    layout_spec,
    source_rows,
)
from bubblewatch.errors import InputError, NotFoundError

__all__ = ["MAX_SHIFT_DAYS", "check_shift", "discover", "normalise_symbol"]

#: the largest date shift accepted: about the span of the accepted dates (1800-2100)
MAX_SHIFT_DAYS = 110_000


def normalise_symbol(symbol: str, where: str) -> str:
    """A symbol as stored: stripped and upper case (``nvda`` and ``NVDA`` are one series).

    Raises
    ------
    InputError
        When nothing is left (an empty ``--symbol`` or file name).
    """
    out = str(symbol).strip().upper()
    if not out:
        raise InputError(
            f"{where}: empty symbol (expected a name such as NVDA; give one with --symbol)"
        )
    return out


def check_shift(days: int, where: str) -> None:
    """Refuse a shift that would move every date out of the accepted range (1800-2100)."""
    if abs(int(days)) > MAX_SHIFT_DAYS:
        raise InputError(
            f"{where}: a shift of {int(days)} days moves the dates out of the accepted range "
            f"1800-01-01 to 2100-12-31 (expected a few days, e.g. --shift-days 1; at most "
            f"{MAX_SHIFT_DAYS} in size)"
        )


def _walk(folder: Path) -> list[Path]:
    """Every non-folder entry under ``folder`` (links, FIFOs included: they are checked when
    read), sorted; an unreadable sub-folder is an error, never a silent skip."""
    failed: list[OSError] = []
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, onerror=failed.append):
        dirnames.sort()
        found.extend(Path(dirpath) / name for name in filenames)
    if failed:
        e = failed[0]
        raise InputError(
            f"{folder}: cannot read the sub-folder {e.filename} ({e.strerror}); nothing was "
            "imported (make it readable, or name the files to import)"
        )
    return sorted(found)


def discover(
    paths: Iterable[str | Path] | str | Path,
    *,
    kind: str | None = None,
    symbol: str | None = None,
    shift_days: int = 0,
    shift: Mapping[str, int] | None = None,
) -> list[FileSpec]:
    """Expand files and folders into :class:`FileSpec` entries (nothing is read yet).

    Folders are walked recursively for ``.csv``, ``.csv.gz`` and ``.parquet`` files; a folder
    (or file) inside the shared data layout (a folder with ``SOURCES.md``) follows the
    layout's mapping (:mod:`bubblewatch.data.shared_layout`).

    ``shift_days`` moves the dates of every file named or found, except inside the shared
    layout, where the files whose documentation says they are shifted (``TSMC_2330.TW``, one
    day) get their documented shift by default and ``shift_days``, when given, replaces it;
    other layout files are never shifted. ``shift`` maps a symbol to its own shift and wins
    over both (``{"TSMC_2330.TW": 0}`` imports the file's dates as they are).
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind '{kind}' (expected one of {', '.join(KINDS)})")
    if symbol is not None:
        symbol = normalise_symbol(symbol, "--symbol")
    check_shift(shift_days, "--shift-days")
    for sym, days in (shift or {}).items():
        check_shift(days, f"--shift {sym}={days}")
    shift = {str(k).strip().upper(): int(v) for k, v in (shift or {}).items()}
    if isinstance(paths, str | Path):
        paths = [paths]
    specs: list[FileSpec] = []
    seen: set[Path] = set()
    source_cache: dict[Path, dict[str, SourceRow]] = {}
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists() and not p.is_symlink():
            raise NotFoundError(f"{p}: no such file or folder")
        if p.is_dir():
            files = _walk(p)
            if not is_layout_root(p):
                files = [f for f in files if is_data_file(f)]
            if not files:
                raise InputError(f"{p}: folder holds no .csv, .csv.gz or .parquet files")
        else:
            files = [p]
        for f in files:
            rp = f.resolve()
            if rp in seen or f.name == "SOURCES.md" or f.name.startswith("."):
                continue
            seen.add(rp)
            root = find_layout_root(f.parent)
            if root is not None:
                if root not in source_cache:
                    source_cache[root] = source_rows(root)
                spec = layout_spec(root, f, source_cache[root])
                if spec.shift_caveat and shift_days:
                    spec = replace(spec, shift_days=shift_days)
            else:
                if not is_data_file(f):
                    raise InputError(
                        f"{f}: unsupported file type (expected .csv, .csv.gz or .parquet)"
                    )
                stem = f.name[: -len(".csv.gz")] if f.name.endswith(".csv.gz") else f.stem
                if symbol is None:
                    stem = normalise_symbol(stem, f"the file name {f.name!r}")
                spec = FileSpec(f, symbol=stem, shift_days=shift_days)
            if spec.mode == "auto":
                if kind is not None:
                    spec = replace(spec, kind=kind)
                if symbol is not None:
                    spec = replace(spec, symbol=symbol, explicit_symbol=True)
            if spec.mode != "skip":
                check_regular_file(f)
            if spec.symbol.upper() in shift:
                spec = replace(spec, shift_days=shift[spec.symbol.upper()])
            specs.append(spec)
    return specs
