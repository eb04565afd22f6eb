"""Report section: valuation (Shiller CAPE, return decomposition), company P/E known on a date,
the hyperscalers' capex intensity and the Magnificent 7's free cash flow, and index
concentration."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, SectionOutput, escape
from bubblewatch.report.sections.valuation_companies import companies_part

ID = "valuation"
#: the month of the source articles (DIGEST: late October - November 2025)
ARTICLE_MONTH = "2025-10-01"
TITLE = "Valuation and concentration"


def build(ctx: ReportContext) -> SectionOutput:
    """CAPE with the dot-com reference, the latest decomposition, and concentration by date."""
    from bubblewatch.valuation.cape import cape_percentile
    from bubblewatch.valuation.concentration import concentration_history
    from bubblewatch.valuation.decomposition import return_decomposition

    st = ctx.store
    parts: list[str] = []
    figures: list[Any] = []
    missing: list[str] = []

    try:
        cape = cape_percentile(st.macro("SHILLER_CAPE"), ctx.as_of)
        parts.append(f"<p>{escape(cape.summary())}</p>")
        at_articles = cape_percentile(st.macro("SHILLER_CAPE"), ARTICLE_MONTH)
        if at_articles.as_of != cape.as_of:
            parts.append(
                f"<p>At the articles' time ({at_articles.as_of:%b %Y}): CAPE "
                f"{at_articles.value:.1f}, percentile {at_articles.percentile:.1f}.</p>"
            )
        figures.append(cape.plot())
    except BubblewatchError as exc:
        missing.append(f"SHILLER_CAPE (Shiller monthly CAPE): {exc}")

    try:
        p, e, d = st.macro("SHILLER_P"), st.macro("SHILLER_E"), st.macro("SHILLER_D")
        end = min(e.index[-1], ctx.as_of)
        start = end - pd.DateOffset(years=3)
        dec = return_decomposition(p, e, d, start=start, end=end, source="Shiller monthly P, E, D")
        parts.append("<h3>Return decomposition, last three years of Shiller data</h3>")
        parts.append(f"<pre>{escape(dec.summary())}</pre>")
        figures.append(dec.plot())
    except BubblewatchError as exc:
        missing.append(f"SHILLER_P/E/D (Shiller monthly price, earnings, dividends): {exc}")

    headline: list[tuple[str, str]] = []
    companies_part(ctx, parts, figures, missing, headline)

    try:
        dates = st.holdings_dates("SPY")
        if not dates:
            raise BubblewatchError("no SPY holdings in the store")
        snaps = {dt: st.holdings("SPY", dt.date().isoformat()) for dt in dates}
        hist = concentration_history(snaps)
        last = hist.snapshots[-1]
        parts.append("<h3>Index concentration (SPY holdings)</h3>")
        parts.append(f"<p>Rule: {escape(last.rule)}.</p>")
        rows = "".join(
            f"<tr><td>{s.metadata.data_vintage}</td><td>{s.top_weight:.2f}%</td>"
            f"<td>{s.group_weight.get('Magnificent 7', float('nan')):.2f}%</td>"
            f"<td>{s.hhi:.4f}</td><td>{s.effective_n:.1f}</td></tr>"
            for s in hist.snapshots
        )
        parts.append(
            "<table><thead><tr><th>holdings date</th><th>top 10</th><th>Magnificent 7</th>"
            f"<th>HHI</th><th>effective N</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        figures.append(hist.plot())
        figures.append(last.plot())
    except BubblewatchError as exc:
        missing.append(f"SPY holdings: {exc}")

    return SectionOutput(
        id=ID,
        title=TITLE,
        html="\n".join(parts),
        figures=tuple(figures),
        missing=tuple(missing),
        headline=tuple(headline),
    )
