"""Build the self-contained HTML report from the explicit list of sections.

The report is ONE file: plotly.js (from the installed ``plotly`` package) is inlined exactly
once in the page head, every figure is rendered without it (``include_plotlyjs=False``), and
no external URL is referenced (no CDN, web font or remote image), so the file renders with
the network off.

First screen (:mod:`bubblewatch.report.page_header`): the title, one line naming the data
(as-of date, the episode pack or data folder and its span), the sections' headline figures,
a one-line contents (each section ``partial`` or ``data missing`` where so, with the short
inputs named), then the first section, the bubble status. Below it, *Data sources*: the
tracked assets by readable name, the store, the bubblewatch version, the *inputs hash* (see
:func:`inputs_hash`) and the sources and date ranges of the tracked series (all series in a
collapsible table).

A section that raises does not kill the report: the builder logs the exception and shows an
error box naming the section. A section's ``missing`` list is shown to the reader.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch import __version__, progress
from bubblewatch.errors import InputError, NoSpaceError, NotFoundError, is_disk_full
from bubblewatch.report.assets import tracked_assets
from bubblewatch.report.context import ReportContext, SectionOutput
from bubblewatch.report.page_header import data_line, short_names
from bubblewatch.results import Result, make_metadata

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

    from bubblewatch.data.store import Store
    from bubblewatch.report.sections import SectionBuilder

__all__ = [
    "DEFAULT_WATCHLIST",
    "ReportBuild",
    "build_context",
    "build_report",
    "default_symbols",
    "inputs_hash",
    "render_report",
]

log = logging.getLogger("bubblewatch.report")

#: symbols tracked by default when the store holds them (equities and indices of the AI boom).
#: Bundled-data names (``^IXIC``, ``^GSPC``), shared-layout names and Asian tickers all appear.
DEFAULT_WATCHLIST: tuple[str, ...] = (
    "NVDA",
    "AMD",
    "ORCL",
    "MSFT",
    "AVGO",
    "INTC",
    "TSM",
    "AMZN",
    "GOOGL",
    "META",
    "^IXIC",
    "^GSPC",
    "^SOX",
    "NASDAQ_COMPOSITE_2025_2026",
    "SP500_2025_2026",
    "SOX_2025_2026",
    "KOSPI",
    "^KS11",
    "TSMC_2330.TW",
    "SK_HYNIX_000660.KS",
    "SAMSUNG_005930.KS",
    "SOFTBANK_9984.T",
)

_TRACKED_KINDS = ("equity", "index")


def default_symbols(store: Store, watchlist: Sequence[str] = DEFAULT_WATCHLIST) -> list[str]:
    """The tracked symbols: the equities and indices of ``watchlist`` that the store holds.

    When none of them is present, every equity and index in the store (at most 12, the
    longest first) is tracked instead.
    """
    cat = store.price_catalogue()
    cat = cat[cat["kind"].isin(_TRACKED_KINDS)]
    present = set(cat["symbol"])
    chosen = [s for s in watchlist if s in present]
    if chosen:
        return chosen
    return list(cat.sort_values("rows", ascending=False, kind="stable")["symbol"][:12])


def _check_symbols(store: Store, symbols: Sequence[str]) -> list[str]:
    cat = store.price_catalogue()
    known = list(cat["symbol"])
    unknown = [s for s in symbols if s not in set(known)]
    if unknown:
        shown = ", ".join(known[:40]) + (" ..." if len(known) > 40 else "")
        raise NotFoundError(
            f"no prices for {', '.join(unknown)} in the store {store.path}; "
            f"price series there: {shown or 'none'}"
        )
    return list(dict.fromkeys(symbols))


def inputs_hash(store: Store, symbols: Sequence[str] = ()) -> str:
    """SHA-256 fingerprint of the report's inputs.

    The hash covers, in a canonical JSON document: the tracked symbols (in order) and, for
    every series in the store's catalogue, its symbol, kind, table and source with its row
    count, first and last date and the sum of its values (``close`` for prices, ``value`` /
    ``rate`` / ``shares`` / ``weight`` otherwise; each value rounded to 6 decimals and summed
    exactly as a DECIMAL, so the hash does not depend on summation order). Two
    stores with the same series, ranges and values give the same hash; changing any value,
    adding a row or a series, or tracking other symbols changes it.

    Examples
    --------
    >>> from bubblewatch.data.store import Store
    >>> with Store(":memory:") as st:
    ...     len(inputs_hash(st))
    64
    """
    parts = store.content_summary()
    rows = [
        [
            str(r.name),
            str(r.t),
            int(r.n),
            str(r.a)[:10],
            str(r.b)[:10],
            None if pd.isna(r.v) else str(r.v),
            None if pd.isna(r.kind) else str(r.kind),
            None if pd.isna(r.source) else str(r.source),
        ]
        for r in parts.itertuples(index=False)
    ]
    doc = json.dumps(
        {"symbols": list(symbols), "series": rows}, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(doc.encode("utf-8")).hexdigest()


def build_context(
    store: Store,
    symbols: Sequence[str] | None = None,
    *,
    as_of: str | pd.Timestamp | None = None,
    data_dir: Path | None = None,
    options: dict[str, Any] | None = None,
) -> ReportContext:
    """A :class:`ReportContext` for ``store``: tracked symbols and the as-of date.

    The as-of date defaults to the last date of the tracked symbols' prices (or of any
    series when none is tracked).
    """
    syms = _check_symbols(store, symbols) if symbols else default_symbols(store)
    if as_of is None:
        cat = store.list_series()
        if syms:
            cat = cat[cat["symbol"].isin(syms)]
        last = pd.to_datetime(cat["last"]).max() if not cat.empty else pd.NaT
        when = pd.Timestamp(last) if pd.notna(last) else pd.Timestamp(_dt.date.today())
    else:
        try:
            when = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise InputError(f"--as-of: unparsable date {as_of!r} (expected YYYY-MM-DD)") from exc
        if pd.isna(when):
            raise InputError(f"--as-of: unparsable date {as_of!r} (expected YYYY-MM-DD)")
    return ReportContext(
        store=store,
        symbols=list(syms),
        as_of=when.normalize(),
        data_dir=data_dir,
        options=dict(options or {}),
    )


def _first_missing(missing: Sequence[str], shown: int = 3) -> str:
    """The first few missing inputs, each cut to one short clause, and how many more."""
    items = [m.split("; the store ")[0] for m in missing[:shown]]
    more = len(missing) - shown
    return "; ".join(items) + (f"; and {more} more (listed in the report)" if more > 0 else "")


@dataclasses.dataclass(frozen=True)
class SectionStatus:
    """How one section went: ``status`` is ``ok``, ``missing`` (built, but lacks data) or
    ``error``; :attr:`state` tells a reader more: ``partial`` (shown, some inputs named as
    short or absent) apart from ``missing`` (nothing to show)."""

    id: str
    title: str
    status: str
    seconds: float
    missing: tuple[str, ...] = ()
    error: str | None = None
    #: inputs left out while the rest is shown (:attr:`SectionOutput.partial`)
    partial: tuple[str, ...] = ()
    #: whether the section showed anything (a body or a figure)
    shown: bool = True

    @property
    def state(self) -> str:
        """``ok``, ``partial`` (shown without some inputs), ``missing`` (nothing to show) or
        ``error``."""
        if self.status == "error":
            return "error"
        if not (self.missing or self.partial):
            return "ok"
        return "partial" if self.shown else "missing"

    @property
    def lacking(self) -> tuple[str, ...]:
        """Every input the section lacks or left out (missing first)."""
        return self.missing + self.partial

    @property
    def missing_short(self) -> str:
        """The first few missing inputs and how many more (the console's line)."""
        return _first_missing(self.lacking)

    @property
    def without(self) -> str:
        """The short names of what the section lacks, for the contents (``BTC, NASDAQ``)."""
        return short_names(self.lacking)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "state": self.state,
            "seconds": round(self.seconds, 3),
            "missing": list(self.missing),
            "partial": list(self.partial),
            "error": self.error,
        }


