"""Plausible ranges per kind of value: what the store accepts, what it keeps with a warning.

A value outside its hard range is a unit or parsing mistake that would poison later work (a
close of 1e32 overflows the report's sums, makes a 1-day "drawdown -100%" and an explosive
PSY root), so the import refuses it. Values inside the range but suspicious are kept and
flagged in the row's ``warning`` column (prices) or in the import's warnings.

=============  ===============================  ============================================
value          accepted                         why the bound
=============  ===============================  ============================================
price          0 < p <= 1e12 (``future``: any   Bitcoin in Indonesian rupiah is ~1.5e9; no
               finite |p| <= 1e12)              listed unit trades near 1e12
volume         0 <= v <= 1e16                   meme-token volumes in tokens reach ~1e14
FX rate        0 < r <= 1e9                     rial per dollar ~1e6 (2025)
shares         0 < s <= 1e13                    the largest share counts are ~4e11
macro value    |v| <= 1e18                      US federal debt in dollars is ~4e13
weight         0 <= w <= 100 (percent)          a snapshot summing to more than 105% is an
                                                error; one summing to ~1 holds fractions
=============  ===============================  ============================================

Kept with a warning: a close more than 50 times (or less than 1/50 of) the previous close
(a unit change or a split not adjusted), a close or open outside the day's high-low range,
high < low, holdings summing to less than 95%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "JUMP_FACTOR",
    "LIMITS",
    "Limit",
    "first_outside",
    "jumps",
    "range_flags",
]


@dataclass(frozen=True)
class Limit:
    """The accepted range of one kind of value (bounds inclusive unless ``positive``)."""

    what: str
    low: float
    high: float
    positive: bool = False
    fix: str = ""

    def expected(self) -> str:
        low = "> 0" if self.positive else f">= {self.low:g}"
        return f"{self.what} {low} and <= {self.high:g}" + (f"; {self.fix}" if self.fix else "")


LIMITS: dict[str, Limit] = {
    "price": Limit(
        "a price",
        0.0,
        1e12,
        positive=True,
        fix="check the file's units (a price this large overflows later sums)",
    ),
    "future_price": Limit("a futures price", -1e12, 1e12, fix="check the file's units"),
    "volume": Limit("a volume", 0.0, 1e16, fix="check the file's units"),
    "rate": Limit("an exchange rate", 0.0, 1e9, positive=True, fix="check the quote direction"),
    "shares": Limit("a number of shares", 0.0, 1e13, positive=True, fix="check the units"),
    "macro": Limit("a value", -1e18, 1e18, fix="check the file's units"),
    "weight": Limit("a weight in percent", 0.0, 100.0, fix="weights are percent of the fund"),
}
#: a close this many times the previous close (or less than its inverse) is flagged
JUMP_FACTOR = 50.0


def first_outside(values: np.ndarray, limit: Limit) -> int | None:
    """Position of the first finite value outside ``limit`` (NaN = blank is ignored)."""
    v = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (v > limit.high) | ((v <= limit.low) if limit.positive else (v < limit.low))
    bad &= ~np.isnan(v)
    return int(np.argmax(bad)) if bad.any() else None


#: relative slack before a close or open counts as outside the high-low range (rounding)
RANGE_SLACK = 1e-6


def range_flags(
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    jump: np.ndarray | None = None,
    *,
    settlement: bool = False,
) -> np.ndarray:
    """Per row, the data-quality flags kept in the ``warning`` column (``None`` when clean):
    ``high < low``, ``close > high``, ``close < low``, ``open > high``, ``open < low`` and,
    where ``jump`` is True, a jump from the previous close (:func:`jumps`).

    With ``settlement`` (futures) only ``high < low`` and jumps are flagged: a futures close
    is the exchange's settlement price, which may lie outside the traded high-low range
    (Yahoo's gold and oil futures: hundreds of such days).

    Examples
    --------
    >>> nan = float("nan")
    >>> range_flags(np.array([1.0, nan]), np.array([2.0, 1.0]), np.array([0.5, 2.0]),
    ...             np.array([2.5, 1.5])).tolist()
    ['close > high', 'high < low']
    """
    o, h, lo, c = (np.asarray(a, dtype=float) for a in (open_, high, low, close))
    up, down = h + RANGE_SLACK * np.abs(h), lo - RANGE_SLACK * np.abs(lo)
    with np.errstate(invalid="ignore"):
        crossed = h < lo
        # with crossed high and low the close and open cannot be placed in the range
        skip = crossed | settlement
        checks = [
            ("high < low", crossed),
            ("close > high", (c > up) & ~skip),
            ("close < low", (c < down) & ~skip),
            ("open > high", (o > up) & ~skip),
            ("open < low", (o < down) & ~skip),
        ]
    if jump is not None:
        checks.append((JUMP_LABEL, np.asarray(jump, dtype=bool)))
    out = np.full(len(c), None, dtype=object)
    for label, mask in checks:
        for i in np.flatnonzero(mask):
            out[i] = label if out[i] is None else f"{out[i]}; {label}"
    return out


JUMP_LABEL = (
    f"close more than {JUMP_FACTOR:g}x or less than 1/{JUMP_FACTOR:g} of the previous close"
)


def jumps(symbols: np.ndarray, dates: np.ndarray, close: np.ndarray) -> np.ndarray:
    """True where a positive close is more than :data:`JUMP_FACTOR` times (or less than its
    inverse) the same symbol's previous close by date.

    Examples
    --------
    >>> jumps(np.array(["A", "A", "B"]), np.array([1, 2, 3]), np.array([1.0, 100.0, 1.0])).tolist()
    [False, True, False]
    """
    c = np.asarray(close, dtype=float)
    order = np.lexsort((np.asarray(dates), np.asarray(symbols, dtype=object).astype(str)))
    cs = c[order]
    ss = np.asarray(symbols, dtype=object)[order]
    prev = np.concatenate([[np.nan], cs[:-1]])
    same = np.concatenate([[False], ss[1:] == ss[:-1]])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = cs / prev
        flag = same & (prev > 0) & (cs > 0) & ((ratio > JUMP_FACTOR) | (ratio < 1 / JUMP_FACTOR))
    out = np.zeros(len(c), dtype=bool)
    out[order] = flag
    return out
