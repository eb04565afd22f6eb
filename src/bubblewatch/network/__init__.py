"""The capital loop: deals ledger analytics and stress tests (pure computations).

Main entry points:

* :class:`~bubblewatch.network.ledger.Ledger` -- the deals ledger model;
* :func:`~bubblewatch.network.loops.loop_analysis` -- cycles, circulation, round trips, cover;
* :func:`~bubblewatch.network.clearing.clearing_vector` -- Eisenberg-Noe / Rogers-Veraart;
* :func:`~bubblewatch.network.debtrank.debtrank` -- DebtRank and differential DebtRank
  (import it from its module: the package attribute ``debtrank`` is the module);
* :func:`~bubblewatch.network.spiral.stress_ledger` -- scenarios and the valuation spiral.
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "Ledger": "bubblewatch.network.ledger",
        "ClearingVector": "bubblewatch.network.clearing",
        "ClearingResult": "bubblewatch.network.clearing",  # old name
        "clearing_vector": "bubblewatch.network.clearing",
        "DebtRank": "bubblewatch.network.debtrank",
        "DebtRankResult": "bubblewatch.network.debtrank",  # old name
        "LoopAnalysis": "bubblewatch.network.loops",
        "LoopResult": "bubblewatch.network.loops",  # old name
        "loop_analysis": "bubblewatch.network.loops",
        "LedgerStress": "bubblewatch.network.spiral",
        "StressResult": "bubblewatch.network.spiral",  # old name
        "stress_ledger": "bubblewatch.network.spiral",
    },
)
