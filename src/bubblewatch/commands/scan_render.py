"""The text of ``bubblewatch scan``: counts, the explosive series, LPPLS, status, failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from bubblewatch.commands import tables as t
from bubblewatch.scan.result import ScanResult

__all__ = ["render_scan"]


def _flagged(col: pd.Series) -> int:
    return int(col.fillna(False).astype(bool).sum())


def _psy(res: ScanResult, top: int) -> list[Any]:
    tab = res.table
    tested = tab[tab["gsadf"].notna()]
    pairs: list[tuple[str, Any]] = [
        ("series tested", t.integer(len(tested))),
        ("explosive over the sample (GSADF > cv)", t.integer(_flagged(tested["explosive"]))),
    ]
    if tested["gsadf_pvalue"].notna().any():
        pairs.append(
            (
                f"... after Benjamini-Hochberg (FDR {t.percent(0)(res.fdr)})",
                t.integer(_flagged(tested["explosive_bh"])),
            )
        )
    else:
        pairs.append(("p-values", "not tabulated for these settings (lag 0, default window only)"))
    pairs.append(
        ("explosive at the last date (BSADF > cv)", t.integer(_flagged(tested["explosive_now"])))
    )
    out: list[Any] = [t.facts(pairs, title=f"PSY, {res.level}% critical values")]
    now = res.explosive_now().head(top)
    if len(now):
        out.append(
            t.table(
                now,
                [
                    t.Column("Series", "symbol"),
                    t.Column("Last date", "last", t.date),
                    t.Column("BSADF", "bsadf_last", t.number(3)),
                    t.Column("cv", "cv_bsadf_last", t.number(3)),
                    t.Column("GSADF p-value", "gsadf_pvalue", t.number(4)),
                    t.Column("q-value (BH)", "gsadf_qvalue", t.number(4)),
                    t.Column(
                        "Episode since",
                        lambda r: r["last_start"] if r["ongoing"] else "shorter than the minimum",
                        t.text,
                    ),
                ],
                title="Explosive at the last date, strongest first",
            )
        )
    return out


def _lppls(res: ScanResult, top: int) -> list[Any]:
    out: list[Any] = []
    tab = res.table
    for col in (c for c in tab.columns if c.startswith("lppls_") and c.endswith("_pos")):
        scale = col[len("lppls_") : -len("_pos")]
        pre = f"lppls_{scale}_"
        fitted = tab[tab[col].notna()].sort_values(col, ascending=False)
        some = fitted[fitted[col] > 0]
        title = (
            f"LPPLS, {scale} scale: {t.plural(len(fitted), 'series', 'series')} fitted, "
            f"{len(some)} with a positive bubble confidence"
        )
        if some.empty:
            out.append(t.note(title))
            continue
        out.append(
            t.table(
                some.head(top),
                [
                    t.Column("Series", "symbol"),
                    t.Column("Bubble confidence", col, t.percent(0)),
                    t.Column("Anti-bubble", pre + "neg", t.percent(0)),
                    t.Column("tc 10%", pre + "tc_q10", t.date),
                    t.Column("tc 50%", pre + "tc_q50", t.date),
                    t.Column("tc 90%", pre + "tc_q90", t.date),
                ],
                title=title + ", highest first",
            )
        )
    return out


def _status(tab: pd.DataFrame, top: int) -> list[Any]:
    from bubblewatch.status.params import LEVELS

    vc = tab["status_level"].value_counts()
    counts = [(lv, t.integer(int(vc.get(lv, 0)))) for lv in reversed(LEVELS)]
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    hot = tab[tab["status_level"].isin(LEVELS[1:])].copy()
    hot["_rank"] = hot["status_level"].map(rank)
    hot = hot.sort_values(["_rank", "status_psy_bsadf"], ascending=False)
    lp = [c for c in tab.columns if c.startswith("lppls_") and c.endswith("_pos")]
    cols = [
        t.Column("Series", "symbol"),
        t.Column("Level", "status_level", style=t.verdict_style),
        t.Column("BSADF", "status_psy_bsadf", t.number(2)),
        t.Column("95% cv (robust)", "status_psy_cv95", t.number(2)),
        t.Column("Episode since", "status_psy_episode_start", t.date),
        *[t.Column(f"LPPLS {c[6:-4]}", c, t.percent(0)) for c in lp],
        t.Column("1-year return", "status_ret_1y", t.percent(0, signed=True)),
        t.Column("Drawdown", "status_drawdown", t.percent(0)),
    ]
    out: list[Any] = [t.facts(counts, title="Status levels")]
    if len(hot):
        out.append(t.table(hot.head(top), cols, title="Not calm, most advanced first"))
    return out


def render_scan(res: ScanResult, top: int = 15) -> list[Any]:
    """Renderables of a scan's text output (see :mod:`bubblewatch.commands.tables`)."""
    tab = res.table
    head = f"Scan of {t.plural(len(tab), 'series', 'series')} ({', '.join(res.analyses)})"
    md = res.metadata.parameters
    pairs: list[tuple[str, Any]] = [
        ("outcomes", ", ".join(f"{v} {k}" for k, v in res.counts().items() if v) or "none"),
        ("as of", md.get("as_of") or "each series' last date"),
        ("data up to", res.metadata.data_vintage or t.MISSING),
    ]
    if res.out:
        pairs += [
            ("computed now", t.integer(res.computed)),
            ("already in the folder", t.integer(res.skipped)),
            ("table", str(Path(res.out) / res.param_hash / "summary.csv") + " (and .parquet)"),
        ]
    sched = md.get("scheduler")
    if md.get("address"):
        sched = f"dask at {md.get('address')}"
    elif sched != "sync":
        sched = f"{sched} ({t.plural(md.get('workers') or 1, 'worker')})"
    pairs += [("scheduler", sched), ("parameter hash", res.param_hash)]
    items: list[Any] = [t.heading(head), t.facts(pairs)]
    items += [t.note(f"note: {n}") for n in res.notes]
    if "gsadf" in tab:
        items += _psy(res, top)
    items += _lppls(res, top)
    if "status_level" in tab:
        items += _status(tab, top)
    bad = tab[tab["outcome"].isin(("error", "timeout", "worker lost"))]
    if len(bad):
        items.append(
            t.table(
                bad.head(top),
                [
                    t.Column("Series", "symbol"),
                    t.Column("Outcome", "outcome"),
                    t.Column("Message", "error", wrap=True),
                ],
                title=f"Failed: {t.plural(len(bad), 'series', 'series')}"
                + (f" (first {top})" if len(bad) > top else ""),
            )
        )
    short = tab[tab["outcome"] == "insufficient"]
    if len(short):
        items.append(
            t.note(
                f"{t.plural(len(short), 'series', 'series')} with too little data for an analysis "
                f"(first: {short['symbol'].iloc[0]}: {short['error'].iloc[0]})"
            )
        )
    return items
