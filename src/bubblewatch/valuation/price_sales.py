"""Price / sales known on a date: market value (close x shares in force) over the trailing
four quarters of revenue known then (the same point-in-time rule as
:mod:`bubblewatch.valuation.earnings`).

References
----------
.. [1] Damodaran, A. (2012). *Investment Valuation*, 3rd ed., ch. 20 (revenue multiples).
       Wiley.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import Anything, Date, Frame, Text, validate_params
from bubblewatch.valuation.earnings import (
    EarningsBasis,
    annual_figure,
    as_date,
    close_on,
    symbol_of,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["PriceSales", "price_sales"]


@dataclasses.dataclass(frozen=True)
class PriceSales(Result):
    """Price / sales on a date: market value / trailing four quarters of revenue."""

    symbol: str
    as_of: pd.Timestamp
    price: float
    price_date: pd.Timestamp
    shares: float
    shares_source: str
    market_value: float
    revenue: EarningsBasis
    ps: float
    currency: str = "USD"

    def summary(self) -> str:
        return (
            f"{self.symbol} P/S {self.ps:.1f} on {self.as_of.date()}: market value "
            f"{self.market_value / 1e9:,.1f} bn {self.currency} (close {self.price:,.2f} on "
            f"{self.price_date.date()} x {self.shares / 1e9:,.3f} bn shares, {self.shares_source})"
            f" / revenue {self.revenue.value / 1e9:,.1f} bn {self.currency} "
            f"({', '.join(self.revenue.quarters)})"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.revenue.to_frame()

    def plot(self) -> go.Figure:
        return self.revenue.plot()

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "as_of": self.as_of,
            "ps": self.ps,
            "price": self.price,
            "price_date": self.price_date,
            "shares": self.shares,
            "shares_source": self.shares_source,
            "market_value": self.market_value,
            "currency": self.currency,
            "revenue": self.revenue.value,
            "quarters": self.revenue.to_dict()["quarters"],
        }


@validate_params(
    fundamentals=Frame("a fundamentals frame (Store.fundamentals)"),
    close=Anything("closes (a pandas Series by date; checked in the body)"),
    as_of=Date(),
    shares=Anything("share counts (a pandas Series by date; checked in the body)"),
    symbol=[None, Text()],
    currency=Text(),
)
def price_sales(
    fundamentals: pd.DataFrame,
    close: pd.Series,
    as_of: str | pd.Timestamp,
    *,
    shares: pd.Series | None = None,
    symbol: str | None = None,
    currency: str = "USD",
) -> PriceSales:
    """P/S on ``as_of`` = close x shares / trailing-four-quarter revenue known then.

    ``shares``: shares outstanding indexed by the date they were reported, on the close's
    per-share basis (split-adjusted, e.g. ``market.events.split_adjusted_shares``); the
    count in force is the last one reported on or before the close date. Without it the
    diluted weighted shares of the latest known quarter are used (and named).
    """
    when = as_date(as_of, "as_of")
    sym = symbol_of(fundamentals, symbol)
    revenue = annual_figure(fundamentals, when, method="trailing", metric="revenue", symbol=sym)
    pdate, price = close_on(close, when, f"{sym} close")
    if shares is not None:
        if not isinstance(shares, pd.Series) or not isinstance(shares.index, pd.DatetimeIndex):
            raise InputError("shares must be a Series of share counts indexed by date")
        s = shares.astype(float).dropna().sort_index()
        s = s[s.index <= pdate]
        if s.empty:
            raise InsufficientDataError(f"{sym}: no share count reported by {pdate.date()}")
        count, src = float(s.iloc[-1]), f"shares outstanding reported {s.index[-1].date()}"
    else:
        sh = annual_figure(
            fundamentals, when, method="run_rate", metric="shares_diluted_weighted", symbol=sym
        )
        count = sh.quarter_values[-1]
        src = f"diluted weighted shares of {sh.quarters[-1]}"
    mv = price * count
    return PriceSales(
        metadata=make_metadata(
            {"symbol": sym, "as_of": when}, data_vintage=pdate.date().isoformat()
        ),
        symbol=sym,
        as_of=when,
        price=price,
        price_date=pdate,
        shares=count,
        shares_source=src,
        market_value=mv,
        revenue=revenue,
        ps=mv / revenue.value if revenue.value > 0 else float("nan"),
        currency=currency,
    )
