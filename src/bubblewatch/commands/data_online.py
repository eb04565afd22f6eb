"""``bubblewatch data load-demo`` and ``bubblewatch data fetch``: bundled and online data."""

from __future__ import annotations

from typing import Annotated

import typer

from bubblewatch.commands.common import JsonOpt, StoreOpt, console, emit, is_quiet, open_store

__all__ = ["load_demo"]


def load_demo(
    symbols: Annotated[
        str | None,
        typer.Option(
            "--symbols", help="Comma-separated subset of the bundled series (default all)."
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite symbols the store holds from another source."),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load the embedded default data (NVDA, AMZN, MSFT, NFLX, BTC-USD, ^IXIC, ^GSPC, ^VIX,
    DCOILWTICO) from the installed packages into the store, in one transaction."""
    from bubblewatch.data.datasets import load_demo as _load_demo

    wanted = [s.strip() for s in symbols.split(",") if s.strip()] if symbols else None
    with open_store(store) as st:
        records = _load_demo(st, wanted, replace=replace)
        where = st.path
    text = "\n".join(
        f"{r['symbol']:<11} {r['kind']:<7} {r['rows']:>6}  {r['first']} .. {r['last']}  "
        + (r["source"] if r["status"] == "loaded" else f"skipped: {r['reason']}")
        for r in records
    )
    if not as_json and not is_quiet():
        console.print(f"loaded into {where}", highlight=False)
    emit(records, as_json, text=text)
