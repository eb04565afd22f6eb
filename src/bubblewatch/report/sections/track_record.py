"""Report section: the status's track record (how often each level was followed by a fall).

The replay takes minutes, so the report reads it from the cache that
``bubblewatch status track-record`` fills (keyed by the data and the parameters: a changed
store misses it); without it the section says which command computes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "track-record"
TITLE = "Track record of the status"


def _p(v: Any) -> str:
    return "n/a" if v is None or not np.isfinite(v) else f"{v:.1%}"


def table_html(rec: Any) -> str:
    """The per-level table as HTML (also used by the docs)."""
    head = (
        "level",
        "days",
        "episodes",
        "median return",
        f"P(fall {rec.crash:.0%})",
        "95% interval",
        "base rate",
        "verdict",
    )
    rows = []
    for lv, r in rec.table.iterrows():
        if not r["days"]:
            continue
        eps = "" if lv == "all" else str(int(r["episodes"]))
        cells = [
            str(lv),
            str(int(r["days"])),
            eps,
            _p(r["median_return"]),
            _p(r["p_fall"]),
            f"{_p(r['p_fall_lo'])} - {_p(r['p_fall_hi'])}",
            _p(r["base_rate"]),
            str(r["verdict"]),
        ]
        rows.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
    th = "".join(f"<th>{escape(h)}</th>" for h in head)
    return (
        f"<table class='track'><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def build(ctx: ReportContext) -> SectionOutput:
    """The track record from the cache, or what to run to make it."""
    from bubblewatch.data.cache import track_record_cache
    from bubblewatch.data.status_inputs import status_inputs
    from bubblewatch.status.views import track_record_view

    try:
        rec = track_record_view(
            lambda s: status_inputs(ctx.store, s),
            cache=track_record_cache(),
            cached_only=True,
        )
    except BubblewatchError as exc:
        return SectionOutput(ID, TITLE, missing=(str(exc),))
    spans = "".join(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in rec.spans.items())
    html = (
        f"<p>The status replayed on long histories with the data of each day only, every "
        f"{rec.stride} sessions (LPPLS every {rec.lppls_stride}, carried forward), and what "
        f"followed within {rec.horizon} sessions: the median log return and the probability of a "
        f"fall of {rec.crash:.0%} below the day's close, with its Wilson 95% interval, against "
        "the base rate of all replayed days. No weights are fitted; a level whose interval "
        "contains the base rate does no better than it, and the table says so.</p>"
        + table_html(rec)
        + "<p><small>Days five sessions apart share most of their outcome window: they are not "
        "independent, so the intervals are too narrow (the episodes column counts the separate "
        "runs of each level).</small></p>"
        + f"<details><summary>histories</summary><ul>{spans}</ul></details>"
    )
    return SectionOutput(ID, TITLE, html=html, figures=(rec.plot(),))


__all__ = ["build", "table_html"]
