"""Return decomposition: annualised total return = earnings growth + change in P/E + dividend
yield + interaction.

With price :math:`P`, trailing earnings :math:`E` and dividends :math:`D` over :math:`T` years,

* earnings growth :math:`g_E = (E_1/E_0)^{1/T} - 1`,
* change in the P/E :math:`g_{PE} = ((P_1/E_1)/(P_0/E_0))^{1/T} - 1`,
* so the price return is exactly :math:`(1+g_E)(1+g_{PE}) - 1 = g_E + g_{PE} + g_E g_{PE}`;
* dividend yield :math:`y` = mean of :math:`D_t/P_t` over the window;
* total return :math:`R` compounds the price with dividends reinvested each period
  (:math:`D_t/12` per month for Shiller's annual-rate dividends);
* interaction :math:`= R - g_E - g_{PE} - y`, everything that is not additive (the cross
  term :math:`g_E g_{PE}`, shown separately, and the compounding of dividends).

This is the Bogle / Grinold-Kroner building-block decomposition [1]_ [2]_ computed ex post.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError, NotFoundError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import Date, Integer, SeriesLike, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["Decomposition", "ReturnDecomposition", "return_decomposition"]


#: the components' names in words (chart labels)
_LABELS = {
    "earnings_growth": "earnings growth",
    "pe_change": "P/E change",
    "dividend_yield": "dividend yield",
    "interaction": "interaction",
    "total_return": "total return",
}


@dataclasses.dataclass(frozen=True)
class ReturnDecomposition(Result):
    """Annualised return decomposition over one window (all rates in percent a year)."""

    start: pd.Timestamp
    end: pd.Timestamp
    years: float
    total_return: float
    price_return: float
    earnings_growth: float
    pe_change: float
    dividend_yield: float
    interaction: float
    cross_term: float
    pe_start: float
    pe_end: float
    source: str

    def summary(self) -> str:
        return (
            f"Return decomposition {self.start:%Y-%m-%d} .. {self.end:%Y-%m-%d} "
            f"({self.years:.2f} years; {self.source})\n"
            f"  total return    {self.total_return:7.2f}% a year\n"
            f"  = earnings growth {self.earnings_growth:6.2f}\n"
            f"  + P/E change      {self.pe_change:6.2f}  (P/E {self.pe_start:.1f} -> {self.pe_end:.1f})\n"
            f"  + dividend yield  {self.dividend_yield:6.2f}\n"
            f"  + interaction     {self.interaction:6.2f}  (of which g_E x g_PE {self.cross_term:.2f})\n"
            f"  price return    {self.price_return:7.2f}% a year"
        )

    def components(self) -> dict[str, float]:
        return {
            "earnings_growth": self.earnings_growth,
            "pe_change": self.pe_change,
            "dividend_yield": self.dividend_yield,
            "interaction": self.interaction,
        }

    def to_frame(self) -> pd.DataFrame:
        """The components and the total, as fractions a year."""
        c = self.components()
        c["total_return"] = self.total_return
        return pd.DataFrame({"per_year": {k: v / 100.0 for k, v in c.items()}})

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go

        c = self.components()
        fig = go.Figure(
            go.Waterfall(
                x=[_LABELS[k] for k in (*c.keys(), "total_return")],
                measure=["relative"] * len(c) + ["total"],
                y=[*c.values(), self.total_return],
                name="annualised return",
                texttemplate="%{y:.1f}",
            )
        )
        fig.update_layout(
            title=f"Annualised return {self.start:%Y-%m}..{self.end:%Y-%m}: {self.total_return:.1f}%",
            yaxis_title="% a year",
            xaxis_title="component of the total return",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        """Rates as fractions a year (0.2 = 20% a year)."""
        pct = (
            "total_return",
            "price_return",
            "earnings_growth",
            "pe_change",
            "dividend_yield",
            "interaction",
            "cross_term",
        )
        return {
            "start": self.start,
            "end": self.end,
            "years": self.years,
            **{k: getattr(self, k) / 100.0 for k in pct},
            "pe_start": self.pe_start,
            "pe_end": self.pe_end,
            "source": self.source,
            "units": "fraction per year",
        }


def _series(x: Any, name: str) -> pd.Series:
    if not isinstance(x, pd.Series) or not isinstance(x.index, pd.DatetimeIndex):
        raise InputError(f"{name} must be a pandas Series indexed by dates")
    return x.astype(float).sort_index()


def _at(s: pd.Series, when: pd.Timestamp, name: str) -> tuple[pd.Timestamp, float]:
    ok = s.dropna()
    ok = ok[ok.index <= when]
    if ok.empty:
        raise NotFoundError(f"{name} has no observation on or before {when.date()}")
    return pd.Timestamp(ok.index[-1]), float(ok.iloc[-1])


@validate_params(
    price=SeriesLike(what="prices (a pandas Series by date)"),
    earnings=SeriesLike(what="earnings (a pandas Series by date)"),
    dividends=[None, SeriesLike(what="dividends (a pandas Series by date)")],
    start=Date(),
    end=Date(),
    periods_per_year=Integer(min=1),
    source=Text(),
)
def return_decomposition(
    price: pd.Series,
    earnings: pd.Series,
    dividends: pd.Series | None = None,
    *,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    periods_per_year: int = 12,
    source: str = "",
) -> ReturnDecomposition:
    """Decompose the annualised total return between ``start`` and ``end``.

    Parameters
    ----------
    price : pandas.Series
        Index level (Shiller's monthly P, or any index's own series).
    earnings : pandas.Series
        Trailing earnings per share of the index on the same dates.
    dividends : pandas.Series, optional
        Dividends per share at an annual rate (Shiller's D); ``None`` means no dividends.
    start, end : date
        The window; each end uses the last observation on or before the date.
    periods_per_year : int
        Observations per year, used to spread an annual-rate dividend over periods.
    source : str
        Label of the data used, kept in the result.

    Returns
    -------
    ReturnDecomposition

    References
    ----------
    .. [1] Bogle, J. C. (1991). Investing in the 1990s. Journal of Portfolio Management 17(3).
    .. [2] Grinold, R. & Kroner, K. (2002). The equity risk premium. Investment Insights,
       Barclays Global Investors 5(3).

    Examples
    --------
    >>> idx = pd.date_range("2020-01-01", periods=25, freq="MS")
    >>> p = pd.Series(np.linspace(100, 121, 25), index=idx)
    >>> e = pd.Series(np.linspace(5, 5.5, 25), index=idx)
    >>> d = return_decomposition(p, e, start="2020-01-01", end="2022-01-01")
    >>> round(d.earnings_growth + d.pe_change + d.cross_term, 6) == round(d.price_return, 6)
    True
    """
    p = _series(price, "price")
    e = _series(earnings, "earnings")
    try:
        t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    except (TypeError, ValueError) as exc:
        raise InputError(f"cannot read the window {start!r}..{end!r}; use YYYY-MM-DD") from exc
    if t1 <= t0:
        raise InputError(f"end {t1.date()} must be after start {t0.date()}")
    d0, p0 = _at(p, t0, "price")
    d1, p1 = _at(p, t1, "price")
    _, e0 = _at(e, t0, "earnings")
    _, e1 = _at(e, t1, "earnings")
    if d1 <= d0:
        raise InsufficientDataError(
            f"price has no observations between {t0.date()} and {t1.date()}"
        )
    if min(p0, p1) <= 0:
        raise InputError("prices must be positive")
    if e0 <= 0 or e1 <= 0:
        raise InputError(
            f"earnings must be positive at both ends (got {e0:g} and {e1:g}); a P/E change is "
            "undefined with losses"
        )
    years = (d1 - d0).days / 365.25
    win = p[(p.index >= d0) & (p.index <= d1)].dropna()
    if dividends is not None:
        dv = _series(dividends, "dividends").reindex(win.index).ffill()
        if dv.isna().any():
            raise NotFoundError(
                f"dividends missing on {dv[dv.isna()].index[0].date()}; they must cover {d0.date()}..{d1.date()}"
            )
    else:
        dv = pd.Series(0.0, index=win.index)
    gross = (win.to_numpy()[1:] + dv.to_numpy()[1:] / periods_per_year) / win.to_numpy()[:-1]
    tr = float(np.prod(gross)) ** (1.0 / years) - 1.0
    pr = (p1 / p0) ** (1.0 / years) - 1.0
    ge = (e1 / e0) ** (1.0 / years) - 1.0
    gpe = ((p1 / e1) / (p0 / e0)) ** (1.0 / years) - 1.0
    dy = float(np.mean(dv.to_numpy()[1:] / win.to_numpy()[1:]))
    pct = 100.0
    return ReturnDecomposition(
        metadata=make_metadata(
            {"start": str(t0.date()), "end": str(t1.date()), "periods_per_year": periods_per_year},
            data_vintage=d1.date().isoformat(),
        ),
        start=d0,
        end=d1,
        years=years,
        total_return=tr * pct,
        price_return=pr * pct,
        earnings_growth=ge * pct,
        pe_change=gpe * pct,
        dividend_yield=dy * pct,
        interaction=(tr - ge - gpe - dy) * pct,
        cross_term=ge * gpe * pct,
        pe_start=p0 / e0,
        pe_end=p1 / e1,
        source=source,
    )


#: the old name (kept working): result classes are named for what they hold
Decomposition = ReturnDecomposition
