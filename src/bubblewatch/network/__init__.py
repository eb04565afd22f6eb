"""The capital loop: deals ledger analytics and stress tests (pure computations).

Main entry points (imported lazily):

* :class:`~bubblewatch.network.ledger.Ledger` — the deals ledger model;
* :func:`~bubblewatch.network.loops.loop_analysis` — cycles, circulation, round trips, cover;
* :func:`~bubblewatch.network.clearing.clearing_vector` — Eisenberg-Noe / Rogers-Veraart;
* :func:`~bubblewatch.network.debtrank.debtrank` — DebtRank and differential DebtRank;
* :func:`~bubblewatch.network.spiral.stress_ledger` — scenarios and the valuation spiral.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Ledger", "clearing_vector", "debtrank", "loop_analysis", "stress_ledger"]

_WHERE = {
    "Ledger": "bubblewatch.network.ledger",
    "clearing_vector": "bubblewatch.network.clearing",
    "debtrank": "bubblewatch.network.debtrank",
    "loop_analysis": "bubblewatch.network.loops",
    "stress_ledger": "bubblewatch.network.spiral",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'bubblewatch.network' has no attribute {name!r}")
