"""The market's reaction to an announcement: open gap, close vs the day's high, next day."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.errors import InsufficientDataError, NotFoundError
from bubblewatch.market.sessions import _check_prices, session_of
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import Bool, Date, Frame, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["EarningsReaction", "earnings_reaction"]


# --------------------------------------------------------------------------- earnings reaction
@dataclasses.dataclass(frozen=True)
class EarningsReaction(Result):
    """The market's reaction to an announcement (see :func:`earnings_reaction`)."""

    symbol: str | None
    announcement: pd.Timestamp
    reaction_date: pd.Timestamp
    open_gap: float
    close_vs_high: float
    intraday_return: float
    ret: float
    next_day_return: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "symbol": self.symbol,
            "announcement": self.announcement,
            "reaction_date": self.reaction_date,
            "open_gap": self.open_gap,
            "close_vs_high": self.close_vs_high,
            "intraday_return": self.intraday_return,
            "return": self.ret,
            "next_day_return": self.next_day_return,
        }

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"value": pd.Series(self.to_dict(), dtype=object)})

    def summary(self) -> str:
        nd = "n/a" if self.next_day_return is None else f"{100 * self.next_day_return:+.2f}%"
        return (
            f"{self.symbol or 'series'}: announcement {self.announcement.date()}, reaction session "
            f"{self.reaction_date.date()}: open gap {100 * self.open_gap:+.2f}%, open-to-close "
            f"{100 * self.intraday_return:+.2f}%, close {100 * self.close_vs_high:+.2f}% vs the day's high, "
            f"day {100 * self.ret:+.2f}%, next day {nd}"
        )

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        labels = ["open gap", "open to close", "day", "next day"]
        vals = [self.open_gap, self.intraday_return, self.ret, self.next_day_return or 0.0]
        return go.Figure(go.Bar(x=labels, y=[100 * v for v in vals])).update_layout(
            title=f"Reaction to the {self.announcement.date()} announcement", yaxis_title="%"
        )


@validate_params(
    prices=Frame("a price frame (a DataFrame with open, high, close columns)"),
    announcement=Date(),
    after_close=Bool(),
    symbol=[None, Text()],
)
def earnings_reaction(
    prices: pd.DataFrame,
    announcement: Any,
    *,
    after_close: bool = True,
    symbol: str | None = None,
) -> EarningsReaction:
    """Open gap, close vs the day's high and next-day move after an announcement.

    With ``after_close=True`` (the usual US earnings timing) the reaction session is the
    first session after the announcement date; otherwise the announcement date itself
    (which must then be a session).

    Examples
    --------
    >>> px = pd.DataFrame({"open": [186.0, 195.95, 181.24], "high": [187.0, 196.0, 184.56],
    ...                    "close": [186.52, 180.64, 178.88]},
    ...                   index=pd.to_datetime(["2025-11-19", "2025-11-20", "2025-11-21"]))
    >>> r = earnings_reaction(px, "2025-11-19")
    >>> r.reaction_date.date(), round(100 * float(r.open_gap), 2), round(100 * float(r.ret), 2)
    (datetime.date(2025, 11, 20), 5.06, -3.15)
    """
    px = _check_prices(prices, need=("open", "high", "close"))
    idx = pd.DatetimeIndex(px.index)
    ts = pd.Timestamp(announcement).normalize()
    if after_close:
        pos = int(idx.searchsorted(ts, side="right"))
        if pos >= len(idx):
            raise NotFoundError(f"no session after {ts.date()} in the data (last {idx[-1].date()})")
    else:
        pos = int(idx.get_loc(session_of(idx, ts, symbol=symbol)))
    if pos == 0:
        raise InsufficientDataError(f"no session before {idx[0].date()} for the open gap")
    c = px["close"].astype(float).to_numpy()
    o = float(px["open"].iloc[pos])
    h = float(px["high"].iloc[pos])
    nxt = c[pos + 1] / c[pos] - 1.0 if pos + 1 < len(c) else None
    return EarningsReaction(
        metadata=make_metadata(
            {"announcement": ts.date().isoformat(), "after_close": after_close}, data=px
        ),
        symbol=symbol,
        announcement=ts,
        reaction_date=pd.Timestamp(idx[pos]),
        open_gap=o / c[pos - 1] - 1.0,
        close_vs_high=c[pos] / h - 1.0,
        intraday_return=c[pos] / o - 1.0,
        ret=c[pos] / c[pos - 1] - 1.0,
        next_day_return=nxt,
    )
