"""Report section: the bubble status first -- one row per tracked asset, the AI complex, 2000 vs now.

Every number comes from :mod:`bubblewatch.status` with :data:`~bubblewatch.status.params.DEFAULT_PARAMS`
(the same sample, critical values, LPPLS scales and thresholds as ``bubblewatch status``) on
the report's as-of date, from each asset's long history
(:func:`~bubblewatch.data.resolve.resolve_history`). With ``options["fast"]`` the LPPLS
scales and the GSADF bootstrap are skipped (said in the section).

Right under the table, "Status on the article dates"
(:mod:`~bubblewatch.report.sections.status_episode`): Nvidia, the AI equal-weight basket and
the NASDAQ Composite on each of :data:`~bubblewatch.report.context.ARTICLE_DATES`, computed
point-in-time on the same series and parameters.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.assets import asset_names, tracked_assets
from bubblewatch.report.context import ReportContext, SectionOutput, escape
from bubblewatch.report.sections.status_format import badge, why_cell, words

ID = "status"
TITLE = "Bubble status"


def _params(ctx: ReportContext) -> Any:
    from bubblewatch.status.params import DEFAULT_PARAMS

    if ctx.options.get("fast"):
        return DEFAULT_PARAMS.replace(lppls=False, gsadf_cv=False)
    return DEFAULT_PARAMS.replace(gsadf_cv=False)


def sparkline(close: pd.Series, sessions: int = 252, width: int = 120, height: int = 28) -> str:
    """An inline SVG polyline of the last ``sessions`` closes (log scale)."""
    s = close.dropna()
    s = s[s > 0].iloc[-sessions:]
    if len(s) < 2:
        return ""
    y = np.log(s.to_numpy())
    lo, hi = float(y.min()), float(y.max())
    span = hi - lo or 1.0
    xs = np.linspace(1, width - 1, len(y))
    ys = height - 1 - (y - lo) / span * (height - 2)
    pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys))
    colour = "#2e7d32" if y[-1] >= y[0] else "#c62828"
    return (
        f"<svg width='{width}' height='{height}' viewBox='0 0 {width} {height}' role='img' "
        f"aria-label='last {len(y)} closes'><polyline fill='none' stroke='{colour}' "
        f"stroke-width='1.2' points='{pts}'/></svg>"
    )


def _num(v: Any, fmt: str = ".2f") -> str:
    return "n/a" if v is None or not np.isfinite(v) else format(float(v), fmt)


def _row(st: Any, label: str) -> str:
    h = st.headline()
    p = st.signals.psy
    psy = (
        f"{_num(h['bsadf'])} vs {_num(h['cv95'])}"
        if p.available
        else f"<span class='fit note'>{words(p.note)}</span>"
    )
    why = why_cell(st.reasons, st.level)
    stale = f" <small>(data to {st.data_date.date()})</small>" if st.stale_business_days > 5 else ""
    cells = [
        f"<span class='fit asset'>{escape(label)}{stale}</span>",
        badge(st.level),
        psy,
        _num(h["lppls_pos"], ".0%"),
        _num(h["ret_1y"], ".0%"),
        _num(h["drawdown"], ".0%"),
        sparkline(st.close),
        why,
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


_HEAD = (
    "asset",
    "level",
    "BSADF vs 95% cv",
    "LPPLS conf.",
    "1y log return",
    "drawdown",
    "last year",
    "why (click for every reason)",
)


def _table(rows: list[str]) -> str:
    th = "".join(f"<th>{escape(h)}</th>" for h in _HEAD)
    return (
        f"<table class='status'><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _group_card(g: Any) -> str:
    b = g.breadth
    levels = ", ".join(f"{badge(lv)} {n}" for lv, n in b["levels"].items() if n)
    baskets = "".join(
        f"<li>{escape(label)}: {badge(st.level)}</li>"
        for label, st in (
            ("equal-weight basket", g.equal_weight),
            ("cap-weight basket", g.cap_weight),
        )
        if st is not None
    )
    loop = ""
    if g.loop:
        lpf = g.loop
        known = [
            c for c in lpf["commitment_cover"] if c["cover"] is not None and np.isfinite(c["cover"])
        ]
        cover = ", ".join(f"{escape(c['party'])} {c['cover']:.1f}x" for c in known[:4])
        loop = (
            f"<p>Beside the markets, the capital loop of the AI 2025-26 ledger: "
            f"{lpf['n_cycles']} cycles; {lpf['circular_share']:.0%} of the USD "
            f"{lpf['gross_usd'] / 1e9:,.0f}B of gross flows can go round"
            + (f"; commitments over revenue plus cash: {cover}" if cover else "")
            + " (see the capital-loop section).</p>"
        )
    missing = ""
    if g.missing:
        missing = (
            "<p>Not in the store: "
            + escape("; ".join(f"{a} ({b})" for a, b in g.missing))
            + ".</p>"
        )
    notes = "".join(f"<li>{escape(n)}</li>" for n in g.basket_notes)
    return (
        "<div class='card'><h3>The AI complex</h3>"
        f"<p>{b['n']} members on {g.as_of.date()}: {b['share_explosive']:.0%} explosive (PSY rejects "
        f"now), {b['share_critical']:.0%} critical. Levels: {levels}.</p>"
        f"<ul>{baskets}</ul>{loop}{missing}<details><summary>baskets</summary><ul>{notes}</ul>"
        "</details></div>"
    )


def _compare_html(c: Any) -> str:
    frame = c.to_frame()
    th = "<th>measure</th>" + "".join(f"<th>{escape(col.label)}</th>" for col in c.columns)
    body = "".join(
        "<tr>"
        + f"<td>{escape(m)}</td>"
        + "".join(f"<td>{words(frame.loc[m, col.label])}</td>" for col in c.columns)
        + "</tr>"
        for m in frame.index
    )
    src = "".join(f"<li>{escape(col.label)}: {escape(col.source)}</li>" for col in c.columns)
    src += "".join(f"<li>{escape(n)}</li>" for n in c.notes)
    return (
        "<h3>2000 vs now</h3><table class='compare'><thead><tr>"
        f"{th}</tr></thead><tbody>{body}</tbody></table>"
        f"<details><summary>sources</summary><ul>{src}</ul></details>"
    )


#: the rows of the table "Status on the article dates" (store names; absent ones are skipped)
EPISODE_ASSETS = ("NVDA", "NASDAQ_COMPOSITE")


def _episode(
    load: Any,
    available: Any,
    shown: dict[str, Any],
    labels: dict[str, str],
    group: Any,
    params: Any,
    cape: Any,
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The status of Nvidia, the AI equal-weight basket and the NASDAQ Composite on the
    article dates (:mod:`bubblewatch.report.sections.status_episode`), on the table's series,
    and the first row's levels as a header fact."""
    from bubblewatch.report.sections.status_episode import (
        episode_headline,
        episode_html,
        episode_row,
    )
    from bubblewatch.status.group import pe_group_median
    from bubblewatch.status.views import ai_complex_inputs

    median = None
    members: dict[str, Any] = {}
    if group is not None:
        inp = ai_complex_inputs(load, available)  # cached loads: no second read
        members = inp["members"]
        medians = {}

        def median(d: str) -> float | None:
            if d not in medians:
                medians[d] = pe_group_median(members, inp["fundamentals"], d)
            return medians[d]

    rows = []
    for i, name in enumerate(EPISODE_ASSETS):
        st = shown.get(name)
        if st is None:
            continue
        inp1 = load(name)
        rows.append(
            episode_row(
                labels.get(name, name),
                inp1.history,
                st,
                params,
                fundamentals=inp1.fundamentals,
                cape=cape if inp1.index_level else None,
                group_median=median if name in members else None,
            )
        )
        if i == 0 and group is not None and group.equal_weight is not None:
            ew = group.equal_weight
            rows.append(
                episode_row("AI equal-weight basket", ew.close, ew, params.replace(trust=False))
            )
    head = (episode_headline(rows[0]),) if rows else ()
    return episode_html(rows, params), head


