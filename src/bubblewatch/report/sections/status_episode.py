"""The status on the source articles' dates: a compact table under the status table.

The status table is as of the data's end; the articles describe October-November 2025
(:data:`~bubblewatch.report.context.ARTICLE_DATES`: Nvidia's USD 5T day and the USD 200B+
day among them). This table recomputes the status of Nvidia, the AI complex's
equal-weight basket and the NASDAQ Composite *on each article date* with
:func:`~bubblewatch.status.asset.asset_status` (``as_of=date``) on the same resolved series,
parameters, fundamentals and CAPE as the status table: every signal uses data dated on or
before its date (no look-ahead), so a cell is what the status said that day. The group's
trailing-P/E median is recomputed on each date too. The last column is the table's own
status (as of the data's end).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bubblewatch.errors import BubblewatchError
from bubblewatch.report.context import ARTICLE_DATES, escape
from bubblewatch.report.sections.status_format import badge, words
from bubblewatch.status.rule import share_text

if TYPE_CHECKING:
    import pandas as pd

    from bubblewatch.status.asset import AssetStatus
    from bubblewatch.status.params import StatusParams

__all__ = ["EpisodeRow", "episode_headline", "episode_html", "episode_row"]


@dataclasses.dataclass(frozen=True)
class EpisodeRow:
    """One asset's status on each article date (None: no close on or before it) and its
    status as of the data's end (the status table's)."""

    label: str
    on_dates: tuple[AssetStatus | None, ...]
    latest: AssetStatus


def episode_row(
    label: str,
    prices: Any,
    latest: AssetStatus,
    params: StatusParams,
    *,
    fundamentals: pd.DataFrame | None = None,
    cape: pd.Series | None = None,
    group_median: Any = None,
    dates: Sequence[str] = ARTICLE_DATES,
) -> EpisodeRow:
    """``label``'s status on each of ``dates`` from ``prices`` (what the table used).

    ``group_median`` is a function date -> the group's trailing-P/E median on that date
    (or None), so the P/E condition is point-in-time too.
    """
    from bubblewatch.status.asset import asset_status

    out: list[AssetStatus | None] = []
    for d in dates:
        try:
            out.append(
                asset_status(
                    prices,
                    as_of=d,
                    fundamentals=fundamentals,
                    params=params,
                    symbol=latest.symbol,
                    cape=cape,
                    group_pe_median=group_median(d) if group_median is not None else None,
                )
            )
        except BubblewatchError:
            out.append(None)
    return EpisodeRow(label, tuple(out), latest)


def _num(v: Any) -> str:
    return "n/a" if v is None or not math.isfinite(v) else f"{float(v):.2f}"


def _cell(st: AssetStatus | None, lppls: bool) -> str:
    if st is None:
        return "no data"
    h = st.headline()
    parts = [badge(st.level)]
    if st.signals.psy.available:
        parts.append(f"<small>BSADF {_num(h['bsadf'])} vs {_num(h['cv95'])}</small>")
    else:
        parts.append("<small>PSY n/a</small>")
    if lppls and h["lppls_pos"] is not None and math.isfinite(h["lppls_pos"]):
        parts.append(f"<small>LPPLS {share_text(h['lppls_pos'])}</small>")
    if st.stale_business_days > st.params.stale_business_days:
        parts.append(f"<small>(data to {st.data_date.date()})</small>")
    return "<br>".join(parts)


def _ratio(st: AssetStatus) -> float:
    h = st.headline()
    b, c = h["bsadf"], h["cv95"]
    return b / c if st.signals.psy.available and math.isfinite(b) and c and c > 0 else -math.inf


def _levels_in_words(row: EpisodeRow, dates: Sequence[str]) -> str:
    levels = [st.level if st is not None else "no data" for st in row.on_dates]
    if len(set(levels)) == 1:
        return f"{levels[0]} on all {len(levels)} dates"
    return ", ".join(f"{lv} on {d}" for lv, d in zip(levels, dates))


def _row_sentence(row: EpisodeRow, dates: Sequence[str]) -> str:
    seen = [(d, st) for d, st in zip(dates, row.on_dates) if st is not None]
    if not seen:
        return f"{row.label}: no data on the article dates."
    d, st = max(seen, key=lambda x: _ratio(x[1]))
    h = st.headline()
    text = f"{row.label} was {_levels_in_words(row, dates)}"
    if st.signals.psy.available:
        rejects = bool(st.signals.psy.explosive)
        text += (
            f"; on {d} its BSADF came closest to the 95% critical value "
            f"({_num(h['bsadf'])} vs {_num(h['cv95'])}: PSY "
            + ("rejects" if rejects else "does not reject")
            + ")"
        )
        if st.reasons:
            text += f" and it was {st.level} because: {st.reasons[0].condition}"
    latest = row.latest
    return text + f"; as of {latest.data_date.date()} it is {latest.level}."


def episode_headline(row: EpisodeRow, dates: Sequence[str] = ARTICLE_DATES) -> tuple[str, str]:
    """A (label, text) header fact: ``row``'s levels on the article dates and now, e.g.
    ``("Nvidia (NVDA) on the article dates", "heating on all 4 (2025-10-14 to 2025-11-20);
    calm as of 2026-05-21")``."""
    levels = [st.level if st is not None else "no data" for st in row.on_dates]
    if len(set(levels)) == 1:
        text = f"{levels[0]} on all {len(levels)} ({dates[0]} to {dates[-1]})"
    else:
        text = ", ".join(f"{lv} {d}" for lv, d in zip(levels, dates))
    return (
        f"{row.label} on the article dates",
        f"{text}; {row.latest.level} as of {row.latest.data_date.date()}",
    )


def episode_html(rows: Sequence[EpisodeRow], params: StatusParams) -> str:
    """The table "Status on the article dates" and one sentence per row, generated from the
    numbers (levels, BSADF against its critical value, the first reason of the level)."""
    if not rows:
        return ""
    dates = ARTICLE_DATES
    lppls = bool(params.lppls)
    th = "<th>asset</th>" + "".join(f"<th>{escape(d)}</th>" for d in dates)
    latest_day = max(r.latest.as_of for r in rows).date()
    th += f"<th>latest ({escape(latest_day)})</th>"
    body = "".join(
        "<tr>"
        + f"<td>{escape(r.label)}</td>"
        + "".join(f"<td>{_cell(st, lppls)}</td>" for st in r.on_dates)
        + f"<td>{_cell(r.latest, lppls)}</td>"
        + "</tr>"
        for r in rows
    )
    said = " ".join(words(_row_sentence(r, dates)) for r in rows)
    how = (
        "Each cell is the status computed with data up to that date only (the same series, "
        "parameters and rule as the table above), so it is what bubblewatch would have said "
        "that day: level, PSY BSADF vs its 95% critical value"
        + (
            ", and the positive DS LPPLS confidence at the table's scales."
            if lppls
            else "; LPPLS is skipped in this fast build."
        )
    )
    return (
        "<h3>Status on the article dates</h3>"
        f"<table class='status episode'><thead><tr>{th}</tr></thead><tbody>{body}</tbody>"
        f"</table><p>{said}</p><p><small>{escape(how)}</small></p>"
    )