@dataclasses.dataclass(frozen=True)
class ReportBuild(Result):
    """What :func:`build_report` wrote: the file, its sections, as-of date and inputs hash."""

    out: str
    sections: tuple[SectionStatus, ...]
    as_of: str
    inputs_hash: str
    symbols: tuple[str, ...]
    seconds: float
    bytes: int
    #: the tracked assets by readable name (``Nvidia (NVDA)``, ``NASDAQ Composite``)
    assets: tuple[str, ...] = ()

    def summary(self) -> str:
        """Where the report went and how each section fared (the report lists all missing data)."""
        lines = [
            f"report written to {self.out} ({self.bytes / 1e6:.1f} MB, {self.seconds:.1f} s)",
            f"as of {self.as_of}; inputs hash {self.inputs_hash[:16]}; "
            f"tracked: {', '.join(self.symbols) or 'none'}",
            f"assets: {', '.join(self.assets) or 'none'}",
        ]
        for s in self.sections:
            note = {
                "ok": "",
                "partial": f" (shown without: {s.missing_short})",
                "missing": f" (lacks: {s.missing_short})",
                "error": f" ERROR: {s.error}",
            }
            lines.append(f"  {s.state:<8} {s.id}{note.get(s.state, '')}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([s.to_dict() for s in self.sections])

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        df = self.to_frame()
        fig = go.Figure(
            go.Bar(x=df["id"] if not df.empty else [], y=df["seconds"] if not df.empty else [])
        )
        fig.update_layout(title="Report section build times", yaxis_title="seconds")
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "sections": [s.to_dict() for s in self.sections],
            "as_of": self.as_of,
            "inputs_hash": self.inputs_hash,
            "symbols": list(self.symbols),
            "assets": list(self.assets),
            "seconds": round(self.seconds, 3),
            "bytes": self.bytes,
        }


