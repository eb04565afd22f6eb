"""``bubblewatch claims``: recompute every figure of the source articles, with a verdict."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bubblewatch.commands import tables as t
from bubblewatch.commands.common import DataOpt, ExportOpt, JsonOpt, StoreOpt, data_store, emit


def command(
    data: DataOpt = None,
    store: StoreOpt = None,
    claims_file: Annotated[
        Path | None,
        typer.Option("--claims", help="A claims YAML file (default: the articles' claims)."),
    ] = None,
    only: Annotated[
        list[str] | None, typer.Option("--id", help="Only these claim ids (repeatable).")
    ] = None,
    as_json: JsonOpt = False,
    export: ExportOpt = None,
) -> None:
    """Check the articles' claims: confirmed, contradicted (with the gap) or not checkable.

    Ids read S<article>-<item><letter>: S0-1b is the second figure of item 1 of article 0
    (the text lists each article). Items that state no figure are listed too.

    JSON: {"counts", "claims": [{"id", "claim", "stated", "computed", "verdict", "source",
    "article", "statement", "readings", ...}], "no_figure": [...], "metadata"}.
    --export csv: one row per claim.
    """
    from bubblewatch.claims.check import check_claims, load_claims

    claims = load_claims(claims_file) if claims_file is not None else None
    with data_store(data, store) as st:
        report = check_claims(st, claims, ids=only)
    emit(report, as_json, render=render_claims, export=export)


def render_claims(report: Any) -> list[Any]:
    """Text of ``claims``: per article, each claim with stated and computed values and verdict."""
    from bubblewatch.claims.check import NO_FIGURE, load_digest, value_text

    n = report.counts()
    digest = load_digest()
    head = (
        f"Claims check: {n['confirmed']} confirmed, {n['contradicted']} contradicted, "
        f"{n['not_checkable']} not checkable, of {t.plural(len(report.verdicts), 'figure')}"
        + (
            f"; {t.plural(len(report.no_figure), 'item')} without a figure"
            if report.no_figure
            else ""
        )
    )
    out: list[Any] = [t.heading(head)]
    rows = report.rows()
    for prefix, art in digest.articles.items():
        mine = [v for v in rows if v.claim.id.split("-")[0] == prefix]
        if not mine:
            continue
        table_rows: list[dict[str, Any]] = []
        for v in mine:
            c = v.claim
            if v.verdict == NO_FIGURE:
                table_rows.append(
                    {
                        "id": c.id,
                        "claim": c.statement,
                        "stated": "",
                        "computed": "",
                        "verdict": v.verdict,
                    }
                )
                continue
            computed = "" if v.computed is None else value_text(v.computed, c.unit)
            text = c.claim
            if v.verdict == "not checkable":
                why = c.not_checkable or "; ".join(v.missing) or v.note
                text += f"\n(why not: {why})" if why else ""
            table_rows.append(
                {
                    "id": c.id,
                    "claim": text,
                    "stated": c.stated_text(),
                    "computed": computed,
                    "verdict": v.verdict,
                }
            )
            for r in v.readings:
                table_rows.append(
                    {
                        "id": "",
                        "claim": f"other reading: {r['label']}",
                        "stated": "",
                        "computed": ""
                        if r["computed"] is None
                        else value_text(r["computed"], c.unit),
                        "verdict": r["verdict"],
                    }
                )
        out.append(
            t.table(
                table_rows,
                [
                    t.Column("Id", "id"),
                    t.Column("Claim", "claim", wrap=True),
                    t.Column("Stated", "stated", justify="right"),
                    t.Column("Computed", "computed", justify="right"),
                    t.Column("Verdict", "verdict", style=t.verdict_style),
                ],
                title=f'{prefix}: "{art["title"]}" ({art["file"]})',
            )
        )
    out.append(
        t.note(
            "Ids: S<article>-<item><letter> (S0-1b = article S0, item 1, second figure). "
            "--json gives each claim's data used, gap, note and the missing data of the "
            "not-checkable ones."
        )
    )
    return out
