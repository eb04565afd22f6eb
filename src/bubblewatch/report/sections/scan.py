"""Report section: a PSY scan of every equity and index series in the store.

Where the PSY section reads the tracked symbols closely, this one sweeps the whole store
(hundreds of series with ``--data ../shared/data``) with the same test (log closes, lag 0,
PSY's default window, the shipped 95% critical values) and lists the series whose latest
BSADF is above its critical value. Series are scanned on a thread pool (the numba kernels
release the GIL); with ``options["fast"]`` only the tracked symbols are scanned.
"""

from __future__ import annotations

import pandas as pd

from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "scan"
TITLE = "Explosiveness scan of the store"
KINDS = ("equity", "index")
TOP = 25


def build(ctx: ReportContext) -> SectionOutput:
    """Scan the store's equity and index closes and tabulate the explosive ones."""
    from bubblewatch.scan import scan_psy

    if ctx.options.get("fast"):
        names = list(ctx.symbols)
    else:
        cat = ctx.store.list_series()
        names = [str(s) for s, k in zip(cat["symbol"], cat["kind"], strict=True) if k in KINDS]
    if not names:
        return SectionOutput(id=ID, title=TITLE, missing=("equity or index price series",))
    series = {name: ctx.store.series(name) for name in names}
    result = scan_psy(series, scheduler="threads")
    t = result.to_frame()
    tested = t[t["error"].isna()]
    now = result.explosive_now().head(TOP)
    rows = "".join(
        f"<tr><td>{escape(r.symbol)}</td><td>{pd.Timestamp(r.last).date()}</td>"
        f"<td>{r.bsadf_last:.2f}</td><td>{r.cv_bsadf_last:.2f}</td>"
        f"<td>{escape(pd.Timestamp(r.last_start).date() if r.ongoing else 'shorter than the minimum length')}</td>"
        f"<td>{r.gsadf:.2f} / {r.cv_gsadf:.2f}</td></tr>"
        for r in now.itertuples()
    )
    html = (
        f"<p>{len(t)} series scanned ({len(tested)} long enough to test). "
        f"{int(tested['explosive'].sum())} reject a random walk in favour of explosive growth "
        f"somewhere in their history (GSADF above its 95% critical value); "
        f"<b>{int(tested['explosive_now'].sum())}</b> are explosive at their last date "
        "(BSADF above its critical value). Each series is tested over its own full history, "
        "so 'now' is each series' last date.</p>"
    )
    if rows:
        html += (
            "<table><thead><tr><th>series</th><th>last date</th><th>BSADF</th><th>95% cv</th>"
            "<th>episode since</th><th>GSADF / cv</th></tr></thead><tbody>"
            + rows
            + "</tbody></table>"
        )
    return SectionOutput(id=ID, title=TITLE, html=html, figures=(result.plot(),))
