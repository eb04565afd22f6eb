"""What the bubble status needs from the store, read in one place (the status itself is pure).

:func:`status_inputs` gathers, for one symbol: its long history
(:func:`~bubblewatch.data.resolve.resolve_history`), its fundamentals (for the point-in-time
P/E), its shares outstanding (cap-weighted baskets) and its kind (``index`` assets get the
CAPE); :func:`cape_series` the monthly Shiller CAPE. The CLI, the report, the scan and the
dashboard all call these, so they read the same data the same way.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd

from bubblewatch.data.resolve import ResolvedHistory, resolve_history
from bubblewatch.data.store import Store
from bubblewatch.errors import BubblewatchError, NotFoundError

__all__ = [
    "CAPE_SERIES",
    "US_INDICES",
    "StatusInputs",
    "cape_series",
    "price_symbols",
    "status_inputs",
]

#: the store's monthly CAPE (Shiller, S&P 500), used for index-level assets
CAPE_SERIES = "SHILLER_CAPE"
#: the US equity indices the (S&P 500's) CAPE is shown for; other indices (KOSPI, Nikkei...)
#: are not valued by it
US_INDICES = frozenset(
    {"NASDAQ_COMPOSITE", "SP500", "SOX", "DJIA", "^IXIC", "^GSPC", "^SOX", "^DJI"}
)


@dataclasses.dataclass(frozen=True)
class StatusInputs:
    """One symbol's inputs to :func:`bubblewatch.status.asset_status`."""

    symbol: str
    history: ResolvedHistory
    fundamentals: pd.DataFrame | None
    shares: pd.Series | None
    kind: str | None

    @property
    def index_level(self) -> bool:
        """A US equity index (:data:`US_INDICES`): the CAPE applies."""
        names = {self.symbol.upper(), self.history.name.upper()}
        bases = {re.sub(r"(_LONG|_\d{4}_\d{4})$", "", n) for n in names}
        return self.kind == "index" and bool(bases & US_INDICES)


def price_symbols(store: Store) -> list[str]:
    """Every price series name in the store."""
    return store.query("SELECT symbol FROM series WHERE tbl = 'prices' ORDER BY symbol")[
        "symbol"
    ].tolist()


def _optional(fn, *args):  # type: ignore[no-untyped-def]
    try:
        return fn(*args)
    except NotFoundError:
        return None


def status_inputs(store: Store, symbol: str) -> StatusInputs:
    """The history, fundamentals, shares and kind of ``symbol`` (NotFoundError naming the
    store's series when it holds no prices under that name or its history pieces)."""
    hist = resolve_history(store, symbol)
    base = hist.used[-1].symbol if hist.used else symbol
    kinds = [store.kind(p.symbol) for p in hist.used]
    kind = next((k for k in kinds if k), None)
    fund = _optional(store.fundamentals, symbol)
    shares = _optional(store.shares_outstanding, symbol)
    if fund is None and base != symbol:
        fund = _optional(store.fundamentals, base)
    return StatusInputs(symbol, hist, fund, shares, kind)


def cape_series(store: Store) -> pd.Series | None:
    """The monthly CAPE (:data:`CAPE_SERIES`), or None when the store lacks it."""
    try:
        return store.macro(CAPE_SERIES)
    except BubblewatchError:
        return None