def _section_name(builder: SectionBuilder) -> str:
    mod = getattr(builder, "__module__", "") or ""
    name = mod.rsplit(".", 1)[-1] if mod.startswith("bubblewatch.report.sections.") else ""
    return name or getattr(builder, "__name__", "section")


def _figure_html(fig: go.Figure, div_id: str) -> str:
    import plotly.io as pio

    return pio.to_html(
        fig,
        full_html=False,
        include_plotlyjs=False,
        include_mathjax=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
        default_height="480px",
    )


def _sources(store: Store) -> list[dict[str, Any]]:
    cat = store.list_series()
    out: list[dict[str, Any]] = []
    for r in cat.itertuples(index=False):
        out.append(
            {
                "symbol": str(r.symbol),
                "kind": "" if pd.isna(r.kind) else str(r.kind),
                "rows": int(r.rows),
                "first": str(r.first)[:10],
                "last": str(r.last)[:10],
                "source": "" if pd.isna(r.source) else str(r.source),
            }
        )
    return out


def _origin(source: str) -> str:
    """Where a series comes from, coarsely: a package, a provider or a folder."""
    if not source:
        return "unknown"
    if ": " in source and not source.startswith("/"):  # "arch 8.0.0: arch/data/..."
        return source.split(": ", 1)[0]
    head, sep, _ = source.partition(":")
    if sep and head in ("yahoo", "fred"):
        return head
    parent = str(Path(source).parent)
    return parent if parent not in ("", ".") else source


def _origins(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        g = groups.setdefault(
            _origin(r["source"]),
            {"origin": _origin(r["source"]), "series": 0, "first": r["first"], "last": r["last"]},
        )
        g["series"] += 1
        g["first"] = min(g["first"], r["first"])
        g["last"] = max(g["last"], r["last"])
    return sorted(groups.values(), key=lambda g: str(g["origin"]))


def render_report(
    ctx: ReportContext, sections: Sequence[SectionBuilder] | None = None
) -> tuple[str, tuple[SectionStatus, ...], str]:
    """Render the report page; return ``(html, statuses, inputs_hash)``."""
    import jinja2
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    if sections is None:
        from bubblewatch.report.sections import SECTIONS

        sections = SECTIONS
    rendered: list[dict[str, Any]] = []
    statuses: list[SectionStatus] = []
    used_ids: set[str] = set()
    sections = list(sections)
    for number, builder in enumerate(sections, start=1):
        name = _section_name(builder)
        t0 = time.perf_counter()
        try:
            # the section's own steps (LPPLS end dates...) stay out of the sections count
            with progress.listen(lambda *_: None):
                out = builder(ctx)
            if not isinstance(out, SectionOutput):
                raise TypeError(f"section builder returned {type(out).__name__}, not SectionOutput")
            sid = out.id or name
            if sid in used_ids:
                sid = f"{sid}-{len(used_ids)}"
            figs = [_figure_html(f, f"{sid}-fig{i}") for i, f in enumerate(out.figures)]
            entry = {
                "id": sid,
                "title": out.title or name,
                "html": Markup(out.html),
                "figures": [Markup(f) for f in figs],
                "missing": list(out.missing),
                "partial": list(out.partial),
                "shown": out.shown,
                "error": None,
                "headline": list(out.headline),
            }
            status = "missing" if out.missing else "ok"
            err = None
        except Exception as exc:  # a broken section must not kill the report
            log.exception("report section %r failed", name)
            sid = name if name not in used_ids else f"{name}-{len(used_ids)}"
            err = f"{type(exc).__name__}: {exc}"
            entry = {
                "id": sid,
                "title": name,
                "html": Markup(""),
                "figures": [],
                "missing": [],
                "partial": [],
                "shown": False,
                "error": err,
                "headline": [],
            }
            status = "error"
        used_ids.add(str(entry["id"]))
        rendered.append(entry)
        statuses.append(
            SectionStatus(
                id=str(entry["id"]),
                title=str(entry["title"]),
                status=status,
                seconds=time.perf_counter() - t0,
                missing=tuple(entry["missing"]),  # type: ignore[arg-type]
                error=err,
                partial=tuple(entry["partial"]),  # type: ignore[arg-type]
                shown=bool(entry["shown"]),
            )
        )
        entry["state"] = statuses[-1].state
        entry["without"] = statuses[-1].without
        progress.step(
            "sections",
            number,
            len(sections),
            f"{entry['title']}: {statuses[-1].seconds:.1f} s",
        )

    digest = inputs_hash(ctx.store, ctx.symbols)
    sources = _sources(ctx.store)
    tracked = [s for s in sources if s["symbol"] in set(ctx.symbols)]
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bubblewatch.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"], default=True),
        undefined=jinja2.StrictUndefined,
    )
    template = env.get_template("report.html.j2")
    page = template.render(
        title="bubblewatch report",
        as_of=ctx.as_of.date().isoformat(),
        generated=_dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        version=__version__,
        inputs_hash=digest,
        symbols=ctx.symbols,
        assets=[a.display for a in tracked_assets(ctx)],
        data_line=data_line(ctx),
        tracked=tracked,
        tracked_origins=_origins(tracked),
        sources=sources,
        data_dir=str(ctx.data_dir) if ctx.data_dir else None,
        store_path=ctx.store.describe(),
        sections=rendered,
        headline=[item for entry in rendered for item in entry["headline"]],
        plotlyjs=Markup(get_plotlyjs()),
    )
    return page, tuple(statuses), digest


