"""Report section: the debt and interest panel and the Fed's balance sheet."""

from __future__ import annotations

from typing import Any

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "macro"
TITLE = "Debt, interest and the Fed"

#: illustrative scenarios (r, g, pb as fractions) for the debt panel
SCENARIOS: dict[str, tuple[float, float, float]] = {
    "r 3.4%, g 4.0%, pb -3.0%": (0.034, 0.040, -0.030),
    "r 4.0%, g 4.0%, pb -3.0%": (0.040, 0.040, -0.030),
    "r 3.4%, g 5.0%, pb -2.0%": (0.034, 0.050, -0.020),
}


def build(ctx: ReportContext) -> SectionOutput:
    """Interest bill and effective rate, a 25 bp cut, debt/GDP scenarios, WALCL with QT periods."""
    from bubblewatch.macro.debt import debt_scenarios
    from bubblewatch.macro.fed import fed_balance_sheet
    from bubblewatch.macro.interest import interest_bill, rate_cut_saving

    st = ctx.store
    parts: list[str] = []
    figures: list[Any] = []
    missing: list[str] = []
    try:
        debt_bn = st.macro("GFDEBTN") / 1000
        bill = interest_bill(st.macro("A091RC1Q027SBEA"), debt_bn, st.macro("GDP"))
        parts.append(f"<p>{escape(bill.summary())}</p>")
        last = bill.table.tail(6)
        rows = "".join(
            f"<tr><td>{d.date()}</td><td>{r['debt_usd_bn'] / 1000:.2f}</td>"
            f"<td>{r['interest_usd_bn'] / 1000:.3f}</td><td>{r['effective_rate_pct']:.2f}%</td>"
            f"<td>{r.get('interest_gdp_pct', float('nan')):.2f}%</td></tr>"
            for d, r in last.iterrows()
        )
        parts.append(
            "<table><thead><tr><th>quarter</th><th>debt (USD T)</th><th>interest (USD T/yr)</th>"
            f"<th>effective rate</th><th>interest / GDP</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        figures.append(bill.plot())
        cut = rate_cut_saving(
            float(debt_bn.iloc[-1]), 25, debt_label=f"GFDEBTN {debt_bn.index[-1].date()}"
        )
        parts.append(f"<pre>{escape(cut.summary())}</pre>")
        try:
            pub = st.macro("FYGFDPUN")
            gdp = st.macro("GDP")
            common = pub.index.intersection(gdp.index)
            d0 = float(pub[common[-1]] / 1000 / gdp[common[-1]])
            sc = debt_scenarios(d0, SCENARIOS, start_year=common[-1].year, end_year=2034)
            parts.append(
                "<p>Debt held by the public / GDP under illustrative constant (r, g, pb) scenarios "
                f"from {common[-1].date()} ({d0 * 100:.1f}%):</p><pre>{escape(sc.summary())}</pre>"
            )
            figures.append(sc.plot())
        except BubblewatchError as exc:
            missing.append(f"FYGFDPUN/GDP (debt held by the public): {exc}")
    except BubblewatchError as exc:
        missing.append(f"GFDEBTN, A091RC1Q027SBEA, GDP (FRED): {exc}")
    try:
        rate = None
        try:
            rate = st.macro("FEDFUNDS")
        except BubblewatchError:
            missing.append("FEDFUNDS (policy rate)")
        fed = fed_balance_sheet(st.macro("WALCL"), rate)
        parts.append(f"<pre>{escape(fed.summary())}</pre>")
        figures.append(fed.plot())
    except BubblewatchError as exc:
        missing.append(f"WALCL (Fed total assets): {exc}")
    return SectionOutput(
        id=ID, title=TITLE, html="\n".join(parts), figures=tuple(figures), missing=tuple(missing)
    )
