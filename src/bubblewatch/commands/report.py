"""``bubblewatch report``: write the self-contained HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import (
    DataOpt,
    JsonOpt,
    StoreOpt,
    announce_kernels,
    console,
    data_store,
    emit,
    is_quiet,
    open_data_folder,
    open_store,
    progress,
    set_quiet,
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
    words = {"ok": "ok", "partial": "partial", "missing": "data missing", "error": "failed"}
    styles = {"ok": "green", "partial": "cyan", "data missing": "yellow", "failed": "bold red"}
    notes = {"partial": "shown without: ", "missing": "lacks: "}
    return [
        f"report written to {res.out} ({res.bytes / 1e6:.1f} MB, {res.seconds:.1f} s)",
        f"as of {res.as_of}; inputs hash {res.inputs_hash[:16]}; "
        f"tracked: {', '.join(res.symbols) or 'none'}",
        f"assets: {', '.join(res.assets) or 'none'}",
        t.table(
            res.sections,
            [
                t.Column("Section", "title"),
                t.Column(
                    "Status",
                    lambda s: words.get(s.state, s.state),
                    style=lambda w: styles.get(str(w), ""),
                ),
                t.Column("Seconds", "seconds", t.number(1)),
                t.Column(
                    "Note",
                    lambda s: (
                        notes[s.state] + s.missing_short if s.state in notes else (s.error or "")
                    ),
                    wrap=True,
                ),
            ],
        ),
    ]


def serve(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Interface to listen on (default 127.0.0.1: this machine only). Another "
            "address exposes the dashboard, which has no authentication, to the network.",
        ),
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the dashboard in the default web browser.")
    ] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Serve this HTML report at /report instead of building one."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout",
            min=1.0,
            max=600.0,
            help="Seconds a request waits for a computation before HTTP 503 (it goes on in "
            "the background).",
        ),
    ] = 30.0,
    data: DataOpt = None,
    store: StoreOpt = None,
) -> None:
    """Serve the dashboard: status overview, asset evidence, capital loop, contagion, claims,
    data, and the JSON API (each answer = the CLI's --json) on a local port.

    The store is opened read-only; without --store or --data the default store is served,
    or the embedded AI-2025 episode while that store is absent or empty.
    """
    try:
        import uvicorn

        from bubblewatch.web.app import LOOPBACK_HOSTS, create_app
    except ImportError as exc:
        raise InputError(
            f"the dashboard needs the 'web' extra ({exc.name} is missing): pip install 'bubblewatch[web]'"
        ) from exc
    if report is not None and not report.is_file():
        raise InputError(f"--report {report}: no such file")
    source = _serve_source(data, store)
    loopback = host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")
    if not loopback:
        console.print(
            f"warning: --host {host} exposes the dashboard to the network and it has no "
            "authentication: anyone who can reach this port can read the data. Use the "
            "default 127.0.0.1 unless that is what you want.",
            highlight=False,
            soft_wrap=True,
            markup=False,
        )
    app = create_app(
        source,
        report_path=report,
        allowed_hosts=LOOPBACK_HOSTS if loopback else None,
        timeout=timeout,
    )
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else shown}:{port}/"
    if not is_quiet():
        console.print(
            f"serving {url} (data: {source.label}); the default pages are precomputed in the "
            "background; Ctrl-C stops",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    set_quiet(True)  # the computations' progress lines are for terminals, not a server log
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _serve_source(data: Path | None, store: Path | None) -> Any:
    """The dashboard's data: --data's cached store (followed when the folder changes),
    --store (must exist), or the default store / the embedded default data."""
    from bubblewatch.web.source import DataSource

    if data is not None:
        st = open_data_folder(data, store)
        path = Path(str(st.path))
        st.close()
        src = DataSource(path, label=f"folder {data.name}")
        _follow_folder(src, data)
        return src
    with open_store(store, read_only=True) as st:
        path = Path(str(st.path))
    if store is not None:
        label = store.name
    elif path.name.startswith("default-data-"):
        label = "the embedded AI-2025 episode"
    else:
        label = "the default store"
    return DataSource(path, label=label)


def _follow_folder(src: Any, folder: Path, every: float = 10.0) -> Any:
    """Rebuild --data's cached store in the background when a file under it changes (the
    source then points at the new store); returns the event that stops the follower."""
    import threading

    from bubblewatch.data.data_dir_store import data_dir_fingerprint, open_data_dir_store

    stop = threading.Event()
    seen = data_dir_fingerprint(folder)  # the folder as served now

    def loop() -> None:
        nonlocal seen
        while not stop.wait(every):
            try:
                now = data_dir_fingerprint(folder)
                if now != seen:
                    st = open_data_dir_store(folder)
                    src.path = Path(str(st.path))
                    st.close()
                    seen = now
            except Exception:  # the folder is mid-change: try again next time
                continue

    threading.Thread(target=loop, name="bw-follow-data", daemon=True).start()
    return stop