def write_page(out: Path, page: str) -> None:
    """Write ``page`` to ``out`` atomically: into a temporary file of its own beside ``out``
    (named for this process and moment, so two reports written to the same file at once
    never share it), then renamed over ``out``. The temporary file never outlives a failure;
    a full disk is :class:`~bubblewatch.errors.NoSpaceError` (exit code 2).
    """
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{time.time_ns()}.tmp")
    try:
        tmp.write_text(page, encoding="utf-8")
        tmp.replace(out)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and is_disk_full(exc):
            raise NoSpaceError(
                f"no space left on the device holding {out}; nothing written (free some "
                "space and run the command again)"
            ) from exc
        raise


def build_report(
    ctx_or_store: ReportContext | Store,
    out_path: str | Path,
    *,
    symbols: Sequence[str] | None = None,
    as_of: str | pd.Timestamp | None = None,
    sections: Sequence[SectionBuilder] | None = None,
    data_dir: Path | None = None,
    options: dict[str, Any] | None = None,
) -> ReportBuild:
    """Write the self-contained HTML report to ``out_path``.

    Parameters
    ----------
    ctx_or_store : ReportContext or Store
        A prepared context, or a store (the context is built by :func:`build_context`).
    out_path : str or Path
        The HTML file to write (parent folders are created).
    symbols : sequence of str, optional
        Tracked symbols (default :func:`default_symbols`); ignored when a context is given.
    as_of : date-like, optional
        As-of date (default: last date of the tracked series); ignored with a context.
    sections : sequence of callables, optional
        Section builders (default: the registry in :mod:`bubblewatch.report.sections`).
    data_dir, options
        Passed to the context when a store is given.

    Returns
    -------
    ReportBuild
        The written file, per-section status, as-of date and inputs hash.
    """
    t0 = time.perf_counter()
    if isinstance(ctx_or_store, ReportContext):
        ctx = ctx_or_store
    else:
        ctx = build_context(ctx_or_store, symbols, as_of=as_of, data_dir=data_dir, options=options)
    out = Path(out_path)
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a folder; name the HTML file to write")
    page, statuses, digest = render_report(ctx, sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_page(out, page)
    seconds = time.perf_counter() - t0
    return ReportBuild(
        metadata=make_metadata(
            {"symbols": list(ctx.symbols), "as_of": ctx.as_of.date().isoformat()},
            data_vintage=ctx.as_of.date().isoformat(),
        ),
        out=str(out),
        sections=statuses,
        as_of=ctx.as_of.date().isoformat(),
        inputs_hash=digest,
        symbols=tuple(ctx.symbols),
        seconds=seconds,
        bytes=out.stat().st_size,
        assets=tuple(a.display for a in tracked_assets(ctx)),
    )
