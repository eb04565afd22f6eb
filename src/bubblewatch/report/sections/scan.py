"""Report section: the scan of many series.

With ``bubblewatch report --scan DIR`` (``options["scan_dir"]``) the section reads the last
finished run of that scan directory (``bubblewatch scan --out DIR``): what was scanned, with
which parameters and when, the counts per outcome, the series explosive now (PSY, with
p-values and the Benjamini-Hochberg flag), the highest LPPLS confidences and the status
levels, whatever analyses the run had. Without a scan directory it sweeps the store's
equity and index closes with PSY on a thread pool (log closes, lag 0, PSY's default window,
the shipped 95% critical values); with ``options["fast"]`` only the tracked symbols.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblewatch.errors import InputError
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "scan"
TITLE = "Explosiveness scan"
KINDS = ("equity", "index")
TOP = 25


def _date(v: Any) -> str:
    return "" if v is None or pd.isna(v) else str(pd.Timestamp(v).date())


def _num(v: Any, fmt: str = ".2f") -> str:
    return "n/a" if v is None or pd.isna(v) else format(float(v), fmt)


def _table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _psy_html(result: Any, t: pd.DataFrame) -> str:
    tested = t[t["gsadf"].notna()]
    n_bh = (
        int(tested["explosive_bh"].fillna(False).astype(bool).sum()) if "explosive_bh" in t else 0
    )
    html = (
        f"<p>PSY ({result.level}% critical values): {len(tested)} series long enough to test. "
        f"{int(tested['explosive'].fillna(False).astype(bool).sum())} reject a random walk in "
        "favour of explosive growth somewhere in their history (GSADF above its critical value), "
        f"{n_bh} still do after the Benjamini-Hochberg correction for testing {len(tested)} "
        f"series at once (false-discovery rate {result.fdr:.0%}); "
        f"<b>{int(tested['explosive_now'].fillna(False).astype(bool).sum())}</b> are explosive at "
        "their last date (BSADF above its critical value). Each series is tested over its own "
        "history, so 'now' is each series' last date.</p>"
    )
    now = result.explosive_now().head(TOP)
    if len(now):
        rows = [
            [
                r.symbol,
                _date(r.last),
                _num(r.bsadf_last),
                _num(r.cv_bsadf_last),
                _date(r.last_start) if r.ongoing else "shorter than the minimum length",
                f"{_num(r.gsadf)} / {_num(r.cv_gsadf)}",
                _num(getattr(r, "gsadf_pvalue", None), ".4f"),
                _num(getattr(r, "gsadf_qvalue", None), ".4f"),
            ]
            for r in now.itertuples()
        ]
        html += _table(
            [
                "series",
                "last date",
                "BSADF",
                "cv",
                "episode since",
                "GSADF / cv",
                "p-value",
                "q-value (BH)",
            ],
            rows,
        )
    return html


def _lppls_html(t: pd.DataFrame) -> str:
    html = ""
    for col in (c for c in t.columns if c.startswith("lppls_") and c.endswith("_pos")):
        scale = col[len("lppls_") : -len("_pos")]
        pre = f"lppls_{scale}_"
        fitted = t[t[col].notna()].sort_values(col, ascending=False)
        html += (
            f"<p>LPPLS, {escape(scale)} scale: {len(fitted)} series long enough; highest bubble "
            "confidence (share of windows whose fit qualifies with B &lt; 0) at the last date:</p>"
        )
        rows = [
            [
                r["symbol"],
                _num(r[col]),
                _num(r[pre + "neg"]),
                _date(r[pre + "tc_q10"]),
                _date(r[pre + "tc_q50"]),
                _date(r[pre + "tc_q90"]),
            ]
            for _, r in fitted.head(10).iterrows()
            if r[col] > 0
        ]
        if rows:
            html += _table(["series", "pos", "neg", "tc 10%", "tc 50%", "tc 90%"], rows)
    return html


def _status_html(t: pd.DataFrame) -> str:
    from bubblewatch.status.params import LEVELS

    vc = t["status_level"].value_counts()
    counts = ", ".join(f"{int(vc.get(lv, 0))} {lv}" for lv in reversed(LEVELS))
    html = (
        "<p>Status levels (the published rule of <code>bubblewatch status</code>, prices "
        f"only): {escape(counts)}.</p>"
    )
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    hot = t[t["status_level"].isin(LEVELS[1:])].copy()
    if hot.empty:
        return html
    hot["_rank"] = hot["status_level"].map(rank)
    hot = hot.sort_values(["_rank", "status_psy_bsadf"], ascending=False).head(TOP)
    rows = [
        [
            r["symbol"],
            r["status_level"],
            _num(r["status_psy_bsadf"]),
            _num(r["status_psy_cv95"]),
            _date(r["status_psy_episode_start"]),
            _num(r["status_drawdown"], ".0%"),
        ]
        for _, r in hot.iterrows()
    ]
    return html + _table(
        ["series", "level", "BSADF", "95% cv (robust)", "episode since", "drawdown"], rows
    )


def _scan_dir(ctx: ReportContext, root: Any) -> SectionOutput:
    from bubblewatch.scan.outdir import load_scan

    try:
        result = load_scan(root)
    except InputError as exc:
        return SectionOutput(id=ID, title=TITLE, missing=(f"a finished scan in {root}: {exc}",))
    t = result.table
    md = result.metadata
    counts = ", ".join(f"{v} {k}" for k, v in result.counts().items() if v)
    as_of = md.parameters.get("as_of") or "each series' last date"
    html = (
        f"<p>Scan of <b>{len(t)}</b> series read from <code>{escape(root)}</code> "
        f"(analyses: {escape(', '.join(result.analyses))}; as of {escape(as_of)}; data up to "
        f"{escape(md.data_vintage or 'n/a')}; parameter hash <code>{escape(result.param_hash)}</code>; "
        f"bubblewatch {escape(md.version)}). Outcomes: {escape(counts)}.</p>"
    )
    html += "".join(f"<p>Note: {escape(n)}</p>" for n in result.notes)
    figures: tuple[Any, ...] = ()
    if "gsadf" in t:
        html += _psy_html(result, t)
        figures = (result.plot(),)
    html += _lppls_html(t)
    if "status_level" in t:
        html += _status_html(t)
    bad = t[t["outcome"].isin(("error", "timeout", "worker lost"))]
    if len(bad):
        html += f"<p>{len(bad)} series failed (error, time limit or lost worker); first ones:</p>"
        html += _table(
            ["series", "outcome", "message"],
            [[r.symbol, r.outcome, r.error] for r in bad.head(10).itertuples()],
        )
    return SectionOutput(id=ID, title=TITLE, html=html, figures=figures)


def build(ctx: ReportContext) -> SectionOutput:
    """The scan of ``options["scan_dir"]``, else a PSY sweep of the store (module docstring)."""
    if ctx.options.get("scan_dir"):
        return _scan_dir(ctx, ctx.options["scan_dir"])
    from bubblewatch.data.scan_inputs import store_universe
    from bubblewatch.scan import scan_psy

    names = list(ctx.symbols) if ctx.options.get("fast") else []
    universes = []
    for kind in KINDS if not names else ("equity",):
        try:
            universes.append(store_universe(ctx.store, names or None, kind=kind))
        except InputError:
            continue  # no series of this kind
    series = {k: v for u in universes for k, v in u.series.items()}
    if not series:
        return SectionOutput(id=ID, title=TITLE, missing=("equity or index price series",))
    result = scan_psy(series, scheduler="threads")
    html = (
        f"<p>{len(result.table)} series scanned: every equity and index in the store, read "
        "through the resolver (adjusted closes, long and recent pieces joined) "
        "(run <code>bubblewatch scan --out DIR</code> and <code>bubblewatch report --scan DIR</code> "
        "for LPPLS and the status over a universe of your own).</p>"
    ) + _psy_html(result, result.table)
    html += "".join(f"<p>Note: {escape(n)}</p>" for u in universes for n in u.notes)
    return SectionOutput(id=ID, title=TITLE, html=html, figures=(result.plot(),))
