"""Momentum and stress signals of the status, from closes and volumes up to the as-of date.

Momentum
    ``ret_1y`` / ``ret_3y``: log return from the last close on or before the same date one /
    three calendar years earlier (that close at most 10 days older), and the percentile of
    that return among every such return of the asset's own history up to the as-of date
    (a fraction; needs :data:`MIN_HISTORY` (five years of) earlier returns); ``ma200_z``: the distance of
    the close above its 200-session moving average in standard deviations of those 200
    closes (Bollinger's z).
Stress
    ``drawdown``: the close over the highest close of the PSY sample (the last
    ``sample_years``), minus one, with the peak's date; ``vol``: realised volatility of the
    last 21 daily log returns (annualised by sqrt 252) and ``vol_percentile`` its percentile
    among all 21-session volatilities of the history; ``volume_z``: the session's volume
    against the previous 63 sessions, as in the market-event analytics
    (:func:`bubblewatch.market.daily.daily_metrics`).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.results import jsonable
from bubblewatch.status.explosive import psy_sample
from bubblewatch.status.params import StatusParams
from bubblewatch.validation import Instance, SeriesLike, validate_params

__all__ = ["MIN_HISTORY", "MomentumSignal", "StressSignal", "momentum_signal", "stress_signal"]

_NAN = math.nan
#: earlier values a percentile needs (five years of daily readings: overlapping 1y/3y
#: returns of a shorter history say little about where today's return sits)
MIN_HISTORY = 1260
#: the start close of a 1y/3y return may be at most this many days before the target date
_MAX_START_LAG = pd.Timedelta(days=10)


def _percentile(history: np.ndarray) -> float:
    """Share of the finite values of ``history`` (the last one included) at or below the last."""
    v = history[np.isfinite(history)]
    if v.size <= MIN_HISTORY or not np.isfinite(history[-1]):
        return _NAN
    return float(np.mean(v <= history[-1]))


def _log_returns_over(close: pd.Series, years: int) -> np.ndarray:
    """Log return over ``years`` calendar years ending on each date (NaN without a start)."""
    idx = close.index
    target = idx - pd.DateOffset(years=years)
    pos = idx.searchsorted(target, side="right") - 1
    ok = pos >= 0
    start_dates = idx[np.clip(pos, 0, None)]
    ok &= (target - start_dates) <= _MAX_START_LAG
    v = np.log(close.to_numpy())
    out = np.full(v.shape, _NAN)
    out[ok] = v[ok] - v[np.clip(pos, 0, None)][ok]
    return out


@dataclasses.dataclass(frozen=True)
class MomentumSignal:
    """Momentum on the as-of date (fractions; see the module docstring)."""

    ret_1y: float = _NAN
    ret_1y_percentile: float = _NAN
    ret_3y: float = _NAN
    ret_3y_percentile: float = _NAN
    ma200_z: float = _NAN
    note: str = ""

    @property
    def available(self) -> bool:
        return bool(np.isfinite(self.ret_1y) or np.isfinite(self.ma200_z))

    def to_dict(self) -> dict[str, Any]:
        return jsonable({**dataclasses.asdict(self), "available": self.available})


@validate_params(close=SeriesLike(), params=Instance(StatusParams))
def momentum_signal(close: pd.Series, params: StatusParams) -> MomentumSignal:
    """Momentum of ``close`` (adjusted closes cut at the as-of date) on its last date."""
    s = close.dropna()
    s = s[s > 0]
    notes = []
    vals: dict[str, float] = {}
    for years in (1, 3):
        r = _log_returns_over(s, years) if len(s) else np.array([_NAN])
        vals[f"ret_{years}y"] = float(r[-1])
        vals[f"ret_{years}y_percentile"] = _percentile(r)
        if not np.isfinite(r[-1]):
            notes.append(
                f"{years}-year return: the history starts {s.index[0].date()}"
                if len(s)
                else "no closes"
            )
        elif not np.isfinite(vals[f"ret_{years}y_percentile"]):
            notes.append(
                f"{years}-year percentile: insufficient data: {int(np.isfinite(r).sum())} "
                f"earlier returns, needs {MIN_HISTORY + 1}"
            )
    m = params.ma_sessions
    if len(s) >= m:
        tail = s.to_numpy()[-m:]
        sd = float(np.std(tail, ddof=1))
        vals["ma200_z"] = (float(tail[-1]) - float(tail.mean())) / sd if sd > 0 else _NAN
    else:
        vals["ma200_z"] = _NAN
        notes.append(f"moving average: insufficient data: {len(s)} sessions, needs {m}")
    return MomentumSignal(**vals, note="; ".join(notes))


@dataclasses.dataclass(frozen=True)
class StressSignal:
    """Stress on the as-of date (fractions; see the module docstring)."""

    drawdown: float = _NAN
    peak_date: pd.Timestamp | None = None
    vol: float = _NAN
    vol_percentile: float = _NAN
    volume_z: float = _NAN
    note: str = ""

    @property
    def available(self) -> bool:
        return bool(np.isfinite(self.drawdown))

    def to_dict(self) -> dict[str, Any]:
        return jsonable({**dataclasses.asdict(self), "available": self.available})


@validate_params(close=SeriesLike(), volume=[None, SeriesLike()], params=Instance(StatusParams))
def stress_signal(close: pd.Series, volume: pd.Series | None, params: StatusParams) -> StressSignal:
    """Drawdown, volatility and volume stress of ``close`` on its last date."""
    from bubblewatch.market.daily import ZSCORE_WINDOW, _trailing_z

    s = close.dropna()
    s = s[s > 0]
    notes = []
    if s.empty:
        return StressSignal(note="no positive closes")
    sample = psy_sample(s, params)
    peak = pd.Timestamp(sample.idxmax())
    dd = float(sample.iloc[-1] / sample.max() - 1.0)
    r = np.diff(np.log(s.to_numpy()))
    w = params.vol_sessions
    vol = pct = _NAN
    if r.size >= w:
        roll = pd.Series(r).rolling(w).std(ddof=1).to_numpy() * math.sqrt(252.0)
        vol = float(roll[-1])
        pct = _percentile(roll)
        if not np.isfinite(pct):
            notes.append(f"volatility percentile: insufficient data: {r.size} returns")
    else:
        notes.append(f"volatility: insufficient data: {r.size} returns, needs {w}")
    vz = _NAN
    if volume is not None:
        vol_tail = volume.reindex(s.index).iloc[-(ZSCORE_WINDOW + 1) :].astype(float)
        vol_tail = vol_tail.where(vol_tail > 0)
        if vol_tail.notna().any():
            vz = float(_trailing_z(vol_tail, ZSCORE_WINDOW).iloc[-1])
        if not np.isfinite(vz):
            notes.append("volume z-score: no usable volume in the last 63 sessions")
    else:
        notes.append("volume z-score: no volume")
    return StressSignal(dd, peak, vol, pct, vz, "; ".join(notes))
