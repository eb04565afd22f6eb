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
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bubblewatch.data.store import Store
from bubblewatch.errors import InputError
from bubblewatch.results import Result, jsonable

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DataOpt",
    "ExportOpt",
    "JsonOpt",
    "StoreOpt",
    "console",
    "data_store",
    "emit",
    "is_quiet",
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
        help="DuckDB store file (default $BUBBLEWATCH_STORE, $BUBBLEWATCH_HOME/store.duckdb "
        "or ~/.local/share/bubblewatch/store.duckdb).",
        envvar="BUBBLEWATCH_STORE",
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


def open_store(path: Path | None, *, read_only: bool = False) -> Store:
    """Open the store named by ``--store`` (or the default)."""
    return Store(path, read_only=read_only)


def open_data_folder(data: Path, store: Path | None = None) -> Store:
    """The cached read-only store built from a ``--data`` folder (``--store`` must be unset)."""
    if store is not None:
        raise InputError("use either --data DIR or --store FILE, not both")
    if not data.is_dir():
        raise InputError(f"--data {data}: not a folder")
    from bubblewatch.data.data_dir_store import open_data_dir_store

    with progress(f"importing {data}"):
        return open_data_dir_store(data)


@contextmanager
def data_store(data: Path | None, store: Path | None) -> Iterator[Store]:
    """The store a command reads: a cached read-only store built from ``--data``, else
    ``--store`` (or the default store), opened read-only."""
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


@contextmanager
def progress(description: str, total: float | None = None) -> Iterator[Any]:
    """A rich progress bar on stderr (silent with ``--quiet`` or when stderr is not a terminal).

    Yields a callable ``advance(n=1)``.
    """
    if is_quiet() or not console.is_terminal:
        yield lambda n=1: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