def build(ctx: ReportContext) -> SectionOutput:
    """The status table of the tracked assets, the AI-complex card, 2000 vs now."""
    from bubblewatch.data.status_inputs import cape_series, price_symbols, status_inputs
    from bubblewatch.status.asset import asset_status
    from bubblewatch.status.views import ai_complex_status, compare_2000_view

    params = _params(ctx)
    store = ctx.store
    available = price_symbols(store)
    cape = cape_series(store)
    load = functools.lru_cache(maxsize=None)(lambda s: status_inputs(store, s))
    missing: list[str] = []
    figures = []
    how = [
        f"<p>The status of each asset on {ctx.as_of.date()} from measured signals only, data up "
        f"to that day: PSY on the {escape(params.sample_description())} against "
        f"{escape(params.cv_description())} critical values; the DS LPPLS confidence at "
        + escape(", ".join(s.describe() for s in params.scales))
        + ("" if params.lppls else " (skipped in this fast build)")
        + "; momentum, stress and valuation. The rule and its thresholds are in docs/status.md; "
        "every level lists the conditions that put it there (<code>bubblewatch status SYMBOL</code>).</p>"
    ]
    html: list[str] = []
    headline: tuple[tuple[str, str], ...] = ()
    group = None
    try:
        group = ai_complex_status(load, available, as_of=ctx.as_of, params=params, cape=cape)
    except BubblewatchError as exc:
        missing.append(f"AI complex: {exc}")
    done = {s.symbol: s for s in (group.members if group else ())}
    labels = dict(group.labels) if group else {}
    tracked = tracked_assets(ctx)
    labels.update({a.name: a.label for a in tracked})
    rows = []
    shown: dict[str, Any] = {}
    for name in asset_names(list(ctx.symbols), set(available)):
        st = done.get(name)
        if st is None:
            try:
                inp = load(name)
                st = asset_status(
                    inp.history,
                    as_of=ctx.as_of,
                    fundamentals=inp.fundamentals,
                    params=params,
                    symbol=name,
                    cape=cape if inp.index_level else None,
                )
            except BubblewatchError as exc:
                missing.append(f"{name}: {exc}")
                continue
        shown[name] = st
        rows.append(_row(st, labels.get(name, name)))
    if group is not None:
        for st in group.members:
            if st.symbol not in set(asset_names(list(ctx.symbols), set(available))):
                shown[st.symbol] = st
                rows.append(_row(st, labels.get(st.symbol, st.symbol)))
        for label, st in (
            ("AI equal-weight basket", group.equal_weight),
            ("AI cap-weight basket", group.cap_weight),
        ):
            if st is not None:
                rows.append(_row(st, label))
    if rows:
        html.append(_table(rows))
        displays = {**labels, **{a.name: a.display for a in tracked}}
        episode, headline = _episode(load, available, shown, displays, group, params, cape)
        html.append(episode)
    html.extend(how)  # how to read the table: after it, so the table is on the first screen
    if group is not None:
        html.append(_group_card(group))
    try:
        hold = store.holdings_history("SPY")
        cmp_ = compare_2000_view(
            load, available, cape=cape, holdings=hold if len(hold) else None, params=params
        )
        html.append(_compare_html(cmp_))
        figures.append(cmp_.plot())
    except BubblewatchError as exc:
        missing.append(f"2000 vs now: {exc}")
    if not rows and group is None:
        return SectionOutput(ID, TITLE, missing=tuple(missing) or ("tracked assets' prices",))
    return SectionOutput(
        ID,
        TITLE,
        html="".join(html),
        figures=tuple(figures),
        missing=tuple(missing),
        headline=headline,
    )


__all__ = ["asset_names", "badge", "build", "sparkline"]
