"""Report section: the claims table (every figure of the articles with its verdict)."""

from __future__ import annotations

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ReportContext, SectionOutput, escape

ID = "claims"
TITLE = "Claims check"

_CLASS = {"confirmed": "ok", "contradicted": "bad", "not checkable": "na"}


def _fmt(v: object) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return " to ".join(_fmt(x) for x in v)
    return "" if v is None else str(v)


def build(ctx: ReportContext) -> SectionOutput:
    """A table of claims with stated and computed values, verdict and data used."""
    from bubblewatch.claims.check import check_claims

    try:
        report = check_claims(ctx.store)
    except BubblewatchError as exc:
        return SectionOutput(id=ID, title=TITLE, missing=(f"claims check: {exc}",))
    n = report.counts()
    head = (
        f"<p><b>{n['confirmed']}</b> confirmed, <b>{n['contradicted']}</b> contradicted, "
        f"<b>{n['not_checkable']}</b> not checkable, of {len(report.verdicts)} figures "
        "in the source articles (ids as in DIGEST.md).</p>"
    )
    rows = []
    for d in report.to_list():
        extra = d["note"] or ""
        if d["missing"]:
            extra = (extra + "; " if extra else "") + "missing: " + "; ".join(d["missing"])
        rows.append(
            f"<tr class='{_CLASS.get(d['verdict'], '')}'><td>{escape(d['id'])}</td><td>{escape(d['claim'])}</td>"
            f"<td>{escape(_fmt(d['stated']))} {escape(d['unit'])}</td><td>{escape(_fmt(d['computed']))}</td>"
            f"<td>{escape(d['verdict'])}</td><td>{escape(d['source'])}</td><td>{escape(extra)}</td></tr>"
        )
    table = (
        "<table class='claims'><thead><tr><th>id</th><th>claim</th><th>stated</th><th>computed</th>"
        "<th>verdict</th><th>data used</th><th>note</th></tr></thead><tbody>"
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
        html=head + table,
        figures=(report.plot(),),
        headline=(("Claims check", counts),),
    )
