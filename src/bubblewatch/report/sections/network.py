"""Report section: the AI capital loop (deals network, round trips, commitment cover, stress).

Needs no store: the ledger is package data (``bubblewatch.episodes.ai2025``). Options:
``ctx.options["network_shock"]`` (party, default ``"OpenAI"``) and
``ctx.options["network_honour"]`` (default 0.4) choose the stress scenario.
"""

from __future__ import annotations

import math

import pandas as pd

from bubblewatch.report.context import ReportContext, SectionOutput, escape

__all__ = ["build"]

ID = "network"
TITLE = "The capital loop: deals, cycles and stress"
#: cycles listed in the section; the rest are counted ("... and N more")
MAX_CYCLES = 30


def _usd_bn(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x / 1e9:,.1f}"


def _table(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in ["party", *df.columns])
    body = "".join(
        "<tr>" + f"<td>{escape(i)}</td>" + "".join(f"<td>{escape(v)}</td>" for v in r) + "</tr>"
        for i, r in zip(df.index, df.itertuples(index=False))
    )
    return f"<table class='table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def build(ctx: ReportContext) -> SectionOutput:
    """Build the section from the bundled AI 2025-26 ledger."""
    try:
        from bubblewatch.episodes import ai2025
        from bubblewatch.network.loops import loop_analysis
        from bubblewatch.network.spiral import stress_ledger

        ledger = ai2025.ledger()
    except Exception as exc:  # a broken package install: say so instead of failing the report
        return SectionOutput(ID, TITLE, missing=(f"AI 2025-26 deals ledger ({exc})",))
    opts = ctx.options or {}
    shock = str(opts.get("network_shock", "OpenAI"))
    honour = float(opts.get("network_honour", 0.4))
    loops = loop_analysis(ledger)
    stress = stress_ledger(ledger, shock=shock, honour=honour)

    n_standing = int((ledger.deals["status"] != "replaced").sum())
    cycles = "".join(
        f"<li>{escape(c)} — bottleneck "
        + ("undisclosed" if math.isnan(c.bottleneck) else f"USD {escape(_usd_bn(c.bottleneck))}B")
        + "</li>"
        for c in loops.cycles[:MAX_CYCLES]
    )
    more = len(loops.cycles) - MAX_CYCLES
    if more > 0:
        cycles += (
            f"<li>... and {more} more cycle{'s' if more > 1 else ''} with smaller bottlenecks "
            "(<code>bubblewatch network show --json</code> lists all)</li>"
        )
    rt = loops.round_trip
    rt = rt.loc[rt["revenue_usd"] > 0]
    rt_tab = pd.DataFrame(
        {
            "recorded revenue (USD B)": rt["revenue_usd"].map(_usd_bn),
            "from firms it financed, directly": rt["direct_share"].map(lambda x: f"{x:.0%}"),
            "round-trip share (incl. paths)": rt["round_trip_share"].map(lambda x: f"{x:.0%}"),
        }
    ).sort_values("recorded revenue (USD B)", key=lambda s: -rt["revenue_usd"])
    cov = loops.cover
    cov_tab = pd.DataFrame(
        {
            "committed (USD B)": cov["committed_usd"].map(_usd_bn),
            "undisclosed deals": cov["undisclosed_deals"],
            "annual revenue (USD B)": cov["revenue_usd"].map(_usd_bn),
            "cover (x revenue + cash)": cov["cover"].map(
                lambda x: "n/a" if math.isnan(x) else f"{x:,.2f}x"
            ),
        }
    )
    html = f"""
<p>The ledger records {len(ledger.deals)} deals ({n_standing} standing after revisions such as
the Nvidia-OpenAI letter of intent replaced by a USD 30B equity stake) among
{len(ledger.parties)} parties, each with its source (an article id such as S2-2 or a public
reference). Gross flows total USD {_usd_bn(loops.gross_usd)}B; at most USD
{_usd_bn(loops.max_circulation_usd)}B ({loops.circular_share:.0%}) can go round in circles
(maximum circulation); the Hodge decomposition puts {loops.hodge_cyclic_share:.0%} of the net
flows in the cyclic part.</p>
<p>{len(loops.cycles)} simple cycle{"" if len(loops.cycles) == 1 else "s"}, largest bottleneck first{"" if len(loops.cycles) <= MAX_CYCLES else f" (the first {MAX_CYCLES} listed)"}:</p><ul>{cycles}</ul>
<h4>Round-tripped revenue</h4>
<p>Share of each vendor's recorded revenue that comes from firms it financed (equity,
warrants, debt, JV capital), directly or further along the money's path. Shares are of the
ledger, not of the firm's whole business.</p>
{_table(rt_tab)}
<h4>Commitment cover</h4>
<p>What each party has committed to pay (purchase, cloud and chip deals) over its annual
revenue plus cash, where the sources give those figures.</p>
{_table(cov_tab)}
<h4>Stress: {escape(shock)} honours {honour:.0%} of its commitments</h4>
<p>Flows lost: USD {_usd_bn(stress.direct_loss_usd)}B directly, USD
{_usd_bn(stress.total_loss_usd)}B after the valuation-financing spiral
({len(stress.rounds)} rounds to the fixed point). Parties without a revenue figure are
measured against their ledger revenue (an upper bound).</p>
"""
    return SectionOutput(
        id=ID,
        title=TITLE,
        html=html,
        figures=(loops.plot(), stress.plot()),
    )
