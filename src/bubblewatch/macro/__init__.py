"""Macro liquidity: debt dynamics, the interest bill, the Fed's balance sheet (pure computations)."""

from bubblewatch.macro.debt import (
    DebtPath,
    DebtScenarios,
    debt_path,
    debt_scenarios,
    debt_stabilising_pb,
)
from bubblewatch.macro.fed import RUNOFF_PERIODS, FedBalanceSheet, RunoffPeriod, fed_balance_sheet
from bubblewatch.macro.interest import (
    DEFAULT_REPRICING_SHARE,
    InterestBill,
    RateCut,
    effective_rate,
    implied_repricing_share,
    interest_bill,
    rate_cut_saving,
)

__all__ = [
    "DEFAULT_REPRICING_SHARE",
    "RUNOFF_PERIODS",
    "DebtPath",
    "DebtScenarios",
    "FedBalanceSheet",
    "InterestBill",
    "RateCut",
    "RunoffPeriod",
    "debt_path",
    "debt_scenarios",
    "debt_stabilising_pb",
    "effective_rate",
    "fed_balance_sheet",
    "implied_repricing_share",
    "interest_bill",
    "rate_cut_saving",
]
