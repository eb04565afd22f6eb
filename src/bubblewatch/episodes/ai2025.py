"""The AI 2025-26 capital-loop episode: the deals ledger written from the source articles.

The ledger (``ai2025_deals.csv`` and ``ai2025_parties.csv`` beside this module) records every
deal of ``shared/seeds/AI_DEALS_2025.md`` and the deals the articles name (DIGEST ids such as
S2-2), including revisions (A09 -> A09b, A12 -> A12b). Every deal cites its source; party
figures are filled only where the seeds give them (blank otherwise, with a note).

Examples
--------
>>> led = ledger()
>>> int((led.deals["source"] != "").all())
1
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from bubblewatch.data.ledger_io import read_ledger_frames
from bubblewatch.network.ledger import Ledger

__all__ = ["DEALS_PATH", "PARTIES_PATH", "ledger"]

_HERE = Path(str(resources.files("bubblewatch.episodes")))
DEALS_PATH = _HERE / "ai2025_deals.csv"
PARTIES_PATH = _HERE / "ai2025_parties.csv"


@lru_cache(maxsize=1)
def ledger() -> Ledger:
    """The AI 2025-26 deals ledger (validated; cached)."""
    deals, parties, name = read_ledger_frames(DEALS_PATH, PARTIES_PATH, name="ai2025")
    return Ledger.from_frames(deals, parties, name=name)
