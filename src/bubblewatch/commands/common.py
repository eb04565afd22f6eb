"""Options and output shared by every command: ``--store``, ``--json``, ``--quiet``, progress."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from bubblewatch.commands.progress_view import announce_kernels as _announce
from bubblewatch.commands.progress_view import progress_view
from bubblewatch.data.store_settings import set_store_defaults
from bubblewatch.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from bubblewatch.data.store import Store
    from bubblewatch.results import Result

__all__ = [
    "DataOpt",
    "ExportOpt",
    "JsonOpt",
    "StoreOpt",
    "announce_kernels",
    "configure_store",
    "console",
    "data_store",
    "emit",
    "flag_hints",
    "is_quiet",
    "note",
    "one_of",
    "open_data_folder",
    "open_store",
    "progress",
    "set_quiet",
]

console = Console(stderr=True)
_state = {"quiet": False}

StoreOpt = Annotated[
    Path | None,
    typer.Option(
        "--store",
        help="DuckDB store file (a new one must end in .duckdb). Default: $BUBBLEWATCH_STORE, "
        "else $BUBBLEWATCH_HOME/store.duckdb, else ~/.local/share/bubblewatch/store.duckdb; "
        "reading commands use the embedded AI-2025 episode while that store is absent or empty.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


class ExportFormat(StrEnum):
    csv = "csv"


ExportOpt = Annotated[
    ExportFormat | None,
    typer.Option(
        "--export",
        help="Print the result's table as CSV on stdout instead of text (returns and shares "
        "as fractions, dates ISO).",
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Read from a data folder (e.g. ../shared/data) instead of the store "
        "(imported once into a cache that is rebuilt when the files change).",
    ),
]


def set_quiet(value: bool) -> None:
    _state["quiet"] = value


def is_quiet() -> bool:
    return _state["quiet"] or bool(os.environ.get("BUBBLEWATCH_QUIET"))


def note(message: str) -> None:
    """A one-line note on stderr (silent with ``--quiet``)."""
    if not is_quiet():
        console.print(message, highlight=False, soft_wrap=True)


def configure_store(wait: float | None) -> None:
    """Every store a command opens waits ``wait`` seconds when busy and tells the user."""
    set_store_defaults(wait=wait, notify=note)


def open_store(path: Path | None, *, read_only: bool = False) -> Store:
    """Open the store named by ``--store`` (or the default).

    Read-only opens never create a store: an explicit ``--store`` must exist; without it
    the default store is read, or the embedded default data while that is absent or empty
    (:func:`~bubblewatch.data.default_data.open_reader`). Writers create the store.
    """
    if read_only:
        from bubblewatch.data.default_data import open_reader

        return open_reader(path)
    from bubblewatch.data.store import Store

    return Store(path)


def open_data_folder(data: Path, store: Path | None = None) -> Store:
    """The cached read-only store built from a ``--data`` folder (``--store`` must be unset).

    ``$BUBBLEWATCH_STORE`` is a default, not an option: ``--data`` wins over it.
    """
    if store is not None:
        raise InputError(
            f"use either --data {data} or --store {store}, not both: --data reads a folder "
            "of files, --store a DuckDB store"
        )
    if not data.is_dir():
        raise InputError(f"--data {data}: not a folder; name a data folder such as ../shared/data")
    from bubblewatch.data.csv_reader import is_data_file
    from bubblewatch.data.data_dir_store import open_data_dir_store

    if not any(p.is_file() and is_data_file(p) for p in data.rglob("*")):
        raise InputError(
            f"--data {data}: no data files found there (CSV, .csv.gz or Parquet, e.g. the "
            "shared layout with SOURCES.md); point --data at a folder such as ../shared/data, "
            "or leave it out to read the store (or the embedded AI-2025 episode)"
        )
    with progress(f"importing {data}"):
        return open_data_dir_store(data)


@contextmanager
def data_store(data: Path | None, store: Path | None) -> Iterator[Store]:
    """The store a command reads: a cached read-only store built from ``--data``, else
    ``--store`` (or the default store, or the embedded default data), opened read-only."""
    st = open_data_folder(data, store) if data is not None else open_store(store, read_only=True)
    try:
        yield st
    finally:
        st.close()


def emit(
    result: Result | dict[str, Any] | list[Any],
    as_json: bool,
    text: str | None = None,
    *,
    render: Callable[[Any], Sequence[Any]] | None = None,
    export: ExportFormat | str | None = None,
    frame: pd.DataFrame | None = None,
) -> None:
    """Print a result: its JSON (``--json``), its table as CSV (``--export csv``) or its text.

    The text is ``render(result)`` (renderables of :mod:`bubblewatch.commands.tables`) when
    given, else ``text``, else the result's ``summary()``. The CSV is ``frame`` when given,
    else the result's ``to_frame()``.
    """
    from bubblewatch.results import Result, jsonable

    if as_json and export is not None:
        raise InputError("--json and --export csv are two outputs: give one of them")
    if as_json:
        if isinstance(result, Result):
            typer.echo(result.to_json())
        else:
            typer.echo(json.dumps(jsonable(result), indent=2, allow_nan=False))
        return
    if export is not None:
        if frame is None:
            if not isinstance(result, Result):
                raise InputError("--export csv: this command's result is not a table")
            frame = result.to_frame()
        write_csv(frame)
        return
    if render is not None and text is None:
        from bubblewatch.commands.tables import show

        show(*render(result))
        return
    if text is None:
        text = (
            result.summary()
            if isinstance(result, Result)
            else json.dumps(jsonable(result), indent=2)
        )
    typer.echo(text)


def write_csv(frame: pd.DataFrame) -> None:
    """Write ``frame`` as CSV on stdout (its index too when it is named or not a range)."""
    import pandas as pd

    keep_index = frame.index.name is not None or not isinstance(frame.index, pd.RangeIndex)
    out = frame.copy()
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = out.index.strftime("%Y-%m-%d")
    for c in out.columns:
        if isinstance(out[c].dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(
            out[c]
        ):
            out[c] = out[c].dt.strftime("%Y-%m-%d")
    sys.stdout.write(out.to_csv(index=keep_index, lineterminator="\n"))
    sys.stdout.flush()


def one_of(new: Any, old: Any, names: str) -> Any:
    """The value of an option given under its new name or its old, hidden one (not both).

    Every date range is ``--start/--end``; the old names (``--from/--to``) keep working,
    hidden from ``--help``.
    """
    if new is not None and old is not None and new != old:
        raise InputError(f"{names}: give the option once (the second name is its old alias)")
    return new if new is not None else old


@contextmanager
def flag_hints(hints: dict[str, str]) -> Iterator[None]:
    """Add the command-line hint to an :class:`InputError` about a function's parameter.

    Pure modules name their arguments (``InputError(..., parameter="shares")``); the command
    knows which flag sets that argument and what the way out is::

        with flag_hints({"shares": "use --shares none to skip the market value"}):
            market_event(...)
    """
    try:
        yield
    except InputError as exc:
        hint = hints.get(exc.parameter or "")
        if hint:
            exc.add_hint(hint)
        raise


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[Any]:
    """Progress of a long stage on stderr: a rich bar on a terminal, log lines with counts
    and elapsed time elsewhere, nothing with ``--quiet`` (see
    :mod:`bubblewatch.commands.progress_view`). Yields ``advance(n=1, label=None)``; the
    steps computations report through :mod:`bubblewatch.progress` drive it too.
    """
    with progress_view(console, description, total, quiet=is_quiet()) as advance:
        yield advance


def announce_kernels(*capabilities: str) -> None:
    """Say so before a first run compiles the numba kernels of ``capabilities``."""
    _announce(console, *capabilities, quiet=is_quiet())
