"""Share counts and market value: split-aware shares outstanding in force on each session.

Market value = close x shares outstanding in force that day. A share count is in force from
its ``date`` (the cover-page date of the filing) until the next count. Reported counts are
put on the price basis: by default closes are taken as split-adjusted to today
(``price_basis="split_adjusted"``, the usual vendor convention), so every count reported
before a split is multiplied by the split ratio. Splits are inferred from jumps in the
reported counts whose ratio is close to an integer (NVDA: 4:1 in 2021, 10:1 in 2024) unless
an explicit ``splits`` table is given. With ``price_basis="as_traded"`` the counts are put
on the basis of each day instead, which needs the split dates (pass ``splits``).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.market.sessions import PRICE_BASIS, PRICES, SHARES, SPLITS, _check_prices
from bubblewatch.validation import (
    ArrayLike,
    Date,
    Real,
    validate_params,
)

__all__ = [
    "PriceBasis",
    "first_close_above",
    "infer_splits",
    "market_value",
    "shares_in_force",
    "split_adjusted_shares",
]


PriceBasis = Literal["split_adjusted", "as_traded"]


# --------------------------------------------------------------------------- shares / value
def _clean_shares(shares: pd.Series) -> pd.Series:
    if not isinstance(shares, pd.Series):
        raise InputError(
            f"shares must be a Series of shares outstanding indexed by date; got {type(shares).__name__}"
        )
    s = pd.to_numeric(shares, errors="coerce").astype(float)
    s.index = pd.DatetimeIndex(pd.to_datetime(s.index))
    s = s[~s.index.duplicated(keep="last")].sort_index().dropna()
    if s.empty:
        raise InsufficientDataError(f"the shares outstanding series {shares.name!r} is empty")
    if (s <= 0).any():
        bad = s[s <= 0].index[0].date().isoformat()
        raise InputError(f"shares outstanding {shares.name!r} is not positive on {bad}")
    return s


@validate_params(
    shares=SHARES,
    min_ratio=Real(min=1, min_open=True),
    tolerance=Real(min=0, max=1),
)
def infer_splits(
    shares: pd.Series, *, min_ratio: float = 1.5, tolerance: float = 0.05
) -> pd.DataFrame:
    """Infer stock splits from jumps in an as-reported share count.

    A jump between two consecutive reports whose ratio ``r >= min_ratio`` lies within
    ``tolerance`` (relative) of an integer ``k`` is read as a k-for-1 split between the two
    report dates; a ratio near ``1/k`` as a 1-for-k reverse split.

    Returns
    -------
    DataFrame
        Columns ``after`` (last report before the split), ``before`` (first report after it)
        and ``ratio`` (new shares per old share).

    Examples
    --------
    >>> s = pd.Series([623e6, 2.5e9, 2.46e9, 24.53e9],
    ...               index=pd.to_datetime(["2021-05-21", "2021-08-13", "2024-05-24", "2024-08-23"]))
    >>> infer_splits(s)["ratio"].tolist()
    [4.0, 10.0]
    """
    s = _clean_shares(shares)
    rows = []
    v = s.to_numpy()
    for i in range(1, len(v)):
        r = v[i] / v[i - 1]
        if r >= min_ratio:
            k = round(r)
            if abs(r / k - 1.0) <= tolerance:
                rows.append((s.index[i - 1], s.index[i], float(k)))
        elif r <= 1.0 / min_ratio:
            k = round(1.0 / r)
            if abs((1.0 / r) / k - 1.0) <= tolerance:
                rows.append((s.index[i - 1], s.index[i], 1.0 / k))
    return pd.DataFrame(rows, columns=["after", "before", "ratio"])


def _splits_table(shares: pd.Series, splits: pd.Series | None) -> pd.Series:
    """Split ratios indexed by a date on or before which the old basis applies."""
    if splits is None:
        inferred = infer_splits(shares)
        # the split happened in (after, before]; the exact day is unknown
        return pd.Series(
            inferred["ratio"].to_numpy(float), index=pd.DatetimeIndex(inferred["before"])
        )
    sp = pd.Series(splits, dtype=float)
    sp.index = pd.DatetimeIndex(pd.to_datetime(sp.index))
    if (sp <= 0).any():
        raise InputError(
            "split ratios must be positive (new shares per old share, e.g. 10 for 10:1)"
        )
    return sp.sort_index()


@validate_params(
    shares=SHARES,
    splits=SPLITS,
)
def split_adjusted_shares(shares: pd.Series, splits: pd.Series | None = None) -> pd.Series:
    """Put an as-reported share count on today's basis (after every split).

    Parameters
    ----------
    shares : Series
        Shares outstanding as reported, indexed by the date they refer to.
    splits : Series, optional
        Split ratios (new shares per old share) indexed by the split's effective date.
        Inferred from the share count's jumps when omitted (see :func:`infer_splits`).

    Examples
    --------
    >>> s = pd.Series([2.46e9, 24.53e9], index=pd.to_datetime(["2024-05-24", "2024-08-23"]))
    >>> split_adjusted_shares(s).tolist()
    [24600000000.0, 24530000000.0]
    """
    s = _clean_shares(shares)
    sp = _splits_table(s, splits)
    factor = np.ones(len(s))
    for when, ratio in sp.items():
        factor[s.index < when] *= ratio
    out = s * factor
    out.name = shares.name
    return out


@validate_params(
    shares=SHARES,
    dates=ArrayLike(what="the sessions (a pandas DatetimeIndex)"),
    splits=SPLITS,
    price_basis=PRICE_BASIS,
)
def shares_in_force(
    shares: pd.Series,
    dates: pd.DatetimeIndex,
    *,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
) -> pd.Series:
    """Shares outstanding in force on each of ``dates``, on the price basis (NaN before the first report).

    Each reported count is in force from its date until the next report.
    """
    adj = split_adjusted_shares(shares, splits)
    out = adj.reindex(adj.index.union(dates)).ffill().reindex(dates)
    if price_basis == "as_traded":
        if splits is None:
            raise InputError(
                "price_basis='as_traded' needs the split dates: pass splits=pd.Series({date: ratio})"
            )
        sp = _splits_table(adj, splits)
        later = np.ones(len(dates))
        for when, ratio in sp.items():
            later[dates < when] *= ratio
        out = out / later
    elif price_basis != "split_adjusted":
        raise InputError(
            f"price_basis must be 'split_adjusted' or 'as_traded'; got {price_basis!r}"
        )
    out.name = "shares"
    return out


@validate_params(
    prices=PRICES,
    shares=SHARES,
    splits=SPLITS,
    price_basis=PRICE_BASIS,
)
def market_value(
    prices: pd.DataFrame,
    shares: pd.Series,
    *,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
) -> pd.Series:
    """Daily market value (close x shares in force, split-aware), NaN before the first share report."""
    prices = _check_prices(prices)
    sh = shares_in_force(
        shares, pd.DatetimeIndex(prices.index), splits=splits, price_basis=price_basis
    )
    mv = prices["close"].astype(float) * sh
    mv.name = "market_value"
    return mv


@validate_params(
    prices=PRICES,
    shares=SHARES,
    threshold_usd=Real(min=0, min_open=True),
    start=[None, Date()],
    splits=SPLITS,
    price_basis=PRICE_BASIS,
)
def first_close_above(
    prices: pd.DataFrame,
    shares: pd.Series,
    threshold_usd: float,
    *,
    start: Any = None,
    splits: pd.Series | None = None,
    price_basis: PriceBasis = "split_adjusted",
) -> pd.Timestamp | None:
    """First session whose closing market value is at or above ``threshold_usd`` (None if never).

    Sessions before the first share report are skipped (their market value is unknown).

    Examples
    --------
    >>> px = pd.DataFrame({"close": [190.0, 201.0, 207.04]},
    ...                   index=pd.to_datetime(["2025-10-27", "2025-10-28", "2025-10-29"]))
    >>> sh = pd.Series([24.3e9], index=pd.to_datetime(["2025-08-22"]))
    >>> first_close_above(px, sh, 5e12).date()
    datetime.date(2025, 10, 29)
    """
    if not np.isfinite(threshold_usd) or threshold_usd <= 0:
        raise InputError(f"threshold_usd must be a positive number; got {threshold_usd!r}")
    mv = market_value(prices, shares, splits=splits, price_basis=price_basis)
    if start is not None:
        mv = mv[mv.index >= pd.Timestamp(start)]
    hit = mv[mv >= threshold_usd]
    return None if hit.empty else pd.Timestamp(hit.index[0])
