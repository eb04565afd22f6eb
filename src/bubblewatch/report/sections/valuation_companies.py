"""The company part of the valuation section: P/E known on a date (the articles' day and the
latest reading), the hyperscalers' capex intensity and the Magnificent 7's free cash flow,
all from the store's ``fundamentals`` and ``prices`` tables."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, escape

__all__ = ["ARTICLE_DAY", "companies_part"]

#: the day the articles' P/E figures refer to (S0-7; NVDA -3.96% that day)
ARTICLE_DAY = "2025-11-04"
_HOW_TO = (
    "company fundamentals (fundamentals table): import ../shared/data/fundamentals or "
    "bubblewatch data fetch --provider sec {syms} --start 2023-01-01"
)


def _num(x: float, fmt: str) -> str:
    return "n/a" if x is None or not np.isfinite(x) else format(x, fmt)


def _pe_rows(st: Any, funds: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> list[str]:
    from bubblewatch.valuation.earnings import pe_history, price_earnings

    rows = []
    for sym, f in funds.items():
        try:
            close = st.prices(sym)["close"].astype(float)
        except BubblewatchError:
            continue
        cells = [escape(sym)]
        for method in ("trailing", "dynamic"):
            try:
                cells.append(
                    _num(price_earnings(f, close, ARTICLE_DAY, method=method, symbol=sym).pe, ".1f")
                )
            except BubblewatchError:
                cells.append("n/a")
        hist = pe_history(f, close)
        hist = hist[hist.index <= as_of].dropna()
        if len(hist):
            last = float(hist.iloc[-1])
            cells += [
                hist.index[-1].date().isoformat(),
                _num(last, ".1f"),
                f"{float(np.mean(hist.to_numpy() <= last)) * 100:.0f}% of {len(hist)} sessions since "
                f"{hist.index[0].date().isoformat()}",
            ]
        else:
            cells += ["n/a", "n/a", "no reading"]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return rows


def companies_part(
    ctx: ReportContext,
    parts: list[str],
    figures: list[Any],
    missing: list[str],
    headline: list[tuple[str, str]],
) -> None:
    """Append the company valuation tables and figures (or what is missing) to the section."""
    from bubblewatch.valuation.cashflow import (
        HYPERSCALERS,
        MAG7_COMPANIES,
        capex_intensity,
        free_cash_flow,
    )

    st = ctx.store
    have = st.fundamentals_symbols()
    if not have:
        missing.append(_HOW_TO.format(syms=" ".join((*MAG7_COMPANIES, "ORCL"))))
        return
    order = [s for s in MAG7_COMPANIES if s in have] + [s for s in have if s not in MAG7_COMPANIES]
    funds = {s: st.fundamentals(s) for s in order}

    rows = _pe_rows(st, funds, ctx.as_of)
    parts.append("<h3>Company P/E known on a date</h3>")
    parts.append(
        "<p>Close / annualised diluted EPS of the quarters filed by that day (a quarter counts "
        "from its 10-Q/10-K filing date, else period end + 45 / 60 days). Trailing = last four "
        f"quarters; dynamic = last two x 2. {ARTICLE_DAY} is the day of the articles' P/E "
        "figures (claims S0-7); the latest reading is the last session, up to the report date, "
        "whose quarters are at most 160 days old.</p>"
    )
    parts.append(
        f"<table><thead><tr><th>company</th><th>trailing P/E {ARTICLE_DAY}</th>"
        f"<th>dynamic P/E {ARTICLE_DAY}</th><th>latest reading</th><th>trailing P/E</th>"
        f"<th>percentile in own history</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    parts.append(
        "<p>n/a: annualised EPS not positive, or a quarter's EPS missing from the data (e.g. "
        "Broadcom's fiscal Q4, see SOURCES.md). A P/E in the thousands means EPS near zero.</p>"
    )

    hyp = {s: funds[s] for s in HYPERSCALERS if s in funds}
    if len(hyp) < len(HYPERSCALERS):
        lack = [s for s in HYPERSCALERS if s not in hyp]
        missing.append(
            _HOW_TO.format(syms=" ".join(lack)) + f" (capex intensity lacks {', '.join(lack)})"
        )
    if hyp:
        try:
            ci = capex_intensity(hyp)
        except BubblewatchError as exc:
            missing.append(f"hyperscalers' capex, operating cash flow and revenue: {exc}")
        else:
            parts.append(f"<h3>Capex intensity of the hyperscalers ({escape(', '.join(hyp))})</h3>")
            parts.append(
                "<p>The cash side of the AI loop (claims S1-7, S2-4, S2-5): purchases of property "
                "and equipment against operating cash flow and revenue, fiscal quarters paired "
                "with the nearest calendar quarter.</p>"
            )
            body = "".join(
                f"<tr><td>{q}</td><td>{r['capex'] / 1e9:,.1f}</td><td>{r['operating_cash_flow'] / 1e9:,.1f}</td>"
                f"<td>{r['revenue'] / 1e9:,.1f}</td><td>{_num(r['capex_to_ocf'] * 100, '.0f')}%</td>"
                f"<td>{_num(r['capex_to_revenue'] * 100, '.0f')}%</td>"
                f"<td>{escape(r['missing']) or '-'}</td></tr>"
                for q, r in ci.totals.iterrows()
            )
            parts.append(
                "<table><thead><tr><th>quarter</th><th>capex (USD B)</th><th>operating cash flow "
                "(USD B)</th><th>revenue (USD B)</th><th>capex / OCF</th><th>capex / revenue</th>"
                f"<th>missing</th></tr></thead><tbody>{body}</tbody></table>"
            )
            if ci.quarters_counted:
                parts.append(
                    f"<p>{ci.quarters_counted[0]}..{ci.quarters_counted[-1]} in total: capex USD "
                    f"{ci.total_capex / 1e9:,.1f}B = {ci.total_capex_to_ocf * 100:.1f}% of operating "
                    f"cash flow, {ci.total_capex_to_revenue * 100:.1f}% of revenue.</p>"
                )
                last = ci.totals[ci.totals["complete"]].iloc[-1]
                headline.append(
                    (
                        "Hyperscaler capex / operating cash flow",
                        f"{last['capex_to_ocf'] * 100:.0f}% ({ci.totals[ci.totals['complete']].index[-1]})",
                    )
                )
            figures.append(ci.plot())

    mag = {s: funds[s] for s in MAG7_COMPANIES if s in funds}
    if mag:
        try:
            fcf = free_cash_flow(mag)
        except BubblewatchError as exc:
            missing.append(f"Magnificent 7 operating cash flow and capex: {exc}")
        else:
            done = fcf.totals[fcf.totals["complete"]]
            parts.append(f"<h3>Free cash flow of {escape(', '.join(mag))}</h3>")
            body = "".join(
                f"<tr><td>{q}</td><td>{r['operating_cash_flow'] / 1e9:,.2f}</td>"
                f"<td>{r['capex'] / 1e9:,.2f}</td><td>{r['free_cash_flow'] / 1e9:,.2f}</td></tr>"
                for q, r in done.iterrows()
            )
            parts.append(
                "<table><thead><tr><th>quarter</th><th>operating cash flow (USD B)</th>"
                "<th>capex (USD B)</th><th>free cash flow (USD B)</th></tr></thead>"
                f"<tbody>{body}</tbody></table>"
            )
            parts.append(
                "<p>Free cash flow = operating cash flow - capex; only quarters every company has "
                'reported are shown. The articles\' "-62.45% from end-2024 to Q2 2025" (S2-4) '
                "compares with the 2024Q4 and 2025Q2 rows.</p>"
            )
            figures.append(fcf.plot())
