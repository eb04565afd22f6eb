"""The Federal Reserve's balance sheet (WALCL) and policy rate, with runoff (QT) periods marked.

Runoff periods (``RUNOFF_PERIODS``), from the FOMC's own statements:

* **QT1** 2017-10-01 .. 2019-07-31. FOMC statement of 2017-09-20: "In October, the
  Committee will initiate the balance sheet normalization program"; FOMC statement of
  2019-07-31: the Committee "will conclude the reduction of its aggregate securities
  holdings in the System Open Market Account in August, two months earlier than
  previously indicated" (runoff ended 2019-08-01).
* **QT2** 2022-06-01 .. 2025-11-30. FOMC "Plans for Reducing the Size of the Federal
  Reserve's Balance Sheet", 2022-05-04 (reductions begin June 1); FOMC statement of
  2025-10-29: the Committee "decided to conclude the reduction of its aggregate securities
  holdings on December 1" (DIGEST S3-4).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from bubblewatch.errors import InputError, InsufficientDataError
from bubblewatch.results import Result, make_metadata
from bubblewatch.validation import ArrayLike, SeriesLike, validate_params

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["RUNOFF_PERIODS", "FedBalanceSheet", "RunoffPeriod", "fed_balance_sheet"]


@dataclasses.dataclass(frozen=True)
class RunoffPeriod:
    """A balance-sheet runoff period (inclusive dates) and its source."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    source: str


RUNOFF_PERIODS: tuple[RunoffPeriod, ...] = (
    RunoffPeriod(
        "QT1",
        pd.Timestamp("2017-10-01"),
        pd.Timestamp("2019-07-31"),
        "FOMC statements 2017-09-20 and 2019-07-31",
    ),
    RunoffPeriod(
        "QT2",
        pd.Timestamp("2022-06-01"),
        pd.Timestamp("2025-11-30"),
        "FOMC balance-sheet plans 2022-05-04; FOMC statement 2025-10-29 (ends December 1)",
    ),
)


@dataclasses.dataclass(frozen=True)
class FedBalanceSheet(Result):
    """Weekly total assets (USD bn), the policy rate (%) and the runoff periods' changes."""

    assets_usd_bn: pd.Series
    policy_rate: pd.Series | None
    runoffs: tuple[RunoffPeriod, ...]
    runoff_table: pd.DataFrame

    def summary(self) -> str:
        a = self.assets_usd_bn
        s = [f"Fed total assets {a.index[-1].date()}: USD {a.iloc[-1] / 1000:.2f}T"]
        if self.policy_rate is not None and len(self.policy_rate):
            s.append(
                f"policy rate {self.policy_rate.index[-1].date()}: {self.policy_rate.iloc[-1]:.2f}%"
            )
        for name, row in self.runoff_table.iterrows():
            s.append(
                f"{name} {row['start'].date()}..{row['end'].date()}: USD {row['assets_start_bn'] / 1000:.2f}T -> "
                f"{row['assets_end_bn'] / 1000:.2f}T ({row['change_bn']:+,.0f}B, {row['change_pct']:+.1f}%)"
            )
        return "\n".join(s)

    def to_frame(self) -> pd.DataFrame:
        """Weekly assets (USD bn), the policy rate in force (a fraction) and the runoff name."""
        df = self.assets_usd_bn.rename("assets_usd_bn").to_frame()
        if self.policy_rate is not None:
            df = df.join(self.policy_rate.rename("policy_rate") / 100.0, how="outer")
            df["policy_rate"] = df["policy_rate"].ffill()
            df = df.dropna(subset=["assets_usd_bn"])
        df["runoff"] = ""
        for p in self.runoffs:
            df.loc[(df.index >= p.start) & (df.index <= p.end), "runoff"] = p.name
        return df

    def plot(self) -> go.Figure:
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        from bubblewatch.chart_style import color, round_secondary_axis

        fig = make_subplots(specs=[[{"secondary_y": True}]])
        a = self.assets_usd_bn
        fig.add_trace(
            go.Scatter(
                x=a.index,
                y=a.to_numpy() / 1000,
                name="Fed total assets (USD T)",
                line={"color": color(0)},
            )
        )
        if self.policy_rate is not None:
            r = self.policy_rate
            fig.add_trace(
                go.Scatter(
                    x=r.index, y=r.to_numpy(), name="policy rate (%)", line={"color": color(1)}
                ),
                secondary_y=True,
            )
            round_secondary_axis(fig, r.to_numpy(), title="policy rate (%)")
        for p in self.runoffs:
            fig.add_vrect(
                x0=p.start,
                x1=p.end,
                fillcolor="grey",
                opacity=0.15,
                line_width=0,
                annotation_text=p.name,
            )
        fig.update_layout(title="Fed balance sheet and policy rate (runoff periods shaded)")
        fig.update_xaxes(title_text="date")
        fig.update_yaxes(title_text="total assets (USD T)", secondary_y=False)
        return fig

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.assets_usd_bn.index[-1],
            "assets_usd_bn": float(self.assets_usd_bn.iloc[-1]),
            "policy_rate": float(self.policy_rate.iloc[-1]) / 100.0
            if self.policy_rate is not None and len(self.policy_rate)
            else None,
            "policy_rate_date": self.policy_rate.index[-1]
            if self.policy_rate is not None and len(self.policy_rate)
            else None,
            "runoffs": [
                {
                    "name": str(k),
                    **{c: v for c, v in row.items() if c != "change_pct"},
                    "change": row["change_pct"] / 100.0,
                }
                for k, row in self.runoff_table.iterrows()
            ],
            "runoff_sources": {p.name: p.source for p in self.runoffs},
        }


