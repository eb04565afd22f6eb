"""Shiller's cyclically adjusted P/E (CAPE) and where a reading sits in its history.

CAPE = real price / average of the previous ten years of real earnings [1]_. Real values
deflate by the CPI; the ratio does not depend on the CPI's base month.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, Date, Integer, SeriesLike, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "DOTCOM_PEAK_WINDOW",
    "CapePercentile",
    "CapeResult",
    "cape_from_components",
    "cape_percentile",
]

#: the window searched for the dot-com peak used as the reference line
DOTCOM_PEAK_WINDOW: tuple[str, str] = ("1999-01-01", "2000-12-31")


def _as_series(x: Any, name: str) -> pd.Series:
    if not isinstance(x, pd.Series):
        raise InputError(f"{name} must be a pandas Series indexed by date")
    if not isinstance(x.index, pd.DatetimeIndex):
        raise InputError(f"{name} must be indexed by dates (DatetimeIndex)")
    return x.astype(float).sort_index()


@validate_params(
    price=SeriesLike(what="monthly prices (a pandas Series by date)"),
    earnings=SeriesLike(what="monthly earnings (a pandas Series by date)"),
    cpi=SeriesLike(what="the CPI (a pandas Series by date)"),
    years=Integer(),
)
def cape_from_components(
    price: pd.Series, earnings: pd.Series, cpi: pd.Series, *, years: int = 10
) -> pd.Series:
    """CAPE from monthly nominal price, trailing-12-month earnings and CPI.

    Parameters
    ----------
    price, earnings, cpi : pandas.Series
        Monthly series on the same dates (Shiller's P, E and CPI). The earnings average
        covers the ``12 * years`` months before the reading month (Shiller's convention,
        reproduced to 1e-12 on his workbook), so CAPE extends one month past the last E.
    years : int
        Averaging window (10 in Shiller's CAPE).

    Returns
    -------
    pandas.Series
        CAPE; NaN until ``12 * years`` months of earnings are available.

    References
    ----------
    .. [1] Campbell, J. Y. & Shiller, R. J. (1998). Valuation ratios and the long-run stock
       market outlook. Journal of Portfolio Management 24(2), 11-26.

    Examples
    --------
    >>> idx = pd.date_range("2000-01-01", periods=24, freq="MS")
    >>> p = pd.Series(100.0, index=idx); e = pd.Series(5.0, index=idx)
    >>> c = pd.Series(1.0, index=idx)
    >>> float(cape_from_components(p, e, c, years=1).iloc[-1])
    20.0
    """
    p, e, c = (
        _as_series(x, n) for x, n in ((price, "price"), (earnings, "earnings"), (cpi, "cpi"))
    )
    if years < 1:
        raise InputError(f"years={years}: must be at least 1")
    df = pd.concat({"p": p, "e": e, "c": c}, axis=1).dropna(subset=["p", "c"])
    if (df["c"] <= 0).any():
        raise InputError("cpi must be positive")
    n = 12 * years
    if int(df["e"].notna().sum()) < n:
        raise InsufficientDataError(
            f"CAPE needs {n} months of earnings; got {int(df['e'].notna().sum())}"
        )
    real_p = df["p"] / df["c"]
    # the average runs over the n months *before* the reading month, as in Shiller's data
    real_e = (df["e"] / df["c"]).shift(1).rolling(n, min_periods=n).mean()
    out = real_p / real_e.where(real_e > 0)
    out.name = "CAPE"
    return out


@dataclasses.dataclass(frozen=True)
class CapePercentile(Result):
    """A CAPE reading, its percentile in history and the dot-com peak reference."""

    cape: pd.Series
    as_of: pd.Timestamp
    value: float
    percentile: float
    rank: int
    n_months: int
    peak_date: pd.Timestamp
    peak_value: float

    def summary(self) -> str:
        return (
            f"CAPE {self.as_of:%Y-%m}: {self.value:.1f} (percentile {self.percentile:.1f} of "
            f"{self.n_months} months since {self.cape.index[0]:%Y-%m}; rank {self.rank}); "
            f"dot-com peak {self.peak_value:.1f} in {self.peak_date:%Y-%m}"
        )

    def to_frame(self) -> pd.DataFrame:
        return self.cape.to_frame("cape")

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        fig = go.Figure(go.Scatter(x=self.cape.index, y=self.cape.to_numpy(), name="CAPE"))
        fig.add_hline(
            y=self.peak_value,
            line_dash="dash",
            annotation_text=f"{self.peak_date:%b %Y} peak {self.peak_value:.1f}",
        )
        fig.add_trace(
            go.Scatter(
                x=[self.as_of], y=[self.value], mode="markers", name=f"{self.as_of:%b %Y} reading"
            )
        )
        fig.update_layout(
            title="Shiller CAPE",
            yaxis_title="CAPE (price / 10-year average real earnings)",
            xaxis_title="month",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        """``percentile`` as a fraction (0.987 = the 98.7th percentile)."""
        return {
            "as_of": self.as_of,
            "cape": self.value,
            "percentile": self.percentile / 100.0,
            "rank": self.rank,
            "n_months": self.n_months,
            "first": self.cape.index[0],
            "dotcom_peak_date": self.peak_date,
            "dotcom_peak_cape": self.peak_value,
        }


@validate_params(
    cape=SeriesLike(what="the CAPE (a pandas Series by date)"),
    as_of=[None, Date()],
    peak_window=ArrayLike(what="a (start, end) pair of dates"),
)
def cape_percentile(
    cape: pd.Series,
    as_of: str | pd.Timestamp | None = None,
    *,
    peak_window: tuple[str, str] = DOTCOM_PEAK_WINDOW,
) -> CapePercentile:
    """Where the CAPE at ``as_of`` sits in its own history, with the 1999-2000 peak.

    Parameters
    ----------
    cape : pandas.Series
        Monthly CAPE (e.g. Shiller's, store symbol ``SHILLER_CAPE``).
    as_of : date, optional
        Month to read (default: last observation). The reading is the last value on or
        before ``as_of``.
    peak_window : (start, end)
        Window searched for the reference peak (default 1999-2000).

    Returns
    -------
    CapePercentile
        ``percentile`` is the share (percent) of months up to ``as_of`` with a CAPE at or
        below the reading; ``rank`` 1 is the highest month.

    Examples
    --------
    >>> idx = pd.date_range("1999-01-01", periods=4, freq="MS")
    >>> r = cape_percentile(pd.Series([40.0, 44.0, 30.0, 35.0], index=idx))
    >>> r.value, r.percentile, r.rank, r.peak_value
    (35.0, 50.0, 3, 44.0)
    """
    s = _as_series(cape, "cape").dropna()
    if s.empty:
        raise InsufficientDataError("cape series is empty")
    try:
        when = s.index[-1] if as_of is None else pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the month {as_of!r}; use YYYY-MM or YYYY-MM-DD") from exc
    hist = s[s.index <= when]
    if hist.empty:
        raise NotFoundError(
            f"no CAPE on or before {when.date()}; the series starts {s.index[0].date()}"
        )
    value = float(hist.iloc[-1])
    vals = hist.to_numpy()
    pct = float(np.mean(vals <= value) * 100.0)
    rank = int(np.sum(vals > value) + 1)
    pw = s[(s.index >= pd.Timestamp(peak_window[0])) & (s.index <= pd.Timestamp(peak_window[1]))]
    if pw.empty:
        raise InsufficientDataError(
            f"no CAPE in the reference window {peak_window[0]}..{peak_window[1]}"
        )
    return CapePercentile(
        metadata=make_metadata(
            {"as_of": str(when.date()), "peak_window": list(peak_window)}, data=hist
        ),
        cape=hist,
        as_of=pd.Timestamp(hist.index[-1]),
        value=value,
        percentile=pct,
        rank=rank,
        n_months=len(hist),
        peak_date=pd.Timestamp(pw.idxmax()),
        peak_value=float(pw.max()),
    )


#: the old name (kept working): result classes are named for what they hold
CapeResult = CapePercentile
