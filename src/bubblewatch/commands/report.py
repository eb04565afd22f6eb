"""``bubblewatch report``: write the self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    JsonOpt,
    StoreOpt,
    announce_kernels,
    console,
    data_store,
    emit,
    is_quiet,
    open_store,
    progress,
)
from bubblewatch.errors import InputError

__all__ = ["command", "serve"]


def command(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Report on this data folder (e.g. ../shared/data) instead of the store "
            "(imported once into a cache rebuilt when the files change).",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path(
        "out/report.html"
    ),
    symbols: Annotated[
        str | None,
        typer.Option(
            "--symbols", help="Comma-separated tracked symbols (default: the watch list)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As-of date (default: last date of the data).")
    ] = None,
    fast: Annotated[bool, typer.Option("--fast", help="Ask sections to cut slow work.")] = False,
    scan_dir: Annotated[
        Path | None,
        typer.Option(
            "--scan", help="Show the last run of this scan directory (`bubblewatch scan --out`)."
        ),
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write one self-contained HTML report (plotly.js inlined, no network needed).

    Without --data the store is read (--store, or the default store); while the default
    store is absent or empty the embedded default data (the AI-2025 episode and the
    bundled long histories) is read instead. The report never writes to the store.
    """
    from bubblewatch.report.build import build_report

    wanted = [s.strip() for s in symbols.split(",") if s.strip()] if symbols else None
    options: dict[str, Any] = {"fast": fast}
    if scan_dir is not None:
        options["scan_dir"] = scan_dir
    with data_store(data, store) as st:
        announce_kernels("psy", "lppls", "spillover")
        with progress("building the report"):
            result = build_report(
                st, out, symbols=wanted, as_of=as_of, data_dir=data, options=options
            )
    emit(result, as_json, render=render_report)


def render_report(res: Any) -> list[Any]:
    """Text of ``report``: where the file went, the as-of date and how each section fared."""
    words = {"ok": "ok", "missing": "data missing", "error": "failed"}
    styles = {"ok": "green", "data missing": "yellow", "failed": "bold red"}
    return [
        f"report written to {res.out} ({res.bytes / 1e6:.1f} MB, {res.seconds:.1f} s)",
        f"as of {res.as_of}; inputs hash {res.inputs_hash[:16]}; "
        f"tracked: {', '.join(res.symbols) or 'none'}",
        t.table(
            res.sections,
            [
                t.Column("Section", "title"),
                t.Column(
                    "Status",
                    lambda s: words.get(s.status, s.status),
                    style=lambda w: styles.get(str(w), ""),
                ),
                t.Column("Seconds", "seconds", t.number(1)),
                t.Column(
                    "Note",
                    lambda s: (
                        f"lacks: {s.missing_short}" if s.status == "missing" else (s.error or "")
                    ),
                    wrap=True,
                ),
            ],
        ),
    ]


def serve(
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Serve this HTML report instead of building one."),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Serve the report and the stored series (JSON at /api/series/SYMBOL) on a local port."""
    try:
        import uvicorn

        from bubblewatch.web.app import create_app
    except ImportError as exc:
        raise InputError(
            f"the dashboard needs the 'web' extra ({exc.name} is missing): pip install 'bubblewatch[web]'"
        ) from exc
    with open_store(store, read_only=True) as st:
        path = Path(str(st.path))
    if report is not None and not report.is_file():
        raise InputError(f"--report {report}: no such file")
    app = create_app(path, report_path=report)
    if not is_quiet():
        console.print(f"serving http://{host}:{port}/ (store {path}); Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning")
