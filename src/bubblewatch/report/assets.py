"""The report's tracked assets: store symbols folded into the histories they belong to, with
readable names.

The watch list names store series (``NASDAQ_COMPOSITE_2025_2026``, ``^IXIC``, ``SOX_2025_2026``,
``SOFTBANK_9984.T``); the report shows assets (``NASDAQ Composite``, ``Semiconductor index
(SOX)``, ``SoftBank (9984.T)``), each read as its long history
(:func:`~bubblewatch.data.resolve.resolve_history`): the pieces of one history
(``X_LONG``, ``X_YYYY_YYYY``, the members of a :data:`~bubblewatch.data.resolve.HISTORY_CHAINS`
chain) are one asset, so the status table, the PSY and LPPLS sections and the header agree.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from bubblewatch.report.context import ReportContext

__all__ = ["TrackedAsset", "asset_labels", "asset_names", "tracked_assets", "with_note"]

_SUFFIX = re.compile(r"^(?P<base>.+?)(_LONG|_\d{4}_\d{4})$")

#: readable names of index histories the ledger does not name
INDEX_LABELS: dict[str, str] = {"SP500": "S&P 500", "^GSPC": "S&P 500", "^IXIC": "NASDAQ Composite"}


@dataclasses.dataclass(frozen=True)
class TrackedAsset:
    """One tracked asset: the name its history is read by and its readable label."""

    name: str
    label: str
    #: the exchange ticker when the label does not say it (``NVDA`` for ``Nvidia``), else ""
    ticker: str = ""

    @property
    def display(self) -> str:
        """``Nvidia (NVDA)`` for a company whose ticker is not in its label, else the label.

        >>> TrackedAsset("NVDA", "Nvidia", "NVDA").display, TrackedAsset("SOX", "SOX").display
        ('Nvidia (NVDA)', 'SOX')
        """
        if self.ticker and self.ticker.upper() not in self.label.upper():
            return f"{self.label} ({self.ticker})"
        return self.label


def _chain_of(symbol: str) -> str | None:
    from bubblewatch.data.resolve import HISTORY_CHAINS

    up = symbol.upper()
    return next((k for k, v in HISTORY_CHAINS.items() if up in {m.upper() for m in v}), None)


def asset_names(symbols: Sequence[str], available: Iterable[str]) -> list[str]:
    """Store symbols mapped to their history names, in order, without repeats
    (``SOX_2025_2026`` and ``SOX`` are one asset ``SOX``; ``NASDAQ_COMPOSITE_2025_2026`` and
    ``^IXIC`` are both pieces of the ``NASDAQ_COMPOSITE`` chain).

    >>> asset_names(["NVDA", "SOX_2025_2026", "SOX", "AVGO_LONG"], {"SOX", "NVDA", "AVGO_LONG"})
    ['NVDA', 'SOX', 'AVGO']
    >>> asset_names(["^IXIC", "NASDAQ_COMPOSITE_2025_2026", "KOSPI"], {"^IXIC", "KOSPI"})
    ['NASDAQ_COMPOSITE', 'KOSPI']
    """
    have = set(available)
    out: list[str] = []
    for s in symbols:
        name = _chain_of(s)
        if name is None:
            m = _SUFFIX.match(s)
            name = m.group("base") if m else s
            if m and name not in have and not any(a.startswith(f"{name}_") for a in have):
                name = s
        if name not in out:
            out.append(name)
    return out


def asset_labels(available: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Readable names and tickers by history name: the AI 2025-26 ledger's parties
    (``Nvidia``, ``NVDA``), the AI complex's indices and :data:`INDEX_LABELS`."""
    from bubblewatch.status.group import AI_INDICES, ai_complex

    labels = {k: (v, "") for k, v in INDEX_LABELS.items()}
    for label, names in AI_INDICES:
        for n in names:
            labels[n] = (label, "")
    for m in ai_complex(set(available)):
        if m.symbol and m.kind == "equity":
            labels[m.symbol] = (m.label, m.ticker)
    return labels


def tracked_assets(ctx: ReportContext) -> list[TrackedAsset]:
    """The report's tracked assets (see the module docstring), with readable labels.

    A store without a catalogue (a test double) keeps its symbols as they are.
    """
    from bubblewatch.chart_style import display_name
    from bubblewatch.data.store import Store

    if isinstance(ctx.store, Store):
        from bubblewatch.data.status_inputs import price_symbols

        available = price_symbols(ctx.store)
        names = asset_names(list(ctx.symbols), available)
        labels = asset_labels(available)
    else:
        names, labels = list(dict.fromkeys(ctx.symbols)), {}
    plain = re.compile(r"[A-Z][A-Z0-9.\-]*")
    return [
        TrackedAsset(n, *labels[n])
        if n in labels
        else TrackedAsset(n, display_name(n), n if plain.fullmatch(n) else "")
        for n in names
    ]


def with_note(label: str, note: str) -> str:
    """``label (note)``, folded into a label's own parentheses.

    >>> with_note("AMD", "251 closes"), with_note("Oracle (ORCL)", "251 closes")
    ('AMD (251 closes)', 'Oracle (ORCL: 251 closes)')
    """
    if label.endswith(")"):
        return f"{label[:-1]}: {note})"
    return f"{label} ({note})"
