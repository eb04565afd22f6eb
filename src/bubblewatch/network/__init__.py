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
        "ClearingResult": "bubblewatch.network.clearing",
        "clearing_vector": "bubblewatch.network.clearing",
        "DebtRankResult": "bubblewatch.network.debtrank",
        "LoopResult": "bubblewatch.network.loops",
        "loop_analysis": "bubblewatch.network.loops",
        "StressResult": "bubblewatch.network.spiral",
        "stress_ledger": "bubblewatch.network.spiral",
    },
)
