"""A point-in-time P/E against its peers' median and against its own available history.

Every P/E here is the one known on the date (:func:`~bubblewatch.valuation.earnings.price_earnings`);
the history is the daily point-in-time P/E (:func:`~bubblewatch.valuation.earnings.pe_history`)
up to the date. Peers whose P/E cannot be formed (no EPS known, EPS not positive) are named
with the reason instead of being dropped silently.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError, InputError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import Anything, ArrayLike, Date, Text, validate_params
from bubblewatch.valuation.earnings import PriceEarnings, pe_history, price_earnings

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["RelativePE", "relative_pe"]


@dataclasses.dataclass(frozen=True)
class RelativePE(Result):
    """A P/E, its peers' median and its own history (fractions, not percent)."""

    subject: PriceEarnings
    peers: Mapping[str, PriceEarnings]
    unavailable: Mapping[str, str]
    peer_median: float
    premium_to_median: float
    history: pd.Series
    history_percentile: float

    def summary(self) -> str:
        s = self.subject
        lines = [s.summary().splitlines()[0]]
        if self.peers:
            peers = ", ".join(f"{k} {v.pe:.1f}" for k, v in self.peers.items())
            lines.append(
                f"  peers ({s.method}, {s.as_of.date()}): {peers}; median {self.peer_median:.1f}; "
                f"{s.symbol} at {self.premium_to_median * 100:+.0f}% to the median"
            )
        for k, why in self.unavailable.items():
            lines.append(f"  {k}: no P/E ({why})")
        if len(self.history):
            h = self.history
            lines.append(
                f"  own history {h.index[0].date()}..{h.index[-1].date()} ({len(h)} sessions): "
                f"min {h.min():.1f}, median {h.median():.1f}, max {h.max():.1f}; today's reading "
                f"is at percentile {self.history_percentile * 100:.0f}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        rows = [
            {"symbol": k, "pe": v.pe, "eps": v.eps, "price": v.price, "role": "peer"}
            for k, v in self.peers.items()
        ]
        s = self.subject
        rows.insert(
            0, {"symbol": s.symbol, "pe": s.pe, "eps": s.eps, "price": s.price, "role": "subject"}
        )
        return pd.DataFrame(rows).set_index("symbol")

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(go.Scatter(x=self.history.index, y=self.history.to_numpy(), name="P/E"))
        if np.isfinite(self.peer_median):
            fig.add_hline(y=self.peer_median, line_dash="dash", annotation_text="peer median")
        fig.update_layout(
            title=f"{self.subject.symbol} point-in-time P/E ({self.subject.method})",
            yaxis_title="price / annualised EPS",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        h = self.history
        return {
            "subject": self.subject.to_dict(),
            "peers": {k: v.to_dict() for k, v in self.peers.items()},
            "unavailable": dict(self.unavailable),
            "peer_median": self.peer_median,
            "premium_to_median": self.premium_to_median,
            "history": {
                "first": h.index[0] if len(h) else None,
                "last": h.index[-1] if len(h) else None,
                "n": len(h),
                "min": float(h.min()) if len(h) else None,
                "median": float(h.median()) if len(h) else None,
                "max": float(h.max()) if len(h) else None,
                "percentile": self.history_percentile,
            },
        }


@validate_params(
    symbol=Text(),
    fundamentals=Anything("a mapping symbol -> fundamentals frame (checked in the body)"),
    closes=Anything("a mapping symbol -> closes (checked in the body)"),
    as_of=Date(),
    peers=ArrayLike(what="peer symbols"),
    method=Text(),
)
def relative_pe(
    symbol: str,
    fundamentals: Mapping[str, pd.DataFrame],
    closes: Mapping[str, pd.Series],
    as_of: str | pd.Timestamp,
    *,
    peers: tuple[str, ...] | list[str] = (),
    method: str = "trailing",
) -> RelativePE:
    """P/E of ``symbol`` on ``as_of`` against the median of ``peers`` and its own history.

    Parameters
    ----------
    symbol : str
    fundamentals, closes : mapping symbol -> frame / Series
        Long fundamentals frames and closes of ``symbol`` and its peers.
    as_of : date
    peers : sequence of str
    method : {"trailing", "dynamic", "run_rate"}

    Returns
    -------
    RelativePE
        ``premium_to_median`` = P/E / peer median - 1; ``history_percentile`` = share of the
        own daily readings up to ``as_of`` at or below today's (fractions).
    """
    for m, what in ((fundamentals, "fundamentals"), (closes, "closes")):
        if not isinstance(m, Mapping) or symbol not in m:
            raise InputError(f"{what} must be a mapping holding {symbol}")
    subject = price_earnings(
        fundamentals[symbol], closes[symbol], as_of, method=method, symbol=symbol
    )
    got: dict[str, PriceEarnings] = {}
    unavailable: dict[str, str] = {}
    for p in peers:
        if p == symbol:
            continue
        if p not in fundamentals or p not in closes:
            unavailable[p] = "no fundamentals" if p not in fundamentals else "no closes"
            continue
        try:
            r = price_earnings(fundamentals[p], closes[p], as_of, method=method, symbol=p)
        except BubblewatchError as exc:
            unavailable[p] = str(exc)
            continue
        if np.isfinite(r.pe):
            got[p] = r
        else:
            unavailable[p] = r.note
    vals = np.array([r.pe for r in got.values()], dtype=float)
    median = float(np.median(vals)) if vals.size else float("nan")
    hist = pe_history(fundamentals[symbol], closes[symbol], method=method)
    hist = hist[hist.index <= subject.as_of].dropna()
    pct = (
        float(np.mean(hist.to_numpy() <= subject.pe))
        if len(hist) and np.isfinite(subject.pe)
        else float("nan")
    )
    return RelativePE(
        metadata=make_metadata(
            {"symbol": symbol, "peers": list(peers), "as_of": subject.as_of, "method": method},
            data_vintage=subject.metadata.data_vintage,
        ),
        subject=subject,
        peers=got,
        unavailable=unavailable,
        peer_median=median,
        premium_to_median=subject.pe / median - 1
        if np.isfinite(median) and median > 0
        else float("nan"),
        history=hist,
        history_percentile=pct,
    )
