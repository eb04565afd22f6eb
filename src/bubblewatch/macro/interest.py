"""The federal interest bill: effective rate on the debt and the saving from a rate cut.

* Effective rate = interest outlays (annual rate) / debt outstanding, e.g. FRED
  ``A091RC1Q027SBEA`` (federal interest payments, USD bn, SAAR) over ``GFDEBTN`` (total
  public debt, USD mn); ``GDP`` (USD bn, SAAR) gives the bill as a share of GDP.
* A cut of :math:`\\Delta` basis points lowers the annual bill, within a year, by
  :math:`D \\times s \\times \\Delta / 10^4` where :math:`s` is the share of the debt that
  reprices within the year (bills plus coupons maturing and refinanced). Solving for
  :math:`s` shows what a stated saving assumes [1]_.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import Real, SeriesLike, Text, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = [
    "DEFAULT_REPRICING_SHARE",
    "InterestBill",
    "RateCut",
    "effective_rate",
    "implied_repricing_share",
    "interest_bill",
    "rate_cut_saving",
]

#: assumed share of Treasury debt repricing within a year: bills (~22% of marketable debt
#: in 2025) plus notes/bonds maturing within twelve months, about one third in total
#: (US Treasury, Monthly Statement of the Public Debt, 2025). An assumption: override it.
DEFAULT_REPRICING_SHARE = 1.0 / 3.0


def _q(s: pd.Series, name: str) -> pd.Series:
    if not isinstance(s, pd.Series) or not isinstance(s.index, pd.DatetimeIndex):
        raise InputError(f"{name} must be a pandas Series indexed by dates")
    return s.astype(float).dropna().sort_index()


@dataclasses.dataclass(frozen=True)
class InterestBill(Result):
    """Quarterly interest outlays, debt, effective rate and the bill as a share of GDP."""

    table: pd.DataFrame
    as_of: pd.Timestamp

    @property
    def latest(self) -> pd.Series:
        return self.table.loc[self.as_of]

    def summary(self) -> str:
        x = self.latest
        s = (
            f"Interest bill {self.as_of.date()}: USD {x['interest_usd_bn'] / 1000:.3f}T a year on "
            f"USD {x['debt_usd_bn'] / 1000:.2f}T of debt = effective rate {x['effective_rate_pct']:.2f}%"
        )
        if "interest_gdp_pct" in x and pd.notna(x["interest_gdp_pct"]):
            s += f"; {x['interest_gdp_pct']:.2f}% of GDP"
        return s

    def to_frame(self) -> pd.DataFrame:
        """The quarterly table with the rates and shares of GDP as fractions."""
        df = self.table.copy()
        pct = [c for c in df.columns if c.endswith("_pct")]
        df[pct] = df[pct] / 100.0
        return df.rename(columns={c: c.removesuffix("_pct") for c in pct})

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        from bubblewatch.chart_style import color, round_secondary_axis

        fig = make_subplots(specs=[[{"secondary_y": True}]])
        fig.add_trace(
            go.Scatter(
                x=self.table.index,
                y=self.table["interest_usd_bn"],
                name="interest outlays (USD bn a year)",
                line={"color": color(0)},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=self.table.index,
                y=self.table["effective_rate_pct"],
                name="effective interest rate (%)",
                line={"color": color(1)},
            ),
            secondary_y=True,
        )
        fig.update_layout(title="Federal interest outlays and effective rate")
        fig.update_xaxes(title_text="quarter")
        fig.update_yaxes(title_text="interest outlays (USD bn a year)", secondary_y=False)
        round_secondary_axis(
            fig, self.table["effective_rate_pct"], title="effective interest rate (%)"
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        x = self.latest
        return {
            "as_of": self.as_of,
            "interest_usd_bn": float(x["interest_usd_bn"]),
            "debt_usd_bn": float(x["debt_usd_bn"]),
            "effective_rate": float(x["effective_rate_pct"]) / 100.0,
            "interest_gdp": float(x["interest_gdp_pct"]) / 100.0
            if "interest_gdp_pct" in x
            else None,
        }


@validate_params(
    interest_usd_bn=SeriesLike(what="interest outlays in USD bn (a pandas Series by date)"),
    debt_usd_bn=SeriesLike(what="debt in USD bn (a pandas Series by date)"),
)
def effective_rate(interest_usd_bn: pd.Series, debt_usd_bn: pd.Series) -> pd.Series:
    """Interest outlays (annual rate) / debt at the same dates, in percent.

    Examples
    --------
    >>> i = pd.Series([1200.0], index=pd.to_datetime(["2025-10-01"]))
    >>> d = pd.Series([38000.0], index=pd.to_datetime(["2025-10-01"]))
    >>> round(float(effective_rate(i, d).iloc[0]), 3)
    3.158
    """
    i, d = _q(interest_usd_bn, "interest"), _q(debt_usd_bn, "debt")
    df = pd.concat({"i": i, "d": d}, axis=1, join="inner")
    if df.empty:
        raise InsufficientDataError("interest and debt have no common dates")
    if (df["d"] <= 0).any():
        raise InputError("debt must be positive")
    return (df["i"] / df["d"] * 100.0).rename("effective_rate_pct")


@validate_params(
    interest_usd_bn=SeriesLike(what="interest outlays in USD bn (a pandas Series by date)"),
    debt_usd_bn=SeriesLike(what="debt in USD bn (a pandas Series by date)"),
    gdp_usd_bn=[None, SeriesLike(what="nominal GDP in USD bn (a pandas Series by date)")],
)
def interest_bill(
    interest_usd_bn: pd.Series, debt_usd_bn: pd.Series, gdp_usd_bn: pd.Series | None = None
) -> InterestBill:
    """The interest bill table (quarterly) with the effective rate and the share of GDP.

    Parameters
    ----------
    interest_usd_bn : pandas.Series
        Interest outlays at an annual rate, USD bn (``A091RC1Q027SBEA``).
    debt_usd_bn : pandas.Series
        Debt outstanding, USD bn (``GFDEBTN`` / 1000).
    gdp_usd_bn : pandas.Series, optional
        Nominal GDP at an annual rate, USD bn (``GDP``).
    """
    rate = effective_rate(interest_usd_bn, debt_usd_bn)
    tbl = pd.concat(
        {
            "interest_usd_bn": _q(interest_usd_bn, "interest"),
            "debt_usd_bn": _q(debt_usd_bn, "debt"),
        },
        axis=1,
        join="inner",
    )
    tbl["effective_rate_pct"] = rate
    if gdp_usd_bn is not None:
        g = _q(gdp_usd_bn, "gdp").reindex(tbl.index)
        tbl["interest_gdp_pct"] = tbl["interest_usd_bn"] / g * 100.0
        tbl["debt_gdp_pct"] = tbl["debt_usd_bn"] / g * 100.0
    series = {"interest": interest_usd_bn.name, "debt": debt_usd_bn.name}
    if gdp_usd_bn is not None:
        series["gdp"] = gdp_usd_bn.name
    return InterestBill(
        metadata=make_metadata(
            {"series": {k: v for k, v in series.items() if v is not None}}, data=tbl
        ),
        table=tbl,
        as_of=pd.Timestamp(tbl.index[-1]),
    )


@validate_params(
    saving_usd_bn=Real(),
    debt_usd_bn=Real(),
    cut_bp=Real(),
)
def implied_repricing_share(saving_usd_bn: float, debt_usd_bn: float, cut_bp: float) -> float:
    """Share of ``debt_usd_bn`` that must reprice within a year for a cut of ``cut_bp`` to
    save ``saving_usd_bn`` a year.

    Examples
    --------
    >>> round(implied_repricing_share(87.5, 38_500.0, 25), 4)
    0.9091
    """
    if debt_usd_bn <= 0 or cut_bp <= 0:
        raise InputError("debt and the cut (bp) must be positive")
    if not saving_usd_bn > 0:
        raise InputError(
            f"a stated saving of USD {saving_usd_bn!r}B cannot be inverted: a cut saves a "
            "positive amount (give it in USD bn, e.g. 87.5)"
        )
    return saving_usd_bn / (debt_usd_bn * cut_bp / 1e4)


@dataclasses.dataclass(frozen=True)
class RateCut(Result):
    """Annual interest saved by a rate cut, and the repricing share a stated saving implies."""

    cut_bp: float
    debt_usd_bn: float
    repricing_share: float
    saving_usd_bn: float
    full_pass_through_usd_bn: float
    stated_saving_usd_bn: float | None
    implied_share: float | None
    debt_label: str

    def summary(self) -> str:
        s = (
            f"A {self.cut_bp:g} bp cut on USD {self.debt_usd_bn / 1000:.2f}T ({self.debt_label}) with "
            f"{self.repricing_share * 100:.0f}% repricing within a year saves USD "
            f"{self.saving_usd_bn:.1f}B a year (USD {self.full_pass_through_usd_bn:.1f}B if all of it repriced)"
        )
        if self.stated_saving_usd_bn is not None and self.implied_share is not None:
            s += (
                f"\n  the stated USD {self.stated_saving_usd_bn:g}B implies "
                f"{self.implied_share * 100:.0f}% of that debt repricing within a year"
            )
            if self.implied_share > 1:
                s += " (more than all of it: impossible within a year)"
        return s

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([self.to_dict()])

    def plot(self) -> go.Figure:
        import numpy as np
        import plotly.graph_objects as go

        shares = np.linspace(0, 1, 21)
        fig = go.Figure(
            go.Scatter(
                x=shares * 100, y=self.debt_usd_bn * shares * self.cut_bp / 1e4, name="saving"
            )
        )
        if self.stated_saving_usd_bn is not None:
            fig.add_hline(y=self.stated_saving_usd_bn, line_dash="dash", annotation_text="stated")
        fig.update_layout(
            title=f"Saving from a {self.cut_bp:g} bp cut by share repricing within a year",
            xaxis_title="share of debt repricing (%)",
            yaxis_title="USD bn a year",
        )
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "cut_bp": self.cut_bp,
            "debt_usd_bn": self.debt_usd_bn,
            "debt_label": self.debt_label,
            "repricing_share": self.repricing_share,
            "saving_usd_bn": self.saving_usd_bn,
            "full_pass_through_usd_bn": self.full_pass_through_usd_bn,
            "stated_saving_usd_bn": self.stated_saving_usd_bn,
            "implied_repricing_share": self.implied_share,
        }


@validate_params(
    debt_usd_bn=Real(),
    cut_bp=Real(),
    repricing_share=Real(),
    stated_saving_usd_bn=[None, Real()],
    debt_label=Text(),
)
def rate_cut_saving(
    debt_usd_bn: float,
    cut_bp: float = 25.0,
    *,
    repricing_share: float = DEFAULT_REPRICING_SHARE,
    stated_saving_usd_bn: float | None = 87.5,
    debt_label: str = "debt",
) -> RateCut:
    """First-year interest saving from a cut of ``cut_bp`` basis points.

    Parameters
    ----------
    debt_usd_bn : float
        Debt outstanding, USD bn.
    cut_bp : float
        Size of the cut in basis points (> 0).
    repricing_share : float
        Share of the debt that reprices within a year (0..1).
    stated_saving_usd_bn : float, optional
        A stated saving to invert (the articles' USD 87.5B per 25 bp, DIGEST S0-9).

    References
    ----------
    .. [1] Congressional Budget Office (2024). How changes in economic conditions might
       affect the federal budget (rule of thumb for interest-rate changes).

    Examples
    --------
    >>> r = rate_cut_saving(30_000.0, 25, repricing_share=0.5, stated_saving_usd_bn=None)
    >>> r.saving_usd_bn, r.full_pass_through_usd_bn
    (37.5, 75.0)
    """
    if not (debt_usd_bn > 0):
        raise InputError(f"debt {debt_usd_bn!r} must be positive (USD bn)")
    if not (cut_bp > 0):
        raise InputError(
            f"cut_bp {cut_bp!r}: the cut must be a positive number of basis points",
            parameter="cut_bp",
        )
    if not (0.0 <= repricing_share <= 1.0):
        raise InputError(f"repricing share {repricing_share!r} must lie between 0 and 1")
    full = debt_usd_bn * cut_bp / 1e4
    implied = (
        implied_repricing_share(stated_saving_usd_bn, debt_usd_bn, cut_bp)
        if stated_saving_usd_bn is not None
        else None
    )
    return RateCut(
        metadata=make_metadata(
            {
                "debt_usd_bn": debt_usd_bn,
                "cut_bp": cut_bp,
                "repricing_share": repricing_share,
                "stated_saving_usd_bn": stated_saving_usd_bn,
            }
        ),
        cut_bp=float(cut_bp),
        debt_usd_bn=float(debt_usd_bn),
        repricing_share=float(repricing_share),
        saving_usd_bn=full * repricing_share,
        full_pass_through_usd_bn=full,
        stated_saving_usd_bn=stated_saving_usd_bn,
        implied_share=implied,
        debt_label=debt_label,
    )
