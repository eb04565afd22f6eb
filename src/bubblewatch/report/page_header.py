"""The report's first lines: the one line naming the data, and short names of what a section
lacks (for the contents).

The first screen of the report is the title, one line naming the data (as-of date, the
episode pack by name and its date span, or the ``--data`` folder / the store with the span of
the tracked series), the key figures, a one-line contents, then the bubble status. File
paths of caches, the package version and the inputs hash are below the status, in the
*About this report* block.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.report.context import ReportContext

__all__ = ["data_line", "short_name", "short_names"]

_CUT = re.compile(r":| \(| - | -- |; ")


def short_name(item: str, width: int = 32) -> str:
    """What a ``missing``/``partial`` entry is about, in a few words.

    >>> short_name("BTC: left out - its returns run 2025-09-08..2026-03-07")
    'BTC'
    >>> short_name("AMD (251 daily closes, needs 1008)")
    'AMD'
    >>> short_name("SHILLER_CAPE (Shiller monthly CAPE): no series")
    'SHILLER_CAPE'
    """
    head = _CUT.split(item, maxsplit=1)[0].strip() or item.strip()
    return head if len(head) <= width else head[: width - 3].rstrip() + "..."


def short_names(items: Sequence[str], shown: int = 4) -> str:
    """The short names of ``items`` without repeats, the first ``shown`` and how many more.

    >>> short_names(["BTC: left out", "NASDAQ: left out", "BTC: again"])
    'BTC, NASDAQ'
    """
    names = list(dict.fromkeys(short_name(i) for i in items))
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def _span(ctx: ReportContext) -> str:
    """The date span of the tracked series (``2023-01-03 to 2026-08-21``), or ""."""
    import pandas as pd

    try:
        cat = ctx.store.list_series()
    except Exception:  # pragma: no cover - a store double without a catalogue
        return ""
    if ctx.symbols:
        cat = cat[cat["symbol"].isin(ctx.symbols)]
    if cat.empty:
        return ""
    first = pd.to_datetime(cat["first"]).min()
    last = pd.to_datetime(cat["last"]).max()
    return f"{first.date()} to {last.date()}"


def data_line(ctx: ReportContext) -> str:
    """One line naming the data: the episode pack (name, title, daily span) for the embedded
    default data, else the ``--data`` folder or the store, with the tracked series' span.
    Never a cache path (those are in the *About this report* block)."""
    if getattr(ctx.store, "label", None) and ctx.data_dir is None:
        from bubblewatch.data.episode_pack import manifest

        m = manifest()
        title = str(m.get("title", "")).split(" (")[0]
        prices = [f for f in m["files"] if f.get("table") == "prices"] or m["files"]
        last = max((str(f.get("last") or "") for f in prices), default="")
        daily = f"daily prices {m.get('daily_from', '?')} to {last}"
        return (
            f"the embedded episode pack {m['name']} ({title}; {daily}) "
            "and the bundled long histories"
        )
    span = _span(ctx)
    where = (
        f"the data folder {ctx.data_dir}"
        if ctx.data_dir is not None
        else f"the store {getattr(ctx.store, 'path', '')}"
    )
    return where + (f" (tracked series {span})" if span else "")
