"""How the status section writes a level and a status text (shared by the status table and
the table of the article dates, :mod:`bubblewatch.report.sections.status_episode`)."""

from __future__ import annotations

from typing import Any

from bubblewatch.report.context import escape

__all__ = ["badge", "why_cell", "words"]


def badge(level: str) -> str:
    """A coloured level badge (inline style: the report loads nothing)."""
    from bubblewatch.status.asset import LEVEL_COLOURS

    colour = LEVEL_COLOURS.get(level, "#666")
    return (
        f"<span class='badge' style='background:{colour};color:#fff;padding:.1rem .45rem;"
        f"border-radius:.6rem;font-weight:600'>{escape(level)}</span>"
    )


def words(text: Any) -> str:
    """A status text for the reader, escaped: parameter switches in words (a fast build
    turns LPPLS off: ``(lppls=False)`` reads ``(skipped in this fast build)``).

    >>> words("LPPLS not computed (lppls=False)")
    'LPPLS not computed (skipped in this fast build)'
    """
    return escape(str(text).replace("(lppls=False)", "(skipped in this fast build)"))


def why_cell(reasons: Any, level: str) -> str:
    """The deciding reasons in a few words (one or two lines in a table cell), the full
    reasons with their values and thresholds in a ``<details>`` under them (readable
    without JavaScript)."""
    if not reasons:
        return ""
    n = 3 if level == "critical" else 2
    short = "; ".join(r.short or r.condition for r in reasons[:n])
    full = "".join(
        f"<li>{words(r.condition)}: {escape(r.value_text())} vs {escape(r.threshold_text())}</li>"
        for r in reasons
    )
    return f"<details class='why'><summary>{words(short)}</summary><ul>{full}</ul></details>"
