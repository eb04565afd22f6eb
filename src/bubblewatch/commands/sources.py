"""SOURCES arguments (CSV files or store symbols) read as one aligned panel: the input of
``market spillover`` and ``market connectedness``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bubblewatch.commands.common import data_store
from bubblewatch.errors import NotFoundError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ColumnOpt", "LagsOpt", "ReturnsOpt", "SourcesArg", "load_sources"]

#: the SOURCES argument and the options that say how to read them (spillover, connectedness)
SourcesArg = Annotated[
    list[str],
    typer.Argument(
        help="CSV files with a date column and value columns, or symbols in the store.",
        show_default=False,
    ),
]
ReturnsOpt = Annotated[
    bool, typer.Option("--returns", help="Use log returns of the values (default: as given).")
]
ColumnOpt = Annotated[str, typer.Option("--column", help="Price column for store symbols.")]
LagsOpt = Annotated[int, typer.Option("--lags", help="VAR order p.")]


def load_sources(
    sources: list[str],
    *,
    column: str,
    data: Path | None,
    store: Path | None,
    returns: bool = False,
    join: str = "inner",
) -> pd.DataFrame:
    """SOURCES (CSV files with a date column and value columns, or store symbols) as one frame.

    ``join="inner"`` keeps the common dates; ``"outer"`` keeps every date (gaps stay missing,
    for the analysis to name them) and takes ``returns`` per series on its own dates. The
    reading is :func:`~bubblewatch.data.wide_csv.read_wide_csv`, the alignment
    :func:`~bubblewatch.market.panel.aligned_panel`.
    """
    from bubblewatch.data.wide_csv import read_wide_csv
    from bubblewatch.market.panel import aligned_panel

    frames: list[pd.DataFrame] = []
    symbols: list[str] = []
    for src in sources:
        p = Path(src)
        if p.suffix.lower() in (".csv", ".gz") or p.exists():
            if not p.exists():
                raise NotFoundError(f"file {p} does not exist")
            frames.append(read_wide_csv(p))
        else:
            symbols.append(src)
    if symbols:
        from bubblewatch.data.resolve import resolve_series

        with data_store(data, store) as st:
            for s in symbols:
                frames.append(resolve_series(s, column=column, store=st).rename(s).to_frame())
    return aligned_panel(frames, log_returns=returns, join=join)
