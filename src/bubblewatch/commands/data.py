"""``bubblewatch data``: import, list, fetch and load-demo."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    ExportOpt,
    JsonOpt,
    StoreOpt,
    emit,
    note,
    open_store,
    progress,
)
from bubblewatch.errors import DataQualityWarning, InputError

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.data.store import Store

app = typer.Typer(help="Import, list and fetch data in the local store.", no_args_is_help=True)


def _parse_shifts(items: list[str] | None) -> dict[str, int]:
    out: dict[str, int] = {}
    for item in items or []:
        sym, sep, days = item.rpartition("=")
        try:
            if not sep or not sym:
                raise ValueError
            out[sym] = int(days)
        except ValueError:
            raise InputError(
                f"--shift {item!r}: expected SYMBOL=DAYS, e.g. --shift TSMC_2330.TW=1"
            ) from None
    return out


@app.command("import")
def import_(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="CSV / .csv.gz / Parquet files or folders (e.g. ../shared/data).",
            show_default=False,
        ),
    ],
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Asset kind: equity, index, future, fx, crypto or macro "
            "(default: the shared layout's folder, else equity).",
        ),
    ] = None,
    symbol: Annotated[
        str | None,
        typer.Option("--symbol", help="Symbol to store the file under (default: file name)."),
    ] = None,
    shift_days: Annotated[
        int,
        typer.Option(
            "--shift-days",
            help="Add N calendar days to every date. In the shared layout it applies only to "
            "the files SOURCES.md says are shifted (TSMC_2330.TW), which are moved by their "
            "documented shift (+1 day) by default; --shift TSMC_2330.TW=0 keeps them raw.",
        ),
    ] = 0,
    shift: Annotated[
        list[str] | None,
        typer.Option("--shift", help="Per-symbol shift SYMBOL=DAYS (repeatable)."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Delete the stored rows of each imported series first (default: upsert by "
            "date, keeping stored dates the files do not mention).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing.")
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Import files or folders into the store: all-or-nothing, idempotent (upsert by key)."""
    from bubblewatch.data.importer import discover, import_paths

    shifts = _parse_shifts(shift)
    specs = discover(paths, kind=kind, symbol=symbol, shift_days=shift_days, shift=shifts)
    with (
        _import_store(store, dry_run) as st,
        progress("importing", total=len(specs) + 1) as advance,
    ):
        with warnings.catch_warnings():
            # the report lists the data-quality warnings itself
            warnings.simplefilter("ignore", DataQualityWarning)
            report = import_paths(
                st,
                paths,
                kind=kind,
                symbol=symbol,
                shift_days=shift_days,
                shift=shifts,
                replace=replace,
                dry_run=dry_run,
                on_progress=lambda done, total, label: advance(),
            )
    payload = report.to_dict()
    payload["parameters"] = {
        "paths": [str(p) for p in paths],
        "kind": kind,
        "symbol": symbol,
        "shift_days": shift_days,
        "shift": shifts,
        "replace": replace,
        "dry_run": dry_run,
    }
    emit(payload, as_json, render=lambda _: render_import(report))


def render_import(report: Any) -> list[Any]:
    """Text of ``data import``: what was written, each file, what was skipped, the warnings."""
    verb = "checked (dry run, nothing written)" if report.dry_run else "imported"
    rows = ", ".join(f"{table} {n:,}" for table, n in report.rows.items() if n)
    out: list[Any] = [
        f"{verb} {t.plural(len(report.imported), 'file')}, "
        f"{t.plural(report.series, 'series', 'series')} into {report.store} "
        f"in {report.seconds:.1f} s",
        f"rows {'to write' if report.dry_run else 'written'}: {rows or 'none'}",
    ]
    files = [f for f in report.imported if f.rows]
    if files:
        out.append(
            t.table(
                files,
                [
                    t.Column("File", "path", wrap=True),
                    t.Column("Table", "table"),
                    t.Column("Kind", "kind"),
                    t.Column(
                        "Series",
                        lambda f: (
                            ", ".join(f.symbols[:3])
                            + (f" and {len(f.symbols) - 3} more" if len(f.symbols) > 3 else "")
                        ),
                        wrap=True,
                    ),
                    t.Column("Rows", "rows", t.integer),
                    t.Column("From", "first", t.date),
                    t.Column("To", "last", t.date),
                    t.Column(
                        "Dates shifted",
                        "shift_days",
                        lambda d: t.plural(int(d), "day") if d else "",
                        justify="right",
                    ),
                ],
            )
        )
    if report.skipped:
        out.append(
            t.table(
                report.skipped,
                [
                    t.Column("Skipped file", "path", wrap=True),
                    t.Column("Why", "skipped", wrap=True),
                ],
            )
        )
    shifted = [f for f in report.imported if f.shift_days]
    for f in shifted:
        out.append(
            t.note(
                f"dates shifted {f.shift_days:+d} day{'' if abs(f.shift_days) == 1 else 's'} at "
                f"import: {f.path} (documented shift of the shared layout, or --shift/--shift-days;"
                f" --shift {f.symbols[0] if f.symbols else 'SYMBOL'}=0 keeps them as they are)"
            )
        )
    for f in report.imported:
        out.extend(t.note(f"note: {n}") for n in f.notes)
    for w in report.warnings:
        out.append(t.note(f"warning: {w}"))
    return out


def _import_store(store: Path | None, dry_run: bool) -> Store:
    """The store an import writes; a dry run only reads it and never creates it."""
    from bubblewatch.data.store import Store, default_store_path
    from bubblewatch.data.store_file import check_store_path

    if not dry_run:
        return open_store(store)
    path = store if store is not None else default_store_path()
    if Path(path).exists():
        return Store(path, read_only=True)
    check_store_path(Path(path), must_exist=False)
    note(f"dry run: the store {path} does not exist yet; checking against an empty store")
    return Store(":memory:")


@app.command("list")
def list_(store: StoreOpt = None, as_json: JsonOpt = False, export: ExportOpt = None) -> None:
    """List every series in the store with its kind, row count and date range.

    --export csv: the same list as CSV (symbol, kind, rows, first, last).
    """
    with open_store(store, read_only=True) as st:
        df = st.list_series()
    from bubblewatch.data.catalogue import catalogue_records

    records = catalogue_records(df, fields=("symbol", "kind", "rows", "first", "last"))
    if not records:
        emit(records, as_json, text="the store is empty")
        return
    import pandas as pd

    emit(records, as_json, render=render_listing, export=export, frame=pd.DataFrame(records))


def render_listing(records: list[dict[str, Any]]) -> list[Any]:
    """Text of ``data list``: one row per series."""
    return [
        t.table(
            records,
            [
                t.Column("Series", "symbol"),
                t.Column("Kind", "kind"),
                t.Column("Rows", "rows", t.integer),
                t.Column("From", "first", t.date),
                t.Column("To", "last", t.date),
            ],
            title=f"{t.plural(len(records), 'series', 'series')} in the store",
        )
    ]
