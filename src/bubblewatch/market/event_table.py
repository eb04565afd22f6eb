"""Event metrics for every session of a date range (:func:`market_events`)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, NotFoundError
from bubblewatch.market.daily import daily_metrics
from bubblewatch.market.sessions import (
    PANIC_DROP,
    PRICE_BASIS,
    PRICES,
    SHARES,
    SPLITS,
    USDCNY,
    _check_prices,
)
from bubblewatch.market.shares import PriceBasis
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import (
    Date,
    Text,
    validate_params,
)

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["MarketEvents", "market_events"]


# --------------------------------------------------------------------------- date ranges
@dataclasses.dataclass(frozen=True)
class MarketEvents(Result):
    """Per-session event metrics over a date range (see :func:`market_events`)."""

    symbol: str | None
    start: pd.Timestamp
    end: pd.Timestamp
    rows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.rows.copy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "start": self.start,
            "end": self.end,
            "rows": self.rows.reset_index().to_dict(orient="records"),
        }

    def summary(self) -> str:
        r = self.rows
        who = self.symbol or "series"
        lines = [f"{who} {self.start.date()}..{self.end.date()}: {len(r)} sessions"]
        if len(r):
            worst = r["return"].idxmin()
            best = r["return"].idxmax()
            lines.append(
                f"  worst day {worst.date()} {100 * r.loc[worst, 'return']:+.2f}%, best day "
                f"{best.date()} {100 * r.loc[best, 'return']:+.2f}%, total "
                f"{100 * (float(np.prod(1 + r['return'].to_numpy())) - 1):+.2f}%"
            )
            if "market_value_change_usd" in r and r["market_value_change_usd"].notna().any():
                d = r["market_value_change_usd"].idxmin()
                lines.append(
                    f"  largest market-value loss {d.date()}: USD "
                    f"{r.loc[d, 'market_value_change_usd'] / 1e9:,.1f}B"
                )
            if "panic" in r:
                days = [str(d.date()) for d in r.index[r["panic"] == True]]  # noqa: E712
                lines.append(f"  panic-selling days: {', '.join(days) or 'none'}")
        return "\n".join(lines)

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        r = self.rows
        return go.Figure(
            go.Bar(x=r.index, y=100 * r["return"].to_numpy(float), name="return")
        ).update_layout(title=f"{self.symbol or ''} daily returns", yaxis_title="%")


def _rank_to_date(r: pd.Series) -> pd.Series:
    """Rank of each move's size among the same-sign moves of its calendar year up to it.

    >>> r = pd.Series([-0.01, -0.03, 0.02, -0.02], index=pd.date_range("2025-01-02", periods=4))
    >>> _rank_to_date(r).tolist()
    [1.0, 1.0, 1.0, 2.0]
    """
    out = np.full(len(r), np.nan)
    size = np.abs(r.to_numpy(float))
    key = pd.DataFrame({"y": r.index.year, "s": np.sign(r.to_numpy(float))})
    for (_, sign), idx in key.groupby(["y", "s"]).indices.items():
        if not np.isfinite(sign):
            continue
        v = size[idx]
        earlier = np.tril(np.ones((len(idx), len(idx)), dtype=bool))  # up to and including
        out[idx] = (earlier & (v[None, :] > v[:, None])).sum(axis=1) + 1
    return pd.Series(out, index=r.index)


@validate_params(
    prices=PRICES,
    start=Date(),
    end=Date(),
    shares=[None, SHARES],
    usdcny=USDCNY,
    symbol=[None, Text()],
    splits=SPLITS,
    price_basis=PRICE_BASIS,
    panic_drop=PANIC_DROP,
)
def market_events(
    prices: pd.DataFrame,
    start: Any,
    end: Any,
    *,
    shares: pd.Series | None = None,
    usdcny: pd.Series | None = None,
    symbol: str | None = None,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
    panic_drop: float = 0.03,
) -> MarketEvents:
    """The metrics of :func:`daily_metrics` for every session in ``[start, end]``, plus the
    direction-aware rank of each move within its calendar year **to that date**
    (``rank_in_year``: 1 = the largest move in its direction among the year's sessions up to
    and including it; later sessions never change it).

    The CNY change uses each day's own USD/CNY rate (NaN on days without one: nothing is
    filled in).
    """
    px = _check_prices(prices)
    try:
        lo, hi = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the dates {start!r}..{end!r}; use YYYY-MM-DD") from exc
    if hi < lo:
        raise InputError(f"end {hi.date()} is before start {lo.date()}")
    m = daily_metrics(
        px, shares, usdcny, splits=splits, price_basis=price_basis, panic_drop=panic_drop
    )
    m["rank_in_year"] = _rank_to_date(m["return"])
    rows = m[(m.index >= lo) & (m.index <= hi)]
    if rows.empty:
        raise NotFoundError(
            f"no session of {symbol or 'the data'} between {lo.date()} and {hi.date()} "
            f"(data {px.index[0].date()}..{px.index[-1].date()})"
        )
    return MarketEvents(
        metadata=make_metadata(
            {"symbol": symbol, "start": lo.date().isoformat(), "end": hi.date().isoformat()},
            data=px,
        ),
        symbol=symbol,
        start=lo,
        end=hi,
        rows=rows,
    )