@validate_params(
    walcl_usd_mn=SeriesLike(what="WALCL in USD millions (a pandas Series by date)"),
    policy_rate=[None, SeriesLike(what="the policy rate (a pandas Series by date)")],
    runoffs=ArrayLike(what="a sequence of RunoffPeriod"),
)
def fed_balance_sheet(
    walcl_usd_mn: pd.Series,
    policy_rate: pd.Series | None = None,
    *,
    runoffs: Sequence[RunoffPeriod] = RUNOFF_PERIODS,
) -> FedBalanceSheet:
    """Fed total assets and policy rate with the change over each runoff period.

    Parameters
    ----------
    walcl_usd_mn : pandas.Series
        FRED ``WALCL`` (weekly, USD millions).
    policy_rate : pandas.Series, optional
        Policy rate in percent (``DFF`` daily or ``FEDFUNDS`` monthly).
    runoffs : sequence of RunoffPeriod
        Periods to mark (default QT1 and QT2, sourced in the module docstring).

    Returns
    -------
    FedBalanceSheet
        ``runoff_table`` holds, per period covered by the data, the assets at the first and
        last week inside it and the change in USD bn and percent.
    """
    if not isinstance(walcl_usd_mn, pd.Series) or not isinstance(
        walcl_usd_mn.index, pd.DatetimeIndex
    ):
        raise InputError("walcl must be a pandas Series indexed by dates (USD millions)")
    a = walcl_usd_mn.astype(float).dropna().sort_index() / 1000.0
    if a.empty:
        raise InsufficientDataError("walcl is empty")
    rows = {}
    for p in runoffs:
        w = a[(a.index >= p.start) & (a.index <= p.end)]
        if len(w) < 2:
            continue
        rows[p.name] = {
            "start": w.index[0],
            "end": w.index[-1],
            "assets_start_bn": float(w.iloc[0]),
            "assets_end_bn": float(w.iloc[-1]),
            "change_bn": float(w.iloc[-1] - w.iloc[0]),
            "change_pct": float((w.iloc[-1] / w.iloc[0] - 1) * 100),
        }
    tbl = pd.DataFrame.from_dict(rows, orient="index")
    pr = policy_rate.astype(float).dropna().sort_index() if policy_rate is not None else None
    return FedBalanceSheet(
        metadata=make_metadata(
            {
                "runoffs": [p.name for p in runoffs],
                "series": {
                    "assets": walcl_usd_mn.name,
                    "policy_rate": None if policy_rate is None else policy_rate.name,
                },
            },
            data=a,
        ),
        assets_usd_bn=a,
        policy_rate=pr,
        runoffs=tuple(runoffs),
        runoff_table=tbl,
    )
