"""Macro liquidity: debt dynamics, the interest bill, the Fed's balance sheet (pure computations).

Modules: ``debt`` (debt paths and scenarios), ``interest`` (the interest bill, rate cuts),
``fed`` (the Fed's balance sheet and run-off periods).
"""

from bubblewatch._exports import lazy_exports

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "DebtPath": "bubblewatch.macro.debt",
        "DebtScenarios": "bubblewatch.macro.debt",
        "debt_path": "bubblewatch.macro.debt",
        "debt_scenarios": "bubblewatch.macro.debt",
        "debt_stabilising_pb": "bubblewatch.macro.debt",
        "RUNOFF_PERIODS": "bubblewatch.macro.fed",
        "FedBalanceSheet": "bubblewatch.macro.fed",
        "RunoffPeriod": "bubblewatch.macro.fed",
        "fed_balance_sheet": "bubblewatch.macro.fed",
        "DEFAULT_REPRICING_SHARE": "bubblewatch.macro.interest",
        "InterestBill": "bubblewatch.macro.interest",
        "RateCut": "bubblewatch.macro.interest",
        "effective_rate": "bubblewatch.macro.interest",
        "implied_repricing_share": "bubblewatch.macro.interest",
        "interest_bill": "bubblewatch.macro.interest",
        "rate_cut_saving": "bubblewatch.macro.interest",
    },
)
