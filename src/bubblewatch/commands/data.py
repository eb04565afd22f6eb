"""``bubblewatch data``: import, list, fetch and load-demo."""

from __future__ import annotations

import typer

from bubblewatch.commands.common import JsonOpt, StoreOpt, emit, open_store

app = typer.Typer(help="Import, list and fetch data in the local store.", no_args_is_help=True)


@app.command("list")
def list_(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """List every series in the store with its kind, row count and date range."""
    with open_store(store) as st:
        df = st.list_series()
    records = [
        {
            "symbol": r.symbol,
            "kind": r.kind,
            "rows": int(r.rows),
            "first": str(r.first)[:10],
            "last": str(r.last)[:10],
        }
        for r in df.itertuples()
    ]
    text = "\n".join(
        f"{r['symbol']:<32} {r['kind'] or '':<9} {r['rows']:>7}  {r['first']} .. {r['last']}"
        for r in records
    )
    emit(records, as_json, text=text or "the store is empty")
