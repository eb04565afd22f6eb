"""Options and output shared by every command: ``--store``, ``--json``, ``--quiet``, progress."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from bubblewatch.data.store import Store
from bubblewatch.results import Result, jsonable

__all__ = [
    "JsonOpt",
    "StoreOpt",
    "console",
    "emit",
    "is_quiet",
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


def set_quiet(value: bool) -> None:
    _state["quiet"] = value


def is_quiet() -> bool:
    return _state["quiet"] or bool(os.environ.get("BUBBLEWATCH_QUIET"))


def open_store(path: Path | None, *, read_only: bool = False) -> Store:
    """Open the store named by ``--store`` (or the default)."""
    return Store(path, read_only=read_only)


def emit(
    result: Result | dict[str, Any] | list[Any], as_json: bool, text: str | None = None
) -> None:
    """Print a result: its JSON (``--json``) or its text summary."""
    if as_json:
        if isinstance(result, Result):
            typer.echo(result.to_json())
        else:
            typer.echo(json.dumps(jsonable(result), indent=2, allow_nan=False))
        return
    if text is None:
        text = (
            result.summary()
            if isinstance(result, Result)
            else json.dumps(jsonable(result), indent=2)
        )
    typer.echo(text)


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
