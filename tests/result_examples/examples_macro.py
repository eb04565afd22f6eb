"""Examples of the macro/ results for the result contract test."""

from __future__ import annotations

import pandas as pd

from bubblewatch.macro.debt import DebtPath, DebtScenarios, debt_path, debt_scenarios
from bubblewatch.macro.fed import FedBalanceSheet, fed_balance_sheet
from bubblewatch.macro.interest import InterestBill, RateCut, interest_bill, rate_cut_saving


def _walcl() -> pd.Series:
    idx = pd.date_range("2017-01-04", "2020-01-01", freq="W-WED")
    w = pd.Series(4_500_000.0, index=idx)
    w[(idx >= "2017-10-01") & (idx <= "2019-07-31")] = 4_000_000.0
    return w


def _quarterly(v0: float, step: float) -> pd.Series:
    idx = pd.date_range("2020-01-01", periods=20, freq="QS")
    return pd.Series([v0 + step * i for i in range(20)], index=idx)


EXAMPLES = {
    DebtPath: lambda: debt_path(1.0, 0.04, 0.04, 0.01, start_year=2025, end_year=2030),
    DebtScenarios: lambda: debt_scenarios(
        1.0, {"base": (0.04, 0.04, -0.03), "tight": (0.05, 0.03, -0.03)}, start_year=2025
    ),
    FedBalanceSheet: lambda: fed_balance_sheet(
        _walcl(), pd.Series([1.0], index=pd.to_datetime(["2017-01-01"]))
    ),
    InterestBill: lambda: interest_bill(
        _quarterly(500.0, 20.0), _quarterly(20_000.0, 500.0), _quarterly(21_000.0, 300.0)
    ),
    RateCut: lambda: rate_cut_saving(30_000.0, 25, repricing_share=0.5, stated_saving_usd_bn=None),
}
