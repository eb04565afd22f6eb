"""The valuation signal of the status: point-in-time trailing P/E, its group median, CAPE.

P/E
    :func:`bubblewatch.valuation.earnings.price_earnings` (method ``trailing``): the close on
    the as-of date over the diluted EPS of the last four quarters *known* that day (a
    quarter counts from its filing date, else period end + 45 days for a 10-Q / + 60 for a
    10-K; the rule used for each quarter is named in ``pe_rules``). Without fundamentals the
    signal says "no fundamentals"; a missing quarter says which.
Group median
    The median P/E of the group's members on the same date (computed by the group status,
    passed in), and the asset's P/E as a multiple of it.
CAPE (index-level assets)
    Shiller's CAPE (of the S&P 500) for the last month complete before the as-of date, and
    its percentile among all months up to then
    (:func:`bubblewatch.valuation.cape.cape_percentile`). Shiller's earnings are his
    trailing estimates as now published, not a real-time vintage.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd

from bubblewatch.errors import BubblewatchError
from bubblewatch.results import jsonable
from bubblewatch.validation import Date, Frame, Real, SeriesLike, Text, validate_params

__all__ = ["ValuationSignal", "cape_reading", "pe_reading", "valuation_signal"]

_NAN = math.nan


@dataclasses.dataclass(frozen=True)
class ValuationSignal:
    """Valuation on the as-of date (see the module docstring)."""

    pe: float = _NAN
    pe_quarters: tuple[str, ...] = ()
    pe_rules: tuple[str, ...] = ()
    pe_group_median: float = _NAN
    pe_multiple: float = _NAN
    cape: float = _NAN
    cape_month: pd.Timestamp | None = None
    cape_percentile: float = _NAN
    note: str = ""

    @property
    def available(self) -> bool:
        return bool(np.isfinite(self.pe) or np.isfinite(self.cape))

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["cape_month"] = None if self.cape_month is None else self.cape_month.strftime("%Y-%m")
        return jsonable({**out, "available": self.available})


@validate_params(
    fundamentals=[None, Frame()], close=SeriesLike(), as_of=Date(), symbol=Text(empty=False)
)
def pe_reading(
    fundamentals: pd.DataFrame | None, close: pd.Series, as_of: pd.Timestamp, symbol: str
) -> tuple[float, tuple[str, ...], tuple[str, ...], str]:
    """``(pe, quarters, rules, note)`` on ``as_of``; NaN with a note when unknown."""
    from bubblewatch.valuation.earnings import price_earnings

    if fundamentals is None or len(fundamentals) == 0:
        return _NAN, (), (), "no fundamentals"
    try:
        pe = price_earnings(fundamentals, close, as_of, method="trailing", symbol=symbol)
    except BubblewatchError as exc:
        return _NAN, (), (), f"no P/E: {exc}"
    return float(pe.pe), tuple(pe.quarters), tuple(pe.rules), pe.note


@validate_params(cape=SeriesLike(), as_of=Date())
def cape_reading(
    cape: pd.Series, as_of: pd.Timestamp
) -> tuple[float, pd.Timestamp | None, float, str]:
    """``(cape, month, percentile, note)``: the last month complete before ``as_of``."""
    from bubblewatch.valuation.cape import cape_percentile

    s = cape.dropna()
    complete = s[s.index + pd.offsets.MonthBegin(1) <= as_of]
    if complete.empty:
        return _NAN, None, _NAN, f"no CAPE month complete before {as_of.date()}"
    try:
        r = cape_percentile(complete)
    except BubblewatchError as exc:
        return _NAN, None, _NAN, f"no CAPE: {exc}"
    return float(r.value), pd.Timestamp(r.as_of), float(r.percentile) / 100.0, ""


@validate_params(
    close=SeriesLike(),
    as_of=Date(),
    symbol=Text(empty=False),
    fundamentals=[None, Frame()],
    cape=[None, SeriesLike()],
    group_pe_median=[None, Real()],
)
def valuation_signal(
    close: pd.Series,
    as_of: pd.Timestamp,
    *,
    symbol: str,
    fundamentals: pd.DataFrame | None = None,
    cape: pd.Series | None = None,
    group_pe_median: float | None = None,
) -> ValuationSignal:
    """The valuation signal of ``symbol`` on ``as_of`` (``close`` cut at that date)."""
    notes = []
    pe, quarters, rules, note = pe_reading(fundamentals, close, as_of, symbol)
    if note:
        notes.append(note)
    med = _NAN if group_pe_median is None else float(group_pe_median)
    mult = pe / med if np.isfinite(pe) and np.isfinite(med) and med > 0 else _NAN
    c, month, pct = _NAN, None, _NAN
    if cape is not None:
        c, month, pct, note = cape_reading(cape, as_of)
        if note:
            notes.append(note)
    return ValuationSignal(
        pe=pe,
        pe_quarters=quarters,
        pe_rules=rules,
        pe_group_median=med,
        pe_multiple=mult,
        cape=c,
        cape_month=month,
        cape_percentile=pct,
        note="; ".join(notes),
    )
