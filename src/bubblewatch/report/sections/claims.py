"""Report section: the claims table (every figure of the articles with its verdict)."""

from __future__ import annotations

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "claims"
TITLE = "Claims check"

_CLASS = {
    "confirmed": "ok",
    "contradicted": "bad",
    "not checkable": "na",
    "no figure to check": "nofig",
}
#: verdict colours (the report's only stylesheet for this table)
_STYLE = (
    "<style>table.claims td.verdict{font-weight:600;white-space:nowrap}"
    "table.claims tr.ok td.verdict{color:#1e7b34}table.claims tr.bad td.verdict{color:#b3261e}"
    "table.claims tr.na td.verdict{color:#8a6d00}table.claims tr.nofig td{color:#5b6472}"
    "table.claims tr.reading td{font-size:.85em;border-bottom:none}"
    "table.claims tr.ok{background:#f1f8f2}table.claims tr.bad{background:#fcf1f0}</style>"
)


def build(ctx: ReportContext) -> SectionOutput:
    """A table of claims per article: claim, stated and computed values, verdict, data used."""
    from bubblewatch.claims.check import NO_FIGURE, check_claims, load_digest, value_text

    try:
        report = check_claims(ctx.store)
    except BubblewatchError as exc:
        return SectionOutput(id=ID, title=TITLE, missing=(f"claims check: {exc}",))
    n = report.counts()
    digest = load_digest()
    head = (
        f"<p><b>{n['confirmed']}</b> confirmed, <b>{n['contradicted']}</b> contradicted, "
        f"<b>{n['not_checkable']}</b> not checkable, of {len(report.verdicts)} figures "
        "stated in the four source articles; "
        f"{len(report.no_figure)} items of the articles state no figure and are listed with "
        "their statement. Ids read <code>S&lt;article&gt;-&lt;item&gt;&lt;letter&gt;</code>: "
        "S0-1b is the second figure of item 1 of article S0. Where a figure can be read two "
        "ways (a start date, a debt measure), the other reading is checked too and shown "
        "below it.</p>"
    )
    parts = [_STYLE, head]
    rows_all = report.rows()
    for prefix, art in digest.articles.items():
        mine = [v for v in rows_all if v.claim.id.split("-")[0] == prefix]
        if not mine:
            continue
        rows = []
        for v in mine:
            c = v.claim
            cls = _CLASS.get(v.verdict, "")
            if v.verdict == NO_FIGURE:
                rows.append(
                    f"<tr class='{cls}'><td>{escape(c.id)}</td><td>{escape(c.statement)}</td>"
                    f"<td></td><td></td><td class='verdict'>{escape(v.verdict)}</td><td></td>"
                    "<td></td></tr>"
                )
                continue
            d = v.to_dict()
            extra = d["note"] or ""
            if d["missing"]:
                extra = (extra + "; " if extra else "") + "missing: " + "; ".join(d["missing"])
            computed = "" if v.computed is None else value_text(v.computed, c.unit)
            rows.append(
                f"<tr class='{cls}'><td>{escape(c.id)}</td><td>{escape(c.claim)}</td>"
                f"<td class='num'>{escape(c.stated_text())}</td><td class='num'>{escape(computed)}</td>"
                f"<td class='verdict'>{escape(v.verdict)}</td><td>{escape(d['source'])}</td>"
                f"<td>{escape(extra)}</td></tr>"
            )
            for r in v.readings:
                rc = "" if r["computed"] is None else value_text(r["computed"], c.unit)
                rows.append(
                    f"<tr class='{_CLASS.get(r['verdict'], '')} reading'><td></td>"
                    f"<td>other reading: {escape(r['label'])}</td><td></td>"
                    f"<td class='num'>{escape(rc)}</td><td class='verdict'>{escape(r['verdict'])}</td>"
                    f"<td>{escape(r['source'])}</td><td>{escape(r['note'])}</td></tr>"
                )
        parts.append(
            f"<h3>{escape(prefix)}: &ldquo;{escape(art['title'])}&rdquo; "
            f"<small>({escape(art['file'])})</small></h3>"
            "<table class='claims'><thead><tr><th>id</th><th>claim</th><th>stated</th>"
            "<th>computed</th><th>verdict</th><th>data used</th><th>note</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table>"
        )
    counts = (
        f"{n['confirmed']} confirmed / {n['contradicted']} contradicted / "
        f"{n['not_checkable']} not checkable"
    )
    return SectionOutput(
        id=ID,
        title=TITLE,
        html="".join(parts),
        figures=(report.plot(),),
        headline=(("Claims check", counts),),
    )
